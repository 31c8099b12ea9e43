//! Differential test against AWS's own signer (`aws-sigv4`): whatever it signs for STS or IAM
//! (random paths, queries, headers, bodies, header or presigned form, with or without a session
//! token) we accept, and any single change to the signed request we reject.
// Test support code (helpers outside #[test] fns) may fail loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests and benches fail loudly on bad fixtures"
)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use proptest::prelude::*;
use rolegate_sigv4::{HttpRequest, SigV4Error, VerifyOptions, parse, verify};
use time::OffsetDateTime;

const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const HOST: &str = "sts.amazonaws.com";

/// A request as a client would send it, before and after signing.
#[derive(Clone, Debug)]
struct Wire {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Wire {
    fn check(&self, secret: &str, now: OffsetDateTime) -> Result<(), SigV4Error> {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let request = HttpRequest {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &headers,
            body: &self.body,
        };
        let auth = parse(&request)?;
        verify(
            &request,
            &auth,
            secret,
            now,
            &VerifyOptions::new(&["sts", "iam"]),
        )
    }
}

/// Percent-encodes everything but unreserved characters (how SDKs write query strings).
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One path segment as it may appear on the wire: plain text, sub-delimiters, escapes, dots.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_~-]{1,8}",
        "[A-Za-z0-9!$&'()*+,;=:@-]{1,6}",
        any::<String>().prop_map(|s| encode(&s.chars().take(4).collect::<String>())),
        Just(".".to_owned()),
        Just("..".to_owned()),
        Just(String::new()),
    ]
}

fn path() -> impl Strategy<Value = String> {
    (prop::collection::vec(segment(), 0..5), any::<bool>()).prop_map(|(segments, trailing)| {
        let mut path = format!("/{}", segments.join("/"));
        if trailing && !path.ends_with('/') {
            path.push('/');
        }
        path
    })
}

/// Query pairs, encoded the various ways clients do (`%20` or `+` for spaces, bare keys).
fn query() -> impl Strategy<Value = String> {
    let pair =
        ("[A-Za-z][A-Za-z0-9._-]{0,8}", any::<String>(), 0u8..3).prop_map(|(key, value, style)| {
            let value: String = value.chars().take(6).collect();
            match style {
                0 => format!("{key}={}", encode(&value)),
                1 => format!("{key}={}", encode(&value).replace("%20", "+")),
                _ => key,
            }
        });
    prop::collection::vec(pair, 0..5).prop_map(|pairs| pairs.join("&"))
}

/// Extra headers (names may repeat); values of visible ASCII with runs of spaces.
fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        "[A-Za-z][A-Za-z0-9-]{0,10}".prop_filter("reserved", |n| {
            let n = n.to_ascii_lowercase();
            !matches!(
                n.as_str(),
                "host"
                    | "authorization"
                    | "user-agent"
                    | "transfer-encoding"
                    | "x-amzn-trace-id"
                    | "x-amz-date"
                    | "x-amz-security-token"
                    | "x-amz-content-sha256"
                    | "date"
            )
        }),
        Just("Content-Type".to_owned()),
        Just("X-Custom".to_owned()),
    ];
    let value = "[!-~]([ !-~]{0,12}[!-~])?|[!-~]+(  +[!-~]+){1,2}";
    prop::collection::vec((name, value), 0..5)
}

#[derive(Clone, Debug)]
struct Case {
    method: &'static str,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    presigned: bool,
    token: Option<String>,
    service: &'static str,
    region: &'static str,
    signed_at: u64,
    /// Seconds between signing and checking (within the window).
    delay: i64,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![Just("GET"), Just("POST")],
        path(),
        query(),
        headers(),
        prop::collection::vec(any::<u8>(), 0..48),
        any::<bool>(),
        prop::option::of("[A-Za-z0-9+/=]{8,40}"),
        prop_oneof![Just("sts"), Just("iam")],
        prop_oneof![Just("us-east-1"), Just("eu-west-1"), Just("ap-southeast-2")],
        1_400_000_000u64..1_900_000_000,
        -899i64..899,
    )
        .prop_map(
            |(
                method,
                path,
                query,
                headers,
                body,
                presigned,
                token,
                service,
                region,
                signed_at,
                delay,
            )| {
                Case {
                    method,
                    path,
                    query,
                    headers,
                    body,
                    presigned,
                    token,
                    service,
                    region,
                    signed_at,
                    // A presigned URL signed with X-Amz-Expires=900 is not valid before signing
                    // minus the skew, nor after 900 s.
                    delay: if presigned { delay.abs() } else { delay },
                }
            },
        )
}

