//! `DeleteSigningCertificate`: the owner's own certificate only.

use rolegate_protocol::{Service, model};

use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::access_keys::authorized_owner;

pub struct DeleteSigningCertificate {
    user: Option<String>,
    id: String,
}

impl Operation for DeleteSigningCertificate {
    const NAME: &'static str = "DeleteSigningCertificate";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::EXISTING_USER_NAME),
            id: input.required("CertificateId", &model::iam::CERTIFICATE_ID),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let owner = authorized_owner(ctx, "iam:DeleteSigningCertificate", self.user).await?;
        ctx.store()
            .delete_signing_certificate(ctx.account_id(), &owner, &self.id)
            .await?;
        Ok(NoResult)
    }
}
