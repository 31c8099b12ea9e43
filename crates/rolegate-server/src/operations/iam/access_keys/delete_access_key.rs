//! `DeleteAccessKey`: the owner's own key only.

use rolegate_protocol::{Service, model};

use super::authorized_owner;
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};

pub struct DeleteAccessKey {
    user: Option<String>,
    id: String,
}

impl Operation for DeleteAccessKey {
    const NAME: &'static str = "DeleteAccessKey";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::EXISTING_USER_NAME),
            id: input.required("AccessKeyId", &model::iam::ACCESS_KEY_ID),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let owner = authorized_owner(ctx, "iam:DeleteAccessKey", self.user).await?;
        ctx.store()
            .delete_access_key(ctx.account_id(), &owner, &self.id)
            .await?;
        Ok(NoResult)
    }
}
