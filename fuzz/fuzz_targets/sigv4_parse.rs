//! SigV4 parsing never panics: arbitrary bytes become a request (method, path, query, header
//! lines, body), which `parse` reads; whatever parses also goes through the canonical request
//! and `verify`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rolegate_sigv4::{
    HttpRequest, VerifyOptions, canonical_request, parse, string_to_sign, verify,
};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.split('\n');
    let method = lines.next().unwrap_or_default();
    let path = lines.next().unwrap_or_default();
    let query = lines.next().unwrap_or_default();
    let headers: Vec<(&str, &str)> = lines
        .map(|line| line.split_once(':').unwrap_or((line, "")))
        .collect();
    let request = HttpRequest {
        method,
        path,
        query,
        headers: &headers,
        body: body.as_bytes(),
    };
    if let Ok(auth) = parse(&request) {
        let creq = canonical_request(&request, &auth);
        let _ = string_to_sign(&auth, &creq);
        let options = VerifyOptions {
            accept_form_body_as_query: true,
            ..VerifyOptions::new(&["sts", "iam"])
        };
        let _ = verify(&request, &auth, "secret", auth.request_time, &options);
    }
});
