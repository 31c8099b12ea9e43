//! The typed rows a store keeps: accounts, access keys, users, roles, managed policies and their
//! versions, virtual MFA devices, and what hangs off users and roles (tags, inline and attached
//! policies). Names are compared case-insensitively by the store, as IAM does.

use time::OffsetDateTime;

/// An account that the bootstrap file (or an operator) created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// 12 ASCII digits.
    pub id: String,
    pub name: String,
    /// `o-…` when the account belongs to an organization (`aws:PrincipalOrgID`).
    pub organization_id: Option<String>,
    /// `o-…/r-…/ou-…/` (`aws:PrincipalOrgPaths`).
    pub ou_path: Option<String>,
    pub created_at: OffsetDateTime,
}

/// Who an access key belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyOwner {
    /// The account root.
    Root,
    /// An IAM user, by name.
    User(String),
    /// A service identity (e.g. `ec2.amazonaws.com`) standing in for an AWS service that assumes
    /// roles on someone's behalf.
    Service(String),
}

/// `Active` or `Inactive`, as IAM spells them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyStatus {
    Active,
    Inactive,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Inactive => "Inactive",
        }
    }

    /// Parses IAM's spelling (exactly `Active` / `Inactive`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "Active" => Some(Self::Active),
            "Inactive" => Some(Self::Inactive),
            _ => None,
        }
    }
}

/// A long-term access key. The secret is sealed by the server (encryption at rest) before it
/// gets here; the store never sees it in clear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKey {
    pub access_key_id: String,
    pub account_id: String,
    pub owner: KeyOwner,
    pub secret_sealed: Vec<u8>,
    pub status: KeyStatus,
    pub created_at: OffsetDateTime,
}

/// A tag; keys are case-insensitive and case-preserving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// An IAM user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub account_id: String,
    pub name: String,
    /// `AIDA…`
    pub user_id: String,
    pub path: String,
    pub permissions_boundary: Option<String>,
    pub created_at: OffsetDateTime,
    pub tags: Vec<Tag>,
}

impl User {
    /// `arn:{partition}:iam::{account}:user{path}{name}`.
    pub fn arn(&self, partition: &str) -> String {
        iam_arn(partition, &self.account_id, "user", &self.path, &self.name)
    }
}

/// `arn:PARTITION:iam::ACCOUNT:KIND/PATH/NAME` (`path` begins and ends with `/`), in one
/// allocation and without `format!`: a user's ARN is written for every request it signs.
pub fn iam_arn(partition: &str, account_id: &str, kind: &str, path: &str, name: &str) -> String {
    let parts = [
        "arn:", partition, ":iam::", account_id, ":", kind, path, name,
    ];
    let mut arn = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        arn.push_str(part);
    }
    arn
}

/// An IAM role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub account_id: String,
    pub name: String,
    /// `AROA…`
    pub role_id: String,
    pub path: String,
    /// The trust policy as the caller wrote it (what GetRole returns).
    pub trust_policy: String,
    /// The same policy with named users and roles bound to their unique ids, which is what is
    /// evaluated: a deleted and recreated principal of the same name is not trusted.
    pub trust_policy_bound: String,
    pub description: Option<String>,
    pub max_session_duration: i64,
    pub permissions_boundary: Option<String>,
    pub created_at: OffsetDateTime,
    pub tags: Vec<Tag>,
}

impl Role {
    /// `arn:{partition}:iam::{account}:role{path}{name}`.
    pub fn arn(&self, partition: &str) -> String {
        iam_arn(partition, &self.account_id, "role", &self.path, &self.name)
    }
}

/// Changes to a role; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleUpdate {
    pub description: Option<String>,
    pub max_session_duration: Option<i64>,
    /// New trust policy: (as written, bound form).
    pub trust_policy: Option<(String, String)>,
}

/// The IAM identities that hold inline and attached policies: users, groups and roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdentityKind {
    User,
    Group,
    Role,
}

