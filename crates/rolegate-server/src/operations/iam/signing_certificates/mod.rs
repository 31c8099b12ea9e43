//! X.509 signing certificates of users and of the account root, one file per action. Without
//! `UserName` they act on the signing user's certificates, or the root's own. A certificate is
//! parsed and checked for real (`pki::x509`): PEM, valid now, with an RSA or ECDSA key; at
//! most two per owner, and one certificate is held once in an account.

pub mod delete_signing_certificate;
pub mod list_signing_certificates;
pub mod update_signing_certificate;
pub mod upload_signing_certificate;

use rolegate_protocol::ShapeWriter;
use rolegate_store::SigningCertificate;

use crate::operations::iam::access_keys::owner_name;

/// `SigningCertificate` (the root's have no `UserName`, as its access keys have none).
pub fn write_certificate(w: &mut impl ShapeWriter, certificate: &SigningCertificate) {
    w.optional("UserName", owner_name(&certificate.owner));
    w.string("CertificateId", &certificate.certificate_id);
    w.string("CertificateBody", &certificate.body);
    w.string("Status", certificate.status.as_str());
    w.timestamp("UploadDate", certificate.uploaded_at);
}
