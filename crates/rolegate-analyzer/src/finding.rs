//! What the linter reports: a finding with its stable id (TP001–TP040), severity, location,
//! one-line explanation, witness and fix.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::witness::Witness;

/// How bad a finding is. The order is trust-findings.md's scale: `Critical` worst, `Info` least;
/// `Error` (IAM would reject the document) ranks between `High` and `Medium`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Severity {
    Info,
    Low,
    Warning,
    Medium,
    Error,
    High,
    Critical,
}

impl Severity {
    /// The name as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "Info",
            Severity::Low => "Low",
            Severity::Warning => "Warning",
            Severity::Medium => "Medium",
            Severity::Error => "Error",
            Severity::High => "High",
            Severity::Critical => "Critical",
        }
    }

    /// The SARIF level for this severity.
    pub fn sarif_level(self) -> &'static str {
        match self {
            Severity::Critical | Severity::High | Severity::Error => "error",
            Severity::Medium | Severity::Warning => "warning",
            Severity::Low | Severity::Info => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity name that is not one of the seven.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown severity '{0}' (expected Critical, High, Error, Medium, Warning, Low or Info)")]
pub struct SeverityError(pub String);

impl FromStr for Severity {
    type Err = SeverityError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(match text.to_ascii_lowercase().as_str() {
            "critical" => Severity::Critical,
            "high" => Severity::High,
            "error" => Severity::Error,
            "medium" => Severity::Medium,
            "warning" => Severity::Warning,
            "low" => Severity::Low,
            "info" => Severity::Info,
            _ => return Err(SeverityError(text.to_owned())),
        })
    }
}

/// One reported problem.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// The stable id, `TP001`…`TP040`.
    pub id: &'static str,
    pub severity: Severity,
    /// The file or role the finding is about.
    pub source: String,
    /// The statement index, when the finding is about one statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<usize>,
    /// A JSON path into the policy (`$.Statement[0].Condition.StringLike["…:sub"]`).
    pub path: String,
    /// The line of the statement in the source text, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// One line: what is wrong and why it matters.
    pub message: String,
    /// A request the policy admits that shows the problem, replayed through the engine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<Witness>,
    /// What to change.
    pub fix: String,
}

/// The title of each finding id, for SARIF rules and people.
pub fn title(id: &str) -> &'static str {
    match id {
        "TP001" => "NotPrincipal in a trust policy",
        "TP002" => "Unsupported wildcard in principal",
        "TP003" => "Resource or NotResource in a trust policy",
        "TP004" => "Action does not fit the principal type",
        "TP005" => "Roles Anywhere trust without SetSourceIdentity and TagSession",
        "TP006" => "Condition key never sent for this service principal",
        "TP007" => "Any AWS principal, no condition",
        "TP008" => "Any AWS principal, bounded only by caller-controlled keys",
        "TP009" => "aws:PrincipalArn pattern with a wildcard account or partition",
        "TP010" => "Cross-account principal without ExternalId or MFA",
        "TP011" => "Whole other account trusted where named roles suffice",
        "TP012" => "Weak ExternalId",
        "TP013" => "Service principal without aws:SourceAccount or aws:SourceArn",
        "TP014" => "aws:SourceArn or aws:SourceAccount matches other accounts",
        "TP015" => "Federated principal with no condition",
        "TP016" => "GitHub OIDC trust without a repository binding",
        "TP017" => "Multi-tenant issuer without a tenant pin",
        "TP018" => "Subject wildcard crosses a tenant boundary",
        "TP019" => "Subject wildcard within the tenant",
        "TP020" => "Custom subject template starts with an abusable claim",
        "TP021" => "Name-based subject without an immutable id pin",
        "TP022" => "Subject pattern the issuer can never emit",
        "TP023" => "Set operator on a single-valued claim",
        "TP024" => "aud condition does not fit the OIDC provider",
        "TP025" => "Cognito trust without an identity pool (aud)",
        "TP026" => "Cognito trust admits unauthenticated identities",
        "TP027" => "EKS IRSA trust without a namespace and service-account pin",
        "TP028" => "sts:TagSession without tag bounds",
        "TP029" => "sts:SetSourceIdentity without a SourceIdentity bound",
        "TP030" => "Identity provider may pass tags the role cannot accept",
        "TP031" => "Human cross-account access without MFA",
        "TP032" => "Dangling unique id in Principal",
        "TP033" => "Name-based aws:PrincipalArn trust outside the zone of trust",
        "TP034" => "Redundant principal",
        "TP035" => "Who can assume",
        "TP036" => "Trust diff",
        "TP037" => "Role-chain reachability from outside",
        "TP038" => "Role cycle or self-trust",
        "TP039" => "Transitive exposure through a trusted principal",
        "TP040" => "Statement union leaves a provider open",
        _ => "Unknown finding",
    }
}
