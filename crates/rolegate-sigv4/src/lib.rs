//! AWS Signature Version 4 verification for Rolegate, sans-IO: the caller hands over the request
//! as plain slices ([`HttpRequest`]), [`parse`] reads who signed it, the caller looks the secret
//! up, [`verify`] checks time, scope and signature. Errors carry AWS's codes and texts.
//!
//! ```
//! use rolegate_sigv4::{HttpRequest, VerifyOptions, parse, verify};
//! use time::macros::datetime;
//!
//! let headers = [
//!     ("Host", "example.amazonaws.com"),
//!     ("X-Amz-Date", "20150830T123600Z"),
//!     ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
//! ];
//! let request = HttpRequest { method: "GET", path: "/", query: "", headers: &headers, body: b"" };
//! let auth = parse(&request)?;
//! assert_eq!(auth.access_key_id, "AKIDEXAMPLE");
//! let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"; // looked up by access key id
//! let now = datetime!(2015-08-30 12:40:00 UTC);
//! verify(&request, &auth, secret, now, &VerifyOptions::new(&["service"]))?;
//! # Ok::<(), rolegate_sigv4::SigV4Error>(())
//! ```
#![warn(clippy::indexing_slicing)]

mod authentication;
mod canonical;
mod error;
mod request;
mod signing_key;
mod timestamp;
mod uri_encoding;
mod verify;

pub use authentication::{ALGORITHM, Authentication, CredentialScope, MAX_EXPIRES_SECONDS, parse};
pub use canonical::{
    UNSIGNED_PAYLOAD, canonical_request, canonical_request_with_form_body_as_query, string_to_sign,
};
pub use error::{
    IncompleteSignature, InvalidExpires, MalformedQueryString, ScopeProblem, SigV4Error,
    SignatureComponent,
};
pub use request::HttpRequest;
pub use signing_key::SigningKeyCache;
pub use verify::{DEFAULT_CLOCK_SKEW, VerifyOptions, expected_signature, prevalidate, verify};
