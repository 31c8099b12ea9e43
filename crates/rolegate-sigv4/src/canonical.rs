//! The canonical request and the string to sign, built from the request as received and the
//! client's claims (signed headers, scope, time), exactly as AWS's signing process defines them.
//! Public so that a `SignatureDoesNotMatch` can be diagnosed and the AWS test suite compared.

use std::borrow::Cow;

use aws_lc_rs::digest;

use crate::authentication::{ALGORITHM, Authentication};
use crate::request::HttpRequest;
use crate::timestamp::push_basic;
use crate::uri_encoding::{decode_lenient, encode, encode_into, is_unreserved, query_pairs};

/// The payload hash S3 allows instead of hashing the body.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The canonical request a correct client computed for `request` with the claims in `auth`.
///
/// The payload hash is the client's `x-amz-content-sha256` when it sent one (whether that value
/// is acceptable is `verify`'s question), `UNSIGNED-PAYLOAD` for a presigned S3 request, and
/// otherwise the SHA-256 of the body.
pub fn canonical_request(request: &HttpRequest<'_>, auth: &Authentication) -> String {
    let payload_hash = match request.header("x-amz-content-sha256") {
        Some(claimed) => PayloadHash::Text(claimed.trim()),
        None if auth.presigned && is_s3(&auth.scope.service) => PayloadHash::Text(UNSIGNED_PAYLOAD),
        None => PayloadHash::Sha256Of(request.body),
    };
    let query = canonical_query(request.query, None, auth.presigned);
    build(request, auth, &query, payload_hash)
}

/// The last line of a canonical request: a given text, or the hash of some bytes (hex-encoded
/// straight into the canonical request).
#[derive(Clone, Copy)]
enum PayloadHash<'a> {
    Text(&'a str),
    Sha256Of(&'a [u8]),
}

/// The canonical request in the form of AWS's test case `post-x-www-form-urlencoded-parameters`:
/// a form body's parameters moved into the canonical query string and the payload hashed as
/// empty. `None` unless the request is a form POST with a body and no `x-amz-content-sha256`.
pub fn canonical_request_with_form_body_as_query(
    request: &HttpRequest<'_>,
    auth: &Authentication,
) -> Option<String> {
    let is_form = request.header("content-type").is_some_and(|value| {
        value
            .trim_start()
            .get(..33)
            .is_some_and(|v| v.eq_ignore_ascii_case("application/x-www-form-urlencoded"))
    });
    if !request.method.eq_ignore_ascii_case("POST")
        || !is_form
        || request.body.is_empty()
        || request.header("x-amz-content-sha256").is_some()
    {
        return None;
    }
    let body = std::str::from_utf8(request.body).ok()?;
    let query = canonical_query(request.query, Some(body), auth.presigned);
    Some(build(request, auth, &query, PayloadHash::Sha256Of(b"")))
}

fn build(
    request: &HttpRequest<'_>,
    auth: &Authentication,
    canonical_query: &str,
    payload_hash: PayloadHash<'_>,
) -> String {
    let mut out = String::with_capacity(256 + request.query.len() + request.path.len());
    out.push_str(request.method);
    out.push('\n');
    push_canonical_uri(&mut out, request.path, is_s3(&auth.scope.service));
    out.push('\n');
    out.push_str(canonical_query);
    out.push('\n');
    for name in &auth.signed_headers {
        out.push_str(name);
        out.push(':');
        for (i, value) in request.headers_named(name).enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_trimmed(&mut out, value);
        }
        out.push('\n');
    }
    out.push('\n');
    for (i, name) in auth.signed_headers.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(name);
    }
    out.push('\n');
    match payload_hash {
        PayloadHash::Text(text) => out.push_str(text),
        PayloadHash::Sha256Of(bytes) => push_sha256_hex(&mut out, bytes),
    }
    out
}

