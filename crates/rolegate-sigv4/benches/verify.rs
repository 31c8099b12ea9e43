//! How long `verify` takes on a typical STS request (AssumeRole form POST, header signature)
//! with a warm signing-key cache, and what `parse` and a cold key cost on top.
// A benchmark whose setup fails should stop loudly, like a test.
#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests and benches fail loudly on bad fixtures"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use rolegate_sigv4::{
    Authentication, HttpRequest, SigningKeyCache, VerifyOptions, expected_signature, parse, verify,
};
use std::hint::black_box;
use time::OffsetDateTime;
use time::macros::datetime;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const NOW: OffsetDateTime = datetime!(2026-01-01 00:01:00 UTC);
const BODY: &[u8] = b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=s1&DurationSeconds=3600";

/// A signed AssumeRole request: headers with the real signature in `Authorization`.
fn signed_headers() -> Vec<(&'static str, String)> {
    let mut headers: Vec<(&'static str, String)> = vec![
        ("Host", "sts.us-east-1.amazonaws.com".into()),
        ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8".into()),
        ("X-Amz-Date", "20260101T000000Z".into()),
        ("User-Agent", "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64".into()),
        ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=00".into()),
    ];
    let signature = {
        let refs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let request = request(&refs);
        let auth = parse(&request).expect("parses");
        expected_signature(&request, &auth, SECRET)
    };
    if let Some(last) = headers.last_mut() {
        last.1 = last
            .1
            .replace("Signature=00", &format!("Signature={signature}"));
    }
    headers
}

fn request<'a>(headers: &'a [(&'a str, &'a str)]) -> HttpRequest<'a> {
    HttpRequest {
        method: "POST",
        path: "/",
        query: "",
        headers,
        body: BODY,
    }
}

fn bench(c: &mut Criterion) {
    let owned = signed_headers();
    let headers: Vec<(&str, &str)> = owned.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let request = request(&headers);
    let auth: Authentication = parse(&request).expect("parses");
    let cache = SigningKeyCache::new(1024);
    let warm = VerifyOptions {
        signing_key_cache: Some(&cache),
        ..VerifyOptions::new(&["sts", "iam"])
    };
    let cold = VerifyOptions::new(&["sts", "iam"]);
    verify(&request, &auth, SECRET, NOW, &warm).expect("valid signature");

    c.bench_function("verify (warm key cache)", |b| {
        b.iter(|| verify(black_box(&request), black_box(&auth), SECRET, NOW, &warm))
    });
    c.bench_function("verify (no cache: key derived)", |b| {
        b.iter(|| verify(black_box(&request), black_box(&auth), SECRET, NOW, &cold))
    });
    c.bench_function("parse", |b| b.iter(|| parse(black_box(&request))));
    c.bench_function("parse + verify (warm key cache)", |b| {
        b.iter(|| {
            let auth = parse(black_box(&request))?;
            verify(&request, &auth, SECRET, NOW, &warm)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
