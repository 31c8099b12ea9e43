//! Property tests: the analyzer's exact sets against the engine STS uses.
//!
//! For random trust policies and random requests, `rolegate_policy::evaluate_policy` allows the
//! request iff who-can-assume's enumeration covers it; and for random pairs of policies, a request
//! is in diff's "gained" (or "lost") set iff the new (old) version allows it and the other does
//! not. Requests carry the keys STS derives from the caller (`aws:PrincipalArn`,
//! `aws:PrincipalAccount`) in their context, as STS puts them there.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests and benches fail loudly on bad fixtures"
)]

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use rolegate_analyzer::{LintOptions, TrustPolicy, diff, who_can_assume};
use rolegate_policy::{PolicyDecision, Request, evaluate_policy};
use serde_json::{Value, json};

const GH: &str = "token.actions.githubusercontent.com";
const ROLE: &str = "arn:aws:iam::111122223333:role/target";

fn principal_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"AWS": "*"})),
        Just(json!({"AWS": "111122223333"})),
        Just(json!({"AWS": "arn:aws:iam::444455556666:root"})),
        Just(json!({"AWS": "arn:aws:iam::111122223333:role/ci"})),
        Just(json!({"AWS": ["arn:aws:iam::111122223333:user/bob", "AROAEXAMPLEID1234567"]})),
        Just(json!({"Service": "ec2.amazonaws.com"})),
        Just(json!({"Federated": format!("arn:aws:iam::111122223333:oidc-provider/{GH}")})),
        Just(json!({"Federated": "cognito-identity.amazonaws.com"})),
        Just(json!("*")),
    ]
}

fn action_value() -> impl Strategy<Value = (&'static str, Value)> {
    prop_oneof![
        Just(("Action", json!("sts:AssumeRole"))),
        Just(("Action", json!("sts:AssumeRoleWithWebIdentity"))),
        Just(("Action", json!(["sts:AssumeRole", "sts:TagSession"]))),
        Just(("Action", json!("sts:*"))),
        Just(("Action", json!("sts:assumerole*"))),
        Just(("NotAction", json!("sts:TagSession"))),
    ]
}

fn condition() -> impl Strategy<Value = (String, String, Value)> {
    let sub = format!("{GH}:sub");
    let aud = format!("{GH}:aud");
    prop_oneof![
        Just((
            "StringEquals".to_owned(),
            sub.clone(),
            json!("repo:acme/app:ref:refs/heads/main")
        )),
        Just(("StringLike".to_owned(), sub.clone(), json!("repo:acme/*"))),
        Just((
            "StringLike".to_owned(),
            sub.clone(),
            json!(["repo:acme*", "repo:?cme/app:*"])
        )),
        Just((
            "StringNotLike".to_owned(),
            sub.clone(),
            json!("repo:acme/app:pull_request")
        )),
        Just((
            "StringEqualsIgnoreCase".to_owned(),
            sub.clone(),
            json!("REPO:acme/app:ref:refs/heads/main")
        )),
        Just((
            "ForAllValues:StringEquals".to_owned(),
            aud.clone(),
            json!("sts.amazonaws.com")
        )),
        Just((
            "StringEqualsIfExists".to_owned(),
            aud,
            json!("sts.amazonaws.com")
        )),
        Just((
            "StringEquals".to_owned(),
            "sts:ExternalId".to_owned(),
            json!("ext-1")
        )),
        Just((
            "StringNotEquals".to_owned(),
            "sts:ExternalId".to_owned(),
            json!(["ext-1", "ext-2"])
        )),
        Just((
            "Null".to_owned(),
            "sts:ExternalId".to_owned(),
            json!("false")
        )),
        Just((
            "Null".to_owned(),
            "sts:ExternalId".to_owned(),
            json!("true")
        )),
        Just((
            "ArnLike".to_owned(),
            "aws:PrincipalArn".to_owned(),
            json!("arn:aws:iam::*:role/c*")
        )),
        Just((
            "ArnNotLike".to_owned(),
            "aws:PrincipalArn".to_owned(),
            json!("arn:aws:iam::111122223333:*")
        )),
        Just((
            "StringEquals".to_owned(),
            "aws:PrincipalAccount".to_owned(),
            json!("111122223333")
        )),
        Just((
            "StringEquals".to_owned(),
            "aws:PrincipalOrgID".to_owned(),
            json!("o-abc")
        )),
        Just((
            "ForAllValues:StringEquals".to_owned(),
            "aws:TagKeys".to_owned(),
            json!(["team", "env"])
        )),
        Just((
            "ForAnyValue:StringLike".to_owned(),
            "aws:TagKeys".to_owned(),
            json!("t*")
        )),
        Just((
            "StringEquals".to_owned(),
            "aws:TagKeys".to_owned(),
            json!("team")
        )),
        Just((
            "ForAnyValue:StringLike".to_owned(),
            "cognito-identity.amazonaws.com:amr".to_owned(),
            json!("authenticated")
        )),
        Just((
            "Bool".to_owned(),
            "aws:MultiFactorAuthPresent".to_owned(),
            json!("true")
        )),
        Just((
            "NumericLessThan".to_owned(),
            "aws:MultiFactorAuthAge".to_owned(),
            json!("3600")
        )),
    ]
}

