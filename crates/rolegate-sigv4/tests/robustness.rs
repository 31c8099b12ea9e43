//! Hostile input never panics: `parse`, `canonical_request` and `verify` on arbitrary requests,
//! including near-valid `Authorization` headers and presigned queries built from SigV4's own
//! fragments (the same property as the `sigv4_parse` fuzz target, under `cargo test`).
// Test support code (helpers outside #[test] fns) may fail loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests and benches fail loudly on bad fixtures"
)]

use proptest::prelude::*;
use rolegate_sigv4::{
    HttpRequest, VerifyOptions, canonical_request, parse, string_to_sign, verify,
};
use time::macros::datetime;

/// Strings assembled from the pieces a SigV4 parser looks for.
fn fragments() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("AWS4-HMAC-SHA256".to_owned()),
        Just(" ".to_owned()),
        Just(",".to_owned()),
        Just("=".to_owned()),
        Just("/".to_owned()),
        Just(";".to_owned()),
        Just("&".to_owned()),
        Just("%".to_owned()),
        Just("Credential".to_owned()),
        Just("SignedHeaders".to_owned()),
        Just("Signature".to_owned()),
        Just("host".to_owned()),
        Just("x-amz-date".to_owned()),
        Just("X-Amz-Algorithm".to_owned()),
        Just("X-Amz-Credential".to_owned()),
        Just("X-Amz-Date".to_owned()),
        Just("X-Amz-Expires".to_owned()),
        Just("X-Amz-SignedHeaders".to_owned()),
        Just("X-Amz-Signature".to_owned()),
        Just("20150830T123600Z".to_owned()),
        Just("20150830".to_owned()),
        Just("us-east-1".to_owned()),
        Just("sts".to_owned()),
        Just("aws4_request".to_owned()),
        Just("..".to_owned()),
        "[0-9a-f]{1,64}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

fn check(method: &str, path: &str, query: &str, headers: &[(String, String)], body: &[u8]) {
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = HttpRequest {
        method,
        path,
        query,
        headers: &headers,
        body,
    };
    if let Ok(auth) = parse(&request) {
        let creq = canonical_request(&request, &auth);
        let _ = string_to_sign(&auth, &creq);
        let now = datetime!(2015-08-30 12:36:00 UTC);
        let _ = verify(
            &request,
            &auth,
            "secret",
            now,
            &VerifyOptions::new(&["sts"]),
        );
        let _ = verify(
            &request,
            &auth,
            "secret",
            time::OffsetDateTime::UNIX_EPOCH,
            &VerifyOptions {
                accept_form_body_as_query: true,
                ..VerifyOptions::new(&[])
            },
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_requests_never_panic(
        method in any::<String>(),
        path in any::<String>(),
        query in any::<String>(),
        headers in prop::collection::vec((any::<String>(), any::<String>()), 0..6),
        body in prop::collection::vec(any::<u8>(), 0..32),
    ) {
        check(&method, &path, &query, &headers, &body);
    }

    #[test]
    fn near_valid_authorization_headers_never_panic(
        credential in fragments(),
        signed in fragments(),
        rest in fragments(),
        date in prop_oneof![Just("20150830T123600Z".to_owned()), fragments()],
        path in fragments(),
        query in fragments(),
        content_sha in prop::option::of(fragments()),
    ) {
        let authorization = format!(
            "AWS4-HMAC-SHA256 Credential=AKID/20150830/{credential}, SignedHeaders=host;{signed}, Signature={rest}"
        );
        let mut headers = vec![
            ("Host".to_owned(), "h".to_owned()),
            ("X-Amz-Date".to_owned(), date),
            ("Authorization".to_owned(), authorization),
            ("Content-Type".to_owned(), "application/x-www-form-urlencoded".to_owned()),
        ];
        if let Some(value) = content_sha {
            headers.push(("x-amz-content-sha256".to_owned(), value));
        }
        check("POST", &path, &query, &headers, b"a=1&b=%zz");
    }

    #[test]
    fn near_valid_presigned_queries_never_panic(query in fragments(), path in fragments()) {
        let query = format!("X-Amz-Algorithm=AWS4-HMAC-SHA256&{query}");
        check("GET", &path, &query, &[("Host".to_owned(), "h".to_owned())], b"");
    }
}
