//! [`Policy`]: a document parsed, validated for its type and compiled, ready to evaluate many
//! times. Cheap to clone (shared), `Send + Sync`.

use std::fmt;
use std::sync::Arc;

use crate::ast::PolicyDocument;
use crate::compile::CompiledPolicy;
use crate::error::PolicyError;
use crate::json::Location;
use crate::parse::{DocumentSpans, parse_document};
use crate::{print, validate};
use rolegate_types::Partition;

/// The kinds of policy AWS evaluates; each has its own validation rules and size quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyType {
    /// An identity-based policy (inline or managed) of a user, group or role.
    Identity,
    /// A resource-based policy (bucket policy, key policy, ...): `Principal` required.
    Resource,
    /// A role's trust policy (`AssumeRolePolicyDocument`): `Principal` required, no `Resource`,
    /// only the STS assume-role actions.
    Trust,
    /// A session policy passed to `AssumeRole*` / `GetFederationToken`.
    Session,
    /// A permissions boundary (a managed policy used as one).
    PermissionsBoundary,
    /// An AWS Organizations service control policy.
    Scp,
    /// An AWS Organizations resource control policy.
    Rcp,
}

impl PolicyType {
    /// Every type.
    pub const ALL: [PolicyType; 7] = [
        PolicyType::Identity,
        PolicyType::Resource,
        PolicyType::Trust,
        PolicyType::Session,
        PolicyType::PermissionsBoundary,
        PolicyType::Scp,
        PolicyType::Rcp,
    ];

    /// A short lower-case name (`identity`, `permissions_boundary`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Resource => "resource",
            PolicyType::Trust => "trust",
            PolicyType::Session => "session",
            PolicyType::PermissionsBoundary => "permissions_boundary",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
        }
    }

    /// The type for a short name (also accepts `boundary` and `permission_boundary`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "identity" => Some(PolicyType::Identity),
            "resource" => Some(PolicyType::Resource),
            "trust" => Some(PolicyType::Trust),
            "session" => Some(PolicyType::Session),
            "permissions_boundary" | "permission_boundary" | "boundary" => {
                Some(PolicyType::PermissionsBoundary)
            }
            "scp" => Some(PolicyType::Scp),
            "rcp" => Some(PolicyType::Rcp),
            _ => None,
        }
    }
}

impl fmt::Display for PolicyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed, validated and compiled policy.
#[derive(Clone)]
pub struct Policy {
    inner: Arc<Inner>,
}

struct Inner {
    ty: PolicyType,
    document: PolicyDocument,
    compiled: CompiledPolicy,
    statement_locations: Vec<Option<Location>>,
}

impl Policy {
    /// Parses `text` as a policy of type `ty` stored in an account of the `aws` partition:
    /// [`Policy::parse_in`] with [`Partition::Aws`].
    ///
    /// # Errors
    /// As [`Policy::parse_in`].
    pub fn parse(text: &str, ty: PolicyType) -> Result<Policy, PolicyError> {
        Self::parse_in(text, ty, Partition::Aws)
    }

    /// Parses `text` as a policy of type `ty` for an account of `partition`, applying every rule
    /// AWS applies to that type (size quota, grammar, required and prohibited elements; for
    /// identity-based policies, resources of `partition` only), then compiles it.
    ///
    /// # Errors
    /// `MalformedPolicyDocument` with AWS's message, or `LimitExceeded` for an oversized document.
    pub fn parse_in(
        text: &str,
        ty: PolicyType,
        partition: Partition,
    ) -> Result<Policy, PolicyError> {
        validate::check_size(text, ty)?;
        let (document, spans) = parse_document(text, ty)?;
        validate::validate(&document, &spans, ty, partition)?;
        Ok(Self::build(document, &spans, ty))
    }

    /// Parses and compiles `text` with the shared grammar only, without the rules of `ty`
    /// (required/prohibited elements, trust actions, principal forms, size). For evaluating
    /// documents as given (`rolegate policy eval`, simulators); `ty` still decides evaluation
    /// (resource and trust statements without `Principal` apply to no one).
    ///
    /// # Errors
    /// `MalformedPolicyDocument` when the text is not a policy at all.
    pub fn parse_unvalidated(text: &str, ty: PolicyType) -> Result<Policy, PolicyError> {
        let (document, spans) = parse_document(text, ty)?;
        Ok(Self::build(document, &spans, ty))
    }

    /// Compiles a document built in code, after checking it against the rules of `ty` in the
    /// `aws` partition: [`Policy::from_document_in`] with [`Partition::Aws`].
    ///
    /// # Errors
    /// As [`Policy::parse`] (without locations).
    pub fn from_document(document: PolicyDocument, ty: PolicyType) -> Result<Policy, PolicyError> {
        Self::from_document_in(document, ty, Partition::Aws)
    }

