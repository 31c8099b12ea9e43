//! IAM's invariants as data: the quotas a store enforces inside its write transactions, and what
//! blocks a delete. Values are IAM's defaults (IAM User Guide, "IAM and AWS STS quotas"); AWS's
//! names for them are what its `LimitExceeded` texts and `GetAccountSummary` show.

/// A count IAM limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quota {
    UsersPerAccount,
    GroupsPerAccount,
    RolesPerAccount,
    PoliciesPerAccount,
    InstanceProfilesPerAccount,
    AccessKeysPerUser,
    GroupsPerUser,
    PoliciesPerUser,
    PoliciesPerGroup,
    PoliciesPerRole,
    VersionsPerPolicy,
    InstanceSessionsPerInstanceProfile,
    TagsPerResource,
    SshPublicKeysPerUser,
    SigningCertificatesPerUser,
    ServerCertificatesPerAccount,
    ServiceSpecificCredentialsPerUserPerService,
}

impl Quota {
    /// AWS's name, as in `Cannot exceed quota for AccessKeysPerUser: 2`.
    pub fn name(self) -> &'static str {
        match self {
            Self::UsersPerAccount => "UsersPerAccount",
            Self::GroupsPerAccount => "GroupsPerAccount",
            Self::RolesPerAccount => "RolesPerAccount",
            Self::PoliciesPerAccount => "PoliciesPerAccount",
            Self::InstanceProfilesPerAccount => "InstanceProfilesPerAccount",
            Self::AccessKeysPerUser => "AccessKeysPerUser",
            Self::GroupsPerUser => "GroupsPerUser",
            Self::PoliciesPerUser => "PoliciesPerUser",
            Self::PoliciesPerGroup => "PoliciesPerGroup",
            Self::PoliciesPerRole => "PoliciesPerRole",
            Self::VersionsPerPolicy => "VersionsPerPolicy",
            Self::InstanceSessionsPerInstanceProfile => "InstanceSessionsPerInstanceProfile",
            Self::TagsPerResource => "TagsPerResource",
            Self::SshPublicKeysPerUser => "SSHPublicKeysPerUser",
            Self::SigningCertificatesPerUser => "SigningCertificatesPerUser",
            Self::ServerCertificatesPerAccount => "ServerCertificatesPerAccount",
            Self::ServiceSpecificCredentialsPerUserPerService => {
                "ServiceSpecificCredentialsPerUserPerService"
            }
        }
    }

    /// The default limit.
    pub fn limit(self) -> usize {
        match self {
            Self::UsersPerAccount => 5_000,
            Self::GroupsPerAccount => 300,
            Self::RolesPerAccount => 1_000,
            Self::PoliciesPerAccount => 1_500,
            Self::InstanceProfilesPerAccount => 1_000,
            Self::AccessKeysPerUser => 2,
            Self::GroupsPerUser => 10,
            Self::PoliciesPerUser | Self::PoliciesPerGroup | Self::PoliciesPerRole => 10,
            Self::VersionsPerPolicy => 5,
            Self::InstanceSessionsPerInstanceProfile => 1,
            Self::TagsPerResource => 50,
            Self::SshPublicKeysPerUser => 5,
            Self::SigningCertificatesPerUser => 2,
            Self::ServerCertificatesPerAccount => 20,
            Self::ServiceSpecificCredentialsPerUserPerService => 2,
        }
    }

    /// Managed policies attachable to one identity of `kind`.
    pub fn attached_policies(kind: crate::IdentityKind) -> Self {
        match kind {
            crate::IdentityKind::User => Self::PoliciesPerUser,
            crate::IdentityKind::Group => Self::PoliciesPerGroup,
            crate::IdentityKind::Role => Self::PoliciesPerRole,
        }
    }
}

/// The total size of an identity's inline policies, whitespace not counted: 2,048 characters
/// for a user, 5,120 for a group, 10,240 for a role.
pub fn inline_policy_limit(kind: crate::IdentityKind) -> usize {
    match kind {
        crate::IdentityKind::User => 2_048,
        crate::IdentityKind::Group => 5_120,
        crate::IdentityKind::Role => 10_240,
    }
}

/// How many of a user's previous password hashes are kept: the most `PasswordReusePrevention`
/// can ask for.
pub const PASSWORD_HISTORY: usize = 24;
/// The path prefix of service-linked roles: AWS's to create and delete
/// (CreateServiceLinkedRole / DeleteServiceLinkedRole), nobody's to change.
pub const SERVICE_ROLE_PATH: &str = "/aws-service-role/";

/// What keeps an entity from being deleted (`DeleteConflict`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Blocker {
    /// The user still has a console password (login profile).
    LoginProfile,
    /// The user still has access keys.
    AccessKeys,
    /// The identity still has inline policies.
    InlinePolicies,
    /// The identity still has managed policies attached.
    AttachedPolicies,
    /// The user still has an MFA device enabled.
    MfaDevices,
    /// The user is still in a group, or the group still has members.
    GroupMembers,
    /// The role is still in an instance profile, or the profile still holds a role.
    InstanceProfileRoles,
    /// The managed policy is still attached (or used as a boundary).
    PolicyAttached,
    /// The managed policy still has versions other than its default.
    PolicyVersions,
    /// The policy version to delete is the default one.
    DefaultVersion,
    /// The virtual MFA device is still assigned to a user.
    DeviceAssigned,
    /// The user still has signing certificates.
    SigningCertificates,
    /// The user still has SSH public keys.
    SshPublicKeys,
    /// The user still has service-specific credentials.
    ServiceCredentials,
}
