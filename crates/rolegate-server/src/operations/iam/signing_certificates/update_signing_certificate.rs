//! `UpdateSigningCertificate`: `Active` or `Inactive`, on the owner's own certificate only.

use rolegate_protocol::{Service, model};

use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::access_keys::authorized_owner;
use crate::operations::iam::user_credentials::{settable_status, status};

pub struct UpdateSigningCertificate {
    user: Option<String>,
    id: String,
    status: String,
}

impl Operation for UpdateSigningCertificate {
    const NAME: &'static str = "UpdateSigningCertificate";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            user: input.optional("UserName", &model::iam::EXISTING_USER_NAME),
            id: input.required("CertificateId", &model::iam::CERTIFICATE_ID),
            status: status(input),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let owner = authorized_owner(ctx, "iam:UpdateSigningCertificate", self.user).await?;
        let status = settable_status(&self.status)?;
        ctx.store()
            .update_signing_certificate_status(ctx.account_id(), &owner, &self.id, status)
            .await?;
        Ok(NoResult)
    }
}
