//! `ResetServiceSpecificCredential`: a new generated secret, shown once.

use rolegate_protocol::{Service, model};
use zeroize::Zeroizing;

use super::create_service_specific_credential::Issued;
use super::no_such_credential;
use crate::credentials::new_service_secret;
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation};
use crate::operations::iam::user_credentials::holder;

pub struct ResetServiceSpecificCredential {
    user: Option<String>,
    id: String,
}

impl Operation for ResetServiceSpecificCredential {
    const NAME: &'static str = "ResetServiceSpecificCredential";
    const SERVICE: Service = Service::Iam;
    type Output = Issued;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::USER_NAME),
            id: input.required(
                "ServiceSpecificCredentialId",
                &model::iam::SERVICE_SPECIFIC_CREDENTIAL_ID,
            ),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Issued, Error> {
        let user = holder(ctx, "iam:ResetServiceSpecificCredential", self.user)
            .await?
            .ok_or_else(|| no_such_credential(&self.id))?;
        let secret = Zeroizing::new(new_service_secret()?);
        let sealed = ctx.state.sealer.seal_secret(&secret, &self.id)?;
        let credential = ctx
            .store()
            .reset_service_credential(ctx.account_id(), &user, &self.id, &sealed)
            .await?;
        Ok(Issued {
            credential,
            secret,
            now: ctx.facts.now,
        })
    }
}
