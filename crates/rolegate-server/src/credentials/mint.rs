//! Minting temporary credentials: a fresh `ASIA…` key id for the session's account, a random
//! secret, and the session sealed into the token. The key id, the secret and the token's nonce
//! come from one draw of the CSPRNG (this is on every `AssumeRole`).

use rolegate_tokens::{SecretAccessKey, SessionClaims, TemporaryCredentials, TokenError};
use time::OffsetDateTime;

use super::sealer::Sealer;

/// Credentials as STS returns them.
#[derive(Debug, Clone)]
pub struct Minted {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration: OffsetDateTime,
}

/// Fills in the key id and secret of `session` (whatever they were) and seals it.
pub fn mint(
    sealer: &Sealer,
    mut session: SessionClaims,
) -> Result<(Minted, SessionClaims), TokenError> {
    let (access_key_id, secret_access_key, nonce) =
        TemporaryCredentials::generate(&session.account_id)?.into_parts();
    let secret = secret_access_key.into_exposed();
    session.access_key_id = access_key_id;
    session.secret_access_key = SecretAccessKey::new(secret.clone());
    let session_token = sealer.seal_with_nonce(&session, nonce)?;
    let expiration =
        OffsetDateTime::from_unix_timestamp(session.expires_at).map_err(|_| TokenError::Crypto)?;
    Ok((
        Minted {
            access_key_id: session.access_key_id.clone(),
            secret_access_key: secret,
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
    use rolegate_tokens::{KeyRing, MfaContext, SessionPrincipal, account_of_access_key};

    fn sealer() -> Sealer {
        let ring = KeyRing::generate(0).unwrap();
        Sealer::from_base64(&base64::engine::general_purpose::STANDARD.encode(&*ring.to_bytes()))
            .unwrap()
    }

    /// A chained role session with every optional part set.
    fn role_session() -> SessionClaims {
        SessionClaims {
            account_id: "111122223333".into(),
            principal: SessionPrincipal::AssumedRole {
                role_arn: "arn:aws:iam::111122223333:role/team/app/Deploy".into(),
                role_id: "AROAEXAMPLE".into(),
                session_name: "s1".into(),
                assumed_role_arn: "arn:aws:sts::111122223333:assumed-role/Deploy/s1".into(),
                identity_provider: None,
            },
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: SecretAccessKey::new("s".into()),
            issued_at: 1,
            expires_at: 2,
            session_policy: Some("{}".into()),
            session_policy_arns: vec!["arn:aws:iam::111122223333:policy/p".into()],
            tags: vec![("k".into(), "v".into())],
            transitive_tag_keys: vec!["k".into()],
            source_identity: Some("me".into()),
            mfa: Some(MfaContext {
                authenticated_at: 1,
            }),
            chain_depth: 1,
            source_principal_arn: "arn:aws:iam::444455556666:user/vendor".into(),
        }
    }

    #[test]
    fn mints_fresh_credentials_and_seals_the_session() {
        let sealer = sealer();
        let original = role_session();
        let (minted, session) = mint(&sealer, original.clone()).unwrap();
        // Only the key id and the secret change.
        assert_eq!(
            session,
            SessionClaims {
                access_key_id: minted.access_key_id.clone(),
                secret_access_key: SecretAccessKey::new(minted.secret_access_key.clone()),
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
        let role = opened.role().unwrap();
        assert_eq!(
            (role.name, role.path, role.id),
            ("Deploy", "/team/app/", "AROAEXAMPLE")
        );
        assert_eq!(opened.user_id(), "AROAEXAMPLE:s1");

        let (again, _) = mint(&sealer, original).unwrap();
        assert_ne!(again.access_key_id, minted.access_key_id);
        assert_ne!(again.secret_access_key, minted.secret_access_key);
    }

    #[test]
    fn refuses_a_bad_account() {
        let session = SessionClaims {
            account_id: "1234".into(),
            ..role_session()
        };
        assert_eq!(
            mint(&sealer(), session).unwrap_err(),
            TokenError::InvalidAccountId("1234".into())
        );
    }
}
