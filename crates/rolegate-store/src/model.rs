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
    pub fn arn(&self) -> String {
        iam_arn(&self.account_id, "user", &self.path, &self.name)
    }
}

/// `arn:aws:iam::ACCOUNT:KIND/PATH/NAME` (`path` begins and ends with `/`), in one allocation
/// and without `format!`: a user's ARN is written for every request it signs.
fn iam_arn(account_id: &str, kind: &str, path: &str, name: &str) -> String {
    const PREFIX: &str = "arn:aws:iam::";
    let mut arn = String::with_capacity(
        PREFIX.len() + account_id.len() + 1 + kind.len() + path.len() + name.len(),
    );
    for part in [PREFIX, account_id, ":", kind, path, name] {
        arn.push_str(part);
    }
    arn
}

/// Changes to a user (`UpdateUser`); `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserUpdate {
    pub new_name: Option<String>,
    pub new_path: Option<String>,
    /// `Some(None)` removes the boundary.
    pub permissions_boundary: Option<Option<String>>,
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
    pub fn arn(&self) -> String {
        iam_arn(&self.account_id, "role", &self.path, &self.name)
    }
}

/// Changes to a role; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleUpdate {
    pub description: Option<String>,
    pub max_session_duration: Option<i64>,
    /// New trust policy: (as written, bound form).
    pub trust_policy: Option<(String, String)>,
    /// `Some(None)` removes the boundary.
    pub permissions_boundary: Option<Option<String>>,
}

/// Users and roles: what can hold inline and attached policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    User,
    Role,
}

/// A user or role, by account and name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Principal {
    pub account_id: String,
    pub kind: PrincipalKind,
    pub name: String,
}

impl Principal {
    pub fn user(account_id: &str, name: &str) -> Self {
        Self {
            account_id: account_id.to_owned(),
            kind: PrincipalKind::User,
            name: name.to_owned(),
        }
    }

    pub fn role(account_id: &str, name: &str) -> Self {
        Self {
            account_id: account_id.to_owned(),
            kind: PrincipalKind::Role,
            name: name.to_owned(),
        }
    }
}

/// Anything that carries tags: a user, a role or a managed policy (by name in its account).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entity {
    Principal(Principal),
    Policy { account_id: String, name: String },
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
    /// Users and roles it is attached to (filled in by reads).
    pub attachment_count: i64,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_arns_join_account_kind_path_and_name() {
        assert_eq!(
            iam_arn("111122223333", "user", "/division/", "alice"),
            "arn:aws:iam::111122223333:user/division/alice"
        );
        assert_eq!(
            iam_arn("444455556666", "role", "/", "VendorAccess"),
            "arn:aws:iam::444455556666:role/VendorAccess"
        );
    }
}
