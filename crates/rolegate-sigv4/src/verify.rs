//! Checking a parsed request against the server's clock, the server's scope, and the secret key:
//! the time window, the credential scope, the payload hash, and finally the signature itself,
//! compared in constant time.

use subtle::ConstantTimeEq;
use time::{Duration, OffsetDateTime};

use crate::authentication::Authentication;
use crate::canonical::{
    UNSIGNED_PAYLOAD, canonical_request, canonical_request_with_form_body_as_query, hex_lower,
    sha256_hex, string_to_sign,
};
use crate::error::{ScopeProblem, SigV4Error};
use crate::request::HttpRequest;
use crate::signing_key::{SigningKey, SigningKeyCache};
use crate::timestamp::{Basic, ScopeDate, is_scope_date};

/// AWS's allowed clock skew between a request's time and the server's, both ways.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::minutes(15);

/// What the server accepts.
#[derive(Debug, Clone, Copy)]
pub struct VerifyOptions<'a> {
    /// Signing names accepted in the credential scope, e.g. `["sts", "iam"]`. The first one is
    /// named in AWS's "should be scoped to correct service" message. Empty accepts nothing.
    pub allowed_services: &'a [&'a str],
    /// Regions accepted in the credential scope; empty accepts any region.
    pub allowed_regions: &'a [&'a str],
    /// How far a request's time may be from the server's clock (AWS: 15 minutes).
    pub clock_skew: Duration,
    /// Where to keep derived signing keys; `None` derives on every call.
    pub signing_key_cache: Option<&'a SigningKeyCache>,
    /// Also accept the legacy form of AWS's test case `post-x-www-form-urlencoded-parameters`
    /// (form body parameters signed as query parameters, empty payload). Off by default: with
    /// it, a signature stays valid when parameters move between the query and the body, which is
    /// harmless only if the server reads both.
    pub accept_form_body_as_query: bool,
}

impl<'a> VerifyOptions<'a> {
    /// Options accepting `allowed_services` in any region, AWS's 15-minute skew, no cache.
    pub fn new(allowed_services: &'a [&'a str]) -> Self {
        Self {
            allowed_services,
            allowed_regions: &[],
            clock_skew: DEFAULT_CLOCK_SKEW,
            signing_key_cache: None,
            accept_form_body_as_query: false,
        }
    }
}

/// The checks AWS makes before it looks the access key up: the request time against `now`
/// (`X-Amz-Expires` for presigned requests) and the credential scope. [`verify`] runs them too;
/// a server calls this first to report errors in AWS's order.
///
/// # Errors
/// [`SigV4Error::RequestExpired`], [`SigV4Error::SignatureNotYetCurrent`],
/// [`SigV4Error::CredentialScope`].
pub fn prevalidate(
    auth: &Authentication,
    now: OffsetDateTime,
    options: &VerifyOptions<'_>,
) -> Result<(), SigV4Error> {
    check_time(auth, now, options.clock_skew)?;
    check_scope(auth, options)
}

fn check_time(
    auth: &Authentication,
    now: OffsetDateTime,
    skew: Duration,
) -> Result<(), SigV4Error> {
    let request_time = auth.request_time;
    let window = match auth.expires_seconds {
        Some(seconds) => Duration::seconds(i64::from(seconds)),
        None => skew,
    };
    // Saturate rather than overflow at the edges of time's range.
    let earliest = now.checked_sub(window).unwrap_or(now);
    if request_time < earliest {
        return Err(SigV4Error::RequestExpired {
            request_time,
            earliest,
            now,
            window,
        });
    }
    let latest = now.checked_add(skew).unwrap_or(now);
    if request_time > latest {
        return Err(SigV4Error::SignatureNotYetCurrent {
            request_time,
            latest,
            now,
            window: skew,
        });
    }
    Ok(())
}

fn check_scope(auth: &Authentication, options: &VerifyOptions<'_>) -> Result<(), SigV4Error> {
    let scope = &auth.scope;
    let mut problems = Vec::new();
    if !options.allowed_regions.is_empty()
        && !options.allowed_regions.contains(&scope.region.as_str())
    {
        problems.push(ScopeProblem::Region {
            found: scope.region.clone(),
        });
    }
    if !options.allowed_services.contains(&scope.service.as_str()) {
        problems.push(ScopeProblem::Service {
            expected: options
                .allowed_services
                .first()
                .copied()
                .unwrap_or_default()
                .to_owned(),
        });
    }
    if scope.terminator != "aws4_request" {
        problems.push(ScopeProblem::Terminator {
            found: scope.terminator.clone(),
        });
    }
    if !is_scope_date(&scope.date, auth.request_time) {
        problems.push(ScopeProblem::Date {
            found: scope.date.clone(),
            expected: ScopeDate(auth.request_time).to_string(),
            request_time: Basic(auth.request_time).to_string(),
        });
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(SigV4Error::CredentialScope(problems))
    }
}