impl IdentityKind {
    /// `user`, `group`, `role`: the ARN resource type, and how the tables name the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Group => "group",
            Self::Role => "role",
        }
    }
}

/// A user, group or role, by account and name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Identity {
    pub account_id: String,
    pub kind: IdentityKind,
    pub name: String,
}

impl Identity {
    pub fn new(kind: IdentityKind, account_id: &str, name: &str) -> Self {
        Self {
            account_id: account_id.to_owned(),
            kind,
            name: name.to_owned(),
        }
    }

    pub fn user(account_id: &str, name: &str) -> Self {
        Self::new(IdentityKind::User, account_id, name)
    }

    pub fn group(account_id: &str, name: &str) -> Self {
        Self::new(IdentityKind::Group, account_id, name)
    }

    pub fn role(account_id: &str, name: &str) -> Self {
        Self::new(IdentityKind::Role, account_id, name)
    }
}

/// What can carry tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaggableKind {
    User,
    Role,
    Policy,
    InstanceProfile,
    MfaDevice,
    ServerCertificate,
}

/// A taggable resource, by account and name (an MFA device by its serial number).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taggable {
    pub account_id: String,
    pub kind: TaggableKind,
    pub name: String,
}

impl Taggable {
    pub fn new(kind: TaggableKind, account_id: &str, name: &str) -> Self {
        Self {
            account_id: account_id.to_owned(),
            kind,
            name: name.to_owned(),
        }
    }
}

/// An IAM group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub account_id: String,
    pub name: String,
    /// `AGPA…`
    pub group_id: String,
    pub path: String,
    pub created_at: OffsetDateTime,
}

impl Group {
    pub fn arn(&self, partition: &str) -> String {
        iam_arn(partition, &self.account_id, "group", &self.path, &self.name)
    }
}

/// Changes to a group or user name and path (`UpdateGroup`, `UpdateUser`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rename {
    pub new_name: Option<String>,
    pub new_path: Option<String>,
}

/// An EC2 instance profile: a container for (at most) one role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceProfile {
    pub account_id: String,
    pub name: String,
    /// `AIPA…`
    pub profile_id: String,
    pub path: String,
    pub created_at: OffsetDateTime,
    /// The role in it, if any (names).
    pub roles: Vec<String>,
    pub tags: Vec<Tag>,
}

impl InstanceProfile {
    pub fn arn(&self, partition: &str) -> String {
        iam_arn(
            partition,
            &self.account_id,
            "instance-profile",
            &self.path,
            &self.name,
        )
    }
}

/// A user, group or role as `ListEntitiesForPolicy` names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityRef {
    pub name: String,
    /// `AIDA…`, `AGPA…`, `AROA…`.
    pub id: String,
    pub path: String,
}

/// Which entities use a managed policy (`ListEntitiesForPolicy`), each list sorted by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyEntities {
    pub users: Vec<EntityRef>,
    pub groups: Vec<EntityRef>,
    pub roles: Vec<EntityRef>,
}

/// How much one managed policy is used in an account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyUse {
    pub arn: String,
    pub attachments: i64,
    pub boundaries: i64,
}

/// How an entity uses a managed policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyUsage {
    /// Attached as a permissions policy.
    Permissions,
    /// Set as a permissions boundary.
    Boundary,
}

/// A customer managed policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagedPolicy {
    pub arn: String,
    pub account_id: String,
    pub name: String,
    /// `ANPA…`
    pub policy_id: String,
    pub path: String,
    pub description: Option<String>,
    pub default_version_id: String,
    /// Users, groups and roles it is attached to (filled in by reads).
    pub attachment_count: i64,
    /// Users and roles that have it as their permissions boundary (filled in by reads).
    pub boundary_usage_count: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub tags: Vec<Tag>,
}

/// Which policies `ListPolicies` returns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyScope {
    pub path_prefix: Option<String>,
    pub only_attached: bool,
}

/// One version of a managed policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyVersion {
    pub policy_arn: String,
    /// `v1`, `v2`, …
    pub version_id: String,
    pub document: String,
    pub is_default: bool,
    pub created_at: OffsetDateTime,
}

