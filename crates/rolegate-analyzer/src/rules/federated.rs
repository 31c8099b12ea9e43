//! Federated principals (OIDC and SAML): missing conditions (TP015), issuer-specific pins and
//! subject languages (TP016–TP022, TP025–TP027, from the issuer knowledge base), set operators on
//! single-valued keys (TP023), and the statement-union check (TP040).

use std::collections::BTreeMap;

use rolegate_policy::ast::{PrincipalKind, SetQualifier, Statement};

use crate::automata::{Dfa, Pieces, literal_pieces, pieces_accept, pieces_word};
use crate::finding::Severity;
use crate::issuers::{Issuer, Tenancy};
use crate::lint::{Ctx, claim_key, conditions_on, is_pin, is_wildcard, issuer_of, multi_valued};
use crate::model::principal_values;
use crate::witness::{Hints, Witness};

pub fn check(ctx: &mut Ctx<'_>) {
    set_operators(ctx);
    // provider -> (scoped statements, open statements with their witness)
    type Statements = (Vec<usize>, Vec<(usize, Option<Witness>)>);
    let mut by_provider: BTreeMap<String, Statements> = BTreeMap::new();
    for (index, statement) in ctx.allow_statements() {
        for (kind, value) in principal_values(statement) {
            if kind != Some(PrincipalKind::Federated) {
                continue;
            }
            let open = federated_statement(ctx, index, statement, value);
            let entry = by_provider.entry(value.to_owned()).or_default();
            match open {
                Some(witness) => entry.1.push((index, witness)),
                None => entry.0.push(index),
            }
        }
    }
    // TP040: one statement scopes the provider, another leaves it open; the union is open.
    for (provider, (scoped, open)) in by_provider {
        if scoped.is_empty() {
            continue;
        }
        for (index, witness) in open {
            let path = ctx.policy.statement_path(index);
            ctx.report(
                "TP040",
                Severity::Medium,
                Some(index),
                path,
                format!(
                    "statement {} scopes {provider}, but statement {index} does not: the trust is the union of both, so it is open whatever order they are read in",
                    scoped.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                ),
                witness,
                "Give every statement for this provider the same tenant and subject pins, or merge them",
            );
        }
    }
}

/// Checks one federated principal of an Allow statement; returns `Some(witness)` when the
/// statement leaves the provider open beyond one tenant (for TP040).
fn federated_statement(
    ctx: &mut Ctx<'_>,
    index: usize,
    statement: &Statement,
    provider: &str,
) -> Option<Option<Witness>> {
    let policy = ctx.policy;
    let spath = policy.statement_path(index);
    if statement.conditions.is_empty() {
        let witness = ctx.statement_witness(index);
        ctx.report(
            "TP015",
            Severity::Critical,
            Some(index),
            spath.clone(),
            format!("{provider} is trusted with no condition: every identity the provider can issue a token or assertion for can assume the role"),
            witness.clone(),
            "Pin the audience and the subject (and for shared issuers the tenant) with StringEquals",
        );
        return Some(witness.clone())
            .filter(|_| issuer_of(ctx.issuers, provider).is_none())
            .or_else(|| {
                // Known issuers get their specific finding too (TP016, TP017, TP025, TP027).
                federated_pins(ctx, index, statement, provider).or(Some(witness))
            });
    }
    federated_pins(ctx, index, statement, provider)
}

