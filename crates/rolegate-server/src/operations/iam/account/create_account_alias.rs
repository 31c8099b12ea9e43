//! `CreateAccountAlias`: an account has one alias; a new one replaces it (as AWS does), and an
//! alias is unique across accounts.

use rolegate_protocol::Service;

use super::alias_param;
use crate::authorize::Resource;
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};

pub struct CreateAccountAlias {
    alias: String,
}

impl Operation for CreateAccountAlias {
    const NAME: &'static str = "CreateAccountAlias";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            alias: alias_param(input),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        ctx.authorize("iam:CreateAccountAlias", &Resource::arn("*"))?;
        ctx.store()
            .set_account_alias(ctx.account_id(), &self.alias)
            .await?;
        Ok(NoResult)
    }
}
