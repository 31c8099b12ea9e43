//! Query-protocol input: a form-encoded body (POST) or URL query string (GET) decoded into a
//! flat map of parameters, with the AWS flattening rules for lists (`Name.member.N`,
//! `Name.member.N.Field`) and typed accessors that name the offending field on failure.
//!
//! Decisions, with their evidence:
//! - **Duplicates: the first value wins** — live STS takes the first `Action`, `Version`,
//!   `RoleArn`, `RoleSessionName`, `DurationSeconds`, `ExternalId`, `SourceIdentity`
//!   (Argmin's STS oracle). Body parameters come before query-string ones.
//! - **Unknown parameters are ignored** (same source), and SigV4's `X-Amz-*` query parameters
//!   are not the operation's: they are left out of the map.
//! - **Integers** are signed 32-bit decimals as Java's `Integer.parseInt` reads them: `+900`
//!   and `0900` are 900; `900.0`, `abc`, `2147483648` are `MalformedInput` (live STS).
//! - **List gaps are accepted**: members are taken in ascending index order, whatever the
//!   numbering (`member.1`, `member.3`). Not verified on AWS; chosen because dropping members
//!   after a gap could silently drop a session policy ARN and widen a session's permissions.
//!   Index 0 and non-numeric indices are not list members (ignored like unknown parameters).
//!   Error paths use the member's 1-based position (`tags.2.member.key`).
//! - **Body limit**: live STS accepts exactly 10,000,000 body bytes and answers 413 with an
//!   empty body above that.

use std::collections::BTreeMap;

use crate::error::ProtocolError;
use crate::validate::lower_camel;

/// The prefix of SigV4's query parameters (`X-Amz-Signature`, ...): the authenticator's, not
/// the operation's, so they are left out of the map (a presigned URL carries six of them).
const SIGV4_PREFIX: &str = "X-Amz-";

/// Largest form body AWS accepts (decimal bytes; live STS answers 413 above it).
pub const MAX_BODY_BYTES: usize = 10_000_000;

/// A flat, key-ordered map of Query parameters (first value per name), optionally scoped to
/// one list member so that errors name nested fields as AWS does (`tags.1.member.key`).
///
/// Every decoded name and value lives in one string, so decoding a request costs two
/// allocations however many parameters it has.
#[derive(Debug, Clone, Default)]
pub struct QueryMap {
    text: String,
    /// (name, value) spans of `text`, sorted by name, one per name.
    entries: Vec<(Span, Span)>,
    /// Error-path prefix of this map, e.g. `tags.1.member`; empty at the top level.
    path: String,
}

/// A byte range of [`QueryMap::text`], on character boundaries.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

impl Span {
    fn of(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or_default()
    }
}

impl PartialEq for QueryMap {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.iter().eq(other.iter())
    }
}

impl Eq for QueryMap {}

/// Builds a [`QueryMap`]: parameters appended in arrival order, then sorted by name keeping
/// each name's first value.
struct Builder {
    text: String,
    entries: Vec<(Span, Span)>,
    /// Percent-decoded bytes of the component being appended (reused).
    scratch: Vec<u8>,
}

impl Builder {
    fn with_capacity(bytes: usize) -> Self {
        Builder {
            text: String::with_capacity(bytes),
            entries: Vec::new(),
            scratch: Vec::new(),
        }
    }

    fn push(&mut self, name: &str, value: &str) {
        let name = self.push_text(name);
        let value = self.push_text(value);
        self.entries.push((name, value));
    }

    fn push_text(&mut self, text: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(text);
        Span {
            start,
            end: self.text.len(),
        }
    }

    /// Appends one form-encoded component decoded: `+` is a space, `%XX` a byte (a `%` not
    /// followed by two hex digits stays literal), and the bytes are read as lossy UTF-8.
    fn push_form_decoded(&mut self, raw: &[u8]) -> Span {
        if memchr::memchr2(b'%', b'+', raw).is_none()
            && let Ok(text) = std::str::from_utf8(raw)
        {
            return self.push_text(text);
        }
        self.scratch.clear();
        let mut rest = raw;
        while let Some((&byte, tail)) = rest.split_first() {
            rest = tail;
            match byte {
                b'+' => self.scratch.push(b' '),
                b'%' => match (
                    rest.first().and_then(hex_value),
                    rest.get(1).and_then(hex_value),
                ) {
                    (Some(high), Some(low)) => {
                        self.scratch.push((high << 4) | low);
                        rest = rest.get(2..).unwrap_or_default();
                    }
                    _ => self.scratch.push(b'%'),
                },
                other => self.scratch.push(other),
            }
        }
        let start = self.text.len();
        match std::str::from_utf8(&self.scratch) {
            Ok(text) => self.text.push_str(text),
            Err(_) => self.text.push_str(&String::from_utf8_lossy(&self.scratch)),
        }
        Span {
            start,
            end: self.text.len(),
        }
    }

