//! Reading a request's SigV4 claims: who signed it, for which scope, when, over which headers.
//! `parse` needs no secret, so the caller can look the access key up before `verify`. It follows
//! AWS's error order (query escapes, then header vs query, then parameters, host, date).

use std::borrow::Cow;

use time::OffsetDateTime;

use crate::error::{
    IncompleteSignature, InvalidExpires, MalformedQueryString, SigV4Error, SignatureComponent,
};
use crate::request::HttpRequest;
use crate::timestamp::parse_iso8601;
use crate::uri_encoding::{EscapeError, check_escapes, decode_lenient, query_pairs};

/// The only algorithm SigV4 (not SigV4a) signs with.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The longest `X-Amz-Expires` AWS accepts: seven days.
pub const MAX_EXPIRES_SECONDS: u32 = 604_800;

/// The `date/region/service/aws4_request` part of a credential.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CredentialScope {
    /// `YYYYMMDD` as the client wrote it (checked against the request date by `verify`).
    pub date: String,
    /// The region, e.g. `us-east-1`.
    pub region: String,
    /// The signing name of the service, e.g. `sts`.
    pub service: String,
    /// The terminator, `aws4_request` in every valid request.
    pub terminator: String,
}

impl CredentialScope {
    /// Appends `date/region/service/terminator` (the Display form) without going through `fmt`.
    pub(crate) fn push_to(&self, out: &mut String) {
        out.push_str(&self.date);
        out.push('/');
        out.push_str(&self.region);
        out.push('/');
        out.push_str(&self.service);
        out.push('/');
        out.push_str(&self.terminator);
    }
}

impl std::fmt::Display for CredentialScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{}/{}/{}",
            self.date, self.region, self.service, self.terminator
        )
    }
}

/// What a request claims about its signature, read by [`parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authentication {
    /// The access key id (`AKIA…`, `ASIA…`); the caller looks its secret up.
    pub access_key_id: String,
    /// `X-Amz-Security-Token` (header, or query when presigned), when temporary credentials signed.
    pub security_token: Option<String>,
    /// The credential scope.
    pub scope: CredentialScope,
    /// The request time (from `X-Amz-Date`, else `Date`; presigned: the `X-Amz-Date` parameter).
    pub request_time: OffsetDateTime,
    /// The signed header names, lower-case, sorted, without duplicates.
    pub signed_headers: Vec<String>,
    /// The signature as sent (64 lower-case hex digits when well formed).
    pub signature: String,
    /// True when the signature came in the query string (a presigned URL).
    pub presigned: bool,
    /// Presigned only: `X-Amz-Expires`, seconds after `request_time` the URL stays valid.
    pub expires_seconds: Option<u32>,
}

/// Reads the SigV4 claims of `request`, from its `Authorization` header or its presigned query.
///
/// # Errors
/// In AWS's order: [`SigV4Error::MalformedQueryString`], [`SigV4Error::MissingAuthenticationToken`],
/// [`SigV4Error::AmbiguousSignature`], [`SigV4Error::IncompleteSignature`],
/// [`SigV4Error::HostNotSigned`], [`SigV4Error::InvalidExpires`].
pub fn parse(request: &HttpRequest<'_>) -> Result<Authentication, SigV4Error> {
    let query = QueryParameters::parse(request.query)?;
    let authorization = request.header("authorization");
    let algorithm = query.first("X-Amz-Algorithm");
    match (authorization, algorithm) {
        (None, None) => Err(SigV4Error::MissingAuthenticationToken),
        (Some(_), Some(_)) => Err(SigV4Error::AmbiguousSignature),
        (Some(header), None) => from_header(request, header),
        (None, Some(algorithm)) => from_query(&query, &algorithm),
    }
}

/// The raw claims before the date and credential are interpreted, borrowed from the request.
struct Claims<'a> {
    credential: Cow<'a, str>,
    signed_headers: Cow<'a, str>,
    signature: Cow<'a, str>,
    date: Cow<'a, str>,
    security_token: Option<Cow<'a, str>>,
    presigned: bool,
    expires_seconds: Option<u32>,
}

