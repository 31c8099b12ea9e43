//! `UpdateAccessKey`: `Active` or `Inactive`, on the owner's own key only.

use rolegate_protocol::{Service, StringRule, model};
use rolegate_store::KeyStatus;

use super::authorized_owner;
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};

pub struct UpdateAccessKey {
    user: Option<String>,
    id: String,
    status: String,
}

impl Operation for UpdateAccessKey {
    const NAME: &'static str = "UpdateAccessKey";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        let user = input.optional("UserName", &model::iam::EXISTING_USER_NAME);
        let id = input.required("AccessKeyId", &model::iam::ACCESS_KEY_ID);
        let status = input.required("Status", &StringRule::ANY);
        if input.params.contains("Status") {
            let path = input.params.field_path("Status");
            input.v.enumeration(&path, &status, &["Active", "Inactive"]);
        }
        Ok(Self { user, id, status })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let owner = authorized_owner(ctx, "iam:UpdateAccessKey", self.user).await?;
        let status = KeyStatus::parse(&self.status).unwrap_or(KeyStatus::Inactive);
        ctx.store()
            .update_access_key_status(ctx.account_id(), &owner, &self.id, status)
            .await?;
        Ok(NoResult)
    }
}
