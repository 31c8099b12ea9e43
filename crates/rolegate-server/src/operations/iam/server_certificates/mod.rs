//! The account's server (TLS) certificates, one file per action; their tags are in `tags`.
//! The certificate, its chain and the private key are checked at upload (`pki::x509`); the
//! private key is sealed at rest and never returned.

pub mod delete_server_certificate;
pub mod get_server_certificate;
pub mod list_server_certificates;
pub mod update_server_certificate;
pub mod upload_server_certificate;

use rolegate_protocol::ShapeWriter;
use rolegate_store::ServerCertificate;
use rolegate_types::Partition;

use crate::authorize::Resource;
use crate::error::{Error, StoreResultExt as _};
use crate::operation::Ctx;
use crate::operations::iam::iam_arn;

/// `ServerCertificateMetadata`'s members.
pub fn write_metadata(
    w: &mut impl ShapeWriter,
    certificate: &ServerCertificate,
    partition: Partition,
) {
    w.string("Path", &certificate.path);
    w.string("ServerCertificateName", &certificate.name);
    w.string("ServerCertificateId", &certificate.certificate_id);
    w.string("Arn", &certificate.arn(partition.as_str()));
    w.timestamp("UploadDate", certificate.uploaded_at);
    w.timestamp("Expiration", certificate.expires_at);
}

/// The certificate `name` of the caller's account, if it exists.
pub async fn find_certificate(
    ctx: &Ctx<'_>,
    name: &str,
) -> Result<Option<ServerCertificate>, Error> {
    ctx.store()
        .get_server_certificate(ctx.account_id(), name)
        .await
        .found()
}

/// The resource an action on certificate `name` is checked against: its ARN and tags when it
/// exists, else the ARN it would have at path `/`.
pub fn certificate_resource(
    ctx: &Ctx<'_>,
    name: &str,
    certificate: Option<&ServerCertificate>,
) -> Resource {
    match certificate {
        Some(c) => Resource {
            tags: c
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect(),
            ..Resource::arn(c.arn(ctx.facts.partition.as_str()))
        },
        None => Resource::arn(iam_arn(ctx, "server-certificate", "/", name)),
    }
}
