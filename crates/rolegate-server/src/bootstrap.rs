//! The bootstrap file (YAML or JSON): accounts with their root keys, and optionally managed
//! policies, users (with keys and policies), roles and service identities. Applied on every
//! start; whatever already exists is left as it is, so applying it twice changes nothing.
//!
//! Users, roles and policies are created through the same IAM operations the API serves,
//! acting as the account root, so a bootstrap file is validated exactly like API calls.
//!
//! ```yaml
//! accounts:
//!   - id: "111122223333"
//!     name: account-a
//!     organization: o-a1b2c3d4e5        # optional
//!     ou_path: o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/   # optional
//!     root_keys: [{access_key_id: AKIA..., secret_access_key: ...}]
//!     policies: [{name: ReadOnly, document: {...}}]
//!     users: [{name: alice, access_keys: [...], inline_policies: {Assume: {...}}, tags: {team: a}}]
//!     roles: [{name: Deploy, trust_policy: {...}, attached_policies: [arn...]}]
//!     services: [{service: ec2.amazonaws.com, access_key_id: ..., secret_access_key: ...}]
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rolegate_protocol::{AwsError, QueryRequest, Service};
use rolegate_store::{AccessKey, Account, KeyOwner, KeyStatus, StoreError};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::authenticate::Caller;
use crate::authorize::RequestFacts;
use crate::dispatch;
use crate::operation::Ctx;
use crate::state::AppState;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BootstrapFile {
    #[serde(default)]
    pub accounts: Vec<AccountSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    pub id: String,
    pub name: String,
    pub organization: Option<String>,
    pub ou_path: Option<String>,
    #[serde(default)]
    pub root_keys: Vec<KeySpec>,
    #[serde(default)]
    pub policies: Vec<PolicySpec>,
    #[serde(default)]
    pub users: Vec<UserSpec>,
    #[serde(default)]
    pub roles: Vec<RoleSpec>,
    #[serde(default)]
    pub services: Vec<ServiceSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySpec {
    pub access_key_id: String,
    pub secret_access_key: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    pub name: String,
    pub path: Option<String>,
    pub description: Option<String>,
    pub document: serde_json::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSpec {
    pub name: String,
    pub path: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub inline_policies: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub attached_policies: Vec<String>,
    #[serde(default)]
    pub access_keys: Vec<KeySpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    pub name: String,
    pub path: Option<String>,
    pub description: Option<String>,
    pub max_session_duration: Option<i64>,
    pub permissions_boundary: Option<String>,
    pub trust_policy: serde_json::Value,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub inline_policies: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub attached_policies: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    pub service: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// Why the bootstrap file could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot parse {path}: {message}")]
    Parse { path: String, message: String },
    #[error("account {0}: the id must be 12 digits")]
    AccountId(String),
    #[error("account {account}: {what}: {error}")]
    Operation {
        account: String,
        what: String,
        error: AwsError,
    },
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("sealing a secret: {0}")]
    Seal(String),
}

/// What applying created (the rest existed already).
#[derive(Debug, Default)]
pub struct Report {
    pub accounts: usize,
    pub keys: usize,
    pub entities: usize,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "created {} accounts, {} access keys, {} users/roles/policies",
            self.accounts, self.keys, self.entities
        )
    }
}

/// Reads and applies a YAML or JSON bootstrap file.
pub async fn apply_file(state: &AppState, path: &Path) -> Result<Report, BootstrapError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| BootstrapError::Read {
        path: shown.clone(),
        source,
    })?;
    // YAML is a superset of JSON, so one parser reads both.
    let file: BootstrapFile =
        serde_yaml_ng::from_str(&text).map_err(|e| BootstrapError::Parse {
            path: shown,
            message: e.to_string(),
        })?;
    apply(state, &file).await
}

/// `--dev` without a bootstrap file: account 000000000000 with root key `test` / `test`.
pub async fn apply_dev(state: &AppState) -> Result<Report, BootstrapError> {
    let file = BootstrapFile {
        accounts: vec![AccountSpec {
            id: DEV_ACCOUNT.into(),
            name: "dev".into(),
            organization: None,
            ou_path: None,
            root_keys: vec![KeySpec {
                access_key_id: DEV_ROOT_KEY.0.into(),
                secret_access_key: DEV_ROOT_KEY.1.into(),
            }],
            policies: vec![],
            users: vec![UserSpec {
                name: DEV_USER.into(),
                path: None,
                tags: BTreeMap::new(),
                inline_policies: BTreeMap::new(),
                attached_policies: vec!["arn:aws:iam::aws:policy/AdministratorAccess".into()],
                access_keys: vec![KeySpec {
                    access_key_id: DEV_USER_KEY.0.into(),
                    secret_access_key: DEV_USER_KEY.1.into(),
                }],
            }],
            roles: vec![],
            services: vec![],
        }],
    };
    apply(state, &file).await
}