fn from_header(request: &HttpRequest<'_>, header: &str) -> Result<Authentication, SigV4Error> {
    let header = header.trim();
    let (algorithm, parameters) = header.split_once(' ').unwrap_or((header, ""));
    if algorithm != ALGORITHM {
        return Err(incomplete(IncompleteSignature::UnsupportedAlgorithm {
            algorithm: algorithm.to_owned(),
        }));
    }

    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for pair in parameters
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(incomplete(IncompleteSignature::NotKeyValuePair {
                pair: pair.to_owned(),
                authorization: header.to_owned(),
            }));
        };
        // A repeated parameter: the last one wins, as at AWS.
        match key {
            "Credential" => credential = Some(value),
            "SignedHeaders" => signed_headers = Some(value),
            "Signature" => signature = Some(value),
            _ => {}
        }
    }
    let date = request
        .header("x-amz-date")
        .or_else(|| request.header("date"));

    let mut missing = Vec::new();
    if credential.is_none() {
        missing.push(SignatureComponent::Credential);
    }
    if signature.is_none() {
        missing.push(SignatureComponent::Signature);
    }
    if signed_headers.is_none() {
        missing.push(SignatureComponent::SignedHeaders);
    }
    if date.is_none() {
        missing.push(SignatureComponent::Date);
    }
    let (Some(credential), Some(signed_headers), Some(signature), Some(date)) =
        (credential, signed_headers, signature, date)
    else {
        return Err(incomplete(IncompleteSignature::MissingHeaderComponents {
            missing,
            authorization: header.to_owned(),
        }));
    };

    interpret(Claims {
        credential: Cow::Borrowed(credential),
        signed_headers: Cow::Borrowed(signed_headers),
        signature: Cow::Borrowed(signature),
        date: Cow::Borrowed(date.trim()),
        security_token: request
            .header("x-amz-security-token")
            .map(|t| Cow::Borrowed(t.trim())),
        presigned: false,
        expires_seconds: None,
    })
}

fn from_query(query: &QueryParameters<'_>, algorithm: &str) -> Result<Authentication, SigV4Error> {
    if algorithm != ALGORITHM {
        return Err(SigV4Error::MissingAuthenticationToken);
    }
    let credential = query.first("X-Amz-Credential");
    let signature = query.first("X-Amz-Signature");
    let signed_headers = query.first("X-Amz-SignedHeaders");
    let date = query.first("X-Amz-Date");

    let mut missing = Vec::new();
    if credential.is_none() {
        missing.push(SignatureComponent::Credential);
    }
    if signature.is_none() {
        missing.push(SignatureComponent::Signature);
    }
    if signed_headers.is_none() {
        missing.push(SignatureComponent::SignedHeaders);
    }
    if date.is_none() {
        missing.push(SignatureComponent::Date);
    }
    let (Some(credential), Some(signed_headers), Some(signature), Some(date)) =
        (credential, signed_headers, signature, date)
    else {
        return Err(incomplete(IncompleteSignature::MissingQueryParameters {
            missing,
        }));
    };

    let expires_seconds = query
        .first("X-Amz-Expires")
        .map(|value| parse_expires(&value))
        .transpose()?;

    interpret(Claims {
        credential,
        signed_headers,
        signature,
        date,
        security_token: query.first("X-Amz-Security-Token"),
        presigned: true,
        expires_seconds,
    })
}

/// Host check, date and credential: the checks shared by both forms.
fn interpret(claims: Claims<'_>) -> Result<Authentication, SigV4Error> {
    let mut signed_headers: Vec<String> = claims
        .signed_headers
        .split(';')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    // Clients send them sorted and distinct already; sort only when they are not.
    if !signed_headers.is_sorted_by(|a, b| a < b) {
        signed_headers.sort();
        signed_headers.dedup();
    }
    if !signed_headers
        .iter()
        .any(|h| h == "host" || h == ":authority")
    {
        return Err(SigV4Error::HostNotSigned);
    }

    let request_time = parse_iso8601(&claims.date).ok_or_else(|| {
        incomplete(IncompleteSignature::MalformedDate {
            value: claims.date.clone().into_owned(),
        })
    })?;

    let mut parts = claims.credential.split('/');
    let (Some(access_key_id), Some(date), Some(region), Some(service), Some(terminator), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(incomplete(IncompleteSignature::MalformedCredential {
            credential: claims.credential.clone().into_owned(),
        }));
    };

    Ok(Authentication {
        access_key_id: access_key_id.to_owned(),
        security_token: claims.security_token.map(Cow::into_owned),
        scope: CredentialScope {
            date: date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
            terminator: terminator.to_owned(),
        },
        request_time,
        signed_headers,
        signature: claims.signature.into_owned(),
        presigned: claims.presigned,
        expires_seconds: claims.expires_seconds,
    })
}

fn parse_expires(value: &str) -> Result<u32, SigV4Error> {
    let seconds: i64 = value.parse().map_err(|_| {
        SigV4Error::InvalidExpires(InvalidExpires::NotANumber {
            value: value.to_owned(),
        })
    })?;
    if seconds < 0 {
        return Err(SigV4Error::InvalidExpires(InvalidExpires::Negative {
            value: value.to_owned(),
        }));
    }
    u32::try_from(seconds)
        .ok()
        .filter(|s| *s <= MAX_EXPIRES_SECONDS)
        .ok_or_else(|| {
            SigV4Error::InvalidExpires(InvalidExpires::MoreThanAWeek {
                value: value.to_owned(),
            })
        })
}

