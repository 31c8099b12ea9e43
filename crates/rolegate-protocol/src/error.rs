//! Errors at the protocol edge. [`AwsError`] is the one shape every failure takes on the wire
//! (code, HTTP status, fault, message); [`ProtocolError`] is what decoding and model validation
//! report, naming the offending field, and it converts to an `AwsError` per service.
//!
//! Texts are AWS's own. Sources: botocore's service models (codes and statuses), Argmin's
//! live STS oracle (`justincormack/argmin: crates/s3-tests/src/bin/sts_oracle.rs`: `InvalidAction`,
//! `MalformedInput`, `Value null …`), LocalStack's AWS-validated snapshots (IAM texts), and
//! the project's `aws-reference.md` research note §1.4, §2.2, §3.2.

use std::borrow::Cow;

use crate::service::{AWS_FAULT_NAMESPACE, Service};

/// Who is at fault: `<Type>` in the `ErrorResponse`. AWS sends `Sender` for 4xx and `Receiver`
/// for 5xx.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Sender,
    Receiver,
}

impl Fault {
    /// The fault AWS reports for an HTTP status.
    pub const fn for_status(status: u16) -> Fault {
        if status >= 500 {
            Fault::Receiver
        } else {
            Fault::Sender
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Fault::Sender => "Sender",
            Fault::Receiver => "Receiver",
        }
    }
}

/// An error as AWS puts it on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// `<Code>`, e.g. `AccessDenied`.
    pub code: Cow<'static, str>,
    /// `<Message>`; `None` omits the element, as AWS does for `MalformedInput` on a non-numeric
    /// integer.
    pub message: Option<String>,
    /// HTTP status.
    pub status: u16,
    /// `<Type>`.
    pub fault: Fault,
    /// Overrides the service namespace of the `ErrorResponse` (AWS uses
    /// [`AWS_FAULT_NAMESPACE`] for `InvalidAction`).
    pub namespace: Option<&'static str>,
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.message {
            Some(message) => write!(f, "{} ({}): {}", self.code, self.status, message),
            None => write!(f, "{} ({})", self.code, self.status),
        }
    }
}

impl std::error::Error for AwsError {}

const UNKNOWN_FAILURE: &str =
    "The request processing has failed because of an unknown error, exception or failure.";

impl AwsError {
    /// An error with a message; the fault follows from the status.
    pub fn new(
        code: impl Into<Cow<'static, str>>,
        status: u16,
        message: impl Into<String>,
    ) -> Self {
        AwsError {
            code: code.into(),
            message: Some(message.into()),
            status,
            fault: Fault::for_status(status),
            namespace: None,
        }
    }

    fn without_message(code: &'static str, status: u16) -> Self {
        AwsError {
            code: Cow::Borrowed(code),
            message: None,
            status,
            fault: Fault::for_status(status),
            namespace: None,
        }
    }

