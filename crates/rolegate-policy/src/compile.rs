//! A parsed document compiled for evaluation: wildcard matchers built once, conditions parsed
//! once, and an action index so a request only visits the statements that can name its action.

use crate::PolicyType;
use crate::arn_pattern::ArnPattern;
use crate::ast::{Effect, PolicyDocument, PrincipalBlock, Statement};
use crate::condition::CompiledCondition;
use crate::env::Env;
use crate::evaluate::StatementMatch;
use crate::principal::PrincipalMatch;
use crate::variables::Template;
use crate::wildcard::Pattern;

#[derive(Debug, Clone)]
pub(crate) struct CompiledPolicy {
    pub(crate) statements: Vec<CompiledStatement>,
    index: ActionIndex,
    /// Resource and trust policies grant only to the principals they name.
    principal_required: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledStatement {
    pub(crate) effect: Effect,
    pub(crate) sid: Option<String>,
    principal: Option<PrincipalBlock>,
    actions: Vec<Pattern>,
    actions_negated: bool,
    resources: Option<Resources>,
    pub(crate) conditions: Vec<CompiledCondition>,
}

#[derive(Debug, Clone)]
struct Resources {
    negated: bool,
    entries: Vec<ResourceEntry>,
}

#[derive(Debug, Clone)]
enum ResourceEntry {
    Static(ArnPattern),
    Dynamic(Template),
}

/// Statements by the service prefix of their actions; statements that can match any service
/// (`*`, `NotAction`, a wildcard in the prefix) are always visited.
#[derive(Debug, Clone, Default)]
struct ActionIndex {
    always: Vec<usize>,
    by_service: Vec<(String, Vec<usize>)>,
}

impl ActionIndex {
    fn build(statements: &[CompiledStatement], source: &[Statement]) -> Self {
        let mut index = ActionIndex::default();
        let mut by_service: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
        for (i, s) in source.iter().enumerate() {
            let services: Option<Vec<String>> = if s.action.negated {
                None
            } else {
                s.action
                    .values
                    .iter()
                    .map(|a| match a.split_once(':') {
                        Some((service, _)) if !service.contains(['*', '?']) => {
                            Some(service.to_ascii_lowercase())
                        }
                        _ => None,
                    })
                    .collect()
            };
            match services {
                None => index.always.push(i),
                Some(mut services) => {
                    services.sort();
                    services.dedup();
                    for service in services {
                        by_service.entry(service).or_default().push(i);
                    }
                }
            }
        }
        debug_assert!(statements.len() == source.len());
        // Sorted by service name: looked up by binary search.
        index.by_service = by_service.into_iter().collect();
        index
    }

    fn candidates<'a>(&'a self, action: &str) -> impl Iterator<Item = usize> + 'a {
        let service = crate::principal::split_colon(action).map_or(action, |(s, _)| s);
        let wanted = service.bytes().map(|b| b.to_ascii_lowercase());
        let listed = self
            .by_service
            .binary_search_by(|(s, _)| s.bytes().cmp(wanted.clone()))
            .ok()
            .and_then(|at| self.by_service.get(at))
            .map(|(_, l)| l.as_slice());
        self.always
            .iter()
            .chain(listed.unwrap_or_default())
            .copied()
    }
}

impl CompiledPolicy {
    pub(crate) fn new(doc: &PolicyDocument, ty: PolicyType) -> Self {
        let variables = doc.effective_version().has_policy_variables();
        let statements: Vec<CompiledStatement> = doc
            .statements
            .iter()
            .map(|s| CompiledStatement::new(s, variables))
            .collect();
        let index = ActionIndex::build(&statements, &doc.statements);
        CompiledPolicy {
            statements,
            index,
            principal_required: matches!(ty, PolicyType::Resource | PolicyType::Trust),
        }
    }

    /// Statements that apply to the request, in document order, with how the principal matched;
    /// keys their conditions missed are added to `missing`.
    pub(crate) fn applicable(
        &self,
        env: &Env<'_>,
        missing: &mut Vec<String>,
    ) -> Vec<StatementMatch> {
        let mut out = Vec::new();
        for i in self.index.candidates(&env.request.action) {
            let Some(s) = self.statements.get(i) else {
                continue;
            };
            if let Some(principal) = s.applies(env, self.principal_required, missing) {
                out.push(StatementMatch {
                    statement_index: i,
                    sid: s.sid.clone(),
                    effect: s.effect,
                    principal,
                });
            }
        }
        out.sort_unstable_by_key(|m| m.statement_index);
        out
    }
}

impl CompiledStatement {
    fn new(s: &Statement, variables: bool) -> Self {
        let resources = s.resource.as_ref().map(|r| Resources {
            negated: r.negated,
            entries: r
                .values
                .iter()
                .map(|v| match variables.then(|| Template::parse(v)).flatten() {
                    Some(t) => ResourceEntry::Dynamic(t),
                    None => ResourceEntry::Static(ArnPattern::new(v)),
                })
                .collect(),
        });
        CompiledStatement {
            effect: s.effect,
            sid: s.sid.clone(),
            principal: s.principal.clone(),
            actions: s
                .action
                .values
                .iter()
                .map(|a| Pattern::new_case_insensitive(a))
                .collect(),
            actions_negated: s.action.negated,
            resources,
            conditions: s
                .conditions
                .iter()
                .map(|c| CompiledCondition::new(c, variables))
                .collect(),
        }
    }

    /// `Some(how the principal matched)` when the statement applies to the request.
    fn applies(
        &self,
        env: &Env<'_>,
        principal_required: bool,
        missing: &mut Vec<String>,
    ) -> Option<Option<PrincipalMatch>> {
        if self.actions.iter().any(|p| p.matches(&env.request.action)) == self.actions_negated {
            return None;
        }
        if !self.resource_matches(env) {
            return None;
        }
        let principal = match &self.principal {
            Some(block)
                if block.negated && self.effect == Effect::Deny && env.boundary_attached =>
            {
                Some(PrincipalMatch::NotPrincipal)
            }
            Some(block) => Some(env.caller.match_block(block, self.effect)?),
            None if principal_required => return None,
            None => None,
        };
        // Every condition must hold; evaluate all of them so missing keys are all reported.
        let mut holds = true;
        for condition in &self.conditions {
            holds &= condition.evaluate(env, missing);
        }
        holds.then_some(principal)
    }

    fn resource_matches(&self, env: &Env<'_>) -> bool {
        let Some(resources) = &self.resources else {
            return true;
        };
        let resource = env.request.resource.as_str();
        let any = resources.entries.iter().any(|entry| match entry {
            ResourceEntry::Static(pattern) => pattern.matches(resource),
            ResourceEntry::Dynamic(template) => {
                let mut tokens = Vec::new();
                template.resolve_tokens(env, &mut tokens).is_some()
                    && ArnPattern::from_tokens(&tokens).matches(resource)
            }
        });
        any != resources.negated
    }
}
