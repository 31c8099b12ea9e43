//! Properties of the engine over generated policies and requests:
//! the naive reference evaluator (tests/reference) agrees with the engine; an applicable Deny
//! always wins; statement order never matters; NotAction is the complement of Action;
//! parse → print → parse is the identity; the wildcard matcher agrees with `wildmatch`.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "test helpers: a panic is a failed test"
)]

mod reference;

use proptest::prelude::*;
use rolegate_policy::eval_json::read_request;
use rolegate_policy::wildcard::Pattern;
use rolegate_policy::{
    Decision, Policy, PolicyDecision, PolicyType, Request, authorize, evaluate_policy,
};
use serde_json::{Map, Value, json};
use wildmatch::WildMatch;

const USERS: &[&str] = &[
    "arn:aws:iam::111111111111:user/alice",
    "arn:aws:iam::111111111111:user/bob",
    "arn:aws:sts::111111111111:assumed-role/R/s1",
    "arn:aws:sts::111111111111:assumed-role/R/s2",
    "arn:aws:iam::222222222222:user/carol",
    "anonymous",
];
const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "ec2:RunInstances",
    "iam:PassRole",
];
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::b1/k",
    "arn:aws:s3:::b1/alice",
    "arn:aws:s3:::b2/x/y",
    "arn:aws:ec2:us-east-1:111111111111:instance/i-1",
    "*",
];
const ACTION_PATTERNS: &[&str] = &[
    "*",
    "s3:*",
    "s3:Get*",
    "s3:GetObject",
    "S3:getobject",
    "ec2:Run?nstances",
    "iam:*Role",
    "s3:Put*",
];
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:s3:::b1/*",
    "arn:aws:s3:::*",
    "arn:aws:s3:::b?/k",
    "arn:aws:s3:::b2/*/y",
    "arn:aws:s3:::b1/${aws:username}",
    "arn:aws:s3:*",
    "arn:aws:ec2:*:*:instance/*",
];
const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringEqualsIfExists",
    "StringNotEqualsIfExists",
    "NumericLessThan",
    "Bool",
    "Null",
    "ForAnyValue:StringEquals",
    "ForAllValues:StringEquals",
    "ForAllValues:StringNotEquals",
    "ForAnyValue:StringLike",
];
const KEYS: &[&str] = &[
    "aws:PrincipalTag/team",
    "aws:TagKeys",
    "k:n",
    "aws:SecureTransport",
    "aws:username",
];
const VALUES: &[&str] = &[
    "red",
    "blue",
    "r*",
    "1",
    "5",
    "true",
    "false",
    "alice",
    "${aws:username}",
];
const PRINCIPALS: &[&str] = &[
    r#""*""#,
    r#"{"AWS":"*"}"#,
    r#"{"AWS":"111111111111"}"#,
    r#"{"AWS":"arn:aws:iam::111111111111:root"}"#,
    r#"{"AWS":"arn:aws:iam::111111111111:user/alice"}"#,
    r#"{"AWS":"arn:aws:iam::111111111111:role/R"}"#,
    r#"{"AWS":"arn:aws:sts::111111111111:assumed-role/R/s1"}"#,
    r#"{"AWS":["222222222222","arn:aws:iam::111111111111:user/bob"]}"#,
];

fn pick(items: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(items)
}

fn strings(items: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(pick(items).prop_map(str::to_owned), 1..=max)
}

fn condition_block() -> impl Strategy<Value = Option<Value>> {
    prop::option::weighted(
        0.35,
        prop::collection::vec((pick(OPERATORS), pick(KEYS), strings(VALUES, 2)), 1..=2),
    )
    .prop_map(|conds| {
        conds.map(|conds| {
            let mut block = Map::new();
            for (op, key, values) in conds {
                let entry = block.entry(op.to_owned()).or_insert_with(|| json!({}));
                entry[key] = json!(values);
            }
            Value::Object(block)
        })
    })
}

