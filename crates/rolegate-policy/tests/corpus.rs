//! Data-driven evaluation cases through the `policy eval` line protocol.
//!
//! - `tests/cases/*.jsonl`: our cases, one request line each plus `name`, `expected` and
//!   optionally `doc` (the AWS page the answer comes from).
//! - `../shared/corpora/policy-eval-cases.jsonl` beside the repository (read at run time, skipped when absent):
//!   iam-simulate's fixtures, mapped onto the protocol (`ANONYMOUS` → `anonymous`, SCP/RCP
//!   levels `{orgIdentifier, policies}` → their `policies`). A few of its cases model simulator
//!   features rather than AWS's evaluation of a request; they are listed in `NOT_AWS_SEMANTICS`
//!   with the reason: they still run, and only a disagreement is excused. Everything else must
//!   pass.
//!
//! Every failing case is reported by name before the test fails.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "test helpers: a panic is a failed test"
)]

use std::path::{Path, PathBuf};

use rolegate_policy::eval_json::evaluate_line;
use serde_json::{Value, json};

/// External cases whose expectation is not AWS's policy evaluation of the request as given:
/// (category prefix, text the case name contains, reason). Everything else must pass.
const NOT_AWS_SEMANTICS: &[(&str, &str, &str)] = &[
    (
        "resourceWildcards/",
        "",
        "simulator feature: the request resource is a wildcard pattern (\"could any matching resource be allowed\"); AWS evaluates one concrete resource",
    ),
    (
        "endpoints/",
        "",
        "VPC endpoint policies are not a policy type of this engine",
    ),
    (
        "iam/roles/reserved/",
        "",
        "the IAM service protects AWS-reserved roles whatever the policies say",
    ),
    (
        "iam/managedPolicies/aws/denied",
        "",
        "the IAM service refuses changes to AWS managed policies whatever the policies say",
    ),
    (
        "kms/aliases",
        "AWS-managed alias",
        "KMS refuses changes to AWS managed aliases whatever the policies say",
    ),
    (
        "sessionPolicies",
        "Implicit deny in session policy denies even if session ARN in resource policy",
        "contradicts the IAM User Guide (Session policies): a resource-based policy that names the session ARN is not limited by the session policy",
    ),
];

fn external_corpus() -> PathBuf {
    // tests run in the crate directory; the corpus sits beside the repository.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/policy-eval-cases.jsonl")
}

struct Outcome {
    passed: usize,
    skipped: Vec<String>,
    failures: Vec<String>,
}

fn run_case(name: &str, line: &Value, expected: &str, outcome: &mut Outcome) {
    let answer = evaluate_line(&line.to_string());
    match answer.get("decision").and_then(Value::as_str) {
        Some(decision) if decision == expected => outcome.passed += 1,
        Some(decision) => outcome.failures.push(format!(
            "{name}: expected {expected}, got {decision} ({answer})"
        )),
        None => outcome
            .failures
            .push(format!("{name}: expected {expected}, got {answer}")),
    }
}

#[test]
fn own_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("no {} directory: nothing to run", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut outcome = Outcome {
        passed: 0,
        skipped: Vec::new(),
        failures: Vec::new(),
    };
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let case: Value = match serde_json::from_str(line) {
                Ok(v) => v,
                Err(e) => {
                    outcome
                        .failures
                        .push(format!("{file_name}:{}: not JSON: {e}", n + 1));
                    continue;
                }
            };
            let name = format!(
                "{file_name}:{}: {}",
                n + 1,
                case["name"].as_str().unwrap_or("(unnamed)")
            );
            let Some(expected) = case["expected"].as_str() else {
                outcome.failures.push(format!("{name}: no \"expected\""));
                continue;
            };
            run_case(&name, &case, expected, &mut outcome);
        }
    }
    report("tests/cases", &outcome);
}

#[test]
fn external_corpus_cases() {
    let path = external_corpus();
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("{} is absent: skipped", path.display());
        return;
    };
    let mut outcome = Outcome {
        passed: 0,
        skipped: Vec::new(),
        failures: Vec::new(),
    };
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let case: Value = serde_json::from_str(line).unwrap();
        let category = case["category"].as_str().unwrap_or_default();
        let case_name = case["source"]["name"].as_str().unwrap_or("(unnamed)");
        let name = format!("#{} [{category}] {case_name}", n + 1);
        let not_aws = NOT_AWS_SEMANTICS.iter().find(|(prefix, contains, _)| {
            category.starts_with(prefix) && case_name.contains(contains)
        });
        let expected = case["expected"].as_str().unwrap();
        match not_aws {
            // Run it anyway: only a disagreement is excused, with its reason.
            Some((_, _, reason)) => {
                let mut attempt = Outcome {
                    passed: 0,
                    skipped: Vec::new(),
                    failures: Vec::new(),
                };
                run_case(&name, &to_protocol(&case), expected, &mut attempt);
                outcome.passed += attempt.passed;
                outcome
                    .skipped
                    .extend(attempt.failures.iter().map(|_| format!("{name}: {reason}")));
            }
            None => run_case(&name, &to_protocol(&case), expected, &mut outcome),
        }
    }
    report("external corpus", &outcome);
    assert!(
        outcome.passed > 250,
        "the external corpus should mostly run, {} passed",
        outcome.passed
    );
}

/// Maps an iam-simulate fixture onto the `policy eval` request line.
fn to_protocol(case: &Value) -> Value {
    let request = &case["request"];
    let principal = match request["principal"].as_str() {
        Some("ANONYMOUS") => "anonymous",
        Some(p) => p,
        None => "",
    };
    let levels = |name: &str| -> Value {
        Value::Array(
            case["policies"][name]
                .as_array()
                .into_iter()
                .flatten()
                .map(|level| level["policies"].clone())
                .collect(),
        )
    };
    let policies = &case["policies"];
    json!({
        "principal": principal,
        "action": request["action"],
        "resource": request["resource"],
        "resource_account": request["resource_account"],
        "context": request["context"],
        "policies": {
            "identity": policies["identity"],
            "resource": policies["resource"],
            "permission_boundaries": policies["permission_boundaries"],
            "session": policies["session"],
            "scps": levels("scps"),
            "rcps": levels("rcps"),
        }
    })
}

fn report(what: &str, outcome: &Outcome) {
    let total = outcome.passed + outcome.failures.len();
    eprintln!(
        "{what}: {} of {total} passed, {} skipped",
        outcome.passed,
        outcome.skipped.len()
    );
    for s in &outcome.skipped {
        eprintln!("  skipped {s}");
    }
    for f in &outcome.failures {
        eprintln!("  FAILED {f}");
    }
    assert!(
        outcome.failures.is_empty(),
        "{what}: {} of {total} cases failed (listed above)",
        outcome.failures.len()
    );
}
