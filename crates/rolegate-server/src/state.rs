//! What every request handler shares: the store, the cached directory of principals and
//! policies, the session key ring, the signing-key cache, the audit log and the unflushed
//! last-used records.

use std::sync::Arc;

use rolegate_sigv4::SigningKeyCache;
use rolegate_store::Store;

use crate::audit::AuditLog;
use crate::credentials::Sealer;
use crate::directory::Directory;
use crate::last_used::Tracker;

/// Shared, immutable-after-start server state.
#[derive(Debug)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub directory: Directory,
    pub sealer: Sealer,
    pub signing_keys: SigningKeyCache,
    pub audit: AuditLog,
    /// Uses of long-term keys and roles not yet written to the store.
    pub last_used: Arc<Tracker>,
    /// The region reported in responses and `aws:RequestedRegion` when the scope has none.
    pub region: String,
    /// Added to the system clock (tests only: lets a black-box test reach a session's expiry).
    pub clock_offset: time::Duration,
}
