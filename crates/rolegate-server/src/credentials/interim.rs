//! Interim stand-ins for `rolegate-tokens` (not yet available when this was written): the key
//! ring and AEAD sealing of session tokens and secrets at rest, AWS-shaped identifiers, and the
//! TOTP check. Replace with the crate's functions once it lands; nothing else in the server
//! depends on how these are implemented.

use std::fmt;
use std::path::Path;

use aws_lc_rs::aead::{AES_256_GCM, Aad, Nonce, RandomizedNonceKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::session::Session;

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;
const TOKEN_VERSION: u8 = 1;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Why a session token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not one of ours, altered, or sealed for another access key: `InvalidClientTokenId`.
    #[error("the session token is invalid")]
    Invalid,
    /// Past its expiration: `ExpiredToken`.
    #[error("the session token is expired")]
    Expired,
}

/// Why the key ring could not be loaded or a secret not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SealerError {
    #[error("key ring: {0}")]
    KeyRing(String),
    #[error("sealed value does not open")]
    Open,
    #[error("random generator or cipher failed")]
    Crypto,
}

/// The key ring: AES-256-GCM keys by id; the last one seals, all of them open (rotation).
pub struct Sealer {
    keys: Vec<(u32, RandomizedNonceKey)>,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer").field("key_ids", &self.keys.iter().map(|(id, _)| id).collect::<Vec<_>>()).finish()
    }
}

impl Sealer {
    /// Parses a key ring: one `id:hexkey` per line (or separated by `,`).
    pub fn from_text(text: &str) -> Result<Self, SealerError> {
        let mut keys = Vec::new();
        for entry in text.split([',', '\n']).map(str::trim).filter(|e| !e.is_empty()) {
            let (id, hex_key) =
                entry.split_once(':').ok_or_else(|| SealerError::KeyRing("expected id:hexkey".into()))?;
            let id: u32 = id.parse().map_err(|_| SealerError::KeyRing(format!("bad key id {id}")))?;
            let bytes = decode_hex(hex_key).ok_or_else(|| SealerError::KeyRing("bad hex key".into()))?;
            if bytes.len() != KEY_LEN {
                return Err(SealerError::KeyRing("keys are 32 bytes".into()));
            }
            let key = RandomizedNonceKey::new(&AES_256_GCM, &bytes).map_err(|_| SealerError::Crypto)?;
            keys.push((id, key));
        }
        if keys.is_empty() {
            return Err(SealerError::KeyRing("no key".into()));
        }
        Ok(Self { keys })
    }

    /// A new key ring text with one random key.
    pub fn generate_text() -> Result<String, SealerError> {
        let mut key = [0u8; KEY_LEN];
        aws_lc_rs::rand::fill(&mut key).map_err(|_| SealerError::Crypto)?;
        Ok(format!("1:{}\n", encode_hex(&key)))
    }

    /// Loads the key ring from `path`, creating it (mode 0600) if absent.
    pub fn load_or_create(path: &Path) -> Result<Self, SealerError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_text(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let text = Self::generate_text()?;
                write_private(path, text.as_bytes()).map_err(|e| SealerError::KeyRing(e.to_string()))?;
                Self::from_text(&text)
            }
            Err(e) => Err(SealerError::KeyRing(e.to_string())),
        }
    }

    fn seal_bytes(&self, plain: &[u8], aad: &[u8]) -> Result<Vec<u8>, SealerError> {
        let (id, key) = self.keys.last().ok_or(SealerError::Crypto)?;
        let mut in_out = plain.to_vec();
        let nonce = key
            .seal_in_place_append_tag(Aad::from(aad), &mut in_out)
            .map_err(|_| SealerError::Crypto)?;
        let mut out = Vec::with_capacity(1 + 4 + NONCE_LEN + in_out.len());
        out.push(TOKEN_VERSION);
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(nonce.as_ref());
        out.extend_from_slice(&in_out);
        Ok(out)
    }

    fn open_bytes(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, SealerError> {
        let (&version, rest) = sealed.split_first().ok_or(SealerError::Open)?;
        if version != TOKEN_VERSION || rest.len() < 4 + NONCE_LEN {
            return Err(SealerError::Open);
        }
        let (id_bytes, rest) = rest.split_at(4);
        let (nonce_bytes, ciphertext) = rest.split_at(NONCE_LEN);
        let id = u32::from_be_bytes(id_bytes.try_into().map_err(|_| SealerError::Open)?);
        let (_, key) = self.keys.iter().find(|(k, _)| *k == id).ok_or(SealerError::Open)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce_bytes).map_err(|_| SealerError::Open)?;
        let mut in_out = ciphertext.to_vec();
        let plain = key.open_in_place(nonce, Aad::from(aad), &mut in_out).map_err(|_| SealerError::Open)?;
        Ok(plain.to_vec())
    }

    /// Seals a session into an opaque token bound to its access key id.
    pub fn seal(&self, session: &Session) -> Result<String, SealerError> {
        let plain = serde_json::to_vec(session).map_err(|_| SealerError::Crypto)?;
        Ok(STANDARD.encode(self.seal_bytes(&plain, session.access_key_id.as_bytes())?))
    }

    /// Opens a token presented with `access_key_id`, checking expiry against `now` (Unix s).
    pub fn open(&self, token: &str, access_key_id: &str, now: i64) -> Result<Session, TokenError> {
        let sealed = STANDARD.decode(token.trim()).map_err(|_| TokenError::Invalid)?;
        let plain = self.open_bytes(&sealed, access_key_id.as_bytes()).map_err(|_| TokenError::Invalid)?;
        let session: Session = serde_json::from_slice(&plain).map_err(|_| TokenError::Invalid)?;
        if session.access_key_id != access_key_id {
            return Err(TokenError::Invalid);
        }
        if now >= session.expires_at {
            return Err(TokenError::Expired);
        }
        Ok(session)
    }

    /// Encrypts a long-term secret for storage, bound to what it belongs to.
    pub fn seal_secret(&self, secret: &str, owner: &str) -> Result<Vec<u8>, SealerError> {
        self.seal_bytes(secret.as_bytes(), format!("secret:{owner}").as_bytes())
    }

    pub fn open_secret(&self, sealed: &[u8], owner: &str) -> Result<String, SealerError> {
        let plain = self.open_bytes(sealed, format!("secret:{owner}").as_bytes())?;
        String::from_utf8(plain).map_err(|_| SealerError::Open)
    }
}

