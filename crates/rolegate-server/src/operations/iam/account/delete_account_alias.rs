//! `DeleteAccountAlias`.

use rolegate_protocol::Service;

use super::alias_param;
use crate::authorize::Resource;
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};

pub struct DeleteAccountAlias {
    alias: String,
}

impl Operation for DeleteAccountAlias {
    const NAME: &'static str = "DeleteAccountAlias";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            alias: alias_param(input),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        ctx.authorize("iam:DeleteAccountAlias", &Resource::arn("*"))?;
        ctx.store()
            .delete_account_alias(ctx.account_id(), &self.alias)
            .await?;
        Ok(NoResult)
    }
}
