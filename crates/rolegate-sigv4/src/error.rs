//! Every way SigV4 authentication fails, with AWS's error code, HTTP status and exact message.
//! AWS's wording lives here and nowhere else; the texts come from AWS responses (see
//! `aws-reference.md` §1.4 and §2.2 and the "AWS Auth Error Ordering" chart).

use time::{Duration, OffsetDateTime};

use crate::timestamp::{Basic, Window};

/// The standard `SignatureDoesNotMatch` text.
const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// Why a request failed SigV4 authentication. [`code`](Self::code), [`message`](Self::message)
/// and [`http_status`](Self::http_status) give what AWS would answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigV4Error {
    /// Neither an `Authorization` header nor an `X-Amz-Algorithm` query parameter, or a query
    /// `X-Amz-Algorithm` that is not `AWS4-HMAC-SHA256`.
    #[error("Request is missing Authentication Token")]
    MissingAuthenticationToken,

    /// The signature parameters are incomplete or malformed.
    #[error("{0}")]
    IncompleteSignature(IncompleteSignature),

    /// The query string has a malformed `%` escape.
    #[error("{0}")]
    MalformedQueryString(MalformedQueryString),

    /// A presigned request's `X-Amz-Expires` is not a number in `0..=604800`
    /// (AWS code `AuthorizationQueryParametersError`).
    #[error("{0}")]
    InvalidExpires(InvalidExpires),

    /// The request carries both an `Authorization` header and `X-Amz-Algorithm` in the query.
    /// AWS answers `SignatureDoesNotMatch` with an empty message.
    #[error("")]
    AmbiguousSignature,

    /// `host` (or `:authority`) is not among the signed headers.
    #[error("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")]
    HostNotSigned,

    /// The request time is older than the clock window (or, presigned, than `X-Amz-Expires`).
    #[error(
        "Signature expired: {} is now earlier than {} ({} - {}.)",
        Basic(*.request_time), Basic(*.earliest), Basic(*.now), Window(*.window)
    )]
    RequestExpired {
        /// The request's own time.
        request_time: OffsetDateTime,
        /// The earliest request time still accepted (`now - window`).
        earliest: OffsetDateTime,
        /// The server's clock.
        now: OffsetDateTime,
        /// The clock window, or the presigned `X-Amz-Expires`.
        window: Duration,
    },

    /// The request time is later than the server's clock plus the clock window.
    #[error(
        "Signature not yet current: {} is still later than {} ({} + {}.)",
        Basic(*.request_time), Basic(*.latest), Basic(*.now), Window(*.window)
    )]
    SignatureNotYetCurrent {
        /// The request's own time.
        request_time: OffsetDateTime,
        /// The latest request time accepted (`now + window`).
        latest: OffsetDateTime,
        /// The server's clock.
        now: OffsetDateTime,
        /// The clock window.
        window: Duration,
    },

    /// The credential scope names the wrong region, service, terminator or date.
    #[error("{}", render_scope_problems(.0))]
    CredentialScope(Vec<ScopeProblem>),

    /// `x-amz-content-sha256` does not describe the body (or is `UNSIGNED-PAYLOAD` outside S3).
    #[error("{SIGNATURE_MISMATCH}")]
    ContentSha256Mismatch {
        /// The header's value.
        claimed: String,
    },

    /// The signature is not the one computed from the request and the secret key. The canonical
    /// request and string to sign are kept for the server's diagnostics log, never for clients.
    #[error("{SIGNATURE_MISMATCH}")]
    SignatureDoesNotMatch {
        /// The canonical request the server computed.
        canonical_request: String,
        /// The string to sign the server computed.
        string_to_sign: String,
    },

    /// The access key id is unknown (the caller's lookup failed).
    #[error("The security token included in the request is invalid.")]
    InvalidClientTokenId {
        /// The access key id that was not found.
        access_key_id: String,
    },

    /// The session token could not be opened (AWS: no trailing period in this one).
    #[error("The security token included in the request is invalid")]
    InvalidSessionToken,

    /// The session token has expired.
    #[error("The security token included in the request is expired")]
    ExpiredToken,
}

