//! Virtual MFA devices and the TOTP steps they have used.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use time::OffsetDateTime;

use super::{SqliteStore, ensure_identity, from_unix, or_already_exists, step_to_i64, unix};
use crate::{Blocker, EntityKind, Identity, MfaDevice, MfaDevices, StoreError};

fn mfa_from_row(row: &SqliteRow) -> Result<MfaDevice, StoreError> {
    let enabled_at: Option<i64> = row.try_get("enabled_at")?;
    let step: Option<i64> = row.try_get("last_used_step")?;
    Ok(MfaDevice {
        serial_number: row.try_get("serial_number")?,
        account_id: row.try_get("account_id")?,
        seed_sealed: row.try_get("seed_sealed")?,
        user_name: row.try_get("user_name")?,
        enabled_at: enabled_at.map(from_unix).transpose()?,
        last_used_step: step.and_then(|s| u64::try_from(s).ok()),
        created_at: from_unix(row.try_get("created_at")?)?,
    })
}

#[async_trait]
impl MfaDevices for SqliteStore {
    async fn create_mfa_device(&self, device: &MfaDevice) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO mfa_devices (serial_number, account_id, seed_sealed, user_name, enabled_at, \
             last_used_step, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&device.serial_number)
        .bind(&device.account_id)
        .bind(&device.seed_sealed)
        .bind(&device.user_name)
        .bind(device.enabled_at.map(unix))
        .bind(device.last_used_step.map(step_to_i64).transpose()?)
        .bind(unix(device.created_at))
        .execute(&mut *tx)
        .await;
        or_already_exists(inserted, EntityKind::MfaDevice, &device.serial_number)?;
        self.commit(tx).await
    }

    async fn get_mfa_device(&self, serial_number: &str) -> Result<MfaDevice, StoreError> {
        let row = sqlx::query("SELECT * FROM mfa_devices WHERE serial_number = ?")
            .bind(serial_number)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::MfaDevice, serial_number))?;
        mfa_from_row(&row)
    }

    async fn list_mfa_devices(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> Result<Vec<MfaDevice>, StoreError> {
        let rows = match user_name {
            Some(user) => {
                sqlx::query(
                    "SELECT * FROM mfa_devices WHERE account_id = ? AND user_name = ? \
                     ORDER BY serial_number",
                )
                .bind(account_id)
                .bind(user)
                .fetch_all(&self.reader)
                .await?
            }
            None => {
                sqlx::query("SELECT * FROM mfa_devices WHERE account_id = ? ORDER BY serial_number")
                    .bind(account_id)
                    .fetch_all(&self.reader)
                    .await?
            }
        };
        rows.iter().map(mfa_from_row).collect()
    }

    async fn enable_mfa_device(
        &self,
        account_id: &str,
        serial_number: &str,
        user_name: &str,
        step: u64,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let user = ensure_identity(&mut tx, &Identity::user(account_id, user_name)).await?;
        let row = sqlx::query(
            "SELECT user_name FROM mfa_devices WHERE serial_number = ? AND account_id = ?",
        )
        .bind(serial_number)
        .bind(account_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::not_found(EntityKind::MfaDevice, serial_number))?;
        let current: Option<String> = row.try_get("user_name")?;
        if current.is_some() {
            return Err(StoreError::Conflict {
                kind: EntityKind::MfaDevice,
                name: serial_number.to_owned(),
                reason: "the device is already enabled",
            });
        }
        sqlx::query(
            "UPDATE mfa_devices SET user_name = ?, enabled_at = ?, last_used_step = ? \
             WHERE serial_number = ?",
        )
        .bind(&user)
        .bind(unix(at))
        .bind(step_to_i64(step)?)
        .bind(serial_number)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    async fn deactivate_mfa_device(
        &self,
        account_id: &str,
        serial_number: &str,
        user_name: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE mfa_devices SET user_name = NULL, enabled_at = NULL \
             WHERE serial_number = ? AND account_id = ? AND user_name = ?",
        )
        .bind(serial_number)
        .bind(account_id)
        .bind(user_name)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::MfaDevice, serial_number));
        }
        self.commit(tx).await
    }

    async fn delete_mfa_device(
        &self,
        account_id: &str,
        serial_number: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let assigned: Option<Option<String>> = sqlx::query_scalar(
            "SELECT user_name FROM mfa_devices WHERE serial_number = ? AND account_id = ?",
        )
        .bind(serial_number)
        .bind(account_id)
        .fetch_optional(&mut *tx)
        .await?;
        match assigned {
            None => return Err(StoreError::not_found(EntityKind::MfaDevice, serial_number)),
            Some(Some(_)) => return Err(StoreError::blocked(Blocker::DeviceAssigned)),
            Some(None) => {}
        }
        sqlx::query(
            "DELETE FROM tags WHERE account_id = ? AND entity_kind = 'mfa' AND entity_name = ?",
        )
        .bind(account_id)
        .bind(serial_number)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM mfa_devices WHERE serial_number = ?")
            .bind(serial_number)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await
    }

    async fn use_mfa_step(&self, serial_number: &str, step: u64) -> Result<bool, StoreError> {
        let step = step_to_i64(step)?;
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE mfa_devices SET last_used_step = ? \
             WHERE serial_number = ? AND (last_used_step IS NULL OR last_used_step < ?)",
        )
        .bind(step)
        .bind(serial_number)
        .bind(step)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(done.rows_affected() == 1)
    }
}
