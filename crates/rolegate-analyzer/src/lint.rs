//! The linter: runs every per-policy finding (TP001–TP034, TP038 self-trust, TP040) over one
//! trust policy and returns findings with engine-checked witnesses.
//!
//! The rules live in `rules/`, grouped by principal kind; this module holds what they share: the
//! compiled languages of the policy, the admitted cubes per statement, and witness search.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use rolegate_policy::PolicyDecision;
use rolegate_policy::ast::{Condition, Effect, Operator, SetQualifier, Statement};
use serde::Deserialize;

use crate::automata::Dfa;
use crate::compile::{CompiledPolicy, Space, admitted, is_multi_valued};
use crate::finding::{Finding, Severity};
use crate::issuers::{Issuer, IssuerBase, provider_url};
use crate::model::{TrustPolicy, principal_values};
use crate::rules;
use crate::symbolic::Cube;
use crate::witness::{Hints, Witness, find};

/// What the linter knows beyond the policy text.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// The role's own account (`--account`); cross-account judgements need it.
    pub account: Option<String>,
    /// Other accounts inside the zone of trust (the organization).
    pub zone_of_trust: Vec<String>,
    /// The role's ARN, when known (self-trust, TP038).
    pub role_arn: Option<String>,
}

impl LintOptions {
    /// Whether `account` is the role's own or inside the zone of trust.
    pub fn is_inside(&self, account: &str) -> bool {
        self.account.as_deref() == Some(account) || self.zone_of_trust.iter().any(|a| a == account)
    }

    /// Whether `account` is known to be another account than the role's.
    pub fn is_other_account(&self, account: &str) -> bool {
        match &self.account {
            Some(own) => own != account,
            // Without --account, the account of the role ARN, if any, is the role's own.
            None => self
                .role_arn
                .as_deref()
                .and_then(arn_account)
                .is_some_and(|own| own != account),
        }
    }

    /// The role's ARN, or a stand-in in its account (trust evaluation does not read it).
    pub fn role_arn_or_default(&self) -> String {
        self.role_arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:iam::{}:role/analyzed-role",
                self.account.as_deref().unwrap_or("000000000000")
            )
        })
    }
}

/// The account field of an ARN.
pub fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// Per-service facts (`data/services.json`).
#[derive(Debug, Default, Deserialize)]
pub struct ServiceFacts {
    pub confused_deputy: Vec<String>,
    pub principal_keys_never_sent: Vec<String>,
    pub unsupported_keys: BTreeMap<String, Vec<String>>,
    pub source_binding_keys: Vec<String>,
}

impl ServiceFacts {
    /// The facts shipped with Rolegate.
    pub fn builtin() -> &'static ServiceFacts {
        static FACTS: OnceLock<ServiceFacts> = OnceLock::new();
        FACTS.get_or_init(|| {
            serde_json::from_str(include_str!("../data/services.json")).unwrap_or_default()
        })
    }
}

/// Everything the rules share for one policy.
pub struct Ctx<'a> {
    pub policy: &'a TrustPolicy,
    pub options: &'a LintOptions,
    pub space: Space,
    /// The policy's cubes and its admitted set (after Deny statements), labelled with their Allow
    /// statement; compiled on first use, since most policies need no language work at all.
    analysis: OnceCell<(CompiledPolicy, Vec<(usize, Cube)>)>,
    pub issuers: &'static IssuerBase,
    pub services: &'static ServiceFacts,
    pub role_arn: String,
    /// An account id nobody in the analysis mentions: the attacker's.
    pub outside_account: String,
    pub findings: Vec<Finding>,
}

/// Lints one trust policy.
pub fn lint(policy: &TrustPolicy, options: &LintOptions) -> Vec<Finding> {
    let mut ctx = Ctx::new(policy, options);
    rules::structure::check(&mut ctx);
    rules::aws::check(&mut ctx);
    rules::federated::check(&mut ctx);
    rules::session::check(&mut ctx);
    let mut findings = ctx.findings;
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.statement.cmp(&b.statement))
            .then(a.id.cmp(b.id))
    });
    findings
}

impl<'a> Ctx<'a> {
    fn new(policy: &'a TrustPolicy, options: &'a LintOptions) -> Self {
        let issuers = IssuerBase::builtin();
        let space = Space::new();
        let mentions = |account: &str| {
            policy.statements().any(|(_, s)| {
                principal_values(s).iter().any(|(_, v)| v.contains(account))
                    || s.conditions
                        .iter()
                        .any(|c| c.values.iter().any(|v| v.contains(account)))
            })
        };
        let outside_account = [
            "999999999999",
            "888888888888",
            "777777777777",
            "123456789012",
        ]
        .into_iter()
        .find(|a| !mentions(a) && !options.is_inside(a))
        .unwrap_or("999999999999")
        .to_owned();
        Self {
            policy,
            options,
            space,
            analysis: OnceCell::new(),
            issuers,
            services: ServiceFacts::builtin(),
            role_arn: options.role_arn_or_default(),
            outside_account,
            findings: Vec::new(),
        }
    }

