//! The rules that depend on the policy type: sizes, version, required and prohibited elements,
//! trust-policy actions and principal forms, IAM's action and resource formats (the resource's
//! partition, service, region and IAM resource type).
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
use rolegate_types::Partition;

/// The actions a trust policy may name (IAM User Guide, `AssumeRolePolicyDocument`): the ways
/// in, then what may come with them. Only a role's trust policy grants these on the role.
pub const TRUST_ACTIONS: [&str; 6] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
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

/// The resource types of IAM ARNs, as AWS lists them in [`messages::IAM_RESOURCE_PATH`].
const IAM_RESOURCE_TYPES: &[&str] = &[
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
];

/// Applies the rules of `ty` to a parsed document stored in an account of `partition`.
///
/// A document with several faults gets one message: the first fault in this order (AWS's own
/// order is not publicly recorded; this one is fixed so the answer is deterministic). The
/// grammar (`parse`) has already run, statement by statement. Then: the `Version` of managed
/// policies; an empty `Statement`; `Sid` uniqueness across statements; then statement by
/// statement, in document order: `Principal` (form, presence), `Resource` presence, each
/// `Action`, condition keys, trust actions, principal values, each `Resource`/`NotResource`
/// value in order (see [`resource_format`] for the order within one value), `Sid` characters.
pub(crate) fn validate(
    doc: &PolicyDocument,
    spans: &DocumentSpans,
    ty: PolicyType,
    partition: Partition,
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
    // Identity-based policies share IAM's grammar for resources and condition keys; STS checks
    // session policies against the same grammar.
    let identity_grammar = matches!(
        ty,
        PolicyType::Identity | PolicyType::PermissionsBoundary | PolicyType::Session
    );
    let variables = doc.effective_version().has_policy_variables();

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
        // Identity-based policies accept condition keys without a vendor (`{"a": "x"}`).
        if !identity_grammar && s.conditions.iter().any(|c| !c.key.contains(':')) {
            return Err(PolicyError::malformed(
                messages::VENDOR_PREFIX,
                at.condition,
                Some("Condition"),
            ));
        }
        if ty == PolicyType::Trust {
            trust_actions(s).map_err(|m| PolicyError::malformed(m, at.action, Some("Action")))?;
        }
        if matches!(ty, PolicyType::Trust | PolicyType::Resource) {
            principal_forms(s, ty)
                .map_err(|m| PolicyError::malformed(m, at.principal, Some("Principal")))?;
        }
        if identity_grammar && let Some(resource) = &s.resource {
            let field = if resource.negated {
                "NotResource"
            } else {
                "Resource"
            };
            for r in &resource.values {
                resource_format(r, partition, variables)
                    .map_err(|m| PolicyError::malformed(m, at.resource, Some(field)))?;
            }
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

/// IAM's checks of one `Resource`/`NotResource` value of an identity-based policy in an account
/// of `partition`, in this order (the first fault is the message):
///
/// 1. `*`, or text with a colon ("in ARN format"; the `arn` prefix itself is not examined).
/// 2. The partition is the account's, or `*` (AWS-managed policies use `arn:*:…`).
/// 3. The service ("vendor") is present and has no wildcard.
/// 4. The legacy parser's shape: the service is not empty and the ARN is not one segment short
///    (five segments: `arn:aws:iam:123456789012:user/x`). Three or four segments
///    (`arn:aws:s3:*`) pass, as AWS accepts them; such ARNs get no further checks.
/// 5. No region in `iam` ARNs, nor in `s3` bucket and object ARNs (those with no account:
///    access points, jobs and other regional S3 resources have one).
/// 6. The resource of an `iam` ARN is `*`, `root` or of one of [`IAM_RESOURCE_TYPES`].
///
/// With `variables` (a `2012-10-17` document), a colon inside `${…}` does not separate segments.
fn resource_format(resource: &str, partition: Partition, variables: bool) -> Result<(), String> {
    if resource == "*" {
        return Ok(());
    }
    if !resource.contains(':') {
        return Err(messages::resource_not_arn(resource));
    }
    let segments = arn_segments(resource, variables);
    let Some(written_partition) = segments.get(1).copied() else {
        // The only colons are inside policy variables: nothing recorded about this; accepted.
        return Ok(());
    };
    if written_partition != partition.as_str() && written_partition != "*" {
        return Err(messages::invalid_partition(
            written_partition,
            &shown_arn(&segments),
        ));
    }
    let vendor = match segments.get(2) {
        Some(vendor) if !vendor.contains(['*', '?']) => *vendor,
        _ => return Err(messages::RESOURCE_VENDOR.to_owned()),
    };
    if vendor.is_empty() || segments.len() == 5 {
        return Err(messages::LEGACY_PARSING.to_owned());
    }
    let [_, _, _, region, account, path] = segments.as_slice() else {
        return Ok(());
    };
    if vendor == "iam" && !region.is_empty() {
        return Err(messages::iam_resource_region(resource));
    }
    if vendor == "s3" && !region.is_empty() && account.is_empty() {
        return Err(messages::resource_region(resource));
    }
    if vendor == "iam"
        && *path != "*"
        && *path != "root"
        && !IAM_RESOURCE_TYPES.iter().any(|t| path.starts_with(t))
    {
        return Err(messages::IAM_RESOURCE_PATH.to_owned());
    }
    Ok(())
}

/// `text` split at its first five colons: at most six segments, the last (the resource) keeping
/// any further colons. With `variables`, colons between `${` and its closing `}` do not count.
fn arn_segments(text: &str, variables: bool) -> Vec<&str> {
    let mut segments = Vec::with_capacity(6);
    let mut start = 0;
    let mut in_variable = false;
    let mut after_dollar = false;
    for (i, c) in text.char_indices() {
        if segments.len() == 5 {
            break;
        }
        match c {
            '{' if variables
                && after_dollar
                && text.get(i + 1..).is_some_and(|rest| rest.contains('}')) =>
            {
                in_variable = true;
            }
            '}' => in_variable = false,
            ':' if !in_variable => {
                segments.push(text.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
        after_dollar = c == '$';
    }
    segments.push(text.get(start..).unwrap_or_default());
    segments
}

/// A resource as IAM's partition message shows it: rebuilt from its segments with the prefix
/// `arn` and a missing segment as `*` (`a:b:cadfsdf` is shown as `arn:b:cadfsdf:*:*:*`).
fn shown_arn(segments: &[&str]) -> String {
    let mut shown = String::from("arn");
    for i in 1..6 {
        shown.push(':');
        shown.push_str(segments.get(i).copied().unwrap_or("*"));
    }
    shown
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
        check_in(text, ty, Partition::Aws)
    }

    fn check_in(text: &str, ty: PolicyType, partition: Partition) -> Result<(), PolicyError> {
        check_size(text, ty)?;
        let (doc, spans) = parse_document(text, ty)?;
        validate(&doc, &spans, ty, partition)
    }

    fn message(text: &str, ty: PolicyType) -> String {
        check(text, ty).unwrap_err().message().to_owned()
    }

    /// An identity policy with one statement allowing `s3:GetObject` on `resources`.
    fn on(resources: &[&str]) -> String {
        trust(&format!(
            r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":{}}}"#,
            serde_json::to_string(resources).unwrap()
        ))
    }

    /// The message for an identity policy on `resource` in an account of `partition`.
    fn refusal_in(resource: &str, partition: Partition) -> String {
        check_in(&on(&[resource]), PolicyType::Identity, partition)
            .unwrap_err()
            .message()
            .to_owned()
    }

    fn refusal(resource: &str) -> String {
        refusal_in(resource, Partition::Aws)
    }

    fn accepted(resource: &str) {
        if let Err(e) = check(&on(&[resource]), PolicyType::Identity) {
            panic!("{resource} refused: {}", e.message());
        }
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
    fn resources_of_another_partition_are_refused() {
        // Observed in aws-cn and GovCloud accounts: eksctl-io/eksctl#4329,
        // terraform-aws-modules/terraform-aws-iam#39, aws/aws-parallelcluster-ui#235,
        // aws/copilot-cli#2563.
        for (resource, partition) in [
            ("arn:aws:ec2:*:*:volume/*", Partition::AwsCn),
            (
                "arn:aws:iam::111122223333:user/*/${aws:username}",
                Partition::AwsCn,
            ),
            ("arn:aws:ce:us-east-1::/*", Partition::AwsUsGov),
            (
                "arn:aws:iam::*:role/copilot-demo-adminrole",
                Partition::AwsUsGov,
            ),
        ] {
            assert_eq!(
                refusal_in(resource, partition),
                format!(r#"Partition "aws" is not valid for resource "{resource}"."#)
            );
        }
        // An unresolved template variable (cloudera-labs/cloudera.exe#112) and an empty
        // partition (hashicorp/terraform-provider-aws#3045).
        assert_eq!(
            refusal("arn:${ARN_PARTITION}:s3:::XYZ-ABC-DEFG"),
            r#"Partition "${ARN_PARTITION}" is not valid for resource "arn:${ARN_PARTITION}:s3:::XYZ-ABC-DEFG"."#
        );
        assert_eq!(
            refusal("arn::s3:::BUCKET-NAME"),
            r#"Partition "" is not valid for resource "arn::s3:::BUCKET-NAME"."#
        );
        // AWS shows the resource rebuilt: prefix `arn`, missing segments `*`.
        assert_eq!(
            refusal("a:b:cadfsdf"),
            r#"Partition "b" is not valid for resource "arn:b:cadfsdf:*:*:*"."#
        );
        assert_eq!(
            refusal("a:bsdfdsafsad"),
            r#"Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*"."#
        );
        assert_eq!(
            refusal("a:b:c:d:e:f:g:h"),
            r#"Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h"."#
        );
        assert_eq!(
            refusal("aws:s3:::example_bucket"),
            r#"Partition "s3" is not valid for resource "arn:s3:::example_bucket:*"."#
        );
        // Each partition accepts its own resources and refuses the others'.
        for own in Partition::ALL {
            for other in Partition::ALL {
                let resource = format!("arn:{other}:s3:::bucket/*");
                let result = check_in(&on(&[&resource]), PolicyType::Identity, own);
                assert_eq!(result.is_ok(), own == other, "{resource} in {own}");
            }
        }
    }

    #[test]
    fn a_wildcard_partition_is_accepted() {
        // AWS-managed policies name `arn:*:…` resources (e.g. `arn:*:sso:::instance/*`).
        for partition in Partition::ALL {
            check_in(
                &on(&[
                    "arn:*:sso:::instance/*",
                    "arn:*:identitystore::*:identitystore/*",
                ]),
                PolicyType::Identity,
                partition,
            )
            .unwrap();
        }
    }

    #[test]
    fn resource_vendors_must_be_fully_qualified() {
        // Observed: `arn:aws:*:*:*:*fss-prod*`, `arn:aws:*:*:<account>:*` (put-role-policy and a
        // permissions boundary, 2026).
        for resource in [
            "arn:aws:*:*:*:*fss-prod*",
            "arn:aws:*:*:111122223333:*",
            "arn:aws:s?:::bucket",
            "arn:aws:s3*:::bucket",
            "arn:aws",
        ] {
            assert_eq!(
                refusal(resource),
                "Resource vendor must be fully qualified and cannot contain regexes.",
                "{resource}"
            );
        }
    }

    #[test]
    fn malformed_arns_fail_legacy_parsing() {
        // One colon short, the account in the region's place (Graylog2/graylog-plugin-aws#172).
        for resource in [
            "arn:aws:iam:123456789012:user/x",
            "arn:aws:s3::example_bucket",
            "arn:aws::fdsasf",
            "arn:aws::::example_bucket",
            "arn:aws:",
        ] {
            assert_eq!(
                refusal(resource),
                "The policy failed legacy parsing",
                "{resource}"
            );
        }
        // Three or four segments pass (a trailing `*` runs on across the missing segments).
        for resource in ["arn:aws:s3:*", "arn:aws:fdsasf", "arn:aws:codepipeline:*"] {
            accepted(resource);
        }
    }

    #[test]
    fn iam_and_s3_arns_carry_no_region() {
        // CloudFormation, AWS::IAM::Policy (the reference note's FS:5785242571);
        // cloud-gov/terraform-provision#1838.
        assert_eq!(
            refusal("arn:aws:iam:us-east-1:123456789012:role/GlueJobRole"),
            "IAM resource arn:aws:iam:us-east-1:123456789012:role/GlueJobRole cannot contain region information."
        );
        // A wildcard region is a region; it is reported before the resource path.
        assert_eq!(
            refusal("arn:aws:iam:*:*:*name*"),
            "IAM resource arn:aws:iam:*:*:*name* cannot contain region information."
        );
        // S3 bucket and object ARNs ("can not", as AWS writes it here).
        assert_eq!(
            refusal("arn:aws:s3:us-east-1::bucket"),
            "Resource arn:aws:s3:us-east-1::bucket can not contain region information."
        );
        assert_eq!(
            refusal("arn:aws:s3:*::bucket/*"),
            "Resource arn:aws:s3:*::bucket/* can not contain region information."
        );
        // Regional S3 resources have an account; other services have regions.
        for resource in [
            "arn:aws:s3:us-west-2:111122223333:accesspoint/reports",
            "arn:aws:s3:*:*:job/*",
            "arn:aws:s3:::bucket/*",
            "arn:aws:ec2:us-east-1::example",
            "arn:aws:cloudwatch:us-east-1::example",
            "arn:aws:iam:::user/example",
        ] {
            accepted(resource);
        }
    }

    #[test]
    fn iam_resources_start_with_an_iam_resource_type() {
        // PutRolePolicy with `account-alias/*` and create-policy-version with `*cdk-…*` (2026).
        for resource in [
            "arn:aws:iam::123456789012:account-alias/*",
            "arn:aws:iam::123456789012:*cdk-hnb659fds-*",
            "arn:aws:iam:::example_bucket",
            "arn:aws:iam::123456789012:Role/x",
            "arn:aws:iam::123456789012:",
        ] {
            assert_eq!(
                refusal(resource),
                r#"IAM resource path must either be "*", root, or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/."#,
                "{resource}"
            );
        }
        accepted("arn:aws:iam::123456789012:*");
        accepted("arn:aws:iam::123456789012:root");
        for ty in IAM_RESOURCE_TYPES {
            accepted(&format!("arn:aws:iam::123456789012:{ty}x"));
        }
        // Policy variables are whole: the colon in `${aws:PrincipalAccount}` separates nothing.
        accepted("arn:aws:iam::${aws:PrincipalAccount}:role/deploy");
        accepted("arn:aws:iam::*:user/${aws:username}");
        accepted("arn:aws:iam::123456789012:role/a:b");
    }

    #[test]
    fn the_path_message_lists_iam_resource_types() {
        assert_eq!(
            messages::IAM_RESOURCE_PATH,
            format!(
                r#"IAM resource path must either be "*", root, or start with {}."#,
                IAM_RESOURCE_TYPES.join(", ")
            )
        );
    }

    #[test]
    fn resource_errors_point_at_the_element() {
        let text = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\n\"NotResource\":[\"arn:aws:s3:::b\",\"arn:aws:s3::b\"]}}";
        let err = check(text, PolicyType::Identity).unwrap_err();
        assert_eq!(err.code(), "MalformedPolicyDocument");
        assert_eq!(err.message(), "The policy failed legacy parsing");
        assert_eq!(err.field(), Some("NotResource"));
        assert_eq!(
            err.location(),
            Some(crate::json::Location { line: 2, col: 15 })
        );
        let err = check(
            &on(&["arn:aws:iam:us-east-1::user/x"]),
            PolicyType::Identity,
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("Resource"));
        assert!(err.location().is_some());
    }

    #[test]
    fn the_first_fault_is_reported() {
        let i = PolicyType::Identity;
        let path = messages::IAM_RESOURCE_PATH;
        // Statements in document order.
        assert_eq!(
            message(
                &trust(
                    r#"{"Effect":"Allow","Action":"iam:*","Resource":"arn:aws:iam::1:x"},{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws-cn:s3:::b"}"#
                ),
                i
            ),
            path
        );
        // Resource values in order.
        assert_eq!(
            message(
                &on(&["*", "arn:aws:s3:us-east-1::b", "arn:aws-cn:s3:::b"]),
                i
            ),
            "Resource arn:aws:s3:us-east-1::b can not contain region information."
        );
        // Within one statement, actions before resources.
        assert_eq!(
            message(
                &trust(
                    r#"{"Effect":"Allow","Action":"s3:Get:Object","Resource":"arn:aws-cn:s3:::b"}"#
                ),
                i
            ),
            "Actions/Condition can contain only one colon."
        );
        // Sid uniqueness (whole document) before any statement's resources.
        assert_eq!(
            message(
                &trust(
                    r#"{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3::b"},{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"}"#
                ),
                i
            ),
            "Statement IDs (SID) in a single policy must be unique."
        );
        // Within one value: partition, service, legacy shape, region, IAM path.
        assert_eq!(
            refusal("arn:aws-cn:*:::x"),
            r#"Partition "aws-cn" is not valid for resource "arn:aws-cn:*:::x"."#
        );
        assert_eq!(refusal("arn:aws:*:x:y"), messages::RESOURCE_VENDOR);
        assert_eq!(refusal("arn:aws:iam:us-east-1:x"), messages::LEGACY_PARSING);
        assert_eq!(
            refusal("arn:aws:iam:us-east-1:1:account-alias/x"),
            "IAM resource arn:aws:iam:us-east-1:1:account-alias/x cannot contain region information."
        );
        // Not ARN format comes first of all.
        assert_eq!(
            message(&on(&["bucket", "arn:aws-cn:s3:::b"]), i),
            r#"Resource bucket must be in ARN format or "*"."#
        );
    }

    #[test]
    fn identity_policies_accept_vendorless_condition_keys_and_empty_blocks() {
        let with = |condition: &str| {
            trust(&format!(
                r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}"#
            ))
        };
        for ty in [
            PolicyType::Identity,
            PolicyType::PermissionsBoundary,
            PolicyType::Session,
        ] {
            for condition in [
                r#"{"StringEquals":{"a":"x"}}"#,
                r#"{"StringEquals":{"username":"x"},"Bool":{"aws:SecureTransport":"true"}}"#,
                "{}",
                r#"{"StringEquals":{}}"#,
                r#"{"DateGreaterThan":{},"StringLike":{"s3:prefix":"home/*"}}"#,
            ] {
                if let Err(e) = check(&with(condition), ty) {
                    panic!("{ty} refused {condition}: {}", e.message());
                }
            }
        }
        // Other types keep refusing a key without a vendor.
        assert_eq!(
            message(
                &trust(
                    r#"{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"a":"x"}}}"#
                ),
                PolicyType::Trust
            ),
            messages::VENDOR_PREFIX
        );
        // An operator IAM does not know stays a grammar error, even with no keys.
        assert_eq!(
            message(&with(r#"{"StringEqual":{}}"#), PolicyType::Identity),
            messages::SYNTAX
        );
    }

    #[test]
    fn resource_rules_are_the_identity_grammars() {
        // Resource policies, SCPs and RCPs keep their own (unchanged) rules.
        let resource_policy = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":["arn:aws-cn:s3:::b/*","arn:aws:s3:us-east-1::b"]}}"#;
        check(resource_policy, PolicyType::Resource).unwrap();
        let scp = r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iam:*","Resource":["arn:aws:iam:us-east-1::x","arn:aws:*:*:*:*"]}}"#;
        check(scp, PolicyType::Scp).unwrap();
        // Session policies follow the identity grammar.
        assert_eq!(
            check_in(
                &on(&["arn:aws:s3:::b"]),
                PolicyType::Session,
                Partition::AwsCn
            )
            .unwrap_err()
            .message(),
            r#"Partition "aws" is not valid for resource "arn:aws:s3:::b"."#
        );
        assert_eq!(
            message(&on(&["arn:aws:iam::1:x"]), PolicyType::PermissionsBoundary),
            messages::IAM_RESOURCE_PATH
        );
    }

    #[test]
    fn arn_segments_keep_policy_variables_whole() {
        assert_eq!(
            arn_segments("arn:aws:iam::${aws:PrincipalAccount}:role/x", true),
            ["arn", "aws", "iam", "", "${aws:PrincipalAccount}", "role/x"]
        );
        assert_eq!(
            arn_segments("arn:aws:iam::${aws:PrincipalAccount}:role/x", false),
            ["arn", "aws", "iam", "", "${aws", "PrincipalAccount}:role/x"]
        );
        assert_eq!(
            arn_segments("arn:aws:s3:::b/${aws:username}:x", true),
            ["arn", "aws", "s3", "", "", "b/${aws:username}:x"]
        );
        // An unclosed `${` is text.
        assert_eq!(arn_segments("a:${b:c", true), ["a", "${b", "c"]);
        assert_eq!(arn_segments("*", true), ["*"]);
    }

    /// Every AWS-managed policy (the catalogue beside this crate; skipped when absent) is a
    /// document AWS accepted: the identity rules must accept it too (sizes aside: AWS-managed
    /// policies may exceed the customer quota).
    #[test]
    fn aws_managed_policies_pass_the_identity_rules() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../rolegate-catalog/data/managed-policies.jsonl");
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("{} is absent: skipped", path.display());
            return;
        };
        let mut failures = Vec::new();
        let mut n = 0;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let entry: serde_json::Value = serde_json::from_str(line).unwrap();
            let name = entry["name"].as_str().unwrap_or("(unnamed)");
            let document = entry["document"].as_str().unwrap();
            n += 1;
            let result = parse_document(document, PolicyType::Identity).and_then(|(doc, spans)| {
                validate(&doc, &spans, PolicyType::Identity, Partition::Aws)
            });
            if let Err(e) = result {
                failures.push(format!("{name}: {}", e.message()));
            }
        }
        assert!(n > 0);
        assert!(
            failures.is_empty(),
            "{} refused:\n{}",
            failures.len(),
            failures.join("\n")
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
