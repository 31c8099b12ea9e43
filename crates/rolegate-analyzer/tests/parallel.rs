//! `lint_all` and the parallel map under it return exactly what linting the policies one by one
//! on this thread returns: the same findings, in the same order, printing to the same bytes.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests and benches fail loudly on bad fixtures"
)]

use std::path::PathBuf;

use rolegate_analyzer::parallel::map_on_threads;
use rolegate_analyzer::{Finding, LintOptions, TrustPolicy, lint, lint_all, report};
use serde_json::Value;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/corpus")
}

fn manifest() -> Value {
    serde_json::from_str(&std::fs::read_to_string(corpus_dir().join("manifest.json")).unwrap())
        .unwrap()
}

fn options(manifest: &Value, role_arn: Option<&str>) -> LintOptions {
    LintOptions {
        account: Some(manifest["account"].as_str().unwrap().to_owned()),
        zone_of_trust: manifest["organization_accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect(),
        role_arn: role_arn.map(str::to_owned),
    }
}

/// The corpus policies, `copies` times over with their names varied per copy (as the benchmark
/// does), so workers meet both repeated and fresh patterns in their memo tables.
fn policies(manifest: &Value, copies: usize) -> Vec<(TrustPolicy, Option<String>)> {
    let entries = manifest["policies"].as_array().unwrap();
    let mut out = Vec::new();
    for copy in 0..copies {
        for entry in entries {
            let file = entry["file"].as_str().unwrap();
            let mut text = std::fs::read_to_string(corpus_dir().join(file)).unwrap();
            if copy > 0 {
                text = text
                    .replace("acme", &format!("acme{copy}"))
                    .replace("vendor", &format!("vendor{copy}"));
            }
            let policy = TrustPolicy::parse(&format!("{copy}/{file}"), &text).unwrap();
            out.push((policy, entry["role_arn"].as_str().map(str::to_owned)));
        }
    }
    out
}

/// Everything a finding carries, and its printed forms.
fn rendered(findings: &[Vec<Finding>]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            format!(
                "{f:?}\n{}\n{}",
                report::findings_json(f),
                report::findings_text(f)
            )
        })
        .collect()
}

#[test]
fn lint_all_equals_linting_one_by_one_on_the_corpus() {
    let manifest = manifest();
    let options = options(&manifest, None);
    let policies: Vec<TrustPolicy> = policies(&manifest, 3).into_iter().map(|(p, _)| p).collect();
    assert!(policies.len() >= 240, "{} policies", policies.len());
    let sequential: Vec<Vec<Finding>> = policies.iter().map(|p| lint(p, &options)).collect();
    assert!(sequential.iter().any(|f| !f.is_empty()));
    let parallel = lint_all(&policies, &options);
    assert_eq!(rendered(&parallel), rendered(&sequential));
    let everything: Vec<Finding> = sequential.into_iter().flatten().collect();
    let everything_parallel: Vec<Finding> = parallel.into_iter().flatten().collect();
    assert_eq!(
        report::findings_sarif(&everything_parallel),
        report::findings_sarif(&everything)
    );
}

#[test]
fn more_threads_than_cores_and_per_policy_options_keep_the_sequential_answer() {
    let manifest = manifest();
    let policies = policies(&manifest, 2);
    let lint_one = |(policy, role_arn): &(TrustPolicy, Option<String>)| {
        lint(policy, &options(&manifest, role_arn.as_deref()))
    };
    let sequential: Vec<Vec<Finding>> = policies.iter().map(lint_one).collect();
    for threads in [2, 5] {
        let parallel = map_on_threads(threads, &policies, lint_one);
        assert_eq!(
            rendered(&parallel),
            rendered(&sequential),
            "{threads} threads"
        );
    }
}
