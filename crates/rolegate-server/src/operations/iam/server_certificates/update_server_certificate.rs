//! `UpdateServerCertificate`: a new name or path; tags follow. The caller needs the permission
//! on the certificate as it is and as it will be (IAM API Reference).

use rolegate_protocol::{Service, model};
use rolegate_store::{EntityKind, Rename, StoreError};

use super::{certificate_resource, find_certificate};
use crate::authorize::Resource;
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};
use crate::operations::iam::iam_arn;

pub struct UpdateServerCertificate {
    name: String,
    new_path: Option<String>,
    new_name: Option<String>,
}

impl Operation for UpdateServerCertificate {
    const NAME: &'static str = "UpdateServerCertificate";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required(
                "ServerCertificateName",
                &model::iam::SERVER_CERTIFICATE_NAME,
            ),
            new_path: input.optional_path("NewPath"),
            new_name: input.optional(
                "NewServerCertificateName",
                &model::iam::SERVER_CERTIFICATE_NAME,
            ),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let certificate = find_certificate(ctx, &self.name).await?;
        ctx.authorize(
            "iam:UpdateServerCertificate",
            &certificate_resource(ctx, &self.name, certificate.as_ref()),
        )?;
        let Some(certificate) = certificate else {
            return Err(StoreError::NotFound {
                kind: EntityKind::ServerCertificate,
                name: self.name,
            }
            .into());
        };
        if self.new_name.is_some() || self.new_path.is_some() {
            let path = self.new_path.as_deref().unwrap_or(&certificate.path);
            let name = self.new_name.as_deref().unwrap_or(&certificate.name);
            let arn = iam_arn(ctx, "server-certificate", path, name);
            ctx.authorize("iam:UpdateServerCertificate", &Resource::arn(arn))?;
        }
        let update = Rename {
            new_name: self.new_name,
            new_path: self.new_path,
        };
        ctx.store()
            .update_server_certificate(ctx.account_id(), &certificate.name, &update)
            .await?;
        Ok(NoResult)
    }
}
