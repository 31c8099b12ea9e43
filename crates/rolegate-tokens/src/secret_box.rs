//! Long-term secret access keys encrypted at rest, so a copy of the store alone yields no usable
//! credential. AES-256-GCM under the key ring's [`AtRestKey`], with a caller-chosen *context*
//! (the access key id, say) as associated data so a stored secret cannot be moved to another
//! row. Stored form: base64 of `version (1) | nonce (12) | ciphertext + tag`.

use aws_lc_rs::aead::{Aad, NONCE_LEN, Nonce};
use base64::Engine;
use zeroize::Zeroizing;

use crate::error::TokenError;
use crate::keyring::AtRestKey;

const VERSION: u8 = 1;

fn aad(context: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(1 + context.len());
    aad.push(VERSION);
    aad.extend_from_slice(context.as_bytes());
    aad
}

/// Encrypts `secret` for storage, bound to `context`.
pub fn encrypt_at_rest(secret: &str, key: &AtRestKey, context: &str) -> Result<String, TokenError> {
    let mut buffer = Zeroizing::new(secret.as_bytes().to_vec());
    let nonce = key
        .aead()
        .seal_in_place_append_tag(Aad::from(aad(context)), &mut *buffer)?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + buffer.len());
    out.push(VERSION);
    out.extend_from_slice(nonce.as_ref());
    out.extend_from_slice(&buffer);
    Ok(base64::engine::general_purpose::STANDARD.encode(out))
}

/// Decrypts a value written by [`encrypt_at_rest`] with the same key and context.
pub fn decrypt_at_rest(
    stored: &str,
    key: &AtRestKey,
    context: &str,
) -> Result<Zeroizing<String>, TokenError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(stored)
        .map_err(|_| TokenError::AtRest)?;
    let Some((&VERSION, rest)) = bytes.split_first() else {
        return Err(TokenError::AtRest);
    };
    if rest.len() < NONCE_LEN {
        return Err(TokenError::AtRest);
    }
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| TokenError::AtRest)?;
    let mut buffer = Zeroizing::new(sealed.to_vec());
    let plain = key
        .aead()
        .open_in_place(nonce, Aad::from(aad(context)), &mut buffer)
        .map_err(|_| TokenError::AtRest)?;
    let text = std::str::from_utf8(plain).map_err(|_| TokenError::AtRest)?;
    Ok(Zeroizing::new(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let key = AtRestKey::generate().unwrap();
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let stored = encrypt_at_rest(secret, &key, "AKIAEXAMPLE").unwrap();
        assert!(!stored.contains(secret));
        assert_eq!(
            decrypt_at_rest(&stored, &key, "AKIAEXAMPLE")
                .unwrap()
                .as_str(),
            secret
        );
        assert_ne!(
            encrypt_at_rest(secret, &key, "AKIAEXAMPLE").unwrap(),
            stored
        );
        assert_eq!(
            decrypt_at_rest(&stored, &key, "AKIAOTHER").unwrap_err(),
            TokenError::AtRest
        );
        let other = AtRestKey::generate().unwrap();
        assert_eq!(
            decrypt_at_rest(&stored, &other, "AKIAEXAMPLE").unwrap_err(),
            TokenError::AtRest
        );
    }

    #[test]
    fn malformed_values() {
        let key = AtRestKey::generate().unwrap();
        for bad in ["", "!!", "AA==", "AQ==", "AgAAAAAAAAAAAAAAAAAAAAAAAAA="] {
            assert_eq!(
                decrypt_at_rest(bad, &key, "c").unwrap_err(),
                TokenError::AtRest,
                "{bad}"
            );
        }
        let mut stored = base64::engine::general_purpose::STANDARD
            .decode(encrypt_at_rest("s", &key, "c").unwrap())
            .unwrap();
        let last = stored.len() - 1;
        stored[last] ^= 1;
        let stored = base64::engine::general_purpose::STANDARD.encode(stored);
        assert_eq!(
            decrypt_at_rest(&stored, &key, "c").unwrap_err(),
            TokenError::AtRest
        );
    }
}
