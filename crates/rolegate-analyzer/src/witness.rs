//! Witnesses: concrete requests drawn from a cube and replayed through the engine.
//!
//! A witness is only reported once `rolegate_policy::evaluate_policy` agrees with it (Allow for
//! "admitted", the expected pair of decisions for a diff), so every example a user sees is one STS
//! would honour. Candidates come from the cube's languages; keys the engine derives from the
//! principal (`aws:PrincipalArn`, `aws:PrincipalAccount`, …) are left for it to derive, and the
//! principal is chosen so that the derivation lands in the cube.

use std::collections::BTreeMap;
use std::fmt;

use rolegate_policy::ast::{Operator, SetQualifier};
use rolegate_policy::{PolicyDecision, Request, evaluate_policy};
use serde::Serialize;

use crate::automata::{CharSet, Dfa, Piece, literal_pieces, pieces_accept};
use crate::compile::{Space, TRUST_ACTIONS, account_pieces};
use crate::model::TrustPolicy;
use crate::symbolic::{ACTION_KEY, Cube, KeyConstraint, PRINCIPAL_ID_KEY, PRINCIPAL_KEY};

/// Keys the engine derives from the principal when the context does not give them.
pub const DERIVED_KEYS: [&str; 7] = [
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:userid",
    "aws:username",
    "aws:principalisawsservice",
    "aws:principalservicename",
];

/// A concrete request admitted (or refused) by a policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Witness {
    pub principal: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    pub action: String,
    /// Condition keys the request carries (token claims for web identity, ExternalId, …).
    pub context: BTreeMap<String, Vec<String>>,
}

impl Witness {
    /// The engine request for assuming `role_arn`.
    pub fn request(&self, role_arn: &str) -> Request {
        let mut request = Request::new(
            self.principal.clone(),
            self.action.clone(),
            role_arn.to_owned(),
        );
        request.principal_id = self.principal_id.clone();
        for (key, values) in &self.context {
            request.context.insert_all(key, values.iter().cloned());
        }
        request
    }

    /// The engine's decision on this witness.
    pub fn decision(&self, policy: &TrustPolicy, role_arn: &str) -> PolicyDecision {
        evaluate_policy(&policy.policy, &self.request(role_arn)).decision
    }
}

impl fmt::Display for Witness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} calls {}", self.principal, self.action)?;
        if let Some(id) = &self.principal_id {
            write!(f, " (unique id {id})")?;
        }
        for (i, (key, values)) in self.context.iter().enumerate() {
            f.write_str(if i == 0 { " with " } else { ", " })?;
            match values.as_slice() {
                [one] => write!(f, "{key}={one}")?,
                many => write!(f, "{key}=[{}]", many.join(", "))?,
            }
        }
        Ok(())
    }
}

/// Preferences for spelling a witness.
#[derive(Clone, Debug, Default)]
pub struct Hints {
    /// An account the attacker owns (outside the zone of trust), used first for AWS principals.
    pub outside_account: Option<String>,
    /// Values to try first for a key (lower-cased), e.g. a tenant-crossing `sub`.
    pub preferred: BTreeMap<String, Vec<String>>,
    /// Keys that must be left absent (the attacker cannot set them: `aws:PrincipalOrgID`, …).
    pub forced_absent: Vec<String>,
}

/// `hints` plus, for each issuer `sub` claim the cube constrains, a subject spelled in the issuer's
/// own format (so the witness token is one the issuer could mint).
pub fn with_claim_hints(cube: &Cube, hints: &Hints) -> Hints {
    let mut out = hints.clone();
    for (key, constraint) in &cube.keys {
        let Some(url) = key.strip_suffix(":sub") else {
            continue;
        };
        if out.preferred.contains_key(key) {
            continue;
        }
        let Some(issuer) = crate::issuers::IssuerBase::builtin().by_url(url) else {
            continue;
        };
        if let Some(subject) = issuer.pretty_subject(&constraint.all) {
            out.preferred.insert(key.clone(), vec![subject]);
        }
    }
    out
}

