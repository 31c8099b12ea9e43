//! The decision across every policy that applies to a request, following the IAM User Guide's
//! "Policy evaluation logic" (single account and cross-account):
//!
//! 1. An applicable `Deny` in any policy (identity, resource, boundary, session, any SCP or RCP
//!    level) denies.
//! 2. Every SCP level must allow (an empty level allows nothing). No levels: no SCPs in play.
//!    SCPs do not restrict anonymous callers or service principals.
//! 3. RCPs only deny: `RCPFullAWSAccess` is attached to every level and cannot be detached, so an
//!    RCP level never denies implicitly (its `Allow` statements are ignored).
//! 4. Identity-based and resource-based policies:
//!    - same account: either grants. A resource-based grant to the account (`root`/account id)
//!      only delegates to the account's identity policies and grants nothing by itself. The
//!      permissions boundary and session policies limit identity grants, and resource grants
//!      that name the role (for a role session); a grant naming the IAM user, the session itself
//!      or `*` is not limited by them. The account root user needs no identity policy. For
//!      `sts:AssumeRole*`, `sts:TagSession`, `sts:SetSourceIdentity` and `sts:SetContext` on a
//!      role, and for KMS keys, the resource policy must grant (identity policies count only
//!      through a grant to the account);
//!    - a `Deny` with `NotPrincipal` in a resource policy always applies to a caller that has a
//!      permissions boundary;
//!    - cross-account: both must grant, and boundary and session policies must allow;
//!    - anonymous callers, service principals and federation providers have no identity
//!      policies: a resource-based grant decides.
//! 5. Nothing granted: implicit deny.
//!
//! `sts:GetCallerIdentity` needs no permission and cannot be denied (STS API reference).

use crate::ast::Effect;
use crate::context::Request;
use crate::env::Env;
use crate::evaluate::{PolicyOutcome, StatementMatch, evaluate_in};
use crate::policy::{Policy, PolicyType};
use crate::principal::{CallerKind, PrincipalMatch};

/// The policies in play for one request, by type.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    /// The caller's identity-based policies (inline and managed, user's groups included).
    pub identity: Vec<Policy>,
    /// Resource-based policies of the resource (a role's trust policy for `sts:AssumeRole`).
    pub resource: Vec<Policy>,
    /// The caller's permissions boundary (one policy in AWS; several are read as one).
    pub permission_boundaries: Vec<Policy>,
    /// Session policies of the caller's session.
    pub session: Vec<Policy>,
    /// SCPs of the caller's account, one list per level (root, OUs, account).
    pub scps: Vec<Vec<Policy>>,
    /// RCPs of the resource's account, one list per level.
    pub rcps: Vec<Vec<Policy>>,
}

/// The final answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Granted, and nothing denies.
    Allowed,
    /// An applicable `Deny` statement.
    ExplicitlyDenied,
    /// Nothing grants (or a required layer does not).
    ImplicitlyDenied,
}

impl Decision {
    /// `Allowed`, `ExplicitlyDenied` or `ImplicitlyDenied`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "Allowed",
            Decision::ExplicitlyDenied => "ExplicitlyDenied",
            Decision::ImplicitlyDenied => "ImplicitlyDenied",
        }
    }
}

/// A statement that took part in the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedStatement {
    /// The kind of policy it is in.
    pub policy_type: PolicyType,
    /// The policy's index in its list of the [`PolicySet`] (within its level for SCPs/RCPs).
    pub policy_index: usize,
    /// The SCP/RCP level, for organization policies.
    pub level: Option<usize>,
    /// The statement's index in its document.
    pub statement_index: usize,
    /// The statement's `Sid`.
    pub sid: Option<String>,
    /// Its effect.
    pub effect: Effect,
}

/// The answer with its reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The decision.
    pub decision: Decision,
    /// For `ExplicitlyDenied`, every applicable `Deny`; for `Allowed`, the `Allow` statements
    /// that granted (identity and resource) and that let it through (boundary, session, SCPs);
    /// for `ImplicitlyDenied`, none.
    pub matched: Vec<MatchedStatement>,
    /// Condition keys the request lacked, for statements that otherwise applied (sorted, unique).
    pub missing_context: Vec<String>,
    /// For a denial, the kind of policy that decided it: the one with the first applicable
    /// `Deny`, or the first layer that had to allow and did not (what AWS's AccessDenied
    /// message names: "because no identity-based policy allows…"). `None` when allowed.
    pub denied_by: Option<PolicyType>,
}