    /// The namespace the `ErrorResponse` is written in when `service` answers.
    pub fn namespace_for(&self, service: Service) -> &'static str {
        self.namespace.unwrap_or(service.namespace())
    }

    /// Whether the response carries a body at all: AWS answers an over-long body (413) with an
    /// empty one.
    pub fn has_body(&self) -> bool {
        self.status != 413
    }

    // --- Protocol level -------------------------------------------------------------------

    /// `InvalidAction` 400 for an unknown action or a wrong/missing version. `version: None`
    /// renders as AWS does when `Version` is absent (`NO_VERSION_SPECIFIED`); an empty action or
    /// version is echoed as empty.
    pub fn invalid_action(action: &str, version: Option<&str>) -> Self {
        let version = version.unwrap_or("NO_VERSION_SPECIFIED");
        AwsError {
            namespace: Some(AWS_FAULT_NAMESPACE),
            ..AwsError::new(
                "InvalidAction",
                400,
                format!("Could not find operation {action} for version {version}"),
            )
        }
    }

    /// `MalformedInput` 400: a member could not be deserialized (an integer that is not a
    /// 32-bit decimal, say). AWS sends a message only for an empty value.
    pub fn malformed_input(empty_value: bool) -> Self {
        if empty_value {
            AwsError::new("MalformedInput", 400, "missing value for decimal type")
        } else {
            AwsError::without_message("MalformedInput", 400)
        }
    }

    /// `ReportNotPresent` 410: GetCredentialReport before any report was generated. AWS sends
    /// no text (the SDKs show an empty message); Rolegate omits `<Message>`, as for
    /// `MalformedInput` (whether AWS sends none or an empty one is unrecorded).
    pub fn report_not_present() -> Self {
        AwsError::without_message("ReportNotPresent", 410)
    }

    /// `ReportInProgress` 404: GetCredentialReport while the report is being generated; no text,
    /// as for [`AwsError::report_not_present`].
    pub fn report_in_progress() -> Self {
        AwsError::without_message("ReportInProgress", 404)
    }

    /// `RequestEntityTooLarge` 413 for a body over [`crate::MAX_BODY_BYTES`]; AWS sends no body
    /// (see [`AwsError::has_body`]), so the code never reaches the client.
    pub fn request_entity_too_large() -> Self {
        AwsError::without_message("RequestEntityTooLarge", 413)
    }

    /// `ValidationError` 400 with a complete message (model violations are built by
    /// [`crate::Validator`]; server-side rules such as the duration caps use this directly).
    pub fn validation_error(message: impl Into<String>) -> Self {
        AwsError::new("ValidationError", 400, message)
    }

    /// `InvalidParameterValue` 400 (STS tag rules, for example).
    pub fn invalid_parameter_value(message: impl Into<String>) -> Self {
        AwsError::new("InvalidParameterValue", 400, message)
    }

    /// `MissingAuthenticationToken` 403: no signature at all.
    pub fn missing_authentication_token() -> Self {
        AwsError::new(
            "MissingAuthenticationToken",
            403,
            "Request is missing Authentication Token",
        )
    }

    // --- Authentication -------------------------------------------------------------------

    /// `InvalidClientTokenId` 403: unknown access key, or a session token that does not open.
    pub fn invalid_client_token_id() -> Self {
        AwsError::new(
            "InvalidClientTokenId",
            403,
            "The security token included in the request is invalid.",
        )
    }

    /// `ExpiredToken` 403: temporary credentials past their expiration (no final period, as
    /// AWS sends it).
    pub fn expired_token() -> Self {
        AwsError::new(
            "ExpiredToken",
            403,
            "The security token included in the request is expired",
        )
    }

    /// `AccessDenied` 403.
    pub fn access_denied(message: impl Into<String>) -> Self {
        AwsError::new("AccessDenied", 403, message)
    }

    /// `AccessDenied` 403 in AWS's wording for a policy decision:
    /// `User: {caller} is not authorized to perform: {action} on resource: {resource}`.
    pub fn not_authorized(caller_arn: &str, action: &str, resource: &str) -> Self {
        AwsError::access_denied(format!(
            "User: {caller_arn} is not authorized to perform: {action} on resource: {resource}"
        ))
    }

    /// `AccessDenied` 403 for a resource in another account that no resource-based policy
    /// opens to the caller (IAM resources have none): AWS's cross-account wording.
    pub fn not_authorized_cross_account(caller_arn: &str, action: &str, resource: &str) -> Self {
        AwsError::access_denied(format!(
            "User: {caller_arn} is not authorized to perform: {action} on resource: {resource} \
             because no resource-based policy allows the {action} action"
        ))
    }

    // --- Policies -------------------------------------------------------------------------

    /// `MalformedPolicyDocument` 400.
    pub fn malformed_policy_document(message: impl Into<String>) -> Self {
        AwsError::new("MalformedPolicyDocument", 400, message)
    }

    /// `PackedPolicyTooLarge` 400.
    pub fn packed_policy_too_large(message: impl Into<String>) -> Self {
        AwsError::new("PackedPolicyTooLarge", 400, message)
    }

    // --- STS federation (codes and statuses from botocore's STS model) ---------------------

    /// `IDPRejectedClaim` 403.
    pub fn idp_rejected_claim(message: impl Into<String>) -> Self {
        AwsError::new("IDPRejectedClaim", 403, message)
    }

    /// `IDPCommunicationError` 400.
    pub fn idp_communication_error(message: impl Into<String>) -> Self {
        AwsError::new("IDPCommunicationError", 400, message)
    }

    /// `InvalidIdentityToken` 400.
    pub fn invalid_identity_token(message: impl Into<String>) -> Self {
        AwsError::new("InvalidIdentityToken", 400, message)
    }

    /// `ExpiredTokenException` 400: an expired *web identity* token (not session credentials;
    /// those are [`AwsError::expired_token`]).
    pub fn expired_token_exception(message: impl Into<String>) -> Self {
        AwsError::new("ExpiredTokenException", 400, message)
    }

    /// `RegionDisabledException` 403.
    pub fn region_disabled(message: impl Into<String>) -> Self {
        AwsError::new("RegionDisabledException", 403, message)
    }

    // --- IAM (codes and statuses from botocore's IAM model) -------------------------------

    /// `NoSuchEntity` 404, e.g. `The role with name X cannot be found.`
    pub fn no_such_entity(message: impl Into<String>) -> Self {
        AwsError::new("NoSuchEntity", 404, message)
    }

    /// `EntityAlreadyExists` 409, e.g. `Role with name X already exists.`
    pub fn entity_already_exists(message: impl Into<String>) -> Self {
        AwsError::new("EntityAlreadyExists", 409, message)
    }

    /// `DeleteConflict` 409.
    pub fn delete_conflict(message: impl Into<String>) -> Self {
        AwsError::new("DeleteConflict", 409, message)
    }

    /// `LimitExceeded` 409.
    pub fn limit_exceeded(message: impl Into<String>) -> Self {
        AwsError::new("LimitExceeded", 409, message)
    }

    /// `InvalidInput` 400.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        AwsError::new("InvalidInput", 400, message)
    }

    /// `UnmodifiableEntity` 400.
    pub fn unmodifiable_entity(message: impl Into<String>) -> Self {
        AwsError::new("UnmodifiableEntity", 400, message)
    }

    /// `PolicyNotAttachable` 400.
    pub fn policy_not_attachable(message: impl Into<String>) -> Self {
        AwsError::new("PolicyNotAttachable", 400, message)
    }

    /// `ConcurrentModification` 409.
    pub fn concurrent_modification(message: impl Into<String>) -> Self {
        AwsError::new("ConcurrentModification", 409, message)
    }

    /// `PasswordPolicyViolation` 400: a console password the account password policy refuses.
    pub fn password_policy_violation(message: impl Into<String>) -> Self {
        AwsError::new("PasswordPolicyViolation", 400, message)
    }

    /// `InvalidUserType` 400: an action only IAM users may call (ChangePassword).
    pub fn invalid_user_type(message: impl Into<String>) -> Self {
        AwsError::new("InvalidUserType", 400, message)
    }

    /// `EntityTemporarilyUnmodifiable` 409.
    pub fn entity_temporarily_unmodifiable(message: impl Into<String>) -> Self {
        AwsError::new("EntityTemporarilyUnmodifiable", 409, message)
    }

    /// `InvalidAuthenticationCode` 403 (IAM MFA device sync/enable).
    pub fn invalid_authentication_code(message: impl Into<String>) -> Self {
        AwsError::new("InvalidAuthenticationCode", 403, message)
    }

    /// `DuplicateSSHPublicKey` 400: the key is already the user's.
    pub fn duplicate_ssh_public_key(message: impl Into<String>) -> Self {
        AwsError::new("DuplicateSSHPublicKey", 400, message)
    }

    /// `InvalidPublicKey` 400: a malformed or too weak SSH public key.
    pub fn invalid_public_key(message: impl Into<String>) -> Self {
        AwsError::new("InvalidPublicKey", 400, message)
    }

    /// `UnrecognizedPublicKeyEncoding` 400: neither `ssh-rsa` nor PEM, or a bad `Encoding`.
    pub fn unrecognized_public_key_encoding(message: impl Into<String>) -> Self {
        AwsError::new("UnrecognizedPublicKeyEncoding", 400, message)
    }

    /// `MalformedCertificate` 400: unparseable, expired, or a chain that does not verify.
    pub fn malformed_certificate(message: impl Into<String>) -> Self {
        AwsError::new("MalformedCertificate", 400, message)
    }

    /// `InvalidCertificate` 400.
    pub fn invalid_certificate(message: impl Into<String>) -> Self {
        AwsError::new("InvalidCertificate", 400, message)
    }

    /// `DuplicateCertificate` 409: the certificate is already held in the account.
    pub fn duplicate_certificate(message: impl Into<String>) -> Self {
        AwsError::new("DuplicateCertificate", 409, message)
    }

    /// `KeyPairMismatch` 400: the private key is not the certificate's.
    pub fn key_pair_mismatch(message: impl Into<String>) -> Self {
        AwsError::new("KeyPairMismatch", 400, message)
    }

    /// `NotSupportedService` 404: no service-specific credentials for that service.
    pub fn not_supported_service(message: impl Into<String>) -> Self {
        AwsError::new("NotSupportedService", 404, message)
    }

    // --- Server faults --------------------------------------------------------------------

    /// `InternalFailure` 500 (Receiver), never leaking the cause.
    pub fn internal_failure() -> Self {
        AwsError::new("InternalFailure", 500, UNKNOWN_FAILURE)
    }

    /// `ServiceFailure` 500, IAM's modeled server fault.
    pub fn service_failure() -> Self {
        AwsError::new("ServiceFailure", 500, UNKNOWN_FAILURE)
    }
}

