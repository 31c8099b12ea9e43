//! Sets of requests as finite unions of cubes: the algebra behind who-can-assume, diff and the
//! statement-union check.
//!
//! A cube constrains each key of a request independently: the principal, the action and every
//! condition key get a language (a DFA, with presence and for multi-valued keys the `ForAllValues`
//! / `ForAnyValue` shape). Conditions whose operator is not a string language (numbers, dates,
//! booleans, IP ranges, policy variables) stay as opaque atoms that the shared condition evaluator
//! of `rolegate-policy` decides on concrete values. Intersection is per key; subtraction splits a
//! cube along the keys of the subtrahend, so the admitted set stays an exact, finite union.

use std::collections::BTreeMap;
use std::sync::Arc;

use rolegate_policy::Request;
use rolegate_policy::ast::Condition;
use rolegate_policy::condition;

use crate::automata::Dfa;

/// The pseudo-key holding the request's principal (`Request::principal`).
pub const PRINCIPAL_KEY: &str = "$principal";
/// The pseudo-key holding the caller's unique id (`Request::principal_id`).
pub const PRINCIPAL_ID_KEY: &str = "$principal_id";
/// The pseudo-key holding the action.
pub const ACTION_KEY: &str = "$action";

/// The admissible values of one key in a cube.
#[derive(Clone, Debug)]
pub struct KeyConstraint {
    /// `Some(true)`: the key must be present; `Some(false)`: absent; `None`: either.
    pub presence: Option<bool>,
    /// Every value of the key is in this language.
    pub all: Dfa,
    /// Multi-valued keys only: for each language, at least one value is in it.
    pub some: Vec<Dfa>,
    /// Whether the key carries a list (`aws:TagKeys`, `amr`) rather than one value.
    pub multi: bool,
}

/// A concrete value of a key in a witness: absent, or these values.
pub type KeyValue = Option<Vec<String>>;

impl KeyConstraint {
    /// No constraint at all over `universe` (the key's full language).
    pub fn universal(universe: &Dfa, multi: bool) -> Self {
        Self {
            presence: None,
            all: universe.clone(),
            some: Vec::new(),
            multi,
        }
    }

    /// Whether the constraint admits nothing.
    pub fn is_empty(&self) -> bool {
        match self.presence {
            Some(false) => !self.some.is_empty(),
            Some(true) if self.some.is_empty() => self.all.is_empty(),
            _ => self.some.iter().any(|e| e.intersect(&self.all).is_empty()),
        }
    }

    /// Whether a concrete value satisfies the constraint.
    pub fn admits(&self, value: Option<&[String]>) -> bool {
        let values = match value {
            None | Some([]) => return self.presence != Some(true) && self.some.is_empty(),
            Some(values) => values,
        };
        if self.presence == Some(false) {
            return false;
        }
        let all_ok = values.iter().all(|v| self.all.accepts(v));
        all_ok
            && self
                .some
                .iter()
                .all(|e| values.iter().any(|v| e.accepts(v)))
    }

    /// Both constraints at once.
    pub fn intersect(&self, other: &Self) -> Option<Self> {
        let presence = match (self.presence, other.presence) {
            (Some(a), Some(b)) if a != b => return None,
            (Some(a), _) | (_, Some(a)) => Some(a),
            (None, None) => None,
        };
        let mut some = self.some.clone();
        some.extend(other.some.iter().cloned());
        let c = Self {
            presence,
            all: self.all.intersect(&other.all),
            some,
            multi: self.multi || other.multi,
        };
        (!c.is_empty()).then_some(c)
    }

    /// The complement, as a union of constraints (relative to `universe`).
    pub fn complement(&self, universe: &Dfa) -> Vec<Self> {
        let any = |presence| Self {
            presence,
            all: universe.clone(),
            some: Vec::new(),
            multi: self.multi,
        };
        let mut out = Vec::new();
        match self.presence {
            Some(true) => out.push(any(Some(false))),
            Some(false) => {
                out.push(any(Some(true)));
                return out.into_iter().filter(|c| !c.is_empty()).collect();
            }
            None => {}
        }
        // Present with a value outside `all`.
        let outside = universe.minus(&self.all);
        if self.multi {
            out.push(Self {
                presence: Some(true),
                all: universe.clone(),
                some: vec![outside],
                multi: true,
            });
            // Or some required value is missing: every value avoids that language.
            for e in &self.some {
                out.push(Self {
                    presence: None,
                    all: universe.minus(e),
                    some: Vec::new(),
                    multi: true,
                });
            }
        } else {
            out.push(Self {
                presence: Some(true),
                all: outside,
                some: Vec::new(),
                multi: false,
            });
        }
        out.into_iter().filter(|c| !c.is_empty()).collect()
    }

