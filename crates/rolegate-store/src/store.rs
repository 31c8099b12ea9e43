//! The `Store` trait: every read and write the server needs, each write one transaction.

use async_trait::async_trait;

use crate::{
    AccessKey, Account, Entity, KeyStatus, ManagedPolicy, MfaDevice, PolicyScope, PolicyVersion,
    Principal, Role, RoleUpdate, StoreError, Tag, User, UserUpdate,
};

/// Rolegate's persistent IAM state. Implementations must make each method atomic and durable
/// once it returns `Ok` (no acknowledged write may be lost), and compare IAM names
/// case-insensitively.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// A counter bumped by every successful write, so callers can invalidate caches.
    fn generation(&self) -> u64;

    // Accounts.
    /// Creates the account unless one with that id exists; returns whether it was created.
    async fn ensure_account(&self, account: &Account) -> Result<bool, StoreError>;
    async fn get_account(&self, id: &str) -> Result<Account, StoreError>;
    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError>;

    // Access keys.
    async fn create_access_key(&self, key: &AccessKey) -> Result<(), StoreError>;
    async fn get_access_key(&self, access_key_id: &str) -> Result<AccessKey, StoreError>;
    /// Keys of one user (`Some(name)`) or of the account root (`None`).
    async fn list_access_keys(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> Result<Vec<AccessKey>, StoreError>;
    async fn update_access_key_status(
        &self,
        access_key_id: &str,
        status: KeyStatus,
    ) -> Result<(), StoreError>;
    async fn delete_access_key(&self, access_key_id: &str) -> Result<(), StoreError>;

    // Users.
    async fn create_user(&self, user: &User) -> Result<(), StoreError>;
    async fn get_user(&self, account_id: &str, name: &str) -> Result<User, StoreError>;
    async fn list_users(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
    ) -> Result<Vec<User>, StoreError>;
    async fn update_user(
        &self,
        account_id: &str,
        name: &str,
        update: &UserUpdate,
    ) -> Result<(), StoreError>;
    /// Deletes the user and its tags; the caller checks for keys, policies and devices first.
    async fn delete_user(&self, account_id: &str, name: &str) -> Result<(), StoreError>;

    // Roles.
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
    /// Deletes the role and its tags; the caller checks for policies first.
    async fn delete_role(&self, account_id: &str, name: &str) -> Result<(), StoreError>;

    // Inline policies of users and roles.
    /// Creates or replaces.
    async fn put_inline_policy(
        &self,
        principal: &Principal,
        policy_name: &str,
        document: &str,
    ) -> Result<(), StoreError>;
    async fn get_inline_policy(
        &self,
        principal: &Principal,
        policy_name: &str,
    ) -> Result<String, StoreError>;
    /// `(name, document)` pairs, sorted by name.
    async fn list_inline_policies(
        &self,
        principal: &Principal,
    ) -> Result<Vec<(String, String)>, StoreError>;
    async fn delete_inline_policy(
        &self,
        principal: &Principal,
        policy_name: &str,
    ) -> Result<(), StoreError>;

    // Managed policy attachments.
    /// Attaching twice is not an error (IAM is idempotent here).
    async fn attach_policy(
        &self,
        principal: &Principal,
        policy_arn: &str,
    ) -> Result<(), StoreError>;
    async fn detach_policy(
        &self,
        principal: &Principal,
        policy_arn: &str,
    ) -> Result<(), StoreError>;
    /// Attached policy ARNs in attachment order.
    async fn list_attached_policies(
        &self,
        principal: &Principal,
    ) -> Result<Vec<String>, StoreError>;

    // Tags.
    /// Adds or overwrites (case-insensitively by key) the given tags.
    async fn tag(&self, entity: &Entity, tags: &[Tag]) -> Result<(), StoreError>;
    /// Removes the given keys; absent keys are ignored.
    async fn untag(&self, entity: &Entity, keys: &[String]) -> Result<(), StoreError>;
    async fn list_tags(&self, entity: &Entity) -> Result<Vec<Tag>, StoreError>;

    // Managed policies and versions.
    /// Creates the policy with `document` as its default version `v1`.
    async fn create_policy(&self, policy: &ManagedPolicy, document: &str)
    -> Result<(), StoreError>;
    async fn get_policy(&self, arn: &str) -> Result<ManagedPolicy, StoreError>;
    async fn list_policies(
        &self,
        account_id: &str,
        scope: &PolicyScope,
    ) -> Result<Vec<ManagedPolicy>, StoreError>;
    /// Deletes the policy and all its versions; the caller checks attachments first.
    async fn delete_policy(&self, arn: &str) -> Result<(), StoreError>;
    /// Adds the next version (`v{n}`); makes it the default when asked.
    async fn create_policy_version(
        &self,
        arn: &str,
        document: &str,
        set_as_default: bool,
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
    ) -> Result<(), StoreError>;
    async fn delete_policy_version(&self, arn: &str, version_id: &str) -> Result<(), StoreError>;

    // Virtual MFA devices.
    async fn create_mfa_device(&self, device: &MfaDevice) -> Result<(), StoreError>;
    async fn get_mfa_device(&self, serial_number: &str) -> Result<MfaDevice, StoreError>;
    /// Devices of one account, or only those enabled for `user_name`.
    async fn list_mfa_devices(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> Result<Vec<MfaDevice>, StoreError>;
    /// Binds an unassigned device to a user, recording the TOTP step that proved it.
    async fn enable_mfa_device(
        &self,
        serial_number: &str,
        user_name: &str,
        step: u64,
    ) -> Result<(), StoreError>;
    /// Unbinds the device from the user of `account_id`.
    async fn deactivate_mfa_device(
        &self,
        account_id: &str,
        serial_number: &str,
        user_name: &str,
    ) -> Result<(), StoreError>;
    async fn delete_mfa_device(&self, serial_number: &str) -> Result<(), StoreError>;
    /// Records a TOTP step as used if it is newer than the last one; `false` means a replay.
    async fn use_mfa_step(&self, serial_number: &str, step: u64) -> Result<bool, StoreError>;
}
