//! `DeleteServerCertificate`: the certificate, its sealed key and its tags. (Nothing here
//! serves a certificate, so the DeleteConflict AWS gives one in use by a load balancer does
//! not arise.)

use rolegate_protocol::{Service, model};
use rolegate_store::{EntityKind, StoreError};

use super::{certificate_resource, find_certificate};
use crate::error::Error;
use crate::operation::{Ctx, Input, NoResult, Operation};

pub struct DeleteServerCertificate {
    name: String,
}

impl Operation for DeleteServerCertificate {
    const NAME: &'static str = "DeleteServerCertificate";
    const SERVICE: Service = Service::Iam;
    type Output = NoResult;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required(
                "ServerCertificateName",
                &model::iam::SERVER_CERTIFICATE_NAME,
            ),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<NoResult, Error> {
        let certificate = find_certificate(ctx, &self.name).await?;
        ctx.authorize(
            "iam:DeleteServerCertificate",
            &certificate_resource(ctx, &self.name, certificate.as_ref()),
        )?;
        if certificate.is_none() {
            return Err(StoreError::NotFound {
                kind: EntityKind::ServerCertificate,
                name: self.name,
            }
            .into());
        }
        ctx.store()
            .delete_server_certificate(ctx.account_id(), &self.name)
            .await?;
        Ok(NoResult)
    }
}
