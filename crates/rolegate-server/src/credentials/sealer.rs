//! The server's key ring: loaded from `<data-dir>/keyring` (created with mode 0600 on first
//! start) or from `ROLEGATE_KEYRING` (base64 of the same bytes), and the operations the server
//! needs from it — sealing and opening session tokens, encrypting secrets at rest.

use std::fmt;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rolegate_tokens::{KeyRing, SessionClaims, SessionPrincipal, TokenError, TokenNonce};

/// Why the key ring could not be loaded or used.
#[derive(Debug, thiserror::Error)]
pub enum SealerError {
    #[error("key ring file {path}: {message}")]
    File { path: String, message: String },
    #[error(transparent)]
    Token(#[from] TokenError),
}

/// The key ring, with the server's operations on it.
pub struct Sealer {
    ring: KeyRing,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer")
            .field("key_ids", &self.ring.key_ids())
            .finish()
    }
}

/// Writes a new file readable by its owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

impl Sealer {
    /// A key ring given as base64 text (`ROLEGATE_KEYRING`).
    pub fn from_base64(text: &str) -> Result<Self, SealerError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|e| SealerError::File {
                path: "ROLEGATE_KEYRING".into(),
                message: e.to_string(),
            })?;
        Ok(Self {
            ring: KeyRing::from_bytes(&bytes)?,
        })
    }

    /// Loads the key ring from `path`, creating it (mode 0600) if absent.
    pub fn load_or_create(path: &Path, now: i64) -> Result<Self, SealerError> {
        let file_error = |e: std::io::Error| SealerError::File {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        match std::fs::read(path) {
            Ok(bytes) => Ok(Self {
                ring: KeyRing::from_bytes(&bytes)?,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let ring = KeyRing::generate(now)?;
                write_private(path, &ring.to_bytes()).map_err(file_error)?;
                Ok(Self { ring })
            }
            Err(e) => Err(file_error(e)),
        }
    }

    /// Seals a session into its token, with the nonce drawn together with its credentials (see
    /// [`rolegate_tokens::TemporaryCredentials`]).
    pub fn seal_with_nonce(
        &self,
        session: &SessionClaims,
        nonce: TokenNonce,
    ) -> Result<String, TokenError> {
        self.ring.seal_with_nonce(session, nonce)
    }

    /// Opens a token presented with `access_key_id` at `now` (Unix s); a session of a kind this
    /// server does not issue (a federated user's) is refused.
    pub fn open(
        &self,
        token: &str,
        access_key_id: &str,
        now: i64,
    ) -> Result<SessionClaims, TokenError> {
        let claims = self.ring.open(token, access_key_id, now)?;
        match claims.principal {
            SessionPrincipal::FederatedUser { .. } => Err(TokenError::InvalidToken),
            _ => Ok(claims),
        }
    }

    /// Encrypts a long-term secret for storage, bound to what it belongs to.
    pub fn seal_secret(&self, secret: &str, owner: &str) -> Result<Vec<u8>, TokenError> {
        rolegate_tokens::encrypt_at_rest(secret, self.ring.at_rest_key(), owner)
            .map(String::into_bytes)
    }

    pub fn open_secret(&self, sealed: &[u8], owner: &str) -> Result<String, TokenError> {
        let text = std::str::from_utf8(sealed).map_err(|_| TokenError::AtRest)?;
        rolegate_tokens::decrypt_at_rest(text, self.ring.at_rest_key(), owner)
            .map(|s| s.to_string())
    }
}
