//! Findings across many roles: an inventory read from `aws iam get-account-authorization-details`
//! output (one JSON file per account in a directory), joined into a graph of who can assume what.
//!
//! TP037 role-chain reachability from outside, TP038 cycles, TP039 transitive exposure, TP012
//! ExternalIds reused across roles, TP024 `aud` against the account's OIDC providers (when the
//! files carry an `OpenIDConnectProviderList`, as `get-open-id-connect-provider` describes them).
//! Each edge is decided by the engine: the trust policy allows the caller (witness search over the
//! trust's languages) and, unless the trust names the caller itself in the same account, the
//! caller's identity policies allow `sts:AssumeRole` on the role.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use rolegate_policy::ast::{Effect, PrincipalKind};
use rolegate_policy::{Policy, PolicyDecision, PolicyType, Request, evaluate_policy};
use serde_json::Value;

use crate::compile::Space;
use crate::finding::{Finding, Severity};
use crate::lint::{LintOptions, arn_account, conditions_on, lint};
use crate::model::{TrustPolicy, principal_values};
use crate::symbolic::PRINCIPAL_KEY;
use crate::witness::{Hints, Witness, find};

/// A role of the inventory.
#[derive(Debug, Clone)]
pub struct Role {
    pub arn: String,
    pub name: String,
    pub account: String,
    pub role_id: String,
    pub trust: TrustPolicy,
    pub identity: Vec<Policy>,
    /// Names of attached managed policies (AWS-managed ones are not in the file's Policies list).
    pub managed: Vec<String>,
}

/// A user of the inventory (a possible first hop).
#[derive(Debug, Clone)]
pub struct User {
    pub arn: String,
    pub account: String,
    pub user_id: String,
    pub identity: Vec<Policy>,
}

/// An OIDC provider as `get-open-id-connect-provider` describes it.
#[derive(Debug, Clone)]
pub struct OidcProvider {
    pub arn: String,
    pub client_ids: Vec<String>,
}

/// Every account's roles, users and providers.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub roles: Vec<Role>,
    pub users: Vec<User>,
    pub providers: Vec<OidcProvider>,
    pub accounts: BTreeSet<String>,
}

/// Why an inventory could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not JSON: {source}")]
    Json {
        path: String,
        source: serde_json::Error,
    },
    #[error("{path}: role {role}: {reason}")]
    Role {
        path: String,
        role: String,
        reason: String,
    },
}

/// Decodes `%XX` escapes (the raw IAM API returns policy documents URL-encoded).
fn url_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A policy document field: a JSON object, or a URL-encoded JSON string.
fn document_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if s.trim_start().starts_with('{') => Some(s.clone()),
        Value::String(s) => Some(url_decode(s)),
        Value::Object(_) => serde_json::to_string(value).ok(),
        _ => None,
    }
}

fn str_field<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn list<'v>(value: &'v Value, key: &str) -> impl Iterator<Item = &'v Value> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

