//! A secret access key that never prints and is wiped from memory when dropped.

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

/// A secret access key (40 characters of standard base64, like AWS's).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretAccessKey(String);

impl SecretAccessKey {
    pub fn new(secret: String) -> SecretAccessKey {
        SecretAccessKey(secret)
    }

    /// The secret, for signing-key derivation and for the one response that returns it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The secret as a plain `String` (no longer wiped on drop), without copying it.
    pub fn into_exposed(mut self) -> String {
        std::mem::take(&mut self.0)
    }
}

impl std::fmt::Debug for SecretAccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretAccessKey(<redacted>)")
    }
}

impl Drop for SecretAccessKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}
