//! The rules that depend on the policy type: sizes, version, required and prohibited elements,
//! trust-policy actions and principal forms, IAM's action and resource formats.
//!
//! Texts are AWS's (see [`crate::error::messages`]). Principals are checked for form only;
//! whether a named user or role exists is the server's question.

use crate::PolicyType;
use crate::ast::{PolicyDocument, Principal, PrincipalKind, Statement, Version};
use crate::error::{PolicyError, messages};
use crate::json::is_json_whitespace;
use crate::parse::DocumentSpans;
use crate::principal::{is_account_id, is_service_principal, is_unique_id, split_arn};
use crate::wildcard::Pattern;

/// The actions a trust policy may name (IAM User Guide, `AssumeRolePolicyDocument`).
pub const TRUST_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

/// A size quota of a policy type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeLimit {
    /// The quota's name in AWS's message (`ACLSizePerRole`, `PolicySize`).
    pub quota: &'static str,
    /// The limit in characters, whitespace not counted.
    pub limit: usize,
}

impl PolicyType {
    /// The size quota `Policy::parse` enforces for this type, if any (IAM User Guide, "IAM and
    /// AWS STS quotas"; Organizations quotas for SCPs and RCPs). Session policies (2048
    /// characters of plaintext) and the packed size are STS's to check (`PackedPolicyTooLarge`);
    /// resource policies have per-service limits.
    pub fn size_limit(self) -> Option<SizeLimit> {
        match self {
            PolicyType::Trust => Some(SizeLimit {
                quota: "ACLSizePerRole",
                limit: 2048,
            }),
            PolicyType::Identity | PolicyType::PermissionsBoundary => Some(SizeLimit {
                quota: "PolicySize",
                limit: 6144,
            }),
            PolicyType::Scp | PolicyType::Rcp => Some(SizeLimit {
                quota: "PolicySize",
                limit: 5120,
            }),
            PolicyType::Session | PolicyType::Resource => None,
        }
    }
}

/// Characters of `text` that count towards a policy's size: JSON whitespace outside strings is
/// not counted.
pub(crate) fn size_without_whitespace(text: &str) -> usize {
    let mut in_string = false;
    let mut escaped = false;
    let mut n = 0usize;
    for c in text.chars() {
        if in_string {
            n += 1;
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            n += 1;
        } else if !is_json_whitespace(c) {
            n += 1;
        }
    }
    n
}

pub(crate) fn check_size(text: &str, ty: PolicyType) -> Result<(), PolicyError> {
    if let Some(limit) = ty.size_limit() {
        let size = size_without_whitespace(text);
        if size > limit.limit {
            return Err(PolicyError::LimitExceeded {
                message: messages::quota_exceeded(limit.quota, limit.limit),
                size,
                limit: limit.limit,
            });
        }
    }
    Ok(())
}

/// Applies the rules of `ty` to a parsed document.
pub(crate) fn validate(
    doc: &PolicyDocument,
    spans: &DocumentSpans,
    ty: PolicyType,
) -> Result<(), PolicyError> {
    // IAM refuses managed policies (identity policies and boundaries) in the old language.
    if matches!(ty, PolicyType::Identity | PolicyType::PermissionsBoundary)
        && doc.version != Some(Version::V2012_10_17)
    {
        return Err(PolicyError::malformed(
            messages::VERSION,
            spans.version,
            Some("Version"),
        ));
    }
    if doc.statements.is_empty() {
        return Err(
            PolicyError::malformed(messages::SYNTAX, spans.statement, Some("Statement"))
                .with_detail("Statement is an empty list".into()),
        );
    }
    let span = |i: usize| spans.statements.get(i).cloned().unwrap_or_default();

    let mut sids: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (i, s) in doc.statements.iter().enumerate() {
        if let Some(sid) = s.sid.as_deref().filter(|sid| !sid.is_empty())
            && !sids.insert(sid)
        {
            return Err(PolicyError::malformed(
                messages::SID_NOT_UNIQUE,
                span(i).sid,
                Some("Sid"),
            ));
        }
    }

    for (i, s) in doc.statements.iter().enumerate() {
        let at = span(i);
        if at.principal_is_bare_string {
            return Err(
                PolicyError::malformed(messages::SYNTAX, at.principal, Some("Principal"))
                    .with_detail(
                        "Principal must be \"*\" or an object such as {\"AWS\": ...}".into(),
                    ),
            );
        }
        principal_presence(s, ty, at.principal.or(at.at))?;
        if s.resource.is_none() && ty != PolicyType::Trust {
            return Err(PolicyError::malformed(
                messages::MUST_CONTAIN_RESOURCES,
                at.at,
                Some("Resource"),
            ));
        }
        for action in &s.action.values {
            action_format(action)
                .map_err(|m| PolicyError::malformed(m, at.action, Some("Action")))?;
        }
        for condition in &s.conditions {
            if !condition.key.contains(':') {
                return Err(PolicyError::malformed(
                    messages::VENDOR_PREFIX,
                    at.condition,
                    Some("Condition"),
                ));
            }
        }
        if ty == PolicyType::Trust {
            trust_actions(s).map_err(|m| PolicyError::malformed(m, at.action, Some("Action")))?;
        }
        if matches!(ty, PolicyType::Trust | PolicyType::Resource) {
            principal_forms(s, ty)
                .map_err(|m| PolicyError::malformed(m, at.principal, Some("Principal")))?;
        }
        let iam_formats = matches!(
            ty,
            PolicyType::Identity | PolicyType::PermissionsBoundary | PolicyType::Session
        );
        if iam_formats
            && let Some(resource) = &s.resource
            && let Some(r) = resource
                .values
                .iter()
                .find(|r| *r != "*" && !r.contains(':'))
        {
            return Err(PolicyError::malformed(
                messages::resource_not_arn(r),
                at.resource,
                Some("Resource"),
            ));
        }
        let iam_sids = matches!(
            ty,
            PolicyType::Identity | PolicyType::PermissionsBoundary | PolicyType::Trust
        );
        if iam_sids
            && let Some(sid) = &s.sid
            && !sid.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(PolicyError::malformed(
                messages::SID_NOT_ALPHANUMERIC,
                at.sid,
                Some("Sid"),
            ));
        }
    }
    Ok(())
}