/// A virtual MFA device. The TOTP seed is sealed by the server before it gets here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaDevice {
    /// `arn:aws:iam::ACCT:mfa/{path}{name}`
    pub serial_number: String,
    pub account_id: String,
    pub seed_sealed: Vec<u8>,
    /// The user it is enabled for.
    pub user_name: Option<String>,
    pub enabled_at: Option<OffsetDateTime>,
    /// The last accepted TOTP time step: a code is accepted once only.
    pub last_used_step: Option<u64>,
    pub created_at: OffsetDateTime,
}

/// A user's console password (IAM's login profile). The password is here only as a hash, an
/// Argon2id PHC string the server made; the store never sees it in clear.
#[derive(Clone, PartialEq, Eq)]
pub struct LoginProfile {
    pub account_id: String,
    pub user_name: String,
    pub password_hash: String,
    pub password_reset_required: bool,
    pub created_at: OffsetDateTime,
    /// When the password was last set: `MaxPasswordAge` counts from here.
    pub password_changed_at: OffsetDateTime,
}

/// Leaves the hash out, so that a profile in a log line gives nothing to crack offline.
impl std::fmt::Debug for LoginProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginProfile")
            .field("account_id", &self.account_id)
            .field("user_name", &self.user_name)
            .field("password_reset_required", &self.password_reset_required)
            .field("created_at", &self.created_at)
            .field("password_changed_at", &self.password_changed_at)
            .finish_non_exhaustive()
    }
}

/// What a password write is conditional on. The server checks a new password against the
/// user's old ones (and ChangePassword the current one) before it writes, outside the store's
/// transaction, because hashing is slow; the guard makes the write fail if another password was
/// set in between, so those checks still hold when it commits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PasswordGuard {
    /// Written whatever the user's passwords are now.
    Unconditional,
    /// Written only while the user's newest password (the head of its history) is still this
    /// hash; `None`: only while the user has had no password at all.
    Latest(Option<String>),
}

/// A new password for a login profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPassword {
    pub hash: String,
    pub at: OffsetDateTime,
    pub guard: PasswordGuard,
}

/// UpdateLoginProfile and ChangePassword: what changes (`None`: left as it is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginProfileUpdate {
    pub password: Option<NewPassword>,
    pub password_reset_required: Option<bool>,
}

/// The account password policy, whole (UpdateAccountPasswordPolicy replaces it whole). The
/// default is what an UpdateAccountPasswordPolicy without members sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub minimum_password_length: u32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    /// Days a password is valid; `None`: passwords never expire.
    pub max_password_age: Option<u32>,
    /// How many previous passwords may not be reused; `None`: no check.
    pub password_reuse_prevention: Option<u32>,
    /// An expired password can only be reset by an administrator.
    pub hard_expiry: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            minimum_password_length: 6,
            require_symbols: false,
            require_numbers: false,
            require_uppercase_characters: false,
            require_lowercase_characters: false,
            allow_users_to_change_password: false,
            max_password_age: None,
            password_reuse_prevention: None,
            hard_expiry: false,
        }
    }
}

/// An SSH public key of a user (CodeCommit). The body is the key in its one canonical SSH form
/// (`ssh-rsa <base64>`, no comment), which is also what makes two uploads the same key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshPublicKey {
    pub account_id: String,
    pub user_name: String,
    /// `APKA…`
    pub key_id: String,
    /// The MD5 fingerprint IAM shows (`12:34:…`).
    pub fingerprint: String,
    pub body: String,
    pub status: KeyStatus,
    pub uploaded_at: OffsetDateTime,
}

/// An X.509 signing certificate of a user or of the account root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningCertificate {
    pub account_id: String,
    /// The root or a user (never a service identity).
    pub owner: KeyOwner,
    pub certificate_id: String,
    /// The PEM text as uploaded.
    pub body: String,
    /// A digest of the certificate's DER: one certificate is held once per account.
    pub fingerprint: String,
    pub status: KeyStatus,
    pub uploaded_at: OffsetDateTime,
}