/// A statement for a policy of `kind` ("identity" or "resource").
fn statement(resource_kind: bool) -> impl Strategy<Value = Value> {
    (
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.15),
        strings(ACTION_PATTERNS, 3),
        prop::bool::weighted(0.15),
        strings(RESOURCE_PATTERNS, 2),
        condition_block(),
        pick(PRINCIPALS),
        any::<bool>(),
    )
        .prop_map(
            move |(
                allow,
                not_action,
                actions,
                not_resource,
                resources,
                condition,
                principal,
                not_principal,
            )| {
                let mut s = Map::new();
                s.insert("Effect".into(), json!(if allow { "Allow" } else { "Deny" }));
                s.insert(
                    if not_action { "NotAction" } else { "Action" }.into(),
                    json!(actions),
                );
                s.insert(
                    if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    }
                    .into(),
                    json!(resources),
                );
                if let Some(c) = condition {
                    s.insert("Condition".into(), c);
                }
                if resource_kind {
                    let principal: Value = serde_json::from_str(principal).unwrap();
                    // NotPrincipal only with Deny (AWS discourages it with Allow), never "*".
                    let key = if not_principal && !allow && principal.is_object() {
                        "NotPrincipal"
                    } else {
                        "Principal"
                    };
                    s.insert(key.into(), principal);
                }
                Value::Object(s)
            },
        )
}

fn document(resource_kind: bool) -> impl Strategy<Value = Value> {
    prop::collection::vec(statement(resource_kind), 1..=4)
        .prop_map(|s| json!({"Version": "2012-10-17", "Statement": s}))
}

fn documents(resource_kind: bool, max: usize) -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(document(resource_kind), 0..=max)
}

/// Mostly absent: layers that only restrict (boundaries, session policies, SCPs, RCPs).
fn rarely<T: std::fmt::Debug + Clone + Default>(
    strategy: impl Strategy<Value = T>,
) -> impl Strategy<Value = T> {
    prop::option::weighted(0.3, strategy).prop_map(Option::unwrap_or_default)
}

fn context() -> impl Strategy<Value = Vec<(String, Vec<String>)>> {
    prop::collection::vec(
        (
            pick(KEYS),
            prop::collection::vec(pick(VALUES).prop_map(str::to_owned), 0..=2),
        ),
        0..=3,
    )
    .prop_map(|entries| {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for (k, v) in entries {
            if k == "aws:username" || out.iter().any(|(x, _)| x == k) {
                continue;
            }
            // Values of a variable stay wildcard-free so substitution means the same to both.
            out.push((
                k.to_owned(),
                v.into_iter().filter(|x| !x.contains(['*', '$'])).collect(),
            ));
        }
        out
    })
}

#[derive(Debug, Clone)]
struct Case {
    principal: &'static str,
    action: &'static str,
    resource: &'static str,
    resource_account: &'static str,
    context: Vec<(String, Vec<String>)>,
    identity: Vec<Value>,
    resource_policies: Vec<Value>,
    boundaries: Vec<Value>,
    session: Vec<Value>,
    scps: Vec<Vec<Value>>,
    rcps: Vec<Vec<Value>>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (
            pick(USERS),
            pick(ACTIONS),
            pick(RESOURCES),
            pick(&["111111111111", "222222222222"]),
            context(),
        ),
        (
            documents(false, 2),
            documents(true, 1),
            rarely(documents(false, 1)),
            rarely(documents(false, 1)),
        ),
        (
            rarely(prop::collection::vec(documents(false, 2), 0..=2)),
            rarely(prop::collection::vec(documents(false, 1), 0..=1)),
        ),
    )
        .prop_map(
            |(
                (principal, action, resource, resource_account, context),
                (identity, resource_policies, boundaries, session),
                (scps, rcps),
            )| {
                Case {
                    principal,
                    action,
                    resource,
                    resource_account,
                    context,
                    identity,
                    resource_policies,
                    boundaries,
                    session,
                    scps,
                    rcps,
                }
            },
        )
}

impl Case {
    fn line(&self) -> Value {
        let context: Map<String, Value> = self
            .context
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        json!({
            "principal": self.principal, "action": self.action, "resource": self.resource,
            "resource_account": self.resource_account, "context": context,
            "policies": {
                "identity": self.identity, "resource": self.resource_policies,
                "permission_boundaries": self.boundaries, "session": self.session,
                "scps": self.scps, "rcps": self.rcps,
            }
        })
    }

    fn engine(&self) -> Decision {
        let (request, set) = read_request(&self.line()).unwrap();
        authorize(&request, &set).decision
    }