/// Verifies `request`'s signature as `auth` (from [`parse`](crate::parse)) describes it, with the
/// secret key the caller looked up for `auth.access_key_id`.
///
/// # Errors
/// Those of [`prevalidate`], then [`SigV4Error::ContentSha256Mismatch`] and
/// [`SigV4Error::SignatureDoesNotMatch`].
pub fn verify(
    request: &HttpRequest<'_>,
    auth: &Authentication,
    secret_access_key: &str,
    now: OffsetDateTime,
    options: &VerifyOptions<'_>,
) -> Result<(), SigV4Error> {
    prevalidate(auth, now, options)?;
    check_payload_hash(request, auth)?;

    let key = match options.signing_key_cache {
        Some(cache) => cache.get_or_derive(&auth.access_key_id, secret_access_key, &auth.scope),
        None => SigningKey::derive(secret_access_key, &auth.scope),
    };
    let provided = decode_signature(&auth.signature);

    let canonical = canonical_request(request, auth);
    let to_sign = string_to_sign(auth, &canonical);
    if signature_matches(&key, &to_sign, provided.as_ref()) {
        return Ok(());
    }
    if options.accept_form_body_as_query
        && let Some(legacy) = canonical_request_with_form_body_as_query(request, auth)
        && signature_matches(&key, &string_to_sign(auth, &legacy), provided.as_ref())
    {
        return Ok(());
    }
    Err(SigV4Error::SignatureDoesNotMatch {
        canonical_request: canonical,
        string_to_sign: to_sign,
    })
}

/// The signature (lower-case hex) a correct client would have sent for `request` under `auth`,
/// for diagnostics and tests.
pub fn expected_signature(
    request: &HttpRequest<'_>,
    auth: &Authentication,
    secret_access_key: &str,
) -> String {
    let key = SigningKey::derive(secret_access_key, &auth.scope);
    let canonical = canonical_request(request, auth);
    hex_lower(key.sign(&string_to_sign(auth, &canonical)).as_ref())
}

fn signature_matches(key: &SigningKey, string_to_sign: &str, provided: Option<&[u8; 32]>) -> bool {
    let computed = key.sign(string_to_sign);
    match provided {
        Some(provided) => bool::from(computed.as_ref().ct_eq(&provided[..])),
        None => false,
    }
}

/// The 32 bytes of a signature in lower-case hex (the only form AWS signers produce).
fn decode_signature(signature: &str) -> Option<[u8; 32]> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    let bytes = signature.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (slot, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let [high, low] = pair else { return None };
        *slot = (nibble(*high)? << 4) | nibble(*low)?;
    }
    Some(out)
}

