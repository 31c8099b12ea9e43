//! Rolegate's STS and IAM service. The folders follow a request through the server, and
//! [`pipeline`] calls them in order: receive → authenticate → dispatch → run the [`operation`]
//! (parse, authorize, act) → audit → respond. Every failure reaches the wire through the one
//! table in [`error`].
//!
//! `serve` is the whole program behind `rolegate serve`: it opens the data directory (SQLite
//! store, key ring, audit log), applies the bootstrap file, and answers AWS's Query protocol.

mod audit;
mod authenticate;
mod authorize;
pub mod bootstrap;
mod connections;
mod credentials;
mod directory;
mod dispatch;
mod error;
mod last_used;
mod operation;
mod operations;
mod pipeline;
mod pki;
mod receive;
mod respond;
mod server;
mod state;

pub use server::{ConnectionLimits, ServerConfig, ServerError, Service, serve};