/// Searches for a request in `cube` that `check` accepts (typically: the engine allows it).
pub fn find(
    space: &Space,
    cube: &Cube,
    hints: &Hints,
    check: &mut dyn FnMut(&Witness) -> bool,
) -> Option<Witness> {
    let claim_hints = with_claim_hints(cube, hints);
    let hints = &claim_hints;
    let actions = action_candidates(cube);
    let principals = principal_candidates(space, cube, hints);
    let principal_ids = principal_id_candidates(cube);
    let base_context = context_candidates(cube, hints)?;
    let opaque = opaque_candidates(cube, hints);
    let mut tries = 0usize;
    for principal in &principals {
        for principal_id in &principal_ids {
            for action in &actions {
                for extra in &opaque {
                    tries += 1;
                    if tries > 512 {
                        return None;
                    }
                    let mut context = base_context.clone();
                    for (k, v) in extra {
                        match v {
                            Some(values) => {
                                context.insert(k.clone(), values.clone());
                            }
                            None => {
                                context.remove(k);
                            }
                        }
                    }
                    let w = Witness {
                        principal: principal.clone(),
                        principal_id: principal_id.clone(),
                        action: action.clone(),
                        context,
                    };
                    if check(&w) {
                        return Some(w);
                    }
                }
            }
        }
    }
    None
}

fn action_candidates(cube: &Cube) -> Vec<String> {
    // The entry actions first: they are what a caller is "admitted" to.
    let order = [
        TRUST_ACTIONS[1],
        TRUST_ACTIONS[2],
        TRUST_ACTIONS[0],
        TRUST_ACTIONS[3],
        TRUST_ACTIONS[4],
        TRUST_ACTIONS[5],
    ];
    order
        .iter()
        .filter(|a| cube.key(ACTION_KEY).is_none_or(|c| c.all.accepts(a)))
        .map(|a| (*a).to_owned())
        .collect()
}

fn principal_candidates(space: &Space, cube: &Cube, hints: &Hints) -> Vec<String> {
    let principal = cube.key(PRINCIPAL_KEY).map(|c| c.all.clone());
    let allowed = principal.clone().unwrap_or_else(|| space.everything());
    let mut out: Vec<String> = Vec::new();
    let push = |w: Option<String>, out: &mut Vec<String>| {
        if let Some(w) = w
            && allowed.accepts(&w)
            && !out.contains(&w)
        {
            out.push(w);
        }
    };
    let arn_constraint = cube.key("aws:principalarn").map(|c| c.all.clone());
    let account_constraint = cube.key("aws:principalaccount").map(|c| c.all.clone());
    let mut accounts: Vec<String> = Vec::new();
    if let Some(outside) = &hints.outside_account {
        accounts.push(outside.clone());
    }
    if let Some(acct) = &account_constraint
        && let Some(a) = acct.intersect(&space.dfa(&[account_pieces()])).witness()
    {
        accounts.push(a);
    }
    accounts.push("123456789012".to_owned());
    for preferred in hints.preferred.get(PRINCIPAL_KEY).into_iter().flatten() {
        push(Some(preferred.clone()), &mut out);
    }
    // A literal aws:PrincipalArn (ArnEquals, the common case) is its own only witness: each
    // candidate shape then only has to accept it, with no automaton built for the shape.
    let arn_word = arn_constraint.as_ref().and_then(Dfa::single_word);
    match &arn_constraint {
        // For roots, users and roles the principal is its own aws:PrincipalArn: draw it from there.
        Some(arn) => {
            'search: for partition in ["aws", "aws-cn", "aws-us-gov"] {
                for account in &accounts {
                    let name = vec![Piece::One(CharSet::parse_class("a-zA-Z0-9_+=,.@-"))];
                    let names = vec![Piece::Many(CharSet::parse_class("a-zA-Z0-9_+=,.@-/"))];
                    let head = literal_pieces(&format!("arn:{partition}:iam::{account}:"), false);
                    let shapes = [
                        [
                            head.clone(),
                            literal_pieces("role/", false),
                            name.clone(),
                            names.clone(),
                        ]
                        .concat(),
                        [head.clone(), literal_pieces("root", false)].concat(),
                        [head, literal_pieces("user/", false), name, names].concat(),
                    ];
                    for shape in shapes {
                        let found = match &arn_word {
                            Some(word) => (pieces_accept(&shape, word) && allowed.accepts(word))
                                .then(|| word.clone()),
                            None => space
                                .dfa(&[shape])
                                .intersect(arn)
                                .intersect(&allowed)
                                .witness(),
                        };
                        push(found, &mut out);
                        if out.len() >= 2 {
                            break 'search;
                        }
                    }
                }
            }
        }
        None => {
            for account in &accounts {
                for candidate in [
                    format!("arn:aws:iam::{account}:role/attacker"),
                    format!("arn:aws:iam::{account}:root"),
                    format!("arn:aws:iam::{account}:user/attacker"),
                    format!("arn:aws:sts::{account}:assumed-role/attacker/session"),
                ] {
                    push(Some(candidate), &mut out);
                }
            }
        }
    }
    // Whatever the principal language's shortest member is (services, providers, `*`).
    push(allowed.witness(), &mut out);
    if let Some(arn) = &arn_constraint {
        let found = match &arn_word {
            Some(word) => (allowed.accepts(word) && space.aws_principals().accepts(word))
                .then(|| word.clone()),
            None => arn
                .intersect(&allowed)
                .intersect(space.aws_principals())
                .witness(),
        };
        push(found, &mut out);
    }
    out
}

