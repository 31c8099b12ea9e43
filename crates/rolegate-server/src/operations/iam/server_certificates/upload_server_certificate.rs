//! `UploadServerCertificate`: the body must be a PEM certificate valid now, the chain (when
//! given) must verify from the body up, and the private key must be the certificate's. The key
//! is sealed before it reaches the store; `Expiration` is the certificate's NotAfter.

use rolegate_protocol::{Service, Shape, ShapeWriter, Tag, model};
use rolegate_store::ServerCertificate;
use rolegate_types::Partition;
use zeroize::Zeroizing;

use super::write_metadata;
use crate::authorize::Resource;
use crate::credentials::{Prefix, new_unique_id};
use crate::error::Error;
use crate::operation::{Ctx, Input, Operation, Output};
use crate::operations::iam::{check_duplicate_tags, iam_arn, to_store_tags, write_tags};
use crate::pki::x509::Certificate;

pub struct UploadServerCertificate {
    path: String,
    name: String,
    body: String,
    private_key: Zeroizing<String>,
    chain: Option<String>,
    tags: Vec<Tag>,
}

pub struct Uploaded {
    certificate: ServerCertificate,
    partition: Partition,
}

impl Shape for Uploaded {
    fn write<W: ShapeWriter>(&self, w: &mut W) {
        w.structure("ServerCertificateMetadata", |w| {
            write_metadata(w, &self.certificate, self.partition);
        });
        if !self.certificate.tags.is_empty() {
            write_tags(w, &self.certificate.tags);
        }
    }
}

impl Output for Uploaded {}

impl Operation for UploadServerCertificate {
    const NAME: &'static str = "UploadServerCertificate";
    const SERVICE: Service = Service::Iam;
    type Output = Uploaded;

    fn parse(input: &mut Input<'_>) -> Result<Self, Error> {
        Ok(Self {
            path: input.path("Path"),
            name: input.required(
                "ServerCertificateName",
                &model::iam::SERVER_CERTIFICATE_NAME,
            ),
            body: input.required("CertificateBody", &model::iam::CERTIFICATE_BODY),
            private_key: Zeroizing::new(input.required("PrivateKey", &model::iam::PRIVATE_KEY)),
            chain: input.optional("CertificateChain", &model::iam::CERTIFICATE_CHAIN),
            tags: input.tags(),
        })
    }

    async fn run(self, ctx: &mut Ctx<'_>) -> Result<Uploaded, Error> {
        check_duplicate_tags(&self.tags)?;
        let arn = iam_arn(ctx, "server-certificate", &self.path, &self.name);
        ctx.authorize("iam:UploadServerCertificate", &Resource::arn(arn))?;
        let parsed = Certificate::parse(&self.body)?;
        parsed.check_current(ctx.facts.now)?;
        if let Some(chain) = &self.chain {
            parsed.check_chain(&Certificate::parse_chain(chain)?)?;
        }
        parsed.check_private_key(&self.private_key)?;
        let id = new_unique_id(Prefix::Certificate, ctx.account_id())?;
        let sealed = ctx.state.sealer.seal_secret(&self.private_key, &id)?;
        let certificate = ServerCertificate {
            account_id: ctx.account_id().to_owned(),
            name: self.name,
            certificate_id: id,
            path: self.path,
            body: self.body,
            chain: self.chain,
            private_key_sealed: sealed,
            uploaded_at: ctx.facts.now,
            expires_at: parsed.not_after(),
            tags: to_store_tags(&self.tags),
        };
        ctx.store().upload_server_certificate(&certificate).await?;
        Ok(Uploaded {
            certificate,
            partition: ctx.facts.partition,
        })
    }
}