/// `serve --dev`'s account: an administrator user with the `test` / `test` key (a user, so it
/// may assume roles, which a root may not), and the root's own key beside it.
pub const DEV_ACCOUNT: &str = "000000000000";
pub const DEV_USER: &str = "admin";
pub const DEV_USER_KEY: (&str, &str) = ("test", "test");
pub const DEV_ROOT_KEY: (&str, &str) = ("root", "root");

/// Applies `file`: accounts, then managed policies, users, and roles last (their trust
/// policies may name users and roles of any account).
pub async fn apply(state: &AppState, file: &BootstrapFile) -> Result<Report, BootstrapError> {
    let mut report = Report::default();
    let now = OffsetDateTime::now_utc();
    let mut accounts = Vec::new();
    for spec in &file.accounts {
        if !rolegate_types::AccountId::is_valid(&spec.id) {
            return Err(BootstrapError::AccountId(spec.id.clone()));
        }
        let account = Account {
            id: spec.id.clone(),
            name: spec.name.clone(),
            organization_id: spec.organization.clone(),
            ou_path: spec.ou_path.clone(),
            created_at: now,
        };
        if state.store.ensure_account(&account).await? {
            report.accounts += 1;
        }
        let account = state.store.get_account(&spec.id).await?;
        for key in &spec.root_keys {
            report.keys += add_key(state, &spec.id, KeyOwner::Root, key).await?;
        }
        for service in &spec.services {
            let key = KeySpec {
                access_key_id: service.access_key_id.clone(),
                secret_access_key: service.secret_access_key.clone(),
            };
            report.keys += add_key(
                state,
                &spec.id,
                KeyOwner::Service(service.service.clone()),
                &key,
            )
            .await?;
        }
        accounts.push((spec, Arc::new(account)));
    }
    for (spec, account) in &accounts {
        let root = Caller::root(Arc::clone(account), "bootstrap", partition(state));
        for policy in &spec.policies {
            let mut params = vec![
                ("PolicyName", policy.name.clone()),
                ("PolicyDocument", document(&policy.document)),
            ];
            push_opt(&mut params, "Path", &policy.path);
            push_opt(&mut params, "Description", &policy.description);
            report.entities += run(state, &root, "CreatePolicy", &params).await?;
        }
        for user in &spec.users {
            let mut params = vec![("UserName", user.name.clone())];
            push_opt(&mut params, "Path", &user.path);
            push_tags(&mut params, &user.tags);
            report.entities += run(state, &root, "CreateUser", &params).await?;
            for (name, doc) in &user.inline_policies {
                let params = [
                    ("UserName", user.name.clone()),
                    ("PolicyName", name.clone()),
                    ("PolicyDocument", document(doc)),
                ];
                run(state, &root, "PutUserPolicy", &params).await?;
            }
            for arn in &user.attached_policies {
                let params = [("UserName", user.name.clone()), ("PolicyArn", arn.clone())];
                run(state, &root, "AttachUserPolicy", &params).await?;
            }
            for key in &user.access_keys {
                report.keys +=
                    add_key(state, &spec.id, KeyOwner::User(user.name.clone()), key).await?;
            }
        }
    }
    for (spec, account) in &accounts {
        let root = Caller::root(Arc::clone(account), "bootstrap", partition(state));
        for role in &spec.roles {
            let mut params = vec![
                ("RoleName", role.name.clone()),
                ("AssumeRolePolicyDocument", document(&role.trust_policy)),
            ];
            push_opt(&mut params, "Path", &role.path);
            push_opt(&mut params, "Description", &role.description);
            push_opt(
                &mut params,
                "PermissionsBoundary",
                &role.permissions_boundary,
            );
            push_opt(
                &mut params,
                "MaxSessionDuration",
                &role.max_session_duration.map(|d| d.to_string()),
            );
            push_tags(&mut params, &role.tags);
            report.entities += run(state, &root, "CreateRole", &params).await?;
            for (name, doc) in &role.inline_policies {
                let params = [
                    ("RoleName", role.name.clone()),
                    ("PolicyName", name.clone()),
                    ("PolicyDocument", document(doc)),
                ];
                run(state, &root, "PutRolePolicy", &params).await?;
            }
            for arn in &role.attached_policies {
                let params = [("RoleName", role.name.clone()), ("PolicyArn", arn.clone())];
                run(state, &root, "AttachRolePolicy", &params).await?;
            }
        }
    }
    Ok(report)
}