    /// Appends every `name=value` pair of a form-encoded string (empty pieces skipped, a piece
    /// without `=` has an empty value), except SigV4's own (`X-Amz-*`).
    fn push_form(&mut self, form: &[u8]) {
        // memchr: most of a request's bytes are in a few long values (ARNs, policies).
        let mut rest = form;
        while !rest.is_empty() {
            let (piece, after) = match memchr::memchr(b'&', rest) {
                Some(amp) => (
                    rest.get(..amp).unwrap_or_default(),
                    rest.get(amp + 1..).unwrap_or_default(),
                ),
                None => (rest, &[][..]),
            };
            rest = after;
            if piece.is_empty() {
                continue;
            }
            let (name, value) = match memchr::memchr(b'=', piece) {
                Some(equals) => (
                    piece.get(..equals).unwrap_or_default(),
                    piece.get(equals + 1..).unwrap_or_default(),
                ),
                None => (piece, &[][..]),
            };
            let name = self.push_form_decoded(name);
            if name.of(&self.text).starts_with(SIGV4_PREFIX) {
                self.text.truncate(name.start);
                continue;
            }
            let value = self.push_form_decoded(value);
            self.entries.push((name, value));
        }
    }

    fn finish(self, path: String) -> QueryMap {
        let Builder {
            text, mut entries, ..
        } = self;
        // Stable: among equal names the first-arrived stays first, and dedup keeps it.
        entries.sort_by(|a, b| a.0.of(&text).cmp(b.0.of(&text)));
        entries.dedup_by(|later, earlier| later.0.of(&text) == earlier.0.of(&text));
        QueryMap {
            text,
            entries,
            path,
        }
    }
}

fn hex_value(byte: &u8) -> Option<u8> {
    char::from(*byte)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// A decoded Query request: the parameters, with `Action` and `Version` among them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryRequest {
    params: QueryMap,
}

impl QueryRequest {
    /// Decodes a form-encoded POST `body` and a URL `query` string (either may be empty).
    /// Percent-decoding is lossy UTF-8, `+` is a space.
    pub fn parse(body: &[u8], query: &str) -> Result<QueryRequest, ProtocolError> {
        if body.len() > MAX_BODY_BYTES {
            return Err(ProtocolError::BodyTooLarge { len: body.len() });
        }
        let mut builder = Builder::with_capacity(body.len() + query.len());
        builder.push_form(body);
        builder.push_form(query.as_bytes());
        Ok(QueryRequest {
            params: builder.finish(String::new()),
        })
    }

    /// `Action`, if present (possibly empty).
    pub fn action(&self) -> Option<&str> {
        self.params.get("Action")
    }

    /// `Version`, if present (possibly empty).
    pub fn version(&self) -> Option<&str> {
        self.params.get("Version")
    }

    /// All parameters.
    pub fn params(&self) -> &QueryMap {
        &self.params
    }
}

impl std::ops::Deref for QueryRequest {
    type Target = QueryMap;

    fn deref(&self) -> &QueryMap {
        &self.params
    }
}