fn federated_pins(
    ctx: &mut Ctx<'_>,
    index: usize,
    statement: &Statement,
    provider: &str,
) -> Option<Option<Witness>> {
    let policy = ctx.policy;
    let spath = policy.statement_path(index);
    let (issuer, url) = {
        let issuers = ctx.issuers;
        let (issuer, url) = issuer_of(issuers, provider)?;
        (issuer, url.to_owned())
    };
    let pinned = |claim: &str| conditions_on(statement, &claim_key(&url, claim)).any(is_pin);
    let sub_key = claim_key(&url, "sub");
    let mut open: Option<Option<Witness>> = None;

    match issuer.id.as_str() {
        "github" => {
            if !issuer.repo_binding_claims.iter().any(|c| pinned(c)) {
                let witness = claim_witness(ctx, index, &sub_key, issuer, None);
                ctx.report(
                    "TP016",
                    Severity::Critical,
                    Some(index),
                    spath.clone(),
                    "GitHub OIDC trust without a repository binding (sub, repository_id or repository): any workflow in any repository on GitHub can assume the role".to_owned(),
                    witness.clone(),
                    "Add StringEquals on token.actions.githubusercontent.com:sub (repo:ORG/REPO:environment:prod) and pin repository_id",
                );
                open = Some(witness);
            }
        }
        "cognito" => {
            if !pinned("aud") {
                let witness = ctx.statement_witness(index);
                ctx.report(
                    "TP025",
                    Severity::Critical,
                    Some(index),
                    spath.clone(),
                    "Cognito trust without cognito-identity.amazonaws.com:aud: an identity from any identity pool in any account can assume the role".to_owned(),
                    witness.clone(),
                    "Add StringEquals on cognito-identity.amazonaws.com:aud with your identity pool id",
                );
                open = Some(witness);
            }
            let amr_key = claim_key(&url, "amr").to_lowercase();
            let guest = vec!["unauthenticated".to_owned()];
            let admits_guest = ctx
                .admitted_of(index)
                .any(|c| c.key(&amr_key).is_none_or(|k| k.admits(Some(&guest))));
            let has_amr = conditions_on(statement, &amr_key).count() > 0;
            if !has_amr || admits_guest {
                let hints = Hints {
                    preferred: [(amr_key.clone(), guest)].into(),
                    ..Hints::default()
                };
                let witness = ctx.allowed_witness(ctx.admitted_of(index), &hints);
                ctx.report(
                    "TP026",
                    Severity::High,
                    Some(index),
                    spath.clone(),
                    if has_amr { "the amr condition admits unauthenticated (guest) identities".to_owned() } else { "no amr condition: unauthenticated (guest) identities of the pool can get this role in the basic flow".to_owned() },
                    witness,
                    "Add \"ForAnyValue:StringLike\": {\"cognito-identity.amazonaws.com:amr\": \"authenticated\"}",
                );
            }
            return open;
        }
        "eks" => {
            if !pinned("sub") {
                let witness = ctx.statement_witness(index);
                ctx.report(
                    "TP027",
                    Severity::High,
                    Some(index),
                    spath.clone(),
                    "EKS IRSA trust without a sub pin: every service account in every namespace of the cluster can assume the role".to_owned(),
                    witness.clone(),
                    "Add StringEquals on …:sub = system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT and …:aud = sts.amazonaws.com",
                );
                return Some(witness);
            }
        }
        _ => {
            if !pinned(&issuer.tenant_claim) {
                let severity = if issuer.tenancy == Tenancy::Shared {
                    Severity::Critical
                } else {
                    Severity::High
                };
                let who = if issuer.tenancy == Tenancy::Shared {
                    "every customer of the issuer"
                } else {
                    "every project and user of the tenant"
                };
                let witness = claim_witness(ctx, index, &sub_key, issuer, None);
                ctx.report(
                    "TP017",
                    severity,
                    Some(index),
                    spath.clone(),
                    format!(
                        "{} ({}) trust without a {} pin: {who} can assume the role",
                        issuer.name,
                        url,
                        claim_key(&url, &issuer.tenant_claim)
                    ),
                    witness.clone(),
                    &format!(
                        "Add StringEquals on {} for your own tenant and pin the subject exactly",
                        claim_key(&url, &issuer.tenant_claim)
                    ),
                );
                open = Some(witness);
            }
        }
    }

    let sub_conditions: Vec<_> = conditions_on(statement, &sub_key).collect();
    if sub_conditions.is_empty() {
        return open;
    }
    let grammar = grammar(ctx, issuer);
    let subject = Words::of(ctx.present_language(index, &sub_key.to_lowercase())).within(&grammar);
    let sub_path = sub_conditions
        .first()
        .map_or(spath.clone(), |c| policy.condition_path(index, c));

    // TP022: pinned subject values the issuer can never emit, and mixed GitHub formats.
    if !issuer.subject_formats.is_empty() {
        for condition in sub_conditions.iter().filter(|c| is_pin(c)) {
            for value in &condition.values {
                let pieces = value_language(ctx, condition.operator.base, value);
                if !pieces.meets(&grammar) {
                    ctx.report(
                        "TP022",
                        Severity::Medium,
                        Some(index),
                        policy.condition_path(index, condition),
                        format!("'{value}' can never be emitted as {} by {}: this part of the trust is dead", sub_key, issuer.name),
                        None,
                        &format!("Write the subject in the issuer's format ({})", issuer.subject_formats.first().map_or("", |f| f.pattern.as_str())),
                    );
                }
            }
        }
        let names = issuer.family_language("name");
        let ids = issuer.family_language("id");
        let pinned_values: Vec<(String, rolegate_policy::ast::Operator)> = sub_conditions
            .iter()
            .filter(|c| is_pin(c))
            .flat_map(|c| c.values.iter().map(move |v| (v.clone(), c.operator.base)))
            .collect();
        // A value only in one family, and another only in the other.
        let only_in = |family: &Dfa, other: &Dfa| {
            pinned_values.iter().any(|(v, op)| {
                let l = value_language(ctx, *op, v);
                l.meets(family) && !l.meets(other)
            })
        };
        if only_in(names, ids) && only_in(ids, names) {
            ctx.report(
                "TP022",
                Severity::Medium,
                Some(index),
                sub_path.clone(),
                "the subject values mix the name-based and the immutable-id sub formats: a repository emits only one of them, so part of this trust is dead".to_owned(),
                None,
                "Use one sub format for the repository (the immutable-id one when it is enabled)",
            );
        }
    }

    // TP020: custom sub templates whose first claim anyone with push access chooses.
    for condition in sub_conditions.iter().filter(|c| is_pin(c)) {
        for value in &condition.values {
            let first = value.split(':').next().unwrap_or_default();
            if issuer.abusable_first_claims.iter().any(|c| c == first) {
                ctx.report(
                    "TP020",
                    Severity::High,
                    Some(index),
                    policy.condition_path(index, condition),
                    format!("'{value}' starts with the '{first}' claim: a custom sub template led by it matches workflows from any repository that uses the same {first}"),
                    None,
                    "Start the sub template with repo (or repository_owner_id / repository_id)",
                );
            }
        }
    }

    // TP018 / TP027: the subject language crosses the tenant delimiter.
    let mut crossed = false;
    if !issuer.tenant_prefixes.is_empty()
        && let Some(foreign) = crossing_subject(ctx, issuer, &subject)
    {
        crossed = true;
        let witness = claim_witness(ctx, index, &sub_key, issuer, Some(foreign.clone()));
        let (id, severity, what) = if issuer.id == "eks" {
            ("TP027", Severity::High, "namespace")
        } else {
            ("TP018", Severity::High, "tenant")
        };
        ctx.report(
                id,
                severity,
                Some(index),
                sub_path.clone(),
                format!("the {sub_key} condition crosses the {what} boundary: it also admits '{foreign}', which someone else can register"),
                witness.clone(),
                "Pin the tenant exactly (no wildcard before the tenant delimiter); use StringEquals on the full subject",
            );
        if id == "TP018" {
            open = Some(witness);
        }
    }

    // TP019: wildcards inside the tenant, or broad contexts such as pull_request.
    if !crossed {
        let wildcard = sub_conditions.iter().any(|c| is_wildcard(c));
        let broad = (!issuer.broad_contexts.is_empty())
            .then(|| subject.witness_in(issuer.broad_contexts_language()))
            .flatten();
        let many = !matches!(subject.finite_size(), Some(0 | 1));
        let example = broad.clone().or_else(|| {
            if wildcard && many {
                subject.witness()
            } else {
                None
            }
        });
        if let Some(example) = example.filter(|_| broad.is_some() || (wildcard && many)) {
            let witness = claim_witness(ctx, index, &sub_key, issuer, Some(example.clone()));
            ctx.report(
                "TP019",
                Severity::Medium,
                Some(index),
                sub_path.clone(),
                format!("the {sub_key} condition admits more than one workload of the tenant (e.g. '{example}'): any branch, pull request, workspace or service account it covers can assume the role"),
                witness,
                "Pin the subject exactly (one environment or protected branch; one run phase; one service account)",
            );
        }
    }

    // TP021: names without immutable ids.
    if !crossed
        && open.is_none()
        && !issuer.immutable_id_claims.is_empty()
        && issuer.subject_formats.iter().any(|f| f.family == "name")
    {
        let ids = issuer.family_language("id");
        let id_pinned = issuer
            .immutable_id_claims
            .iter()
            .any(|c| c != "sub" && pinned(c));
        let uses_ids = !subject.is_empty() && subject.is_subset_of(ids);
        if pinned("sub") && !id_pinned && !uses_ids && !subject.is_empty() {
            let exact = subject.finite_size().is_some();
            let severity = if exact {
                Severity::Medium
            } else {
                Severity::High
            };
            ctx.report(
                "TP021",
                severity,
                Some(index),
                sub_path,
                format!(
                    "the trust names {} by name only: if the name is deleted or renamed and re-registered, the new owner's tokens match",
                    issuer.tenant_field.as_deref().unwrap_or("the workload")
                ),
                None,
                &format!("Also pin an immutable id claim ({})", issuer.immutable_id_claims.join(", ")),
            );
        }
    }
    open
}

