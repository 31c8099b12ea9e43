//! Users' service-specific credentials, one file per action: a generated user name and
//! password for CodeCommit (Git) or Amazon Keyspaces, or a long-term API key (alias and
//! secret) for Amazon Bedrock or CloudWatch Logs. The secret is sealed at rest and shown only by
//! Create and Reset; a user has at most two per service (the store's numbered slots).

pub mod create_service_specific_credential;
pub mod delete_service_specific_credential;
pub mod list_service_specific_credentials;
pub mod reset_service_specific_credential;
pub mod update_service_specific_credential;

use rolegate_protocol::{AwsError, ShapeWriter};
use rolegate_store::ServiceCredential;
use time::OffsetDateTime;

use crate::error::{Error, texts};

/// What a service's credential is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// `ServiceUserName` and `ServicePassword`.
    Password,
    /// `ServiceCredentialAlias` and `ServiceCredentialSecret`; may expire (`CredentialAgeDays`).
    ApiKey,
}

/// The services that issue service-specific credentials (IAM User Guide). The CloudWatch Logs
/// service name is unconfirmed (iam-complete §12).
const SERVICES: [(&str, CredentialKind); 4] = [
    ("codecommit.amazonaws.com", CredentialKind::Password),
    ("cassandra.amazonaws.com", CredentialKind::Password),
    ("bedrock.amazonaws.com", CredentialKind::ApiKey),
    ("logs.amazonaws.com", CredentialKind::ApiKey),
];

/// The kind of credential `service` issues, or AWS's `NotSupportedService`.
pub fn service_kind(service: &str) -> Result<CredentialKind, Error> {
    SERVICES
        .iter()
        .find(|(name, _)| *name == service)
        .map(|(_, kind)| *kind)
        .ok_or_else(|| {
            AwsError::not_supported_service(texts::not_supported_service(service)).into()
        })
}

/// `jane-at-123456789012` for a user's first credential of a service, `jane+1-at-…` for the
/// second (CLI examples). The API-key alias takes the same form (its exact form is
/// unconfirmed).
fn generated_name(credential: &ServiceCredential) -> String {
    match credential.slot {
        0 => format!("{}-at-{}", credential.user_name, credential.account_id),
        n => format!("{}+{n}-at-{}", credential.user_name, credential.account_id),
    }
}

/// `Expired` once an API key's age is past; the stored status otherwise.
fn status(credential: &ServiceCredential, now: OffsetDateTime) -> &'static str {
    match credential.expires_at {
        Some(at) if at <= now => "Expired",
        _ => credential.status.as_str(),
    }
}

fn kind_of(credential: &ServiceCredential) -> CredentialKind {
    service_kind(&credential.service_name).unwrap_or(CredentialKind::Password)
}

/// `ServiceSpecificCredential`, with the secret that Create and Reset show once.
pub fn write_credential(
    w: &mut impl ShapeWriter,
    credential: &ServiceCredential,
    secret: &str,
    now: OffsetDateTime,
) {
    let kind = kind_of(credential);
    w.timestamp("CreateDate", credential.created_at);
    if let Some(at) = credential.expires_at {
        w.timestamp("ExpirationDate", at);
    }
    w.string("ServiceName", &credential.service_name);
    match kind {
        CredentialKind::Password => {
            w.string("ServiceUserName", &generated_name(credential));
            w.secret("ServicePassword", secret);
        }
        CredentialKind::ApiKey => {
            w.string("ServiceCredentialAlias", &generated_name(credential));
            w.secret("ServiceCredentialSecret", secret);
        }
    }
    w.string("ServiceSpecificCredentialId", &credential.credential_id);
    w.string("UserName", &credential.user_name);
    w.string("Status", status(credential, now));
}

/// `ServiceSpecificCredentialMetadata`: no secret.
pub fn write_metadata(
    w: &mut impl ShapeWriter,
    credential: &ServiceCredential,
    now: OffsetDateTime,
) {
    w.string("UserName", &credential.user_name);
    w.string("Status", status(credential, now));
    match kind_of(credential) {
        CredentialKind::Password => w.string("ServiceUserName", &generated_name(credential)),
        CredentialKind::ApiKey => w.string("ServiceCredentialAlias", &generated_name(credential)),
    }
    w.timestamp("CreateDate", credential.created_at);
    if let Some(at) = credential.expires_at {
        w.timestamp("ExpirationDate", at);
    }
    w.string("ServiceSpecificCredentialId", &credential.credential_id);
    w.string("ServiceName", &credential.service_name);
}

/// `NoSuchEntity` for credential `id`.
fn no_such_credential(id: &str) -> Error {
    rolegate_store::StoreError::NotFound {
        kind: rolegate_store::EntityKind::ServiceCredential,
        name: id.to_owned(),
    }
    .into()
}