/// A policy document given as a JSON object (or already as text).
fn document(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn push_opt(params: &mut Vec<(&'static str, String)>, name: &'static str, value: &Option<String>) {
    if let Some(value) = value {
        params.push((name, value.clone()));
    }
}

fn push_tags(params: &mut Vec<(&'static str, String)>, tags: &BTreeMap<String, String>) {
    // Query parameter names must be 'static here; at most 50 tags exist (the IAM limit).
    const KEYS: [&str; 50] = tag_names::KEYS;
    const VALUES: [&str; 50] = tag_names::VALUES;
    for ((key, value), (k, v)) in tags.iter().zip(KEYS.iter().zip(VALUES.iter())) {
        params.push((k, key.clone()));
        params.push((v, value.clone()));
    }
}

mod tag_names {
    macro_rules! names {
        ($suffix:literal; $($n:literal)*) => { [$(concat!("Tags.member.", $n, $suffix)),*] };
    }
    pub const KEYS: [&str; 50] = names!(".Key"; 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25
        26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50);
    pub const VALUES: [&str; 50] = names!(".Value"; 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25
        26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50);
}

/// Runs one IAM operation as the account root; an entity that exists already counts as done.
async fn run(
    state: &AppState,
    root: &Caller,
    action: &'static str,
    params: &[(&str, String)],
) -> Result<usize, BootstrapError> {
    let mut form = form_urlencoded_body(params);
    form.push_str("&Action=");
    form.push_str(action);
    let failed = |error| BootstrapError::Operation {
        account: root.account.id.clone(),
        what: format!(
            "{action} {}",
            params.first().map(|(_, v)| v.as_str()).unwrap_or_default()
        ),
        error,
    };
    let query = QueryRequest::parse(form.as_bytes(), "")
        .map_err(|e| failed(e.to_aws_error(Service::Iam)))?;
    let route = dispatch::find(Service::Iam, action)
        .ok_or_else(|| failed(AwsError::invalid_action(action, None)))?;
    let mut ctx = Ctx {
        state,
        caller: root,
        facts: RequestFacts {
            now: OffsetDateTime::now_utc(),
            source_ip: "127.0.0.1".into(),
            region: state.region.clone(),
            partition: partition(state),
            secure_transport: false,
        },
        request_id: "bootstrap",
        decisions: Vec::new(),
    };
    match (route.handler)(&mut ctx, query.params()).await {
        Ok(_) => Ok(1),
        Err(error) => match error.into_aws(Service::Iam) {
            error if error.code == "EntityAlreadyExists" => Ok(0),
            error => Err(failed(error)),
        },
    }
}

/// The partition of the server's region: the one the bootstrap's ARNs are in.
fn partition(state: &AppState) -> rolegate_types::Partition {
    rolegate_types::Partition::of_region(&state.region)
}

fn form_urlencoded_body(params: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (name, value) in params {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&encode(name));
        out.push('=');
        out.push_str(&encode(value));
    }
    out
}

/// Percent-encodes everything but unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Stores a key with a given id and secret unless that id exists; returns 1 if created.
async fn add_key(
    state: &AppState,
    account_id: &str,
    owner: KeyOwner,
    key: &KeySpec,
) -> Result<usize, BootstrapError> {
    let sealed = state
        .sealer
        .seal_secret(&key.secret_access_key, &key.access_key_id)
        .map_err(|e| BootstrapError::Seal(e.to_string()))?;
    let row = AccessKey {
        access_key_id: key.access_key_id.clone(),
        account_id: account_id.to_owned(),
        owner,
        secret_sealed: sealed,
        status: KeyStatus::Active,
        created_at: OffsetDateTime::now_utc(),
    };
    match state.store.create_access_key(&row).await {
        Ok(()) => Ok(1),
        Err(StoreError::AlreadyExists { .. }) => Ok(0),
        Err(e) => Err(e.into()),
    }
}