/// The string to sign for `canonical_request` under the claims in `auth`.
pub fn string_to_sign(auth: &Authentication, canonical_request: &str) -> String {
    // `AWS4-HMAC-SHA256\n` 17, time 16, scope ~40, hash 64, newlines: one allocation.
    let mut out = String::with_capacity(
        ALGORITHM.len()
            + 16
            + auth.scope.date.len()
            + auth.scope.region.len()
            + auth.scope.service.len()
            + auth.scope.terminator.len()
            + 64
            + 6,
    );
    out.push_str(ALGORITHM);
    out.push('\n');
    push_basic(&mut out, auth.request_time);
    out.push('\n');
    auth.scope.push_to(&mut out);
    out.push('\n');
    push_sha256_hex(&mut out, canonical_request.as_bytes());
    out
}

/// Lower-case hex of the SHA-256 of `data`.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    let mut out = String::with_capacity(64);
    push_sha256_hex(&mut out, data);
    out
}

/// Appends the lower-case hex of the SHA-256 of `data`.
fn push_sha256_hex(out: &mut String, data: &[u8]) {
    push_hex_lower(out, digest::digest(&digest::SHA256, data).as_ref());
}

pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex_lower(&mut out, bytes);
    out
}

fn push_hex_lower(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &byte in bytes {
        for nibble in [byte >> 4, byte & 0x0f] {
            if let Some(&digit) = DIGITS.get(usize::from(nibble)) {
                out.push(char::from(digit));
            }
        }
    }
}

fn is_s3(service: &str) -> bool {
    service == "s3"
}

/// Header value normalisation: trim spaces, collapse runs of spaces to one (spaces only, as AWS).
fn push_trimmed(out: &mut String, value: &str) {
    let mut previous_space = false;
    for c in value.trim_matches(' ').chars() {
        if c == ' ' {
            if !previous_space {
                out.push(' ');
            }
            previous_space = true;
        } else {
            out.push(c);
            previous_space = false;
        }
    }
}

/// Canonical URI. Outside S3: dot segments removed, empty segments dropped (RFC 3986 §5.2.4, as
/// AWS does), then every segment encoded again, so `%2F` on the wire becomes `%252F` (the
/// "double encoding"). S3: the path decoded once and encoded once, not normalised.
fn push_canonical_uri(out: &mut String, raw_path: &str, s3: bool) {
    if s3 {
        if !raw_path.starts_with('/') {
            out.push('/');
        }
        encode_into(out, &decode_lenient(raw_path, false), true);
        return;
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in raw_path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let trailing_slash = ["/", "/.", "/.."].iter().any(|end| raw_path.ends_with(end));
    out.push('/');
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            out.push('/');
        }
        encode_into(out, segment.as_bytes(), false);
    }
    if trailing_slash && !segments.is_empty() {
        out.push('/');
    }
}

/// Canonical query string: every parameter decoded (form rules) and re-encoded, sorted by encoded
/// name then value; `X-Amz-Signature` left out of a presigned request's. `form_body`, when given,
/// adds its parameters (the legacy form of [`canonical_request_with_form_body_as_query`]).
fn canonical_query(raw: &str, form_body: Option<&str>, presigned: bool) -> String {
    let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::new();
    for (key, value) in query_pairs(raw).chain(form_body.into_iter().flat_map(query_pairs)) {
        let key = canonical_component(key);
        if presigned && key == "X-Amz-Signature" {
            continue;
        }
        pairs.push((key, canonical_component(value)));
    }
    pairs.sort_unstable();
    let mut out = String::with_capacity(raw.len() + form_body.map_or(0, str::len));
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// One query name or value decoded and encoded again. Clients send most of them encoded
/// exactly as SigV4 encodes, and those are borrowed as they are.
fn canonical_component(raw: &str) -> Cow<'_, str> {
    if is_canonically_encoded(raw.as_bytes()) {
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(encode(&decode_lenient(raw, true)))
    }
}

