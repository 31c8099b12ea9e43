//! XML out: AWS Query responses written with quick-xml, byte for byte in AWS's layout —
//! two-space indentation, no XML declaration, a final newline, only `<`, `>` and `&` escaped
//! in text (AWS leaves quotes alone: `Value 'x' at 'roleSessionName'`):
//!
//! ```text
//! <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
//!   <GetCallerIdentityResult>
//!     <Arn>…</Arn>
//!   </GetCallerIdentityResult>
//!   <ResponseMetadata>
//!     <RequestId>…</RequestId>
//!   </ResponseMetadata>
//! </GetCallerIdentityResponse>
//! ```
//!
//! Result structs implement [`ToXml`]; [`XmlWriter`] has one helper per Query serialization
//! rule (scalars, nested structures, `member` lists, optional members, timestamps, IAM's
//! url-encoded policy documents).

use std::fmt::Display;
use std::io;

use quick_xml::Writer;
use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use time::OffsetDateTime;

use crate::policy_document::encode_policy_document;
use crate::service::Service;

/// Writing XML failed (only an I/O failure of the in-memory buffer, which does not happen;
/// kept as an error rather than a panic).
#[derive(Debug, thiserror::Error)]
#[error("writing XML failed: {0}")]
pub struct XmlError(#[from] io::Error);

/// Something that serializes itself as the *content* of an XML element (its child elements).
pub trait ToXml {
    fn write_xml(&self, w: &mut XmlWriter);
}

/// `2026-11-23T17:42:53Z`: UTC, whole seconds — the form AWS sends for `Expiration`,
/// `CreateDate`, … and botocore's `parse_timestamp` reads.
pub fn format_timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Characters XML 1.0 cannot carry at all (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF).
/// They can reach a message through an echoed request value; replacing them keeps the document
/// parseable.
fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}');
    if text.chars().any(bad) {
        text.chars()
            .map(|c| if bad(c) { '\u{FFFD}' } else { c })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// An indented XML writer with sticky error handling: element helpers return nothing and
/// the first failure is reported by `finish`.
pub struct XmlWriter {
    inner: Writer<Vec<u8>>,
    error: Option<io::Error>,
}

impl Default for XmlWriter {
    fn default() -> Self {
        XmlWriter::new()
    }
}

impl XmlWriter {
    pub fn new() -> XmlWriter {
        XmlWriter {
            // Room for a typical response (AssumeRole's is about 1.5 KiB) without regrowing.
            inner: Writer::new_with_indent(Vec::with_capacity(2048), b' ', 2),
            error: None,
        }
    }

    fn emit(&mut self, event: Event<'_>) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.inner.write_event(event) {
            self.error = Some(e);
        }
    }

    /// Opens `<name>` (with an `xmlns` when given).
    pub fn start(&mut self, name: &str, xmlns: Option<&str>) {
        let mut start = BytesStart::new(name);
        if let Some(ns) = xmlns {
            start.push_attribute(("xmlns", ns));
        }
        self.emit(Event::Start(start));
    }

    /// Closes `</name>`.
    pub fn end(&mut self, name: &str) {
        self.emit(Event::End(BytesEnd::new(name)));
    }

    /// `<name>text</name>`, text escaped; an empty text gives `<name></name>`.
    pub fn element(&mut self, name: &str, text: &str) {
        self.emit(Event::Start(BytesStart::new(name)));
        let safe = xml_safe(text);
        self.emit(Event::Text(BytesText::from_escaped(partial_escape(
            safe.as_ref(),
        ))));
        self.emit(Event::End(BytesEnd::new(name)));
    }

    /// `<name>text</name>` when present; nothing when `None` (absent optional member).
    pub fn optional(&mut self, name: &str, text: Option<&str>) {
        if let Some(text) = text {
            self.element(name, text);
        }
    }

    /// `<name>value</name>` for numbers and booleans (`true`/`false`).
    pub fn display(&mut self, name: &str, value: impl Display) {
        self.element(name, &value.to_string());
    }

    /// A timestamp member in AWS's form (see [`format_timestamp`]).
    pub fn timestamp(&mut self, name: &str, at: OffsetDateTime) {
        self.element(name, &format_timestamp(at));
    }

    /// An IAM `policyDocumentType` member: the JSON, url-encoded.
    pub fn policy_document(&mut self, name: &str, json: &str) {
        self.element(name, &encode_policy_document(json));
    }

    /// `<name>…</name>` whose content `content` writes.
    pub fn nested(&mut self, name: &str, content: impl FnOnce(&mut XmlWriter)) {
        self.start(name, None);
        content(self);
        self.end(name);
    }

    /// A structure member: `<name>` + `value.write_xml` + `</name>`.
    pub fn value(&mut self, name: &str, value: &impl ToXml) {
        self.nested(name, |w| value.write_xml(w));
    }

    /// A list of structures: `<name><member>…</member>…</name>`; `<name/>` when empty, as AWS
    /// writes an empty list.
    pub fn members<T: ToXml>(&mut self, name: &str, items: &[T]) {
        if items.is_empty() {
            self.emit(Event::Empty(BytesStart::new(name)));
            return;
        }
        self.nested(name, |w| {
            for item in items {
                w.value("member", item);
            }
        });
    }

    /// A list of strings: `<name><member>a</member>…</name>`; `<name/>` when empty.
    pub fn string_members<S: AsRef<str>>(&mut self, name: &str, items: &[S]) {
        if items.is_empty() {
            self.emit(Event::Empty(BytesStart::new(name)));
            return;
        }
        self.nested(name, |w| {
            for item in items {
                w.element("member", item.as_ref());
            }
        });
    }

    /// The document, with AWS's final newline.
    pub fn finish(self) -> Result<String, XmlError> {
        if let Some(e) = self.error {
            return Err(XmlError(e));
        }
        let mut text = String::from_utf8(self.inner.into_inner())
            .map_err(|e| XmlError(io::Error::new(io::ErrorKind::InvalidData, e)))?;
        text.push('\n');
        Ok(text)
    }
}

