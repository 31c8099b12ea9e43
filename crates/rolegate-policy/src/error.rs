//! Why a policy document was refused, in AWS's own words.
//!
//! Every AWS message text lives in [`messages`] and nowhere else, so a wording fix is one edit.
//! Each error carries the AWS error code, the message and, where known, the line:column of the
//! offending part of the document (AWS itself does not report positions; they are for people).

use crate::json::Location;

/// The exact texts of AWS's `MalformedPolicyDocument` and `LimitExceeded` messages.
pub mod messages {
    /// The document is not valid JSON or does not follow the policy grammar (IAM).
    pub const SYNTAX: &str = "Syntax errors in policy.";
    /// A trust policy that is not valid JSON (AWS-recorded for CreateRole).
    pub const INVALID_JSON: &str = "This policy contains invalid Json";
    /// A managed policy whose `Version` is absent or `2008-10-17`.
    pub const VERSION: &str = "Policy document must be version 2012-10-17 or greater.";
    /// The document fails IAM's second ("legacy") parser (no final period): an `Effect` that is
    /// not exactly `Allow` or `Deny` (e.g. `allow`), or a malformed identity-policy resource ARN
    /// (`arn:aws:iam:123456789012:user/x`, one colon short; an empty service segment).
    pub const LEGACY_PARSING: &str = "The policy failed legacy parsing";
    /// Two statements share a `Sid`.
    pub const SID_NOT_UNIQUE: &str = "Statement IDs (SID) in a single policy must be unique.";
    /// An IAM `Sid` with characters other than letters and digits.
    pub const SID_NOT_ALPHANUMERIC: &str = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*";
    /// A statement without `Action`/`NotAction` (or with an empty list).
    pub const MUST_CONTAIN_ACTIONS: &str = "Policy statement must contain actions.";
    /// A statement without `Resource`/`NotResource` where one is required.
    pub const MUST_CONTAIN_RESOURCES: &str = "Policy statement must contain resources.";
    /// An action without a `vendor:` prefix; also a condition key without one, except in
    /// identity-based policies (which accept `{"StringEquals": {"a": "x"}}`).
    pub const VENDOR_PREFIX: &str =
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
    /// An action with more than one colon.
    pub const ONE_COLON: &str = "Actions/Condition can contain only one colon.";
    /// A trust policy action other than the STS assume-role family.
    pub const ASSUME_ROLE_ACTIONS: &str =
        "AssumeRole policy may only specify STS AssumeRole actions.";
    /// A `Principal` in a policy type that must not have one (observed for identity policies).
    pub const NO_PRINCIPAL_ALLOWED: &str = "Policy document should not specify a principal.";
    /// An identity-policy resource ARN whose service segment is missing or has a wildcard
    /// (`arn:aws`, `arn:aws:*:*:*:*name*`).
    pub const RESOURCE_VENDOR: &str =
        "Resource vendor must be fully qualified and cannot contain regexes.";
    /// The resource of an identity-policy `iam` ARN (after the account) is not `*`, not `root`
    /// and not of one of IAM's resource types (`arn:aws:iam::123456789012:account-alias/*`).
    pub const IAM_RESOURCE_PATH: &str = "IAM resource path must either be \"*\", root, or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.";

    /// `Partition "aws" is not valid for resource "arn:aws:ec2:*:*:volume/*".`: an
    /// identity-policy resource of another partition than the account's. `resource` is the ARN
    /// as AWS shows it (see `validate`).
    pub fn invalid_partition(partition: &str, resource: &str) -> String {
        format!("Partition \"{partition}\" is not valid for resource \"{resource}\".")
    }

    /// `IAM resource arn:aws:iam:us-east-1:123456789012:role/R cannot contain region information.`
    pub fn iam_resource_region(resource: &str) -> String {
        format!("IAM resource {resource} cannot contain region information.")
    }

    /// `Resource arn:aws:s3:us-east-1::bucket can not contain region information.` (AWS writes
    /// "can not" here, "cannot" in the IAM text.)
    pub fn resource_region(resource: &str) -> String {
        format!("Resource {resource} can not contain region information.")
    }

