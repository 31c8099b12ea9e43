//! The `rolegate policy eval` line protocol: one JSON request line in, one JSON answer out.
//!
//! Request: `{"principal", "principal_id"?, "action", "resource", "resource_account"?,
//! "context": {key: string | number | bool | [..]}, "policies": {"identity": [doc..],
//! "resource", "permission_boundaries", "session", "scps": [[doc..]..], "rcps": [[doc..]..]}}`.
//! Documents are JSON objects or strings; an SCP/RCP level may also be `{"policies": [doc..]}`;
//! the request fields may sit under `"request"`; unknown fields are ignored. Documents are read
//! with the shared grammar only ([`Policy::parse_unvalidated`]): this answers "what would AWS
//! decide for these documents", not "would AWS store them" (that is `policy check`).
//! Answer: `{"decision", "matched": [..], "missing_context": [..]}` or `{"error": ".."}`.

use serde_json::{Map, Value, json};

use crate::authorize::{PolicySet, Response, authorize};
use crate::context::{Context, Request};
use crate::policy::{Policy, PolicyType};

/// Evaluates one request line.
pub fn evaluate_line(line: &str) -> Value {
    let parsed: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return json!({ "error": format!("the request line is not JSON: {e}") }),
    };
    match read_request(&parsed) {
        Ok((request, policies)) => response_json(&authorize(&request, &policies)),
        Err(e) => json!({ "error": e }),
    }
}

/// Reads a request value (the line protocol's shape) into a request and its policies.
///
/// # Errors
/// A message naming the offending field.
pub fn read_request(value: &Value) -> Result<(Request, PolicySet), String> {
    let top = value
        .as_object()
        .ok_or("the request must be a JSON object")?;
    let fields = match top.get("request") {
        Some(Value::Object(inner)) => inner,
        _ => top,
    };
    let text = |name: &str| -> Result<Option<String>, String> {
        match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("\"{name}\" must be a string")),
        }
    };
    let principal = text("principal")?.ok_or("\"principal\" is required")?;
    let action = text("action")?.ok_or("\"action\" is required")?;
    let resource = text("resource")?.unwrap_or_else(|| "*".to_owned());
    let mut request = Request::new(principal, action, resource);
    request.principal_id = text("principal_id")?;
    request.resource_account = text("resource_account")?;
    if let Some(context) = fields.get("context") {
        request.context = read_context(context)?;
    }
    let policies = match top.get("policies") {
        None | Some(Value::Null) => PolicySet::default(),
        Some(Value::Object(p)) => read_policies(p)?,
        Some(_) => return Err("\"policies\" must be an object".to_owned()),
    };
    Ok((request, policies))
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn read_context(value: &Value) -> Result<Context, String> {
    let entries = value.as_object().ok_or("\"context\" must be an object")?;
    let mut context = Context::new();
    for (key, v) in entries {
        let values: Vec<String> = match v {
            Value::Array(items) => items.iter().map(scalar).collect::<Option<_>>(),
            other => scalar(other).map(|s| vec![s]),
        }
        .ok_or_else(|| {
            format!("context key \"{key}\": values must be strings, numbers or booleans")
        })?;
        context.insert_all(key, values);
    }
    Ok(context)
}

fn read_policies(p: &Map<String, Value>) -> Result<PolicySet, String> {
    let list = |name: &str, ty: PolicyType| -> Result<Vec<Policy>, String> {
        match p.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(docs)) => docs
                .iter()
                .enumerate()
                .map(|(i, d)| read_document(d, ty, &format!("policies.{name}[{i}]")))
                .collect(),
            Some(_) => Err(format!("policies.{name} must be a list")),
        }
    };
    let levels = |name: &str, ty: PolicyType| -> Result<Vec<Vec<Policy>>, String> {
        match p.get(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(levels)) => levels
                .iter()
                .enumerate()
                .map(|(l, level)| {
                    let docs = match level {
                        Value::Array(docs) => docs,
                        Value::Object(o) => match o.get("policies") {
                            Some(Value::Array(docs)) => docs,
                            _ => {
                                return Err(format!(
                                    "policies.{name}[{l}].policies must be a list"
                                ));
                            }
                        },
                        _ => {
                            return Err(format!(
                                "policies.{name}[{l}] must be a list of documents"
                            ));
                        }
                    };
                    docs.iter()
                        .enumerate()
                        .map(|(i, d)| read_document(d, ty, &format!("policies.{name}[{l}][{i}]")))
                        .collect()
                })
                .collect(),
            Some(_) => Err(format!("policies.{name} must be a list of levels")),
        }
    };
    Ok(PolicySet {
        identity: list("identity", PolicyType::Identity)?,
        resource: list("resource", PolicyType::Resource)?,
        permission_boundaries: list("permission_boundaries", PolicyType::PermissionsBoundary)?,
        session: list("session", PolicyType::Session)?,
        scps: levels("scps", PolicyType::Scp)?,
        rcps: levels("rcps", PolicyType::Rcp)?,
    })
}

