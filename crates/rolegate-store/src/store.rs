//! The `Store` trait: every read and write the server needs, grouped by family, each write one
//! transaction that keeps IAM's rules itself. A quota (`LimitExceeded`), a delete rule
//! (`DeleteConflict`) or an existence check is decided inside the transaction that writes, so
//! two racing requests can never both pass a check that only one of them may pass.
//!
//! Names are compared case-insensitively, as IAM does. Callers bring `Store` and its families
//! into scope with `use rolegate_store::prelude::*`.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::{
    AccessKey, AccessKeyUse, Account, CredentialReport, DeletionTask, Group, Identity,
    InstanceProfile, KeyOwner, KeyStatus, LoginProfile, LoginProfileUpdate, ManagedPolicy,
    MfaDevice, PasswordGuard, PasswordPolicy, PolicyEntities, PolicyScope, PolicyUsage, PolicyUse,
    PolicyVersion, Rename, ReportStart, Role, RoleUpdate, RoleUse, ServerCertificate,
    ServiceCredential, SigningCertificate, SshPublicKey, StoreError, Tag, Taggable, User,
};

/// Rolegate's persistent IAM state: every family below. Implementations make each method atomic
/// and durable once it returns `Ok`.
pub trait Store:
    Generation
    + Accounts
    + AccessKeys
    + Users
    + Groups
    + Roles
    + InstanceProfiles
    + IdentityPolicies
    + ManagedPolicies
    + Tags
    + MfaDevices
    + LoginProfiles
    + SshPublicKeys
    + SigningCertificates
    + ServerCertificates
    + ServiceCredentials
    + LastUsed
    + CredentialReports
    + ServiceLinkedRoles
    + Send
    + Sync
    + std::fmt::Debug
{
}

impl<T> Store for T where
    T: Generation
        + Accounts
        + AccessKeys
        + Users
        + Groups
        + Roles
        + InstanceProfiles
        + IdentityPolicies
        + ManagedPolicies
        + Tags
        + MfaDevices
        + LoginProfiles
        + SshPublicKeys
        + SigningCertificates
        + ServerCertificates
        + ServiceCredentials
        + LastUsed
        + CredentialReports
        + ServiceLinkedRoles
        + Send
        + Sync
        + std::fmt::Debug
{
}

/// The cache generation: a counter every write moves, kept in the database so that every
/// process over one database sees every other's writes.
#[async_trait]
pub trait Generation: Send + Sync {
    /// The newest generation this process knows: moved by its own writes at once, and by other
    /// processes' writes when [`Generation::refresh_generation`] reads them.
    fn generation(&self) -> u64;
    /// Reads the database's generation and returns the newest one known.
    async fn refresh_generation(&self) -> Result<u64, StoreError>;
}

/// Per-account counts for `GetAccountSummary`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountCounts {
    pub users: u64,
    pub groups: u64,
    pub roles: u64,
    pub instance_profiles: u64,
    pub policies: u64,
    /// Attachments of managed policies to users, groups and roles.
    pub policy_versions_in_use: u64,
    pub mfa_devices: u64,
    pub mfa_devices_in_use: u64,
    /// Access keys of the account root.
    pub root_access_keys: u64,
    pub server_certificates: u64,
    /// Signing certificates of the account root.
    pub root_signing_certificates: u64,
}

#[async_trait]
pub trait Accounts: Send + Sync {
    /// Creates the account unless one with that id exists; returns whether it was created.
    async fn ensure_account(&self, account: &Account) -> Result<bool, StoreError>;
    async fn get_account(&self, id: &str) -> Result<Account, StoreError>;
    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError>;
    async fn account_counts(&self, account_id: &str) -> Result<AccountCounts, StoreError>;
    /// Sets the account's one alias, replacing any other; an alias is unique across accounts
    /// (`AlreadyExists` when another account holds it).
    async fn set_account_alias(&self, account_id: &str, alias: &str) -> Result<(), StoreError>;
    /// Removes `alias` if it is the account's (`NotFound` otherwise).
    async fn delete_account_alias(&self, account_id: &str, alias: &str) -> Result<(), StoreError>;
    async fn list_account_aliases(&self, account_id: &str) -> Result<Vec<String>, StoreError>;
}

