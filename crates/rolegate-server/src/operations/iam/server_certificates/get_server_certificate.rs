//! `GetServerCertificate`: metadata, body, the chain when one was uploaded, and tags; never
//! the private key.

use rolegate_protocol::{Service, Shape, ShapeWriter, model};
use rolegate_store::{EntityKind, ServerCertificate, StoreError};
use rolegate_types::Partition;

use super::{certificate_resource, find_certificate, write_metadata};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::write_tags;

pub struct GetServerCertificate {
    name: String,
}

pub struct Found {
    certificate: ServerCertificate,
    partition: Partition,
}

impl Shape for Found {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        let c = &self.certificate;
        w.structure("ServerCertificate", |w| {
            w.structure("ServerCertificateMetadata", |w| {
                write_metadata(w, c, self.partition);
            });
            w.string("CertificateBody", &c.body);
            w.optional("CertificateChain", c.chain.as_deref());
            if !c.tags.is_empty() {
                write_tags(w, &c.tags);
            }
        });
    }
}

impl Output for Found {}

impl Operation for GetServerCertificate {
    const NAME: &'static str = "GetServerCertificate";
    const SERVICE: Service = Service::Iam;
    const READ_ONLY: bool = true;
    type Output = Found;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            name: input.required(
                "ServerCertificateName",
                &model::iam::SERVER_CERTIFICATE_NAME,
            ),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Found, Error> {
        let certificate = find_certificate(ctx, &self.name).await?;
        ctx.authorize(
            "iam:GetServerCertificate",
            &certificate_resource(ctx, &self.name, certificate.as_ref()),
        )?;
        let certificate = certificate.ok_or_else(|| {
            Error::from(StoreError::NotFound {
                kind: EntityKind::ServerCertificate,
                name: self.name.clone(),
            })
        })?;
        Ok(Found {
            certificate,
            partition: ctx.facts.partition,
        })
    }
}
