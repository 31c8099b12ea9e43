//! Rolegate's storage: one `Store` trait over typed IAM rows, and the embedded SQLite backend.
//!
//! The store knows rows, uniqueness, transactions and IAM's invariants (quotas, delete rules,
//! what a row refers to), not AWS wording: it reports *what* is missing, duplicated, over quota
//! or blocking (`StoreError`), and the server turns that into IAM's exact messages.

mod error;
mod model;
mod rules;
mod sqlite;
mod store;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use error::{EntityKind, StoreError};
pub use model::{
    AccessKey, AccessKeyUse, Account, CredentialReport, DeletionStatus, DeletionTask, EntityRef,
    Group, Identity, IdentityKind, InstanceProfile, KeyOwner, KeyStatus, LoginProfile,
    LoginProfileUpdate, ManagedPolicy, MfaDevice, NewPassword, PasswordGuard, PasswordPolicy,
    PolicyEntities, PolicyScope, PolicyUsage, PolicyUse, PolicyVersion, Rename, ReportStart, Role,
    RoleUpdate, RoleUse, ServerCertificate, ServiceCredential, SigningCertificate, SshPublicKey,
    Tag, Taggable, TaggableKind, User, iam_arn,
};
pub use rules::{Blocker, PASSWORD_HISTORY, Quota, SERVICE_ROLE_PATH, inline_policy_limit};
pub use sqlite::SqliteStore;
pub use store::{
    AccessKeys, AccountCounts, Accounts, CredentialReports, Generation, Groups, IdentityPolicies,
    InstanceProfiles, LastUsed, LoginProfiles, ManagedPolicies, MfaDevices, PolicySize, Roles,
    ServerCertificates, ServiceCredentials, ServiceLinkedRoles, SigningCertificates, SshPublicKeys,
    Store, Tags, Users,
};

/// `use rolegate_store::prelude::*` brings `Store` and every family trait into scope, so their
/// methods can be called on a `dyn Store`.
pub mod prelude {
    pub use crate::store::{
        AccessKeys, Accounts, CredentialReports, Generation, Groups, IdentityPolicies,
        InstanceProfiles, LastUsed, LoginProfiles, ManagedPolicies, MfaDevices, Roles,
        ServerCertificates, ServiceCredentials, ServiceLinkedRoles, SigningCertificates,
        SshPublicKeys, Store, Tags, Users,
    };
}
