//! `UpdateServiceSpecificCredential`: `Active` or `Inactive`.

use rolegate_protocol::{Service, model};

use super::no_such_credential;
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::user_credentials::{holder, settable_status, status};

pub struct UpdateServiceSpecificCredential {
    user: Option<String>,
    id: String,
    status: String,
}

impl Operation for UpdateServiceSpecificCredential {
    const NAME: &'static str = "UpdateServiceSpecificCredential";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::USER_NAME),
            id: input.required(
                "ServiceSpecificCredentialId",
                &model::iam::SERVICE_SPECIFIC_CREDENTIAL_ID,
            ),
            status: status(input),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let user = holder(ctx, "iam:UpdateServiceSpecificCredential", self.user)
            .await?
            .ok_or_else(|| no_such_credential(&self.id))?;
        let status = settable_status(&self.status)?;
        ctx.store()
            .update_service_credential_status(ctx.account_id(), &user, &self.id, status)
            .await?;
        Ok(NoResult)
    }
}