    /// A concrete value that satisfies the constraint, preferring to be present when `present`.
    pub fn witness(&self, prefer_present: bool) -> Option<KeyValue> {
        if self.is_empty() {
            return None;
        }
        match self.presence {
            Some(false) => return Some(None),
            None if !prefer_present && self.some.is_empty() => return Some(None),
            _ => {}
        }
        let mut values = Vec::new();
        for e in &self.some {
            values.push(e.intersect(&self.all).witness()?);
        }
        if values.is_empty() {
            match self.all.witness() {
                Some(v) => values.push(v),
                None => return (self.presence != Some(true)).then_some(None),
            }
        }
        values.dedup();
        Some(Some(values))
    }

    /// Whether this constraint admits every value that `other` admits.
    pub fn contains(&self, other: &Self, universe: &Dfa) -> bool {
        // other ⊆ self ⇔ other ∩ ¬self = ∅.
        self.complement(universe)
            .iter()
            .all(|c| c.intersect(other).is_none())
    }
}

/// A condition the string algebra does not model, with its polarity in the cube.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpaqueAtom {
    pub condition: Condition,
    /// `true` when the cube requires the condition to be false (it came from a subtracted cube).
    pub negated: bool,
}

/// A set of requests: per-key constraints (absent keys are unconstrained) and opaque atoms.
#[derive(Clone, Debug)]
pub struct Cube {
    pub keys: BTreeMap<String, KeyConstraint>,
    pub opaque: Vec<OpaqueAtom>,
}

/// The languages each key ranges over, shared by every cube of one analysis.
pub trait Universe {
    /// The full language of `key` (lower-cased), and whether it is multi-valued.
    fn universe(&self, key: &str) -> (Arc<Dfa>, bool);
}

impl Cube {
    /// Every request.
    pub fn everything() -> Self {
        Self {
            keys: BTreeMap::new(),
            opaque: Vec::new(),
        }
    }

    /// Requests in both cubes, or `None` when that is empty.
    pub fn intersect(&self, other: &Self) -> Option<Self> {
        let mut keys = self.keys.clone();
        for (k, c) in &other.keys {
            let merged = match keys.get(k) {
                Some(mine) => mine.intersect(c)?,
                None => c.clone(),
            };
            keys.insert(k.clone(), merged);
        }
        let mut opaque = self.opaque.clone();
        for atom in &other.opaque {
            let contradiction = opaque
                .iter()
                .any(|a| a.condition == atom.condition && a.negated != atom.negated);
            if contradiction {
                return None;
            }
            if !opaque.contains(atom) {
                opaque.push(atom.clone());
            }
        }
        Some(Self { keys, opaque })
    }

    /// Requests in this cube but not in `other`, as disjoint cubes.
    pub fn minus(&self, other: &Self, universe: &dyn Universe) -> Vec<Self> {
        // self \ (c1 ∧ c2 ∧ …) = (self ∧ ¬c1) ∪ (self ∧ c1 ∧ ¬c2) ∪ …; disjoint by construction.
        // Complements are taken within each key's universe, so the pieces together are `self`
        // kept to the universe of `other`'s keys.
        if self.intersect(other).is_none() {
            // Untouched by `other`: that restriction, as one cube. Split along `other`'s keys,
            // its pieces would multiply at every later subtraction (a diff of two small trust
            // policies went past 24 GB).
            let mut within = Cube::everything();
            for (key, constraint) in &other.keys {
                let (full, _) = universe.universe(key);
                within.keys.insert(
                    key.clone(),
                    KeyConstraint::universal(&full, constraint.multi),
                );
            }
            return self.intersect(&within).into_iter().collect();
        }
        let mut out = Vec::new();
        let mut prefix = self.clone();
        for (key, constraint) in &other.keys {
            let (full, _) = universe.universe(key);
            for piece in constraint.complement(&full) {
                let mut neg = Cube::everything();
                neg.keys.insert(key.clone(), piece);
                if let Some(c) = prefix.intersect(&neg) {
                    out.push(c);
                }
            }
            let mut pos = Cube::everything();
            pos.keys.insert(key.clone(), constraint.clone());
            match prefix.intersect(&pos) {
                Some(p) => prefix = p,
                None => return out,
            }
        }
        for atom in &other.opaque {
            let mut neg = Cube::everything();
            neg.opaque.push(OpaqueAtom {
                condition: atom.condition.clone(),
                negated: !atom.negated,
            });
            if let Some(c) = prefix.intersect(&neg) {
                out.push(c);
            }
            let mut pos = Cube::everything();
            pos.opaque.push(atom.clone());
            match prefix.intersect(&pos) {
                Some(p) => prefix = p,
                None => return out,
            }
        }
        out
    }

    /// The constraint on `key`, if the cube has one.
    pub fn key(&self, key: &str) -> Option<&KeyConstraint> {
        self.keys.get(key)
    }

    /// Whether a concrete request is in the cube. Keys the engine would derive from the principal
    /// must be in the request's context (as STS puts them there) to be seen here.
    pub fn admits(&self, request: &Request) -> bool {
        let single = |v: &str| Some(vec![v.to_owned()]);
        self.keys.iter().all(|(key, constraint)| {
            let value: Option<Vec<String>> = match key.as_str() {
                PRINCIPAL_KEY => single(&request.principal),
                PRINCIPAL_ID_KEY => request.principal_id.as_deref().and_then(single),
                ACTION_KEY => single(&request.action),
                other => request.context.get(other).map(<[String]>::to_vec),
            };
            constraint.admits(value.as_deref())
        }) && self
            .opaque
            .iter()
            .all(|atom| condition::evaluate(&atom.condition, request) != atom.negated)
    }
}