impl SigV4Error {
    /// AWS's error code, e.g. `SignatureDoesNotMatch`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingAuthenticationToken => "MissingAuthenticationToken",
            Self::IncompleteSignature(_) => "IncompleteSignature",
            Self::MalformedQueryString(_) => "MalformedQueryString",
            Self::InvalidExpires(_) => "AuthorizationQueryParametersError",
            Self::AmbiguousSignature
            | Self::HostNotSigned
            | Self::RequestExpired { .. }
            | Self::SignatureNotYetCurrent { .. }
            | Self::CredentialScope(_)
            | Self::ContentSha256Mismatch { .. }
            | Self::SignatureDoesNotMatch { .. } => "SignatureDoesNotMatch",
            Self::InvalidClientTokenId { .. } | Self::InvalidSessionToken => "InvalidClientTokenId",
            Self::ExpiredToken => "ExpiredToken",
        }
    }

    /// AWS's message text (the `Display` output).
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// AWS's HTTP status: 400 for malformed signature parameters, 403 otherwise.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::IncompleteSignature(_)
            | Self::MalformedQueryString(_)
            | Self::InvalidExpires(_) => 400,
            _ => 403,
        }
    }
}

/// A signature component AWS insists on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureComponent {
    /// `Credential` / `X-Amz-Credential`.
    Credential,
    /// `Signature` / `X-Amz-Signature`.
    Signature,
    /// `SignedHeaders` / `X-Amz-SignedHeaders`.
    SignedHeaders,
    /// The `X-Amz-Date` or `Date` header / the `X-Amz-Date` query parameter.
    Date,
}

impl SignatureComponent {
    fn header_text(self) -> &'static str {
        match self {
            Self::Credential => "Authorization header requires 'Credential' parameter.",
            Self::Signature => "Authorization header requires 'Signature' parameter.",
            Self::SignedHeaders => "Authorization header requires 'SignedHeaders' parameter.",
            Self::Date => {
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
            }
        }
    }

    fn query_text(self) -> &'static str {
        match self {
            Self::Credential => "AWS query-string parameters must include 'X-Amz-Credential'.",
            Self::Signature => "AWS query-string parameters must include 'X-Amz-Signature'.",
            Self::SignedHeaders => {
                "AWS query-string parameters must include 'X-Amz-SignedHeaders'."
            }
            Self::Date => "AWS query-string parameters must include 'X-Amz-Date'.",
        }
    }
}

/// The kinds of `IncompleteSignature`, each with the offending input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IncompleteSignature {
    /// The `Authorization` header's algorithm is not `AWS4-HMAC-SHA256`.
    #[error("Unsupported AWS 'algorithm': '{algorithm}'.")]
    UnsupportedAlgorithm {
        /// The algorithm the header named.
        algorithm: String,
    },

    /// An `Authorization` header parameter without `=`.
    #[error(
        "'{pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '{authorization}'."
    )]
    NotKeyValuePair {
        /// The parameter without `=`.
        pair: String,
        /// The whole header value.
        authorization: String,
    },

    /// The `Authorization` header lacks parameters (or the request lacks a date header).
    #[error("{} Authorization={authorization}", join_texts(.missing, SignatureComponent::header_text))]
    MissingHeaderComponents {
        /// What is missing, in AWS's order.
        missing: Vec<SignatureComponent>,
        /// The whole header value.
        authorization: String,
    },

    /// A presigned query lacks parameters.
    #[error(
        "{} Re-examine the query-string parameters.",
        join_texts(.missing, SignatureComponent::query_text)
    )]
    MissingQueryParameters {
        /// What is missing, in AWS's order.
        missing: Vec<SignatureComponent>,
    },

    /// The request date is not ISO 8601.
    #[error(
        "Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601"
    )]
    MalformedDate {
        /// The date as received.
        value: String,
    },

    /// The credential is not `keyid/date/region/service/term`.
    #[error(
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'"
    )]
    MalformedCredential {
        /// The credential as received.
        credential: String,
    },
}

fn join_texts(
    missing: &[SignatureComponent],
    text: fn(SignatureComponent) -> &'static str,
) -> String {
    missing
        .iter()
        .map(|c| text(*c))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A malformed `%` escape in the query string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MalformedQueryString {
    /// `%` with fewer than two characters after it, at the end.
    #[error("Incomplete trailing escape % sequence")]
    IncompleteTrailingEscape,
    /// `%` followed by characters that are not hex digits.
    #[error("Illegal hex character in escape % pattern: %{pattern}")]
    IllegalHexCharacter {
        /// The two characters after `%`.
        pattern: String,
    },
}

/// An unusable `X-Amz-Expires` (AWS's S3 wording; STS has no recorded text of its own).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidExpires {
    /// Not an integer.
    #[error("X-Amz-Expires should be a number")]
    NotANumber {
        /// The value as received.
        value: String,
    },
    /// Below zero.
    #[error("X-Amz-Expires must be non-negative")]
    Negative {
        /// The value as received.
        value: String,
    },
    /// Above a week.
    #[error("X-Amz-Expires must be less than a week (in seconds) that is 604800")]
    MoreThanAWeek {
        /// The value as received.
        value: String,
    },
}