/// Writes a file readable by its owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

fn random_base32(count: usize) -> String {
    let mut bytes = vec![0u8; count];
    // A failing system RNG leaves zeros; aws-lc aborts before that in practice.
    let _ = aws_lc_rs::rand::fill(&mut bytes);
    bytes.iter().map(|b| char::from(BASE32[usize::from(b & 31)])).collect()
}

/// `AROA`/`AIDA`/`ANPA` + 17 random base32 characters (21 in all, as AWS's ids).
pub fn new_unique_id(prefix: &str) -> String {
    format!("{prefix}{}", random_base32(17))
}

/// `AKIA…`/`ASIA…` (20 characters) encoding `account`, so that `GetAccessKeyInfo` needs no
/// lookup: characters 4..12 are base32 of `account / 2 + 2^39` in 5 bytes, character 12 is
/// from `A–P` for an even account and `Q–7` for an odd one.
pub fn new_access_key_id(prefix: &str, account: &str) -> String {
    let Ok(number) = account.parse::<u64>() else {
        return format!("{prefix}{}", random_base32(16));
    };
    let value = number / 2 + (1u64 << 39);
    let mut encoded = String::with_capacity(8);
    for shift in (0..8).rev() {
        let index = usize::try_from((value >> (shift * 5)) & 31).unwrap_or(0);
        encoded.push(char::from(BASE32[index]));
    }
    let mut parity = [0u8; 1];
    let _ = aws_lc_rs::rand::fill(&mut parity);
    let offset = if number % 2 == 0 { 0 } else { 16 };
    let marker = char::from(BASE32[usize::from(parity[0] & 15) + offset]);
    format!("{prefix}{encoded}{marker}{}", random_base32(7))
}

/// The account an `AKIA`/`ASIA` key id encodes (see [`new_access_key_id`]).
pub fn account_of_access_key(access_key_id: &str) -> Option<String> {
    let encoded = access_key_id.get(4..12)?;
    let marker = access_key_id.get(12..13)?.bytes().next()?;
    let mut value: u64 = 0;
    for byte in encoded.bytes() {
        let digit = BASE32.iter().position(|&b| b == byte)?;
        value = (value << 5) | u64::try_from(digit).ok()?;
    }
    let half = value.checked_sub(1u64 << 39)?;
    let odd = BASE32.iter().position(|&b| b == marker)? >= 16;
    let number = half.checked_mul(2)? + u64::from(odd);
    (number < 1_000_000_000_000).then(|| format!("{number:012}"))
}

/// A 40-character secret access key (30 random bytes, base64).
pub fn new_secret_access_key() -> String {
    let mut bytes = [0u8; 30];
    let _ = aws_lc_rs::rand::fill(&mut bytes);
    STANDARD.encode(bytes)
}

/// The RFC 6238 time step (SHA-1, 6 digits, 30 s) that `code` matches for `seed` at `now`
/// (Unix s), allowing one step of clock drift either way.
pub fn totp_step(seed: &[u8], code: &str, now: i64) -> Option<u64> {
    let current = u64::try_from(now).ok()? / 30;
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|&step| totp_code(seed, step).is_some_and(|expected| expected == code))
}

/// The 6-digit TOTP code of `seed` at time step `step` (RFC 4226 dynamic truncation).
pub fn totp_code(seed: &[u8], step: u64) -> Option<String> {
    use aws_lc_rs::hmac;
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, seed);
    let tag = hmac::sign(&key, &step.to_be_bytes());
    let digest = tag.as_ref();
    let offset = usize::from(digest.last().copied()? & 0x0f);
    let window: [u8; 4] = digest.get(offset..offset + 4)?.try_into().ok()?;
    let number = u32::from_be_bytes(window) & 0x7fff_ffff;
    Some(format!("{:06}", number % 1_000_000))
}

/// A random 20-byte TOTP seed as base32 text (what AWS's virtual MFA devices show).
pub fn new_totp_seed() -> String {
    random_base32(32)
}

/// Decodes base32 text (A–Z, 2–7, no padding) into bytes.
pub fn decode_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.trim_end_matches('=').bytes() {
        let digit = u32::try_from(BASE32.iter().position(|&b| b == byte)?).ok()?;
        buffer = (buffer << 5) | digit;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_keys_encode_their_account() {
        for account in ["000000000000", "111122223333", "123456789013", "999999999999"] {
            let id = new_access_key_id("AKIA", account);
            assert_eq!(id.len(), 20);
            assert_eq!(account_of_access_key(&id).as_deref(), Some(account), "{id}");
        }
        assert_eq!(account_of_access_key("test"), None);
    }

    #[test]
    fn totp_matches_rfc6238_vector() {
        // RFC 6238 appendix B, SHA-1, T = 59 s -> 94287082 (8 digits) -> 287082 (6 digits).
        assert_eq!(totp_step(b"12345678901234567890", "287082", 59), Some(1));
        assert_eq!(totp_step(b"12345678901234567890", "000000", 59), None);
    }
}
