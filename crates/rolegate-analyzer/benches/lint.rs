//! Analyzer benchmarks: lint 10,000 trust policies (goal: well under a second) on every core with
//! `lint_all`, and the same on one thread; who-can-assume on a 50-statement policy (goal: under
//! 50 ms).
//!
//! The 10,000 policies are the corpus's policies with their organization, repository and vendor
//! names varied per copy, so no two texts are equal and nothing is answered from a cache of
//! whole policies.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "benches and tests fail loudly on bad fixtures"
)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use rolegate_analyzer::parallel::map_ordered;
use rolegate_analyzer::{LintOptions, TrustPolicy, lint, lint_all, who_can_assume};

// The allocator the `rolegate` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn corpus_texts() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/corpus");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.retain(|p| p.file_name().is_some_and(|n| n != "manifest.json"));
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn ten_thousand() -> Vec<String> {
    let base = corpus_texts();
    (0..10_000)
        .map(|i| {
            let text = &base[i % base.len()];
            text.replace("acme", &format!("acme{i}"))
                .replace("mygroup", &format!("group{i}"))
                .replace(
                    "999988887777",
                    &format!("{:012}", 200_000_000_000u64 + i as u64),
                )
                .replace("vendor", &format!("vendor{i}"))
        })
        .collect()
}

fn fifty_statements() -> String {
    let statements: Vec<String> = (0..50)
        .map(|i| match i % 5 {
            0 => format!(
                r#"{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}},"StringLike":{{"token.actions.githubusercontent.com:sub":"repo:org{i}/app:*"}}}}}}"#
            ),
            1 => format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{:012}:role/deployer{i}"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:ExternalId":"ext-{i}-7f3c9a1e5b2d4e8f"}}}}}}"#,
                300_000_000_000u64 + i as u64
            ),
            2 => format!(r#"{{"Effect":"Allow","Principal":{{"Service":"svc{i}.amazonaws.com"}},"Action":"sts:AssumeRole"}}"#),
            3 => format!(
                r#"{{"Effect":"Allow","Principal":{{"AWS":"*"}},"Action":"sts:AssumeRole","Condition":{{"ArnLike":{{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/team{i}-*"}}}}}}"#
            ),
            _ => format!(
                r#"{{"Effect":"Deny","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"token.actions.githubusercontent.com:sub":"repo:org{}/app:pull_request"}}}}}}"#,
                i - 4
            ),
        })
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

fn bench(c: &mut Criterion) {
    let options = LintOptions {
        account: Some("111122223333".into()),
        zone_of_trust: vec!["444455556666".into()],
        role_arn: None,
    };
    let texts = ten_thousand();
    let mut group = c.benchmark_group("analyzer");
    group.sample_size(10);
    group.bench_function("lint 10,000 trust policies", |b| {
        b.iter(|| {
            // As `rolegate lint` does: parse and lint on every core, findings in input order.
            let policies: Vec<TrustPolicy> =
                map_ordered(&texts, |text| TrustPolicy::parse("bench", text).ok())
                    .into_iter()
                    .flatten()
                    .collect();
            let findings: usize = lint_all(&policies, &options).iter().map(Vec::len).sum();
            black_box(findings)
        })
    });
    group.bench_function("lint 10,000 trust policies, one thread", |b| {
        b.iter(|| {
            let mut findings = 0usize;
            for text in &texts {
                if let Ok(policy) = TrustPolicy::parse("bench", text) {
                    findings += lint(&policy, &options).len();
                }
            }
            black_box(findings)
        })
    });
    let big = TrustPolicy::parse("fifty", &fifty_statements()).ok();
    if let Some(big) = big {
        group.bench_function("who-can-assume, 50 statements", |b| {
            b.iter(|| black_box(who_can_assume(&big, &options).entries.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