/// A success response: `<{Action}Response xmlns><{Action}Result>…</{Action}Result>
/// <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></{Action}Response>`.
pub struct XmlResponse {
    writer: XmlWriter,
    action: String,
    has_result: bool,
}

impl XmlResponse {
    /// Starts the response of `action` in `service`'s namespace; write the result members with
    /// [`XmlResponse::writer`].
    pub fn new(action: &str, service: Service) -> XmlResponse {
        let mut writer = XmlWriter::new();
        writer.start(&format!("{action}Response"), Some(service.namespace()));
        writer.start(&format!("{action}Result"), None);
        XmlResponse {
            writer,
            action: action.to_owned(),
            has_result: true,
        }
    }

    /// A response for an operation with no output (IAM `UpdateAssumeRolePolicy`, `DeleteRole`):
    /// only `ResponseMetadata`.
    pub fn without_result(action: &str, service: Service) -> XmlResponse {
        let mut writer = XmlWriter::new();
        writer.start(&format!("{action}Response"), Some(service.namespace()));
        XmlResponse {
            writer,
            action: action.to_owned(),
            has_result: false,
        }
    }

    /// A complete response whose result is `result`.
    pub fn render(
        action: &str,
        service: Service,
        result: &impl ToXml,
        request_id: &str,
    ) -> Result<String, XmlError> {
        let mut response = XmlResponse::new(action, service);
        result.write_xml(response.writer());
        response.finish(request_id)
    }

    /// The writer positioned inside `<{Action}Result>`.
    pub fn writer(&mut self) -> &mut XmlWriter {
        &mut self.writer
    }

