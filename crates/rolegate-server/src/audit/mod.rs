//! Audit: one CloudTrail-format JSON event per call, allowed or denied, appended to
//! `<data-dir>/audit.jsonl` with the authorization decision and the statements that made it.
//!
//! Events go through a bounded channel to one writer thread, so request handlers never wait
//! on disk; the writer appends in batches a few milliseconds apart, flushing each batch, and
//! syncs on shutdown.

use std::fs::OpenOptions;
use std::io::{BufWriter, Write as _};
use std::path::Path;

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use tokio::sync::mpsc;

use crate::authenticate::{Caller, CallerKind};
use crate::authorize::DecisionRecord;
use rolegate_protocol::{AwsError, Service, format_timestamp};

/// Parameters never written to the log (one-time codes and bearer assertions).
const SECRET_PARAMETERS: &[&str] = &[
    "TokenCode",
    "AuthenticationCode1",
    "AuthenticationCode2",
    "SAMLAssertion",
    "WebIdentityToken",
];

/// How long the writer lets events accumulate after each write.
const BATCH_PAUSE: std::time::Duration = std::time::Duration::from_millis(5);

/// The sending half of the audit log.
#[derive(Debug, Clone)]
pub struct AuditLog {
    sender: mpsc::Sender<String>,
}

impl AuditLog {
    /// Opens `path` for appending and starts the writer thread.
    pub fn open(path: &Path) -> std::io::Result<(Self, std::thread::JoinHandle<()>)> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let (sender, mut receiver) = mpsc::channel::<String>(16_384);
        let writer = std::thread::Builder::new()
            .name("audit".into())
            .spawn(move || {
                let mut out = BufWriter::with_capacity(256 * 1024, file);
                while let Some(line) = receiver.blocking_recv() {
                    let mut ok = writeln!(out, "{line}").is_ok();
                    while let Ok(line) = receiver.try_recv() {
                        ok &= writeln!(out, "{line}").is_ok();
                    }
                    if !ok || out.flush().is_err() {
                        tracing::error!("audit log write failed");
                    }
                    // Let events gather for a moment: one wake-up and one write per batch
                    // instead of per event keeps the writer off the request path's CPU.
                    std::thread::sleep(BATCH_PAUSE);
                }
                let _ = out.flush();
                let _ = out.get_ref().sync_all();
            })?;
        Ok((Self { sender }, writer))
    }

    /// Queues one event; waits if the writer is far behind rather than dropping it.
    pub async fn record(&self, event: Value) {
        if self.sender.send(event.to_string()).await.is_err() {
            tracing::error!("audit log writer is gone");
        }
    }
}

/// Everything an event is built from.
#[derive(Debug)]
pub struct Call<'a> {
    pub request_id: &'a str,
    pub event_time: OffsetDateTime,
    pub service: Service,
    pub action: &'a str,
    pub region: &'a str,
    pub source_ip: &'a str,
    pub user_agent: &'a str,
    pub caller: Option<&'a Caller>,
    pub parameters: Vec<(&'a str, &'a str)>,
    pub response_elements: Option<Value>,
    pub decisions: &'a [DecisionRecord],
    pub error: Option<&'a AwsError>,
}

fn user_identity(caller: Option<&Caller>) -> Value {
    let Some(caller) = caller else {
        return json!({"type": "Unknown"});
    };
    let kind = match caller.kind {
        CallerKind::Root | CallerKind::RootSession => "Root",
        CallerKind::User | CallerKind::UserSession => "IAMUser",
        CallerKind::RoleSession => "AssumedRole",
        CallerKind::Service => "AWSService",
    };
    let mut identity = json!({
        "type": kind,
        "principalId": caller.user_id,
        "arn": caller.arn,
        "accountId": caller.account.id,
        "accessKeyId": caller.access_key_id,
    });
    if let (Some(session), Value::Object(map)) = (&caller.session, &mut identity) {
        map.insert(
            "sessionContext".into(),
            json!({
                "attributes": {
                    "creationDate": OffsetDateTime::from_unix_timestamp(session.issued_at)
                        .map(format_timestamp).unwrap_or_default(),
                    "mfaAuthenticated": session.mfa_authenticated_at.is_some().to_string(),
                },
                "sourceIdentity": session.source_identity,
            }),
        );
    }
    identity
}

/// `RoleArn` → `roleArn`, CloudTrail's spelling of request parameters.
fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The CloudTrail record for one call.
pub fn event(call: &Call<'_>) -> Value {
    let mut parameters = Map::new();
    for (name, value) in &call.parameters {
        if matches!(*name, "Action" | "Version") || name.starts_with("X-Amz-") {
            continue;
        }
        let shown = if SECRET_PARAMETERS.contains(name) {
            "HIDDEN_DUE_TO_SECURITY_REASONS"
        } else {
            value
        };
        parameters.insert(lower_first(name), Value::String(shown.to_owned()));
    }
    let source = match call.service {
        Service::Sts => "sts.amazonaws.com",
        Service::Iam => "iam.amazonaws.com",
    };
    let decisions: Vec<Value> = call
        .decisions
        .iter()
        .map(|d| {
            json!({"action": d.action, "resource": d.resource, "decision": d.decision.as_str(), "matchedStatements": d.matched})
        })
        .collect();
    let mut event = json!({
        "eventVersion": "1.08",
        "userIdentity": user_identity(call.caller),
        "eventTime": format_timestamp(call.event_time),
        "eventSource": source,
        "eventName": call.action,
        "awsRegion": call.region,
        "sourceIPAddress": call.source_ip,
        "userAgent": call.user_agent,
        "requestParameters": if parameters.is_empty() { Value::Null } else { Value::Object(parameters) },
        "responseElements": call.response_elements.clone().unwrap_or(Value::Null),
        "requestID": call.request_id,
        "eventID": uuid::Uuid::new_v4().to_string(),
        "readOnly": is_read_only(call.action),
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": call.caller.map(|c| c.account.id.clone()),
        "eventCategory": "Management",
        "authorization": decisions,
    });
    if let (Some(error), Value::Object(map)) = (call.error, &mut event) {
        map.insert("errorCode".into(), Value::String(error.code.to_string()));
        map.insert(
            "errorMessage".into(),
            error.message.clone().map_or(Value::Null, Value::String),
        );
    }
    event
}

fn is_read_only(action: &str) -> bool {
    ["Get", "List"]
        .iter()
        .any(|prefix| action.starts_with(prefix))
}
