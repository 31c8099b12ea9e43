//! Compiles trust statements into cubes: the principal, the action and each condition key become
//! languages over one shared alphabet.
//!
//! The languages mirror how `rolegate-policy` decides a request (its `principal` and `condition`
//! modules); `tests/properties.rs` checks the two agree on random requests, and every witness is
//! replayed through `evaluate_policy`. Conditions the string algebra does not cover stay opaque and
//! are decided by the engine's own `condition::evaluate`.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use rolegate_policy::ast::{
    Condition, ConditionOperator, Effect, Operator, PrincipalKind, SetQualifier, Statement,
};
use rolegate_policy::wildcard::Pattern;

use crate::automata::{CharSet, Dfa, Piece, Pieces, glob_pieces, literal_pieces};
use crate::model::{TrustPolicy, principal_values};
use crate::symbolic::{
    ACTION_KEY, Cube, CubeSet, KeyConstraint, OpaqueAtom, PRINCIPAL_ID_KEY, PRINCIPAL_KEY, Universe,
};

/// How many compiled conditions a thread remembers before starting afresh.
const RECENT_CONDITIONS: usize = 4096;

pub use rolegate_policy::TRUST_ACTIONS;
pub use rolegate_types::{WEB_IDENTITY_PROVIDERS, is_unique_id};

/// Condition keys that carry lists.
pub fn is_multi_valued(key_lower: &str) -> bool {
    matches!(
        key_lower,
        "aws:tagkeys"
            | "aws:principalorgpaths"
            | "sts:transitivetagkeys"
            | "aws:calledvia"
            | "aws:principalservicenameslist"
            | "aws:sourceorgpaths"
    ) || key_lower.ends_with(":amr")
        || key_lower.ends_with("/context-ids")
}

fn any() -> CharSet {
    CharSet::any()
}
fn non_colon() -> CharSet {
    CharSet::single(':').complement()
}
fn lit(text: &str) -> Pieces {
    literal_pieces(text, false)
}
/// ASCII-case-insensitive literal, as the engine compares actions and service names.
fn ascii_ci(text: &str) -> Pieces {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                Piece::One(CharSet::of([
                    c.to_ascii_lowercase(),
                    c.to_ascii_uppercase(),
                ]))
            } else {
                Piece::One(CharSet::single(c))
            }
        })
        .collect()
}
fn cat(parts: &[Pieces]) -> Pieces {
    parts.concat()
}
fn many(set: CharSet) -> Pieces {
    vec![Piece::Many(set)]
}

