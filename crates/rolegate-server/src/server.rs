//! Starting and stopping the service: data directory (SQLite store, key ring, audit log),
//! bootstrap, listener, and graceful shutdown on SIGINT/SIGTERM (in-flight requests finish,
//! the last-used records are written, the audit log is flushed and synced).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use rolegate_sigv4::SigningKeyCache;
use rolegate_store::{SqliteStore, Store};

use crate::audit::AuditLog;
pub use crate::connections::ConnectionLimits;
use crate::connections::Workers;
use crate::credentials::Sealer;
use crate::directory::Directory;
use crate::last_used::{Flusher, Tracker};
use crate::state::AppState;
use crate::{bootstrap, receive};

/// How `rolegate serve` was asked to run.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub bootstrap: Option<PathBuf>,
    /// Without a bootstrap file, create account 000000000000 with root key `test`/`test`.
    pub dev: bool,
    /// A key ring given in the environment (`ROLEGATE_KEYRING`, base64 of a key-ring file)
    /// instead of the data dir file.
    pub keyring: Option<String>,
    /// Seconds added to the clock; for tests that must reach a session's expiry.
    pub clock_offset_seconds: i64,
    /// Threads serving connections (each connection stays on one).
    pub workers: usize,
    /// How long connections may idle and how many there may be.
    pub limits: ConnectionLimits,
}

/// Why the server could not start (or stopped abnormally).
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("key ring: {0}")]
    KeyRing(String),
    #[error("store: {0}")]
    Store(#[from] rolegate_store::StoreError),
    #[error("bootstrap: {0}")]
    Bootstrap(#[from] bootstrap::BootstrapError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Serve(std::io::Error),
}

/// A service with its data directory open and its bootstrap applied, not yet listening.
#[derive(Debug)]
pub struct Service {
    state: Arc<AppState>,
    audit_writer: std::thread::JoinHandle<()>,
    last_used: Flusher,
}

impl Service {
    /// Opens the data directory (key ring, SQLite store, audit log) and applies the bootstrap
    /// file, or the dev account.
    pub async fn open(config: &ServerConfig) -> Result<Self, ServerError> {
        let data_dir = &config.data_dir;
        std::fs::create_dir_all(data_dir).map_err(|source| ServerError::DataDir {
            path: data_dir.clone(),
            source,
        })?;
        let sealer = match &config.keyring {
            Some(text) => Sealer::from_base64(text),
            None => Sealer::load_or_create(
                &data_dir.join("keyring"),
                time::OffsetDateTime::now_utc().unix_timestamp(),
            ),
        }
        .map_err(|e| ServerError::KeyRing(e.to_string()))?;
        let store: Arc<dyn Store> =
            Arc::new(SqliteStore::open(&data_dir.join("rolegate.sqlite3")).await?);
        let audit_path = data_dir.join("audit.jsonl");
        let (audit, audit_writer) =
            AuditLog::open(&audit_path).map_err(|source| ServerError::DataDir {
                path: audit_path.clone(),
                source,
            })?;
        let state = Arc::new(AppState {
            directory: Directory::new(Arc::clone(&store)),
            store,
            last_used: Arc::new(Tracker::default()),
            sealer,
            signing_keys: SigningKeyCache::new(4096),
            audit,
            region: "us-east-1".to_owned(),
            clock_offset: time::Duration::seconds(config.clock_offset_seconds),
        });

        match &config.bootstrap {
            Some(path) => {
                let report = bootstrap::apply_file(&state, path).await?;
                println!("rolegate: bootstrap {}: {report}", path.display());
            }
            None if config.dev => {
                let report = bootstrap::apply_dev(&state).await?;
                let (user_key, user_secret) = bootstrap::DEV_USER_KEY;
                let (root_key, root_secret) = bootstrap::DEV_ROOT_KEY;
                println!(
                    "rolegate: dev mode: account {}, user {} (AdministratorAccess) access key {user_key} / secret {user_secret}; root access key {root_key} / secret {root_secret} ({report})",
                    bootstrap::DEV_ACCOUNT,
                    bootstrap::DEV_USER,
                );
            }
            None => {}
        }
        // Started once the service can start at all, so a failed start leaves no task behind.
        let last_used = Flusher::start(Arc::clone(&state.last_used), Arc::clone(&state.store));
        Ok(Self {
            state,
            audit_writer,
            last_used,
        })
    }

    /// The HTTP application: routes, layers and the pipeline behind them. It expects each
    /// request to carry the peer address as `ConnectInfo<SocketAddr>`.
    pub fn router(&self) -> axum::Router {
        receive::router(Arc::clone(&self.state))
    }

    /// Writes the last-used records one last time, then flushes and syncs the audit log once
    /// every router handed out is dropped.
    pub async fn close(self) {
        self.last_used.stop().await;
        // Dropping the last sender ends the audit writer, which flushes and syncs.
        drop(self.state);
        let writer = self.audit_writer;
        let _ = tokio::task::spawn_blocking(move || writer.join()).await;
    }
}

/// Runs the server until SIGINT or SIGTERM. The caller's runtime opens the service and accepts
/// connections; the requests are served on `config.workers` threads of their own.
pub async fn serve(config: ServerConfig) -> Result<(), ServerError> {
    let service = Service::open(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Listen {
            addr: config.listen,
            source,
        })?;
    let local = listener.local_addr().map_err(ServerError::Serve)?;
    println!(
        "rolegate: listening on http://{local} (data in {})",
        config.data_dir.display()
    );
    tracing::info!(%local, "listening");

    let mut workers = Workers::start(config.workers, &service.router(), config.limits)
        .map_err(ServerError::Serve)?;
    workers.accept_until(listener, shutdown_signal()).await;
    workers.stop().await;

    service.close().await;
    println!("rolegate: stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
