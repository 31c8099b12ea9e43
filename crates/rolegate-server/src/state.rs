//! What every request handler shares: the store, the cached directory of principals and
//! policies, the session key ring, the signing-key cache and the audit log.

use std::sync::Arc;

use rolegate_sigv4::SigningKeyCache;
use rolegate_store::Store;

use crate::audit::AuditLog;
use crate::credentials::Sealer;
use crate::directory::Directory;

/// Shared, immutable-after-start server state.
#[derive(Debug)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub directory: Directory,
    pub sealer: Sealer,
    pub signing_keys: SigningKeyCache,
    pub audit: AuditLog,
    /// The region reported in responses and `aws:RequestedRegion` when the scope has none.
    pub region: String,
    /// Added to the system clock (tests only: lets a black-box test reach a session's expiry).
    pub clock_offset: time::Duration,
}
