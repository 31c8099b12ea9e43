//! Minting and verifying credentials without a database: AWS-shaped identifiers that carry
//! their account ([`ids`]), session tokens that carry the whole session sealed with
//! AES-256-GCM under a rotating [`KeyRing`] ([`token`]), long-term secrets encrypted at rest
//! ([`secret_box`]) and TOTP codes for virtual MFA devices ([`mfa`]). Sans-IO: the caller
//! supplies time and does the file I/O.

mod base32;
mod claims;
mod error;
pub mod ids;
mod keyring;
pub mod mfa;
mod secret;
pub mod secret_box;
mod temporary;
pub mod token;

pub use claims::{MfaContext, SessionClaims, SessionPrincipal, SessionRole, SessionUser};
pub use error::TokenError;
pub use ids::{
    IdPrefix, account_of_access_key, new_access_key_id, new_secret_access_key,
    new_temporary_access_key_id, new_unique_id,
};
pub use keyring::{AtRestKey, KeyRing, SessionKey};
pub use secret::SecretAccessKey;
pub use secret_box::{decrypt_at_rest, encrypt_at_rest};
pub use temporary::TemporaryCredentials;
pub use token::TokenNonce;