/// An `x-amz-content-sha256` the client signed must describe the body actually received;
/// `UNSIGNED-PAYLOAD` is S3's alone.
fn check_payload_hash(request: &HttpRequest<'_>, auth: &Authentication) -> Result<(), SigV4Error> {
    let Some(claimed) = request.header("x-amz-content-sha256").map(str::trim) else {
        return Ok(());
    };
    let acceptable = if claimed == UNSIGNED_PAYLOAD {
        auth.scope.service == "s3"
    } else {
        claimed.len() == 64
            && bool::from(
                claimed
                    .as_bytes()
                    .ct_eq(sha256_hex(request.body).as_bytes()),
            )
    };
    if acceptable {
        Ok(())
    } else {
        Err(SigV4Error::ContentSha256Mismatch {
            claimed: claimed.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authentication::parse;
    use time::macros::datetime;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const NOW: OffsetDateTime = datetime!(2015-08-30 12:36:00 UTC);

    /// Signs a GetCallerIdentity POST with our own canonicaliser (the corpus and property tests
    /// check it against AWS's), so each test can change one thing.
    fn signed(
        credential: &str,
        date: &str,
        extra: &[(&'static str, &'static str)],
        body: &'static [u8],
    ) -> (Vec<(String, String)>, Authentication) {
        let mut headers: Vec<(String, String)> = vec![
            ("Host".into(), "sts.amazonaws.com".into()),
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded; charset=utf-8".into(),
            ),
            ("X-Amz-Date".into(), date.into()),
        ];
        headers.extend(
            extra
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
        );
        let mut names: Vec<String> = headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        names.sort();
        names.dedup();
        let placeholder = format!(
            "AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders={}, Signature=00",
            names.join(";")
        );
        headers.push(("Authorization".into(), placeholder));
        let mut auth = {
            let borrowed: Vec<(&str, &str)> = headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            parse(&req(&borrowed, body)).unwrap()
        };
        let signature = {
            let borrowed: Vec<(&str, &str)> = headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            expected_signature(&req(&borrowed, body), &auth, SECRET)
        };
        if let Some(last) = headers.last_mut() {
            last.1 = last
                .1
                .replace("Signature=00", &format!("Signature={signature}"));
        }
        auth.signature = signature;
        (headers, auth)
    }

    fn req<'a>(headers: &'a [(&'a str, &'a str)], body: &'a [u8]) -> HttpRequest<'a> {
        HttpRequest {
            method: "POST",
            path: "/",
            query: "",
            headers,
            body,
        }
    }

    fn run(
        headers: &[(String, String)],
        body: &[u8],
        now: OffsetDateTime,
        options: &VerifyOptions<'_>,
    ) -> Result<(), SigV4Error> {
        let borrowed: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let request = req(&borrowed, body);
        let auth = parse(&request)?;
        verify(&request, &auth, SECRET, now, options)
    }

    const BODY: &[u8] = b"Action=GetCallerIdentity&Version=2011-06-15";
    const CREDENTIAL: &str = "AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request";

    fn sts() -> VerifyOptions<'static> {
        VerifyOptions::new(&["sts", "iam"])
    }

    #[test]
    fn accepts_a_correct_signature_and_rejects_a_wrong_secret() {
        let (headers, _) = signed(CREDENTIAL, "20150830T123600Z", &[], BODY);
        run(&headers, BODY, NOW, &sts()).unwrap();

        let borrowed: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let request = req(&borrowed, BODY);
        let auth = parse(&request).unwrap();
        let error = verify(&request, &auth, "wrong", NOW, &sts()).unwrap_err();
        assert_eq!(error.code(), "SignatureDoesNotMatch");
        assert_eq!(error.http_status(), 403);
        assert_eq!(
            error.message(),
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
        );
        let SigV4Error::SignatureDoesNotMatch {
            canonical_request,
            string_to_sign,
        } = error
        else {
            panic!("{error:?}")
        };
        assert!(canonical_request.starts_with("POST\n/\n\ncontent-type:"));
        assert!(string_to_sign.starts_with(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/sts/aws4_request\n"
        ));
    }

    #[test]
    fn tampered_body_is_rejected() {
        let (headers, _) = signed(CREDENTIAL, "20150830T123600Z", &[], BODY);
        let error = run(
            &headers,
            b"Action=GetCallerIdentity&Version=2011-06-16",
            NOW,
            &sts(),
        )
        .unwrap_err();
        assert!(matches!(error, SigV4Error::SignatureDoesNotMatch { .. }));
    }

    #[test]
    fn expired_and_not_yet_current() {
        let (headers, _) = signed(CREDENTIAL, "20150830T123600Z", &[], BODY);
        // Exactly at the edges is fine.
        run(&headers, BODY, datetime!(2015-08-30 12:51:00 UTC), &sts()).unwrap();
        run(&headers, BODY, datetime!(2015-08-30 12:21:00 UTC), &sts()).unwrap();

        let error = run(&headers, BODY, datetime!(2015-08-30 12:56:00 UTC), &sts()).unwrap_err();
        assert_eq!(
            (error.code(), error.http_status(), error.message().as_str()),
            (
                "SignatureDoesNotMatch",
                403,
                "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T125600Z - 15 min.)"
            )
        );
        let error = run(&headers, BODY, datetime!(2015-08-30 12:20:59 UTC), &sts()).unwrap_err();
        assert_eq!(
            error.message(),
            "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 min.)"
        );
    }

    #[test]
    fn scope_problems_are_all_reported() {
        let options = VerifyOptions {
            allowed_regions: &["us-east-1"],
            ..sts()
        };
        let (headers, _) = signed(
            "AKIDEXAMPLE/20150829/eu-west-1/ec2/aws4_request",
            "20150830T123600Z",
            &[],
            BODY,
        );
        let error = run(&headers, BODY, NOW, &options).unwrap_err();
        assert_eq!(
            (error.code(), error.http_status(), error.message().as_str()),
            (
                "SignatureDoesNotMatch",
                403,
                "Credential should be scoped to a valid region, not 'eu-west-1'. Credential should be scoped to correct service: 'sts'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150829' != '20150830', from '20150830T123600Z'. "
            )
        );

        let (headers, _) = signed(
            "AKIDEXAMPLE/20150830/us-east-1/sts/aws5_request",
            "20150830T123600Z",
            &[],
            BODY,
        );
        assert_eq!(
            run(&headers, BODY, NOW, &options).unwrap_err().message(),
            "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "
        );

        // Any region when none is configured; iam is accepted too.
        let (headers, _) = signed(
            "AKIDEXAMPLE/20150830/eu-west-1/iam/aws4_request",
            "20150830T123600Z",
            &[],
            BODY,
        );
        run(&headers, BODY, NOW, &sts()).unwrap();
        assert!(run(&headers, BODY, NOW, &VerifyOptions::new(&[])).is_err());
    }

    #[test]
    fn content_sha256_must_describe_the_body() {
        let wrong_hash = "ab8ad5a6a7f0bdb8cb4ee4bfbb7a8e4dba1a1c4d8ae4bc46eaa3f60de8d25b29";
        assert_ne!(sha256_hex(BODY), wrong_hash);
        let (headers, _) = signed(
            CREDENTIAL,
            "20150830T123600Z",
            &[("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")],
            BODY,
        );
        let error = run(&headers, BODY, NOW, &sts()).unwrap_err();
        assert_eq!(
            error,
            SigV4Error::ContentSha256Mismatch {
                claimed: "UNSIGNED-PAYLOAD".into()
            }
        );
        assert_eq!(error.code(), "SignatureDoesNotMatch");

        let (headers, _) = signed(
            CREDENTIAL,
            "20150830T123600Z",
            &[("X-Amz-Content-Sha256", wrong_hash)],
            BODY,
        );
        let error = run(&headers, BODY, NOW, &sts()).unwrap_err();
        assert!(
            matches!(error, SigV4Error::ContentSha256Mismatch { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn content_sha256_equal_to_the_body_hash_is_accepted() {
        // The header must be a 'static str for `signed`; leak one small string in a test.
        let hash: &'static str = Box::leak(sha256_hex(BODY).into_boxed_str());
        let (headers, _) = signed(
            CREDENTIAL,
            "20150830T123600Z",
            &[("X-Amz-Content-Sha256", hash)],
            BODY,
        );
        run(&headers, BODY, NOW, &sts()).unwrap();
    }

    #[test]
    fn cache_gives_the_same_answers() {
        let cache = SigningKeyCache::new(4);
        let options = VerifyOptions {
            signing_key_cache: Some(&cache),
            ..sts()
        };
        let (headers, _) = signed(CREDENTIAL, "20150830T123600Z", &[], BODY);
        run(&headers, BODY, NOW, &options).unwrap();
        run(&headers, BODY, NOW, &options).unwrap();
        assert_eq!(cache.len(), 1);
        let borrowed: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let request = req(&borrowed, BODY);
        let auth = parse(&request).unwrap();
        assert!(verify(&request, &auth, "other", NOW, &options).is_err());
        run(&headers, BODY, NOW, &options).unwrap();
    }

    #[test]
    fn malformed_signatures_never_match() {
        for bad in ["", "00", &"G".repeat(64), &"A".repeat(64), &"0".repeat(66)] {
            assert_eq!(decode_signature(bad), None, "{bad}");
        }
        assert_eq!(decode_signature(&"0f".repeat(32)), Some([0x0f; 32]));
        // Upper-case hex of the right signature is still a mismatch (AWS compares text).
        let (mut headers, auth) = signed(CREDENTIAL, "20150830T123600Z", &[], BODY);
        if let Some(last) = headers.last_mut() {
            last.1 = last
                .1
                .replace(&auth.signature, &auth.signature.to_ascii_uppercase());
        }
        if auth.signature != auth.signature.to_ascii_uppercase() {
            assert!(run(&headers, BODY, NOW, &sts()).is_err());
        }
    }

    #[test]
    fn presigned_expiry_follows_x_amz_expires() {
        let mut auth = signed(CREDENTIAL, "20150830T123600Z", &[], BODY).1;
        auth.presigned = true;
        auth.expires_seconds = Some(60);
        prevalidate(&auth, datetime!(2015-08-30 12:37:00 UTC), &sts()).unwrap();
        let error = prevalidate(&auth, datetime!(2015-08-30 12:37:01 UTC), &sts()).unwrap_err();
        assert_eq!(
            error.message(),
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T123701Z - 1 min.)"
        );
        auth.expires_seconds = Some(3600);
        prevalidate(&auth, datetime!(2015-08-30 13:36:00 UTC), &sts()).unwrap();
        auth.expires_seconds = Some(90);
        assert!(
            prevalidate(&auth, datetime!(2015-08-30 12:38:00 UTC), &sts())
                .unwrap_err()
                .message()
                .ends_with("- 90 sec.)")
        );
        // The future bound stays the clock skew.
        assert_eq!(
            prevalidate(&auth, datetime!(2015-08-30 12:20:00 UTC), &sts())
                .unwrap_err()
                .code(),
            "SignatureDoesNotMatch"
        );
    }
}
