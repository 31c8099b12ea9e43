//! What minting, sealing and opening can report. Opening a token fails in exactly two ways a
//! client may learn about — the token is not ours / was tampered with / belongs to another key
//! (`InvalidClientTokenId`), or it has expired (`ExpiredToken`); everything else is a server
//! fault. The AWS texts live in `rolegate-protocol` (`AwsError::invalid_client_token_id`,
//! `AwsError::expired_token`); [`TokenError::aws_code`] says which one applies.

/// Errors of this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Undecodable, tampered, sealed by an unknown key, or bound to another access key id.
    #[error("the session token is invalid")]
    InvalidToken,
    /// Authentic but past its expiry (unix seconds).
    #[error("the session token expired at {expired_at}")]
    Expired { expired_at: i64 },
    /// An account id that is not 12 digits.
    #[error("invalid account id {0:?}")]
    InvalidAccountId(String),
    /// A malformed key-ring file.
    #[error("malformed key ring: {0}")]
    KeyRingFormat(&'static str),
    /// A secret at rest that does not decrypt under the given key and context.
    #[error("secret at rest is malformed or sealed for another context")]
    AtRest,
    /// A base32 TOTP seed that is not base32.
    #[error("MFA seed is not valid base32")]
    InvalidSeed,
    /// Claims too large or not serializable.
    #[error("session claims could not be encoded: {0}")]
    Encode(String),
    /// The system random generator or the AEAD failed.
    #[error("cryptographic operation failed")]
    Crypto,
}

impl TokenError {
    /// The AWS error code a client sees for this failure.
    pub fn aws_code(&self) -> &'static str {
        match self {
            TokenError::InvalidToken => "InvalidClientTokenId",
            TokenError::Expired { .. } => "ExpiredToken",
            _ => "InternalFailure",
        }
    }
}

impl From<aws_lc_rs::error::Unspecified> for TokenError {
    fn from(_: aws_lc_rs::error::Unspecified) -> Self {
        TokenError::Crypto
    }
}
