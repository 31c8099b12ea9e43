//! A trust policy as the analyzer sees it: the engine's parsed document plus what findings need
//! to point back into the author's JSON (statement indices and JSON paths).
//!
//! Parsing is the engine's (`rolegate_policy::Policy::parse` with `PolicyType::Trust`); this module
//! only adds locations, so a finding says `$.Statement[1].Condition.StringLike` and not "somewhere".

use rolegate_policy::ast::{self, PolicyDocument, Principal, PrincipalKind, Statement};
use rolegate_policy::{Policy, PolicyError, PolicyType};

/// A role's trust policy, parsed by the engine.
#[derive(Debug, Clone)]
pub struct TrustPolicy {
    /// Where it came from (a file name, a role ARN), for reports.
    pub source: String,
    /// The engine's parsed policy; evaluate witnesses against exactly this.
    pub policy: Policy,
    /// IAM's verdict on the document as a trust policy: `None` when CreateRole would accept it,
    /// else AWS's error code and message.
    pub validation: Option<(&'static str, String)>,
    /// Whether `Statement` was written as an array (paths then carry an index).
    statement_is_array: bool,
    /// Whether each statement wrote `Principal` as the bare string `"*"`.
    principal_is_string_star: Vec<bool>,
}

/// Why a trust policy could not be analyzed.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The engine refused the document; `code` is AWS's (`MalformedPolicyDocument`).
    #[error("{file}: {code}: {message}")]
    Malformed {
        file: String,
        code: &'static str,
        message: String,
    },
}

impl TrustPolicy {
    /// Parses `text` as a trust policy with the engine's grammar. IAM's trust-specific validation
    /// (no NotPrincipal, no Resource, no partial wildcards…) is run too, but its verdict is kept
    /// in [`TrustPolicy::validation`] rather than refused: those are findings TP001–TP003.
    pub fn parse(source: &str, text: &str) -> Result<Self, LoadError> {
        // A valid document parses to the same policy either way: parse it once when IAM accepts
        // it (the common case), and again without IAM's rules only when it does not.
        let (policy, validation) = match Policy::parse(text, PolicyType::Trust) {
            Ok(policy) => (policy, None),
            Err(invalid) => (
                Policy::parse_unvalidated(text, PolicyType::Trust)
                    .map_err(|e| malformed(source, &e))?,
                Some((invalid.code(), invalid.message().to_owned())),
            ),
        };
        let raw: serde_json::Value = serde_json::from_str(text).unwrap_or(serde_json::Value::Null);
        let statements = raw.get("Statement");
        let statement_is_array = statements.is_some_and(serde_json::Value::is_array);
        let raw_statements: Vec<&serde_json::Value> = match statements {
            Some(serde_json::Value::Array(items)) => items.iter().collect(),
            Some(single) => vec![single],
            None => Vec::new(),
        };
        let principal_is_string_star = raw_statements
            .iter()
            .map(|s| s.get("Principal").and_then(serde_json::Value::as_str) == Some("*"))
            .collect();
        Ok(Self {
            source: source.to_owned(),
            policy,
            validation,
            statement_is_array,
            principal_is_string_star,
        })
    }

    /// The parsed document.
    pub fn document(&self) -> &PolicyDocument {
        self.policy.document()
    }

    /// The statements with their indices.
    pub fn statements(&self) -> impl Iterator<Item = (usize, &Statement)> {
        self.document().statements.iter().enumerate()
    }

    /// The JSON path of statement `index`.
    pub fn statement_path(&self, index: usize) -> String {
        if self.statement_is_array {
            format!("$.Statement[{index}]")
        } else {
            "$.Statement".to_owned()
        }
    }

    /// The JSON path of a statement's condition on `key` under `operator`.
    pub fn condition_path(&self, index: usize, condition: &ast::Condition) -> String {
        format!(
            "{}.Condition.{}[\"{}\"]",
            self.statement_path(index),
            condition.operator,
            condition.key
        )
    }

    /// The JSON path of a statement's principal element.
    pub fn principal_path(
        &self,
        index: usize,
        kind: Option<PrincipalKind>,
        negated: bool,
    ) -> String {
        let element = if negated { "NotPrincipal" } else { "Principal" };
        match kind {
            Some(kind) => format!("{}.{element}.{}", self.statement_path(index), kind.as_str()),
            None => format!("{}.{element}", self.statement_path(index)),
        }
    }

    /// Whether statement `index` wrote `"Principal": "*"` (the string form IAM rejects in roles).
    pub fn principal_is_string_star(&self, index: usize) -> bool {
        self.principal_is_string_star
            .get(index)
            .copied()
            .unwrap_or(false)
            || self
                .document()
                .statements
                .get(index)
                .and_then(|s| s.principal.as_ref())
                .is_some_and(|p| !p.negated && p.principal == Principal::Any)
    }
}

fn malformed(source: &str, error: &PolicyError) -> LoadError {
    LoadError::Malformed {
        file: source.to_owned(),
        code: error.code(),
        message: error.message().to_owned(),
    }
}

/// The values a statement's principal names, as (kind, value); `"*"` is `(None, "*")`.
pub fn principal_values(statement: &Statement) -> Vec<(Option<PrincipalKind>, &str)> {
    match statement.principal.as_ref().map(|p| &p.principal) {
        None => Vec::new(),
        Some(Principal::Any) => vec![(None, "*")],
        Some(Principal::Specified(entries)) => entries
            .iter()
            .flat_map(|e| e.values.iter().map(move |v| (Some(e.kind), v.as_str())))
            .collect(),
    }
}
