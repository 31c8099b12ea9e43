//! Authorize: the request context (`aws:*` keys) and the policy engine's decision for the
//! caller's identity-based permissions (identity ∩ boundary ∩ session policies). Account roots
//! may do everything in their own account, as in AWS.
//!
//! AssumeRole's two-sided decision (trust policy and caller policies) is built here too, from
//! the same context, so that every decision comes from one place.

mod context;

use rolegate_policy::{Decision, MatchedStatement, Policy, PolicySet, Request, authorize};
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
    let mut set = caller_policies(caller);
    set.resource = resource_policies.to_vec();
    let response = authorize(request, &set);
    DecisionRecord {
        action: request.action.clone(),
        resource: request.resource.clone(),
        decision: response.decision,
        matched: describe(&response.matched),
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
pub fn require(
    caller: &Caller,
    facts: &RequestFacts,
    action: &str,
    resource: &str,
) -> (DecisionRecord, Result<(), AwsError>) {
    let owner = resource_account(resource);
    let foreign = owner.is_some_and(|owner| {
        owner != caller.account.id && !(owner == AWS_OWNED && is_read_only_action(action))
    });
    if caller.is_root() && !foreign {
        let record = DecisionRecord {
            action: action.to_owned(),
            resource: resource.to_owned(),
            decision: Decision::Allowed,
            matched: vec!["account-root".to_owned()],
        };
        return (record, Ok(()));
    }
    let mut request = request_for(caller, facts, action, resource);
    if owner == Some(AWS_OWNED) && !foreign {
        // Reading an AWS-managed policy is decided by the caller's identity policies alone.
        request.resource_account = Some(caller.account.id.clone());
    }
    let record = decide(caller, &request, &[]);
    let result = match record.decision {
        Decision::Allowed => Ok(()),
        _ if foreign => Err(AwsError::not_authorized_cross_account(
            &caller.arn,
            action,
            resource,
        )),
        _ => Err(AwsError::not_authorized(&caller.arn, action, resource)),
    };
    (record, result)
}