fn incomplete(kind: IncompleteSignature) -> SigV4Error {
    SigV4Error::IncompleteSignature(kind)
}

/// SigV4's own query parameters (`X-Amz-*`), names decoded, after every parameter's escapes
/// were checked; a value is decoded only when asked for.
struct QueryParameters<'a> {
    pairs: Vec<(Cow<'a, [u8]>, &'a str)>,
}

impl<'a> QueryParameters<'a> {
    fn parse(raw: &'a str) -> Result<Self, SigV4Error> {
        let mut pairs = Vec::new();
        for (key, value) in query_pairs(raw) {
            check_query_escapes(key)?;
            check_query_escapes(value)?;
            let key = decode_lenient(key, true);
            if key.starts_with(b"X-Amz-") {
                pairs.push((key, value));
            }
        }
        Ok(Self { pairs })
    }

    /// The first value of `name`, decoded (AWS uses the first of repeated query parameters).
    fn first(&self, name: &str) -> Option<Cow<'a, str>> {
        self.pairs
            .iter()
            .find(|(key, _)| key.as_ref() == name.as_bytes())
            .map(|(_, value)| match decode_lenient(value, true) {
                // `value` is text, so undecoded it is the same text.
                Cow::Borrowed(_) => Cow::Borrowed(*value),
                Cow::Owned(bytes) => Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()),
            })
    }
}

