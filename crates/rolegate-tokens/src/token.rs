//! Session tokens: [`SessionClaims`] in postcard, sealed with AES-256-GCM under the key ring's
//! current key, base64 (standard alphabet, padded) like AWS's tokens.
//!
//! Layout: `version (1) | key id (4, BE) | nonce (12) | ciphertext + tag (16)`. The associated
//! data is the 5-byte header followed by the temporary access key id, so a token opens only
//! for the access key it was issued with and its header cannot be altered. Opening checks, in
//! order: decodable, known version and key, authentic for this access key id, then expiry —
//! an expired token is reported as `ExpiredToken` only once it is known to be ours.

use aws_lc_rs::aead::{Aad, NONCE_LEN, Nonce};
use base64::Engine;
use zeroize::Zeroizing;

use crate::claims::SessionClaims;
use crate::error::TokenError;
use crate::keyring::KeyRing;

/// Token format version.
pub const TOKEN_VERSION: u8 = 1;
const HEADER_LEN: usize = 1 + 4;
const TAG_LEN: usize = 16;
/// Longest token text `open` looks at (bounds the allocation for hostile input).
pub const MAX_TOKEN_CHARS: usize = 64 * 1024;

/// A fresh random AES-GCM nonce for sealing exactly one token: built only from the CSPRNG
/// (here or by [`crate::TemporaryCredentials`]), and neither `Clone` nor `Copy`, so sealing,
/// which takes it by value, cannot use it twice.
pub struct TokenNonce([u8; NONCE_LEN]);

impl TokenNonce {
    /// A nonce drawn on its own.
    pub fn generate() -> Result<TokenNonce, TokenError> {
        let mut nonce = [0u8; NONCE_LEN];
        aws_lc_rs::rand::fill(&mut nonce)?;
        Ok(TokenNonce(nonce))
    }

    /// Only for bytes just drawn from the CSPRNG and used for nothing else.
    pub(crate) fn from_random(random: [u8; NONCE_LEN]) -> TokenNonce {
        TokenNonce(random)
    }

    #[cfg(test)]
    pub(crate) fn bytes(&self) -> [u8; NONCE_LEN] {
        self.0
    }
}

impl std::fmt::Debug for TokenNonce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenNonce")
    }
}

/// The associated data: the header followed by the access key id.
fn aad(header: &[u8], access_key_id: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(header.len() + access_key_id.len());
    aad.extend_from_slice(header);
    aad.extend_from_slice(access_key_id.as_bytes());
    aad
}

/// Serializes onto the end of a borrowed buffer (postcard's own `Vec` flavours take
/// ownership, and would drop a half-written plaintext unwiped on error).
struct Append<'a>(&'a mut Vec<u8>);

impl postcard::ser_flavors::Flavor for Append<'_> {
    type Output = ();

    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(data);
        Ok(())
    }

    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0.push(data);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

impl KeyRing {
    /// Seals `claims` under the current key, bound to `claims.access_key_id`.
    pub fn seal(&self, claims: &SessionClaims) -> Result<String, TokenError> {
        self.seal_with_nonce(claims, TokenNonce::generate()?)
    }

