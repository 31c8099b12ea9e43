//! Decision latency: (a) a cross-account AssumeRole checked against a trust policy with an
//! ExternalId condition and the caller's identity policy; (b) an identity-policy set of 100
//! statements with conditions; (c) the same two decisions written for Cedar, in the same run,
//! so the ratio can be read off. Policies are parsed once, outside the timed loop.
//!
//! `cargo bench -p rolegate-policy --bench decide -- --warm-up-time 1 --measurement-time 3`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "benches and tests fail loudly on bad fixtures"
)]
#![expect(
    clippy::unwrap_used,
    reason = "benchmark set-up: a failure means a broken benchmark"
)]

use std::hint::black_box;

use cedar_policy::{
    Authorizer, Context as CedarContext, Entities, EntityUid, PolicySet as CedarPolicySet,
    Request as CedarRequest,
};
use criterion::{Criterion, criterion_group, criterion_main};
use rolegate_policy::{Decision, Policy, PolicySet, PolicyType, Request, authorize};
use serde_json::json;

const STATEMENTS: usize = 100;

fn trust_set() -> (Request, PolicySet) {
    let trust = Policy::parse(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole",
            "Condition":{"StringEquals":{"sts:ExternalId":"Unique-Id-1234"}}}]}"#,
        PolicyType::Trust,
    )
    .unwrap();
    let caller = Policy::parse(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
            "Resource":"arn:aws:iam::111122223333:role/Deploy*"}]}"#,
        PolicyType::Identity,
    )
    .unwrap();
    let mut request = Request::new(
        "arn:aws:sts::444455556666:assumed-role/CiRunner/build-42",
        "sts:AssumeRole",
        "arn:aws:iam::111122223333:role/DeployProd",
    );
    request.resource_account = Some("111122223333".into());
    request.context.insert("sts:ExternalId", "Unique-Id-1234");
    (
        request,
        PolicySet {
            identity: vec![caller],
            resource: vec![trust],
            ..PolicySet::default()
        },
    )
}

/// 100 statements over 100 services, each with two conditions, in five managed policies (a
/// managed policy holds at most 6144 characters); the request matches the last statement.
fn identity_set() -> (Request, PolicySet) {
    let statements: Vec<_> = (0..STATEMENTS)
        .map(|i| {
            json!({
                "Sid": format!("S{i}"),
                "Effect": "Allow",
                "Action": [format!("svc{i}:Get*"), format!("svc{i}:List*")],
                "Resource": format!("arn:aws:svc{i}:us-east-1:111122223333:thing/*"),
                "Condition": {
                    "StringEquals": {"aws:PrincipalTag/team": ["blue", "green"]},
                    "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}
                }
            })
        })
        .collect();
    let policies: Vec<Policy> = statements
        .chunks(STATEMENTS / 5)
        .map(|chunk| {
            let text = json!({"Version": "2012-10-17", "Statement": chunk}).to_string();
            Policy::parse(&text, PolicyType::Identity).unwrap()
        })
        .collect();
    let last = STATEMENTS - 1;
    let mut request = Request::new(
        "arn:aws:iam::111122223333:user/alice",
        format!("svc{last}:GetThing"),
        format!("arn:aws:svc{last}:us-east-1:111122223333:thing/t1"),
    );
    request
        .context
        .insert("aws:PrincipalTag/team", "blue")
        .insert("aws:SourceIp", "203.0.113.7");
    (
        request,
        PolicySet {
            identity: policies,
            ..PolicySet::default()
        },
    )
}