impl Inventory {
    /// Reads every `*.json` file of `dir`.
    pub fn load_dir(dir: &Path) -> Result<Self, InventoryError> {
        let io = |source| InventoryError::Io {
            path: dir.display().to_string(),
            source,
        };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        let mut inventory = Inventory::default();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|source| InventoryError::Io {
                path: path.display().to_string(),
                source,
            })?;
            inventory.add_json(&path.display().to_string(), &text)?;
        }
        Ok(inventory)
    }

    /// Adds one account's `get-account-authorization-details` output.
    pub fn add_json(&mut self, name: &str, text: &str) -> Result<(), InventoryError> {
        let root: Value = serde_json::from_str(text).map_err(|source| InventoryError::Json {
            path: name.to_owned(),
            source,
        })?;
        // Customer-managed policies by ARN: their default version's document.
        let mut managed: BTreeMap<String, Policy> = BTreeMap::new();
        for p in list(&root, "Policies") {
            let default = list(p, "PolicyVersionList")
                .find(|v| v.get("IsDefaultVersion").and_then(Value::as_bool) == Some(true));
            if let Some(doc) = default
                .and_then(|v| v.get("Document"))
                .and_then(document_text)
                && let Ok(policy) = Policy::parse_unvalidated(&doc, PolicyType::Identity)
            {
                managed.insert(str_field(p, "Arn").to_owned(), policy);
            }
        }
        let identity_of = |entity: &Value, inline_key: &str| -> (Vec<Policy>, Vec<String>) {
            let mut policies: Vec<Policy> = list(entity, inline_key)
                .filter_map(|p| p.get("PolicyDocument").and_then(document_text))
                .filter_map(|doc| Policy::parse_unvalidated(&doc, PolicyType::Identity).ok())
                .collect();
            let mut names = Vec::new();
            for attached in list(entity, "AttachedManagedPolicies") {
                names.push(str_field(attached, "PolicyName").to_owned());
                if let Some(p) = managed.get(str_field(attached, "PolicyArn")) {
                    policies.push(p.clone());
                }
            }
            (policies, names)
        };
        let mut groups: BTreeMap<String, (Vec<Policy>, Vec<String>)> = BTreeMap::new();
        for g in list(&root, "GroupDetailList") {
            groups.insert(
                str_field(g, "GroupName").to_owned(),
                identity_of(g, "GroupPolicyList"),
            );
        }
        for r in list(&root, "RoleDetailList") {
            let arn = str_field(r, "Arn").to_owned();
            let role_error = |reason: String| InventoryError::Role {
                path: name.to_owned(),
                role: arn.clone(),
                reason,
            };
            let doc = r
                .get("AssumeRolePolicyDocument")
                .and_then(document_text)
                .ok_or_else(|| role_error("no AssumeRolePolicyDocument".to_owned()))?;
            let trust = TrustPolicy::parse(&arn, &doc).map_err(|e| role_error(e.to_string()))?;
            let (identity, managed_names) = identity_of(r, "RolePolicyList");
            let account = arn_account(&arn).unwrap_or_default().to_owned();
            self.accounts.insert(account.clone());
            self.roles.push(Role {
                name: str_field(r, "RoleName").to_owned(),
                role_id: str_field(r, "RoleId").to_owned(),
                arn,
                account,
                trust,
                identity,
                managed: managed_names,
            });
        }
        for u in list(&root, "UserDetailList") {
            let (mut identity, _) = identity_of(u, "UserPolicyList");
            for g in list(u, "GroupList").filter_map(Value::as_str) {
                if let Some((policies, _)) = groups.get(g) {
                    identity.extend(policies.iter().cloned());
                }
            }
            let arn = str_field(u, "Arn").to_owned();
            let account = arn_account(&arn).unwrap_or_default().to_owned();
            self.accounts.insert(account.clone());
            self.users.push(User {
                arn,
                account,
                user_id: str_field(u, "UserId").to_owned(),
                identity,
            });
        }
        for p in list(&root, "OpenIDConnectProviderList") {
            let client_ids = list(p, "ClientIDList")
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            self.providers.push(OidcProvider {
                arn: str_field(p, "Arn").to_owned(),
                client_ids,
            });
        }
        Ok(())
    }

    /// Lint options for one role of the inventory: its account, the inventory's accounts as the
    /// zone of trust, its ARN.
    pub fn options_for(&self, role: &Role) -> LintOptions {
        LintOptions {
            account: Some(role.account.clone()),
            zone_of_trust: self.accounts.iter().cloned().collect(),
            role_arn: Some(role.arn.clone()),
        }
    }
}

/// A caller that can take a hop: a role (through a session) or a user.
struct Caller<'a> {
    arn: &'a str,
    account: &'a str,
    principal: String,
    principal_id: String,
    identity: &'a [Policy],
    role: Option<usize>,
}

/// One edge of the assume graph.
#[derive(Debug, Clone)]
pub struct Edge {
    pub from: String,
    pub to: usize,
    pub witness: Witness,
}