    /// Closes the result, adds `ResponseMetadata/RequestId` and returns the document.
    pub fn finish(mut self, request_id: &str) -> Result<String, XmlError> {
        if self.has_result {
            self.writer.end(&format!("{}Result", self.action));
        }
        self.writer
            .nested("ResponseMetadata", |w| w.element("RequestId", request_id));
        self.writer.end(&format!("{}Response", self.action));
        self.writer.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    struct CallerIdentity;
    impl ToXml for CallerIdentity {
        fn write_xml(&self, w: &mut XmlWriter) {
            w.element("Arn", "arn:aws:iam::123456789012:user/bob");
            w.element("UserId", "AIDAEXAMPLE");
            w.element("Account", "123456789012");
        }
    }

    #[test]
    fn get_caller_identity_shape_is_exact() {
        let xml = XmlResponse::render("GetCallerIdentity", Service::Sts, &CallerIdentity, "req-1")
            .unwrap();
        assert_eq!(
            xml,
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  \
             <GetCallerIdentityResult>\n    <Arn>arn:aws:iam::123456789012:user/bob</Arn>\n    \
             <UserId>AIDAEXAMPLE</UserId>\n    <Account>123456789012</Account>\n  \
             </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>req-1</RequestId>\n  \
             </ResponseMetadata>\n</GetCallerIdentityResponse>\n"
        );
    }

    struct Credentials;
    impl ToXml for Credentials {
        fn write_xml(&self, w: &mut XmlWriter) {
            w.element("AccessKeyId", "ASIAEXAMPLE");
            w.element("SecretAccessKey", "secret/+=");
            w.element("SessionToken", "token");
            w.timestamp("Expiration", datetime!(2026-11-23 18:42:53.987 +01:00));
        }
    }

    #[test]
    fn assume_role_shape_nested_and_optional() {
        let mut r = XmlResponse::new("AssumeRole", Service::Sts);
        let w = r.writer();
        w.nested("AssumedRoleUser", |w| {
            w.element("AssumedRoleId", "AROAEXAMPLE:s1");
            w.element("Arn", "arn:aws:sts::123456789012:assumed-role/demo/s1");
        });
        w.value("Credentials", &Credentials);
        w.optional("SourceIdentity", Some("DevUser123"));
        w.optional("PackedPolicySize", None);
        let xml = r.finish("rid").unwrap();
        assert_eq!(
            xml,
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLE:s1</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/s1</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
      <SecretAccessKey>secret/+=</SecretAccessKey>
      <SessionToken>token</SessionToken>
      <Expiration>2026-11-23T17:42:53Z</Expiration>
    </Credentials>
    <SourceIdentity>DevUser123</SourceIdentity>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>rid</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
"
        );
    }

    struct Role;
    impl ToXml for Role {
        fn write_xml(&self, w: &mut XmlWriter) {
            w.element("Path", "/");
            w.element("RoleName", "r&<>\"'");
            w.policy_document("AssumeRolePolicyDocument", "{\"a\": \"*\"}");
            w.timestamp("CreateDate", datetime!(2013-10-02 17:01:44 UTC));
            w.display("MaxSessionDuration", 3600);
            w.display("IsTruncated", false);
            w.string_members("Empty", &Vec::<String>::new());
        }
    }

    #[test]
    fn iam_lists_escaping_and_policy_documents() {
        let mut r = XmlResponse::new("ListRoles", Service::Iam);
        r.writer().members("Roles", &[Role]);
        r.writer().string_members("Names", &["a", "b"]);
        r.writer().members::<Role>("None", &[]);
        let xml = r.finish("rid").unwrap();
        assert_eq!(
            xml,
            "<ListRolesResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">
  <ListRolesResult>
    <Roles>
      <member>
        <Path>/</Path>
        <RoleName>r&amp;&lt;&gt;\"'</RoleName>
        <AssumeRolePolicyDocument>%7B%22a%22%3A%20%22%2A%22%7D</AssumeRolePolicyDocument>
        <CreateDate>2013-10-02T17:01:44Z</CreateDate>
        <MaxSessionDuration>3600</MaxSessionDuration>
        <IsTruncated>false</IsTruncated>
        <Empty/>
      </member>
    </Roles>
    <Names>
      <member>a</member>
      <member>b</member>
    </Names>
    <None/>
  </ListRolesResult>
  <ResponseMetadata>
    <RequestId>rid</RequestId>
  </ResponseMetadata>
</ListRolesResponse>
"
        );
    }

    #[test]
    fn empty_output_operations() {
        let xml = XmlResponse::without_result("DeleteRole", Service::Iam)
            .finish("rid")
            .unwrap();
        assert_eq!(
            xml,
            "<DeleteRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">
  <ResponseMetadata>
    <RequestId>rid</RequestId>
  </ResponseMetadata>
</DeleteRoleResponse>
"
        );
    }

    #[test]
    fn control_characters_are_replaced() {
        let mut w = XmlWriter::new();
        w.element("M", "a\u{1}b\tc");
        assert_eq!(w.finish().unwrap(), "<M>a\u{FFFD}b\tc</M>\n");
    }

    #[test]
    fn timestamps_are_utc_seconds() {
        assert_eq!(
            format_timestamp(datetime!(2026-01-01 00:00:00.999 UTC)),
            "2026-01-01T00:00:00Z"
        );
        assert_eq!(
            format_timestamp(datetime!(2025-12-31 23:30:00 -01:00)),
            "2026-01-01T00:30:00Z"
        );
    }
}
