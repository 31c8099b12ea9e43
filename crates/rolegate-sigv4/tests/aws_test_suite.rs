//! AWS's Signature Version 4 test suite, read at run time from the shared corpora (never copied
//! into the repository): for every case our canonical request and string to sign must equal
//! AWS's, `verify` must accept the signed request, and one-byte mutations must be rejected.
// Test support code (helpers outside #[test] fns) may fail loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests and benches fail loudly on bad fixtures"
)]

use std::fs;
use std::path::{Path, PathBuf};

use rolegate_sigv4::{
    Authentication, HttpRequest, SigV4Error, VerifyOptions, canonical_request,
    canonical_request_with_form_body_as_query, expected_signature, parse, string_to_sign, verify,
};
use time::OffsetDateTime;
use time::macros::datetime;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const NOW: OffsetDateTime = datetime!(2015-08-30 12:36:00 UTC);

/// The case whose `.creq` moves the form body into the query (the legacy form).
const FORM_BODY_AS_QUERY: &str = "post-x-www-form-urlencoded-parameters";
/// The case with a known erratum: its `.creq` lists `content-type` among the canonical headers
/// but `host;x-amz-date` as signed headers (its `.sts` hashes `content-type;host;x-amz-date`),
/// and its `.sreq` lost the `Content-Type` header that `.authz` signs.
const SIGNED_HEADERS_ERRATUM: &str = "post-x-www-form-urlencoded";

fn suite_dir() -> Option<PathBuf> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/sigv4-test-suite");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "note: AWS SigV4 test suite not found at {}; skipping",
            dir.display()
        );
        None
    }
}

/// One test case: its name and the contents of its files.
struct Case {
    name: String,
    req: String,
    creq: String,
    sts: String,
    authz: String,
    sreq: String,
}