/// TP023: `ForAllValues` / `ForAnyValue` on keys that carry one value.
fn set_operators(ctx: &mut Ctx<'_>) {
    let policy = ctx.policy;
    for (index, statement) in policy.statements() {
        for condition in &statement.conditions {
            let Some(qualifier) = condition.operator.qualifier else {
                continue;
            };
            if multi_valued(&condition.key) {
                continue;
            }
            let (severity, why) = match qualifier {
                SetQualifier::ForAllValues => (
                    Severity::High,
                    "is vacuously true when the key is absent, so this condition admits requests without it",
                ),
                SetQualifier::ForAnyValue => (
                    Severity::Low,
                    "has no effect on a single-valued key beyond the plain operator",
                ),
            };
            let key = condition.key.to_lowercase();
            let witness = (qualifier == SetQualifier::ForAllValues
                && statement.effect == rolegate_policy::ast::Effect::Allow)
                .then(|| {
                    let hints = Hints {
                        forced_absent: vec![key.clone()],
                        ..Hints::default()
                    };
                    ctx.allowed_witness(ctx.admitted_of(index), &hints)
                })
                .flatten();
            ctx.report(
                "TP023",
                severity,
                Some(index),
                policy.condition_path(index, condition),
                format!(
                    "{} on the single-valued key {} {why}",
                    condition.operator, condition.key
                ),
                witness,
                "Use the plain operator (StringEquals / StringLike) for single-valued keys",
            );
        }
    }
}

