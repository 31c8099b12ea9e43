//! Runs the store conformance suite against the SQLite backend, one fresh database per check,
//! plus the SQLite-only property that data survives reopening the file.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "test helpers fail loudly"
)]

use rolegate_store::prelude::*;
use rolegate_store::{Account, SqliteStore, testkit};

async fn fresh() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_in(dir.path()).await.unwrap();
    (dir, store)
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let (_dir, store) = fresh().await;
            testkit::$name(&store).await;
        }
    )*};
}

conformance!(
    accounts_and_keys,
    users,
    groups,
    roles,
    instance_profiles,
    identity_policies,
    managed_policies,
    mfa_devices,
    login_profiles,
    ssh_public_keys,
    signing_certificates,
    server_certificates,
    service_credentials,
    cross_account_writes,
    races,
    credential_races,
    keys_in_creation_order,
    last_used,
    credential_reports,
    service_linked_roles,
);

#[tokio::test]
async fn state_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SqliteStore::open_in(dir.path()).await.unwrap();
        testkit::roles(&store).await;
        store
            .ensure_account(&account("444455556666"))
            .await
            .unwrap();
    }
    let store = SqliteStore::open_in(dir.path()).await.unwrap();
    assert_eq!(store.list_accounts().await.unwrap().len(), 2);
}

fn account(id: &str) -> Account {
    Account {
        id: id.to_owned(),
        name: id.to_owned(),
        organization_id: None,
        ou_path: None,
        created_at: time::OffsetDateTime::UNIX_EPOCH,
    }
}

/// Two processes over one database file (two stores here): a write through one is seen by the
/// other as soon as it reads the generation, so neither keeps serving a stale cache.
#[tokio::test]
async fn the_generation_is_shared_through_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let one = SqliteStore::open_in(dir.path()).await.unwrap();
    let other = SqliteStore::open_in(dir.path()).await.unwrap();
    let seen = other.generation();
    one.ensure_account(&account("111122223333")).await.unwrap();
    assert_eq!(other.generation(), seen, "nothing moves until it is read");
    let refreshed = other.refresh_generation().await.unwrap();
    assert!(refreshed > seen);
    assert_eq!(refreshed, one.generation());
    // And the other way round: generations only grow, whoever writes.
    other
        .ensure_account(&account("444455556666"))
        .await
        .unwrap();
    assert!(one.refresh_generation().await.unwrap() > refreshed);
}

/// The database and its WAL are readable by their owner only.
#[cfg(unix)]
#[tokio::test]
async fn database_files_are_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_in(dir.path()).await.unwrap();
    store
        .ensure_account(&account("111122223333"))
        .await
        .unwrap();
    for name in ["rolegate.sqlite3", "rolegate.sqlite3-wal"] {
        let mode = std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }
}
