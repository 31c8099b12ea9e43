//! A deliberately naive reference evaluator, written straight from the IAM User Guide ("Policy
//! evaluation logic", "Condition operators", "Principal", "NotPrincipal", "Resource") and sharing
//! no code with the engine: documents are read as serde_json values, wildcards are matched by
//! recursion, nothing is compiled or indexed. It covers the subset the property generators
//! produce (users, role sessions, anonymous; String/Numeric/Bool/Null operators, IfExists,
//! ForAllValues/ForAnyValue; `${aws:username}`).

use serde_json::Value;

pub struct RefRequest {
    pub principal: String,
    pub action: String,
    pub resource: String,
    pub resource_account: String,
    pub context: Vec<(String, Vec<String>)>,
}

#[derive(Default)]
pub struct RefSet {
    pub identity: Vec<Value>,
    pub resource: Vec<Value>,
    pub boundaries: Vec<Value>,
    pub session: Vec<Value>,
    pub scps: Vec<Vec<Value>>,
    pub rcps: Vec<Vec<Value>>,
}

/// `*` any run, `?` one character; recursion over characters.
pub fn glob(p: &[char], s: &[char]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (None, Some(_)) => false,
        (Some('*'), _) => glob(&p[1..], s) || (!s.is_empty() && glob(p, &s[1..])),
        (Some('?'), Some(_)) => glob(&p[1..], &s[1..]),
        (Some(a), Some(b)) => a == b && glob(&p[1..], &s[1..]),
        (Some(_), None) => false,
    }
}

fn glob_str(p: &str, s: &str) -> bool {
    glob(
        &p.chars().collect::<Vec<_>>(),
        &s.chars().collect::<Vec<_>>(),
    )
}

/// Resource matching by ARN segment: a lone `*` matches all; otherwise each of the six
/// colon-separated parts is matched on its own; a short pattern ending in `*` swallows the rest.
fn arn_match(p: &str, s: &str) -> bool {
    if p == "*" {
        return true;
    }
    let ps: Vec<&str> = p.splitn(6, ':').collect();
    let ss: Vec<&str> = s.splitn(6, ':').collect();
    if ps.len() == ss.len() {
        return ps.iter().zip(&ss).all(|(a, b)| glob_str(a, b));
    }
    if ps.len() < ss.len() && ps.last().is_some_and(|l| l.ends_with('*')) {
        let n = ps.len() - 1;
        let rest = ss[n..].join(":");
        return ps[..n].iter().zip(&ss[..n]).all(|(a, b)| glob_str(a, b)) && glob_str(ps[n], &rest);
    }
    false
}

fn list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        Value::Bool(b) => vec![b.to_string()],
        Value::Number(n) => vec![n.to_string()],
        _ => vec![],
    }
}

fn statements(doc: &Value) -> Vec<Value> {
    match &doc["Statement"] {
        Value::Array(a) => a.clone(),
        v @ Value::Object(_) => vec![v.clone()],
        _ => vec![],
    }
}

struct Caller {
    account: Option<String>,
    kind: &'static str,
    arn: String,
    role_arn: Option<String>,
    username: Option<String>,
}

fn caller(principal: &str) -> Caller {
    if principal == "anonymous" {
        return Caller {
            account: None,
            kind: "anonymous",
            arn: principal.into(),
            role_arn: None,
            username: None,
        };
    }
    let parts: Vec<&str> = principal.splitn(6, ':').collect();
    let account = parts.get(4).map(|s| s.to_string());
    let res = parts.get(5).copied().unwrap_or("");
    if let Some(rest) = res.strip_prefix("assumed-role/") {
        let role = rest.split('/').next().unwrap_or("");
        let role_arn = format!(
            "arn:aws:iam::{}:role/{role}",
            account.clone().unwrap_or_default()
        );
        return Caller {
            account,
            kind: "session",
            arn: principal.into(),
            role_arn: Some(role_arn),
            username: None,
        };
    }
    if let Some(name) = res.strip_prefix("user/") {
        return Caller {
            account,
            kind: "user",
            arn: principal.into(),
            role_arn: None,
            username: Some(name.rsplit('/').next().unwrap_or("").into()),
        };
    }
    Caller {
        account,
        kind: "other",
        arn: principal.into(),
        role_arn: None,
        username: None,
    }
}

fn lookup(req: &RefRequest, c: &Caller, key: &str) -> Option<Vec<String>> {
    if let Some((_, v)) = req
        .context
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
    {
        return Some(v.clone());
    }
    match key.to_ascii_lowercase().as_str() {
        "aws:username" => c.username.clone().map(|u| vec![u]),
        "aws:principalaccount" => c.account.clone().map(|a| vec![a]),
        "aws:principalarn" => c
            .role_arn
            .clone()
            .or_else(|| (c.kind != "anonymous").then(|| c.arn.clone()))
            .map(|a| vec![a]),
        _ => None,
    }
}

