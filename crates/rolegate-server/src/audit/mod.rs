//! Audit: one CloudTrail-format JSON event per call, allowed or denied, appended to
//! `<data-dir>/audit.jsonl` with the authorization decision and the statements that made it.
//!
//! Events go through a bounded channel to one writer thread, so request handlers never wait
//! on disk; the writer appends in batches a few milliseconds apart, flushing each batch, and
//! syncs on shutdown.

use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::io::{BufWriter, Write as _};
use std::path::Path;

use serde::Serialize;
use time::OffsetDateTime;
use tokio::sync::mpsc;

use crate::authenticate::{Caller, CallerKind};
use crate::authorize::DecisionRecord;
use rolegate_protocol::{AwsError, Service, format_timestamp};

mod elements;

pub use elements::response_elements;

/// Parameters never written to the log (one-time codes, passwords, private keys and bearer
/// assertions).
const SECRET_PARAMETERS: &[&str] = &[
    "TokenCode",
    "AuthenticationCode1",
    "AuthenticationCode2",
    "SAMLAssertion",
    "WebIdentityToken",
    "Password",
    "OldPassword",
    "NewPassword",
    "PrivateKey",
];

/// `responseElements`: what an action returned, secrets left out, as the JSON object written
/// from the output's one [`Shape`](rolegate_protocol::Shape) (no `serde_json::Value` built
/// and walked per call). Only [`response_elements`] makes one, so it is always valid JSON.
#[derive(Debug)]
pub struct ResponseElements(Vec<u8>);

/// How long the writer lets events accumulate after each write.
const BATCH_PAUSE: std::time::Duration = std::time::Duration::from_millis(5);

/// The sending half of the audit log.
#[derive(Debug, Clone)]
pub struct AuditLog {
    sender: mpsc::Sender<Vec<u8>>,
}