/// Reads an integer as Java's `Integer.parseInt` does: optional sign, ASCII digits, 32 bits.
pub(crate) fn parse_java_int(text: &str) -> Option<i32> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl QueryMap {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .binary_search_by(|(key, _)| key.of(&self.text).cmp(name))
            .ok()
            .and_then(|index| self.entries.get(index))
            .map(|(_, value)| value.of(&self.text))
    }

    /// Whether any parameter is named `name` or starts with `name.` (a list or structure).
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some() || self.keys_under(name).next().is_some()
    }

    /// Number of distinct parameter names.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every parameter, ordered by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|(name, value)| (name.of(&self.text), value.of(&self.text)))
    }

    /// The error path of member `name` of this map: `roleArn`, `tags.1.member.key`.
    pub fn field_path(&self, name: &str) -> String {
        if self.path.is_empty() {
            lower_camel(name)
        } else {
            format!("{}.{}", self.path, lower_camel(name))
        }
    }

    /// A required string member. Absent → [`ProtocolError::MissingValue`] (AWS:
    /// `ValidationError … Member must not be null`). Present but empty is returned as `""`:
    /// length constraints judge it.
    pub fn required_str(&self, name: &str) -> Result<&str, ProtocolError> {
        self.get(name).ok_or_else(|| ProtocolError::MissingValue {
            field: self.field_path(name),
        })
    }

    /// An optional string member.
    pub fn optional_str(&self, name: &str) -> Option<&str> {
        self.get(name)
    }

    /// An optional 32-bit integer member; a value that is not one is `MalformedInput`.
    pub fn optional_i32(&self, name: &str) -> Result<Option<i32>, ProtocolError> {
        match self.get(name) {
            None => Ok(None),
            Some(text) => {
                parse_java_int(text)
                    .map(Some)
                    .ok_or_else(|| ProtocolError::MalformedInteger {
                        field: self.field_path(name),
                        value: text.to_owned(),
                    })
            }
        }
    }

    /// An optional boolean member: `true` or `false`, ASCII case-insensitive; anything else is
    /// `MalformedInput` (not verified on AWS).
    pub fn optional_bool(&self, name: &str) -> Result<Option<bool>, ProtocolError> {
        match self.get(name) {
            None => Ok(None),
            Some(text) if text.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(text) if text.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(text) => Err(ProtocolError::MalformedBoolean {
                field: self.field_path(name),
                value: text.to_owned(),
            }),
        }
    }

    /// Parameters named `name.…`, as (the part after `name.`, value). Allocates nothing: the
    /// scan starts at `name` in key order and stops at the first key not starting with it.
    fn keys_under<'a, 'n>(
        &'a self,
        name: &'n str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + use<'a, 'n> {
        let first = self
            .entries
            .partition_point(|(key, _)| key.of(&self.text) < name);
        self.iter()
            .skip(first)
            .take_while(move |(key, _)| key.starts_with(name))
            .filter_map(move |(key, value)| {
                key.get(name.len()..)
                    .and_then(|rest| rest.strip_prefix('.'))
                    .map(|rest| (rest, value))
            })
    }

    /// Members of list `name` wrapped in `member` (the Query default: `Name.member.N`), keyed by
    /// index in ascending order. Each entry is (rest after `N`, value), rest being `""` for a
    /// scalar member or `.Field…` for a structure member.
    fn members<'a>(&'a self, name: &str, member: &str) -> BTreeMap<u32, Vec<(&'a str, &'a str)>> {
        let mut members: BTreeMap<u32, Vec<(&str, &str)>> = BTreeMap::new();
        let entries = self.keys_under(name).filter_map(|(rest, value)| {
            let rest = rest.strip_prefix(member)?.strip_prefix('.')?;
            Some((rest, value))
        });
        for (rest, value) in entries {
            let (index, tail) = match rest.find('.') {
                Some(dot) => rest.split_at(dot),
                None => (rest, ""),
            };
            let Some(index) = parse_index(index) else {
                continue;
            };
            members.entry(index).or_default().push((tail, value));
        }
        members
    }

    /// The structure members of list `name` (`Name.{member}.N.Field`), in index order, each as a
    /// map of its fields scoped for error paths (`policyArns.1.member.arn`).
    pub fn list(&self, name: &str, member: &str) -> Vec<QueryMap> {
        let members = self.members(name, member);
        if members.is_empty() {
            return Vec::new();
        }
        let list_path = self.field_path(name);
        members
            .into_values()
            .enumerate()
            .map(|(position, fields)| {
                let mut builder = Builder::with_capacity(0);
                for (tail, value) in fields {
                    if let Some(field) = tail.strip_prefix('.') {
                        builder.push(field, value);
                    }
                }
                builder.finish(format!("{list_path}.{}.{member}", position + 1))
            })
            .collect()
    }

    /// The scalar members of list `name` (`Name.member.N`), in index order.
    pub fn string_list(&self, name: &str) -> Vec<String> {
        self.members(name, "member")
            .into_values()
            .filter_map(|fields| {
                fields
                    .into_iter()
                    .find(|(tail, _)| tail.is_empty())
                    .map(|(_, value)| value.to_owned())
            })
            .collect()
    }

    /// `Name.member.N.Key` / `.Value` pairs, in index order; either half may be absent (the
    /// [`crate::Validator`] reports that as AWS does).
    pub fn tags(&self, name: &str) -> Vec<(Option<String>, Option<String>)> {
        self.list(name, "member")
            .into_iter()
            .map(|tag| {
                (
                    tag.get("Key").map(str::to_owned),
                    tag.get("Value").map(str::to_owned),
                )
            })
            .collect()
    }

    /// Map members `Name.entry.N.key` / `.value` (the Query map encoding), in index order.
    pub fn map_entries(&self, name: &str) -> Vec<(Option<String>, Option<String>)> {
        self.list(name, "entry")
            .into_iter()
            .map(|entry| {
                (
                    entry.get("key").map(str::to_owned),
                    entry.get("value").map(str::to_owned),
                )
            })
            .collect()
    }

    /// This map's error-path prefix (`""` at the top level).
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// A list index: decimal digits (leading zeros allowed, as `Integer.parseInt` reads them), at
/// least 1.
fn parse_index(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|&n| n >= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(body: &str) -> QueryRequest {
        QueryRequest::parse(body.as_bytes(), "").unwrap()
    }

    #[test]
    fn first_value_wins_and_body_precedes_query() {
        let r = QueryRequest::parse(
            b"Action=AssumeRole&RoleArn=first&RoleArn=second",
            "Version=2011-06-15&Action=Other",
        )
        .unwrap();
        assert_eq!(r.action(), Some("AssumeRole"));
        assert_eq!(r.version(), Some("2011-06-15"));
        assert_eq!(r.get("RoleArn"), Some("first"));
    }

    #[test]
    fn sigv4_parameters_are_left_out() {
        let r = QueryRequest::parse(
            b"X-Amz-Date=20150830T123600Z&Action=GetCallerIdentity",
            "X-Amz-Signature=ab&X-Amz-Credential=AKIA%2F&Version=2011-06-15&x-amz-other=kept",
        )
        .unwrap();
        let names: Vec<&str> = r.iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["Action", "Version", "x-amz-other"]);
        assert_eq!(r.get("Version"), Some("2011-06-15"));
    }

    #[test]
    fn percent_and_plus_decoding() {
        let r = req("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&Name=a+b&Bad=%FF");
        assert_eq!(
            r.get("RoleArn"),
            Some("arn:aws:iam::123456789012:role/demo")
        );
        assert_eq!(r.get("Name"), Some("a b"));
        assert_eq!(r.get("Bad"), Some("\u{FFFD}"));
    }

    #[test]
    fn required_names_the_field_in_lower_camel_case() {
        let r = req("Action=AssumeRole");
        assert_eq!(
            r.required_str("RoleArn"),
            Err(ProtocolError::MissingValue {
                field: "roleArn".into()
            })
        );
        assert_eq!(req("RoleArn=").required_str("RoleArn"), Ok(""));
    }

    #[test]
    fn integers_parse_like_java() {
        for (text, expected) in [
            ("900", Some(900)),
            ("+900", Some(900)),
            ("0900", Some(900)),
            ("-1", Some(-1)),
            ("2147483647", Some(i32::MAX)),
            ("-2147483648", Some(i32::MIN)),
        ] {
            let r = req(&format!("DurationSeconds={}", text.replace('+', "%2B")));
            assert_eq!(r.optional_i32("DurationSeconds"), Ok(expected), "{text}");
        }
        for text in [
            "",
            "abc",
            "900.0",
            "2147483648",
            "-2147483649",
            "+",
            "-",
            "1e3",
            " 9",
        ] {
            let r = req(&format!(
                "DurationSeconds={}",
                text.replace('+', "%2B").replace(' ', "%20")
            ));
            assert_eq!(
                r.optional_i32("DurationSeconds"),
                Err(ProtocolError::MalformedInteger {
                    field: "durationSeconds".into(),
                    value: text.into()
                }),
                "{text}"
            );
        }
        assert_eq!(req("").optional_i32("DurationSeconds"), Ok(None));
    }

    #[test]
    fn booleans() {
        assert_eq!(req("A=true").optional_bool("A"), Ok(Some(true)));
        assert_eq!(req("A=FALSE").optional_bool("A"), Ok(Some(false)));
        assert!(req("A=yes").optional_bool("A").is_err());
        assert_eq!(req("").optional_bool("A"), Ok(None));
    }

    #[test]
    fn struct_lists_in_index_order_with_gaps() {
        let r = req(
            "PolicyArns.member.10.arn=ten&PolicyArns.member.2.arn=two&PolicyArns.member.1.arn=one\
             &PolicyArns.member.0.arn=zero&PolicyArns.member.x.arn=x&PolicyArnsX.member.1.arn=no",
        );
        let list = r.list("PolicyArns", "member");
        let arns: Vec<_> = list.iter().map(|m| m.get("arn").unwrap()).collect();
        assert_eq!(arns, ["one", "two", "ten"]);
        assert_eq!(list[2].field_path("arn"), "policyArns.3.member.arn");
        assert_eq!(r.list("Missing", "member"), vec![]);
    }

    #[test]
    fn nested_lists() {
        let r = req("ContextEntries.member.1.ContextKeyName=aws:x\
             &ContextEntries.member.1.ContextKeyValues.member.2=b\
             &ContextEntries.member.1.ContextKeyValues.member.1=a");
        let entries = r.list("ContextEntries", "member");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].get("ContextKeyName"), Some("aws:x"));
        assert_eq!(entries[0].string_list("ContextKeyValues"), ["a", "b"]);
    }

    #[test]
    fn string_lists_and_tags() {
        let r = req("TransitiveTagKeys.member.2=B&TransitiveTagKeys.member.1=A\
             &Tags.member.1.Key=Project&Tags.member.1.Value=X&Tags.member.2.Key=Only");
        assert_eq!(r.string_list("TransitiveTagKeys"), ["A", "B"]);
        assert_eq!(
            r.tags("Tags"),
            vec![
                (Some("Project".into()), Some("X".into())),
                (Some("Only".into()), None)
            ]
        );
        assert!(r.contains("Tags"));
        assert!(!r.contains("Tag"));
    }

    #[test]
    fn map_entries() {
        let r = req("Attributes.entry.1.key=a&Attributes.entry.1.value=1");
        assert_eq!(
            r.map_entries("Attributes"),
            vec![(Some("a".into()), Some("1".into()))]
        );
    }

    #[test]
    fn body_limit() {
        let big = vec![b'a'; MAX_BODY_BYTES + 1];
        assert_eq!(
            QueryRequest::parse(&big, ""),
            Err(ProtocolError::BodyTooLarge {
                len: MAX_BODY_BYTES + 1
            })
        );
        assert!(QueryRequest::parse(&big[..MAX_BODY_BYTES], "").is_ok());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::{Service, Validator, model::sts};
    use proptest::prelude::*;

    proptest! {
        /// Any body decodes, and every accessor answers without panicking.
        #[test]
        fn parse_and_accessors_never_panic(body in proptest::collection::vec(any::<u8>(), 0..256), query in ".{0,64}") {
            let r = QueryRequest::parse(&body, &query).unwrap();
            let _ = r.optional_i32("DurationSeconds");
            let _ = r.optional_bool("A");
            let _ = r.list("Tags", "member");
            let _ = r.string_list("TransitiveTagKeys");
            let mut v = Validator::new(Service::Sts);
            v.required(&r, "RoleArn", &sts::ARN);
            let _ = v.tags(&r, "Tags", Some(sts::MAX_TAGS), &sts::TAG_KEY, &sts::TAG_VALUE);
            let _ = v.check();
        }

        /// The hand-written decoder reads any body and query string exactly as the
        /// `form_urlencoded` crate does (first value per name, body before query).
        #[test]
        fn decodes_like_form_urlencoded(
            body in proptest::collection::vec(prop_oneof![
                Just(b'&'), Just(b'='), Just(b'%'), Just(b'+'), Just(b'a'), Just(b'B'), Just(b'4'),
                Just(0xC3), Just(0xA9), Just(0xFF), any::<u8>()
            ], 0..64),
            query in "[a=&%+2Fé]{0,32}",
        ) {
            let mut expected = BTreeMap::new();
            for (name, value) in form_urlencoded::parse(&body).chain(form_urlencoded::parse(query.as_bytes())) {
                expected.entry(name.into_owned()).or_insert_with(|| value.into_owned());
            }
            let r = QueryRequest::parse(&body, &query).unwrap();
            let got: Vec<(&str, &str)> = r.iter().collect();
            let expected: Vec<(&str, &str)> = expected.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            prop_assert_eq!(got, expected);
        }

        /// Whatever a list's numbering, every member with a valid index comes back, in order.
        #[test]
        fn list_members_keep_index_order(indices in proptest::collection::btree_set(1u32..10_000, 0..20)) {
            let body: Vec<String> = indices.iter().rev().map(|i| format!("L.member.{i}={i}")).collect();
            let r = QueryRequest::parse(body.join("&").as_bytes(), "").unwrap();
            let expected: Vec<String> = indices.iter().map(u32::to_string).collect();
            prop_assert_eq!(r.string_list("L"), expected);
        }
    }
}
