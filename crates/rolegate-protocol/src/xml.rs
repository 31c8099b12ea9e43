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

use quick_xml::escape::partial_escape;
use quick_xml::events::BytesStart;
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
    let mut out = String::with_capacity(20);
    push_timestamp(&mut out, at);
    out
}

/// Appends [`format_timestamp`]'s text to `out` (digits written directly: this runs several
/// times per request, for the response, the audit record and the policy context).
pub fn push_timestamp(out: &mut String, at: OffsetDateTime) {
    let at = at.to_offset(time::UtcOffset::UTC);
    let year = at.year();
    // `time` keeps years within ±9999; only 0..=9999 print as four plain digits.
    let Ok(year @ 0..=9999) = u32::try_from(year) else {
        out.push_str(&format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            year,
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second()
        ));
        return;
    };
    let two = |n: u8| [b'0' + n / 10 % 10, b'0' + n % 10];
    let [y1, y2] = two(u8::try_from(year / 100).unwrap_or(0));
    let [y3, y4] = two(u8::try_from(year % 100).unwrap_or(0));
    let [mo1, mo2] = two(u8::from(at.month()));
    let [d1, d2] = two(at.day());
    let [h1, h2] = two(at.hour());
    let [mi1, mi2] = two(at.minute());
    let [s1, s2] = two(at.second());
    let bytes = [
        y1, y2, y3, y4, b'-', mo1, mo2, b'-', d1, d2, b'T', h1, h2, b':', mi1, mi2, b':', s1, s2,
        b'Z',
    ];
    // Every byte above is an ASCII digit or separator.
    out.push_str(std::str::from_utf8(&bytes).unwrap_or_default());
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

/// True when `text` can be written as it is: nothing [`xml_safe`] replaces and nothing
/// `partial_escape` escapes (`&`, `<`, `>`, CR). Conservative: any `0xEF` lead byte (U+FFFE and
/// U+FFFF start with it) takes the careful path.
fn is_plain_text(text: &str) -> bool {
    // Branch-free per byte and checked a chunk at a time, so the compiler vectorises the scan
    // (session tokens are long).
    fn needs_care(b: u8) -> bool {
        (b < 0x20 && b != b'\t' && b != b'\n')
            | (b == b'&')
            | (b == b'<')
            | (b == b'>')
            | (b == 0xEF)
    }
    let chunks = text.as_bytes().chunks(32);
    chunks
        .into_iter()
        .all(|chunk| !chunk.iter().fold(false, |bad, &b| bad | needs_care(b)))
}

/// `text` as it goes between tags: unwritable characters replaced, then `&`, `<`, `>` and CR
/// escaped (quick-xml's `partial_escape`, whose output AWS's layout matches).
fn push_text(out: &mut String, text: &str) {
    if is_plain_text(text) {
        out.push_str(text);
    } else {
        out.push_str(&partial_escape(xml_safe(text).as_ref()));
    }
}