impl AuditLog {
    /// Opens `path` for appending and starts the writer thread.
    pub fn open(path: &Path) -> std::io::Result<(Self, std::thread::JoinHandle<()>)> {
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        // The log names callers, keys and resources: readable by its owner only.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path)?;
        let (sender, mut receiver) = mpsc::channel::<Vec<u8>>(16_384);
        let writer = std::thread::Builder::new()
            .name("audit".into())
            .spawn(move || {
                let mut out = BufWriter::with_capacity(256 * 1024, file);
                while let Some(line) = receiver.blocking_recv() {
                    let mut ok = out.write_all(&line).is_ok();
                    while let Ok(line) = receiver.try_recv() {
                        ok &= out.write_all(&line).is_ok();
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

    /// Queues one event (a JSON line, from [`event`]); waits if the writer is far behind rather
    /// than dropping it.
    pub async fn record(&self, event: Vec<u8>) {
        if self.sender.send(event).await.is_err() {
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
    /// CloudTrail's `readOnly`: the operation only reads.
    pub read_only: bool,
    pub region: &'a str,
    pub source_ip: &'a str,
    pub user_agent: &'a str,
    pub caller: Option<&'a Caller>,
    pub parameters: Vec<(&'a str, &'a str)>,
    pub response_elements: Option<ResponseElements>,
    pub decisions: &'a [DecisionRecord],
    pub error: Option<&'a AwsError>,
}

/// `userIdentity`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserIdentity<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    principal_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_key_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_context: Option<SessionContext<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionContext<'a> {
    attributes: SessionAttributes,
    source_identity: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionAttributes {
    creation_date: String,
    mfa_authenticated: &'static str,
}

fn user_identity(caller: Option<&Caller>) -> UserIdentity<'_> {
    let Some(caller) = caller else {
        return UserIdentity {
            kind: "Unknown",
            principal_id: None,
            arn: None,
            account_id: None,
            access_key_id: None,
            session_context: None,
        };
    };
    let kind = match caller.kind {
        CallerKind::Root | CallerKind::RootSession => "Root",
        CallerKind::User | CallerKind::UserSession => "IAMUser",
        CallerKind::RoleSession => "AssumedRole",
        CallerKind::Service => "AWSService",
    };
    UserIdentity {
        kind,
        principal_id: Some(&caller.user_id),
        arn: Some(&caller.arn),
        account_id: Some(&caller.account.id),
        access_key_id: Some(&caller.access_key_id),
        session_context: caller.session.as_ref().map(|session| SessionContext {
            attributes: SessionAttributes {
                creation_date: OffsetDateTime::from_unix_timestamp(session.issued_at)
                    .map(format_timestamp)
                    .unwrap_or_default(),
                mfa_authenticated: if session.mfa.is_some() {
                    "true"
                } else {
                    "false"
                },
            },
            source_identity: session.source_identity.as_deref(),
        }),
    }
}

/// `requestParameters`: the action's parameters as CloudTrail names them (`roleArn`), without
/// protocol and signing parameters, one-time codes and bearer assertions hidden.
struct RequestParameters<'a>(&'a [(&'a str, &'a str)]);

impl RequestParameters<'_> {
    fn shown(&self) -> impl Iterator<Item = (LowerFirst<'_>, &str)> {
        self.0
            .iter()
            .filter(|(name, _)| {
                !matches!(*name, "Action" | "Version") && !name.starts_with("X-Amz-")
            })
            .map(|(name, value)| {
                let shown = if SECRET_PARAMETERS.contains(name) {
                    "HIDDEN_DUE_TO_SECURITY_REASONS"
                } else {
                    value
                };
                (LowerFirst(name), shown)
            })
    }
}

impl Serialize for RequestParameters<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in self.shown() {
            map.serialize_entry(&name, value)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Decision<'a> {
    action: &'a str,
    resource: &'a str,
    decision: &'static str,
    matched_statements: &'a [String],
}

/// One CloudTrail record, plus Rolegate's `authorization` member (the decisions taken), but for
/// `responseElements`: [`event`] writes that last, from the JSON the output's shape wrote
/// (serde_json would parse it whole again to make a `RawValue` of it).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Event<'a> {
    event_version: &'static str,
    user_identity: UserIdentity<'a>,
    event_time: String,
    event_source: &'static str,
    event_name: &'a str,
    aws_region: &'a str,
    #[serde(rename = "sourceIPAddress")]
    source_ip_address: &'a str,
    user_agent: &'a str,
    request_parameters: Option<RequestParameters<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<&'a str>,
    #[serde(rename = "requestID")]
    request_id: &'a str,
    #[serde(rename = "eventID")]
    event_id: &'a str,
    read_only: bool,
    event_type: &'static str,
    management_event: bool,
    recipient_account_id: Option<&'a str>,
    event_category: &'static str,
    authorization: Vec<Decision<'a>>,
}

/// `RoleArn` → `roleArn`, CloudTrail's spelling of request parameters; written straight into
/// the event, without a string of its own.
struct LowerFirst<'a>(&'a str);

impl std::fmt::Display for LowerFirst<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut chars = self.0.chars();
        for lower in chars.next().into_iter().flat_map(char::to_lowercase) {
            f.write_char(lower)?;
        }
        f.write_str(chars.as_str())
    }
}

impl Serialize for LowerFirst<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Room for a typical event, so that serialising it never regrows the buffer.
const EVENT_CAPACITY: usize = 2048;

