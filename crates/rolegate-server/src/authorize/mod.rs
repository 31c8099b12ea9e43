//! Authorize: the request context (`aws:*` keys) and the policy engine's decision for the
//! caller's identity-based permissions (identity ∩ boundary ∩ session policies) on a
//! [`Resource`] (its ARN, its tags as `aws:ResourceTag/*`), with AWS's `AccessDenied` texts.
//! Account roots may do everything in their own account, and nothing in another, as in AWS.
//!
//! AssumeRole's two-sided decision (trust policy and caller policies) is built here too, from
//! the same context, so that every decision comes from one place.

mod context;

use rolegate_policy::{
    Decision, MatchedStatement, Policy, PolicySet, PolicyType, Request, authorize,
};
use rolegate_protocol::AwsError;

pub use context::RequestFacts;

use crate::authenticate::Caller;

/// A decision as the audit log records it.
#[derive(Debug, Clone)]
pub struct DecisionRecord {
    pub action: String,
    pub resource: String,
    pub decision: Decision,
    /// `policy-type#index/statement` of the statements that decided.
    pub matched: Vec<String>,
}

/// `identity[0].Statement[1]`, or `identity[0].Sid` for a statement with a `Sid`; written
/// piece by piece, as this runs on every decision.
fn describe(matched: &[MatchedStatement]) -> Vec<String> {
    matched
        .iter()
        .map(|m| {
            let mut text = String::with_capacity(32);
            text.push_str(m.policy_type.as_str());
            text.push('[');
            text.push_str(itoa::Buffer::new().format(m.policy_index));
            text.push_str("].");
            match &m.sid {
                Some(sid) => text.push_str(sid),
                None => {
                    text.push_str("Statement[");
                    text.push_str(itoa::Buffer::new().format(m.statement_index));
                    text.push(']');
                }
            }
            text
        })
        .collect()
}

/// The engine request for `caller` doing `action` on `resource`.
pub fn request_for(caller: &Caller, facts: &RequestFacts, action: &str, resource: &str) -> Request {
    let mut request = Request::new(caller.principal.clone(), action, resource);
    request.principal_id = caller.principal_id.clone();
    request.context = context::caller_context(caller, facts);
    request
}

/// The caller's own permission set (no resource-based policy).
pub fn caller_policies(caller: &Caller) -> PolicySet {
    PolicySet {
        identity: caller.identity_policies.clone(),
        permission_boundaries: caller.boundary.clone(),
        session: caller.session_policies.clone(),
        ..PolicySet::default()
    }
}

/// Decides `request` for `caller` with `resource_policies` (a role's trust policy) added.
pub fn decide(caller: &Caller, request: &Request, resource_policies: &[Policy]) -> DecisionRecord {
    decide_with_reason(caller, request, resource_policies).0
}

fn decide_with_reason(
    caller: &Caller,
    request: &Request,
    resource_policies: &[Policy],
) -> (DecisionRecord, Option<PolicyType>) {
    let mut set = caller_policies(caller);
    set.resource = resource_policies.to_vec();
    let response = authorize(request, &set);
    let record = DecisionRecord {
        action: request.action.clone(),
        resource: request.resource.clone(),
        decision: response.decision,
        matched: describe(&response.matched),
    };
    (record, response.denied_by)
}

/// What an IAM permission is checked against: the resource's ARN (what policies match), how
/// AWS's `AccessDenied` names it, and its tags (`aws:ResourceTag/*`).
#[derive(Debug, Clone)]
pub struct Resource {
    pub arn: String,
    /// `role Deploy`, `user alice`, `policy arn:…`: AWS names an existing user, role or policy
    /// this way; anything else by its ARN.
    pub shown: Option<String>,
    pub tags: Vec<(String, String)>,
}

impl Resource {
    /// A resource named by its ARN, without tags (one being created, or a listing).
    pub fn arn(arn: impl Into<String>) -> Self {
        Self {
            arn: arn.into(),
            shown: None,
            tags: Vec::new(),
        }
    }

    /// An existing resource, shown as `{kind} {name}` and carrying its tags.
    pub fn existing(
        arn: impl Into<String>,
        shown: impl Into<String>,
        tags: &[rolegate_store::Tag],
    ) -> Self {
        Self {
            arn: arn.into(),
            shown: Some(shown.into()),
            tags: tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect(),
        }
    }

    fn shown(&self) -> &str {
        self.shown.as_deref().unwrap_or(&self.arn)
    }
}

/// The account a resource ARN belongs to (`None` for `*` and other non-ARNs).
fn resource_account(resource: &str) -> Option<&str> {
    let rest = resource.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let (_partition, _service, _region) = (parts.next()?, parts.next()?, parts.next()?);
    parts.next().filter(|account| !account.is_empty())
}

