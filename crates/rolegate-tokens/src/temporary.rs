//! Fresh temporary credentials for one session: the `ASIA…` key id, the secret access key and
//! the nonce its session token will be sealed with, all cut from a single draw of aws-lc's
//! CSPRNG — each separate draw pays the DRBG's fixed cost (state checks, re-keying) again.
//!
//! Disjoint parts of one CSPRNG output are as independent as separate draws, so the public
//! parts (key id, nonce) tell nothing about the secret, and the nonce is exactly as random
//! (96 bits, never reused: [`TokenNonce`] is consumed by sealing) as a separate draw's.

use aws_lc_rs::aead::NONCE_LEN;
use zeroize::Zeroizing;

use crate::error::TokenError;
use crate::ids::{
    ID_RANDOM_LEN, IdPrefix, SECRET_RANDOM_LEN, parse_account, secret_from, unique_id_from,
};
use crate::secret::SecretAccessKey;
use crate::token::TokenNonce;

const DRAW_LEN: usize = ID_RANDOM_LEN + SECRET_RANDOM_LEN + NONCE_LEN;

/// A new temporary access key id, its secret, and the nonce for sealing its session token
/// (with [`crate::KeyRing::seal_with_nonce`]).
pub struct TemporaryCredentials {
    access_key_id: String,
    secret_access_key: SecretAccessKey,
    nonce: TokenNonce,
}

impl TemporaryCredentials {
    /// Fresh credentials for `account_id` (12 digits), which the key id encodes.
    pub fn generate(account_id: &str) -> Result<TemporaryCredentials, TokenError> {
        let account = parse_account(account_id)?;
        let mut draw = Zeroizing::new([0u8; DRAW_LEN]);
        aws_lc_rs::rand::fill(draw.as_mut())?;
        TemporaryCredentials::from_draw(account, &draw)
    }

    fn from_draw(account: u64, draw: &[u8; DRAW_LEN]) -> Result<TemporaryCredentials, TokenError> {
        // DRAW_LEN is the sum of the three lengths, so the splits cannot fail.
        let (id_random, rest) = draw
            .split_first_chunk::<ID_RANDOM_LEN>()
            .ok_or(TokenError::Crypto)?;
        let (secret_random, nonce) = rest
            .split_first_chunk::<SECRET_RANDOM_LEN>()
            .ok_or(TokenError::Crypto)?;
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| TokenError::Crypto)?;
        Ok(TemporaryCredentials {
            access_key_id: unique_id_from(IdPrefix::TemporaryAccessKey, account, id_random),
            secret_access_key: secret_from(secret_random),
            nonce: TokenNonce::from_random(nonce),
        })
    }

    /// The `ASIA…` key id.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The key id, the secret, and the nonce reserved for this session's token.
    pub fn into_parts(self) -> (String, SecretAccessKey, TokenNonce) {
        (self.access_key_id, self.secret_access_key, self.nonce)
    }
}

impl std::fmt::Debug for TemporaryCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemporaryCredentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
#[allow(clippy::string_slice, reason = "test data is ASCII")]
mod tests {
    use super::*;
    use crate::KeyRing;
    use crate::claims::{SessionClaims, SessionPrincipal};
    use crate::ids::{account_of_access_key, new_temporary_access_key_id};
    use base64::Engine;

    #[test]
    fn ids_have_aws_shapes_and_carry_the_account() {
        for account in ["000000000000", "123456789012", "999999999999"] {
            let creds = TemporaryCredentials::generate(account).unwrap();
            let id = creds.access_key_id().to_owned();
            assert_eq!(id.len(), 20, "{id}");
            assert_eq!(IdPrefix::of(&id), Some(IdPrefix::TemporaryAccessKey));
            assert!(
                id[4..]
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)),
                "{id}"
            );
            assert_eq!(account_of_access_key(&id).as_deref(), Some(account));
            // Same shape as the separately drawn kind.
            let other = new_temporary_access_key_id(account).unwrap();
            assert_eq!(other[..4], id[..4]);
            assert_eq!(account_of_access_key(&other), account_of_access_key(&id));
            let (_, secret, _) = creds.into_parts();
            assert_eq!(secret.expose().len(), 40);
            assert!(
                secret
                    .expose()
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
            );
        }
        assert_eq!(
            TemporaryCredentials::generate("12345").unwrap_err(),
            TokenError::InvalidAccountId("12345".into())
        );
    }

    #[test]
    fn every_part_is_fresh() {
        let a = TemporaryCredentials::generate("123456789012").unwrap();
        let b = TemporaryCredentials::generate("123456789012").unwrap();
        let (a_id, a_secret, a_nonce) = a.into_parts();
        let (b_id, b_secret, b_nonce) = b.into_parts();
        assert_ne!(a_id, b_id);
        assert_ne!(a_secret, b_secret);
        assert_ne!(a_nonce.bytes(), b_nonce.bytes());
    }

    /// The draw is cut into disjoint parts: id bits, secret bytes, nonce, in that order.
    #[test]
    fn parts_come_from_disjoint_bytes_of_the_draw() {
        let mut draw = [0u8; DRAW_LEN];
        for (i, b) in draw.iter_mut().enumerate() {
            *b = u8::try_from(i).unwrap().wrapping_mul(37).wrapping_add(11);
        }
        let creds = TemporaryCredentials::from_draw(123_456_789_012, &draw).unwrap();
        let id_random: [u8; ID_RANDOM_LEN] = draw[..ID_RANDOM_LEN].try_into().unwrap();
        assert_eq!(
            creds.access_key_id(),
            unique_id_from(IdPrefix::TemporaryAccessKey, 123_456_789_012, &id_random)
        );
        let (_, secret, nonce) = creds.into_parts();
        assert_eq!(
            secret.expose(),
            base64::engine::general_purpose::STANDARD
                .encode(&draw[ID_RANDOM_LEN..ID_RANDOM_LEN + SECRET_RANDOM_LEN])
        );
        assert_eq!(nonce.bytes()[..], draw[ID_RANDOM_LEN + SECRET_RANDOM_LEN..]);
    }

    #[test]
    fn minted_credentials_seal_and_open() {
        let ring = KeyRing::generate(0).unwrap();
        let (access_key_id, secret_access_key, nonce) =
            TemporaryCredentials::generate("123456789012")
                .unwrap()
                .into_parts();
        let claims = SessionClaims {
            account_id: "123456789012".into(),
            principal: SessionPrincipal::Root,
            access_key_id,
            secret_access_key,
            issued_at: 0,
            expires_at: 900,
            session_policy: None,
            session_policy_arns: Vec::new(),
            tags: Vec::new(),
            transitive_tag_keys: Vec::new(),
            source_identity: None,
            mfa: None,
            chain_depth: 0,
            source_principal_arn: "arn:aws:iam::123456789012:root".into(),
        };
        let token = ring.seal_with_nonce(&claims, nonce).unwrap();
        assert_eq!(ring.open(&token, &claims.access_key_id, 0).unwrap(), claims);
    }

    #[test]
    fn debug_hides_the_secret() {
        let creds = TemporaryCredentials::generate("123456789012").unwrap();
        let text = format!("{creds:?}");
        assert!(text.contains(creds.access_key_id()));
        let (_, secret, _) = creds.into_parts();
        assert!(!text.contains(secret.expose()));
    }
}