struct Evaluated {
    policy_type: PolicyType,
    index: usize,
    level: Option<usize>,
    outcome: PolicyOutcome,
}

impl Evaluated {
    fn reason(&self, m: &StatementMatch) -> MatchedStatement {
        MatchedStatement {
            policy_type: self.policy_type,
            policy_index: self.index,
            level: self.level,
            statement_index: m.statement_index,
            sid: m.sid.clone(),
            effect: m.effect,
        }
    }

    fn statements(&self, effect: Effect) -> impl Iterator<Item = MatchedStatement> + '_ {
        self.outcome
            .matched
            .iter()
            .filter(move |m| m.effect == effect)
            .map(|m| self.reason(m))
    }
}

/// Decides `request` against every policy in `policies`.
pub fn authorize(request: &Request, policies: &PolicySet) -> Response {
    if request.action.eq_ignore_ascii_case("sts:GetCallerIdentity") {
        return Response {
            decision: Decision::Allowed,
            matched: Vec::new(),
            missing_context: Vec::new(),
            denied_by: None,
        };
    }
    let mut env = Env::new(request);
    env.boundary_attached = !policies.permission_boundaries.is_empty();
    let env = env;
    let run = |list: &[Policy], level: Option<usize>| -> Vec<Evaluated> {
        list.iter()
            .enumerate()
            .map(|(index, p)| Evaluated {
                policy_type: p.policy_type(),
                index,
                level,
                outcome: evaluate_in(p, &env),
            })
            .collect()
    };
    let identity = run(&policies.identity, None);
    let resource = run(&policies.resource, None);
    let boundaries = run(&policies.permission_boundaries, None);
    let session = run(&policies.session, None);
    // SCPs restrict the principals of the organization's accounts; anonymous callers and
    // service principals are not such principals, so no SCP applies to them.
    let scps: Vec<Vec<Evaluated>> = if env.caller.has_identity_policies() {
        policies
            .scps
            .iter()
            .enumerate()
            .map(|(l, level)| run(level, Some(l)))
            .collect()
    } else {
        Vec::new()
    };
    let rcps: Vec<Vec<Evaluated>> = policies
        .rcps
        .iter()
        .enumerate()
        .map(|(l, level)| run(level, Some(l)))
        .collect();

    let all = || {
        identity
            .iter()
            .chain(&resource)
            .chain(&boundaries)
            .chain(&session)
            .chain(scps.iter().flatten())
            .chain(rcps.iter().flatten())
    };
    let mut missing_context: Vec<String> = all()
        .flat_map(|e| e.outcome.missing_context.iter().cloned())
        .collect();
    missing_context.sort();
    missing_context.dedup();

    let denies: Vec<MatchedStatement> = all().flat_map(|e| e.statements(Effect::Deny)).collect();
    if let Some(first) = denies.first() {
        return Response {
            decision: Decision::ExplicitlyDenied,
            denied_by: Some(first.policy_type),
            matched: denies,
            missing_context,
        };
    }
    let implicit = |missing_context, layer| Response {
        decision: Decision::ImplicitlyDenied,
        matched: Vec::new(),
        missing_context,
        denied_by: Some(layer),
    };

    let caller = &env.caller;
    // 2. Every SCP level must allow.
    if scps
        .iter()
        .any(|level| !level.iter().any(|e| e.outcome.has_allow()))
    {
        return implicit(missing_context, PolicyType::Scp);
    }

    // 4. Identity and resource.
    let same_account = match env.resource_account() {
        Some(account) => caller.account == Some(account),
        None => true,
    };
    // The account root user has full access to its own account's resources.
    let root_of_resource_account = caller.kind == CallerKind::Account && same_account;
    let identity_allows =
        root_of_resource_account || identity.iter().any(|e| e.outcome.has_allow());
    let boundary_allows = boundaries.is_empty() || boundaries.iter().any(|e| e.outcome.has_allow());
    let session_allows = session.is_empty() || session.iter().any(|e| e.outcome.has_allow());
    let limits_pass = boundary_allows && session_allows;
    let identity_grants = identity_allows && limits_pass;
    let resource_grants: Vec<(PrincipalMatch, MatchedStatement)> = resource
        .iter()
        .flat_map(|e| {
            e.outcome
                .matched
                .iter()
                .filter(|m| m.effect == Effect::Allow)
                .map(move |m| (m.principal.unwrap_or(PrincipalMatch::Wildcard), e.reason(m)))
        })
        .collect();

    let mut granted_by_resource: Vec<MatchedStatement> = Vec::new();
    let granted = if !caller.has_identity_policies() {
        granted_by_resource = resource_grants.into_iter().map(|(_, s)| s).collect();
        !granted_by_resource.is_empty()
    } else if same_account {
        for (how, statement) in resource_grants {
            let counts = match how {
                // A grant to the account delegates to the account's identity policies.
                PrincipalMatch::Account => identity_grants,
                // A grant naming the role is limited like the role's own permissions.
                PrincipalMatch::Role => limits_pass,
                PrincipalMatch::Exact if caller.kind == CallerKind::Role => limits_pass,
                // A grant naming the caller itself (its user, session or federated-user ARN),
                // or everyone, is not limited by its boundary or session policies.
                PrincipalMatch::Exact | PrincipalMatch::Wildcard | PrincipalMatch::NotPrincipal => {
                    true
                }
            };
            if counts {
                granted_by_resource.push(statement);
            }
        }
        if resource_policy_required(request) {
            // Role trust policies and KMS key policies must themselves allow: identity
            // policies alone never grant (a grant to the account admits identity grants).
            !granted_by_resource.is_empty()
        } else {
            identity_grants || !granted_by_resource.is_empty()
        }
    } else {
        granted_by_resource = resource_grants.into_iter().map(|(_, s)| s).collect();
        identity_grants && !granted_by_resource.is_empty()
    };
    if !granted {
        let resource_type = policies
            .resource
            .first()
            .map_or(PolicyType::Resource, Policy::policy_type);
        let layer = if !caller.has_identity_policies()
            || (same_account && resource_policy_required(request))
            || (!same_account && identity_grants)
        {
            resource_type
        } else if !identity_allows {
            PolicyType::Identity
        } else if !boundary_allows {
            PolicyType::PermissionsBoundary
        } else if !session_allows {
            PolicyType::Session
        } else {
            resource_type
        };
        return implicit(missing_context, layer);
    }

    let mut matched: Vec<MatchedStatement> = Vec::new();
    if identity_allows {
        matched.extend(identity.iter().flat_map(|e| e.statements(Effect::Allow)));
    }
    matched.extend(granted_by_resource);
    matched.extend(
        boundaries
            .iter()
            .chain(&session)
            .chain(scps.iter().flatten())
            .flat_map(|e| e.statements(Effect::Allow)),
    );
    Response {
        decision: Decision::Allowed,
        matched,
        missing_context,
        denied_by: None,
    }
}

/// Requests where the resource's own policy must grant access even within one account: assuming
/// a role and the actions that go with it (tagging the session, setting its source identity or
/// context), which only the role's trust policy grants (IAM User Guide, "Roles terms and
/// concepts", "Passing session tags in AWS STS", "Monitor and control actions taken with
/// assumed roles"), and using a KMS key (its key policy, KMS Developer Guide "Key policies").
fn resource_policy_required(request: &Request) -> bool {
    let action = request.action.as_str();
    let Some((service, name)) = action.split_once(':') else {
        return false;
    };
    let Some(resource) = crate::principal::split_arn(&request.resource) else {
        return false;
    };
    let trust_action = service.eq_ignore_ascii_case("sts")
        && crate::TRUST_ACTIONS
            .iter()
            .filter_map(|a| a.strip_prefix("sts:"))
            .any(|a| name.eq_ignore_ascii_case(a));
    (trust_action && resource.service == "iam" && resource.resource.starts_with("role/"))
        || (resource.service == "kms" && resource.resource.starts_with("key/"))
}
