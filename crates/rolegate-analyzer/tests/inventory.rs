//! Inventory analysis on a two-account organization written as
//! `aws iam get-account-authorization-details` output: a GitHub role open to any repository
//! (the entry point), a deploy role it can reach, an admin role reached in two hops, a role
//! cycle, and an ExternalId reused by two vendor roles.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests and benches fail loudly on bad fixtures"
)]

use rolegate_analyzer::Inventory;
use rolegate_analyzer::inventory::analyze;
use serde_json::json;

fn trust(statement: serde_json::Value) -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [statement]})
}

fn role(
    account: &str,
    name: &str,
    id: &str,
    trust_doc: serde_json::Value,
    inline: Option<serde_json::Value>,
    managed: &[&str],
) -> serde_json::Value {
    json!({
        "RoleName": name,
        "RoleId": id,
        "Arn": format!("arn:aws:iam::{account}:role/{name}"),
        "AssumeRolePolicyDocument": trust_doc,
        "RolePolicyList": inline.map(|doc| vec![json!({"PolicyName": "inline", "PolicyDocument": doc})]).unwrap_or_default(),
        "AttachedManagedPolicies": managed.iter().map(|m| json!({"PolicyName": m, "PolicyArn": format!("arn:aws:iam::aws:policy/{m}")})).collect::<Vec<_>>(),
    })
}

fn assume_any() -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]})
}

fn inventory() -> Inventory {
    let a = "111122223333";
    let b = "444455556666";
    let gh = "token.actions.githubusercontent.com";
    let account_a = json!({
        "RoleDetailList": [
            role(a, "gh-ci", "AROAGHCIROLE00000001", trust(json!({
                "Effect": "Allow",
                "Principal": {"Federated": format!("arn:aws:iam::{a}:oidc-provider/{gh}")},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {format!("{gh}:aud"): "sts.amazonaws.com"}}
            })), Some(assume_any()), &[]),
            role(a, "deployer", "AROADEPLOYER00000001", trust(json!({
                "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{a}:role/gh-ci")}, "Action": "sts:AssumeRole"
            })), Some(assume_any()), &[]),
            role(a, "ping", "AROAPING000000000001", trust(json!({
                "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{a}:role/pong")}, "Action": "sts:AssumeRole"
            })), Some(assume_any()), &[]),
            role(a, "pong", "AROAPONG000000000001", trust(json!({
                "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{a}:role/ping")}, "Action": "sts:AssumeRole"
            })), Some(assume_any()), &[]),
            role(a, "vendor-a", "AROAVENDORA000000001", trust(json!({
                "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:role/v"}, "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "3b9f2c7e-1d4a-4e6b-9a8c-5f0e2d1c7b6a"}}
            })), None, &[]),
            role(a, "vendor-b", "AROAVENDORB000000001", trust(json!({
                "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:role/v"}, "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "3b9f2c7e-1d4a-4e6b-9a8c-5f0e2d1c7b6a"}}
            })), None, &[]),
        ],
        "UserDetailList": [],
        "Policies": [],
    });
    let account_b = json!({
        "RoleDetailList": [
            role(b, "admin", "AROAADMIN00000000001", trust(json!({
                "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{a}:role/deployer")}, "Action": "sts:AssumeRole"
            })), None, &["AdministratorAccess"]),
        ],
    });
    let mut inventory = Inventory::default();
    inventory
        .add_json("a.json", &account_a.to_string())
        .unwrap();
    inventory
        .add_json("b.json", &account_b.to_string())
        .unwrap();
    inventory
}

#[test]
fn finds_reachability_cycles_exposure_and_reuse() {
    let findings = analyze(&inventory());
    let has = |id: &str, source_suffix: &str, text: &str| {
        findings
            .iter()
            .any(|f| f.id == id && f.source.ends_with(source_suffix) && f.message.contains(text))
    };
    // The entry point itself.
    assert!(has("TP016", "role/gh-ci", ""), "{findings:#?}");
    // deployer trusts gh-ci, which any GitHub repository can assume.
    assert!(has("TP039", "role/deployer", "role/gh-ci"), "{findings:#?}");
    // admin is reached from outside in two hops.
    assert!(
        has(
            "TP037",
            "role/admin",
            "gh-ci -> arn:aws:iam::111122223333:role/deployer -> arn:aws:iam::444455556666:role/admin"
        ),
        "{findings:#?}"
    );
    // ping <-> pong.
    assert!(findings.iter().any(|f| f.id == "TP038"
        && f.message.contains("role/ping")
        && f.message.contains("role/pong")));
    // One ExternalId for two roles.
    assert!(has("TP012", "role/vendor-a", "reused by 2 roles"));
    assert!(has("TP012", "role/vendor-b", "reused by 2 roles"));
    // Edges carry engine-checked witnesses.
    let tp037 = findings.iter().find(|f| f.id == "TP037").unwrap();
    assert!(
        tp037
            .witness
            .as_ref()
            .unwrap()
            .principal
            .contains("assumed-role/deployer/")
    );
}

#[test]
fn no_edge_without_identity_permission_across_accounts() {
    let mut inventory = inventory();
    // Without sts:AssumeRole in deployer's identity policies, admin (another account) is not
    // reachable, and nothing reports TP037.
    for role in &mut inventory.roles {
        if role.name == "deployer" {
            role.identity.clear();
        }
    }
    let findings = analyze(&inventory);
    assert!(!findings.iter().any(|f| f.id == "TP037"), "{findings:#?}");
}

#[test]
fn reads_url_encoded_documents_and_reports_missing_providers() {
    let text = json!({
        "RoleDetailList": [{
            "RoleName": "r", "RoleId": "AROAR000000000000001", "Arn": "arn:aws:iam::111122223333:role/r",
            "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Federated%22%3A%22arn%3Aaws%3Aiam%3A%3A111122223333%3Aoidc-provider%2Fgitlab.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRoleWithWebIdentity%22%2C%22Condition%22%3A%7B%22StringEquals%22%3A%7B%22gitlab.com%3Asub%22%3A%22project_path%3Ag%2Fp%3Aref_type%3Abranch%3Aref%3Amain%22%2C%22gitlab.com%3Aaud%22%3A%22https%3A%2F%2Fgitlab.example%22%7D%7D%7D%5D%7D",
        }],
        "OpenIDConnectProviderList": [{"Arn": "arn:aws:iam::111122223333:oidc-provider/gitlab.com", "ClientIDList": ["https://gitlab.com"]}],
    });
    let mut inventory = Inventory::default();
    inventory.add_json("a.json", &text.to_string()).unwrap();
    let findings = analyze(&inventory);
    assert!(
        findings
            .iter()
            .any(|f| f.id == "TP024" && f.message.contains("ClientIDList")),
        "{findings:#?}"
    );
}
