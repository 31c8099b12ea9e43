//! The keys that seal session tokens, and the key that encrypts long-term secrets at rest.
//!
//! One *current* key seals; keys rotated out are *retained* for opening until every session
//! they sealed has expired ([`KeyRing::prune`]), so rotation never cuts live sessions and any
//! replica holding the ring verifies any token. The ring serializes to a small binary file
//! ([`KeyRing::to_bytes`]) that the server writes with mode 0600; the bytes are wiped from
//! memory when dropped.
//!
//! File layout (big-endian): `"RGKR" | 1u8 | at-rest key (32) | count u16 |` then per key,
//! current first: `id u32 | created_at i64 | retired_at i64 (i64::MIN: current) | key (32)`.

use aws_lc_rs::aead::{AES_256_GCM, LessSafeKey, RandomizedNonceKey, UnboundKey};
use zeroize::Zeroizing;

use crate::error::TokenError;

const MAGIC: &[u8; 4] = b"RGKR";
const FORMAT_VERSION: u8 = 1;
const KEY_LEN: usize = 32;
const NOT_RETIRED: i64 = i64::MIN;
const ENTRY_LEN: usize = 4 + 8 + 8 + KEY_LEN;

fn random_key() -> Result<Zeroizing<[u8; KEY_LEN]>, TokenError> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    aws_lc_rs::rand::fill(key.as_mut())?;
    Ok(key)
}

/// One AES-256-GCM token key.
pub struct SessionKey {
    id: u32,
    created_at: i64,
    retired_at: Option<i64>,
    material: Zeroizing<[u8; KEY_LEN]>,
    /// Expanded once, here; sealing supplies its own random nonce (drawn together with the
    /// session's other randomness, see [`crate::TemporaryCredentials`]), hence not a
    /// `RandomizedNonceKey`, which would pay for a separate random draw per seal.
    aead: LessSafeKey,
}

impl SessionKey {
    fn new(
        id: u32,
        created_at: i64,
        retired_at: Option<i64>,
        material: Zeroizing<[u8; KEY_LEN]>,
    ) -> Result<SessionKey, TokenError> {
        let aead = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, material.as_ref())?);
        Ok(SessionKey {
            id,
            created_at,
            retired_at,
            material,
            aead,
        })
    }

    /// The id written into every token this key seals.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Unix seconds.
    pub fn created_at(&self) -> i64 {
        self.created_at
    }

    /// When it stopped sealing (unix seconds); `None` for the current key.
    pub fn retired_at(&self) -> Option<i64> {
        self.retired_at
    }

    pub(crate) fn aead(&self) -> &LessSafeKey {
        &self.aead
    }
}

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKey")
            .field("id", &self.id)
            .field("created_at", &self.created_at)
            .field("retired_at", &self.retired_at)
            .finish_non_exhaustive()
    }
}

/// The AES-256-GCM key that encrypts long-term secrets in the store (see
/// [`crate::secret_box`]). Separate from the token keys so that token-key rotation never
/// touches stored secrets.
pub struct AtRestKey {
    material: Zeroizing<[u8; KEY_LEN]>,
    aead: RandomizedNonceKey,
}

impl AtRestKey {
    fn new(material: Zeroizing<[u8; KEY_LEN]>) -> Result<AtRestKey, TokenError> {
        let aead = RandomizedNonceKey::new(&AES_256_GCM, material.as_ref())?;
        Ok(AtRestKey { material, aead })
    }

    /// A fresh random key.
    pub fn generate() -> Result<AtRestKey, TokenError> {
        AtRestKey::new(random_key()?)
    }

    pub(crate) fn aead(&self) -> &RandomizedNonceKey {
        &self.aead
    }
}

impl std::fmt::Debug for AtRestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AtRestKey(<redacted>)")
    }
}

/// The current sealing key, retained opening keys, and the at-rest key.
#[derive(Debug)]
pub struct KeyRing {
    current: SessionKey,
    retained: Vec<SessionKey>,
    at_rest: AtRestKey,
}

