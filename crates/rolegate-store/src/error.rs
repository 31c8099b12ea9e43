//! What can go wrong in a store: a missing or duplicate row, a quota or delete rule that the
//! change would break, or the backend.

use std::fmt;

use crate::{Blocker, IdentityKind, Quota};

/// The kind of row an error is about, so the server can pick IAM's message for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityKind {
    Account,
    AccessKey,
    User,
    Group,
    Role,
    InstanceProfile,
    InlinePolicy,
    AttachedPolicy,
    ManagedPolicy,
    PolicyVersion,
    MfaDevice,
    SshPublicKey,
    SigningCertificate,
    ServerCertificate,
    ServiceCredential,
    AccountAlias,
    LoginProfile,
    PasswordPolicy,
    CredentialReport,
    DeletionTask,
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Account => "account",
            Self::AccessKey => "access key",
            Self::User => "user",
            Self::Group => "group",
            Self::Role => "role",
            Self::InstanceProfile => "instance profile",
            Self::InlinePolicy => "inline policy",
            Self::AttachedPolicy => "attached policy",
            Self::ManagedPolicy => "managed policy",
            Self::PolicyVersion => "policy version",
            Self::MfaDevice => "MFA device",
            Self::SshPublicKey => "SSH public key",
            Self::SigningCertificate => "signing certificate",
            Self::ServerCertificate => "server certificate",
            Self::ServiceCredential => "service-specific credential",
            Self::AccountAlias => "account alias",
            Self::LoginProfile => "login profile",
            Self::PasswordPolicy => "password policy",
            Self::CredentialReport => "credential report",
            Self::DeletionTask => "deletion task",
        };
        f.write_str(name)
    }
}

/// A store failure. `name` is the offending key as the caller gave it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{kind} {name} not found")]
    NotFound { kind: EntityKind, name: String },
    #[error("{kind} {name} already exists")]
    AlreadyExists { kind: EntityKind, name: String },
    /// A write that the current state forbids (e.g. enabling an MFA device that is in use).
    #[error("{kind} {name}: {reason}")]
    Conflict {
        kind: EntityKind,
        name: String,
        reason: &'static str,
    },
    /// The write would exceed one of IAM's quotas; nothing was changed.
    #[error("quota {} ({}) exceeded", quota.name(), quota.limit())]
    LimitExceeded { quota: Quota },
    /// The identity's inline policies would exceed their total size; nothing was changed.
    #[error("inline policies of {kind:?} {name} would exceed {limit} characters")]
    InlinePolicySize {
        kind: IdentityKind,
        name: String,
        limit: usize,
    },
    /// The entity cannot be deleted while `blocker` holds; nothing was changed.
    #[error("cannot delete: {blocker:?}")]
    DeleteConflict { blocker: Blocker },
    /// The backend failed; the text is for logs, never for clients.
    #[error("storage backend: {0}")]
    Backend(String),
    /// A stored value could not be read back (corrupt or from a newer schema).
    #[error("stored row is corrupt: {0}")]
    Corrupt(String),
}

impl StoreError {
    pub(crate) fn not_found(kind: EntityKind, name: impl Into<String>) -> Self {
        Self::NotFound {
            kind,
            name: name.into(),
        }
    }

    pub(crate) fn limit(quota: Quota) -> Self {
        Self::LimitExceeded { quota }
    }

    pub(crate) fn blocked(blocker: Blocker) -> Self {
        Self::DeleteConflict { blocker }
    }

    pub(crate) fn already_exists(kind: EntityKind, name: impl Into<String>) -> Self {
        Self::AlreadyExists {
            kind,
            name: name.into(),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        Self::Backend(error.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        Self::Backend(error.to_string())
    }
}