/// What decoding and validating a Query request can report. Each variant names the field in
/// the form AWS's messages use (`roleArn`, `tags.1.member.key`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// The body exceeds [`crate::MAX_BODY_BYTES`].
    #[error("request body of {len} bytes exceeds the limit")]
    BodyTooLarge { len: usize },
    /// A required member is absent.
    #[error("missing required parameter at '{field}'")]
    MissingValue { field: String },
    /// An integer member is not a 32-bit decimal (AWS: `MalformedInput`).
    #[error("value {value:?} at '{field}' is not a 32-bit integer")]
    MalformedInteger { field: String, value: String },
    /// A boolean member is neither `true` nor `false` (AWS: `MalformedInput`).
    #[error("value {value:?} at '{field}' is not a boolean")]
    MalformedBoolean { field: String, value: String },
    /// One or more model constraints failed; each entry is one complete AWS clause
    /// (`Value 'x' at 'f' failed to satisfy constraint: …`).
    #[error("{}", validation_message(.0))]
    Validation(Vec<String>),
}

/// `1 validation error detected: A` / `2 validation errors detected: A; B`.
pub(crate) fn validation_message(clauses: &[String]) -> String {
    let plural = if clauses.len() == 1 {
        "error"
    } else {
        "errors"
    };
    format!(
        "{} validation {plural} detected: {}",
        clauses.len(),
        clauses.join("; ")
    )
}