/// Findings that need the whole inventory, plus each role's own lint (with inventory options).
pub fn analyze(inventory: &Inventory) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut entry_roles: BTreeMap<usize, (String, Option<Witness>)> = BTreeMap::new();
    // Each role's own lint is independent of the others: run them on every core, in order.
    let linted = crate::parallel::map_ordered(&inventory.roles, |role| {
        lint(&role.trust, &inventory.options_for(role))
    });
    for (i, mut own) in linted.into_iter().enumerate() {
        // A unique id that still belongs to someone in the inventory is not dangling.
        own.retain(|f| {
            f.id != "TP032"
                || !inventory
                    .roles
                    .iter()
                    .any(|r| f.message.contains(&r.role_id) && !r.role_id.is_empty())
                    && !inventory
                        .users
                        .iter()
                        .any(|u| f.message.contains(&u.user_id) && !u.user_id.is_empty())
        });
        let exposure = own.iter().find(|f| {
            matches!(
                f.id,
                "TP001"
                    | "TP007"
                    | "TP008"
                    | "TP009"
                    | "TP015"
                    | "TP016"
                    | "TP017"
                    | "TP018"
                    | "TP025"
                    | "TP027"
            )
        });
        if let Some(f) = exposure {
            entry_roles.insert(i, (format!("{} ({})", f.id, f.message), f.witness.clone()));
        } else if let Some(f) = own.iter().find(|f| f.id == "TP010" || f.id == "TP011") {
            entry_roles.insert(i, (format!("{} ({})", f.id, f.message), f.witness.clone()));
        }
        findings.extend(own);
    }
    let edges = edges(inventory);
    reachability(inventory, &entry_roles, &edges, &mut findings);
    cycles(inventory, &edges, &mut findings);
    reused_external_ids(inventory, &mut findings);
    oidc_audiences(inventory, &mut findings);
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.source.cmp(&b.source))
            .then(a.id.cmp(b.id))
    });
    findings
}

fn callers(inventory: &Inventory) -> Vec<Caller<'_>> {
    let mut out: Vec<Caller<'_>> = inventory
        .roles
        .iter()
        .enumerate()
        .map(|(i, r)| Caller {
            arn: &r.arn,
            account: &r.account,
            principal: format!(
                "arn:aws:sts::{}:assumed-role/{}/rolegate-analysis",
                r.account, r.name
            ),
            principal_id: format!("{}:rolegate-analysis", r.role_id),
            identity: &r.identity,
            role: Some(i),
        })
        .collect();
    out.extend(inventory.users.iter().map(|u| Caller {
        arn: &u.arn,
        account: &u.account,
        principal: u.arn.clone(),
        principal_id: u.user_id.clone(),
        identity: &u.identity,
        role: None,
    }));
    out
}

/// Whether the caller's identity policies allow `sts:AssumeRole` on `role` (no explicit deny).
fn identity_allows(caller: &Caller<'_>, role: &Role) -> bool {
    let request = Request::new(caller.principal.clone(), "sts:AssumeRole", role.arn.clone());
    let outcomes: Vec<PolicyDecision> = caller
        .identity
        .iter()
        .map(|p| evaluate_policy(p, &request).decision)
        .collect();
    outcomes.contains(&PolicyDecision::Allow) && !outcomes.contains(&PolicyDecision::Deny)
}

/// Every caller → role edge the engine confirms.
pub fn edges(inventory: &Inventory) -> Vec<Edge> {
    let space = Space::new();
    let mut out = Vec::new();
    let callers = callers(inventory);
    for (to, role) in inventory.roles.iter().enumerate() {
        let compiled = space.compile(&role.trust);
        let admitted = crate::compile::admitted(&space, &compiled);
        for caller in &callers {
            // The trust names the caller itself (not just its account) in the same account: the
            // trust alone suffices; otherwise the caller's identity policies must allow too.
            let named = role.trust.statements().any(|(_, s)| {
                s.effect == Effect::Allow
                    && principal_values(s)
                        .iter()
                        .any(|(k, v)| *k == Some(PrincipalKind::Aws) && *v == caller.arn)
            });
            if !(identity_allows(caller, role) || named && caller.account == role.account) {
                continue;
            }
            let hints = Hints {
                preferred: [(PRINCIPAL_KEY.to_owned(), vec![caller.principal.clone()])].into(),
                ..Hints::default()
            };
            let witness = admitted.iter().find_map(|(_, cube)| {
                find(&space, cube, &hints, &mut |w: &Witness| {
                    w.principal == caller.principal
                        && w.decision(&role.trust, &role.arn) == PolicyDecision::Allow
                })
            });
            if let Some(mut witness) = witness {
                witness.principal_id = Some(caller.principal_id.clone());
                if caller.role == Some(to) || caller.arn != role.arn {
                    out.push(Edge {
                        from: caller.arn.to_owned(),
                        to,
                        witness,
                    });
                }
            }
        }
    }
    out
}

