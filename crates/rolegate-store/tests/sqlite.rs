//! Runs the store conformance suite against the SQLite backend, one fresh database per check,
//! plus the SQLite-only property that data survives reopening the file.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use rolegate_store::{Account, SqliteStore, Store, testkit};

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
    roles,
    principal_policies,
    managed_policies,
    mfa_devices,
    cross_account_writes
);

#[tokio::test]
async fn state_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SqliteStore::open_in(dir.path()).await.unwrap();
        testkit::roles(&store).await;
        let account = Account {
            id: "444455556666".to_owned(),
            name: "b".to_owned(),
            organization_id: None,
            ou_path: None,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
        };
        store.ensure_account(&account).await.unwrap();
    }
    let store = SqliteStore::open_in(dir.path()).await.unwrap();
    assert_eq!(store.list_accounts().await.unwrap().len(), 2);
}
