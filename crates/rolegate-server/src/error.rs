//! The one error table at the wire edge. Operations fail with [`Error`], into which every
//! crate's typed error converts with `?` (`From`); [`Error::into_aws`] turns it into AWS's code,
//! status and text, each IAM text written once, in [`texts`]. Failures that are never the
//! client's (the backend, a sealed secret that does not open) are logged and answered
//! `InternalFailure`, never with their cause.

use rolegate_policy::PolicyError;
use rolegate_protocol::{AwsError, ProtocolError, Service};
use rolegate_store::{Blocker, EntityKind, IdentityKind, Quota, StoreError};

use crate::pki::PkiError;

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

impl From<PkiError> for Error {
    fn from(error: PkiError) -> Self {
        Self::Aws(pki_error(error))
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

/// A refused key or certificate as IAM answers it.
fn pki_error(error: PkiError) -> AwsError {
    match error {
        PkiError::UnrecognizedKeyEncoding => {
            AwsError::unrecognized_public_key_encoding(texts::UNRECOGNIZED_PUBLIC_KEY)
        }
        PkiError::MalformedPublicKey(_) => AwsError::invalid_public_key(texts::INVALID_PUBLIC_KEY),
        PkiError::PublicKeySize(_) => AwsError::invalid_public_key(texts::PUBLIC_KEY_SIZE),
        PkiError::UnparseableCertificate | PkiError::UnparseablePrivateKey => {
            AwsError::malformed_certificate(texts::UNPARSEABLE_CERTIFICATE)
        }
        PkiError::CertificateNotCurrent => {
            AwsError::malformed_certificate(texts::CERTIFICATE_NOT_CURRENT)
        }
        PkiError::UnsupportedCertificateKey => {
            AwsError::invalid_certificate(texts::UNSUPPORTED_CERTIFICATE_KEY)
        }
        PkiError::KeyPairMismatch => AwsError::key_pair_mismatch(texts::KEY_PAIR_MISMATCH),
        PkiError::InvalidChain(index) => {
            AwsError::malformed_certificate(texts::invalid_chain(index))
        }
    }
}

fn store_error(error: StoreError) -> AwsError {
    match error {
        // Refusals with codes of their own rather than EntityAlreadyExists.
        StoreError::AlreadyExists {
            kind: EntityKind::SshPublicKey,
            ..
        } => AwsError::duplicate_ssh_public_key(texts::DUPLICATE_SSH_PUBLIC_KEY),
        StoreError::AlreadyExists {
            kind: EntityKind::SigningCertificate,
            ..
        } => AwsError::duplicate_certificate(texts::DUPLICATE_CERTIFICATE),
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
        // Another password was written while this one was being checked (and retrying did not
        // get through).
        StoreError::Conflict {
            kind: EntityKind::LoginProfile,
            name,
            ..
        } => AwsError::entity_temporarily_unmodifiable(texts::login_profile_busy(&name)),
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
            EntityKind::LoginProfile => no_such_login_profile(name),
            // `name` is the account id.
            EntityKind::PasswordPolicy => {
                format!("The Password Policy with domain name {name} cannot be found.")
            }
            // Unconfirmed: the access-key pattern.
            EntityKind::SshPublicKey => format!("The Public Key with id {name} cannot be found."),
            // Unconfirmed: the access-key pattern.
            EntityKind::SigningCertificate => {
                format!("The Certificate with id {name} cannot be found.")
            }
            // Quoted from AWS by client code that handles it (FS:12302573576).
            EntityKind::ServerCertificate => {
                format!("The Server Certificate with name {name} cannot be found.")
            }
            // Unconfirmed: the access-key pattern.
            EntityKind::ServiceCredential => {
                format!("The Service Specific Credential with id {name} cannot be found.")
            }
            EntityKind::DeletionTask => no_such_deletion_task(name),
            EntityKind::Account | EntityKind::CredentialReport => {
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
            // Lower-case "user" here, as AWS writes it (unlike the NoSuchEntity text).
            EntityKind::LoginProfile => format!("Login Profile for user {name} already exists."),
            // Unconfirmed: the pattern of the NoSuchEntity text.
            EntityKind::ServerCertificate => {
                format!("The Server Certificate with name {name} already exists.")
            }
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
            Blocker::LoginProfile => "Cannot delete entity, must delete login profile first.",
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
            // The three below are unconfirmed (iam-complete §21): the access-key pattern.
            Blocker::SigningCertificates => {
                "Cannot delete entity, must delete signing certificates first."
            }
            Blocker::SshPublicKeys => "Cannot delete entity, must delete SSH public keys first.",
            Blocker::ServiceCredentials => {
                "Cannot delete entity, must delete service-specific credentials first."
            }
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

    /// `Login Profile for User <name> cannot be found.` (GetLoginProfile, DeleteLoginProfile,
    /// UpdateLoginProfile, ChangePassword of a user without a console password), as real
    /// GetLoginProfile and ChangePassword responses quoted in public transcripts show it; the
    /// EntityAlreadyExists text above is quoted the same way.
    pub fn no_such_login_profile(name: &str) -> String {
        format!("Login Profile for User {name} cannot be found.")
    }

    /// AWS's text for a login profile "being created" (quoted in the Terraform AWS provider's
    /// retry of DeleteLoginProfile); Rolegate answers it when another password write kept
    /// winning the race against this one.
    pub fn login_profile_busy(name: &str) -> String {
        format!(
            "Login Profile for User {name} cannot be modified while login profile is being created."
        )
    }

    /// Every `PasswordPolicyViolation`: AWS's API does not name the rule that failed (length,
    /// a character class, reuse, an expired password under HardExpiry; only the generic text is
    /// on record, so reuse and hard expiry use it too, unconfirmed).
    pub const PASSWORD_POLICY_VIOLATION: &str =
        "Password does not conform to the account password policy.";
    /// ChangePassword by anyone but an IAM user (unconfirmed: the code is AWS's, the text is
    /// not on record).
    pub const NOT_AN_IAM_USER: &str = "Only IAM users can change their own password.";
    /// ChangePassword with an `OldPassword` that is not the current one (unconfirmed: neither
    /// the code nor the text is on record; AccessDenied, as for any credential that does not
    /// check out).
    pub const WRONG_OLD_PASSWORD: &str = "The old password is incorrect.";

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

    // SSH public keys (iam-complete §9). AWS's texts are not on record; these follow the
    // model's descriptions of the errors (unconfirmed).
    pub const UNRECOGNIZED_PUBLIC_KEY: &str = "The public key encoding format is unsupported or unrecognized. The key must be an ssh-rsa key in OpenSSH format or an RSA key in PEM format.";
    pub const INVALID_PUBLIC_KEY: &str = "The public key is malformed or otherwise invalid.";
    pub const PUBLIC_KEY_SIZE: &str =
        "The public key must be an RSA key of at least 2048 and at most 16384 bits.";
    pub const DUPLICATE_SSH_PUBLIC_KEY: &str =
        "The SSH public key is already associated with the specified IAM user.";
    /// `GetSSHPublicKey` with an `Encoding` other than `SSH` or `PEM`: the model lists
    /// UnrecognizedPublicKeyEncoding for it (iam-complete §9); the text is unconfirmed.
    pub const UNRECOGNIZED_ENCODING: &str = "The encoding must be SSH or PEM.";

    // Certificates (iam-complete §10, §11).
    /// Observed for UploadServerCertificate (openshift/openshift-ansible#11214); Rolegate uses it
    /// for signing certificates and unparseable private keys too (unconfirmed there).
    pub const UNPARSEABLE_CERTIFICATE: &str =
        "Unable to parse certificate. Please ensure the certificate is in PEM format.";
    /// AWS answers MalformedCertificate here (aws/aws-sdk-go#2586); the text is unconfirmed.
    pub const CERTIFICATE_NOT_CURRENT: &str =
        "The certificate is not valid at this time: it has expired or is not yet valid.";
    /// Unconfirmed.
    pub const UNSUPPORTED_CERTIFICATE_KEY: &str =
        "The certificate's public key must be an RSA or ECDSA (P-256 or P-384) key.";
    /// Unconfirmed: the model's description of KeyPairMismatch.
    pub const KEY_PAIR_MISMATCH: &str =
        "The public key certificate and the private key do not match.";
    /// Unconfirmed: the model's description of DuplicateCertificate.
    pub const DUPLICATE_CERTIFICATE: &str =
        "The same certificate is already associated with an IAM user in the account.";

    /// Observed (go-acme/lego#304, 2016; mprahl/ansible-role-lets-encrypt-route-53#52, 2024). What
    /// the index means beyond `-1` is unconfirmed: Rolegate gives the chain position of the
    /// certificate its successor did not sign.
    pub fn invalid_chain(index: i64) -> String {
        format!(
            "Unable to validate certificate chain. The certificate chain must start with the \
             immediate signing certificate, followed by any intermediaries in order. The index \
             within the chain of the invalid certificate is: {index}"
        )
    }

    /// `Status` `Expired` is in the model's enumeration, but a credential cannot be set to it
    /// (unconfirmed).
    pub const EXPIRED_STATUS: &str =
        "Invalid status Expired. The status must be Active or Inactive.";

    // Service-specific credentials (iam-complete §12); unconfirmed texts.
    pub fn not_supported_service(service: &str) -> String {
        format!("Service {service} is not supported for service-specific credentials.")
    }
    pub const CREDENTIAL_AGE_NOT_SUPPORTED: &str =
        "CredentialAgeDays is only valid for services that support long-term API keys.";
    pub const ALL_USERS_WITH_USER_NAME: &str =
        "AllUsers cannot be specified together with UserName.";
}
