//! The one error table at the wire edge. Operations fail with [`Error`], into which every
//! crate's typed error converts with `?` (`From`); [`Error::into_aws`] turns it into AWS's code,
//! status and text, each IAM text written once, in [`texts`]. Failures that are never the
//! client's (the backend, a sealed secret that does not open) are logged and answered
//! `InternalFailure`, never with their cause.

use rolegate_policy::PolicyError;
use rolegate_protocol::{AwsError, ProtocolError, Service};
use rolegate_store::{Blocker, EntityKind, IdentityKind, Quota, StoreError};

/// Why an operation failed.
#[derive(Debug)]
pub enum Error {
    /// Already in AWS's terms.
    Aws(AwsError),
    /// The store refused or failed.
    Store(StoreError),
    /// Decoding or model validation.
    Protocol(ProtocolError),
    /// A policy document AWS would refuse.
    Policy(PolicyError),
    /// Never the client's fault; the text is for the log.
    Internal(String),
}

impl From<AwsError> for Error {
    fn from(error: AwsError) -> Self {
        Self::Aws(error)
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

impl From<ProtocolError> for Error {
    fn from(error: ProtocolError) -> Self {
        Self::Protocol(error)
    }
}

impl From<PolicyError> for Error {
    fn from(error: PolicyError) -> Self {
        Self::Policy(error)
    }
}

impl From<rolegate_tokens::TokenError> for Error {
    fn from(error: rolegate_tokens::TokenError) -> Self {
        Self::Internal(error.to_string())
    }
}

impl Error {
    /// A failure that is never the client's.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::Internal(error.to_string())
    }

    /// The error as `service` answers it.
    pub fn into_aws(self, service: Service) -> AwsError {
        match self {
            Self::Aws(error) => error,
            Self::Protocol(error) => error.to_aws_error(service),
            Self::Policy(error) => policy_error(&error),
            Self::Store(error) => store_error(error),
            Self::Internal(message) => crate::respond::internal(&message),
        }
    }
}

/// How a store answer reads when the operation expects something more specific than the
/// table's default: a missing entity with the operation's own text.
pub trait StoreResultExt<T> {
    /// `error()` instead of the default text when what is missing is of `kind`.
    fn missing(self, kind: EntityKind, error: impl FnOnce() -> AwsError) -> Result<T, Error>;
    /// `None` when the entity does not exist.
    fn found(self) -> Result<Option<T>, Error>;
}

impl<T> StoreResultExt<T> for Result<T, StoreError> {
    fn missing(self, kind: EntityKind, error: impl FnOnce() -> AwsError) -> Result<T, Error> {
        match self {
            Err(StoreError::NotFound { kind: got, .. }) if got == kind => Err(error().into()),
            other => other.map_err(Error::from),
        }
    }

    fn found(self) -> Result<Option<T>, Error> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// The engine's `MalformedPolicyDocument` / `LimitExceeded` as IAM sends it.
fn policy_error(error: &PolicyError) -> AwsError {
    match error {
        PolicyError::LimitExceeded { message, .. } => AwsError::limit_exceeded(message.clone()),
        PolicyError::MalformedPolicyDocument { message, .. } => {
            AwsError::malformed_policy_document(message.clone())
        }
    }
}

fn store_error(error: StoreError) -> AwsError {
    match error {
        StoreError::NotFound { kind, name } => match texts::not_found(kind, &name) {
            Some(message) => AwsError::no_such_entity(message),
            None => crate::respond::internal(&format!("{kind} {name} not found")),
        },
        StoreError::AlreadyExists { kind, name } => match texts::already_exists(kind, &name) {
            Some(message) => AwsError::entity_already_exists(message),
            None => crate::respond::internal(&format!("{kind} {name} already exists")),
        },
        StoreError::LimitExceeded { quota } => AwsError::limit_exceeded(texts::quota(quota)),
        StoreError::InlinePolicySize { kind, name, limit } => {
            AwsError::limit_exceeded(texts::inline_policy_size(kind, &name, limit))
        }
        StoreError::DeleteConflict { blocker } => {
            AwsError::delete_conflict(texts::delete_conflict(blocker))
        }
        StoreError::Conflict {
            kind: EntityKind::MfaDevice,
            ..
        } => AwsError::entity_already_exists(texts::DEVICE_IN_USE),
        other @ (StoreError::Conflict { .. } | StoreError::Backend(_) | StoreError::Corrupt(_)) => {
            crate::respond::internal(&other)
        }
    }
}

/// IAM's exact texts, each in one place. Sources: `shared/aws-reference.md` §3.2 and
/// `shared/reference/iam-complete.md` (which marks what is unconfirmed; Rolegate's choices for
/// those follow AWS's pattern for the nearest confirmed case).
pub mod texts {
    use super::{Blocker, EntityKind, IdentityKind, Quota};