/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:` with each part a pattern.
fn arn_head(partition: &Pieces, service: &str, account: &Pieces) -> Pieces {
    cat(&[
        lit("arn:"),
        partition.clone(),
        lit(&format!(":{service}:")),
        many(non_colon()),
        lit(":"),
        account.clone(),
        lit(":"),
    ])
}

/// The pieces of an `Arn*` condition value (the engine's `arn_pattern`): wildcards stay inside
/// their colon-separated segment, except in the resource segment and in a trailing `*` of a
/// pattern with fewer than six segments.
fn arn_pattern_pieces(pattern: &str) -> Pieces {
    let mut segments: Vec<&str> = Vec::new();
    let mut rest = pattern;
    while segments.len() < 5 {
        match rest.split_once(':') {
            Some((head, tail)) => {
                segments.push(head);
                rest = tail;
            }
            None => break,
        }
    }
    segments.push(rest);
    let n = segments.len();
    let open_ended = n < 6 && segments.last().is_some_and(|s| s.ends_with('*'));
    let mut pieces = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            pieces.push(Piece::One(CharSet::single(':')));
        }
        let last = i + 1 == n;
        let set = if last && (open_ended || n == 6) {
            any()
        } else {
            non_colon()
        };
        for c in segment.chars() {
            pieces.push(match c {
                '*' => Piece::Many(set.clone()),
                '?' => Piece::One(set.clone()),
                c => Piece::One(CharSet::single(c)),
            });
        }
    }
    pieces
}

/// A 12-digit account id.
pub fn account_pieces() -> Pieces {
    (0..12)
        .map(|_| Piece::One(CharSet::parse_class("0-9")))
        .collect()
}

/// Principals `{"AWS": "*"}` and account/role values can name: account root, users, roles, role
/// sessions and federated users (the engine's `is_aws_principal`).
fn aws_principal_shapes() -> Vec<Pieces> {
    aws_principal_shapes_in(&many(non_colon()), &many(non_colon()))
}

fn service_shapes() -> Vec<Pieces> {
    vec![
        cat(&[many(any()), lit(".amazonaws.com")]),
        cat(&[many(any()), lit(".amazonaws.com.cn")]),
    ]
}

fn federated_shapes() -> Vec<Pieces> {
    let p = many(non_colon());
    let acct = many(non_colon());
    let mut out: Vec<Pieces> = WEB_IDENTITY_PROVIDERS.iter().map(|w| ascii_ci(w)).collect();
    out.push(cat(&[
        arn_head(&p, "iam", &acct),
        lit("oidc-provider/"),
        many(any()),
    ]));
    out.push(cat(&[
        arn_head(&p, "iam", &acct),
        lit("saml-provider/"),
        many(any()),
    ]));
    out
}

/// How one principal value constrains a request.
enum PrincipalLanguage {
    /// The request principal is in `allowed ∩ shape`.
    Principal {
        alternatives: Vec<Pieces>,
        shape: Shape,
    },
    /// An AWS principal whose unique id is `id`.
    UniqueId(String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Anything,
    AwsOrAnonymous,
    Service,
}

/// The AWS principal shapes with the partition and account fields fixed (each a pattern).
fn aws_principal_shapes_in(partition: &Pieces, account: &Pieces) -> Vec<Pieces> {
    vec![
        cat(&[arn_head(partition, "iam", account), lit("root")]),
        cat(&[
            arn_head(partition, "iam", account),
            lit("user/"),
            many(any()),
        ]),
        cat(&[
            arn_head(partition, "iam", account),
            lit("role/"),
            many(any()),
        ]),
        cat(&[
            arn_head(partition, "sts", account),
            lit("assumed-role/"),
            many(any()),
        ]),
        cat(&[
            arn_head(partition, "sts", account),
            lit("federated-user/"),
            many(any()),
        ]),
    ]
}

/// A value's language is built directly in the shape it can match (no product needed): the
/// alternatives are already inside the principal type's shape.
fn principal_language(kind: Option<PrincipalKind>, value: &str) -> PrincipalLanguage {
    let exact = |alternatives: Vec<Pieces>| PrincipalLanguage::Principal {
        alternatives,
        shape: Shape::Anything,
    };
    let shaped = |alternatives: Vec<Pieces>, shape| PrincipalLanguage::Principal {
        alternatives,
        shape,
    };
    let shapes = shapes();
    match kind {
        None => exact(vec![many(any())]),
        Some(PrincipalKind::Aws) => {
            if value == "*" {
                return shaped(vec![many(any())], Shape::AwsOrAnonymous);
            }
            if rolegate_types::AccountId::is_valid(value) {
                return exact(aws_principal_shapes_in(&many(non_colon()), &lit(value)));
            }
            if is_unique_id(value) {
                return PrincipalLanguage::UniqueId(value.to_owned());
            }
            let mut alternatives = Vec::new();
            if shapes.aws.accepts(value) {
                alternatives.push(lit(value));
            }
            if let Some((partition, account, resource)) = split_principal_arn(value) {
                if partition_service(value) == Some("iam") && resource == "root" {
                    alternatives.extend(aws_principal_shapes_in(&lit(partition), &lit(account)));
                } else if partition_service(value) == Some("iam") && resource.starts_with("role/") {
                    let name = resource.rsplit('/').next().unwrap_or_default();
                    let head = arn_head(&lit(partition), "sts", &lit(account));
                    alternatives.push(cat(&[head.clone(), lit(&format!("assumed-role/{name}"))]));
                    alternatives.push(cat(&[
                        head,
                        lit(&format!("assumed-role/{name}/")),
                        many(any()),
                    ]));
                }
            }
            exact(alternatives)
        }
        Some(PrincipalKind::Service) => {
            let lower = value.to_ascii_lowercase();
            let is_web_name = WEB_IDENTITY_PROVIDERS
                .iter()
                .any(|w| w.eq_ignore_ascii_case(value));
            let suffix = [".amazonaws.com.cn", ".amazonaws.com"]
                .into_iter()
                .find(|s| lower.ends_with(s));
            match suffix {
                _ if is_web_name => exact(Vec::new()),
                // Case variants only match while the suffix keeps AWS's (lower-case) spelling.
                Some(suffix) if !lower.starts_with("arn:") => {
                    let head = value.get(..value.len() - suffix.len()).unwrap_or_default();
                    exact(vec![cat(&[ascii_ci(head), lit(suffix)])])
                }
                _ => shaped(vec![ascii_ci(value)], Shape::Service),
            }
        }
        Some(PrincipalKind::Federated) => {
            let mut alternatives = Vec::new();
            if shapes.federated.accepts(value) {
                alternatives.push(lit(value));
            }
            if WEB_IDENTITY_PROVIDERS
                .iter()
                .any(|w| w.eq_ignore_ascii_case(value))
            {
                alternatives.push(ascii_ci(value));
            }
            exact(alternatives)
        }
        Some(PrincipalKind::CanonicalUser) => exact(vec![lit(value)]),
    }
}

fn split_principal_arn(value: &str) -> Option<(&str, &str, &str)> {
    let mut parts = value.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let partition = parts.next()?;
    let _service = parts.next()?;
    let _region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    Some((partition, account, resource))
}

fn partition_service(value: &str) -> Option<&str> {
    value.split(':').nth(2)
}

/// How one condition constrains its key: a string language or an opaque atom.
enum ConditionLanguage {
    /// A union of constraints on the key (usually one).
    Key(Vec<KeyConstraint>),
    Opaque,
}

fn is_string_family(op: Operator) -> bool {
    use Operator::*;
    matches!(
        op,
        StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike
            | ArnEquals
            | ArnLike
            | ArnNotEquals
            | ArnNotLike
    )
}

/// The pieces of one policy value under a string-family operator.
fn value_pieces(op: Operator, value: &str) -> Pieces {
    use Operator::*;
    match op {
        StringEquals | StringNotEquals => lit(value),
        StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => literal_pieces(value, true),
        StringLike | StringNotLike => glob_pieces(value, false),
        _ => arn_pattern_pieces(value),
    }
}

/// Whether the analyzer models `condition` as a string language (no policy variables).
fn is_modelled(condition: &Condition) -> bool {
    if condition.operator.base == Operator::Null {
        return condition
            .values
            .iter()
            .all(|v| v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false"));
    }
    is_string_family(condition.operator.base) && !condition.values.iter().any(|v| v.contains("${"))
}

/// The fixed languages every analysis uses, built once per process.
struct Shapes {
    any: Arc<Dfa>,
    actions: Arc<Dfa>,
    aws: Dfa,
    aws_or_anonymous: Dfa,
    service: Dfa,
    federated: Dfa,
    not_arn: Dfa,
    nothing: Dfa,
}

fn shapes() -> &'static Shapes {
    static SHAPES: OnceLock<Shapes> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let anonymous = Dfa::from_alternatives(&[ascii_ci("anonymous")]);
        let web_names = Dfa::from_alternatives(
            &WEB_IDENTITY_PROVIDERS
                .iter()
                .map(|w| ascii_ci(w))
                .collect::<Vec<_>>(),
        );
        let not_arn =
            Dfa::from_alternatives(&[cat(&[lit("arn:"), many(CharSet::any())])]).complement();
        let aws = Dfa::from_alternatives(&aws_principal_shapes());
        Shapes {
            any: Arc::new(Dfa::universal()),
            actions: Arc::new(Dfa::from_alternatives(
                &TRUST_ACTIONS.iter().map(|a| lit(a)).collect::<Vec<_>>(),
            )),
            aws_or_anonymous: aws.union(&anonymous),
            aws,
            service: Dfa::from_alternatives(&service_shapes())
                .intersect(&not_arn)
                .minus(&web_names),
            federated: Dfa::from_alternatives(&federated_shapes()),
            not_arn,
            nothing: Dfa::empty(),
        }
    })
}

/// One analysis: compiles statements into cubes over the shared fixed languages.
pub struct Space {
    shapes: &'static Shapes,
}

impl Default for Space {
    fn default() -> Self {
        Self::new()
    }
}

impl Universe for Space {
    fn universe(&self, key: &str) -> (Arc<Dfa>, bool) {
        if key == ACTION_KEY {
            return (Arc::clone(&self.shapes.actions), false);
        }
        (Arc::clone(&self.shapes.any), is_multi_valued(key))
    }
}

/// A compiled policy: the cubes each statement covers.
pub struct CompiledPolicy {
    /// (statement index, the requests it applies to) for `Allow` statements.
    pub allows: Vec<(usize, CubeSet)>,
    /// The same for `Deny` statements.
    pub denies: Vec<(usize, CubeSet)>,
}

impl Space {
    /// A space over the process-wide fixed languages.
    pub fn new() -> Self {
        Self { shapes: shapes() }
    }

    /// The language of `alternatives`.
    pub fn dfa(&self, alternatives: &[Pieces]) -> Dfa {
        if alternatives.is_empty() {
            return self.shapes.nothing.clone();
        }
        Dfa::from_alternatives(alternatives)
    }

    /// Every string.
    pub fn everything(&self) -> Dfa {
        (*self.shapes.any).clone()
    }

    /// The principals `{"AWS": "*"}` names, without anonymous callers.
    pub fn aws_principals(&self) -> &Dfa {
        &self.shapes.aws
    }

    /// Strings that are not ARNs.
    pub fn non_arns(&self) -> &Dfa {
        &self.shapes.not_arn
    }

    /// Compiles every statement of `policy`.
    pub fn compile(&self, policy: &TrustPolicy) -> CompiledPolicy {
        let mut allows = Vec::new();
        let mut denies = Vec::new();
        for (index, statement) in policy.statements() {
            let cubes = self.statement_cubes(statement);
            match statement.effect {
                Effect::Allow => allows.push((index, cubes)),
                Effect::Deny => denies.push((index, cubes)),
            }
        }
        CompiledPolicy { allows, denies }
    }

    /// The requests one statement applies to.
    pub fn statement_cubes(&self, statement: &Statement) -> CubeSet {
        let mut base = Cube::everything();
        // Action / NotAction.
        base.keys.insert(
            ACTION_KEY.to_owned(),
            single(Some(true), action_language(statement)),
        );
        // Conditions, ANDed: each key's constraints intersect; a union splits the cube.
        let mut cubes = vec![base];
        for condition in &statement.conditions {
            let key = condition.key.to_lowercase();
            match self.condition_language(condition, &key) {
                ConditionLanguage::Opaque => {
                    for cube in &mut cubes {
                        cube.opaque.push(OpaqueAtom {
                            condition: condition.clone(),
                            negated: false,
                        });
                    }
                }
                ConditionLanguage::Key(alternatives) => {
                    let mut next = Vec::new();
                    for cube in &cubes {
                        for constraint in &alternatives {
                            let mut c = Cube::everything();
                            c.keys.insert(key.clone(), constraint.clone());
                            if let Some(merged) = cube.intersect(&c) {
                                next.push(merged);
                            }
                        }
                    }
                    cubes = next;
                }
            }
        }
        // Principal / NotPrincipal.
        let principal_cubes = self.principal_cubes(statement);
        let mut out = Vec::new();
        for cube in &cubes {
            for p in &principal_cubes {
                if let Some(c) = cube.intersect(p) {
                    out.push(c);
                }
            }
        }
        CubeSet { cubes: out }
    }

    fn shape(&self, shape: Shape) -> &Dfa {
        match shape {
            Shape::Anything => &self.shapes.any,
            Shape::AwsOrAnonymous => &self.shapes.aws_or_anonymous,
            Shape::Service => &self.shapes.service,
        }
    }

    /// The principal part of a statement as cubes over `$principal` and `$principal_id`.
    fn principal_cubes(&self, statement: &Statement) -> Vec<Cube> {
        let Some(block) = &statement.principal else {
            // A trust statement without Principal names nobody.
            return Vec::new();
        };
        let mut named = self.dfa(&[]);
        let mut plain: Vec<Pieces> = Vec::new();
        let mut ids: Vec<String> = Vec::new();
        for (kind, value) in principal_values(statement) {
            match principal_language(kind, value) {
                PrincipalLanguage::Principal {
                    alternatives,
                    shape: Shape::Anything,
                } => {
                    plain.extend(alternatives);
                }
                PrincipalLanguage::Principal {
                    alternatives,
                    shape,
                } => {
                    named = named.union(&self.dfa(&alternatives).intersect(self.shape(shape)));
                }
                PrincipalLanguage::UniqueId(id) => ids.push(id),
            }
        }
        if !plain.is_empty() {
            named = if named.is_empty() {
                self.dfa(&plain)
            } else {
                named.union(&self.dfa(&plain))
            };
        }
        let id_language = self.dfa(
            &ids.iter()
                .flat_map(|id| [lit(id), cat(&[lit(id), lit(":"), many(any())])])
                .collect::<Vec<_>>(),
        );
        let principal_cube = |dfa: Dfa| {
            let mut c = Cube::everything();
            c.keys
                .insert(PRINCIPAL_KEY.to_owned(), single(Some(true), dfa));
            c
        };
        if !block.negated {
            let mut out = vec![principal_cube(named)];
            if !ids.is_empty() {
                let mut c = principal_cube(self.shapes.aws.clone());
                c.keys
                    .insert(PRINCIPAL_ID_KEY.to_owned(), single(Some(true), id_language));
                out.push(c);
            }
            return out;
        }
        // NotPrincipal: the principal is not named, and (not an AWS principal, or its id is not
        // one of the named ids).
        let outside = self.shapes.any.minus(&named);
        if ids.is_empty() {
            return vec![principal_cube(outside)];
        }
        let mut non_aws = principal_cube(outside.minus(&self.shapes.aws));
        non_aws.keys.remove(PRINCIPAL_ID_KEY);
        let mut aws = principal_cube(outside.intersect(&self.shapes.aws));
        aws.keys.insert(
            PRINCIPAL_ID_KEY.to_owned(),
            KeyConstraint {
                presence: None,
                all: self.shapes.any.minus(&id_language),
                some: Vec::new(),
                multi: false,
            },
        );
        vec![non_aws, aws]
    }

    /// The language of one condition on its key. Remembered per thread by what it depends on
    /// (operator, values, whether the key is multi-valued): each statement's conditions are
    /// compiled once for the cubes and again for a key's own constraints (`key_constraints`), and
    /// the same audiences and values recur across policies.
    fn condition_language(&self, condition: &Condition, key: &str) -> ConditionLanguage {
        type Entry = (ConditionOperator, bool, Vec<String>, Vec<KeyConstraint>);
        thread_local! {
            static RECENT: RefCell<(usize, HashMap<u64, Vec<Entry>>)> =
                RefCell::new((0, HashMap::new()));
        }
        if !is_modelled(condition) {
            return ConditionLanguage::Opaque;
        }
        let multi = is_multi_valued(key);
        let mut hasher = std::hash::DefaultHasher::new();
        (condition.operator, multi, &condition.values).hash(&mut hasher);
        let hash = hasher.finish();
        let same =
            |e: &&Entry| e.0 == condition.operator && e.1 == multi && e.2 == condition.values;
        if let Some(hit) = RECENT.with(|r| {
            r.borrow()
                .1
                .get(&hash)
                .and_then(|bucket| bucket.iter().find(same).map(|e| e.3.clone()))
        }) {
            return ConditionLanguage::Key(hit);
        }
        let language = self.condition_language_uncached(condition, key);
        if let ConditionLanguage::Key(constraints) = &language {
            RECENT.with(|r| {
                let (count, entries) = &mut *r.borrow_mut();
                if *count >= RECENT_CONDITIONS {
                    entries.clear();
                    *count = 0;
                }
                *count += 1;
                entries.entry(hash).or_default().push((
                    condition.operator,
                    multi,
                    condition.values.clone(),
                    constraints.clone(),
                ));
            });
        }
        language
    }

    fn condition_language_uncached(&self, condition: &Condition, key: &str) -> ConditionLanguage {
        if !is_modelled(condition) {
            return ConditionLanguage::Opaque;
        }
        let op = condition.operator;
        let multi = is_multi_valued(key);
        let any = self.everything();
        if op.base == Operator::Null {
            let wants_absent = condition
                .values
                .iter()
                .any(|v| v.eq_ignore_ascii_case("true"));
            let wants_present = condition
                .values
                .iter()
                .any(|v| v.eq_ignore_ascii_case("false"));
            let presence = match (wants_absent, wants_present) {
                (true, true) => None,
                (true, false) => Some(false),
                _ => Some(true),
            };
            return ConditionLanguage::Key(vec![KeyConstraint {
                presence,
                all: any,
                some: Vec::new(),
                multi,
            }]);
        }
        let matched = self.dfa(
            &condition
                .values
                .iter()
                .map(|v| value_pieces(op.base, v))
                .collect::<Vec<_>>(),
        );
        let negated = op.base.is_negated();
        // A request value "satisfies" the operator when it matches (or, negated, does not).
        let satisfying = if negated {
            any.minus(&matched)
        } else {
            matched
        };
        let absent = KeyConstraint {
            presence: Some(false),
            all: any.clone(),
            some: Vec::new(),
            multi,
        };
        let mut out = match (op.qualifier, negated, multi) {
            // Plain negated operators: every value satisfies (NOR); absent holds.
            (None, true, _) => vec![KeyConstraint {
                presence: None,
                all: satisfying,
                some: Vec::new(),
                multi,
            }],
            // Plain positive on one value, or ForAnyValue on a single-valued key: present and matching.
            (None, false, false) | (Some(SetQualifier::ForAnyValue), _, false) => {
                vec![KeyConstraint {
                    presence: Some(true),
                    all: satisfying,
                    some: Vec::new(),
                    multi,
                }]
            }
            // Some value satisfies.
            (None, false, true) | (Some(SetQualifier::ForAnyValue), _, true) => {
                vec![KeyConstraint {
                    presence: Some(true),
                    all: any.clone(),
                    some: vec![satisfying],
                    multi,
                }]
            }
            // Every value satisfies; vacuously true when absent.
            (Some(SetQualifier::ForAllValues), _, _) => {
                vec![KeyConstraint {
                    presence: None,
                    all: satisfying,
                    some: Vec::new(),
                    multi,
                }]
            }
        };
        if op.if_exists && out.iter().all(|c| c.presence == Some(true)) {
            out.push(absent);
        }
        ConditionLanguage::Key(out.into_iter().filter(|c| !c.is_empty()).collect())
    }
}

fn single(presence: Option<bool>, all: Dfa) -> KeyConstraint {
    KeyConstraint {
        presence,
        all,
        some: Vec::new(),
        multi: false,
    }
}

/// The trust actions a statement's Action / NotAction covers. Only the six trust actions exist for
/// a role, so the language is one of 64 finite sets (each built once); membership is decided by
/// the engine's own wildcard matcher.
fn action_language(statement: &Statement) -> Dfa {
    static BY_MASK: OnceLock<Vec<Dfa>> = OnceLock::new();
    let table = BY_MASK.get_or_init(|| {
        (0..64u32)
            .map(|mask| {
                let names: Vec<Pieces> = TRUST_ACTIONS
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, a)| lit(a))
                    .collect();
                Dfa::from_alternatives(&names)
            })
            .collect()
    });
    let patterns: Vec<Pattern> = statement
        .action
        .values
        .iter()
        .map(|a| Pattern::new_case_insensitive(a))
        .collect();
    let mask = TRUST_ACTIONS
        .iter()
        .enumerate()
        .fold(0usize, |mask, (i, action)| {
            let named = patterns.iter().any(|p| p.matches(action));
            if named != statement.action.negated {
                mask | (1 << i)
            } else {
                mask
            }
        });
    table.get(mask).cloned().unwrap_or_else(Dfa::empty)
}

/// The language one key may take under a statement's own conditions (principal, action and other
/// keys aside), as a union of constraints; `None` when the statement does not constrain the key.
pub fn key_constraints(
    space: &Space,
    statement: &Statement,
    key: &str,
) -> Option<Vec<KeyConstraint>> {
    let mut current: Option<Vec<KeyConstraint>> = None;
    for condition in statement
        .conditions
        .iter()
        .filter(|c| c.key.to_lowercase() == key)
    {
        let ConditionLanguage::Key(alternatives) = space.condition_language(condition, key) else {
            continue;
        };
        current = Some(match current {
            None => alternatives,
            Some(previous) => previous
                .iter()
                .flat_map(|p| alternatives.iter().filter_map(move |a| p.intersect(a)))
                .collect(),
        });
    }
    current
}

/// The cubes of a whole policy: what some Allow statement admits and no Deny statement denies,
/// labelled with the Allow statement it came from.
pub fn admitted(space: &Space, compiled: &CompiledPolicy) -> Vec<(usize, Cube)> {
    let denied = CubeSet {
        cubes: compiled
            .denies
            .iter()
            .flat_map(|(_, c)| c.cubes.iter().cloned())
            .collect(),
    };
    let mut out = Vec::new();
    for (index, cubes) in &compiled.allows {
        for cube in cubes.minus(&denied, space).cubes {
            out.push((*index, cube));
        }
    }
    out
}

/// Which keys a set of cubes constrains (for reports), lower-cased and sorted.
pub fn constrained_keys(cube: &Cube) -> BTreeMap<&str, &KeyConstraint> {
    cube.keys.iter().map(|(k, v)| (k.as_str(), v)).collect()
}