/// The language of subjects the issuer can emit (everything when its grammar is unknown).
fn grammar(ctx: &Ctx<'_>, issuer: &Issuer) -> Dfa {
    issuer
        .subject_language()
        .cloned()
        .unwrap_or_else(|| ctx.space.everything())
}

/// The language of one condition value under its operator, over the analysis alphabet (no
/// automaton for an exact value).
fn value_language(ctx: &Ctx<'_>, op: rolegate_policy::ast::Operator, value: &str) -> Words {
    use rolegate_policy::ast::Operator::*;
    let pieces = match op {
        StringLike | StringNotLike | ArnLike | ArnEquals | ArnNotLike | ArnNotEquals => {
            crate::automata::glob_pieces(value, false)
        }
        StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => literal_pieces(value, true),
        _ => literal_pieces(value, false),
    };
    match pieces_word(&pieces) {
        Some(word) => Words::One(word),
        None => Words::Language(ctx.space.dfa(&[pieces])),
    }
}

/// A subject in `subject` whose tenant differs from the tenant of its shortest member.
fn crossing_subject(ctx: &Ctx<'_>, issuer: &Issuer, subject: &Words) -> Option<String> {
    let subject = subject.within(issuer.tenant_prefixed());
    let first = subject.pretty(issuer)?;
    let tenant = issuer.tenant_of(&first)?.to_owned();
    let foreign = subject.minus_patterns(ctx, &issuer.tenant_pieces(&tenant))?;
    // Prefer a readable attacker tenant: `acme-evil` next to `acme`.
    for prefix in &issuer.tenant_prefixes {
        let Some((head, _)) = prefix.split_once("<tenant>") else {
            continue;
        };
        let Some(rest) = first
            .strip_prefix(head)
            .and_then(|r| r.strip_prefix(tenant.as_str()))
        else {
            continue;
        };
        for evil in [
            format!("{tenant}-evil"),
            "evil".to_owned(),
            format!("{tenant}x"),
        ] {
            let candidate = format!("{head}{evil}{rest}");
            if foreign.accepts(&candidate) {
                return Some(candidate);
            }
        }
    }
    foreign.pretty(issuer)
}