#[async_trait]
pub trait AccessKeys: Send + Sync {
    /// Creates the key; a user's key needs the user, and a user or root has at most
    /// `AccessKeysPerUser` keys (inactive ones count).
    async fn create_access_key(&self, key: &AccessKey) -> Result<(), StoreError>;
    async fn get_access_key(&self, access_key_id: &str) -> Result<AccessKey, StoreError>;
    /// Keys of one owner (a user, or the account root), oldest first.
    async fn list_access_keys(
        &self,
        account_id: &str,
        owner: &KeyOwner,
    ) -> Result<Vec<AccessKey>, StoreError>;
    /// Changes the status of `owner`'s key (`NotFound` for anyone else's).
    async fn update_access_key_status(
        &self,
        account_id: &str,
        owner: &KeyOwner,
        access_key_id: &str,
        status: KeyStatus,
    ) -> Result<(), StoreError>;
    /// Deletes `owner`'s key (`NotFound` for anyone else's).
    async fn delete_access_key(
        &self,
        account_id: &str,
        owner: &KeyOwner,
        access_key_id: &str,
    ) -> Result<(), StoreError>;
}

#[async_trait]
pub trait Users: Send + Sync {
    /// Within `UsersPerAccount`; a customer boundary must exist in the account.
    async fn create_user(&self, user: &User) -> Result<(), StoreError>;
    async fn get_user(&self, account_id: &str, name: &str) -> Result<User, StoreError>;
    async fn list_users(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
    ) -> Result<Vec<User>, StoreError>;
    /// Renames or moves the user; everything it owns follows it.
    async fn update_user(
        &self,
        account_id: &str,
        name: &str,
        update: &Rename,
    ) -> Result<(), StoreError>;
    /// Sets or (`None`) removes the permissions boundary; a customer policy must exist.
    async fn set_user_boundary(
        &self,
        account_id: &str,
        name: &str,
        boundary: Option<&str>,
    ) -> Result<(), StoreError>;
    /// Deletes the user, its tags and its password history, unless it still has a login
    /// profile, keys, policies, devices or groups.
    async fn delete_user(&self, account_id: &str, name: &str) -> Result<(), StoreError>;
}

#[async_trait]
pub trait Groups: Send + Sync {
    /// Within `GroupsPerAccount`.
    async fn create_group(&self, group: &Group) -> Result<(), StoreError>;
    async fn get_group(&self, account_id: &str, name: &str) -> Result<Group, StoreError>;
    async fn list_groups(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
    ) -> Result<Vec<Group>, StoreError>;
    async fn update_group(
        &self,
        account_id: &str,
        name: &str,
        update: &Rename,
    ) -> Result<(), StoreError>;
    /// Deletes the group, unless it still has members or policies.
    async fn delete_group(&self, account_id: &str, name: &str) -> Result<(), StoreError>;
    /// Adds the user (both must exist; a member already is left as it is), within
    /// `GroupsPerUser`.
    async fn add_user_to_group(
        &self,
        account_id: &str,
        group: &str,
        user: &str,
    ) -> Result<(), StoreError>;
    /// Removes the user (both must exist; a non-member is left as it is).
    async fn remove_user_from_group(
        &self,
        account_id: &str,
        group: &str,
        user: &str,
    ) -> Result<(), StoreError>;
    /// The group's members, by name.
    async fn list_group_members(
        &self,
        account_id: &str,
        group: &str,
    ) -> Result<Vec<User>, StoreError>;
    /// The user's groups, by name.
    async fn list_groups_for_user(
        &self,
        account_id: &str,
        user: &str,
    ) -> Result<Vec<Group>, StoreError>;
}

#[async_trait]
pub trait Roles: Send + Sync {
    /// Within `RolesPerAccount`; a customer boundary must exist in the account.
    async fn create_role(&self, role: &Role) -> Result<(), StoreError>;
    async fn get_role(&self, account_id: &str, name: &str) -> Result<Role, StoreError>;
    async fn list_roles(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
    ) -> Result<Vec<Role>, StoreError>;
    async fn update_role(
        &self,
        account_id: &str,
        name: &str,
        update: &RoleUpdate,
    ) -> Result<(), StoreError>;
    /// Sets or (`None`) removes the permissions boundary; a customer policy must exist.
    async fn set_role_boundary(
        &self,
        account_id: &str,
        name: &str,
        boundary: Option<&str>,
    ) -> Result<(), StoreError>;
    /// Deletes the role and its tags, unless it still has policies or is in an instance profile.
    async fn delete_role(&self, account_id: &str, name: &str) -> Result<(), StoreError>;
}