/// `${aws:username}` substitution; `None` when the variable has no value.
fn substitute(text: &str, req: &RefRequest, c: &Caller) -> Option<String> {
    let mut out = text.to_string();
    while let Some(start) = out.find("${") {
        let end = start + out[start..].find('}')?;
        let key = out[start + 2..end].to_string();
        let value = lookup(req, c, &key)?;
        if value.len() != 1 {
            return None;
        }
        out.replace_range(start..=end, &value[0]);
    }
    Some(out)
}

fn one(op: &str, policy: &str, value: &str) -> bool {
    match op {
        "StringEquals" | "StringNotEquals" => policy == value,
        "StringLike" | "StringNotLike" => glob_str(policy, value),
        "NumericLessThan" => {
            matches!((policy.parse::<f64>(), value.parse::<f64>()), (Ok(p), Ok(v)) if v < p)
        }
        "NumericEquals" => {
            matches!((policy.parse::<f64>(), value.parse::<f64>()), (Ok(p), Ok(v)) if v == p)
        }
        "Bool" => {
            let b = |x: &str| {
                ["true", "false"]
                    .iter()
                    .find(|t| t.eq_ignore_ascii_case(x))
                    .copied()
            };
            b(policy).is_some() && b(policy) == b(value)
        }
        _ => false,
    }
}

fn condition(op_full: &str, key: &str, values: &[String], req: &RefRequest, c: &Caller) -> bool {
    let (qualifier, rest) = match op_full.split_once(':') {
        Some((q, r)) => (Some(q), r),
        None => (None, op_full),
    };
    let (op, if_exists) = match rest.strip_suffix("IfExists") {
        Some(o) => (o, true),
        None => (rest, false),
    };
    let present = lookup(req, c, key).filter(|v| !v.is_empty());
    if op == "Null" {
        return values.iter().any(|v| match v.as_str() {
            "true" => present.is_none(),
            "false" => present.is_some(),
            _ => false,
        });
    }
    let negated = op.contains("Not");
    let policy: Vec<String> = values
        .iter()
        .filter_map(|v| substitute(v, req, c))
        .collect();
    let Some(ctx) = present else {
        return match qualifier {
            Some("ForAllValues") => true,
            Some(_) => if_exists,
            None => if_exists || negated,
        };
    };
    let matches_any = |v: &String| policy.iter().any(|p| one(op, p, v));
    match qualifier {
        Some("ForAllValues") => ctx.iter().all(|v| matches_any(v) != negated),
        Some(_) => ctx.iter().any(|v| matches_any(v) != negated),
        None if negated => !ctx.iter().any(matches_any),
        None => ctx.iter().any(matches_any),
    }
}

/// How a Principal element names the caller: "exact", "role", "account", "any", or None.
fn principal_match(block: &Value, c: &Caller) -> Option<&'static str> {
    if block == "*" {
        return Some("any");
    }
    let mut best: Option<&'static str> = None;
    for v in list(&block["AWS"]) {
        let m = if v == "*" {
            (c.kind != "other").then_some("any")
        } else if c.kind == "anonymous" {
            None
        } else if v == c.arn {
            Some("exact")
        } else if Some(&v) == c.role_arn.as_ref() {
            Some("role")
        } else if c
            .account
            .as_ref()
            .is_some_and(|a| v == *a || v == format!("arn:aws:iam::{a}:root"))
        {
            Some("account")
        } else {
            None
        };
        let rank = |x: Option<&str>| match x {
            Some("exact") => 4,
            Some("role") => 3,
            Some("account") => 2,
            Some(_) => 1,
            None => 0,
        };
        if rank(m) > rank(best) {
            best = m;
        }
    }
    best
}

/// NotPrincipal with Deny: exempt only when every identity of the request is listed.
fn not_principal_exempts(block: &Value, c: &Caller) -> bool {
    let names: Vec<String> = list(&block["AWS"]);
    if names.iter().any(|n| n == "*") {
        // Every AWS principal (and anonymous callers) is named.
        return true;
    }
    let account_named = c.account.as_ref().is_some_and(|a| {
        names
            .iter()
            .any(|n| *n == *a || *n == format!("arn:aws:iam::{a}:root"))
    });
    match c.kind {
        "user" => account_named && names.contains(&c.arn),
        "session" => {
            account_named
                && names.contains(&c.arn)
                && c.role_arn.as_ref().is_some_and(|r| names.contains(r))
        }
        "anonymous" => false,
        _ => names.contains(&c.arn),
    }
}