/// A language, kept as its one string when it is a single literal (the pinned subject, an
/// `StringEquals` value): intersecting with it is then a membership test, with the same answers
/// and witnesses as the automaton (a one-string language has only that string to show).
enum Words {
    One(String),
    Language(Dfa),
}

impl Words {
    fn of(language: Dfa) -> Self {
        match language.single_word() {
            Some(word) => Self::One(word),
            None => Self::Language(language),
        }
    }

    /// The strings also in `other`.
    fn within(&self, other: &Dfa) -> Self {
        match self {
            Self::One(word) if other.accepts(word) => Self::One(word.clone()),
            Self::One(_) => Self::Language(Dfa::empty()),
            Self::Language(language) => Self::Language(language.intersect(other)),
        }
    }

    /// The strings matching none of `patterns`, or `None` when there are none (decided without
    /// building the difference: most subjects stay inside their tenant).
    fn minus_patterns(&self, ctx: &Ctx<'_>, patterns: &[Pieces]) -> Option<Self> {
        match self {
            Self::One(word) if patterns.iter().any(|p| pieces_accept(p, word)) => None,
            Self::One(word) => Some(Self::One(word.clone())),
            Self::Language(language) => {
                let inside = ctx.space.dfa(patterns);
                (!language.is_subset_of(&inside)).then(|| Self::Language(language.minus(&inside)))
            }
        }
    }

    /// Whether some string is also in `other`.
    fn meets(&self, other: &Dfa) -> bool {
        match self {
            Self::One(word) => other.accepts(word),
            Self::Language(language) => language.intersection_witness(other).is_some(),
        }
    }

    /// A shortest string also in `other`.
    fn witness_in(&self, other: &Dfa) -> Option<String> {
        match self {
            Self::One(word) => other.accepts(word).then(|| word.clone()),
            Self::Language(language) => language.intersection_witness(other),
        }
    }

    fn accepts(&self, text: &str) -> bool {
        match self {
            Self::One(word) => word == text,
            Self::Language(language) => language.accepts(text),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Self::One(_) => false,
            Self::Language(language) => language.is_empty(),
        }
    }

    fn is_subset_of(&self, other: &Dfa) -> bool {
        match self {
            Self::One(word) => other.accepts(word),
            Self::Language(language) => language.is_subset_of(other),
        }
    }

    fn finite_size(&self) -> Option<usize> {
        match self {
            Self::One(_) => Some(1),
            Self::Language(language) => language.finite_size(),
        }
    }

    fn witness(&self) -> Option<String> {
        match self {
            Self::One(word) => Some(word.clone()),
            Self::Language(language) => language.witness_avoiding(&[]),
        }
    }

    /// A readable member, in the issuer's own formats first.
    fn pretty(&self, issuer: &Issuer) -> Option<String> {
        match self {
            Self::One(word) => Some(word.clone()),
            Self::Language(language) => issuer.pretty_subject(language),
        }
    }
}

/// A token for statement `index` whose `sub` is `subject` (or any admitted one), engine-checked.
fn claim_witness(
    ctx: &Ctx<'_>,
    index: usize,
    sub_key: &str,
    issuer: &Issuer,
    subject: Option<String>,
) -> Option<Witness> {
    let key = sub_key.to_lowercase();
    let mut preferred: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let grammar = grammar(ctx, issuer);
    let subject = subject.or_else(|| {
        // Spell a subject from someone else's tenant when the trust leaves sub open.
        let example = issuer.subject_formats.first().map(|f| {
            f.pattern
                .replace("<owner>", "attacker")
                .replace("<repo>", "repo")
                .replace("<ref>", "refs/heads/main")
        });
        example.filter(|e| grammar.accepts(e) && !e.contains('<'))
    });
    if let Some(s) = subject {
        preferred.insert(key.clone(), vec![s]);
    }
    let hints = Hints {
        preferred,
        ..Hints::default()
    };
    let witness = ctx.allowed_witness(ctx.admitted_of(index), &hints)?;
    // A token always carries sub: show one even when the trust does not look at it, if the
    // engine still allows the token with it.
    let mut shown = witness.clone();
    if let Some(s) = hints.preferred.get(&key).and_then(|v| v.first()) {
        shown
            .context
            .entry(key.clone())
            .or_insert_with(|| vec![s.clone()]);
    }
    let allowed =
        shown.decision(ctx.policy, &ctx.role_arn) == rolegate_policy::PolicyDecision::Allow;
    Some(if allowed { shown } else { witness })
}
