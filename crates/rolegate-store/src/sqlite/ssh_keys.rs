//! Users' SSH public keys.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{
    SqliteStore, ensure_identity, from_unix, key_status, or_already_exists, unix, within_quota,
};
use crate::{EntityKind, Identity, KeyStatus, Quota, SshPublicKey, SshPublicKeys, StoreError};

fn key_from_row(row: &SqliteRow) -> Result<SshPublicKey, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(SshPublicKey {
        account_id: row.try_get("account_id")?,
        user_name: row.try_get("user_name")?,
        key_id: row.try_get("key_id")?,
        fingerprint: row.try_get("fingerprint")?,
        body: row.try_get("body")?,
        status: key_status(&status)?,
        uploaded_at: from_unix(row.try_get("uploaded_at")?)?,
    })
}

#[async_trait]
impl SshPublicKeys for SqliteStore {
    async fn upload_ssh_public_key(&self, key: &SshPublicKey) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let user =
            ensure_identity(&mut tx, &Identity::user(&key.account_id, &key.user_name)).await?;
        let duplicate: bool = sqlx::query_scalar(
            "SELECT EXISTS(SELECT 1 FROM ssh_public_keys \
             WHERE account_id = ? AND user_name = ? AND body = ?)",
        )
        .bind(&key.account_id)
        .bind(&user)
        .bind(&key.body)
        .fetch_one(&mut *tx)
        .await?;
        if duplicate {
            return Err(StoreError::already_exists(
                EntityKind::SshPublicKey,
                &key.fingerprint,
            ));
        }
        within_quota(
            &mut tx,
            Quota::SshPublicKeysPerUser,
            "SELECT COUNT(*) FROM ssh_public_keys WHERE account_id = ? AND user_name = ?",
            &[&key.account_id, &user],
        )
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO ssh_public_keys \
             (key_id, account_id, user_name, fingerprint, body, status, uploaded_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&key.key_id)
        .bind(&key.account_id)
        .bind(&user)
        .bind(&key.fingerprint)
        .bind(&key.body)
        .bind(key.status.as_str())
        .bind(unix(key.uploaded_at))
        .execute(&mut *tx)
        .await;
        or_already_exists(inserted, EntityKind::SshPublicKey, &key.fingerprint)?;
        self.commit(tx).await
    }

    async fn get_ssh_public_key(
        &self,
        account_id: &str,
        user_name: &str,
        key_id: &str,
    ) -> Result<SshPublicKey, StoreError> {
        let row = sqlx::query(
            "SELECT * FROM ssh_public_keys WHERE key_id = ? AND account_id = ? AND user_name = ?",
        )
        .bind(key_id)
        .bind(account_id)
        .bind(user_name)
        .fetch_optional(&self.reader)
        .await?
        .ok_or_else(|| StoreError::not_found(EntityKind::SshPublicKey, key_id))?;
        key_from_row(&row)
    }

    async fn list_ssh_public_keys(
        &self,
        account_id: &str,
        user_name: &str,
    ) -> Result<Vec<SshPublicKey>, StoreError> {
        let user: Option<String> =
            sqlx::query_scalar("SELECT name FROM users WHERE account_id = ? AND name = ?")
                .bind(account_id)
                .bind(user_name)
                .fetch_optional(&self.reader)
                .await?;
        let user = user.ok_or_else(|| StoreError::not_found(EntityKind::User, user_name))?;
        let rows = sqlx::query(
            "SELECT * FROM ssh_public_keys WHERE account_id = ? AND user_name = ? \
             ORDER BY uploaded_at, rowid",
        )
        .bind(account_id)
        .bind(&user)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(key_from_row).collect()
    }

    async fn update_ssh_public_key_status(
        &self,
        account_id: &str,
        user_name: &str,
        key_id: &str,
        status: KeyStatus,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE ssh_public_keys SET status = ? \
             WHERE key_id = ? AND account_id = ? AND user_name = ?",
        )
        .bind(status.as_str())
        .bind(key_id)
        .bind(account_id)
        .bind(user_name)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::SshPublicKey, key_id));
        }
        self.commit(tx).await
    }

    async fn delete_ssh_public_key(
        &self,
        account_id: &str,
        user_name: &str,
        key_id: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "DELETE FROM ssh_public_keys WHERE key_id = ? AND account_id = ? AND user_name = ?",
        )
        .bind(key_id)
        .bind(account_id)
        .bind(user_name)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::SshPublicKey, key_id));
        }
        self.commit(tx).await
    }
}