    /// [`KeyRing::seal`] with a nonce drawn beforehand (by [`crate::TemporaryCredentials`],
    /// together with the session's key id and secret).
    pub fn seal_with_nonce(
        &self,
        claims: &SessionClaims,
        nonce: TokenNonce,
    ) -> Result<String, TokenError> {
        let key = self.current();
        let encode_error = |e: postcard::Error| TokenError::Encode(e.to_string());
        let plain_len = postcard::experimental::serialized_size(claims).map_err(encode_error)?;
        let sealed_len = HEADER_LEN + NONCE_LEN + plain_len;
        // One exactly-sized buffer, `header | nonce | plaintext → ciphertext | tag`: the claims
        // are encrypted where they were serialized, so no copy of the plaintext is ever left
        // in freed memory (and it is wiped should sealing fail half-way).
        let mut token = Zeroizing::new(Vec::with_capacity(sealed_len + TAG_LEN));
        token.push(TOKEN_VERSION);
        token.extend_from_slice(&key.id().to_be_bytes());
        token.extend_from_slice(&nonce.0);
        postcard::serialize_with_flavor::<_, _, ()>(claims, Append(&mut token))
            .map_err(encode_error)?;
        if token.len() != sealed_len {
            return Err(TokenError::Encode("claims changed size".into()));
        }
        let (header_and_nonce, plain) = token
            .split_at_mut_checked(HEADER_LEN + NONCE_LEN)
            .ok_or(TokenError::Crypto)?;
        let header = header_and_nonce
            .get(..HEADER_LEN)
            .ok_or(TokenError::Crypto)?;
        let aad = aad(header, &claims.access_key_id);
        let tag = key.aead().seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce.0),
            Aad::from(&aad),
            plain,
        )?;
        token.extend_from_slice(tag.as_ref());
        // Nothing secret is left in the buffer: no need to wipe it.
        let token = std::mem::take(&mut *token);
        Ok(base64::engine::general_purpose::STANDARD.encode(token))
    }

    /// Opens a token presented with `access_key_id` at `now` (unix seconds).
    pub fn open(
        &self,
        token: &str,
        access_key_id: &str,
        now: i64,
    ) -> Result<SessionClaims, TokenError> {
        if token.len() > MAX_TOKEN_CHARS {
            return Err(TokenError::InvalidToken);
        }
        // Decrypted in place: the buffer holds the plaintext claims (and secret) afterwards.
        let mut bytes = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(token)
                .map_err(|_| TokenError::InvalidToken)?,
        );
        if bytes.len() < HEADER_LEN + NONCE_LEN + TAG_LEN {
            return Err(TokenError::InvalidToken);
        }
        let (header, rest) = bytes.split_at_mut(HEADER_LEN);
        let (nonce, sealed) = rest.split_at_mut(NONCE_LEN);
        let [version, id @ ..] = &*header else {
            return Err(TokenError::InvalidToken);
        };
        let id: [u8; 4] = id.try_into().map_err(|_| TokenError::InvalidToken)?;
        if *version != TOKEN_VERSION {
            return Err(TokenError::InvalidToken);
        }
        let key = self
            .key(u32::from_be_bytes(id))
            .ok_or(TokenError::InvalidToken)?;
        let nonce =
            Nonce::try_assume_unique_for_key(nonce).map_err(|_| TokenError::InvalidToken)?;
        let aad = aad(header, access_key_id);
        let plain = key
            .aead()
            .open_in_place(nonce, Aad::from(&aad), sealed)
            .map_err(|_| TokenError::InvalidToken)?;
        let (claims, trailing): (SessionClaims, _) =
            postcard::take_from_bytes(plain).map_err(|_| TokenError::InvalidToken)?;
        // Both are guaranteed by the AEAD and by `seal`; checked anyway, cheaply.
        if !trailing.is_empty() || claims.access_key_id != access_key_id {
            return Err(TokenError::InvalidToken);
        }
        if claims.is_expired_at(now) {
            return Err(TokenError::Expired {
                expired_at: claims.expires_at,
            });
        }
        Ok(claims)
    }
}

#[cfg(test)]
#[allow(clippy::string_slice, reason = "test data is ASCII")]
mod tests {
    use super::*;
    use crate::claims::{MfaContext, SessionPrincipal};
    use crate::ids::{new_secret_access_key, new_temporary_access_key_id};
    use crate::secret::SecretAccessKey;
    use proptest::prelude::*;

    pub(crate) fn claims(now: i64) -> SessionClaims {
        let account = "123456789012";
        SessionClaims {
            account_id: account.into(),
            principal: SessionPrincipal::AssumedRole {
                role_arn: format!("arn:aws:iam::{account}:role/path/demo"),
                role_id: "AROAEXAMPLEEXAMPLE123".into(),
                session_name: "s1".into(),
                assumed_role_arn: format!("arn:aws:sts::{account}:assumed-role/demo/s1"),
                identity_provider: None,
            },
            access_key_id: new_temporary_access_key_id(account).unwrap(),
            secret_access_key: new_secret_access_key().unwrap(),
            issued_at: now,
            expires_at: now + 3600,
            session_policy: Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#.into()),
            session_policy_arns: vec![format!("arn:aws:iam::{account}:policy/p")],
            tags: vec![("Project".into(), "X".into())],
            transitive_tag_keys: vec!["Project".into()],
            source_identity: Some("DevUser123".into()),
            mfa: Some(MfaContext { authenticated_at: now - 10 }),
            chain_depth: 1,
            source_principal_arn: format!("arn:aws:iam::{account}:user/bob"),
        }
    }