/// A union of cubes.
#[derive(Clone, Debug, Default)]
pub struct CubeSet {
    pub cubes: Vec<Cube>,
}

impl CubeSet {
    /// Whether a concrete request is in the set.
    pub fn admits(&self, request: &Request) -> bool {
        self.cubes.iter().any(|c| c.admits(request))
    }

    /// Requests in this set but not in `other`.
    pub fn minus(&self, other: &CubeSet, universe: &dyn Universe) -> CubeSet {
        let mut current = self.cubes.clone();
        for sub in &other.cubes {
            current = current
                .iter()
                .flat_map(|c| c.minus(sub, universe))
                .collect();
            if current.is_empty() {
                break;
            }
        }
        CubeSet { cubes: current }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::automata::glob_pieces;

    struct Strings(Arc<Dfa>);
    impl Universe for Strings {
        fn universe(&self, _key: &str) -> (Arc<Dfa>, bool) {
            (Arc::clone(&self.0), false)
        }
    }

    fn setup(_patterns: &[&str]) -> ((), Strings) {
        ((), Strings(Arc::new(Dfa::universal())))
    }

    fn cube(_alphabet: &(), key: &str, pattern: &str, presence: Option<bool>) -> Cube {
        let mut c = Cube::everything();
        let all = Dfa::from_pieces(&glob_pieces(pattern, false));
        c.keys.insert(
            key.into(),
            KeyConstraint {
                presence,
                all,
                some: Vec::new(),
                multi: false,
            },
        );
        c
    }

    #[test]
    fn subtraction_is_exact() {
        let (alphabet, universe) = setup(&["repo:acme/*", "repo:acme/app:pull_request", "x"]);
        let allow = cube(&alphabet, "sub", "repo:acme/*", Some(true));
        let deny = cube(&alphabet, "sub", "repo:acme/app:pull_request", Some(true));
        let left = allow.minus(&deny, &universe);
        assert_eq!(left.len(), 1);
        let sub = left[0].key("sub").unwrap();
        assert!(sub.admits(Some(&["repo:acme/app:ref:x".into()])));
        assert!(!sub.admits(Some(&["repo:acme/app:pull_request".into()])));
        assert!(!sub.admits(None));
    }

    #[test]
    fn a_cube_the_subtrahend_does_not_touch_stays_whole() {
        let (alphabet, universe) = setup(&["a*", "b*", "x*"]);
        let mut kept = cube(&alphabet, "k1", "x*", Some(true));
        kept.keys.insert(
            "k2".into(),
            cube(&alphabet, "k2", "b*", Some(true)).keys["k2"].clone(),
        );
        // Disjoint on k1; split along k2 first, `kept` would come back in two pieces.
        let mut other = cube(&alphabet, "k2", "b*", Some(true));
        other.keys.insert(
            "k1".into(),
            cube(&alphabet, "k1", "a*", Some(true)).keys["k1"].clone(),
        );
        let left = kept.minus(&other, &universe);
        assert_eq!(left.len(), 1);
        assert!(left[0].key("k1").unwrap().admits(Some(&["xy".into()])));
        assert!(left[0].key("k2").unwrap().admits(Some(&["bz".into()])));
        assert!(!left[0].key("k1").unwrap().admits(Some(&["ay".into()])));
    }

    #[test]
    fn subtraction_over_two_keys_splits() {
        let (alphabet, universe) = setup(&["a*", "b*"]);
        let mut deny = cube(&alphabet, "k1", "a*", Some(true));
        deny.keys.insert(
            "k2".into(),
            cube(&alphabet, "k2", "b*", Some(true)).keys["k2"].clone(),
        );
        let left = Cube::everything().minus(&deny, &universe);
        // ¬k1 (absent or not a*) ∪ (k1 ∧ ¬k2 (absent or not b*)).
        assert_eq!(left.len(), 4);
    }

    #[test]
    fn multi_valued_complement() {
        let (_alphabet, universe) = setup(&["authenticated", "unauthenticated"]);
        let e = Dfa::from_pieces(&glob_pieces("authenticated", false));
        let any_auth = KeyConstraint {
            presence: None,
            all: (*universe.0).clone(),
            some: vec![e],
            multi: true,
        };
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(any_auth.admits(Some(&v(&["authenticated", "cognito-idp"]))));
        assert!(!any_auth.admits(Some(&v(&["unauthenticated"]))));
        assert!(!any_auth.admits(None));
        for c in any_auth.complement(&universe.0) {
            assert!(!c.admits(Some(&v(&["authenticated"]))));
        }
        let comp = any_auth.complement(&universe.0);
        assert!(
            comp.iter()
                .any(|c| c.admits(Some(&v(&["unauthenticated"]))))
        );
        assert!(comp.iter().any(|c| c.admits(None)));
    }
}