/// Whether a role's permissions make it worth reaching.
fn is_privileged(role: &Role) -> bool {
    const ADMIN: [&str; 3] = ["AdministratorAccess", "IAMFullAccess", "PowerUserAccess"];
    if role.managed.iter().any(|m| ADMIN.contains(&m.as_str())) {
        return true;
    }
    let request = Request::new(
        format!("arn:aws:sts::{}:assumed-role/{}/x", role.account, role.name),
        "iam:AttachRolePolicy",
        "*",
    );
    role.identity
        .iter()
        .any(|p| evaluate_policy(p, &request).decision == PolicyDecision::Allow)
}

/// TP037 and TP039.
fn reachability(
    inventory: &Inventory,
    entries: &BTreeMap<usize, (String, Option<Witness>)>,
    edges: &[Edge],
    findings: &mut Vec<Finding>,
) {
    let index_of = |arn: &str| inventory.roles.iter().position(|r| r.arn == arn);
    for (&start, (why, entry_witness)) in entries {
        let Some(start_role) = inventory.roles.get(start) else {
            continue;
        };
        // BFS over role→role edges, remembering the path.
        let mut parent: BTreeMap<usize, usize> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        let mut seen = BTreeSet::from([start]);
        while let Some(at) = queue.pop_front() {
            let Some(at_role) = inventory.roles.get(at) else {
                continue;
            };
            for edge in edges.iter().filter(|e| e.from == at_role.arn && e.to != at) {
                if seen.insert(edge.to) {
                    parent.insert(edge.to, at);
                    queue.push_back(edge.to);
                }
            }
        }
        for &reached in parent.keys() {
            let Some(role) = inventory.roles.get(reached) else {
                continue;
            };
            let mut path = vec![role.arn.clone()];
            let mut cursor = reached;
            while let Some(&p) = parent.get(&cursor) {
                path.push(
                    inventory
                        .roles
                        .get(p)
                        .map(|r| r.arn.clone())
                        .unwrap_or_default(),
                );
                cursor = p;
            }
            path.reverse();
            let first_hop = parent.get(&reached) == Some(&start);
            let witness = edges
                .iter()
                .find(|e| {
                    e.to == reached
                        && index_of(&e.from).is_some_and(|f| parent.get(&reached) == Some(&f))
                })
                .map(|e| e.witness.clone());
            if first_hop {
                findings.push(Finding {
                    id: "TP039",
                    severity: Severity::High,
                    source: role.arn.clone(),
                    statement: None,
                    path: "$.Statement".to_owned(),
                    line: None,
                    message: format!(
                        "trusts {} which is itself broadly assumable ({why}): this role inherits that exposure",
                        start_role.arn
                    ),
                    witness: witness.clone(),
                    fix: "Narrow the trusted role's own trust policy, or stop trusting it here".to_owned(),
                });
            }
            if is_privileged(role) {
                findings.push(Finding {
                    id: "TP037",
                    severity: Severity::High,
                    source: role.arn.clone(),
                    statement: None,
                    path: "$.Statement".to_owned(),
                    line: None,
                    message: format!(
                        "privileged role reachable from outside in {} hop(s): {} (entry: {why}; entry witness: {})",
                        path.len() - 1,
                        path.join(" -> "),
                        entry_witness.as_ref().map_or_else(|| "none".to_owned(), ToString::to_string)
                    ),
                    witness,
                    fix: "Cut the chain: narrow the entry role's trust or remove the hop's sts:AssumeRole permission".to_owned(),
                });
            }
        }
    }
}

