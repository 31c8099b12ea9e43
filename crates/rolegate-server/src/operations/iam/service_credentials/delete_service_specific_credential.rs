//! `DeleteServiceSpecificCredential`.

use rolegate_protocol::{Service, model};

use super::no_such_credential;
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::user_credentials::holder;

pub struct DeleteServiceSpecificCredential {
    user: Option<String>,
    id: String,
}

impl Operation for DeleteServiceSpecificCredential {
    const NAME: &'static str = "DeleteServiceSpecificCredential";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::USER_NAME),
            id: input.required(
                "ServiceSpecificCredentialId",
                &model::iam::SERVICE_SPECIFIC_CREDENTIAL_ID,
            ),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let user = holder(ctx, "iam:DeleteServiceSpecificCredential", self.user)
            .await?
            .ok_or_else(|| no_such_credential(&self.id))?;
        ctx.store()
            .delete_service_credential(ctx.account_id(), &user, &self.id)
            .await?;
        Ok(NoResult)
    }
}
