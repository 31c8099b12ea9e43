//! TP036, the semantic trust diff: which requests a new version of a trust policy admits that the
//! old one did not (gained) and the reverse (lost), each with a witness the engine confirms.
//!
//! Gained = admitted(new) minus admitted(old), computed per entry of the new policy over the exact
//! cube languages; lost is the mirror image. Reordering statements or rewriting a pattern into an
//! equivalent one therefore shows no change.

use rolegate_policy::ast::PrincipalKind;
use rolegate_policy::{PolicyDecision, Request};
use serde::Serialize;

use crate::admitted::{describe_conditions, parts, scope};
use crate::compile::Space;
use crate::lint::LintOptions;
use crate::model::TrustPolicy;
use crate::symbolic::CubeSet;
use crate::witness::{Hints, Witness, find};

/// A part of the trust that changed.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// The statement (in the policy that admits the access) it comes from.
    pub statement: usize,
    pub principal_kind: String,
    pub principal: String,
    pub scope: String,
    /// The conditions of that statement.
    pub conditions: Vec<String>,
    /// A request that shows the change (allowed by one version, not by the other).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<Witness>,
    /// The exact language of the change.
    #[serde(skip)]
    pub cubes: CubeSet,
}

/// Gained and lost access between two versions.
#[derive(Clone, Debug, Serialize)]
pub struct TrustDiff {
    pub old: String,
    pub new: String,
    pub gained: Vec<Change>,
    pub lost: Vec<Change>,
}

impl TrustDiff {
    /// Whether the new version admits anything the old did not.
    pub fn gains_access(&self) -> bool {
        !self.gained.is_empty()
    }

    /// Whether a concrete request is in the gained set.
    pub fn gained_admits(&self, request: &Request) -> bool {
        self.gained.iter().any(|c| c.cubes.admits(request))
    }

    /// Whether a concrete request is in the lost set.
    pub fn lost_admits(&self, request: &Request) -> bool {
        self.lost.iter().any(|c| c.cubes.admits(request))
    }
}

/// Compares two versions of a role's trust policy.
pub fn diff(old: &TrustPolicy, new: &TrustPolicy, options: &LintOptions) -> TrustDiff {
    let space = Space::new();
    let role = options.role_arn_or_default();
    TrustDiff {
        old: old.source.clone(),
        new: new.source.clone(),
        gained: changes(&space, new, old, &role),
        lost: changes(&space, old, new, &role),
    }
}

/// What `from` admits that `against` does not, per entry of `from`.
fn changes(space: &Space, from: &TrustPolicy, against: &TrustPolicy, role: &str) -> Vec<Change> {
    let against_parts = parts(space, against);
    let mut out = Vec::new();
    for (index, kind, value, cubes, _) in parts(space, from) {
        let mut left = cubes;
        for (_, _, _, other, _) in &against_parts {
            left = left.minus(other, space);
            if left.cubes.is_empty() {
                break;
            }
        }
        if left.cubes.is_empty() {
            continue;
        }
        let hints = Hints::default();
        let witness = left.cubes.iter().find_map(|cube| {
            find(space, cube, &hints, &mut |w: &Witness| {
                w.decision(from, role) == PolicyDecision::Allow
                    && w.decision(against, role) != PolicyDecision::Allow
            })
        });
        let statement = from.document().statements.get(index);
        out.push(Change {
            statement: index,
            principal_kind: kind
                .map_or_else(|| value.clone(), |k: PrincipalKind| k.as_str().to_owned()),
            scope: scope(kind, &value),
            principal: value,
            conditions: statement.map(describe_conditions).unwrap_or_default(),
            witness,
            cubes: left,
        });
    }
    out
}