fn principal_id_candidates(cube: &Cube) -> Vec<Option<String>> {
    match cube.key(PRINCIPAL_ID_KEY) {
        None => vec![None],
        Some(c) => {
            let mut out = Vec::new();
            if c.presence != Some(true) {
                out.push(None);
            }
            if let Some(w) = c.all.witness() {
                out.push(Some(w));
            }
            out
        }
    }
}

/// One value per constrained key (derived keys excluded); `None` if a key admits nothing.
fn context_candidates(cube: &Cube, hints: &Hints) -> Option<BTreeMap<String, Vec<String>>> {
    let mut context = BTreeMap::new();
    for (key, constraint) in &cube.keys {
        if key.starts_with('$') || DERIVED_KEYS.contains(&key.as_str()) {
            continue;
        }
        if hints.forced_absent.contains(key) {
            if !constraint.admits(None) {
                return None;
            }
            continue;
        }
        let preferred = hints
            .preferred
            .get(key)
            .into_iter()
            .flatten()
            .find(|v| constraint.admits(Some(std::slice::from_ref(*v))))
            .map(|v| Some(vec![v.clone()]));
        if let Some(values) = preferred.or_else(|| constraint.witness(true))? {
            context.insert(key.clone(), values);
        }
    }
    Some(context)
}

/// Values to try for keys only opaque conditions mention: each combination of a few candidates.
fn opaque_candidates(cube: &Cube, hints: &Hints) -> Vec<Vec<(String, Option<Vec<String>>)>> {
    let mut per_key: BTreeMap<String, Vec<Option<Vec<String>>>> = BTreeMap::new();
    for atom in &cube.opaque {
        let key = atom.condition.key.to_lowercase();
        if DERIVED_KEYS.contains(&key.as_str())
            && atom.condition.values.iter().all(|v| !v.contains("${"))
        {
            continue;
        }
        let entry = per_key.entry(key.clone()).or_insert_with(|| vec![None]);
        if hints.forced_absent.contains(&key) {
            continue;
        }
        for value in &atom.condition.values {
            for candidate in candidates_for(atom.condition.operator.base, value) {
                let v = Some(vec![candidate]);
                if !entry.contains(&v) {
                    entry.push(v);
                }
            }
        }
        if atom.condition.operator.qualifier == Some(SetQualifier::ForAllValues) {
            entry.push(Some(Vec::new()));
        }
    }
    let mut combos: Vec<Vec<(String, Option<Vec<String>>)>> = vec![Vec::new()];
    for (key, options) in per_key {
        let mut next = Vec::new();
        for combo in &combos {
            for option in &options {
                let mut c = combo.clone();
                c.push((key.clone(), option.clone()));
                next.push(c);
                if next.len() > 64 {
                    break;
                }
            }
        }
        combos = next;
    }
    combos
}

/// Representative request values around a policy value: the value and its neighbours.
fn candidates_for(op: Operator, value: &str) -> Vec<String> {
    use Operator::*;
    match op {
        Bool => vec!["true".into(), "false".into()],
        NumericEquals
        | NumericNotEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => match value.trim().parse::<f64>() {
            Ok(n) => vec![
                format_number(n),
                format_number(n - 1.0),
                format_number(n + 1.0),
                "0".into(),
            ],
            Err(_) => vec![value.to_owned()],
        },
        DateEquals
        | DateNotEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => {
            vec![
                value.to_owned(),
                "1970-01-01T00:00:00Z".into(),
                "2999-12-31T23:59:59Z".into(),
            ]
        }
        IpAddress | NotIpAddress => {
            let address = value.split('/').next().unwrap_or(value).to_owned();
            vec![address, "192.0.2.1".into(), "2001:db8::1".into()]
        }
        _ => vec![value.replace("${", "").replace('}', ""), value.to_owned()],
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// Whether `constraint` admits the key being absent.
pub fn admits_absent(constraint: Option<&KeyConstraint>) -> bool {
    constraint.is_none_or(|c| c.admits(None))
}