fn check_query_escapes(text: &str) -> Result<(), SigV4Error> {
    check_escapes(text).map_err(|error| {
        SigV4Error::MalformedQueryString(match error {
            EscapeError::IncompleteTrailing => MalformedQueryString::IncompleteTrailingEscape,
            EscapeError::IllegalHex(pattern) => {
                MalformedQueryString::IllegalHexCharacter { pattern }
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const AUTHZ: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    fn request<'a>(query: &'a str, headers: &'a [(&'a str, &'a str)]) -> HttpRequest<'a> {
        HttpRequest {
            method: "GET",
            path: "/",
            query,
            headers,
            body: b"",
        }
    }

    fn message(query: &str, headers: &[(&str, &str)]) -> (String, &'static str, u16) {
        let error = parse(&request(query, headers)).unwrap_err();
        (error.message(), error.code(), error.http_status())
    }

    #[test]
    fn parses_an_authorization_header() {
        let headers = [
            ("Host", "sts.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
            ("X-Amz-Security-Token", " token "),
            ("Authorization", AUTHZ),
        ];
        let auth = parse(&request("", &headers)).unwrap();
        assert_eq!(auth.access_key_id, "AKIDEXAMPLE");
        assert_eq!(
            auth.scope.to_string(),
            "20150830/us-east-1/sts/aws4_request"
        );
        assert_eq!(auth.scope.service, "sts");
        assert_eq!(auth.request_time, datetime!(2015-08-30 12:36:00 UTC));
        assert_eq!(auth.signed_headers, ["host", "x-amz-date"]);
        assert_eq!(auth.security_token.as_deref(), Some("token"));
        assert!(!auth.presigned);
        assert_eq!(auth.expires_seconds, None);
    }

    #[test]
    fn falls_back_to_the_date_header() {
        let headers = [
            ("Host", "h"),
            ("Date", "2015-08-30T12:36:00Z"),
            ("Authorization", AUTHZ),
        ];
        let auth = parse(&request("", &headers)).unwrap();
        assert_eq!(auth.request_time, datetime!(2015-08-30 12:36:00 UTC));
    }

    #[test]
    fn parses_a_presigned_query() {
        let query = "Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Security-Token=a%2Bb&X-Amz-Signature=00";
        let auth = parse(&request(query, &[("host", "h")])).unwrap();
        assert!(auth.presigned);
        assert_eq!(auth.expires_seconds, Some(60));
        assert_eq!(auth.access_key_id, "AKIDEXAMPLE");
        assert_eq!(auth.security_token.as_deref(), Some("a+b"));
        assert_eq!(auth.signed_headers, ["host"]);
        assert_eq!(auth.signature, "00");
    }

    #[test]
    fn missing_authentication_token() {
        assert_eq!(
            message("Action=GetCallerIdentity", &[("Host", "h")]),
            (
                "Request is missing Authentication Token".into(),
                "MissingAuthenticationToken",
                403
            )
        );
        // A presigned query with another algorithm is not SigV4 at all.
        assert_eq!(
            message("X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256", &[]).1,
            "MissingAuthenticationToken"
        );
    }

    #[test]
    fn header_and_query_together_is_ambiguous() {
        let headers = [("Authorization", AUTHZ)];
        assert_eq!(
            message("X-Amz-Algorithm=AWS4-HMAC-SHA256", &headers),
            (String::new(), "SignatureDoesNotMatch", 403)
        );
    }

    #[test]
    fn unsupported_algorithm() {
        let headers = [("Authorization", "AWS4-HMAC-SHA512 Credential=a")];
        assert_eq!(
            message("", &headers),
            (
                "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.".into(),
                "IncompleteSignature",
                400
            )
        );
        let headers = [("Authorization", "Bearer eyJ")];
        assert_eq!(
            message("", &headers).0,
            "Unsupported AWS 'algorithm': 'Bearer'."
        );
    }

    #[test]
    fn pair_without_equal_sign() {
        let header = "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/sts/aws4_request, SignedHeaders, Signature=ab";
        let headers = [("Authorization", header)];
        assert_eq!(
            message("", &headers).0,
            format!(
                "'SignedHeaders' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'."
            )
        );
    }

    #[test]
    fn missing_header_components_are_listed_in_aws_order() {
        let headers = [("Authorization", "AWS4-HMAC-SHA256 SignedHeaders=host")];
        assert_eq!(
            message("", &headers),
            (
                "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 SignedHeaders=host".into(),
                "IncompleteSignature",
                400
            )
        );
        let headers = [("Authorization", "AWS4-HMAC-SHA256")];
        assert_eq!(
            message("", &headers).0,
            "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256"
        );
    }

    #[test]
    fn missing_query_parameters_are_listed_in_aws_order() {
        assert_eq!(
            message("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab", &[]),
            (
                "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.".into(),
                "IncompleteSignature",
                400
            )
        );
    }

    #[test]
    fn host_must_be_signed() {
        let header = "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/sts/aws4_request, SignedHeaders=x-amz-date, Signature=ab";
        let headers = [
            ("X-Amz-Date", "20150830T123600Z"),
            ("Authorization", header),
        ];
        assert_eq!(
            message("", &headers),
            (
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.".into(),
                "SignatureDoesNotMatch",
                403
            )
        );
    }

    #[test]
    fn date_must_be_iso8601() {
        let headers = [
            ("Date", "Sun, 30 Aug 2015 12:36:00 GMT"),
            ("Authorization", AUTHZ),
        ];
        assert_eq!(
            message("", &headers),
            (
                "Date must be in ISO-8601 'basic format'. Got 'Sun, 30 Aug 2015 12:36:00 GMT'. See http://en.wikipedia.org/wiki/ISO_8601".into(),
                "IncompleteSignature",
                400
            )
        );
    }

    #[test]
    fn credential_must_have_five_parts() {
        let header = "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/sts, SignedHeaders=host, Signature=ab";
        let headers = [
            ("X-Amz-Date", "20150830T123600Z"),
            ("Authorization", header),
        ];
        assert_eq!(
            message("", &headers),
            (
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20150830/us-east-1/sts'".into(),
                "IncompleteSignature",
                400
            )
        );
    }

    #[test]
    fn malformed_query_escapes() {
        assert_eq!(
            message("a=%4", &[]),
            (
                "Incomplete trailing escape % sequence".into(),
                "MalformedQueryString",
                400
            )
        );
        assert_eq!(
            message("a=%zz&b=1", &[]).0,
            "Illegal hex character in escape % pattern: %zz"
        );
    }

    #[test]
    fn expires_must_be_a_small_number() {
        let base = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=ab&X-Amz-Expires=";
        for (value, text) in [
            ("soon", "X-Amz-Expires should be a number"),
            ("-1", "X-Amz-Expires must be non-negative"),
            (
                "604801",
                "X-Amz-Expires must be less than a week (in seconds) that is 604800",
            ),
            (
                "99999999999",
                "X-Amz-Expires must be less than a week (in seconds) that is 604800",
            ),
        ] {
            let (message, code, status) = message(&format!("{base}{value}"), &[]);
            assert_eq!(
                (message.as_str(), code, status),
                (text, "AuthorizationQueryParametersError", 400)
            );
        }
        let auth = parse(&request(&format!("{base}604800"), &[])).unwrap();
        assert_eq!(auth.expires_seconds, Some(MAX_EXPIRES_SECONDS));
    }

    #[test]
    fn repeated_parameters_last_in_header_first_in_query() {
        let header = "AWS4-HMAC-SHA256 Credential=A/20150830/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=first, Signature=second";
        let headers = [
            ("X-Amz-Date", "20150830T123600Z"),
            ("Authorization", header),
        ];
        assert_eq!(parse(&request("", &headers)).unwrap().signature, "second");

        let query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=A%2F20150830%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=first&X-Amz-Signature=second";
        assert_eq!(parse(&request(query, &[])).unwrap().signature, "first");
    }
}