    fn reference(&self) -> &'static str {
        let request = reference::RefRequest {
            principal: self.principal.into(),
            action: self.action.into(),
            resource: self.resource.into(),
            resource_account: self.resource_account.into(),
            context: self.context.clone(),
        };
        let set = reference::RefSet {
            identity: self.identity.clone(),
            resource: self.resource_policies.clone(),
            boundaries: self.boundaries.clone(),
            session: self.session.clone(),
            scps: self.scps.clone(),
            rcps: self.rcps.clone(),
        };
        reference::decide(&request, &set)
    }
}

fn reversed(docs: &[Value]) -> Vec<Value> {
    docs.iter()
        .map(|d| {
            let mut d = d.clone();
            if let Some(list) = d["Statement"].as_array_mut() {
                list.reverse();
            }
            d
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn reference_evaluator_agrees(case in case()) {
        prop_assert_eq!(case.engine().as_str(), case.reference(), "{}", case.line());
    }

    #[test]
    fn explicit_deny_dominates(mut case in case()) {
        case.resource_policies.push(json!({"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}}));
        prop_assert_eq!(case.engine(), Decision::ExplicitlyDenied);
    }

    #[test]
    fn statement_order_never_matters(case in case()) {
        let mut flipped = case.clone();
        flipped.identity = reversed(&case.identity);
        flipped.resource_policies = reversed(&case.resource_policies);
        flipped.boundaries = reversed(&case.boundaries);
        flipped.session = reversed(&case.session);
        flipped.scps = case.scps.iter().map(|l| reversed(l)).collect();
        flipped.rcps = case.rcps.iter().map(|l| reversed(l)).collect();
        prop_assert_eq!(case.engine(), flipped.engine());
    }

    #[test]
    fn not_action_is_the_complement_of_action(actions in strings(ACTION_PATTERNS, 3), action in pick(ACTIONS)) {
        let doc = |key: &str| json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", key: actions, "Resource": "*"}}).to_string();
        let plain = Policy::parse(&doc("Action"), PolicyType::Identity).unwrap();
        let not = Policy::parse(&doc("NotAction"), PolicyType::Identity).unwrap();
        let request = Request::new("arn:aws:iam::111111111111:user/alice", action, "arn:aws:s3:::b1/k");
        let a = evaluate_policy(&plain, &request).decision == PolicyDecision::Allow;
        let b = evaluate_policy(&not, &request).decision == PolicyDecision::Allow;
        prop_assert_ne!(a, b);
    }

    #[test]
    fn parse_print_parse_is_the_identity(doc in document(true), sid in prop::option::of("[A-Za-z0-9]{1,8}"), id in prop::option::of(".{0,6}")) {
        let mut doc = doc;
        if let Some(sid) = sid {
            doc["Statement"][0]["Sid"] = json!(sid);
        }
        if let Some(id) = id {
            doc["Id"] = json!(id);
        }
        let first = Policy::parse_unvalidated(&doc.to_string(), PolicyType::Resource).unwrap();
        let printed = first.to_json();
        let second = Policy::parse_unvalidated(&printed, PolicyType::Resource).unwrap();
        prop_assert_eq!(first.document(), second.document());
        prop_assert_eq!(printed, second.to_json());
    }

    #[test]
    fn wildcard_agrees_with_wildmatch(pattern in "[ab*?:/]{0,8}", text in "[ab:/]{0,10}") {
        prop_assert_eq!(Pattern::new(&pattern).matches(&text), WildMatch::new(&pattern).matches(&text));
    }

    #[test]
    fn case_insensitive_wildcard_agrees_with_wildmatch(pattern in "[aAbB*?:]{0,8}", text in "[aAbB:]{0,10}") {
        prop_assert_eq!(
            Pattern::new_case_insensitive(&pattern).matches(&text),
            WildMatch::new_case_insensitive(&pattern).matches(&text)
        );
    }
}

/// The generators reach every decision, so the agreement property is not vacuous.
#[test]
fn generated_cases_reach_every_decision() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = case();
    let mut seen = std::collections::HashMap::new();
    for _ in 0..400 {
        let case = strategy.new_tree(&mut runner).unwrap().current();
        *seen.entry(case.engine()).or_insert(0) += 1;
    }
    for decision in [
        Decision::Allowed,
        Decision::ExplicitlyDenied,
        Decision::ImplicitlyDenied,
    ] {
        assert!(
            seen.get(&decision).copied().unwrap_or(0) >= 20,
            "{decision:?} too rare: {seen:?}"
        );
    }
}
