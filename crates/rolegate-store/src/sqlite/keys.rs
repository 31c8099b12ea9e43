//! Long-term access keys of roots, users and service identities.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{SqliteStore, ensure_identity, from_unix, or_already_exists, unix, within_quota};
use crate::{AccessKey, AccessKeys, EntityKind, Identity, KeyOwner, KeyStatus, Quota, StoreError};

pub(super) fn access_key_from_row(row: &SqliteRow) -> Result<AccessKey, StoreError> {
    let kind: String = row.try_get("owner_kind")?;
    let name: Option<String> = row.try_get("owner_name")?;
    let owner = match (kind.as_str(), name) {
        ("root", _) => KeyOwner::Root,
        ("user", Some(name)) => KeyOwner::User(name),
        ("service", Some(name)) => KeyOwner::Service(name),
        (other, _) => {
            return Err(StoreError::Corrupt(format!(
                "access key owner kind {other}"
            )));
        }
    };
    let status: String = row.try_get("status")?;
    Ok(AccessKey {
        access_key_id: row.try_get("access_key_id")?,
        account_id: row.try_get("account_id")?,
        owner,
        secret_sealed: row.try_get("secret_sealed")?,
        status: KeyStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("access key status {status}")))?,
        created_at: from_unix(row.try_get("created_at")?)?,
    })
}

/// `(owner_kind, owner_name)` as the table stores them. Every query below picks one owner's
/// keys with `owner_kind = ?2 AND (owner_kind = 'root' OR owner_name = ?3)`; names compare
/// case-insensitively (the column's collation).
fn owner_columns(owner: &KeyOwner) -> (&'static str, Option<&str>) {
    match owner {
        KeyOwner::Root => ("root", None),
        KeyOwner::User(name) => ("user", Some(name.as_str())),
        KeyOwner::Service(name) => ("service", Some(name.as_str())),
    }
}

#[async_trait]
impl AccessKeys for SqliteStore {
    async fn create_access_key(&self, key: &AccessKey) -> Result<(), StoreError> {
        let (kind, name) = owner_columns(&key.owner);
        let mut tx = self.begin().await?;
        let stored_name = match &key.owner {
            KeyOwner::User(user) => {
                Some(ensure_identity(&mut tx, &Identity::user(&key.account_id, user)).await?)
            }
            _ => name.map(str::to_owned),
        };
        if !matches!(key.owner, KeyOwner::Service(_)) {
            within_quota(
                &mut tx,
                Quota::AccessKeysPerUser,
                "SELECT COUNT(*) FROM access_keys WHERE account_id = ?1 AND owner_kind = ?2 \
                 AND (owner_kind = 'root' OR owner_name = ?3)",
                &[
                    &key.account_id,
                    kind,
                    stored_name.as_deref().unwrap_or_default(),
                ],
            )
            .await?;
        }
        let inserted = sqlx::query(
            "INSERT INTO access_keys \
             (access_key_id, account_id, owner_kind, owner_name, secret_sealed, status, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&key.access_key_id)
        .bind(&key.account_id)
        .bind(kind)
        .bind(stored_name)
        .bind(&key.secret_sealed)
        .bind(key.status.as_str())
        .bind(unix(key.created_at))
        .execute(&mut *tx)
        .await;
        or_already_exists(inserted, EntityKind::AccessKey, &key.access_key_id)?;
        self.commit(tx).await
    }

    async fn get_access_key(&self, access_key_id: &str) -> Result<AccessKey, StoreError> {
        let row = sqlx::query("SELECT * FROM access_keys WHERE access_key_id = ?")
            .bind(access_key_id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::AccessKey, access_key_id))?;
        access_key_from_row(&row)
    }

    async fn list_access_keys(
        &self,
        account_id: &str,
        owner: &KeyOwner,
    ) -> Result<Vec<AccessKey>, StoreError> {
        let (kind, name) = owner_columns(owner);
        let sql = "SELECT * FROM access_keys WHERE account_id = ?1 AND owner_kind = ?2 \
                   AND (owner_kind = 'root' OR owner_name = ?3) ORDER BY created_at, rowid";
        let rows = sqlx::query(sql)
            .bind(account_id)
            .bind(kind)
            .bind(name.unwrap_or_default())
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(access_key_from_row).collect()
    }

    async fn update_access_key_status(
        &self,
        account_id: &str,
        owner: &KeyOwner,
        access_key_id: &str,
        status: KeyStatus,
    ) -> Result<(), StoreError> {
        let (kind, name) = owner_columns(owner);
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE access_keys SET status = ?4 WHERE access_key_id = ?5 AND account_id = ?1 \
             AND owner_kind = ?2 AND (owner_kind = 'root' OR owner_name = ?3)",
        )
        .bind(account_id)
        .bind(kind)
        .bind(name.unwrap_or_default())
        .bind(status.as_str())
        .bind(access_key_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::AccessKey, access_key_id));
        }
        self.commit(tx).await
    }

    async fn delete_access_key(
        &self,
        account_id: &str,
        owner: &KeyOwner,
        access_key_id: &str,
    ) -> Result<(), StoreError> {
        let (kind, name) = owner_columns(owner);
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "DELETE FROM access_keys WHERE access_key_id = ?4 AND account_id = ?1 \
             AND owner_kind = ?2 AND (owner_kind = 'root' OR owner_name = ?3)",
        )
        .bind(account_id)
        .bind(kind)
        .bind(name.unwrap_or_default())
        .bind(access_key_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::AccessKey, access_key_id));
        }
        self.commit(tx).await
    }
}
