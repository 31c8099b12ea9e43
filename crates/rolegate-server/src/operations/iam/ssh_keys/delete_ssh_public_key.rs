//! `DeleteSSHPublicKey`.

use rolegate_protocol::{Service, model};

use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::user_credentials::authorized_user;

pub struct DeleteSshPublicKey {
    user: String,
    id: String,
}

impl Operation for DeleteSshPublicKey {
    const NAME: &'static str = "DeleteSSHPublicKey";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.required("UserName", &model::iam::USER_NAME),
            id: input.required("SSHPublicKeyId", &model::iam::PUBLIC_KEY_ID),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let user = authorized_user(ctx, "iam:DeleteSSHPublicKey", &self.user).await?;
        ctx.store()
            .delete_ssh_public_key(ctx.account_id(), &user, &self.id)
            .await?;
        Ok(NoResult)
    }
}
