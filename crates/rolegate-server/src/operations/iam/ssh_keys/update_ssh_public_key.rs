//! `UpdateSSHPublicKey`: `Active` or `Inactive`.

use rolegate_protocol::{Service, model};

use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::user_credentials::{authorized_user, settable_status, status};

pub struct UpdateSshPublicKey {
    user: String,
    id: String,
    status: String,
}

impl Operation for UpdateSshPublicKey {
    const NAME: &'static str = "UpdateSSHPublicKey";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.required("UserName", &model::iam::USER_NAME),
            id: input.required("SSHPublicKeyId", &model::iam::PUBLIC_KEY_ID),
            status: status(input),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let user = authorized_user(ctx, "iam:UpdateSSHPublicKey", &self.user).await?;
        let status = settable_status(&self.status)?;
        ctx.store()
            .update_ssh_public_key_status(ctx.account_id(), &user, &self.id, status)
            .await?;
        Ok(NoResult)
    }
}