    /// `Has prohibited field Resource`.
    pub fn prohibited_field(field: &str) -> String {
        format!("Has prohibited field {field}")
    }

    /// `Missing required field Principal`.
    pub fn missing_field(field: &str) -> String {
        format!("Missing required field {field}")
    }

    /// `Unknown field Principals`.
    pub fn unknown_field(field: &str) -> String {
        format!("Unknown field {field}")
    }

    /// `Vendor s 3 is not valid`.
    pub fn invalid_vendor(vendor: &str) -> String {
        format!("Vendor {vendor} is not valid")
    }

    /// `Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:role/x"`. AWS upper-cases
    /// the key for service principals (`"SERVICE":"..."`), and so for every key but `AWS`.
    pub fn invalid_principal(key: &str, value: &str) -> String {
        format!(
            "Invalid principal in policy: \"{}\":\"{value}\"",
            key.to_ascii_uppercase()
        )
    }

    /// `Resource foo must be in ARN format or "*".`
    pub fn resource_not_arn(resource: &str) -> String {
        format!("Resource {resource} must be in ARN format or \"*\".")
    }

    /// `Cannot exceed quota for ACLSizePerRole: 2048` (observed wording).
    pub fn quota_exceeded(quota: &str, limit: usize) -> String {
        format!("Cannot exceed quota for {quota}: {limit}")
    }
}

/// A policy document refused by [`crate::Policy::parse`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// AWS `MalformedPolicyDocument` (HTTP 400).
    #[error("{message}")]
    MalformedPolicyDocument {
        /// AWS's message text.
        message: String,
        /// Where in the document, if known.
        location: Option<Location>,
        /// The policy element at fault (`Action`, `Principal`, ...), if one is.
        field: Option<&'static str>,
        /// A more precise reason for people (e.g. the JSON reader's), never sent to clients.
        detail: Option<String>,
    },
    /// AWS `LimitExceeded` (IAM, HTTP 409): the document is over its size quota.
    #[error("{message}")]
    LimitExceeded {
        /// AWS's message text.
        message: String,
        /// The measured size (characters, whitespace outside strings not counted).
        size: usize,
        /// The quota.
        limit: usize,
    },
}

impl PolicyError {
    pub(crate) fn malformed(
        message: impl Into<String>,
        location: Option<Location>,
        field: Option<&'static str>,
    ) -> Self {
        PolicyError::MalformedPolicyDocument {
            message: message.into(),
            location,
            field,
            detail: None,
        }
    }

    pub(crate) fn with_detail(mut self, text: String) -> Self {
        if let PolicyError::MalformedPolicyDocument { detail, .. } = &mut self {
            *detail = Some(text);
        }
        self
    }

    /// The AWS error code: `MalformedPolicyDocument` or `LimitExceeded`.
    pub fn code(&self) -> &'static str {
        match self {
            PolicyError::MalformedPolicyDocument { .. } => "MalformedPolicyDocument",
            PolicyError::LimitExceeded { .. } => "LimitExceeded",
        }
    }

    /// The AWS message text.
    pub fn message(&self) -> &str {
        match self {
            PolicyError::MalformedPolicyDocument { message, .. }
            | PolicyError::LimitExceeded { message, .. } => message,
        }
    }

    /// Line and column of the offending part, when known.
    pub fn location(&self) -> Option<Location> {
        match self {
            PolicyError::MalformedPolicyDocument { location, .. } => *location,
            PolicyError::LimitExceeded { .. } => None,
        }
    }

    /// The policy element at fault, when one is.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            PolicyError::MalformedPolicyDocument { field, .. } => *field,
            PolicyError::LimitExceeded { .. } => None,
        }
    }

    /// A more precise explanation for people (not part of the AWS message).
    pub fn detail(&self) -> Option<&str> {
        match self {
            PolicyError::MalformedPolicyDocument { detail, .. } => detail.as_deref(),
            PolicyError::LimitExceeded { .. } => None,
        }
    }

    /// The measured size, for `LimitExceeded`.
    pub fn measured_size(&self) -> Option<usize> {
        match self {
            PolicyError::LimitExceeded { size, .. } => Some(*size),
            PolicyError::MalformedPolicyDocument { .. } => None,
        }
    }
}