    #[test]
    fn seal_open_round_trip() {
        let ring = KeyRing::generate(0).unwrap();
        let c = claims(1_000);
        let token = ring.seal(&c).unwrap();
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        );
        assert_eq!(ring.open(&token, &c.access_key_id, 1_000).unwrap(), c);
        assert_ne!(ring.seal(&c).unwrap(), token, "random nonce");
    }

    #[test]
    fn user_and_root_sessions_round_trip() {
        let ring = KeyRing::generate(0).unwrap();
        for principal in [
            SessionPrincipal::Root,
            SessionPrincipal::User {
                user_arn: "arn:aws:iam::123456789012:user/bob".into(),
                user_id: "AIDAEXAMPLE".into(),
            },
        ] {
            let mut c = claims(0);
            c.principal = principal;
            c.chain_depth = 0;
            let token = ring.seal(&c).unwrap();
            assert_eq!(ring.open(&token, &c.access_key_id, 0).unwrap(), c);
        }
    }

    #[test]
    fn wrong_access_key_id_is_invalid() {
        let ring = KeyRing::generate(0).unwrap();
        let c = claims(0);
        let token = ring.seal(&c).unwrap();
        let other = new_temporary_access_key_id("123456789012").unwrap();
        assert_eq!(ring.open(&token, &other, 0), Err(TokenError::InvalidToken));
    }

    #[test]
    fn expiry_is_exclusive() {
        let ring = KeyRing::generate(0).unwrap();
        let c = claims(0);
        let token = ring.seal(&c).unwrap();
        assert!(ring.open(&token, &c.access_key_id, 3599).is_ok());
        let err = ring.open(&token, &c.access_key_id, 3600).unwrap_err();
        assert_eq!(err, TokenError::Expired { expired_at: 3600 });
        assert_eq!(err.aws_code(), "ExpiredToken");
    }

    #[test]
    fn rotation_keeps_and_pruning_drops() {
        let mut ring = KeyRing::generate(0).unwrap();
        let c = claims(0);
        let old = ring.seal(&c).unwrap();
        ring.rotate(10).unwrap();
        assert!(
            ring.open(&old, &c.access_key_id, 20).is_ok(),
            "old but kept"
        );
        let new = ring.seal(&c).unwrap();
        ring.prune(10 + 129_600, 129_600);
        assert_eq!(
            ring.open(&old, &c.access_key_id, 20),
            Err(TokenError::InvalidToken),
            "rotated out"
        );
        assert!(ring.open(&new, &c.access_key_id, 20).is_ok());
        let stranger = KeyRing::generate(0).unwrap();
        assert_eq!(
            stranger.open(&new, &c.access_key_id, 20),
            Err(TokenError::InvalidToken)
        );
    }

    #[test]
    fn ring_from_file_opens_tokens() {
        let ring = KeyRing::generate(0).unwrap();
        let c = claims(0);
        let token = ring.seal(&c).unwrap();
        let reloaded = KeyRing::from_bytes(&ring.to_bytes()).unwrap();
        assert_eq!(reloaded.open(&token, &c.access_key_id, 0).unwrap(), c);
    }

    /// A key ring and a token written by the first implementation of `seal` (before sealing
    /// moved to one buffer and a pre-drawn nonce): tokens in existing data dirs keep opening.
    const OLD_RING: &str = "UkdLUgEqDTNYTJqQpmWR7pc9U+dT8BB9qF8BlpGngXgYUvAL6gABZx/MagAAAABlU/EAgAAAAAAAAAAjFk9C+A4t0mc4tZe+lhSYZXx2oFMDxQZsGG3mfYcCKw==";
    const OLD_TOKEN: &str = "AWcfzGoMLYyVW0wGtB68UZLishFwazuKshuV3hJpSrZcfL6CgmyXaihgHGdVBMsJ+tlpM0tNQLjG/YRJGF/pD+oR6m/2q1ZWmmBHX41ipi+lJZVAmnOae0JM9LaLfXUREIAW0iMtbQwqKLFO6fvVmw2I/YJC2CPhmIbMXz1Xfjp/t/8vJTgQonFt78kXO52FVOV1qs2LqwZTGzYksEyYh1dgScKApYgboGoR/UZGSe0tt4XvjSY+tTpr8W1NwOILXjz2AyZ5XjmvaLTwBNF0Vc0CgA0/7/7JdSUq4EhRZQIzlxxoxp6Q74l/KWkOn0iUB+mHql4tKcFXOnOm0vVXEUtnaP5uwzu5zl55LvZGZidCQQQgkQvfAAbKIkYf1s1/pbqZW1MKN2qhI+3ybAiF8k3U1v/2rergfftT2weFUwVcGK7WyEBnWwT2rhJ6pVacADGDCJOLM2+EXYYTYcRs5ebELnkV/C9rKaDq0Ah2m9kLei8RNlGL6jI/yYr3By1RJxZw3AdbHq/gAGhYf0K0XxOvc3nRAXZ2zAgz7HFB14q+0OoAto5YMD6ZaLJspEZ0Dg==";

    #[test]
    fn tokens_sealed_by_the_first_implementation_still_open() {
        let ring = KeyRing::from_bytes(
            &base64::engine::general_purpose::STANDARD
                .decode(OLD_RING)
                .unwrap(),
        )
        .unwrap();
        let mut expected = claims(1_700_000_000);
        expected.access_key_id = "ASIAQNZGKMZAE3ZP4XMQ".into();
        expected.secret_access_key =
            SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into());
        let opened = ring
            .open(OLD_TOKEN, "ASIAQNZGKMZAE3ZP4XMQ", 1_700_000_000)
            .unwrap();
        assert_eq!(opened, expected);
        assert_eq!(
            ring.open(OLD_TOKEN, "ASIAQNZGKMZAE3ZP4XMA", 1_700_000_000),
            Err(TokenError::InvalidToken)
        );
        // And the new code seals the same claims to the same layout: header, then a fresh
        // nonce, then ciphertext of the same length.
        let resealed = ring.seal(&expected).unwrap();
        let old = base64::engine::general_purpose::STANDARD
            .decode(OLD_TOKEN)
            .unwrap();
        let new = base64::engine::general_purpose::STANDARD
            .decode(&resealed)
            .unwrap();
        assert_eq!(new.len(), old.len());
        assert_eq!(new[..HEADER_LEN], old[..HEADER_LEN]);
        assert_eq!(
            ring.open(&resealed, &expected.access_key_id, 1_700_000_000)
                .unwrap(),
            expected
        );
    }

    #[test]
    fn seal_with_nonce_writes_that_nonce() {
        let ring = KeyRing::generate(0).unwrap();
        let c = claims(0);
        let token = ring
            .seal_with_nonce(&c, TokenNonce::from_random([7; NONCE_LEN]))
            .unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&token)
            .unwrap();
        assert_eq!(bytes[HEADER_LEN..HEADER_LEN + NONCE_LEN], [7; NONCE_LEN]);
        assert_eq!(ring.open(&token, &c.access_key_id, 0).unwrap(), c);
    }

    #[test]
    fn long_access_key_ids_bind_too() {
        let ring = KeyRing::generate(0).unwrap();
        let mut c = claims(0);
        c.access_key_id = format!("ASIA{}", "A".repeat(64));
        let token = ring.seal(&c).unwrap();
        assert_eq!(ring.open(&token, &c.access_key_id, 0).unwrap(), c);
        let shorter = &c.access_key_id[..c.access_key_id.len() - 1];
        assert_eq!(ring.open(&token, shorter, 0), Err(TokenError::InvalidToken));
    }

    #[test]
    fn garbage_is_invalid() {
        let ring = KeyRing::generate(0).unwrap();
        for token in [
            "",
            "=",
            "not base64!",
            "AAAA",
            "IQoJb3JpZ2luX2Vj",
            &"A".repeat(MAX_TOKEN_CHARS + 4),
        ] {
            assert_eq!(
                ring.open(token, "ASIAEXAMPLE", 0),
                Err(TokenError::InvalidToken),
                "{token:.20}"
            );
        }
        assert_eq!(TokenError::InvalidToken.aws_code(), "InvalidClientTokenId");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Changing any one byte of the sealed token (header, nonce, ciphertext or tag) is
        /// detected.
        #[test]
        fn every_single_byte_change_is_rejected(position in any::<prop::sample::Index>(), flip in 1u8..=255) {
            let ring = KeyRing::generate(0).unwrap();
            let c = claims(0);
            let token = ring.seal(&c).unwrap();
            let mut bytes = base64::engine::general_purpose::STANDARD.decode(&token).unwrap();
            let at = position.index(bytes.len());
            bytes[at] ^= flip;
            let tampered = base64::engine::general_purpose::STANDARD.encode(&bytes);
            prop_assert_eq!(ring.open(&tampered, &c.access_key_id, 0), Err(TokenError::InvalidToken));
        }

        /// Changing any one character of the token text is detected too.
        #[test]
        fn every_text_change_is_rejected(position in any::<prop::sample::Index>(), replacement in "[A-Za-z0-9+/=]") {
            let ring = KeyRing::generate(0).unwrap();
            let c = claims(0);
            let token = ring.seal(&c).unwrap();
            let at = position.index(token.len());
            let mut chars: Vec<char> = token.chars().collect();
            let new = replacement.chars().next().unwrap();
            prop_assume!(chars[at] != new);
            chars[at] = new;
            let tampered: String = chars.into_iter().collect();
            prop_assert_eq!(ring.open(&tampered, &c.access_key_id, 0), Err(TokenError::InvalidToken));
        }

        /// Opening arbitrary text never panics.
        #[test]
        fn open_never_panics(token in ".{0,400}", akid in "[A-Z0-9]{0,24}") {
            let ring = KeyRing::generate(0).unwrap();
            prop_assert!(ring.open(&token, &akid, 0).is_err());
        }
    }
}
