//! One policy against one request: which statements apply, and what the policy alone says
//! (an applicable `Deny` wins over an `Allow`; nothing applicable is "not applicable").
//! STS uses this for trust policies; [`crate::authorize`] combines many.

use crate::ast::Effect;
use crate::context::Request;
use crate::env::Env;
use crate::policy::Policy;
use crate::principal::PrincipalMatch;

/// What one policy says about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyDecision {
    /// An `Allow` statement applies and no `Deny` does.
    Allow,
    /// A `Deny` statement applies.
    Deny,
    /// No statement applies.
    NotApplicable,
}

/// A statement that applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementMatch {
    /// Its index in the document.
    pub statement_index: usize,
    /// Its `Sid`.
    pub sid: Option<String>,
    /// Its effect.
    pub effect: Effect,
    /// How its `Principal`/`NotPrincipal` named the caller (`None` without one).
    pub principal: Option<PrincipalMatch>,
}

/// The outcome of [`evaluate_policy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyOutcome {
    /// The policy's own answer.
    pub decision: PolicyDecision,
    /// Every statement that applied, in document order.
    pub matched: Vec<StatementMatch>,
    /// Condition keys (as written in the policy) that the request lacked.
    pub missing_context: Vec<String>,
}

impl PolicyOutcome {
    /// Whether an applicable `Allow` statement exists (even if a `Deny` also applies).
    pub fn has_allow(&self) -> bool {
        self.matched.iter().any(|m| m.effect == Effect::Allow)
    }

    /// Whether an applicable `Deny` statement exists.
    pub fn has_deny(&self) -> bool {
        self.decision == PolicyDecision::Deny
    }
}

/// Evaluates one policy against a request.
pub fn evaluate_policy(policy: &Policy, request: &Request) -> PolicyOutcome {
    evaluate_in(policy, &Env::new(request))
}

pub(crate) fn evaluate_in(policy: &Policy, env: &Env<'_>) -> PolicyOutcome {
    let mut missing_context = Vec::new();
    let matched = policy.compiled().applicable(env, &mut missing_context);
    let decision = if matched.iter().any(|m| m.effect == Effect::Deny) {
        PolicyDecision::Deny
    } else if matched.is_empty() {
        PolicyDecision::NotApplicable
    } else {
        PolicyDecision::Allow
    };
    PolicyOutcome {
        decision,
        matched,
        missing_context,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PolicyType;

    fn policy(text: &str, ty: PolicyType) -> Policy {
        Policy::parse(text, ty).unwrap()
    }

    #[test]
    fn deny_wins_inside_a_policy() {
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":[
                {"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},
                {"Sid":"D","Effect":"Deny","Action":"s3:Delete*","Resource":"arn:aws:s3:::b/*"}]}"#,
            PolicyType::Identity,
        );
        let user = "arn:aws:iam::111122223333:user/u";
        let get = evaluate_policy(&p, &Request::new(user, "s3:GetObject", "arn:aws:s3:::b/k"));
        assert_eq!(get.decision, PolicyDecision::Allow);
        assert_eq!(get.matched.len(), 1);
        let del = evaluate_policy(
            &p,
            &Request::new(user, "S3:DeleteObject", "arn:aws:s3:::b/k"),
        );
        assert_eq!(del.decision, PolicyDecision::Deny);
        assert_eq!(
            del.matched
                .iter()
                .map(|m| m.sid.as_deref().unwrap())
                .collect::<Vec<_>>(),
            ["A", "D"]
        );
        let other = evaluate_policy(&p, &Request::new(user, "ec2:RunInstances", "*"));
        assert_eq!(other.decision, PolicyDecision::NotApplicable);
    }

    #[test]
    fn not_action_and_not_resource() {
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"}}"#,
            PolicyType::Identity,
        );
        let user = "arn:aws:iam::111122223333:user/u";
        assert_eq!(
            evaluate_policy(&p, &Request::new(user, "s3:GetObject", "arn:aws:s3:::b/k")).decision,
            PolicyDecision::Allow
        );
        assert_eq!(
            evaluate_policy(&p, &Request::new(user, "iam:CreateUser", "*")).decision,
            PolicyDecision::NotApplicable
        );
        assert_eq!(
            evaluate_policy(
                &p,
                &Request::new(user, "s3:GetObject", "arn:aws:s3:::secret/k")
            )
            .decision,
            PolicyDecision::NotApplicable
        );
    }

    #[test]
    fn trust_policy_with_external_id() {
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},
                "Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"secret"}}}}"#,
            PolicyType::Trust,
        );
        let mut r = Request::new(
            "arn:aws:iam::444455556666:user/u",
            "sts:AssumeRole",
            "arn:aws:iam::111122223333:role/R",
        );
        let outcome = evaluate_policy(&p, &r);
        assert_eq!(outcome.decision, PolicyDecision::NotApplicable);
        assert_eq!(outcome.missing_context, ["sts:ExternalId"]);
        r.context.insert("sts:ExternalId", "secret");
        let outcome = evaluate_policy(&p, &r);
        assert_eq!(outcome.decision, PolicyDecision::Allow);
        assert_eq!(outcome.matched[0].principal, Some(PrincipalMatch::Account));
        let stranger = Request::new(
            "arn:aws:iam::777788889999:user/u",
            "sts:AssumeRole",
            "arn:aws:iam::111122223333:role/R",
        );
        assert_eq!(
            evaluate_policy(&p, &stranger).decision,
            PolicyDecision::NotApplicable
        );
    }

    #[test]
    fn resource_variables() {
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}}"#,
            PolicyType::Identity,
        );
        let alice = Request::new(
            "arn:aws:iam::111122223333:user/alice",
            "s3:GetObject",
            "arn:aws:s3:::home/alice/x",
        );
        assert_eq!(evaluate_policy(&p, &alice).decision, PolicyDecision::Allow);
        let bob = Request::new(
            "arn:aws:iam::111122223333:user/bob",
            "s3:GetObject",
            "arn:aws:s3:::home/alice/x",
        );
        assert_eq!(
            evaluate_policy(&p, &bob).decision,
            PolicyDecision::NotApplicable
        );
        let session = Request::new(
            "arn:aws:sts::111122223333:assumed-role/R/s",
            "s3:GetObject",
            "arn:aws:s3:::home/alice/x",
        );
        assert_eq!(
            evaluate_policy(&p, &session).decision,
            PolicyDecision::NotApplicable,
            "no aws:username: no match"
        );
    }

    #[test]
    fn old_language_has_no_variables() {
        let p = Policy::parse(
            r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"}}"#,
            PolicyType::Resource,
        )
        .unwrap();
        let literal = Request::new(
            "arn:aws:iam::111122223333:user/alice",
            "s3:GetObject",
            "arn:aws:s3:::b/${aws:username}",
        );
        assert_eq!(
            evaluate_policy(&p, &literal).decision,
            PolicyDecision::Allow
        );
        let alice = Request::new(
            "arn:aws:iam::111122223333:user/alice",
            "s3:GetObject",
            "arn:aws:s3:::b/alice",
        );
        assert_eq!(
            evaluate_policy(&p, &alice).decision,
            PolicyDecision::NotApplicable
        );
    }
}