/// TP038: cycles of role → role edges (self-trust included).
fn cycles(inventory: &Inventory, edges: &[Edge], findings: &mut Vec<Finding>) {
    let n = inventory.roles.len();
    let role_edges: Vec<(usize, usize)> = edges
        .iter()
        .filter_map(|e| {
            inventory
                .roles
                .iter()
                .position(|r| r.arn == e.from)
                .map(|from| (from, e.to))
        })
        .collect();
    // A role is on a cycle iff it can reach itself.
    let mut reported: BTreeSet<Vec<usize>> = BTreeSet::new();
    for start in 0..n {
        let mut parent: BTreeMap<usize, usize> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        let mut found = None;
        while let Some(at) = queue.pop_front() {
            for &(from, to) in role_edges.iter().filter(|(f, _)| *f == at) {
                if to == start {
                    found = Some(from);
                    break;
                }
                if !parent.contains_key(&to) && to != start {
                    parent.insert(to, from);
                    queue.push_back(to);
                }
            }
            if found.is_some() {
                break;
            }
        }
        let Some(last) = found else { continue };
        let mut cycle = vec![last];
        let mut cursor = last;
        while let Some(&p) = parent.get(&cursor) {
            cycle.push(p);
            cursor = p;
        }
        if cursor != start && last != start {
            continue;
        }
        let mut key = cycle.clone();
        key.sort_unstable();
        key.dedup();
        if !reported.insert(key) {
            continue;
        }
        cycle.reverse();
        let names: Vec<String> = cycle
            .iter()
            .filter_map(|i| inventory.roles.get(*i).map(|r| r.arn.clone()))
            .collect();
        let Some(role) = inventory.roles.get(start) else {
            continue;
        };
        let witness = edges
            .iter()
            .find(|e| e.to == start && e.from == names.last().cloned().unwrap_or_default())
            .map(|e| e.witness.clone());
        findings.push(Finding {
            id: "TP038",
            severity: Severity::Low,
            source: role.arn.clone(),
            statement: None,
            path: "$.Statement".to_owned(),
            line: None,
            message: format!(
                "role cycle: {} -> {}: a session can re-assume along it forever (role juggling), outliving revocation",
                names.join(" -> "),
                role.arn
            ),
            witness,
            fix: "Break the cycle; avoid self-trust unless the role must re-assume itself".to_owned(),
        });
    }
}

/// TP012: the same ExternalId on several roles.
fn reused_external_ids(inventory: &Inventory, findings: &mut Vec<Finding>) {
    let mut by_value: BTreeMap<String, Vec<&Role>> = BTreeMap::new();
    for role in &inventory.roles {
        for (_, statement) in role.trust.statements() {
            for c in conditions_on(statement, "sts:ExternalId") {
                for v in &c.values {
                    by_value.entry(v.clone()).or_default().push(role);
                }
            }
        }
    }
    for (value, roles) in by_value {
        let arns: BTreeSet<&str> = roles.iter().map(|r| r.arn.as_str()).collect();
        if arns.len() < 2 {
            continue;
        }
        for role in roles {
            findings.push(Finding {
                id: "TP012",
                severity: Severity::Medium,
                source: role.arn.clone(),
                statement: None,
                path: "$.Statement".to_owned(),
                line: None,
                message: format!(
                    "sts:ExternalId '{value}' is reused by {} roles ({}): it no longer tells customers apart",
                    arns.len(),
                    arns.iter().copied().collect::<Vec<_>>().join(", ")
                ),
                witness: None,
                fix: "Use a distinct vendor-generated ExternalId per role and customer".to_owned(),
            });
        }
    }
}

/// TP024: OIDC provider missing in the account, or `aud` pinned to a value the provider's
/// ClientIDList does not hold (STS rejects such tokens before the trust is read).
fn oidc_audiences(inventory: &Inventory, findings: &mut Vec<Finding>) {
    if inventory.providers.is_empty() {
        return;
    }
    for role in &inventory.roles {
        for (index, statement) in role.trust.statements() {
            for (kind, value) in principal_values(statement) {
                if kind != Some(PrincipalKind::Federated) || !value.contains(":oidc-provider/") {
                    continue;
                }
                let url = value
                    .split_once(":oidc-provider/")
                    .map(|(_, u)| u)
                    .unwrap_or_default();
                let path = role.trust.statement_path(index);
                let mut report = |message: String| {
                    findings.push(Finding {
                        id: "TP024",
                        severity: Severity::Medium,
                        source: role.arn.clone(),
                        statement: Some(index),
                        path: path.clone(),
                        line: None,
                        message,
                        witness: None,
                        fix: "Create the OIDC provider, or align the aud condition with its ClientIDList".to_owned(),
                    });
                };
                match inventory.providers.iter().find(|p| p.arn == value) {
                    None if arn_account(value).is_some_and(|a| inventory.accounts.contains(a)) => {
                        report(format!(
                            "OIDC provider {value} does not exist in its account: the statement never applies"
                        ));
                    }
                    None => {}
                    Some(provider) => {
                        for c in conditions_on(statement, &format!("{url}:aud"))
                            .filter(|c| crate::lint::is_pin(c))
                        {
                            let unknown: Vec<&String> = c
                                .values
                                .iter()
                                .filter(|v| !provider.client_ids.contains(v))
                                .collect();
                            if !unknown.is_empty() && unknown.len() == c.values.len() {
                                report(format!(
                                    "aud {:?} is not in the provider's ClientIDList {:?}: no token can match",
                                    unknown, provider.client_ids
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
}