fn cases(dir: &Path) -> Vec<Case> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            }
        }
        let name = current.file_name().unwrap().to_string_lossy().into_owned();
        let read = |ext: &str| fs::read_to_string(current.join(format!("{name}.{ext}"))).ok();
        if let (Some(req), Some(creq), Some(sts), Some(authz), Some(sreq)) = (
            read("req"),
            read("creq"),
            read("sts"),
            read("authz"),
            read("sreq"),
        ) {
            found.push(Case {
                name,
                req,
                creq,
                sts,
                authz,
                sreq,
            });
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// A raw HTTP/1.1 request from the suite: request line, header lines (a line starting with
/// whitespace continues the previous header with another value), blank line, body.
#[derive(Clone, Debug)]
struct RawRequest {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawRequest {
    fn parse(text: &str) -> Self {
        let (head, body) = match text.split_once("\n\n") {
            Some((head, body)) => (head, body),
            None => (text, ""),
        };
        let mut lines = head.lines();
        let request_line = lines.next().unwrap();
        let (method, rest) = request_line.split_once(' ').unwrap();
        // The target may contain spaces (`get-space`), so strip the version from the end.
        let target = rest.strip_suffix(" HTTP/1.1").unwrap();
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            if line.starts_with(' ') || line.starts_with('\t') {
                let name = headers.last().unwrap().0.clone();
                headers.push((name, line.trim().to_owned()));
            } else {
                let (name, value) = line.split_once(':').unwrap();
                headers.push((name.to_owned(), value.trim().to_owned()));
            }
        }
        Self {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Parses and verifies this request the way a server would.
    fn authenticate(&self, options: &VerifyOptions<'_>) -> Result<Authentication, SigV4Error> {
        let headers = self.header_refs();
        let request = self.as_request(&headers);
        let auth = parse(&request)?;
        verify(&request, &auth, SECRET, NOW, options)?;
        Ok(auth)
    }

    fn header_refs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    fn as_request<'a>(&'a self, headers: &'a [(&'a str, &'a str)]) -> HttpRequest<'a> {
        HttpRequest {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers,
            body: &self.body,
        }
    }
}

fn options(case: &Case) -> VerifyOptions<'static> {
    VerifyOptions {
        accept_form_body_as_query: case.name == FORM_BODY_AS_QUERY,
        ..VerifyOptions::new(&["service"])
    }
}

/// The case's `.req` plus its `.authz` (the unsigned request with the signature added).
fn request_with_authz(case: &Case) -> RawRequest {
    RawRequest::parse(&case.req).with_header("Authorization", case.authz.trim())
}

#[test]
fn canonical_request_and_string_to_sign_match_aws() {
    let Some(dir) = suite_dir() else { return };
    let cases = cases(&dir);
    assert!(cases.len() >= 30, "only {} cases found", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let raw = request_with_authz(case);
        let headers = raw.header_refs();
        let request = raw.as_request(&headers);
        let auth = parse(&request).unwrap_or_else(|e| panic!("{}: {e:?}", case.name));

        let creq = if case.name == FORM_BODY_AS_QUERY {
            canonical_request_with_form_body_as_query(&request, &auth).unwrap()
        } else {
            canonical_request(&request, &auth)
        };
        let expected_creq = if case.name == SIGNED_HEADERS_ERRATUM {
            let fixed = case
                .creq
                .replace("\nhost;x-amz-date\n", "\ncontent-type;host;x-amz-date\n");
            assert_ne!(
                fixed, case.creq,
                "the erratum is gone; drop the special case"
            );
            fixed
        } else {
            case.creq.clone()
        };
        if creq != expected_creq {
            failures.push(format!(
                "{}: canonical request\n--- ours\n{creq}\n--- AWS\n{expected_creq}",
                case.name
            ));
        }
        let sts = string_to_sign(&auth, &creq);
        if sts != case.sts {
            failures.push(format!(
                "{}: string to sign\n--- ours\n{sts}\n--- AWS\n{}",
                case.name, case.sts
            ));
        }
        if case.name != FORM_BODY_AS_QUERY {
            let signature = expected_signature(&request, &auth, SECRET);
            if !case
                .authz
                .trim()
                .ends_with(&format!("Signature={signature}"))
            {
                failures.push(format!("{}: signature {signature}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    println!(
        "{} AWS test-suite cases: canonical request and string to sign match",
        cases.len()
    );
}

#[test]
fn verify_accepts_every_signed_request() {
    let Some(dir) = suite_dir() else { return };
    let cases = cases(&dir);
    let mut failures = Vec::new();
    for case in &cases {
        let sreq = RawRequest::parse(&case.sreq);
        let result = sreq.authenticate(&options(case));
        if case.name == SIGNED_HEADERS_ERRATUM {
            // As shipped, the signed request lacks a header it signed: rejecting it is right.
            if !matches!(result, Err(SigV4Error::SignatureDoesNotMatch { .. })) {
                failures.push(format!("{}: shipped .sreq accepted: {result:?}", case.name));
            }
            let repaired = request_with_authz(case).authenticate(&options(case));
            if let Err(error) = repaired {
                failures.push(format!("{}: .req + .authz rejected: {error:?}", case.name));
            }
        } else if let Err(error) = result {
            failures.push(format!("{}: {error:?}", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn legacy_form_case_needs_the_option() {
    let Some(dir) = suite_dir() else { return };
    let case = cases(&dir)
        .into_iter()
        .find(|c| c.name == FORM_BODY_AS_QUERY)
        .expect("case present");
    let sreq = RawRequest::parse(&case.sreq);
    let error = sreq
        .authenticate(&VerifyOptions::new(&["service"]))
        .unwrap_err();
    assert!(
        matches!(error, SigV4Error::SignatureDoesNotMatch { .. }),
        "{error:?}"
    );
}

/// Replaces the last ASCII letter or digit of `text` with another one of the same kind.
fn mutate_last_alphanumeric(text: &str) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    let at = bytes.iter().rposition(u8::is_ascii_alphanumeric)?;
    bytes[at] = match bytes[at] {
        b'9' => b'0',
        b'z' => b'a',
        b'Z' => b'A',
        other => other + 1,
    };
    Some(String::from_utf8(bytes).unwrap())
}

/// Changes the last byte of a path so that the canonical URI changes too (mutating a letter in a
/// segment that `..` removes would not): `/` and `.` become `a`, anything else the next byte.
fn mutate_last_byte(path: &str) -> String {
    let mut bytes = path.as_bytes().to_vec();
    let Some(last) = bytes.last_mut() else {
        return "a".into();
    };
    *last = match *last {
        b'/' | b'.' => b'a',
        b'9' => b'0',
        b'z' => b'a',
        other => other + 1,
    };
    String::from_utf8(bytes).unwrap_or_else(|_| format!("{path}a"))
}

#[test]
fn one_byte_mutations_are_rejected() {
    let Some(dir) = suite_dir() else { return };
    let cases = cases(&dir);
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &cases {
        let original = if case.name == SIGNED_HEADERS_ERRATUM {
            request_with_authz(case)
        } else {
            RawRequest::parse(&case.sreq)
        };
        let auth = original.authenticate(&options(case)).unwrap();

        let mut mutants: Vec<(String, RawRequest)> = Vec::new();
        let mut m = original.clone();
        m.method = mutate_last_alphanumeric(&m.method).unwrap();
        mutants.push(("method".into(), m));
        let mut m = original.clone();
        m.path = mutate_last_byte(&m.path);
        mutants.push(("path".into(), m));
        if let Some(query) = mutate_last_alphanumeric(&original.query) {
            let mut m = original.clone();
            m.query = query;
            mutants.push(("query".into(), m));
        }
        if let Some(body) = mutate_last_alphanumeric(&String::from_utf8_lossy(&original.body)) {
            let mut m = original.clone();
            m.body = body.into_bytes();
            mutants.push(("body".into(), m));
        }
        for (i, (name, value)) in original.headers.iter().enumerate() {
            let lower = name.to_ascii_lowercase();
            if lower == "authorization" {
                let mut m = original.clone();
                m.headers[i].1 = mutate_last_alphanumeric(value).unwrap();
                mutants.push(("signature".into(), m));
            } else if auth.signed_headers.contains(&lower)
                && let Some(mutated) = mutate_last_alphanumeric(value)
            {
                let mut m = original.clone();
                m.headers[i].1 = mutated;
                mutants.push((format!("header {name}"), m));
            }
        }

        for (what, mutant) in mutants {
            checked += 1;
            match mutant.authenticate(&options(case)) {
                Ok(_) => failures.push(format!("{}: mutated {what} accepted", case.name)),
                Err(SigV4Error::SignatureDoesNotMatch { .. }) => {}
                // Mutating the date can make it unparsable, expired or out of scope instead.
                Err(error) if what == "header X-Amz-Date" => {
                    assert_ne!(error.code(), "", "{error:?}");
                }
                Err(error) => failures.push(format!("{}: mutated {what}: {error:?}", case.name)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 100, "only {checked} mutants");
    println!("{checked} one-byte mutants rejected");
}
