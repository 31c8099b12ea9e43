//! Accounts, their alias and their counts.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{SqliteStore, from_unix, or_already_exists, unix};
use crate::{Account, AccountCounts, Accounts, EntityKind, StoreError};

fn account_from_row(row: &SqliteRow) -> Result<Account, StoreError> {
    Ok(Account {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        organization_id: row.try_get("organization_id")?,
        ou_path: row.try_get("ou_path")?,
        created_at: from_unix(row.try_get("created_at")?)?,
    })
}

/// One count per `AccountCounts` member, in its order.
const COUNTS: &str = "SELECT \
    (SELECT COUNT(*) FROM users WHERE account_id = ?1), \
    (SELECT COUNT(*) FROM groups WHERE account_id = ?1), \
    (SELECT COUNT(*) FROM roles WHERE account_id = ?1), \
    (SELECT COUNT(*) FROM instance_profiles WHERE account_id = ?1), \
    (SELECT COUNT(*) FROM managed_policies WHERE account_id = ?1), \
    (SELECT COUNT(*) FROM attached_policies WHERE account_id = ?1), \
    (SELECT COUNT(*) FROM mfa_devices WHERE account_id = ?1), \
    (SELECT COUNT(*) FROM mfa_devices WHERE account_id = ?1 AND user_name IS NOT NULL), \
    (SELECT COUNT(*) FROM access_keys WHERE account_id = ?1 AND owner_kind = 'root'), \
    (SELECT COUNT(*) FROM server_certificates WHERE account_id = ?1), \
    (SELECT COUNT(*) FROM signing_certificates WHERE account_id = ?1 AND owner_kind = 'root')";

#[async_trait]
impl Accounts for SqliteStore {
    async fn ensure_account(&self, account: &Account) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "INSERT INTO accounts (id, name, organization_id, ou_path, created_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&account.id)
        .bind(&account.name)
        .bind(&account.organization_id)
        .bind(&account.ou_path)
        .bind(unix(account.created_at))
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn get_account(&self, id: &str) -> Result<Account, StoreError> {
        let row = sqlx::query("SELECT * FROM accounts WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::Account, id))?;
        account_from_row(&row)
    }

    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows = sqlx::query("SELECT * FROM accounts ORDER BY id")
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(account_from_row).collect()
    }

    async fn account_counts(&self, account_id: &str) -> Result<AccountCounts, StoreError> {
        let row = sqlx::query(COUNTS)
            .bind(account_id)
            .fetch_one(&self.reader)
            .await?;
        let count = |i: usize| -> Result<u64, StoreError> {
            let n: i64 = row.try_get(i)?;
            Ok(u64::try_from(n).unwrap_or(0))
        };
        Ok(AccountCounts {
            users: count(0)?,
            groups: count(1)?,
            roles: count(2)?,
            instance_profiles: count(3)?,
            policies: count(4)?,
            policy_versions_in_use: count(5)?,
            mfa_devices: count(6)?,
            mfa_devices_in_use: count(7)?,
            root_access_keys: count(8)?,
            server_certificates: count(9)?,
            root_signing_certificates: count(10)?,
        })
    }

    async fn set_account_alias(&self, account_id: &str, alias: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let holder: Option<String> =
            sqlx::query_scalar("SELECT account_id FROM account_aliases WHERE alias = ?")
                .bind(alias)
                .fetch_optional(&mut *tx)
                .await?;
        match holder {
            // Setting the alias the account already has changes nothing.
            Some(holder) if holder == account_id => return Ok(()),
            Some(_) => return Err(StoreError::already_exists(EntityKind::AccountAlias, alias)),
            None => {}
        }
        sqlx::query("DELETE FROM account_aliases WHERE account_id = ?")
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        let inserted = sqlx::query("INSERT INTO account_aliases (alias, account_id) VALUES (?, ?)")
            .bind(alias)
            .bind(account_id)
            .execute(&mut *tx)
            .await;
        or_already_exists(inserted, EntityKind::AccountAlias, alias)?;
        self.commit(tx).await
    }

    async fn delete_account_alias(&self, account_id: &str, alias: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM account_aliases WHERE alias = ? AND account_id = ?")
            .bind(alias)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::AccountAlias, alias));
        }
        self.commit(tx).await
    }

    async fn list_account_aliases(&self, account_id: &str) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT alias FROM account_aliases WHERE account_id = ?")
                .bind(account_id)
                .fetch_all(&self.reader)
                .await?,
        )
    }
}