/// AWS-managed resources (`arn:aws:iam::aws:policy/…`) live in the account `aws`: anyone may
/// read them with an identity grant, nobody may change them.
const AWS_OWNED: &str = "aws";

fn is_read_only_action(action: &str) -> bool {
    action
        .split_once(':')
        .is_some_and(|(_, name)| name.starts_with("Get") || name.starts_with("List"))
}

/// Checks an identity-based permission (IAM actions). Roots are allowed in their own account;
/// everyone else needs a policy that allows `action` on `resource`. A resource in another
/// account is never reachable this way: IAM resources have no resource-based policies, so the
/// engine's cross-account rule (both sides must grant) refuses it, for roots too.
/// `context` adds the action's own condition keys (`iam:AWSServiceName`).
pub fn require(
    caller: &Caller,
    facts: &RequestFacts,
    action: &str,
    resource: &Resource,
    context: &[(&str, &str)],
) -> (DecisionRecord, Result<(), AwsError>) {
    let owner = resource_account(&resource.arn);
    let foreign = owner.is_some_and(|owner| {
        owner != caller.account.id && !(owner == AWS_OWNED && is_read_only_action(action))
    });
    if caller.is_root() && !foreign {
        let record = DecisionRecord {
            action: action.to_owned(),
            resource: resource.arn.clone(),
            decision: Decision::Allowed,
            matched: vec!["account-root".to_owned()],
        };
        return (record, Ok(()));
    }
    let mut request = request_for(caller, facts, action, &resource.arn);
    if owner == Some(AWS_OWNED) && !foreign {
        // Reading an AWS-managed policy is decided by the caller's identity policies alone.
        request.resource_account = Some(caller.account.id.clone());
    }
    for (key, value) in &resource.tags {
        request
            .context
            .insert(format!("aws:ResourceTag/{key}"), value.clone());
    }
    for (key, value) in context {
        request.context.insert(*key, *value);
    }
    let (record, denied_by) = decide_with_reason(caller, &request, &[]);
    let result = match record.decision {
        Decision::Allowed => Ok(()),
        decision => {
            let layer = if foreign {
                PolicyType::Resource
            } else {
                denied_by.unwrap_or(PolicyType::Identity)
            };
            let reason = Denial {
                explicit: decision == Decision::ExplicitlyDenied,
                layer,
            };
            Err(AwsError::access_denied(format!(
                "User: {} is not authorized to perform: {action} on resource: {} {}",
                caller.arn,
                resource.shown(),
                reason.text(action)
            )))
        }
    };
    (record, result)
}

/// Why a request was denied, as AWS's message puts it.
struct Denial {
    explicit: bool,
    layer: PolicyType,
}

impl Denial {
    /// `because no identity-based policy allows the iam:GetRole action`, or `with an explicit
    /// deny in a session policy` (IAM User Guide, "Troubleshoot access denied error messages").
    fn text(&self, action: &str) -> String {
        let kind = match self.layer {
            PolicyType::Identity => "identity-based policy",
            PolicyType::PermissionsBoundary => "permissions boundary",
            PolicyType::Session => "session policy",
            PolicyType::Scp => "service control policy",
            PolicyType::Rcp => "resource control policy",
            PolicyType::Resource | PolicyType::Trust => "resource-based policy",
        };
        if self.explicit {
            let article = if self.layer == PolicyType::Identity {
                "an"
            } else {
                "a"
            };
            format!("with an explicit deny in {article} {kind}")
        } else {
            format!("because no {kind} allows the {action} action")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denials_are_worded_as_aws_words_them() {
        let implicit = |layer| {
            Denial {
                explicit: false,
                layer,
            }
            .text("iam:GetRole")
        };
        assert_eq!(
            implicit(PolicyType::Identity),
            "because no identity-based policy allows the iam:GetRole action"
        );
        assert_eq!(
            implicit(PolicyType::PermissionsBoundary),
            "because no permissions boundary allows the iam:GetRole action"
        );
        assert_eq!(
            implicit(PolicyType::Resource),
            "because no resource-based policy allows the iam:GetRole action"
        );
        let explicit = |layer| {
            Denial {
                explicit: true,
                layer,
            }
            .text("iam:GetRole")
        };
        assert_eq!(
            explicit(PolicyType::Identity),
            "with an explicit deny in an identity-based policy"
        );
        assert_eq!(
            explicit(PolicyType::Session),
            "with an explicit deny in a session policy"
        );
    }

    #[test]
    fn resource_accounts_come_from_the_arn() {
        assert_eq!(
            resource_account("arn:aws:iam::111122223333:role/x"),
            Some("111122223333")
        );
        assert_eq!(
            resource_account("arn:aws:iam::aws:policy/ReadOnlyAccess"),
            Some("aws")
        );
        assert_eq!(resource_account("*"), None);
        assert_eq!(resource_account("arn:aws:s3:::bucket"), None);
    }
}