/// An indented XML writer (two spaces a level, a start tag on its own line, text kept on the
/// line of its element). It writes straight into one string: element helpers return nothing,
/// and `finish` returns the document.
///
/// The layout is quick-xml's `Writer::new_with_indent(…, b' ', 2)` byte for byte (the tests
/// compare the two), without its per-event costs.
pub struct XmlWriter {
    out: String,
    /// Open elements (indentation level).
    depth: usize,
    /// Whether the next tag starts a new line: false right after text.
    line_break: bool,
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
            out: String::with_capacity(2048),
            depth: 0,
            line_break: false,
        }
    }

    /// A new line and the current indentation, unless this is the document's first tag or
    /// the tag closes an element whose text was just written.
    fn indent(&mut self) {
        if self.line_break {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
    }

    /// Writes a start tag whose name is the concatenation of `name`, with an `xmlns` when given.
    fn open(&mut self, name: &[&str], xmlns: Option<&str>) {
        self.indent();
        self.out.push('<');
        for part in name {
            self.out.push_str(part);
        }
        if let Some(ns) = xmlns {
            let plain = ns
                .bytes()
                .all(|b| !matches!(b, b'<' | b'>' | b'&' | b'\'' | b'"' | b'\r' | b'\n' | b'\t'));
            if plain {
                self.out.push_str(" xmlns=\"");
                self.out.push_str(ns);
                self.out.push('"');
            } else {
                // Rare (namespaces are constants): quick-xml escapes the attribute value.
                let mut attribute = BytesStart::new("");
                attribute.push_attribute(("xmlns", ns));
                self.out.push_str(&attribute);
            }
        }
        self.out.push('>');
        self.depth += 1;
        self.line_break = true;
    }

    /// Writes `</` + `parts` + `>`.
    fn close(&mut self, parts: &[&str]) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        for part in parts {
            self.out.push_str(part);
        }
        self.out.push('>');
        self.line_break = true;
    }

    /// `<name/>`.
    fn empty(&mut self, name: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str("/>");
        self.line_break = true;
    }

    /// `<name/>`: an empty list or structure, as AWS writes one.
    pub fn empty_element(&mut self, name: &str) {
        self.empty(name);
    }

    /// Opens `<name>` (with an `xmlns` when given).
    pub fn start(&mut self, name: &str, xmlns: Option<&str>) {
        self.open(&[name], xmlns);
    }

    /// Closes `</name>`.
    pub fn end(&mut self, name: &str) {
        self.close(&[name]);
    }

    /// `<name>text</name>`, text escaped; an empty text gives `<name></name>`.
    pub fn element(&mut self, name: &str, text: &str) {
        self.open(&[name], None);
        push_text(&mut self.out, text);
        self.line_break = false;
        self.close(&[name]);
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
        self.open(&[name], None);
        // Digits and separators only: nothing to escape.
        push_timestamp(&mut self.out, at);
        self.line_break = false;
        self.close(&[name]);
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
            self.empty(name);
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
            self.empty(name);
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
        let mut text = self.out;
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
        writer.open(&[action, "Response"], Some(service.namespace()));
        writer.open(&[action, "Result"], None);
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
        writer.open(&[action, "Response"], Some(service.namespace()));
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
            self.writer.close(&[&self.action, "Result"]);
        }
        self.writer
            .nested("ResponseMetadata", |w| w.element("RequestId", request_id));
        self.writer.close(&[&self.action, "Response"]);
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

    /// The writer as it was before the direct-to-string rewrite: quick-xml events. The
    /// fast writer must produce the same bytes for any sequence of calls.
    mod reference {
        use quick_xml::Writer;
        use quick_xml::escape::partial_escape;
        use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};

        pub struct Old(Writer<Vec<u8>>);

        impl Old {
            pub fn new() -> Old {
                Old(Writer::new_with_indent(Vec::new(), b' ', 2))
            }
            pub fn start(&mut self, name: &str, xmlns: Option<&str>) {
                let mut start = BytesStart::new(name);
                if let Some(ns) = xmlns {
                    start.push_attribute(("xmlns", ns));
                }
                self.0.write_event(Event::Start(start)).unwrap();
            }
            pub fn end(&mut self, name: &str) {
                self.0.write_event(Event::End(BytesEnd::new(name))).unwrap();
            }
            pub fn element(&mut self, name: &str, text: &str) {
                self.0
                    .write_event(Event::Start(BytesStart::new(name)))
                    .unwrap();
                let safe = super::super::xml_safe(text);
                self.0
                    .write_event(Event::Text(BytesText::from_escaped(partial_escape(
                        safe.as_ref(),
                    ))))
                    .unwrap();
                self.0.write_event(Event::End(BytesEnd::new(name))).unwrap();
            }
            pub fn empty(&mut self, name: &str) {
                self.0
                    .write_event(Event::Empty(BytesStart::new(name)))
                    .unwrap();
            }
            pub fn finish(self) -> String {
                let mut text = String::from_utf8(self.0.into_inner()).unwrap();
                text.push('\n');
                text
            }
        }

        pub fn format_timestamp(at: time::OffsetDateTime) -> String {
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
    }

    #[derive(Debug, Clone)]
    enum Op {
        Start(String, Option<String>),
        End(String),
        Element(String, String),
        Empty(String),
    }

    fn both(ops: &[Op]) -> (String, String) {
        let mut new = XmlWriter::new();
        let mut old = reference::Old::new();
        for op in ops {
            match op {
                Op::Start(name, ns) => {
                    new.start(name, ns.as_deref());
                    old.start(name, ns.as_deref());
                }
                Op::End(name) => {
                    new.end(name);
                    old.end(name);
                }
                Op::Element(name, text) => {
                    new.element(name, text);
                    old.element(name, text);
                }
                Op::Empty(name) => {
                    new.members::<CallerIdentity>(name, &[]);
                    old.empty(name);
                }
            }
        }
        (new.finish().unwrap(), old.finish())
    }

    #[test]
    fn text_fast_path_matches_quick_xml_on_special_characters() {
        for text in [
            "",
            "plain",
            "a&b",
            "<tag>",
            "x > y",
            "quotes ' and \"",
            "cr\r\nlf",
            "tab\tnl\n",
            "ctl\u{1}\u{1F}\u{7F}",
            "\u{FFFE}\u{FFFF}\u{FFFD}\u{FEFF}\u{EFFF}",
            "é ሴ 😀",
            "&amp; already",
        ] {
            let ops = [Op::Element("M".into(), text.into())];
            let (new, old) = both(&ops);
            assert_eq!(new, old, "{text:?}");
        }
        // A namespace needing escapes goes through quick-xml's attribute escaping.
        let ops = [
            Op::Start("R".into(), Some("a\"b&c<\t\n\r'".into())),
            Op::End("R".into()),
        ];
        let (new, old) = both(&ops);
        assert_eq!(new, old);
    }

    fn op() -> impl proptest::strategy::Strategy<Value = Op> {
        use proptest::prelude::*;
        let name = "[A-Za-z][A-Za-z0-9]{0,6}";
        // Text drawn mostly from characters that matter to escaping.
        let text = proptest::collection::vec(
            prop_oneof![
                Just('&'),
                Just('<'),
                Just('>'),
                Just('"'),
                Just('\''),
                Just('\r'),
                Just('\n'),
                Just('\t'),
                Just('\u{0}'),
                Just('\u{1B}'),
                Just('\u{FFFE}'),
                Just('\u{FFFF}'),
                Just('\u{FEFF}'),
                any::<char>(),
                proptest::char::range('a', 'z'),
            ],
            0..12,
        )
        .prop_map(|chars| chars.into_iter().collect::<String>());
        prop_oneof![
            (name, proptest::option::of(".{0,8}")).prop_map(|(n, ns)| Op::Start(n, ns)),
            name.prop_map(Op::End),
            (name, text).prop_map(|(n, t)| Op::Element(n, t)),
            name.prop_map(Op::Empty),
        ]
    }

    proptest::proptest! {
        /// Any sequence of writer calls gives quick-xml's bytes.
        #[test]
        fn writer_matches_quick_xml(ops in proptest::collection::vec(op(), 0..24)) {
            let (new, old) = both(&ops);
            proptest::prop_assert_eq!(new, old);
        }

        /// Timestamps match the `format!` rendering over time's whole default range.
        #[test]
        fn timestamp_matches_format(seconds in -377_704_944_000i64..=253_402_128_000, offset in -86_399i32..=86_399) {
            let Ok(offset) = time::UtcOffset::from_whole_seconds(offset) else { return Ok(()) };
            let at = OffsetDateTime::from_unix_timestamp(seconds).unwrap().to_offset(offset);
            proptest::prop_assert_eq!(format_timestamp(at), reference::format_timestamp(at));
        }
    }

    #[test]
    fn timestamp_edge_values() {
        for at in [
            datetime!(0000-01-01 00:00:00 UTC),
            datetime!(0009-09-09 09:09:09 UTC),
            datetime!(0999-12-31 23:59:59.999999999 UTC),
            datetime!(1970-01-01 00:00:00 UTC),
            datetime!(2000-02-29 12:00:00 UTC),
            datetime!(9999-12-31 23:59:59 UTC),
            // Year -1 and year -9999 (time's default range).
            OffsetDateTime::from_unix_timestamp(-62_167_219_201).unwrap(),
            OffsetDateTime::from_unix_timestamp(-377_705_116_800).unwrap(),
            datetime!(0000-01-01 00:30:00 +01:00),
            datetime!(9999-12-31 22:30:00 -01:00),
        ] {
            assert_eq!(
                format_timestamp(at),
                reference::format_timestamp(at),
                "{at}"
            );
        }
        let mut out = String::from("x");
        push_timestamp(&mut out, datetime!(2026-11-23 18:42:53.987 +01:00));
        assert_eq!(out, "x2026-11-23T17:42:53Z");
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