#[async_trait]
pub trait InstanceProfiles: Send + Sync {
    /// Within `InstanceProfilesPerAccount`.
    async fn create_instance_profile(&self, profile: &InstanceProfile) -> Result<(), StoreError>;
    async fn get_instance_profile(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<InstanceProfile, StoreError>;
    async fn list_instance_profiles(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
    ) -> Result<Vec<InstanceProfile>, StoreError>;
    async fn list_instance_profiles_for_role(
        &self,
        account_id: &str,
        role: &str,
    ) -> Result<Vec<InstanceProfile>, StoreError>;
    /// Deletes the profile unless it still holds a role.
    async fn delete_instance_profile(&self, account_id: &str, name: &str)
    -> Result<(), StoreError>;
    /// Puts the role in the profile: one role per profile (`InstanceSessionsPerInstanceProfile`).
    async fn add_role_to_instance_profile(
        &self,
        account_id: &str,
        profile: &str,
        role: &str,
    ) -> Result<(), StoreError>;
    /// Takes the role out (`NotFound` when it is not in the profile).
    async fn remove_role_from_instance_profile(
        &self,
        account_id: &str,
        profile: &str,
        role: &str,
    ) -> Result<(), StoreError>;
}

/// The measure of a policy's size that IAM's quotas count (characters, whitespace outside
/// strings not counted); the policy engine owns it, the store applies it.
pub type PolicySize = fn(&str) -> usize;

#[async_trait]
pub trait IdentityPolicies: Send + Sync {
    /// Creates or replaces an inline policy; the identity's inline policies together stay
    /// within their size limit (`InlinePolicySize`).
    async fn put_inline_policy(
        &self,
        identity: &Identity,
        policy_name: &str,
        document: &str,
        size: PolicySize,
    ) -> Result<(), StoreError>;
    async fn get_inline_policy(
        &self,
        identity: &Identity,
        policy_name: &str,
    ) -> Result<String, StoreError>;
    /// `(name, document)` pairs, sorted by name.
    async fn list_inline_policies(
        &self,
        identity: &Identity,
    ) -> Result<Vec<(String, String)>, StoreError>;
    async fn delete_inline_policy(
        &self,
        identity: &Identity,
        policy_name: &str,
    ) -> Result<(), StoreError>;
    /// Attaches a managed policy (a customer policy must exist in the identity's account; an
    /// AWS-managed one is the caller's to check), within the identity's quota. Attaching twice
    /// changes nothing.
    async fn attach_policy(&self, identity: &Identity, policy_arn: &str) -> Result<(), StoreError>;
    async fn detach_policy(&self, identity: &Identity, policy_arn: &str) -> Result<(), StoreError>;
    /// Attached policy ARNs in attachment order.
    async fn list_attached_policies(&self, identity: &Identity) -> Result<Vec<String>, StoreError>;
    /// Who in `account_id` uses the policy: attached (`Permissions`), as a boundary, or both.
    async fn list_entities_for_policy(
        &self,
        account_id: &str,
        policy_arn: &str,
        usage: Option<PolicyUsage>,
    ) -> Result<PolicyEntities, StoreError>;
    /// `(attachments, boundary uses)` of a policy in `account_id` (AWS-managed policies are
    /// counted per account).
    async fn policy_usage(
        &self,
        account_id: &str,
        policy_arn: &str,
    ) -> Result<(i64, i64), StoreError>;
    /// The use of every policy that is attached or set as a boundary in `account_id`.
    async fn policy_uses(&self, account_id: &str) -> Result<Vec<PolicyUse>, StoreError>;
}

#[async_trait]
pub trait ManagedPolicies: Send + Sync {
    /// Creates the policy with `document` as its default version `v1`, within
    /// `PoliciesPerAccount`.
    async fn create_policy(&self, policy: &ManagedPolicy, document: &str)
    -> Result<(), StoreError>;
    async fn get_policy(&self, arn: &str) -> Result<ManagedPolicy, StoreError>;
    async fn list_policies(
        &self,
        account_id: &str,
        scope: &PolicyScope,
    ) -> Result<Vec<ManagedPolicy>, StoreError>;
    /// Deletes the policy and its versions, unless it is attached, used as a boundary or has
    /// versions besides its default.
    async fn delete_policy(&self, arn: &str) -> Result<(), StoreError>;
    /// Adds the next version (`v{n}`), within `VersionsPerPolicy`; makes it the default when
    /// asked.
    async fn create_policy_version(
        &self,
        arn: &str,
        document: &str,
        set_as_default: bool,
        at: OffsetDateTime,
    ) -> Result<PolicyVersion, StoreError>;
    async fn get_policy_version(
        &self,
        arn: &str,
        version_id: &str,
    ) -> Result<PolicyVersion, StoreError>;
    /// Newest first.
    async fn list_policy_versions(&self, arn: &str) -> Result<Vec<PolicyVersion>, StoreError>;
    async fn set_default_policy_version(
        &self,
        arn: &str,
        version_id: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Deletes a version other than the default.
    async fn delete_policy_version(&self, arn: &str, version_id: &str) -> Result<(), StoreError>;
}

#[async_trait]
pub trait Tags: Send + Sync {
    /// Adds or overwrites (case-insensitively by key) the given tags; the resource keeps at most
    /// `TagsPerResource`.
    async fn tag(&self, resource: &Taggable, tags: &[Tag]) -> Result<(), StoreError>;
    /// Removes the given keys; absent keys are ignored.
    async fn untag(&self, resource: &Taggable, keys: &[String]) -> Result<(), StoreError>;
    async fn list_tags(&self, resource: &Taggable) -> Result<Vec<Tag>, StoreError>;
}

#[async_trait]
pub trait MfaDevices: Send + Sync {
    async fn create_mfa_device(&self, device: &MfaDevice) -> Result<(), StoreError>;
    async fn get_mfa_device(&self, serial_number: &str) -> Result<MfaDevice, StoreError>;
    /// Devices of one account, or only those enabled for `user_name`.
    async fn list_mfa_devices(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> Result<Vec<MfaDevice>, StoreError>;
    /// Binds an unassigned device of the account to one of its users, recording the TOTP step
    /// that proved it.
    async fn enable_mfa_device(
        &self,
        account_id: &str,
        serial_number: &str,
        user_name: &str,
        step: u64,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Unbinds the device from the user of `account_id`.
    async fn deactivate_mfa_device(
        &self,
        account_id: &str,
        serial_number: &str,
        user_name: &str,
    ) -> Result<(), StoreError>;
    /// Deletes a device of the account that is not assigned to a user.
    async fn delete_mfa_device(
        &self,
        account_id: &str,
        serial_number: &str,
    ) -> Result<(), StoreError>;
    /// Records a TOTP step as used if it is newer than the last one; `false` means a replay.
    async fn use_mfa_step(&self, serial_number: &str, step: u64) -> Result<bool, StoreError>;
}

/// Console passwords and the account password policy. Passwords are hashes (see
/// [`LoginProfile`]); every password a user is given joins its history (the newest
/// [`crate::PASSWORD_HISTORY`] are kept), which `PasswordReusePrevention` is checked against and
/// which goes only with the user.
#[async_trait]
pub trait LoginProfiles: Send + Sync {
    /// Gives the user a console password: the user must exist (`NotFound`) and have none yet
    /// (`AlreadyExists`); `guard` must still hold (`Conflict`).
    async fn create_login_profile(
        &self,
        profile: &LoginProfile,
        guard: &PasswordGuard,
    ) -> Result<(), StoreError>;
    async fn get_login_profile(
        &self,
        account_id: &str,
        user_name: &str,
    ) -> Result<LoginProfile, StoreError>;
    /// Sets a new password (if its guard still holds, else `Conflict`) and/or the reset flag.
    /// `NotFound` for a missing user, then for a user without a login profile.
    async fn update_login_profile(
        &self,
        account_id: &str,
        user_name: &str,
        update: &LoginProfileUpdate,
    ) -> Result<(), StoreError>;
    /// Takes the console password away (the history stays).
    async fn delete_login_profile(
        &self,
        account_id: &str,
        user_name: &str,
    ) -> Result<(), StoreError>;
    /// The hashes of the user's most recent passwords, newest (the current one) first, at most
    /// `limit`.
    async fn password_history(
        &self,
        account_id: &str,
        user_name: &str,
        limit: usize,
    ) -> Result<Vec<String>, StoreError>;
    /// The account's policy (`NotFound` when none is set).
    async fn get_password_policy(&self, account_id: &str) -> Result<PasswordPolicy, StoreError>;
    /// Sets the account's policy, replacing the whole of any previous one.
    async fn set_password_policy(
        &self,
        account_id: &str,
        policy: &PasswordPolicy,
    ) -> Result<(), StoreError>;
    /// Removes the account's policy (`NotFound` when none is set).
    async fn delete_password_policy(&self, account_id: &str) -> Result<(), StoreError>;
}

/// A user's SSH public keys. Each method names the user; a key of another user (or account) is
/// `NotFound`.
#[async_trait]
pub trait SshPublicKeys: Send + Sync {
    /// Adds the key to its user (which must exist), within `SshPublicKeysPerUser`; the same key
    /// twice on one user is `AlreadyExists(SshPublicKey)`.
    async fn upload_ssh_public_key(&self, key: &SshPublicKey) -> Result<(), StoreError>;
    async fn get_ssh_public_key(
        &self,
        account_id: &str,
        user_name: &str,
        key_id: &str,
    ) -> Result<SshPublicKey, StoreError>;
    /// The user's keys, oldest first (`NotFound(User)` when the user does not exist).
    async fn list_ssh_public_keys(
        &self,
        account_id: &str,
        user_name: &str,
    ) -> Result<Vec<SshPublicKey>, StoreError>;
    async fn update_ssh_public_key_status(
        &self,
        account_id: &str,
        user_name: &str,
        key_id: &str,
        status: KeyStatus,
    ) -> Result<(), StoreError>;
    async fn delete_ssh_public_key(
        &self,
        account_id: &str,
        user_name: &str,
        key_id: &str,
    ) -> Result<(), StoreError>;
}

/// X.509 signing certificates of users and account roots.
#[async_trait]
pub trait SigningCertificates: Send + Sync {
    /// Adds the certificate to its owner (a user must exist), within
    /// `SigningCertificatesPerUser`; a certificate already held by anyone in the account is
    /// `AlreadyExists(SigningCertificate)`.
    async fn upload_signing_certificate(
        &self,
        certificate: &SigningCertificate,
    ) -> Result<(), StoreError>;
    /// The owner's certificates, oldest first (`NotFound(User)` for a missing user).
    async fn list_signing_certificates(
        &self,
        account_id: &str,
        owner: &KeyOwner,
    ) -> Result<Vec<SigningCertificate>, StoreError>;
    async fn update_signing_certificate_status(
        &self,
        account_id: &str,
        owner: &KeyOwner,
        certificate_id: &str,
        status: KeyStatus,
    ) -> Result<(), StoreError>;
    async fn delete_signing_certificate(
        &self,
        account_id: &str,
        owner: &KeyOwner,
        certificate_id: &str,
    ) -> Result<(), StoreError>;
}

/// The account's server certificates. Names are unique in the account, case-insensitively.
#[async_trait]
pub trait ServerCertificates: Send + Sync {
    /// Stores the certificate and its tags, within `ServerCertificatesPerAccount`.
    async fn upload_server_certificate(
        &self,
        certificate: &ServerCertificate,
    ) -> Result<(), StoreError>;
    /// The certificate with its tags.
    async fn get_server_certificate(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<ServerCertificate, StoreError>;
    /// By name, without tags.
    async fn list_server_certificates(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
    ) -> Result<Vec<ServerCertificate>, StoreError>;
    /// Renames or moves the certificate; its tags follow.
    async fn update_server_certificate(
        &self,
        account_id: &str,
        name: &str,
        update: &Rename,
    ) -> Result<(), StoreError>;
    /// Deletes the certificate and its tags.
    async fn delete_server_certificate(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<(), StoreError>;
}

/// Service-specific credentials of users.
#[async_trait]
pub trait ServiceCredentials: Send + Sync {
    /// Adds the credential to its user (which must exist), in the lowest free slot of the
    /// user's credentials for that service: at most
    /// `ServiceSpecificCredentialsPerUserPerService`. Returns it as stored (its slot, the user's
    /// stored name).
    async fn create_service_credential(
        &self,
        credential: &ServiceCredential,
    ) -> Result<ServiceCredential, StoreError>;
    /// Credentials of one user (`NotFound(User)` for a missing one) or, with `None`, of every
    /// user of the account; of one service or all, by user then creation.
    async fn list_service_credentials(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        service_name: Option<&str>,
    ) -> Result<Vec<ServiceCredential>, StoreError>;
    /// Replaces the sealed secret; returns the credential as it now is.
    async fn reset_service_credential(
        &self,
        account_id: &str,
        user_name: &str,
        credential_id: &str,
        secret_sealed: &[u8],
    ) -> Result<ServiceCredential, StoreError>;
    async fn update_service_credential_status(
        &self,
        account_id: &str,
        user_name: &str,
        credential_id: &str,
        status: KeyStatus,
    ) -> Result<(), StoreError>;
    async fn delete_service_credential(
        &self,
        account_id: &str,
        user_name: &str,
        credential_id: &str,
    ) -> Result<(), StoreError>;
}

/// The newest use of each long-term access key and each role. Uses are recorded in batches (the
/// server keeps them in memory between flushes), so recording is one transaction per batch and
/// never moves the cache generation: it changes nothing a cached entry holds.
#[async_trait]
pub trait LastUsed: Send + Sync {
    /// Upserts the batch in one transaction; a stored use newer than the batch's stays, and a use
    /// of a key or role that no longer exists is dropped.
    async fn record_last_used(
        &self,
        keys: &[AccessKeyUse],
        roles: &[RoleUse],
    ) -> Result<(), StoreError>;
    async fn access_key_last_used(
        &self,
        access_key_id: &str,
    ) -> Result<Option<AccessKeyUse>, StoreError>;
    async fn role_last_used(&self, role_id: &str) -> Result<Option<RoleUse>, StoreError>;
    /// The stored uses of every key of the account (root, users and service identities).
    async fn access_key_uses(&self, account_id: &str) -> Result<Vec<AccessKeyUse>, StoreError>;
    /// The stored uses of every role of the account.
    async fn role_uses(&self, account_id: &str) -> Result<Vec<RoleUse>, StoreError>;
}

/// The account's one credential report. Generating is two steps, start and finish, so that a
/// generation is seen in progress by everyone else, and at most one runs per account.
#[async_trait]
pub trait CredentialReports: Send + Sync {
    /// Starts a generation at `at` unless the finished report is younger than `max_age`
    /// (`Complete`) or another generation started less than `abandoned_after` ago
    /// (`InProgress`); an older unfinished one is taken over.
    async fn start_credential_report(
        &self,
        account_id: &str,
        at: OffsetDateTime,
        max_age: time::Duration,
        abandoned_after: time::Duration,
    ) -> Result<ReportStart, StoreError>;
    /// Stores the report of the generation started at `started_at`; `NotFound` when that
    /// generation was taken over since.
    async fn finish_credential_report(
        &self,
        account_id: &str,
        started_at: OffsetDateTime,
        generated_at: OffsetDateTime,
        content: &[u8],
    ) -> Result<(), StoreError>;
    async fn get_credential_report(
        &self,
        account_id: &str,
    ) -> Result<Option<CredentialReport>, StoreError>;
}

/// Roles that belong to an AWS service: created with their service's policy, deleted only with
/// a deletion task.
#[async_trait]
pub trait ServiceLinkedRoles: Send + Sync {
    /// Creates the role (within `RolesPerAccount`; `AlreadyExists` when the name is taken) with
    /// `policy_arn` (an AWS-managed service-role policy, not checked) attached, in one
    /// transaction.
    async fn create_service_linked_role(
        &self,
        role: &Role,
        policy_arn: Option<&str>,
    ) -> Result<(), StoreError>;
    /// Deletes the service-linked role `name` (its attachments, inline policies and tags with
    /// it) and records `task`, in one transaction. `NotFound` for no such role, `Conflict` for a
    /// role that is not service-linked; a role still in an instance profile is refused
    /// (`DeleteConflict`).
    async fn delete_service_linked_role(
        &self,
        account_id: &str,
        name: &str,
        task: &DeletionTask,
    ) -> Result<(), StoreError>;
    /// A task of `account_id` (`NotFound` for another account's).
    async fn get_deletion_task(
        &self,
        account_id: &str,
        task_id: &str,
    ) -> Result<DeletionTask, StoreError>;
}
