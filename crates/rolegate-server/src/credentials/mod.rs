//! Credentials: minting temporary credentials for STS (`ASIA…` key, secret, sealed session
//! token), sealing long-term secrets at rest, identifiers, and the MFA code check.
//!
//! `interim` holds local stand-ins for what `rolegate-tokens` will provide (AEAD sealing,
//! identifiers, TOTP); this module is the only place that knows which implementation is used.

mod interim;
mod mint;
mod session;

pub use interim::{
    account_of_access_key, decode_base32, new_access_key_id, new_secret_access_key, new_totp_seed,
    new_unique_id, totp_code, totp_step,
};
pub use mint::{Minted, mint};
pub use session::{Session, SessionKind};

pub use interim::{Sealer, TokenError};
