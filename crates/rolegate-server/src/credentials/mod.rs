//! Credentials: minting temporary credentials for STS (`ASIA…` key, secret, sealed session
//! token), sealing long-term secrets at rest, identifiers, and the MFA code check — all through
//! `rolegate-tokens`, whose `SessionClaims` is the one model of a session; this module adds the
//! key-ring file.

mod mint;
pub mod password;
mod sealer;

pub use mint::{Minted, mint};
pub use rolegate_tokens::{MfaContext, SecretAccessKey, SessionClaims, SessionPrincipal};
pub use sealer::Sealer;

use rolegate_tokens::IdPrefix;
pub use rolegate_tokens::TokenError;
pub use rolegate_tokens::account_of_access_key;

/// A unique id (`AIDA…`, `AROA…`, `ANPA…`) for an entity of `account`.
pub fn new_unique_id(prefix: IdPrefix, account: &str) -> Result<String, TokenError> {
    rolegate_tokens::new_unique_id(prefix, account)
}

/// A long-term access key id (`AKIA…`) encoding `account`.
pub fn new_access_key_id(account: &str) -> Result<String, TokenError> {
    rolegate_tokens::new_access_key_id(account)
}

/// A 40-character secret access key.
pub fn new_secret_access_key() -> Result<String, TokenError> {
    rolegate_tokens::new_secret_access_key().map(|s| s.expose().to_owned())
}

pub use rolegate_tokens::IdPrefix as Prefix;

/// A new 160-bit TOTP seed as base32 text (what AWS's virtual MFA devices hand out).
pub fn new_totp_seed() -> Result<String, TokenError> {
    rolegate_tokens::mfa::new_seed()
}

/// The TOTP key bytes of a base32 seed.
pub fn decode_seed(seed: &str) -> Option<Vec<u8>> {
    rolegate_tokens::mfa::decode_seed(seed).ok()
}

/// The step `code` matches for `seed` at `now` (Unix s), one step of drift allowed.
pub fn totp_step(seed: &[u8], code: &str, now: i64) -> Option<u64> {
    rolegate_tokens::mfa::check(seed, code, u64::try_from(now).ok()?)
}

/// The code of `seed` at time step `step`.
pub fn totp_code(seed: &[u8], step: u64) -> String {
    rolegate_tokens::mfa::code_at(seed, step * rolegate_tokens::mfa::STEP_SECONDS)
}

/// A signing certificate id: 28 characters of `A-Z2-7` (AWS's ids have no documented prefix;
/// the CLI's example is 28 characters, the model allows 24..128).
pub fn new_signing_certificate_id() -> Result<String, TokenError> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut random = [0u8; 28];
    aws_lc_rs::rand::fill(&mut random).map_err(TokenError::from)?;
    Ok(random
        .iter()
        .map(|b| {
            ALPHABET
                .get(usize::from(b & 31))
                .map_or('A', |c| char::from(*c))
        })
        .collect())
}

/// A generated service password or API-key secret: 40 characters of base64, as a secret
/// access key.
pub fn new_service_secret() -> Result<String, TokenError> {
    new_secret_access_key()
}