/// Whether decoding `raw` and encoding it again gives `raw` back: only unreserved bytes and
/// upper-case `%XX` escapes of reserved ones.
fn is_canonically_encoded(raw: &[u8]) -> bool {
    let upper_hex = |digit: &u8| match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    };
    let mut rest = raw;
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        if byte != b'%' {
            if !is_unreserved(byte) {
                return false;
            }
            continue;
        }
        match (
            rest.first().and_then(upper_hex),
            rest.get(1).and_then(upper_hex),
        ) {
            (Some(high), Some(low)) if !is_unreserved((high << 4) | low) => {
                rest = rest.get(2..).unwrap_or_default();
            }
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(path: &str) -> String {
        let mut out = String::new();
        push_canonical_uri(&mut out, path, false);
        out
    }

    #[test]
    fn uri_normalisation() {
        for (raw, canonical) in [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/a/b", "/a/b"),
            ("/a/b/", "/a/b/"),
            ("//example//", "/example/"),
            ("/./example", "/example"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/../../x", "/x"),
            ("/a/./b/.", "/a/b/"),
            ("/a/b/..", "/a/"),
            ("a/b", "/a/b"),
            ("/example space/", "/example%20space/"),
            ("/ሴ", "/%E1%88%B4"),
            ("/a%20b", "/a%2520b"),
            ("/a%2F..", "/a%252F.."),
            ("/a:b@c", "/a%3Ab%40c"),
        ] {
            assert_eq!(uri(raw), canonical, "{raw:?}");
        }
    }

    #[test]
    fn s3_uri_is_encoded_once_and_not_normalised() {
        let mut out = String::new();
        push_canonical_uri(&mut out, "/bucket//a%20b/../c", true);
        assert_eq!(out, "/bucket//a%20b/../c");
    }

    #[test]
    fn query_canonicalisation() {
        assert_eq!(canonical_query("", None, false), "");
        assert_eq!(
            canonical_query("Param2=value2&Param1=value1", None, false),
            "Param1=value1&Param2=value2"
        );
        assert_eq!(canonical_query("b=2&a&&c=", None, false), "a=&b=2&c=");
        assert_eq!(canonical_query("k=b&k=a", None, false), "k=a&k=b");
        assert_eq!(canonical_query("a=x+y%2By", None, false), "a=x%20y%2By");
        assert_eq!(canonical_query("ሴ=bar", None, false), "%E1%88%B4=bar");
        assert_eq!(canonical_query("a=%7e%2d", None, false), "a=~-");
        // Sorting is by the encoded name: upper case before lower case.
        assert_eq!(canonical_query("b=1&B=2&_=3", None, false), "B=2&_=3&b=1");
        assert_eq!(
            canonical_query("X-Amz-Signature=ab&X-Amz-Date=1", None, true),
            "X-Amz-Date=1"
        );
        assert_eq!(
            canonical_query("X-Amz-Signature=ab", None, false),
            "X-Amz-Signature=ab"
        );
        assert_eq!(canonical_query("b=1", Some("a=2"), false), "a=2&b=1");
    }

    #[test]
    fn canonically_encoded_components_are_borrowed() {
        for raw in ["", "abc", "arn%3Aaws%3Aiam", "%E1%88%B4", "-._~"] {
            assert!(
                matches!(canonical_component(raw), Cow::Borrowed(_)),
                "{raw:?}"
            );
        }
        for (raw, canonical) in [
            ("%41", "A"),
            ("%3a", "%3A"),
            ("a+b", "a%20b"),
            ("a b", "a%20b"),
            ("%", "%25"),
            ("%4", "%254"),
            ("%zz", "%25zz"),
            ("/", "%2F"),
        ] {
            assert_eq!(canonical_component(raw), canonical, "{raw:?}");
        }
    }

    proptest::proptest! {
        /// The borrowed fast path answers exactly what decoding and encoding again would.
        #[test]
        fn canonical_component_is_decode_then_encode(raw in "[a-zA-Z0-9%+ /~é._-]{0,24}") {
            let canonical = canonical_component(&raw);
            proptest::prop_assert_eq!(canonical.as_ref(), encode(&decode_lenient(&raw, true)));
        }
    }

    #[test]
    fn header_values_are_trimmed_and_spaces_collapsed() {
        for (raw, expected) in [
            ("  a   b  c ", "a b c"),
            ("\"a   b\"", "\"a b\""),
            ("a\tb", "a\tb"),
            ("", ""),
            ("   ", ""),
        ] {
            let mut out = String::new();
            push_trimmed(&mut out, raw);
            assert_eq!(out, expected, "{raw:?}");
        }
    }

    #[test]
    fn sha256_of_nothing() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(hex_lower(&[0x00, 0xab, 0xff]), "00abff");
    }
}