    /// The default `NoSuchEntity` text for a missing `kind` named `name`; `None` for what is
    /// never the client's to miss.
    pub fn not_found(kind: EntityKind, name: &str) -> Option<String> {
        Some(match kind {
            EntityKind::User => format!("The user with name {name} cannot be found."),
            EntityKind::Group => format!("The group with name {name} cannot be found."),
            EntityKind::Role => format!("The role with name {name} cannot be found."),
            EntityKind::InstanceProfile => format!("Instance Profile {name} cannot be found."),
            EntityKind::ManagedPolicy => policy_not_found(name),
            EntityKind::AttachedPolicy => policy_not_found(name),
            EntityKind::AccessKey => format!("The Access Key with id {name} cannot be found."),
            EntityKind::MfaDevice => no_such_device(name),
            EntityKind::InlinePolicy => format!("The policy with name {name} cannot be found."),
            EntityKind::PolicyVersion => format!("Policy version {name} cannot be found."),
            EntityKind::AccountAlias => format!("The account alias {name} cannot be found."),
            EntityKind::DeletionTask => no_such_deletion_task(name),
            EntityKind::Account | EntityKind::PasswordPolicy | EntityKind::CredentialReport => {
                return None;
            }
        })
    }

    /// The `EntityAlreadyExists` text for `kind` named `name`.
    pub fn already_exists(kind: EntityKind, name: &str) -> Option<String> {
        Some(match kind {
            EntityKind::User => format!("User with name {name} already exists."),
            EntityKind::Group => format!("Group with name {name} already exists."),
            EntityKind::Role => format!("Role with name {name} already exists."),
            EntityKind::InstanceProfile => format!("Instance Profile {name} already exists."),
            EntityKind::ManagedPolicy => {
                format!("A policy called {name} already exists. Duplicate names are not allowed.")
            }
            EntityKind::MfaDevice => DEVICE_EXISTS.to_owned(),
            EntityKind::AccountAlias => format!("The account alias {name} already exists."),
            _ => return None,
        })
    }

    pub fn quota(quota: Quota) -> String {
        match quota {
            Quota::VersionsPerPolicy => TOO_MANY_VERSIONS.to_owned(),
            _ => format!(
                "Cannot exceed quota for {}: {}",
                quota.name(),
                quota.limit()
            ),
        }
    }

    pub fn inline_policy_size(kind: IdentityKind, name: &str, limit: usize) -> String {
        format!(
            "Maximum policy size of {limit} bytes exceeded for {} {name}",
            kind.as_str()
        )
    }

    pub fn delete_conflict(blocker: Blocker) -> &'static str {
        match blocker {
            Blocker::AccessKeys => "Cannot delete entity, must delete access keys first.",
            Blocker::InlinePolicies => "Cannot delete entity, must delete policies first.",
            Blocker::AttachedPolicies => "Cannot delete entity, must detach all policies first.",
            Blocker::MfaDevices => "Cannot delete entity, must delete MFA device first.",
            Blocker::GroupMembers => "Cannot delete entity, must remove users from group first.",
            Blocker::InstanceProfileRoles => {
                "Cannot delete entity, must remove roles from instance profile first."
            }
            Blocker::PolicyAttached => "Cannot delete a policy attached to entities.",
            Blocker::PolicyVersions => {
                "This policy has more than one version. Before you delete a policy, you must \
                 delete the policy's versions. The default version is deleted with the policy."
            }
            Blocker::DefaultVersion => "Cannot delete the default version of a policy.",
            // Unconfirmed: AWS's answer for deleting an assigned virtual device is not recorded.
            Blocker::DeviceAssigned => "MFA Device is already in use.",
        }
    }

