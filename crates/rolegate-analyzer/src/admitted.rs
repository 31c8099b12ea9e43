//! TP035, who can assume a role: the admitted set as a finite union of entries, one per trusted
//! principal value of each Allow statement, each with the conditions that still apply, the Deny
//! statements that carve it, and one engine-checked witness.
//!
//! The entries' cubes are exact: a request is admitted by the engine iff some entry's cubes
//! contain it (`tests/properties.rs` checks this on random requests).

use rolegate_policy::ast::{
    Effect, Principal, PrincipalBlock, PrincipalEntry, PrincipalKind, Statement,
};
use rolegate_policy::{PolicyDecision, Request};
use serde::Serialize;

use crate::compile::{Space, TRUST_ACTIONS};
use crate::issuers::{IssuerBase, provider_url};
use crate::lint::{LintOptions, arn_account};
use crate::model::{TrustPolicy, principal_values};
use crate::symbolic::{ACTION_KEY, CubeSet};
use crate::witness::{Hints, Witness, find};

/// One part of the admitted set.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// The Allow statement it comes from.
    pub statement: usize,
    /// `AWS`, `Service`, `Federated`, `CanonicalUser`, `*` (everyone) or `NotPrincipal`.
    pub principal_kind: String,
    /// The principal value as written.
    pub principal: String,
    /// The account (AWS), issuer (Federated) or service the entry is about.
    pub scope: String,
    /// The assume actions the entry may call.
    pub actions: Vec<String>,
    /// The conditions that still apply, as written in the statement.
    pub conditions: Vec<String>,
    /// Deny statements that remove part of the entry.
    pub except_denied_by: Vec<usize>,
    /// A request in the entry that the engine allows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<Witness>,
    /// The exact language of the entry.
    #[serde(skip)]
    pub cubes: CubeSet,
}

/// The whole admitted set.
#[derive(Clone, Debug, Serialize)]
pub struct AdmittedSet {
    pub source: String,
    pub entries: Vec<Entry>,
}

impl AdmittedSet {
    /// Whether a concrete request (derived principal keys in its context) is in the set.
    pub fn admits(&self, request: &Request) -> bool {
        self.entries.iter().any(|e| e.cubes.admits(request))
    }
}

/// A copy of `statement` that names only one principal value (or the whole block if negated).
pub(crate) fn narrowed(
    statement: &Statement,
    kind: Option<PrincipalKind>,
    value: &str,
) -> Statement {
    let mut s = statement.clone();
    if let (Some(kind), Some(block)) = (kind, &statement.principal)
        && !block.negated
    {
        s.principal = Some(PrincipalBlock {
            negated: false,
            principal: Principal::Specified(vec![PrincipalEntry {
                kind,
                values: vec![value.to_owned()],
            }]),
        });
    }
    s
}

/// The (statement, principal label, cubes) parts of what `policy` admits.
/// One part of an admitted set: (Allow statement, principal kind, principal value, the exact
/// language left after Deny statements, the Deny statements that carved it).
pub(crate) type Part = (usize, Option<PrincipalKind>, String, CubeSet, Vec<usize>);

pub(crate) fn parts(space: &Space, policy: &TrustPolicy) -> Vec<Part> {
    let compiled = space.compile(policy);
    let mut out = Vec::new();
    for (index, statement) in policy.statements() {
        if statement.effect != Effect::Allow {
            continue;
        }
        let labels: Vec<(Option<PrincipalKind>, String)> = match &statement.principal {
            Some(block) if block.negated => vec![(None, "NotPrincipal".to_owned())],
            _ => principal_values(statement)
                .into_iter()
                .map(|(k, v)| (k, v.to_owned()))
                .collect(),
        };
        for (kind, value) in labels {
            let cubes = space.statement_cubes(&narrowed(statement, kind, &value));
            let mut remaining = cubes.clone();
            let mut carved = Vec::new();
            for (deny_index, deny) in &compiled.denies {
                let next = remaining.minus(deny, space);
                let overlaps = remaining
                    .cubes
                    .iter()
                    .any(|c| deny.cubes.iter().any(|d| c.intersect(d).is_some()));
                if overlaps {
                    carved.push(*deny_index);
                }
                remaining = next;
            }
            out.push((index, kind, value, remaining, carved));
        }
    }
    out
}

/// Enumerates who can assume the role whose trust policy is `policy`.
pub fn who_can_assume(policy: &TrustPolicy, options: &LintOptions) -> AdmittedSet {
    let space = Space::new();
    let role = options.role_arn_or_default();
    let mut entries = Vec::new();
    for (index, kind, value, cubes, carved) in parts(&space, policy) {
        if cubes.cubes.is_empty() {
            continue;
        }
        let Some(statement) = policy.document().statements.get(index) else {
            continue;
        };
        let hints = Hints::default();
        let witness = cubes.cubes.iter().find_map(|cube| {
            find(&space, cube, &hints, &mut |w: &Witness| {
                w.decision(policy, &role) == PolicyDecision::Allow
            })
        });
        let actions = TRUST_ACTIONS
            .iter()
            .filter(|a| {
                cubes
                    .cubes
                    .iter()
                    .any(|c| c.key(ACTION_KEY).is_none_or(|k| k.all.accepts(a)))
            })
            .map(|a| (*a).to_owned())
            .collect();
        entries.push(Entry {
            statement: index,
            principal_kind: kind.map_or_else(
                || {
                    if value == "NotPrincipal" {
                        "NotPrincipal".to_owned()
                    } else {
                        "*".to_owned()
                    }
                },
                |k| k.as_str().to_owned(),
            ),
            scope: scope(kind, &value),
            principal: value,
            actions,
            conditions: describe_conditions(statement),
            except_denied_by: carved,
            witness,
            cubes,
        });
    }
    AdmittedSet {
        source: policy.source.clone(),
        entries,
    }
}

/// What an entry is about: an account, an issuer or a service.
pub fn scope(kind: Option<PrincipalKind>, value: &str) -> String {
    match kind {
        Some(PrincipalKind::Aws) if value == "*" => "any AWS account".to_owned(),
        Some(PrincipalKind::Aws) if rolegate_types::AccountId::is_valid(value) => {
            format!("account {value}")
        }
        Some(PrincipalKind::Aws) => match arn_account(value) {
            Some(account) => format!("account {account}"),
            None => format!("unique id {value}"),
        },
        Some(PrincipalKind::Federated) => match provider_url(value) {
            Some(url) => match IssuerBase::builtin().by_url(url) {
                Some(issuer) => format!("{} ({url})", issuer.name),
                None => format!("issuer {url}"),
            },
            None => format!("SAML provider {value}"),
        },
        Some(PrincipalKind::Service) => format!("service {value}"),
        Some(PrincipalKind::CanonicalUser) => format!("canonical user {value}"),
        None if value == "NotPrincipal" => "everyone not named".to_owned(),
        None => "everyone".to_owned(),
    }
}

/// A statement's conditions, one line each: `StringLike token…:sub ∈ [repo:acme/*]`.
pub fn describe_conditions(statement: &Statement) -> Vec<String> {
    statement
        .conditions
        .iter()
        .map(|c| format!("{} {} = [{}]", c.operator, c.key, c.values.join(", ")))
        .collect()
}
