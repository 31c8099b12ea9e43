//! The policy corpus (`data/corpus/`): every policy must produce the findings its manifest lists
//! under `must` and none of those under `must_not`; `sound` policies get nothing High or above.
//! Every witness a finding carries must be allowed by the engine.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "benches and tests fail loudly on bad fixtures"
)]

use std::path::PathBuf;

use rolegate_analyzer::{LintOptions, Severity, TrustPolicy, lint};
use rolegate_policy::PolicyDecision;
use serde_json::Value;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/corpus")
}

#[test]
fn corpus_findings_match_the_manifest_in_both_directions() {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(corpus_dir().join("manifest.json")).unwrap())
            .unwrap();
    let account = manifest["account"].as_str().unwrap().to_owned();
    let zone: Vec<String> = manifest["organization_accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let entries = manifest["policies"].as_array().unwrap();
    assert!(
        entries.len() >= 80,
        "the corpus has {} policies",
        entries.len()
    );
    let mut failures = Vec::new();
    let mut sound = 0;
    for entry in entries {
        let file = entry["file"].as_str().unwrap();
        let text = std::fs::read_to_string(corpus_dir().join(file)).unwrap();
        let policy = TrustPolicy::parse(file, &text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let options = LintOptions {
            account: Some(account.clone()),
            zone_of_trust: zone.clone(),
            role_arn: entry["role_arn"].as_str().map(str::to_owned),
        };
        let findings = lint(&policy, &options);
        let ids: Vec<&str> = findings.iter().map(|f| f.id).collect();
        for must in entry["must"].as_array().unwrap() {
            let must = must.as_str().unwrap();
            if !ids.contains(&must) {
                failures.push(format!("{file}: missing {must} (got {ids:?})"));
            }
        }
        for must_not in entry["must_not"].as_array().unwrap() {
            let must_not = must_not.as_str().unwrap();
            if ids.contains(&must_not) {
                let f = findings.iter().find(|f| f.id == must_not).unwrap();
                failures.push(format!("{file}: unexpected {must_not}: {}", f.message));
            }
        }
        if entry["sound"].as_bool() == Some(true) {
            sound += 1;
            for f in findings.iter().filter(|f| f.severity >= Severity::High) {
                failures.push(format!(
                    "{file}: sound policy got {} {}: {}",
                    f.id, f.severity, f.message
                ));
            }
        }
        let role = options.role_arn_or_default();
        for f in &findings {
            if let Some(w) = &f.witness
                && w.decision(&policy, &role) != PolicyDecision::Allow
            {
                failures.push(format!(
                    "{file}: {} witness is not allowed by the engine: {w}",
                    f.id
                ));
            }
        }
    }
    assert!(sound >= 4);
    assert!(
        failures.is_empty(),
        "{} corpus failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
