//! The newest use of access keys and roles, upserted in batches. These writes change nothing a
//! cache holds, so they commit without moving the generation.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{SqliteStore, from_unix, unix};
use crate::{AccessKeyUse, LastUsed, RoleUse, StoreError};

fn key_use_from_row(row: &SqliteRow) -> Result<AccessKeyUse, StoreError> {
    Ok(AccessKeyUse {
        access_key_id: row.try_get("access_key_id")?,
        used_at: from_unix(row.try_get("used_at")?)?,
        service: row.try_get("service_name")?,
        region: row.try_get("region")?,
    })
}

fn role_use_from_row(row: &SqliteRow) -> Result<RoleUse, StoreError> {
    Ok(RoleUse {
        role_id: row.try_get("role_id")?,
        used_at: from_unix(row.try_get("used_at")?)?,
        region: row.try_get("region")?,
    })
}

#[async_trait]
impl LastUsed for SqliteStore {
    async fn record_last_used(
        &self,
        keys: &[AccessKeyUse],
        roles: &[RoleUse],
    ) -> Result<(), StoreError> {
        if keys.is_empty() && roles.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        for key in keys {
            // The `WHERE` both drops a use of a key deleted since and keeps SQLite's parser
            // from reading `ON CONFLICT` as a join constraint.
            sqlx::query(
                "INSERT INTO access_key_last_used (access_key_id, used_at, service_name, region) \
                 SELECT ?1, ?2, ?3, ?4 \
                 WHERE EXISTS (SELECT 1 FROM access_keys WHERE access_key_id = ?1) \
                 ON CONFLICT (access_key_id) DO UPDATE SET used_at = excluded.used_at, \
                   service_name = excluded.service_name, region = excluded.region \
                 WHERE excluded.used_at >= access_key_last_used.used_at",
            )
            .bind(&key.access_key_id)
            .bind(unix(key.used_at))
            .bind(&key.service)
            .bind(&key.region)
            .execute(&mut *tx)
            .await?;
        }
        for role in roles {
            sqlx::query(
                "INSERT INTO role_last_used (role_id, used_at, region) \
                 SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM roles WHERE role_id = ?1) \
                 ON CONFLICT (role_id) DO UPDATE SET used_at = excluded.used_at, \
                   region = excluded.region \
                 WHERE excluded.used_at >= role_last_used.used_at",
            )
            .bind(&role.role_id)
            .bind(unix(role.used_at))
            .bind(&role.region)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn access_key_last_used(
        &self,
        access_key_id: &str,
    ) -> Result<Option<AccessKeyUse>, StoreError> {
        let row = sqlx::query("SELECT * FROM access_key_last_used WHERE access_key_id = ?")
            .bind(access_key_id)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(key_use_from_row).transpose()
    }

    async fn role_last_used(&self, role_id: &str) -> Result<Option<RoleUse>, StoreError> {
        let row = sqlx::query("SELECT * FROM role_last_used WHERE role_id = ?")
            .bind(role_id)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(role_use_from_row).transpose()
    }

    async fn access_key_uses(&self, account_id: &str) -> Result<Vec<AccessKeyUse>, StoreError> {
        let rows = sqlx::query(
            "SELECT u.* FROM access_key_last_used u \
             JOIN access_keys k ON k.access_key_id = u.access_key_id WHERE k.account_id = ?",
        )
        .bind(account_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(key_use_from_row).collect()
    }

    async fn role_uses(&self, account_id: &str) -> Result<Vec<RoleUse>, StoreError> {
        let rows = sqlx::query(
            "SELECT u.* FROM role_last_used u JOIN roles r ON r.role_id = u.role_id \
             WHERE r.account_id = ?",
        )
        .bind(account_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(role_use_from_row).collect()
    }
}