    /// Compiles a document built in code, after checking it against the rules of `ty` for an
    /// account of `partition`.
    ///
    /// # Errors
    /// As [`Policy::parse_in`] (without locations).
    pub fn from_document_in(
        document: PolicyDocument,
        ty: PolicyType,
        partition: Partition,
    ) -> Result<Policy, PolicyError> {
        let spans = DocumentSpans::default();
        validate::check_size(&print::to_json(&document), ty)?;
        validate::validate(&document, &spans, ty, partition)?;
        Ok(Self::build(document, &spans, ty))
    }

    fn build(document: PolicyDocument, spans: &DocumentSpans, ty: PolicyType) -> Policy {
        let compiled = CompiledPolicy::new(&document, ty);
        let statement_locations = (0..document.statements.len())
            .map(|i| spans.statements.get(i).and_then(|s| s.at))
            .collect();
        Policy {
            inner: Arc::new(Inner {
                ty,
                document,
                compiled,
                statement_locations,
            }),
        }
    }

    /// The document as parsed.
    pub fn document(&self) -> &PolicyDocument {
        &self.inner.document
    }

    /// The type the policy was parsed as.
    pub fn policy_type(&self) -> PolicyType {
        self.inner.ty
    }

    /// The canonical JSON text: `Policy::parse(&p.to_json(), ty)` yields the same document.
    pub fn to_json(&self) -> String {
        print::to_json(&self.inner.document)
    }

    /// Where statement `index` starts in the source text (none for documents built in code).
    pub fn statement_location(&self, index: usize) -> Option<Location> {
        self.inner.statement_locations.get(index).copied().flatten()
    }

    /// The size AWS counts against quotas: characters, JSON whitespace outside strings excluded.
    pub fn size_without_whitespace(text: &str) -> usize {
        validate::size_without_whitespace(text)
    }

    pub(crate) fn compiled(&self) -> &CompiledPolicy {
        &self.inner.compiled
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("type", &self.inner.ty)
            .field("document", &self.inner.document)
            .finish()
    }
}

impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        self.inner.ty == other.inner.ty && self.inner.document == other.inner.document
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + Clone + fmt::Debug>() {}

    #[test]
    fn policy_is_shareable() {
        assert_send_sync::<Policy>();
    }

    #[test]
    fn statement_locations_point_at_statements() {
        let p = Policy::parse(
            "{\"Version\":\"2012-10-17\",\n\"Statement\":[\n  {\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}",
            PolicyType::Identity,
        )
        .unwrap();
        assert_eq!(p.statement_location(0), Some(Location { line: 3, col: 3 }));
        assert_eq!(p.statement_location(1), None);
    }

    #[test]
    fn unvalidated_parsing_skips_type_rules() {
        let text = r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}"#;
        assert!(Policy::parse(text, PolicyType::Identity).is_err());
        assert!(Policy::parse_unvalidated(text, PolicyType::Identity).is_ok());
        assert!(Policy::parse_unvalidated("{", PolicyType::Identity).is_err());
    }

    #[test]
    fn the_partition_is_the_accounts() {
        let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:AttachVolume","Resource":"arn:aws:ec2:*:*:volume/*"}}"#;
        // `parse` is `parse_in` the `aws` partition.
        assert_eq!(
            Policy::parse(text, PolicyType::Identity).unwrap(),
            Policy::parse_in(text, PolicyType::Identity, Partition::Aws).unwrap()
        );
        let err = Policy::parse_in(text, PolicyType::Identity, Partition::AwsCn).unwrap_err();
        assert_eq!(
            err.message(),
            r#"Partition "aws" is not valid for resource "arn:aws:ec2:*:*:volume/*"."#
        );
        let china = text.replace("arn:aws:", "arn:aws-cn:");
        Policy::parse_in(&china, PolicyType::Identity, Partition::AwsCn).unwrap();
        assert!(Policy::parse(&china, PolicyType::Identity).is_err());

        let document = Policy::parse(text, PolicyType::Identity)
            .unwrap()
            .document()
            .clone();
        Policy::from_document(document.clone(), PolicyType::Identity).unwrap();
        let err = Policy::from_document_in(document, PolicyType::Identity, Partition::AwsUsGov)
            .unwrap_err();
        assert_eq!(err.code(), "MalformedPolicyDocument");
        assert_eq!(err.field(), Some("Resource"));
    }

    #[test]
    fn type_names_round_trip() {
        for ty in PolicyType::ALL {
            assert_eq!(PolicyType::from_name(ty.as_str()), Some(ty));
        }
    }
}