fn principal_presence(
    s: &Statement,
    ty: PolicyType,
    at: Option<crate::json::Location>,
) -> Result<(), PolicyError> {
    match (ty, &s.principal) {
        (
            PolicyType::Identity
            | PolicyType::PermissionsBoundary
            | PolicyType::Session
            | PolicyType::Scp,
            Some(_),
        ) => Err(PolicyError::malformed(
            messages::NO_PRINCIPAL_ALLOWED,
            at,
            Some("Principal"),
        )),
        (PolicyType::Trust, Some(p)) if p.negated => Err(PolicyError::malformed(
            messages::prohibited_field("NotPrincipal"),
            at,
            Some("NotPrincipal"),
        )),
        (PolicyType::Trust | PolicyType::Resource | PolicyType::Rcp, None) => Err(
            PolicyError::malformed(messages::missing_field("Principal"), at, Some("Principal")),
        ),
        (PolicyType::Trust, Some(_)) if s.resource.is_some() => {
            let field = if s.resource.as_ref().is_some_and(|r| r.negated) {
                "NotResource"
            } else {
                "Resource"
            };
            Err(PolicyError::malformed(
                messages::prohibited_field(field),
                at,
                Some(field),
            ))
        }
        _ => Ok(()),
    }
}

/// `vendor:action`, one colon, a plausible vendor; or `*`.
fn action_format(action: &str) -> Result<(), String> {
    if action == "*" {
        return Ok(());
    }
    let mut parts = action.split(':');
    let vendor = parts.next().unwrap_or_default();
    match (parts.next(), parts.next()) {
        (None, _) => Err(messages::VENDOR_PREFIX.to_owned()),
        (Some(_), Some(_)) => Err(messages::ONE_COLON.to_owned()),
        (Some(_), None) => {
            if vendor != "*"
                && !vendor.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'*' || b == b'?'
                })
            {
                Err(messages::invalid_vendor(vendor))
            } else {
                Ok(())
            }
        }
    }
}

/// Trust policies name only the assume-role family (patterns must stay inside it).
fn trust_actions(s: &Statement) -> Result<(), String> {
    let refuse = || Err(messages::ASSUME_ROLE_ACTIONS.to_owned());
    if s.action.negated {
        return refuse();
    }
    for action in &s.action.values {
        let vendor_is_sts = action
            .split_once(':')
            .is_some_and(|(vendor, _)| vendor.eq_ignore_ascii_case("sts"));
        let pattern = Pattern::new_case_insensitive(action);
        if !vendor_is_sts || !TRUST_ACTIONS.iter().any(|a| pattern.matches(a)) {
            return refuse();
        }
    }
    Ok(())
}