/// Signs `case` with aws-sigv4 and returns the request as it goes on the wire.
fn sign_with_aws(case: &Case) -> Wire {
    let mut headers = vec![("Host".to_owned(), HOST.to_owned())];
    headers.extend(case.headers.iter().cloned());
    let uri = if case.query.is_empty() {
        format!("https://{HOST}{}", case.path)
    } else {
        format!("https://{HOST}{}?{}", case.path, case.query)
    };

    let identity = Credentials::new(ACCESS_KEY_ID, SECRET, case.token.clone(), None, "test").into();
    let mut settings = SigningSettings::default();
    if case.presigned {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(Duration::from_secs(900));
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(case.region)
        .name(case.service)
        .time(UNIX_EPOCH + Duration::from_secs(case.signed_at))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new(
        case.method,
        uri,
        headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        SignableBody::Bytes(&case.body),
    )
    .unwrap();
    let (instructions, _signature) = sign(signable, &params).unwrap().into_parts();

    let mut query = case.query.clone();
    for (name, value) in instructions.params() {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&format!("{name}={}", encode(value)));
    }
    for (name, value) in instructions.headers() {
        headers.push((name.to_owned(), value.to_owned()));
    }
    Wire {
        method: case.method.to_owned(),
        path: case.path.clone(),
        query,
        headers,
        body: case.body.clone(),
    }
}

fn now_for(case: &Case) -> OffsetDateTime {
    let seconds = i64::try_from(case.signed_at).unwrap() + case.delay;
    OffsetDateTime::from_unix_timestamp(seconds).unwrap()
}

/// Every single change that must invalidate the signature.
fn mutants(wire: &Wire, presigned: bool) -> Vec<(&'static str, Wire)> {
    let mut out = Vec::new();
    let mut m = wire.clone();
    m.method = if wire.method == "GET" { "PUT" } else { "GET" }.to_owned();
    out.push(("method", m));
    let mut m = wire.clone();
    m.path.push('x');
    out.push(("path", m));
    let mut m = wire.clone();
    m.query = if wire.query.is_empty() {
        "zz=1".to_owned()
    } else {
        format!("{}&zz=1", wire.query)
    };
    out.push(("query", m));
    let mut m = wire.clone();
    m.body.push(b'!');
    out.push(("body", m));
    for (i, (name, _)) in wire.headers.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        if lower == "authorization" || lower == "x-amz-date" {
            continue;
        }
        let mut m = wire.clone();
        m.headers[i].1.push('x');
        out.push(("header value", m));
    }
    // The signature itself: change its last hex digit.
    let mut m = wire.clone();
    let flip = |s: &mut String| {
        let last = s.pop().unwrap();
        s.push(if last == '0' { '1' } else { '0' });
    };
    if presigned {
        flip(&mut m.query);
    } else {
        let authorization = m
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .unwrap();
        flip(&mut authorization.1);
    }
    out.push(("signature", m));
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn whatever_aws_signs_we_accept(case in case()) {
        let wire = sign_with_aws(&case);
        let result = wire.check(SECRET, now_for(&case));
        prop_assert!(result.is_ok(), "{:?}\n{:?}\n{:?}", result, case, wire);
    }

    #[test]
    fn any_single_change_is_rejected(case in case()) {
        let wire = sign_with_aws(&case);
        let now = now_for(&case);
        prop_assert!(wire.check(SECRET, now).is_ok());
        prop_assert!(wire.check("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEz", now).is_err());
        for (what, mutant) in mutants(&wire, case.presigned) {
            let result = mutant.check(SECRET, now);
            prop_assert!(
                matches!(result, Err(SigV4Error::SignatureDoesNotMatch { .. })),
                "mutated {} gave {:?}\n{:?}\n{:?}", what, result, case, mutant
            );
        }
    }

    #[test]
    fn outside_the_window_is_rejected(case in case(), late in 1i64..100_000) {
        let wire = sign_with_aws(&case);
        let window = 900;
        let signed_at = i64::try_from(case.signed_at).unwrap();
        let too_late = OffsetDateTime::from_unix_timestamp(signed_at + window + late).unwrap();
        let error = wire.check(SECRET, too_late).unwrap_err();
        prop_assert!(matches!(error, SigV4Error::RequestExpired { .. }), "{:?}", error);
        let too_early = OffsetDateTime::from_unix_timestamp(signed_at - window - late).unwrap();
        let error = wire.check(SECRET, too_early).unwrap_err();
        prop_assert!(matches!(error, SigV4Error::SignatureNotYetCurrent { .. }), "{:?}", error);
    }
}

#[test]
fn signing_time_is_a_system_time() {
    // Guards the conversion used above: aws-sigv4 takes SystemTime, we take OffsetDateTime.
    let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    assert_eq!(
        OffsetDateTime::from(t),
        OffsetDateTime::from_unix_timestamp(1_440_938_160).unwrap()
    );
    assert!(SystemTime::now() > t);
}