fn cedar_trust() -> (CedarRequest, CedarPolicySet, Entities) {
    let policies: CedarPolicySet = r#"
        permit(principal in Account::"444455556666", action == Action::"sts:AssumeRole", resource == Role::"DeployProd")
        when { context.externalId == "Unique-Id-1234" };
        permit(principal == Session::"CiRunner/build-42", action == Action::"sts:AssumeRole", resource)
        when { resource.name like "Deploy*" };
    "#
    .parse()
    .unwrap();
    let entities = Entities::from_json_value(
        json!([
            {"uid": {"type": "Session", "id": "CiRunner/build-42"}, "attrs": {}, "parents": [{"type": "Account", "id": "444455556666"}]},
            {"uid": {"type": "Account", "id": "444455556666"}, "attrs": {}, "parents": []},
            {"uid": {"type": "Role", "id": "DeployProd"}, "attrs": {"name": "DeployProd"}, "parents": []}
        ]),
        None,
    )
    .unwrap();
    let request = CedarRequest::new(
        r#"Session::"CiRunner/build-42""#.parse::<EntityUid>().unwrap(),
        r#"Action::"sts:AssumeRole""#.parse::<EntityUid>().unwrap(),
        r#"Role::"DeployProd""#.parse::<EntityUid>().unwrap(),
        CedarContext::from_json_value(json!({"externalId": "Unique-Id-1234"}), None).unwrap(),
        None,
    )
    .unwrap();
    (request, policies, entities)
}

fn cedar_identity() -> (CedarRequest, CedarPolicySet, Entities) {
    let text: String = (0..STATEMENTS)
        .map(|i| {
            format!(
                r#"permit(principal, action in [Action::"svc{i}:GetThing", Action::"svc{i}:ListThings"], resource)
                   when {{ resource.arn like "arn:aws:svc{i}:us-east-1:111122223333:thing/*"
                          && ["blue", "green"].contains(context.team)
                          && ip(context.sourceIp).isInRange(ip("203.0.113.0/24")) }};
                "#
            )
        })
        .collect();
    let policies: CedarPolicySet = text.parse().unwrap();
    let last = STATEMENTS - 1;
    let arn = format!("arn:aws:svc{last}:us-east-1:111122223333:thing/t1");
    let entities = Entities::from_json_value(
        json!([{"uid": {"type": "Thing", "id": arn}, "attrs": {"arn": arn}, "parents": []}]),
        None,
    )
    .unwrap();
    let request = CedarRequest::new(
        r#"User::"alice""#.parse::<EntityUid>().unwrap(),
        format!(r#"Action::"svc{last}:GetThing""#)
            .parse::<EntityUid>()
            .unwrap(),
        format!(r#"Thing::"{arn}""#).parse::<EntityUid>().unwrap(),
        CedarContext::from_json_value(json!({"team": "blue", "sourceIp": "203.0.113.7"}), None)
            .unwrap(),
        None,
    )
    .unwrap();
    (request, policies, entities)
}

fn decide(c: &mut Criterion) {
    let (trust_request, trust_policies) = trust_set();
    assert_eq!(
        authorize(&trust_request, &trust_policies).decision,
        Decision::Allowed
    );
    c.bench_function("rolegate/trust_cross_account_external_id", |b| {
        b.iter(|| authorize(black_box(&trust_request), black_box(&trust_policies)).decision)
    });

    let (identity_request, identity_policies) = identity_set();
    assert_eq!(
        authorize(&identity_request, &identity_policies).decision,
        Decision::Allowed
    );
    c.bench_function("rolegate/identity_100_statements", |b| {
        b.iter(|| authorize(black_box(&identity_request), black_box(&identity_policies)).decision)
    });

    let authorizer = Authorizer::new();
    let (request, policies, entities) = cedar_trust();
    assert_eq!(
        authorizer
            .is_authorized(&request, &policies, &entities)
            .decision(),
        cedar_policy::Decision::Allow
    );
    c.bench_function("cedar/trust_cross_account_external_id", |b| {
        b.iter(|| {
            authorizer
                .is_authorized(
                    black_box(&request),
                    black_box(&policies),
                    black_box(&entities),
                )
                .decision()
        })
    });

    let (request, policies, entities) = cedar_identity();
    assert_eq!(
        authorizer
            .is_authorized(&request, &policies, &entities)
            .decision(),
        cedar_policy::Decision::Allow
    );
    c.bench_function("cedar/identity_100_policies", |b| {
        b.iter(|| {
            authorizer
                .is_authorized(
                    black_box(&request),
                    black_box(&policies),
                    black_box(&entities),
                )
                .decision()
        })
    });
}

criterion_group!(benches, decide);
criterion_main!(benches);