impl KeyRing {
    /// A new ring with fresh random keys, created at `now` (unix seconds).
    pub fn generate(now: i64) -> Result<KeyRing, TokenError> {
        let id = fresh_id(&[])?;
        Ok(KeyRing {
            current: SessionKey::new(id, now, None, random_key()?)?,
            retained: Vec::new(),
            at_rest: AtRestKey::generate()?,
        })
    }

    /// Starts sealing with a new key; the old one is kept for opening.
    pub fn rotate(&mut self, now: i64) -> Result<(), TokenError> {
        let taken: Vec<u32> = self.key_ids();
        let next = SessionKey::new(fresh_id(&taken)?, now, None, random_key()?)?;
        let mut old = std::mem::replace(&mut self.current, next);
        old.retired_at = Some(now);
        self.retained.insert(0, old);
        Ok(())
    }

    /// Drops retained keys that can no longer open a live token: retired at least
    /// `max_session_seconds` before `now` (use the longest session any action issues,
    /// 129,600 s for `GetSessionToken`). Returns how many were dropped.
    pub fn prune(&mut self, now: i64, max_session_seconds: i64) -> usize {
        let before = self.retained.len();
        self.retained.retain(|key| {
            key.retired_at
                .is_none_or(|retired| retired.saturating_add(max_session_seconds) > now)
        });
        before - self.retained.len()
    }

    /// The key that seals.
    pub fn current(&self) -> &SessionKey {
        &self.current
    }

    /// Ids of every key that opens, current first.
    pub fn key_ids(&self) -> Vec<u32> {
        std::iter::once(&self.current)
            .chain(&self.retained)
            .map(SessionKey::id)
            .collect()
    }

    /// The opening key with this id.
    pub fn key(&self, id: u32) -> Option<&SessionKey> {
        std::iter::once(&self.current)
            .chain(&self.retained)
            .find(|key| key.id == id)
    }

    /// The at-rest key.
    pub fn at_rest_key(&self) -> &AtRestKey {
        &self.at_rest
    }

    /// The ring as file bytes (wiped on drop).
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let count = 1 + self.retained.len();
        let mut out = Zeroizing::new(Vec::with_capacity(4 + 1 + KEY_LEN + 2 + count * ENTRY_LEN));
        out.extend_from_slice(MAGIC);
        out.push(FORMAT_VERSION);
        out.extend_from_slice(self.at_rest.material.as_ref());
        // More than u16::MAX keys cannot be produced by `rotate` in any realistic lifetime;
        // saturate rather than wrap so a corrupt count is never written.
        out.extend_from_slice(&u16::try_from(count).unwrap_or(u16::MAX).to_be_bytes());
        for key in std::iter::once(&self.current)
            .chain(&self.retained)
            .take(usize::from(u16::MAX))
        {
            out.extend_from_slice(&key.id.to_be_bytes());
            out.extend_from_slice(&key.created_at.to_be_bytes());
            out.extend_from_slice(&key.retired_at.unwrap_or(NOT_RETIRED).to_be_bytes());
            out.extend_from_slice(key.material.as_ref());
        }
        out
    }

    /// Reads a ring written by [`KeyRing::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<KeyRing, TokenError> {
        let mut r = Reader(bytes);
        if r.take(4)? != MAGIC {
            return Err(TokenError::KeyRingFormat("not a key ring file"));
        }
        if r.take(1)? != [FORMAT_VERSION] {
            return Err(TokenError::KeyRingFormat("unsupported key ring version"));
        }
        let at_rest = AtRestKey::new(r.key()?)?;
        let count = u16::from_be_bytes(r.array()?);
        if count == 0 {
            return Err(TokenError::KeyRingFormat("no keys"));
        }
        let mut keys = Vec::with_capacity(usize::from(count));
        for _ in 0..count {
            let id = u32::from_be_bytes(r.array()?);
            let created_at = i64::from_be_bytes(r.array()?);
            let retired_at = i64::from_be_bytes(r.array()?);
            let retired_at = (retired_at != NOT_RETIRED).then_some(retired_at);
            if keys.iter().any(|k: &SessionKey| k.id == id) {
                return Err(TokenError::KeyRingFormat("duplicate key id"));
            }
            keys.push(SessionKey::new(id, created_at, retired_at, r.key()?)?);
        }
        if !r.0.is_empty() {
            return Err(TokenError::KeyRingFormat("trailing bytes"));
        }
        let mut keys = keys.into_iter();
        let current = keys.next().ok_or(TokenError::KeyRingFormat("no keys"))?;
        let retained: Vec<SessionKey> = keys.collect();
        if current.retired_at.is_some() || retained.iter().any(|k| k.retired_at.is_none()) {
            return Err(TokenError::KeyRingFormat(
                "exactly the first key must be current",
            ));
        }
        Ok(KeyRing {
            current,
            retained,
            at_rest,
        })
    }
}