/// The forms a `Principal` may take in trust and resource policies: `*`, an account, an IAM
/// ARN without wildcards, a unique id, a service principal, a provider.
fn principal_forms(s: &Statement, ty: PolicyType) -> Result<(), String> {
    let Some(block) = &s.principal else {
        return Ok(());
    };
    let Principal::Specified(entries) = &block.principal else {
        return Ok(());
    };
    for entry in entries {
        for value in &entry.values {
            let ok = match entry.kind {
                PrincipalKind::Aws => valid_aws_principal(value),
                PrincipalKind::Service => {
                    value == "*" && ty == PolicyType::Resource || is_service_principal(value)
                }
                PrincipalKind::Federated => valid_federated(value),
                // Trust policies cannot name S3 canonical users.
                PrincipalKind::CanonicalUser => ty == PolicyType::Resource && !value.is_empty(),
            };
            if !ok {
                return Err(messages::invalid_principal(entry.kind.as_str(), value));
            }
        }
    }
    Ok(())
}

fn valid_aws_principal(value: &str) -> bool {
    if value == "*" || is_account_id(value) || is_unique_id(value) {
        return true;
    }
    if value.contains('*') || value.contains('?') {
        return false;
    }
    let Some(arn) = split_arn(value) else {
        return false;
    };
    if !is_account_id(arn.account) {
        return false;
    }
    match arn.service {
        "iam" => {
            arn.resource == "root"
                || arn.resource.starts_with("user/")
                || arn.resource.starts_with("role/")
        }
        "sts" => {
            let parts: Vec<&str> = arn.resource.split('/').collect();
            matches!(parts.as_slice(), ["assumed-role", role, session] if !role.is_empty() && !session.is_empty())
                || matches!(parts.as_slice(), ["federated-user", name] if !name.is_empty())
        }
        _ => false,
    }
}