/// The CloudTrail record for one call, as one JSON line with its newline (bytes: serde_json
/// writes UTF-8, and the file takes bytes, so nothing needs to check it in between).
pub fn event(call: &Call<'_>) -> Vec<u8> {
    let mut event_id = uuid::Uuid::encode_buffer();
    let parameters = RequestParameters(&call.parameters);
    let has_parameters = parameters.shown().next().is_some();
    let event = Event {
        event_version: "1.08",
        user_identity: user_identity(call.caller),
        event_time: format_timestamp(call.event_time),
        event_source: match call.service {
            Service::Sts => "sts.amazonaws.com",
            Service::Iam => "iam.amazonaws.com",
        },
        event_name: call.action,
        aws_region: call.region,
        source_ip_address: call.source_ip,
        user_agent: call.user_agent,
        request_parameters: has_parameters.then_some(parameters),
        error_code: call.error.map(|e| e.code.as_ref()),
        error_message: call.error.and_then(|e| e.message.as_deref()),
        request_id: call.request_id,
        event_id: uuid::Uuid::new_v4()
            .hyphenated()
            .encode_lower(&mut event_id),
        read_only: call.read_only,
        event_type: "AwsApiCall",
        management_event: true,
        recipient_account_id: call.caller.map(|c| c.account.id.as_str()),
        event_category: "Management",
        authorization: call
            .decisions
            .iter()
            .map(|d| Decision {
                action: &d.action,
                resource: &d.resource,
                decision: d.decision.as_str(),
                matched_statements: &d.matched,
            })
            .collect(),
    };
    let mut line = Vec::with_capacity(EVENT_CAPACITY);
    if let Err(e) = serde_json::to_writer(&mut line, &event) {
        tracing::error!(%e, "audit event not serializable");
        return Vec::new();
    }
    // The object's closing brace gives way to the last member.
    line.pop();
    line.extend_from_slice(b",\"responseElements\":");
    match &call.response_elements {
        Some(ResponseElements(json)) => line.extend_from_slice(json),
        None => line.extend_from_slice(b"null"),
    }
    line.extend_from_slice(b"}\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_codes_and_signing_parameters() {
        let parameters = [
            ("Action", "AssumeRole"),
            ("RoleArn", "arn:aws:iam::111122223333:role/R"),
            ("TokenCode", "123456"),
            ("X-Amz-Signature", "abc"),
        ];
        let call = Call {
            request_id: "r",
            event_time: OffsetDateTime::UNIX_EPOCH,
            service: Service::Sts,
            action: "AssumeRole",
            read_only: false,
            region: "us-east-1",
            source_ip: "127.0.0.1",
            user_agent: "test",
            caller: None,
            parameters: parameters.to_vec(),
            response_elements: None,
            decisions: &[],
            error: None,
        };
        let line = event(&call);
        // One line, ended by its newline.
        assert_eq!(line.iter().position(|&b| b == b'\n'), Some(line.len() - 1));
        let event: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(
            event["requestParameters"],
            serde_json::json!({"roleArn": "arn:aws:iam::111122223333:role/R", "tokenCode": "HIDDEN_DUE_TO_SECURITY_REASONS"})
        );
        assert_eq!(
            event["userIdentity"],
            serde_json::json!({"type": "Unknown"})
        );
        assert_eq!(event["eventSource"], "sts.amazonaws.com");
        assert!(event.get("errorCode").is_none());
        assert_eq!(event["responseElements"], serde_json::Value::Null);
    }

    struct Assumed;

    impl rolegate_protocol::Shape for Assumed {
        fn write<W: rolegate_protocol::ShapeWriter>(&self, w: &mut W) {
            w.structure("Credentials", |w| {
                w.string("AccessKeyId", "ASIA\"1\"");
                w.secret("SecretAccessKey", "never logged");
            });
        }
    }

    #[test]
    fn response_elements_are_the_last_member() {
        let call = Call {
            request_id: "r",
            event_time: OffsetDateTime::UNIX_EPOCH,
            service: Service::Sts,
            action: "AssumeRole",
            read_only: false,
            region: "us-east-1",
            source_ip: "127.0.0.1",
            user_agent: "test",
            caller: None,
            parameters: Vec::new(),
            response_elements: response_elements(&Assumed),
            decisions: &[],
            error: None,
        };
        let line = event(&call);
        assert_eq!(line.last(), Some(&b'\n'));
        let event: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(
            event["responseElements"],
            serde_json::json!({"credentials": {"accessKeyId": "ASIA\"1\""}})
        );
        assert_eq!(event["requestID"], "r");
    }
}
