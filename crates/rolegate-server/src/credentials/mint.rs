//! Minting temporary credentials: a fresh `ASIA…` key id for the session's account, a random
//! secret, and the session sealed into the token. The key id, the secret and the token's nonce
//! come from one draw of the CSPRNG (this is on every `AssumeRole`).

use rolegate_tokens::{TemporaryCredentials, TokenError};
use time::OffsetDateTime;

use super::sealer::Sealer;
use super::session::Session;

/// Credentials as STS returns them.
#[derive(Debug, Clone)]
pub struct Minted {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration: OffsetDateTime,
}

/// Fills in the key id and secret of `session` (whatever they were) and seals it.
pub fn mint(sealer: &Sealer, mut session: Session) -> Result<(Minted, Session), TokenError> {
    let (access_key_id, secret_access_key, nonce) =
        TemporaryCredentials::generate(&session.account_id)?.into_parts();
    session.access_key_id = access_key_id;
    session.secret_access_key = secret_access_key.into_exposed();
    let session_token = sealer.seal_with_nonce(&session, nonce)?;
    let expiration =
        OffsetDateTime::from_unix_timestamp(session.expires_at).map_err(|_| TokenError::Crypto)?;
    Ok((
        Minted {
            access_key_id: session.access_key_id.clone(),
            secret_access_key: session.secret_access_key.clone(),
            session_token,
            expiration,
        },
        session,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use rolegate_tokens::{KeyRing, account_of_access_key};

    fn sealer() -> Sealer {
        let ring = KeyRing::generate(0).unwrap();
        Sealer::from_base64(&base64::engine::general_purpose::STANDARD.encode(&*ring.to_bytes()))
            .unwrap()
    }

    #[test]
    fn mints_fresh_credentials_and_seals_the_session() {
        let sealer = sealer();
        let original = Session::example_role_session();
        let (minted, session) = mint(&sealer, original.clone()).unwrap();
        // Only the key id and the secret change.
        assert_eq!(
            session,
            Session {
                access_key_id: minted.access_key_id.clone(),
                secret_access_key: minted.secret_access_key.clone(),
                ..original.clone()
            }
        );
        assert!(minted.access_key_id.starts_with("ASIA"));
        assert_eq!(minted.access_key_id.len(), 20);
        assert_eq!(
            account_of_access_key(&minted.access_key_id).as_deref(),
            Some("111122223333")
        );
        assert_eq!(minted.secret_access_key.len(), 40);
        assert_eq!(minted.expiration.unix_timestamp(), original.expires_at);
        let opened = sealer
            .open(&minted.session_token, &minted.access_key_id, 1)
            .unwrap();
        assert_eq!(opened, session);
        // The token is the session's, and its claims are `to_claims`.
        assert_eq!(opened.to_claims(), session.to_claims());

        let (again, _) = mint(&sealer, original).unwrap();
        assert_ne!(again.access_key_id, minted.access_key_id);
        assert_ne!(again.secret_access_key, minted.secret_access_key);
    }

    #[test]
    fn refuses_a_bad_account() {
        let session = Session {
            account_id: "1234".into(),
            ..Session::example_role_session()
        };
        assert_eq!(
            mint(&sealer(), session).unwrap_err(),
            TokenError::InvalidAccountId("1234".into())
        );
    }
}