    /// `Policy <arn> does not exist or is not attachable.`: attaching, or naming as a session
    /// policy, a policy that does not exist.
    pub fn no_such_policy(arn: &str) -> String {
        format!("Policy {arn} does not exist or is not attachable.")
    }

    /// `Policy <arn> was not found.`: reading, deleting or detaching a policy that is not there.
    pub fn policy_not_found(arn: &str) -> String {
        format!("Policy {arn} was not found.")
    }

    pub fn no_such_version(arn: &str, version: &str) -> String {
        format!("Policy {arn} version {version} does not exist or is not attachable.")
    }

    pub fn no_such_inline_policy(kind: IdentityKind, name: &str) -> String {
        format!(
            "The {} policy with name {name} cannot be found.",
            kind.as_str()
        )
    }

    pub fn no_such_device(serial: &str) -> String {
        format!("MFA Device with serial number {serial} does not exist.")
    }

    /// `ARN x is not valid.`
    pub fn invalid_arn(arn: &str) -> String {
        format!("ARN {arn} is not valid.")
    }

    /// Attach*Policy with something that is not an ARN at all (two spaces, as AWS writes it).
    pub const UNPARSEABLE_ARN: &str = "Invalid ARN:  Could not be parsed!";

    pub fn boundary_missing(arn: &str) -> String {
        format!("Scope ARN: {arn} does not exist or is not attachable.")
    }

    pub fn protected_role(name: &str) -> String {
        format!(
            "Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS"
        )
    }

    /// CreateServiceLinkedRole when the service's role (with that suffix) exists.
    pub fn service_role_name_taken(name: &str) -> String {
        format!(
            "Service role name {name} has been taken in this account, please try a different suffix."
        )
    }

    /// A `CustomSuffix` for a service that takes none (no final period, as AWS writes it).
    pub fn custom_suffix_not_allowed(service: &str) -> String {
        format!("Custom suffix is not allowed for {service}")
    }

    /// Unconfirmed: AWS's text for an `AWSServiceName` with no service-linked role is not
    /// recorded; this follows the suffix text's pattern.
    pub fn no_service_linked_role(service: &str) -> String {
        format!("Service linked role is not supported for {service}")
    }

    /// Unconfirmed: the text for a suffixed name longer than RoleName's 64 characters.
    pub fn service_role_name_too_long(name: &str) -> String {
        format!("Service role name {name} exceeds the maximum length of 64 characters.")
    }

    /// Unconfirmed: DeleteServiceLinkedRole on a customer role. NoSuchEntity (its one
    /// modeled client error besides LimitExceeded), worded as the role texts are.
    pub fn not_service_linked(name: &str) -> String {
        format!("The role with name {name} is not a service-linked role.")
    }

    /// Unconfirmed: a well-formed deletion task id that names no task of the account.
    pub fn no_such_deletion_task(id: &str) -> String {
        format!("The deletion task with id {id} cannot be found.")
    }

    /// Unconfirmed: a `DeletionTaskId` that is not `task/aws-service-role/<service>/<role>/<id>`
    /// (InvalidInput is in the action's modeled errors).
    pub fn invalid_deletion_task(id: &str) -> String {
        format!("Invalid deletion task id: {id}")
    }

    /// GenerateCredentialReport's `Description` when the account had no report.
    pub const REPORT_STARTED: &str = "No report exists. Starting a new report generation task";
    pub const INVALID_PATH: &str = "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.";
    pub const NON_USER_CREDENTIALS: &str =
        "Must specify userName when calling with non-User credentials";
    pub const TOO_MANY_VERSIONS: &str = "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.";
    pub const DUPLICATE_TAG_KEYS: &str =
        "Duplicate tag keys found. Please note that Tag keys are case insensitive.";
    pub const DEVICE_EXISTS: &str = "MFADevice entity at the same path and name already exists.";
    pub const DEVICE_IN_USE: &str = "MFA Device is already in use.";
    pub const SERVICE_ROLE_POLICY: &str = "Cannot attach a Service Role Policy to a Customer Role.";
    pub const RESERVED_PATH: &str =
        "Path prefix '/aws-service-role/' can only be used for AWS Service linked Roles";
    pub const INVALID_MARKER: &str = "Invalid Marker.";
}