/// A random key id not in `taken`.
fn fresh_id(taken: &[u32]) -> Result<u32, TokenError> {
    loop {
        let mut bytes = [0u8; 4];
        aws_lc_rs::rand::fill(&mut bytes)?;
        let id = u32::from_be_bytes(bytes);
        if !taken.contains(&id) {
            return Ok(id);
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], TokenError> {
        if self.0.len() < n {
            return Err(TokenError::KeyRingFormat("truncated"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], TokenError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn key(&mut self) -> Result<Zeroizing<[u8; KEY_LEN]>, TokenError> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        key.copy_from_slice(self.take(KEY_LEN)?);
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_keeps_old_keys_until_pruned() {
        let mut ring = KeyRing::generate(1000).unwrap();
        let first = ring.current().id();
        ring.rotate(2000).unwrap();
        let second = ring.current().id();
        assert_ne!(first, second);
        assert_eq!(ring.key_ids(), [second, first]);
        assert_eq!(ring.key(first).unwrap().retired_at(), Some(2000));
        assert_eq!(ring.prune(2000 + 3600 - 1, 3600), 0);
        assert_eq!(ring.prune(2000 + 3600, 3600), 1);
        assert!(ring.key(first).is_none());
        assert_eq!(ring.key_ids(), [second]);
    }

    #[test]
    fn file_round_trip() {
        let mut ring = KeyRing::generate(1).unwrap();
        ring.rotate(2).unwrap();
        ring.rotate(3).unwrap();
        let bytes = ring.to_bytes();
        assert_eq!(bytes.len(), 4 + 1 + 32 + 2 + 3 * ENTRY_LEN);
        let back = KeyRing::from_bytes(&bytes).unwrap();
        assert_eq!(back.key_ids(), ring.key_ids());
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(back.current().created_at(), 3);
    }

    #[test]
    fn malformed_files_are_refused() {
        let ring = KeyRing::generate(1).unwrap();
        let bytes = ring.to_bytes();
        for cut in 0..bytes.len() {
            assert!(KeyRing::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = bytes.to_vec();
        extra.push(0);
        assert!(KeyRing::from_bytes(&extra).is_err());
        let mut magic = bytes.to_vec();
        magic[0] = b'X';
        assert_eq!(
            KeyRing::from_bytes(&magic).unwrap_err(),
            TokenError::KeyRingFormat("not a key ring file")
        );
        let mut retired_current = bytes.to_vec();
        let at = 4 + 1 + 32 + 2 + 4 + 8;
        retired_current[at..at + 8].copy_from_slice(&5i64.to_be_bytes());
        assert!(KeyRing::from_bytes(&retired_current).is_err());
    }

    #[test]
    fn debug_never_prints_keys() {
        let ring = KeyRing::generate(1).unwrap();
        let text = format!("{ring:?}");
        assert!(text.contains("AtRestKey(<redacted>)"));
        assert!(!text.contains("material"));
    }
}
