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

fn aad(header: &[u8], access_key_id: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(header.len() + access_key_id.len());
    aad.extend_from_slice(header);
    aad.extend_from_slice(access_key_id.as_bytes());
    aad
}

impl KeyRing {
    /// Seals `claims` under the current key, bound to `claims.access_key_id`.
    pub fn seal(&self, claims: &SessionClaims) -> Result<String, TokenError> {
        let key = self.current();
        let mut header = [0u8; HEADER_LEN];
        header[0] = TOKEN_VERSION;
        header[1..].copy_from_slice(&key.id().to_be_bytes());
        let mut buffer = Zeroizing::new(
            postcard::to_allocvec(claims).map_err(|e| TokenError::Encode(e.to_string()))?,
        );
        let aad = aad(&header, &claims.access_key_id);
        let nonce = key
            .aead()
            .seal_in_place_append_tag(Aad::from(&aad), &mut *buffer)?;
        let mut token = Vec::with_capacity(HEADER_LEN + NONCE_LEN + buffer.len());
        token.extend_from_slice(&header);
        token.extend_from_slice(nonce.as_ref());
        token.extend_from_slice(&buffer);
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
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(token)
            .map_err(|_| TokenError::InvalidToken)?;
        if bytes.len() < HEADER_LEN + NONCE_LEN + TAG_LEN {
            return Err(TokenError::InvalidToken);
        }
        let (header, rest) = bytes.split_at(HEADER_LEN);
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let [version, id @ ..] = header else {
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
        let mut buffer = Zeroizing::new(sealed.to_vec());
        let aad = aad(header, access_key_id);
        let plain = key
            .aead()
            .open_in_place(nonce, Aad::from(&aad), &mut buffer)
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
mod tests {
    use super::*;
    use crate::claims::{MfaContext, SessionPrincipal};
    use crate::ids::{new_secret_access_key, new_temporary_access_key_id};
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