fn valid_federated(value: &str) -> bool {
    if let Some(arn) = split_arn(value) {
        return arn.service == "iam"
            && is_account_id(arn.account)
            && (arn.resource.starts_with("oidc-provider/")
                || arn.resource.starts_with("saml-provider/"))
            && !value.contains('*');
    }
    !value.is_empty()
        && !value.contains('*')
        && value.contains('.')
        && !value.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_document;

    fn check(text: &str, ty: PolicyType) -> Result<(), PolicyError> {
        check_size(text, ty)?;
        let (doc, spans) = parse_document(text, ty)?;
        validate(&doc, &spans, ty)
    }

    fn message(text: &str, ty: PolicyType) -> String {
        check(text, ty).unwrap_err().message().to_owned()
    }

    fn trust(statement: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#)
    }

    const TRUST_OK: &str = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}"#;

    #[test]
    fn a_plain_trust_policy_is_valid() {
        check(&trust(TRUST_OK), PolicyType::Trust).unwrap();
        check(
            &trust(r#"{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"],"Federated":"cognito-identity.amazonaws.com"},"Action":["sts:AssumeRole","sts:AssumeRoleWithWebIdentity","sts:TagSession"]}"#),
            PolicyType::Trust,
        )
        .unwrap();
        check(&trust(r#"{"Effect":"Allow","Principal":{"AWS":"AROAEXAMPLEID12345678"},"Action":"sts:Assume*"}"#), PolicyType::Trust).unwrap();
        // Old-language trust policies are common (AWS creates them) and accepted.
        check(r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}"#, PolicyType::Trust).unwrap();
    }

    #[test]
    fn trust_policy_messages() {
        let t = PolicyType::Trust;
        assert_eq!(
            message(
                &trust(
                    r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:InvalidAction"}"#
                ),
                t
            ),
            "AssumeRole policy may only specify STS AssumeRole actions."
        );
        assert_eq!(
            message(
                &trust(
                    r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject"}"#
                ),
                t
            ),
            "AssumeRole policy may only specify STS AssumeRole actions."
        );
        assert_eq!(
            message(
                &trust(
                    r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"NotAction":"sts:AssumeRole"}"#
                ),
                t
            ),
            "AssumeRole policy may only specify STS AssumeRole actions."
        );
        assert_eq!(
            message(
                &trust(
                    r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","Resource":"*"}"#
                ),
                t
            ),
            "Has prohibited field Resource"
        );
        assert_eq!(
            message(
                &trust(
                    r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","NotResource":"*"}"#
                ),
                t
            ),
            "Has prohibited field NotResource"
        );
        assert_eq!(
            message(&trust(r#"{"Effect":"Allow","Action":"sts:AssumeRole"}"#), t),
            "Missing required field Principal"
        );
        assert_eq!(
            message(
                &trust(
                    r#"{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}"#
                ),
                t
            ),
            "Has prohibited field NotPrincipal"
        );
        assert_eq!(
            message(
                &trust(
                    r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/*"},"Action":"sts:AssumeRole"}"#
                ),
                t
            ),
            r#"Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:role/*""#
        );
        assert_eq!(
            message(
                &trust(
                    r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/R/*"},"Action":"sts:AssumeRole"}"#
                ),
                t
            ),
            r#"Invalid principal in policy: "AWS":"arn:aws:sts::111122223333:assumed-role/R/*""#
        );
        assert_eq!(
            message(
                &trust(r#"{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"sts:AssumeRole"}"#),
                t
            ),
            r#"Invalid principal in policy: "AWS":"bob""#
        );
        assert_eq!(
            message(
                &trust(
                    r#"{"Effect":"Allow","Principal":{"Service":"codepipeiine"},"Action":"sts:AssumeRole"}"#
                ),
                t
            ),
            r#"Invalid principal in policy: "SERVICE":"codepipeiine""#
        );
        assert_eq!(
            message(
                &trust(
                    r#"{"Sid":"a-b","Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}"#
                ),
                t
            ),
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
        );
    }

    #[test]
    fn identity_policy_messages() {
        let i = PolicyType::Identity;
        assert_eq!(
            message(
                r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
                i
            ),
            "Policy document must be version 2012-10-17 or greater."
        );
        assert_eq!(
            message(
                r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
                i
            ),
            "Policy document must be version 2012-10-17 or greater."
        );
        let v = |s: &str| format!(r#"{{"Version":"2012-10-17","Statement":[{s}]}}"#);
        assert_eq!(
            message(&v(r#"{"Effect":"Allow","Action":"s3:*"}"#), i),
            "Policy statement must contain resources."
        );
        assert_eq!(
            message(
                &v(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Principal":"*"}"#),
                i
            ),
            "Policy document should not specify a principal."
        );
        assert_eq!(
            message(
                &v(r#"{"Effect":"Allow","Action":"GetObject","Resource":"*"}"#),
                i
            ),
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
        );
        assert_eq!(
            message(
                &v(r#"{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}"#),
                i
            ),
            "Actions/Condition can contain only one colon."
        );
        assert_eq!(
            message(
                &v(r#"{"Effect":"Allow","Action":"s 3:Get","Resource":"*"}"#),
                i
            ),
            "Vendor s 3 is not valid"
        );
        assert_eq!(
            message(
                &v(
                    r#"{"Effect":"Allow","Action":"s3:Get","Resource":"*","Condition":{"StringEquals":{"username":"x"}}}"#
                ),
                i
            ),
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
        );
        assert_eq!(
            message(
                &v(r#"{"Effect":"Allow","Action":"s3:Get","Resource":"bucket"}"#),
                i
            ),
            r#"Resource bucket must be in ARN format or "*"."#
        );
        assert_eq!(
            message(
                &v(
                    r#"{"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"a","Effect":"Deny","Action":"s3:*","Resource":"*"}"#
                ),
                i
            ),
            "Statement IDs (SID) in a single policy must be unique."
        );
    }

    #[test]
    fn grammar_that_only_validation_refuses() {
        let i = PolicyType::Identity;
        assert_eq!(
            message(r#"{"Version":"2012-10-17","Statement":[]}"#, i),
            "Syntax errors in policy."
        );
        assert_eq!(
            message(
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"arn:aws:iam::111122223333:root","Action":"s3:*","Resource":"*"}}"#,
                PolicyType::Resource
            ),
            "Syntax errors in policy."
        );
    }

    #[test]
    fn resource_policies_need_a_principal() {
        let r = PolicyType::Resource;
        assert_eq!(
            message(
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
                r
            ),
            "Missing required field Principal"
        );
        check(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbace"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#, r).unwrap();
    }

    #[test]
    fn sizes_exclude_whitespace_outside_strings() {
        assert_eq!(size_without_whitespace("{ \"a b\" :\n [1, 2] }"), 13);
        assert_eq!(size_without_whitespace(r#""a\" b""#), 7);
        let padding = " ".repeat(5000);
        let statement =
            format!(r#"{{"Effect":"Allow",{padding}"Principal":"*","Action":"sts:AssumeRole"}}"#);
        check(&trust(&statement), PolicyType::Trust).unwrap();
        let big = format!(
            r#"{{"Sid":"{}","Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}"#,
            "a".repeat(2000)
        );
        let err = check(&trust(&big), PolicyType::Trust).unwrap_err();
        assert_eq!(err.code(), "LimitExceeded");
        assert_eq!(
            err.message(),
            "Cannot exceed quota for ACLSizePerRole: 2048"
        );
        assert_eq!(
            err.measured_size(),
            Some(size_without_whitespace(&trust(&big)))
        );
    }
}