fn statement() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        principal_value(),
        action_value(),
        proptest::collection::vec(condition(), 0..3),
    )
        .prop_map(|(deny, principal, (action_key, action), conditions)| {
            let mut s =
                json!({"Effect": if deny { "Deny" } else { "Allow" }, "Principal": principal});
            s[action_key] = action;
            if !conditions.is_empty() {
                let mut block = serde_json::Map::new();
                for (op, key, value) in conditions {
                    let entry = block.entry(op).or_insert_with(|| json!({}));
                    entry[key] = value;
                }
                s["Condition"] = Value::Object(block);
            }
            s
        })
}

fn policy() -> impl Strategy<Value = TrustPolicy> {
    // Mostly Allow statements: Deny-only policies admit nobody and test little.
    proptest::collection::vec(statement(), 1..4).prop_map(|mut statements| {
        if let Some(first) = statements.first_mut() {
            first["Effect"] = json!("Allow");
        }
        let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        TrustPolicy::parse("generated", &text).unwrap()
    })
}

/// A caller and the keys STS derives for it.
fn caller() -> impl Strategy<Value = (String, Option<String>, Vec<(&'static str, String)>)> {
    let aws = |principal: &str, arn: &str, account: &str, id: Option<&str>| {
        (
            principal.to_owned(),
            id.map(str::to_owned),
            vec![
                ("aws:PrincipalArn", arn.to_owned()),
                ("aws:PrincipalAccount", account.to_owned()),
            ],
        )
    };
    prop_oneof![
        Just(aws(
            "arn:aws:sts::111122223333:assumed-role/ci/s1",
            "arn:aws:iam::111122223333:role/ci",
            "111122223333",
            Some("AROACIROLEID12345678:s1")
        )),
        Just(aws(
            "arn:aws:sts::999999999999:assumed-role/ci/s1",
            "arn:aws:iam::999999999999:role/ci",
            "999999999999",
            None
        )),
        Just(aws(
            "arn:aws:sts::444455556666:assumed-role/cd/x",
            "arn:aws:iam::444455556666:role/cd",
            "444455556666",
            None
        )),
        Just(aws(
            "arn:aws:iam::111122223333:user/bob",
            "arn:aws:iam::111122223333:user/bob",
            "111122223333",
            Some("AIDABOBUSERID1234567")
        )),
        Just(aws(
            "arn:aws:iam::111122223333:role/ci",
            "arn:aws:iam::111122223333:role/ci",
            "111122223333",
            None
        )),
        Just(aws(
            "arn:aws:iam::555566667777:user/eve",
            "arn:aws:iam::555566667777:user/eve",
            "555566667777",
            Some("AROAEXAMPLEID1234567")
        )),
        Just(aws(
            "arn:aws:iam::444455556666:root",
            "arn:aws:iam::444455556666:root",
            "444455556666",
            None
        )),
        Just(("anonymous".to_owned(), None, vec![])),
        Just(("ec2.amazonaws.com".to_owned(), None, vec![])),
        Just(("EC2.amazonaws.com".to_owned(), None, vec![])),
        Just((
            format!("arn:aws:iam::111122223333:oidc-provider/{GH}"),
            None,
            vec![]
        )),
        Just((
            format!("arn:aws:iam::444455556666:oidc-provider/{GH}"),
            None,
            vec![]
        )),
        Just(("cognito-identity.amazonaws.com".to_owned(), None, vec![])),
        Just(("Cognito-Identity.amazonaws.com".to_owned(), None, vec![])),
    ]
}

fn request() -> impl Strategy<Value = Request> {
    let sub = prop_oneof![
        Just(None),
        Just(Some("repo:acme/app:ref:refs/heads/main")),
        Just(Some("repo:acme/app:pull_request")),
        Just(Some("repo:acme-evil/x:ref:refs/heads/main")),
        Just(Some("repo:Acme/app:ref:refs/heads/main")),
        Just(Some("repo:acme/app:ref:refs/heads/MAIN")),
        Just(Some("repo:bcme/app:environment:prod")),
    ];
    let aud = prop_oneof![
        Just(None),
        Just(Some("sts.amazonaws.com")),
        Just(Some("other"))
    ];
    let external = prop_oneof![
        Just(None),
        Just(Some("ext-1")),
        Just(Some("ext-2")),
        Just(Some("ext-3"))
    ];
    let org = prop_oneof![Just(None), Just(Some("o-abc")), Just(Some("o-evil"))];
    let tags = prop_oneof![
        Just(None),
        Just(Some(vec!["team"])),
        Just(Some(vec!["team", "env"])),
        Just(Some(vec!["cost"])),
        Just(Some(vec!["team", "cost"])),
    ];
    let amr = prop_oneof![
        Just(None),
        Just(Some(vec!["authenticated", "cognito-idp"])),
        Just(Some(vec!["unauthenticated"]))
    ];
    let mfa = prop_oneof![
        Just(None),
        Just(Some(("true", "100"))),
        Just(Some(("false", "7200")))
    ];
    let action = prop_oneof![
        Just("sts:AssumeRole"),
        Just("sts:AssumeRoleWithWebIdentity"),
        Just("sts:AssumeRoleWithSAML"),
        Just("sts:TagSession"),
        Just("sts:SetSourceIdentity"),
    ];
    (caller(), action, sub, aud, external, org, tags, amr, mfa).prop_map(
        |((principal, principal_id, derived), action, sub, aud, external, org, tags, amr, mfa)| {
            let mut r = Request::new(principal, action, ROLE);
            r.principal_id = principal_id;
            for (k, v) in derived {
                r.context.insert(k, v);
            }
            if let Some(v) = sub {
                r.context.insert(format!("{GH}:sub"), v);
            }
            if let Some(v) = aud {
                r.context.insert(format!("{GH}:aud"), v);
            }
            if let Some(v) = external {
                r.context.insert("sts:ExternalId", v);
            }
            if let Some(v) = org {
                r.context.insert("aws:PrincipalOrgID", v);
            }
            if let Some(v) = tags {
                r.context.insert_all("aws:TagKeys", v);
            }
            if let Some(v) = amr {
                r.context
                    .insert_all("cognito-identity.amazonaws.com:amr", v);
            }
            if let Some((present, age)) = mfa {
                r.context.insert("aws:MultiFactorAuthPresent", present);
                r.context.insert("aws:MultiFactorAuthAge", age);
            }
            r
        },
    )
}

fn options() -> LintOptions {
    LintOptions {
        account: Some("111122223333".into()),
        zone_of_trust: Vec::new(),
        role_arn: Some(ROLE.into()),
    }
}

fn allows(policy: &TrustPolicy, request: &Request) -> bool {
    evaluate_policy(&policy.policy, request).decision == PolicyDecision::Allow
}

/// The same cases on every run unless `PROPTEST_RNG_SEED` says otherwise, so that CI does not
/// hang on one draw: before subtraction kept untouched cubes whole, 2 of 294 seeds drew a pair
/// of policies that ran the diff out of memory (the regression test below). 200 other seeds
/// pass; explore more with `PROPTEST_RNG_SEED=N`.
fn config() -> ProptestConfig {
    let defaults = ProptestConfig::default();
    let rng_seed = if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
        defaults.rng_seed
    } else {
        RngSeed::Fixed(1)
    };
    ProptestConfig {
        cases: if cfg!(debug_assertions) { 48 } else { 200 },
        rng_seed,
        ..defaults
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn who_can_assume_is_exactly_what_the_engine_allows(
        policy in policy(),
        requests in proptest::collection::vec(request(), 24),
    ) {
        let set = who_can_assume(&policy, &options());
        for request in &requests {
            prop_assert_eq!(
                allows(&policy, request),
                set.admits(request),
                "policy {} request {:?}", policy.policy.to_json(), request
            );
        }
        for entry in &set.entries {
            if let Some(w) = &entry.witness {
                prop_assert!(allows(&policy, &w.request(ROLE)), "witness {} not allowed by {}", w, policy.policy.to_json());
            }
        }
    }

    #[test]
    fn diff_gains_and_losses_are_exactly_the_engine_differences(
        old in policy(),
        new in policy(),
        requests in proptest::collection::vec(request(), 24),
    ) {
        let d = diff(&old, &new, &options());
        for request in &requests {
            let (o, n) = (allows(&old, request), allows(&new, request));
            prop_assert_eq!(n && !o, d.gained_admits(request), "gained: old {} new {} request {:?}", old.policy.to_json(), new.policy.to_json(), request);
            prop_assert_eq!(o && !n, d.lost_admits(request), "lost: old {} new {} request {:?}", old.policy.to_json(), new.policy.to_json(), request);
        }
        for change in &d.gained {
            if let Some(w) = &change.witness {
                let r = w.request(ROLE);
                prop_assert!(allows(&new, &r) && !allows(&old, &r), "gained witness {}", w);
            }
        }
        for change in &d.lost {
            if let Some(w) = &change.witness {
                let r = w.request(ROLE);
                prop_assert!(allows(&old, &r) && !allows(&new, &r), "lost witness {}", w);
            }
        }
    }

    #[test]
    fn a_policy_never_differs_from_itself(policy in policy()) {
        let d = diff(&policy, &policy, &options());
        prop_assert!(d.gained.is_empty() && d.lost.is_empty());
    }
}

/// A pair the diff property drew at random (seed 35). Subtraction split every cube it did not
/// touch, the pieces multiplied at each later step, and the diff ran out of memory at 24 GB.
#[test]
fn a_diff_of_overlapping_statements_finishes_with_engine_checked_witnesses() {
    let old = TrustPolicy::parse("old", include_str!("data/fragmenting_diff_old.json")).unwrap();
    let new = TrustPolicy::parse("new", include_str!("data/fragmenting_diff_new.json")).unwrap();
    let d = diff(&old, &new, &options());
    assert!(!d.gained.is_empty() && !d.lost.is_empty());
    for (changes, gains, loses) in [(&d.gained, &new, &old), (&d.lost, &old, &new)] {
        for change in changes {
            let witness = change.witness.as_ref().expect("a witness for each change");
            let request = witness.request(ROLE);
            assert!(
                allows(gains, &request) && !allows(loses, &request),
                "{witness}"
            );
        }
    }
}

#[test]
fn every_admitted_entry_of_the_corpus_has_an_engine_checked_witness() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/corpus");
    let mut missing = Vec::new();
    let mut entries = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        if path.file_name().unwrap() == "manifest.json" {
            continue;
        }
        let policy =
            TrustPolicy::parse("corpus", &std::fs::read_to_string(&path).unwrap()).unwrap();
        for entry in who_can_assume(&policy, &options()).entries {
            entries += 1;
            match &entry.witness {
                Some(w) => assert!(allows(&policy, &w.request(ROLE)), "{}: {w}", path.display()),
                None => missing.push(format!("{}: {}", path.display(), entry.principal)),
            }
        }
    }
    assert!(entries > 100);
    // Entries whose only members need values outside what witnesses spell (e.g. an IP range) may
    // lack one, but they must be rare.
    assert!(
        missing.len() * 20 < entries,
        "{} of {entries} entries without witness: {missing:?}",
        missing.len()
    );
}