/// Statements of `doc` that apply: (effect, principal match).
fn applicable(
    doc: &Value,
    kind: &str,
    req: &RefRequest,
    c: &Caller,
    boundary: bool,
) -> Vec<(String, Option<&'static str>)> {
    let variables = doc["Version"] == "2012-10-17";
    let mut out = Vec::new();
    for s in statements(doc) {
        let effect = s["Effect"].as_str().unwrap_or("").to_string();
        let (actions, not_action) = if s.get("NotAction").is_some() {
            (list(&s["NotAction"]), true)
        } else {
            (list(&s["Action"]), false)
        };
        let action_hit = actions
            .iter()
            .any(|a| glob_str(&a.to_ascii_lowercase(), &req.action.to_ascii_lowercase()));
        if action_hit == not_action {
            continue;
        }
        let resource_hit = if let Some(r) = s.get("Resource") {
            list(r).iter().any(|p| {
                if variables {
                    substitute(p, req, c)
                } else {
                    Some(p.clone())
                }
                .is_some_and(|p| arn_match(&p, &req.resource))
            })
        } else if let Some(r) = s.get("NotResource") {
            !list(r).iter().any(|p| {
                if variables {
                    substitute(p, req, c)
                } else {
                    Some(p.clone())
                }
                .is_some_and(|p| arn_match(&p, &req.resource))
            })
        } else {
            true
        };
        if !resource_hit {
            continue;
        }
        let how = if let Some(p) = s.get("Principal") {
            match principal_match(p, c) {
                Some(h) => Some(h),
                None => continue,
            }
        } else if let Some(p) = s.get("NotPrincipal") {
            if (effect == "Deny" && boundary) || !not_principal_exempts(p, c) {
                Some("not")
            } else {
                continue;
            }
        } else if kind == "resource" {
            continue;
        } else {
            None
        };
        let conditions_hold = match s.get("Condition").and_then(Value::as_object) {
            None => true,
            Some(blocks) => blocks.iter().all(|(op, keys)| {
                keys.as_object().is_some_and(|keys| {
                    keys.iter().all(|(k, v)| condition(op, k, &list(v), req, c))
                })
            }),
        };
        if conditions_hold {
            out.push((effect, how));
        }
    }
    out
}

pub fn decide(req: &RefRequest, set: &RefSet) -> &'static str {
    let c = caller(&req.principal);
    let boundary = !set.boundaries.is_empty();
    let eval = |docs: &[Value], kind: &str| -> Vec<(String, Option<&'static str>)> {
        docs.iter()
            .flat_map(|d| applicable(d, kind, req, &c, boundary))
            .collect()
    };
    let has_identity = c.kind != "anonymous";
    let identity = eval(&set.identity, "identity");
    let resource = eval(&set.resource, "resource");
    let boundaries = eval(&set.boundaries, "identity");
    let session = eval(&set.session, "identity");
    let scps: Vec<_> = if has_identity {
        set.scps.iter().map(|l| eval(l, "identity")).collect()
    } else {
        vec![]
    };
    let rcps: Vec<_> = set.rcps.iter().map(|l| eval(l, "identity")).collect();

    let deny = |v: &Vec<(String, Option<&'static str>)>| v.iter().any(|(e, _)| e == "Deny");
    let allow = |v: &Vec<(String, Option<&'static str>)>| v.iter().any(|(e, _)| e == "Allow");
    if deny(&identity)
        || deny(&resource)
        || deny(&boundaries)
        || deny(&session)
        || scps.iter().any(deny)
        || rcps.iter().any(deny)
    {
        return "ExplicitlyDenied";
    }
    if scps.iter().any(|l| !allow(l)) {
        return "ImplicitlyDenied";
    }
    let limits = (set.boundaries.is_empty() || allow(&boundaries))
        && (set.session.is_empty() || allow(&session));
    let identity_ok = allow(&identity) && limits;
    let grants: Vec<Option<&'static str>> = resource
        .iter()
        .filter(|(e, _)| e == "Allow")
        .map(|(_, h)| *h)
        .collect();
    if !has_identity {
        return if grants.is_empty() {
            "ImplicitlyDenied"
        } else {
            "Allowed"
        };
    }
    let same = c.account.as_deref() == Some(req.resource_account.as_str());
    let ok = if same {
        identity_ok
            || grants.iter().any(|h| match h {
                Some("account") => identity_ok,
                Some("role") => limits,
                _ => true,
            })
    } else {
        identity_ok && !grants.is_empty()
    };
    if ok { "Allowed" } else { "ImplicitlyDenied" }
}
