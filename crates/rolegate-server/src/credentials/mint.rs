//! Minting temporary credentials: a fresh `ASIA…` key id for the session's account, a random
//! secret, and the session sealed into the token.

use rolegate_tokens::TokenError;
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
    session.access_key_id = rolegate_tokens::new_temporary_access_key_id(&session.account_id)?;
    session.secret_access_key = super::new_secret_access_key()?;
    let session_token = sealer.seal(&session)?;
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
