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
