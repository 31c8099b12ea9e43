//! The printer layer: findings, admitted sets and diffs rendered for people (text), for machines
//! (`--json`) and for code-scanning tools (SARIF 2.1.0). The analysis never prints; the CLI calls
//! one of these and writes the string once.

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::admitted::AdmittedSet;
use crate::diff::{Change, TrustDiff};
use crate::finding::{Finding, title};

/// Findings for people: one block per finding, most severe first.
pub fn findings_text(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let statement = f
            .statement
            .map(|i| format!(" statement {i}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{} {} [{}] {}{statement} {}",
            f.severity,
            f.id,
            title(f.id),
            f.source,
            f.path
        );
        let _ = writeln!(out, "  {}", f.message);
        if let Some(w) = &f.witness {
            let _ = writeln!(out, "  witness: {w}");
        }
        let _ = writeln!(out, "  fix: {}", f.fix);
    }
    let _ = writeln!(
        out,
        "{} finding{}",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" }
    );
    out
}

/// `{"findings": [...]}`.
pub fn findings_json(findings: &[Finding]) -> String {
    let value = json!({ "findings": findings });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// SARIF 2.1.0, one run, one rule per finding id used.
pub fn findings_sarif(findings: &[Finding]) -> String {
    let mut ids: Vec<&str> = findings.iter().map(|f| f.id).collect();
    ids.sort_unstable();
    ids.dedup();
    let rules: Vec<Value> = ids
        .iter()
        .map(|id| {
            let level = findings
                .iter()
                .find(|f| f.id == *id)
                .map_or("warning", |f| f.severity.sarif_level());
            json!({
                "id": id,
                "name": title(id).replace(' ', ""),
                "shortDescription": { "text": title(id) },
                "defaultConfiguration": { "level": level },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut region = json!({});
            if let Some(line) = f.line {
                region = json!({ "startLine": line });
            }
            let mut text = f.message.clone();
            if let Some(w) = &f.witness {
                let _ = write!(text, " Witness: {w}.");
            }
            json!({
                "ruleId": f.id,
                "ruleIndex": ids.iter().position(|id| *id == f.id).unwrap_or(0),
                "level": f.severity.sarif_level(),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": { "artifactLocation": { "uri": f.source }, "region": region },
                    "logicalLocations": [{ "fullyQualifiedName": f.path, "kind": "member" }],
                }],
                "properties": { "severity": f.severity, "fix": f.fix, "witness": f.witness },
            })
        })
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "rolegate",
                "informationUri": "https://example.invalid/rolegate",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&sarif).unwrap_or_default()
}

/// Who can assume, for people.
pub fn admitted_text(set: &AdmittedSet) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} entr{}",
        set.source,
        set.entries.len(),
        if set.entries.len() == 1 { "y" } else { "ies" }
    );
    for (i, e) in set.entries.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. {} {} — {} (statement {})",
            i + 1,
            e.principal_kind,
            e.principal,
            e.scope,
            e.statement
        );
        let _ = writeln!(out, "   actions: {}", e.actions.join(", "));
        for c in &e.conditions {
            let _ = writeln!(out, "   when: {c}");
        }
        if !e.except_denied_by.is_empty() {
            let list: Vec<String> = e.except_denied_by.iter().map(ToString::to_string).collect();
            let _ = writeln!(
                out,
                "   except what Deny statement(s) {} match",
                list.join(", ")
            );
        }
        match &e.witness {
            Some(w) => {
                let _ = writeln!(out, "   witness: {w}");
            }
            None => {
                let _ = writeln!(
                    out,
                    "   witness: none found (the entry needs values the analyzer cannot spell)"
                );
            }
        }
    }
    out
}

/// Who can assume, as JSON: `{"source": ..., "entries": [...]}`.
pub fn admitted_json(set: &AdmittedSet) -> String {
    serde_json::to_string_pretty(set).unwrap_or_default()
}

fn change_lines(out: &mut String, sign: &str, changes: &[Change]) {
    for c in changes {
        let _ = writeln!(
            out,
            "{sign} {} {} — {} (statement {})",
            c.principal_kind, c.principal, c.scope, c.statement
        );
        for cond in &c.conditions {
            let _ = writeln!(out, "    when: {cond}");
        }
        if let Some(w) = &c.witness {
            let _ = writeln!(out, "    witness: {w}");
        }
    }
}

/// A trust diff for people: `+` gained, `-` lost.
pub fn diff_text(diff: &TrustDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} -> {}", diff.old, diff.new);
    if diff.gained.is_empty() && diff.lost.is_empty() {
        let _ = writeln!(out, "no change in who can assume the role");
        return out;
    }
    let _ = writeln!(out, "gained: {}", diff.gained.len());
    change_lines(&mut out, "+", &diff.gained);
    let _ = writeln!(out, "lost: {}", diff.lost.len());
    change_lines(&mut out, "-", &diff.lost);
    out
}

/// A trust diff as JSON: `{"old", "new", "gained": [...], "lost": [...]}`.
pub fn diff_json(diff: &TrustDiff) -> String {
    serde_json::to_string_pretty(diff).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LintOptions, TrustPolicy, lint};

    fn findings() -> Vec<Finding> {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
        let policy = TrustPolicy::parse("open.json", text).unwrap();
        lint(&policy, &LintOptions::default())
    }

    #[test]
    fn json_has_a_findings_array_with_witnesses() {
        let v: Value = serde_json::from_str(&findings_json(&findings())).unwrap();
        let list = v["findings"].as_array().unwrap();
        let tp007 = list.iter().find(|f| f["id"] == "TP007").unwrap();
        assert_eq!(tp007["severity"], "Critical");
        assert_eq!(tp007["path"], "$.Statement[0].Principal.AWS");
        assert!(
            tp007["witness"]["principal"]
                .as_str()
                .unwrap()
                .starts_with("arn:aws:")
        );
    }

    #[test]
    fn sarif_is_2_1_0_with_rules_and_results() {
        let v: Value = serde_json::from_str(&findings_sarif(&findings())).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "rolegate");
        let result = &run["results"][0];
        assert_eq!(result["level"], "error");
        let rule_index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            run["tool"]["driver"]["rules"][rule_index]["id"],
            result["ruleId"]
        );
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "open.json"
        );
        assert_eq!(
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            1
        );
    }

    #[test]
    fn text_names_severity_id_and_fix() {
        let text = findings_text(&findings());
        assert!(text.starts_with("Critical TP007"), "{text}");
        assert!(text.contains("witness: arn:aws:iam::"));
        assert!(text.contains("fix: "));
    }
}