fn read_document(doc: &Value, ty: PolicyType, path: &str) -> Result<Policy, String> {
    let text = match doc {
        Value::String(s) => s.clone(),
        Value::Object(_) => doc.to_string(),
        _ => {
            return Err(format!(
                "{path} must be a policy document (object or string)"
            ));
        }
    };
    Policy::parse_unvalidated(&text, ty).map_err(|e| match e.detail() {
        Some(detail) => format!("{path}: {} ({detail})", e.message()),
        None => format!("{path}: {}", e.message()),
    })
}

/// The JSON form of a [`Response`].
pub fn response_json(response: &Response) -> Value {
    json!({
        "decision": response.decision.as_str(),
        "matched": response.matched.iter().map(|m| json!({
            "policy_type": m.policy_type.as_str(),
            "policy_index": m.policy_index,
            "level": m.level,
            "statement_index": m.statement_index,
            "sid": m.sid,
            "effect": m.effect.as_str(),
        })).collect::<Vec<_>>(),
        "missing_context": response.missing_context,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_a_line() {
        let line = r#"{"principal":"arn:aws:iam::111122223333:user/u","action":"s3:GetObject","resource":"arn:aws:s3:::b/k",
            "context":{"aws:SourceIp":"203.0.113.7","aws:PrincipalTag/team":["a","b"],"n:x":5,"b:y":true},
            "policies":{"identity":[{"Version":"2012-10-17","Statement":{"Sid":"S","Effect":"Allow","Action":"s3:Get*","Resource":"*",
              "Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"},"NumericEquals":{"n:x":"5"},"Bool":{"b:y":"true"}}}}],
              "scps":[[ "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}" ]]},
            "name":"ignored"}"#;
        let out = evaluate_line(line);
        assert_eq!(out["decision"], "Allowed", "{out}");
        assert_eq!(out["matched"][0]["sid"], "S");
        assert_eq!(out["matched"][0]["policy_type"], "identity");
        assert_eq!(out["matched"][1]["policy_type"], "scp");
        assert_eq!(out["matched"][1]["level"], 0);
    }

    #[test]
    fn reports_missing_context_and_errors() {
        let out = evaluate_line(
            r#"{"principal":"arn:aws:iam::1:user/u","action":"s3:GetObject","resource":"*","policies":{"identity":[
              {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/x":"y"}}}}]}}"#,
        );
        assert_eq!(out["decision"], "ImplicitlyDenied");
        assert_eq!(out["missing_context"][0], "aws:PrincipalTag/x");
        assert!(evaluate_line("nope")["error"].is_string());
        assert!(
            evaluate_line(r#"{"action":"s3:GetObject"}"#)["error"]
                .as_str()
                .unwrap()
                .contains("principal")
        );
        let bad = evaluate_line(
            r#"{"principal":"anonymous","action":"a:b","policies":{"resource":[{"Statement":5}]}}"#,
        );
        assert!(
            bad["error"]
                .as_str()
                .unwrap()
                .starts_with("policies.resource[0]: Syntax errors in policy."),
            "{bad}"
        );
        assert!(
            evaluate_line(r#"{"principal":"a","action":"a:b","context":{"k":{"x":1}}}"#)["error"]
                .is_string()
        );
    }

    #[test]
    fn accepts_nested_request_and_level_objects() {
        let out = evaluate_line(
            r#"{"request":{"principal":"ANONYMOUS","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{}},
               "policies":{"resource":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}],
               "rcps":[{"orgIdentifier":"o-1","policies":[]}]}}"#,
        );
        assert_eq!(out["decision"], "Allowed", "{out}");
    }
}
