//! Users' service-specific credentials.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{SqliteStore, ensure_identity, from_unix, key_status, or_already_exists, unix};
use crate::{
    EntityKind, Identity, KeyStatus, Quota, ServiceCredential, ServiceCredentials, StoreError,
};

fn credential_from_row(row: &SqliteRow) -> Result<ServiceCredential, StoreError> {
    let status: String = row.try_get("status")?;
    let slot: i64 = row.try_get("slot")?;
    let expires_at: Option<i64> = row.try_get("expires_at")?;
    Ok(ServiceCredential {
        account_id: row.try_get("account_id")?,
        user_name: row.try_get("user_name")?,
        credential_id: row.try_get("credential_id")?,
        service_name: row.try_get("service_name")?,
        slot: u8::try_from(slot)
            .map_err(|_| StoreError::Corrupt(format!("service credential slot {slot}")))?,
        secret_sealed: row.try_get("secret_sealed")?,
        status: key_status(&status)?,
        created_at: from_unix(row.try_get("created_at")?)?,
        expires_at: expires_at.map(from_unix).transpose()?,
    })
}

const ONE: &str = "SELECT * FROM service_credentials \
                   WHERE credential_id = ? AND account_id = ? AND user_name = ?";

#[async_trait]
impl ServiceCredentials for SqliteStore {
    async fn create_service_credential(
        &self,
        credential: &ServiceCredential,
    ) -> Result<ServiceCredential, StoreError> {
        let mut tx = self.begin().await?;
        let user = ensure_identity(
            &mut tx,
            &Identity::user(&credential.account_id, &credential.user_name),
        )
        .await?;
        let taken: Vec<i64> = sqlx::query_scalar(
            "SELECT slot FROM service_credentials \
             WHERE account_id = ? AND user_name = ? AND service_name = ?",
        )
        .bind(&credential.account_id)
        .bind(&user)
        .bind(&credential.service_name)
        .fetch_all(&mut *tx)
        .await?;
        let quota = Quota::ServiceSpecificCredentialsPerUserPerService;
        let slot = (0..quota.limit())
            .filter_map(|slot| u8::try_from(slot).ok())
            .find(|slot| !taken.contains(&i64::from(*slot)))
            .ok_or(StoreError::LimitExceeded { quota })?;
        let inserted = sqlx::query(
            "INSERT INTO service_credentials (credential_id, account_id, user_name, service_name, \
             slot, secret_sealed, status, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&credential.credential_id)
        .bind(&credential.account_id)
        .bind(&user)
        .bind(&credential.service_name)
        .bind(i64::from(slot))
        .bind(&credential.secret_sealed)
        .bind(credential.status.as_str())
        .bind(unix(credential.created_at))
        .bind(credential.expires_at.map(unix))
        .execute(&mut *tx)
        .await;
        or_already_exists(
            inserted,
            EntityKind::ServiceCredential,
            &credential.credential_id,
        )?;
        self.commit(tx).await?;
        Ok(ServiceCredential {
            user_name: user,
            slot,
            ..credential.clone()
        })
    }

    async fn list_service_credentials(
        &self,
        account_id: &str,
        user_name: Option<&str>,
        service_name: Option<&str>,
    ) -> Result<Vec<ServiceCredential>, StoreError> {
        if let Some(user) = user_name {
            let found: Option<String> =
                sqlx::query_scalar("SELECT name FROM users WHERE account_id = ? AND name = ?")
                    .bind(account_id)
                    .bind(user)
                    .fetch_optional(&self.reader)
                    .await?;
            if found.is_none() {
                return Err(StoreError::not_found(EntityKind::User, user));
            }
        }
        let rows = sqlx::query(
            "SELECT * FROM service_credentials WHERE account_id = ?1 \
             AND (?2 IS NULL OR user_name = ?2) AND (?3 IS NULL OR service_name = ?3) \
             ORDER BY user_name COLLATE NOCASE, created_at, rowid",
        )
        .bind(account_id)
        .bind(user_name)
        .bind(service_name)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(credential_from_row).collect()
    }

    async fn reset_service_credential(
        &self,
        account_id: &str,
        user_name: &str,
        credential_id: &str,
        secret_sealed: &[u8],
    ) -> Result<ServiceCredential, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE service_credentials SET secret_sealed = ? \
             WHERE credential_id = ? AND account_id = ? AND user_name = ?",
        )
        .bind(secret_sealed)
        .bind(credential_id)
        .bind(account_id)
        .bind(user_name)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(
                EntityKind::ServiceCredential,
                credential_id,
            ));
        }
        let row = sqlx::query(ONE)
            .bind(credential_id)
            .bind(account_id)
            .bind(user_name)
            .fetch_one(&mut *tx)
            .await?;
        let credential = credential_from_row(&row)?;
        self.commit(tx).await?;
        Ok(credential)
    }

    async fn update_service_credential_status(
        &self,
        account_id: &str,
        user_name: &str,
        credential_id: &str,
        status: KeyStatus,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE service_credentials SET status = ? \
             WHERE credential_id = ? AND account_id = ? AND user_name = ?",
        )
        .bind(status.as_str())
        .bind(credential_id)
        .bind(account_id)
        .bind(user_name)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(
                EntityKind::ServiceCredential,
                credential_id,
            ));
        }
        self.commit(tx).await
    }

    async fn delete_service_credential(
        &self,
        account_id: &str,
        user_name: &str,
        credential_id: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "DELETE FROM service_credentials \
             WHERE credential_id = ? AND account_id = ? AND user_name = ?",
        )
        .bind(credential_id)
        .bind(account_id)
        .bind(user_name)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(
                EntityKind::ServiceCredential,
                credential_id,
            ));
        }
        self.commit(tx).await
    }
}