/// A server (TLS) certificate of the account, with its private key sealed by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerCertificate {
    pub account_id: String,
    pub name: String,
    /// `ASCA…`
    pub certificate_id: String,
    pub path: String,
    pub body: String,
    pub chain: Option<String>,
    /// Sealed before it gets here; never returned to a client.
    pub private_key_sealed: Vec<u8>,
    pub uploaded_at: OffsetDateTime,
    /// The certificate's NotAfter.
    pub expires_at: OffsetDateTime,
    pub tags: Vec<Tag>,
}

impl ServerCertificate {
    /// `arn:{partition}:iam::{account}:server-certificate{path}{name}`.
    pub fn arn(&self, partition: &str) -> String {
        iam_arn(
            partition,
            &self.account_id,
            "server-certificate",
            &self.path,
            &self.name,
        )
    }
}

/// A service-specific credential of a user: a generated password (or API-key secret) for one
/// service, sealed by the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceCredential {
    pub account_id: String,
    pub user_name: String,
    /// `ACCA…`
    pub credential_id: String,
    /// e.g. `codecommit.amazonaws.com`.
    pub service_name: String,
    /// Which of the user's (at most two) credentials for the service this is, `0` or `1`: what
    /// its generated user name is numbered by. The store assigns it.
    pub slot: u8,
    pub secret_sealed: Vec<u8>,
    pub status: KeyStatus,
    pub created_at: OffsetDateTime,
    /// API keys created with an age.
    pub expires_at: Option<OffsetDateTime>,
}

/// The newest use of a long-term access key: when, for which service (the signing name, `iam`,
/// `sts`) and in which region (the signing region).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKeyUse {
    pub access_key_id: String,
    pub used_at: OffsetDateTime,
    pub service: String,
    pub region: String,
}

/// The newest AssumeRole of a role, by its unique id (`AROA…`), so that a role deleted and
/// recreated under the same name starts unused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleUse {
    pub role_id: String,
    pub used_at: OffsetDateTime,
    pub region: String,
}

/// An account's one credential report, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialReport {
    pub account_id: String,
    /// When the generation that made (or is making) it started.
    pub started_at: OffsetDateTime,
    /// The finished report: when it was generated and its CSV; `None` while in progress.
    pub generated: Option<(OffsetDateTime, Vec<u8>)>,
}

/// What `start_credential_report` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportStart {
    /// A generation was started at the given time; `first` when the account had no report.
    Started { first: bool },
    /// Another generation is under way.
    InProgress,
    /// The existing report is recent enough and stays.
    Complete,
}

/// `GetServiceLinkedRoleDeletionStatus`'s `Status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeletionStatus {
    Succeeded,
    InProgress,
    Failed,
    NotStarted,
}

impl DeletionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "SUCCEEDED",
            Self::InProgress => "IN_PROGRESS",
            Self::Failed => "FAILED",
            Self::NotStarted => "NOT_STARTED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "SUCCEEDED" => Self::Succeeded,
            "IN_PROGRESS" => Self::InProgress,
            "FAILED" => Self::Failed,
            "NOT_STARTED" => Self::NotStarted,
            _ => return None,
        })
    }
}

/// A `DeleteServiceLinkedRole` task (`task/aws-service-role/<service>/<role>/<uuid>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletionTask {
    pub task_id: String,
    pub account_id: String,
    pub role_name: String,
    pub status: DeletionStatus,
    pub created_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_arns_join_account_kind_path_and_name() {
        assert_eq!(
            iam_arn("aws", "111122223333", "user", "/division/", "alice"),
            "arn:aws:iam::111122223333:user/division/alice"
        );
        assert_eq!(
            iam_arn("aws-cn", "444455556666", "role", "/", "VendorAccess"),
            "arn:aws-cn:iam::444455556666:role/VendorAccess"
        );
    }
}