/// One wrong part of a credential scope. AWS reports them all, each sentence followed by a space.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScopeProblem {
    /// The region is not one this server answers for.
    Region {
        /// The region in the scope.
        found: String,
    },
    /// The service is not one this server answers for.
    Service {
        /// The service the server expected (the first accepted one).
        expected: String,
    },
    /// The scope does not end in `aws4_request`.
    Terminator {
        /// The terminator in the scope.
        found: String,
    },
    /// The scope date is not the request date.
    Date {
        /// The date in the scope.
        found: String,
        /// `YYYYMMDD` of the request time.
        expected: String,
        /// The request time, basic format.
        request_time: String,
    },
}

impl std::fmt::Display for ScopeProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Region { found } => {
                write!(
                    f,
                    "Credential should be scoped to a valid region, not '{found}'."
                )
            }
            Self::Service { expected } => {
                write!(
                    f,
                    "Credential should be scoped to correct service: '{expected}'."
                )
            }
            Self::Terminator { found } => write!(
                f,
                "Credential should be scoped with a valid terminator: 'aws4_request', not '{found}'."
            ),
            Self::Date {
                found,
                expected,
                request_time,
            } => write!(
                f,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{found}' != '{expected}', from '{request_time}'."
            ),
        }
    }
}

fn render_scope_problems(problems: &[ScopeProblem]) -> String {
    problems.iter().map(|p| format!("{p} ")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn check(error: SigV4Error, code: &str, status: u16, message: &str) {
        assert_eq!(error.code(), code, "{error:?}");
        assert_eq!(error.http_status(), status, "{error:?}");
        assert_eq!(error.message(), message, "{error:?}");
    }

    #[test]
    fn missing_authentication_token() {
        check(
            SigV4Error::MissingAuthenticationToken,
            "MissingAuthenticationToken",
            403,
            "Request is missing Authentication Token",
        );
    }

    #[test]
    fn incomplete_signature_texts() {
        let authorization = "AWS4-HMAC-SHA256 Signature=abc".to_string();
        check(
            SigV4Error::IncompleteSignature(IncompleteSignature::MissingHeaderComponents {
                missing: vec![
                    SignatureComponent::Credential,
                    SignatureComponent::SignedHeaders,
                    SignatureComponent::Date,
                ],
                authorization: authorization.clone(),
            }),
            "IncompleteSignature",
            400,
            "Authorization header requires 'Credential' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Signature=abc",
        );
        check(
            SigV4Error::IncompleteSignature(IncompleteSignature::MissingQueryParameters {
                missing: vec![SignatureComponent::Signature, SignatureComponent::Date],
            }),
            "IncompleteSignature",
            400,
            "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
        );
        check(
            SigV4Error::IncompleteSignature(IncompleteSignature::UnsupportedAlgorithm {
                algorithm: "AWS4-HMAC-SHA512".into(),
            }),
            "IncompleteSignature",
            400,
            "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.",
        );
        check(
            SigV4Error::IncompleteSignature(IncompleteSignature::NotKeyValuePair {
                pair: "AKID/20150830/us-east-1/sts/aws4_request".into(),
                authorization,
            }),
            "IncompleteSignature",
            400,
            "'AKID/20150830/us-east-1/sts/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Signature=abc'.",
        );
        check(
            SigV4Error::IncompleteSignature(IncompleteSignature::MalformedDate {
                value: "2015".into(),
            }),
            "IncompleteSignature",
            400,
            "Date must be in ISO-8601 'basic format'. Got '2015'. See http://en.wikipedia.org/wiki/ISO_8601",
        );
        check(
            SigV4Error::IncompleteSignature(IncompleteSignature::MalformedCredential {
                credential: "AKID/20150830/us-east-1/sts".into(),
            }),
            "IncompleteSignature",
            400,
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20150830/us-east-1/sts'",
        );
    }

    #[test]
    fn expiry_texts() {
        check(
            SigV4Error::RequestExpired {
                request_time: datetime!(2015-08-30 12:36:00 UTC),
                earliest: datetime!(2015-08-30 12:41:00 UTC),
                now: datetime!(2015-08-30 12:56:00 UTC),
                window: Duration::minutes(15),
            },
            "SignatureDoesNotMatch",
            403,
            "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z (20150830T125600Z - 15 min.)",
        );
        check(
            SigV4Error::SignatureNotYetCurrent {
                request_time: datetime!(2021-05-02 18:36:40 UTC),
                latest: datetime!(2021-05-02 17:51:40 UTC),
                now: datetime!(2021-05-02 17:36:40 UTC),
                window: Duration::minutes(15),
            },
            "SignatureDoesNotMatch",
            403,
            "Signature not yet current: 20210502T183640Z is still later than 20210502T175140Z (20210502T173640Z + 15 min.)",
        );
    }

    #[test]
    fn scope_texts_end_each_sentence_with_a_space() {
        check(
            SigV4Error::CredentialScope(vec![ScopeProblem::Service {
                expected: "sts".into(),
            }]),
            "SignatureDoesNotMatch",
            403,
            "Credential should be scoped to correct service: 'sts'. ",
        );
        check(
            SigV4Error::CredentialScope(vec![
                ScopeProblem::Region {
                    found: "ap-southeast-2".into(),
                },
                ScopeProblem::Terminator {
                    found: "aws5_request".into(),
                },
                ScopeProblem::Date {
                    found: "20150829".into(),
                    expected: "20150830".into(),
                    request_time: "20150830T123600Z".into(),
                },
            ]),
            "SignatureDoesNotMatch",
            403,
            "Credential should be scoped to a valid region, not 'ap-southeast-2'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150829' != '20150830', from '20150830T123600Z'. ",
        );
    }

    #[test]
    fn mismatch_and_token_texts() {
        check(
            SigV4Error::SignatureDoesNotMatch {
                canonical_request: String::new(),
                string_to_sign: String::new(),
            },
            "SignatureDoesNotMatch",
            403,
            SIGNATURE_MISMATCH,
        );
        check(
            SigV4Error::ContentSha256Mismatch {
                claimed: "UNSIGNED-PAYLOAD".into(),
            },
            "SignatureDoesNotMatch",
            403,
            SIGNATURE_MISMATCH,
        );
        check(
            SigV4Error::AmbiguousSignature,
            "SignatureDoesNotMatch",
            403,
            "",
        );
        check(
            SigV4Error::HostNotSigned,
            "SignatureDoesNotMatch",
            403,
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        );
        check(
            SigV4Error::InvalidClientTokenId {
                access_key_id: "AKIDEXAMPLE".into(),
            },
            "InvalidClientTokenId",
            403,
            "The security token included in the request is invalid.",
        );
        check(
            SigV4Error::InvalidSessionToken,
            "InvalidClientTokenId",
            403,
            "The security token included in the request is invalid",
        );
        check(
            SigV4Error::ExpiredToken,
            "ExpiredToken",
            403,
            "The security token included in the request is expired",
        );
    }

    #[test]
    fn query_string_and_expires_texts() {
        check(
            SigV4Error::MalformedQueryString(MalformedQueryString::IncompleteTrailingEscape),
            "MalformedQueryString",
            400,
            "Incomplete trailing escape % sequence",
        );
        check(
            SigV4Error::MalformedQueryString(MalformedQueryString::IllegalHexCharacter {
                pattern: "zz".into(),
            }),
            "MalformedQueryString",
            400,
            "Illegal hex character in escape % pattern: %zz",
        );
        check(
            SigV4Error::InvalidExpires(InvalidExpires::NotANumber { value: "x".into() }),
            "AuthorizationQueryParametersError",
            400,
            "X-Amz-Expires should be a number",
        );
        check(
            SigV4Error::InvalidExpires(InvalidExpires::Negative { value: "-1".into() }),
            "AuthorizationQueryParametersError",
            400,
            "X-Amz-Expires must be non-negative",
        );
        check(
            SigV4Error::InvalidExpires(InvalidExpires::MoreThanAWeek {
                value: "604801".into(),
            }),
            "AuthorizationQueryParametersError",
            400,
            "X-Amz-Expires must be less than a week (in seconds) that is 604800",
        );
    }
}
