//! `DeleteAccountPasswordPolicy`: back to AWS's default rules for new passwords. With none set,
//! `NoSuchEntity` with GetAccountPasswordPolicy's text (unconfirmed for this action).

use rolegate_protocol::Service;

use crate::authorize::Resource;
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};

pub struct DeleteAccountPasswordPolicy;

impl Operation for DeleteAccountPasswordPolicy {
    const NAME: &'static str = "DeleteAccountPasswordPolicy";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(_: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self)
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        ctx.authorize("iam:DeleteAccountPasswordPolicy", &Resource::arn("*"))?;
        ctx.store().delete_password_policy(ctx.account_id()).await?;
        Ok(NoResult)
    }
}