    /// Adds a finding about statement `index`.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call site passes each finding's parts"
    )]
    pub fn report(
        &mut self,
        id: &'static str,
        severity: Severity,
        index: Option<usize>,
        path: String,
        message: String,
        witness: Option<Witness>,
        fix: &str,
    ) {
        let duplicate = self
            .findings
            .iter()
            .any(|f| f.id == id && f.statement == index && f.path == path);
        if duplicate {
            return;
        }
        self.findings.push(Finding {
            id,
            severity,
            source: self.policy.source.clone(),
            statement: index,
            line: index
                .and_then(|i| self.policy.policy.statement_location(i))
                .map(|l| l.line),
            path,
            message,
            witness,
            fix: fix.to_owned(),
        });
    }

    fn analysis(&self) -> &(CompiledPolicy, Vec<(usize, Cube)>) {
        self.analysis.get_or_init(|| {
            let compiled = self.space.compile(self.policy);
            let admitted = admitted(&self.space, &compiled);
            (compiled, admitted)
        })
    }

    /// The compiled statements.
    pub fn compiled(&self) -> &CompiledPolicy {
        &self.analysis().0
    }

    /// The admitted cubes of Allow statement `index`.
    pub fn admitted_of(&self, index: usize) -> impl Iterator<Item = &Cube> {
        self.analysis()
            .1
            .iter()
            .filter(move |(i, _)| *i == index)
            .map(|(_, c)| c)
    }

    /// A request in one of `cubes` that the engine allows, spelled with `hints`.
    pub fn allowed_witness<'c>(
        &self,
        cubes: impl IntoIterator<Item = &'c Cube>,
        hints: &Hints,
    ) -> Option<Witness> {
        let policy = self.policy;
        let role = self.role_arn.as_str();
        cubes.into_iter().find_map(|cube| {
            find(&self.space, cube, hints, &mut |w: &Witness| {
                w.decision(policy, role) == PolicyDecision::Allow
            })
        })
    }

    /// A witness for statement `index` with no special hints.
    pub fn statement_witness(&self, index: usize) -> Option<Witness> {
        let hints = Hints {
            outside_account: Some(self.outside_account.clone()),
            ..Hints::default()
        };
        self.allowed_witness(self.admitted_of(index), &hints)
    }

    /// The union of what admitted cubes of statement `index` allow for `key` when it is present
    /// (universal when a cube leaves the key unconstrained).
    pub fn present_language(&self, index: usize, key: &str) -> Dfa {
        let has_deny = self
            .policy
            .statements()
            .any(|(_, s)| s.effect == Effect::Deny);
        if !has_deny {
            // Without Deny statements the admitted set of a statement is its own cubes, whose
            // projection on `key` is what its conditions on `key` allow.
            let Some(statement) = self.statement(index) else {
                return self.space.dfa(&[]);
            };
            return match crate::compile::key_constraints(&self.space, statement, key) {
                None => self.space.everything(),
                Some(constraints) => {
                    let mut out = self.space.dfa(&[]);
                    for c in constraints.iter().filter(|c| c.presence != Some(false)) {
                        out = if out.is_empty() {
                            c.all.clone()
                        } else {
                            out.union(&c.all)
                        };
                    }
                    out
                }
            };
        }
        let mut out = self.space.dfa(&[]);
        for cube in self.admitted_of(index) {
            let part = match cube.key(key) {
                Some(c) if c.presence == Some(false) => continue,
                Some(c) => c.all.clone(),
                None => self.space.everything(),
            };
            out = out.union(&part);
        }
        out
    }

    /// The statement at `index`.
    pub fn statement(&self, index: usize) -> Option<&'a Statement> {
        self.policy.document().statements.get(index)
    }

    /// Allow statements with their indices.
    pub fn allow_statements(&self) -> Vec<(usize, &'a Statement)> {
        self.policy
            .statements()
            .filter(|(_, s)| s.effect == Effect::Allow)
            .collect()
    }
}

/// Conditions of `statement` on `key` (case-insensitive).
pub fn conditions_on<'s>(
    statement: &'s Statement,
    key: &str,
) -> impl Iterator<Item = &'s Condition> {
    let key = key.to_lowercase();
    statement
        .conditions
        .iter()
        .filter(move |c| c.key.to_lowercase() == key)
}

/// Whether a condition requires its key to be present with a matching value (a real pin): a
/// positive operator, no `IfExists`, not `ForAllValues`.
pub fn is_pin(condition: &Condition) -> bool {
    let op = condition.operator;
    op.base != Operator::Null
        && !op.base.is_negated()
        && !op.if_exists
        && op.qualifier != Some(SetQualifier::ForAllValues)
        && !condition.values.is_empty()
}

/// Whether a condition uses a wildcard (or a negation, which admits everything else).
pub fn is_wildcard(condition: &Condition) -> bool {
    use Operator::*;
    match condition.operator.base {
        StringLike | ArnLike | ArnEquals => condition
            .values
            .iter()
            .any(|v| v.contains('*') || v.contains('?')),
        StringNotEquals | StringNotLike | ArnNotEquals | ArnNotLike | StringNotEqualsIgnoreCase => {
            true
        }
        _ => false,
    }
}

/// The issuer and the provider URL a federated principal value names.
pub fn issuer_of<'b>(issuers: &'b IssuerBase, value: &'b str) -> Option<(&'b Issuer, &'b str)> {
    let url = provider_url(value)?;
    issuers.by_url(url).map(|i| (i.as_ref(), url))
}

/// The condition key of claim `claim` for provider `url` (`token.actions…:sub`).
pub fn claim_key(url: &str, claim: &str) -> String {
    format!("{url}:{claim}")
}

/// Whether a key is multi-valued for the analysis.
pub fn multi_valued(key: &str) -> bool {
    is_multi_valued(&key.to_lowercase())
}