impl ProtocolError {
    /// The wire error for this failure when `service` answers.
    pub fn to_aws_error(&self, service: Service) -> AwsError {
        match self {
            ProtocolError::BodyTooLarge { .. } => AwsError::request_entity_too_large(),
            ProtocolError::MissingValue { field } => AwsError::validation_error(
                validation_message(&[crate::validate::null_clause(service, field)]),
            ),
            ProtocolError::MalformedInteger { value, .. }
            | ProtocolError::MalformedBoolean { value, .. } => {
                AwsError::malformed_input(value.is_empty())
            }
            ProtocolError::Validation(clauses) => {
                AwsError::validation_error(validation_message(clauses))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_follow_status() {
        assert_eq!(AwsError::access_denied("x").fault, Fault::Sender);
        assert_eq!(AwsError::internal_failure().fault, Fault::Receiver);
        assert_eq!(AwsError::service_failure().status, 500);
    }

    #[test]
    fn invalid_action_texts_match_live_sts() {
        let e = AwsError::invalid_action("NoSuchAction", Some("2011-06-15"));
        assert_eq!(
            e.message.as_deref(),
            Some("Could not find operation NoSuchAction for version 2011-06-15")
        );
        assert_eq!(e.namespace_for(Service::Sts), AWS_FAULT_NAMESPACE);
        let e = AwsError::invalid_action("GetCallerIdentity", None);
        assert_eq!(
            e.message.as_deref(),
            Some("Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED")
        );
        let e = AwsError::invalid_action("", Some("2011-06-15"));
        assert_eq!(
            e.message.as_deref(),
            Some("Could not find operation  for version 2011-06-15")
        );
    }

    #[test]
    fn protocol_errors_map_to_aws_codes() {
        let missing = ProtocolError::MissingValue {
            field: "roleArn".into(),
        };
        let sts = missing.to_aws_error(Service::Sts);
        assert_eq!(sts.code, "ValidationError");
        assert_eq!(
            sts.message.as_deref(),
            Some(
                "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null"
            )
        );
        let iam = ProtocolError::MissingValue {
            field: "roleName".into(),
        }
        .to_aws_error(Service::Iam);
        assert_eq!(
            iam.message.as_deref(),
            Some(
                "1 validation error detected: Value at 'roleName' failed to satisfy constraint: Member must not be null"
            )
        );
        let empty = ProtocolError::MalformedInteger {
            field: "durationSeconds".into(),
            value: String::new(),
        };
        assert_eq!(
            empty.to_aws_error(Service::Sts).message.as_deref(),
            Some("missing value for decimal type")
        );
        let abc = ProtocolError::MalformedInteger {
            field: "durationSeconds".into(),
            value: "abc".into(),
        };
        let e = abc.to_aws_error(Service::Sts);
        assert_eq!(
            (e.code.as_ref(), e.status, e.message),
            ("MalformedInput", 400, None)
        );
        let big = ProtocolError::BodyTooLarge { len: 10_000_001 }.to_aws_error(Service::Sts);
        assert!(!big.has_body());
    }

    #[test]
    fn validation_message_pluralises() {
        assert_eq!(
            validation_message(&["A".into()]),
            "1 validation error detected: A"
        );
        assert_eq!(
            validation_message(&["A".into(), "B".into()]),
            "2 validation errors detected: A; B"
        );
    }
}
