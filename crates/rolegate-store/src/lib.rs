//! Rolegate's storage: one `Store` trait over typed IAM rows, and the embedded SQLite backend.
//!
//! The store knows rows, uniqueness and transactions, not AWS wording: it reports *what* is
//! missing or duplicated (`StoreError`), and the server turns that into IAM's exact messages.

mod error;
mod model;
mod sqlite;
mod store;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use error::{EntityKind, StoreError};
pub use model::{
    AccessKey, Account, Entity, KeyOwner, KeyStatus, ManagedPolicy, MfaDevice, PolicyScope,
    PolicyVersion, Principal, PrincipalKind, Role, RoleUpdate, Tag, User, UserUpdate,
};
pub use sqlite::SqliteStore;
pub use store::Store;
