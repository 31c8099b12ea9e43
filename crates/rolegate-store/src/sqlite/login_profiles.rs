//! Console passwords (login profiles), each user's password history, and the account password
//! policy. A password write checks its guard against the head of the history inside its
//! transaction, so a reuse check or an old-password check made before it still holds.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{SqliteStore, Tx, ensure_identity, from_unix, or_already_exists, unix};
use crate::{
    EntityKind, Identity, LoginProfile, LoginProfileUpdate, LoginProfiles, PASSWORD_HISTORY,
    PasswordGuard, PasswordPolicy, StoreError,
};

fn profile_from_row(row: &SqliteRow) -> Result<LoginProfile, StoreError> {
    Ok(LoginProfile {
        account_id: row.try_get("account_id")?,
        user_name: row.try_get("user_name")?,
        password_hash: row.try_get("password_hash")?,
        password_reset_required: row.try_get("password_reset_required")?,
        created_at: from_unix(row.try_get("created_at")?)?,
        password_changed_at: from_unix(row.try_get("password_changed_at")?)?,
    })
}

fn optional_u32(row: &SqliteRow, column: &str) -> Result<Option<u32>, StoreError> {
    let value: Option<i64> = row.try_get(column)?;
    value
        .map(|v| u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("{column} {v}"))))
        .transpose()
}

fn policy_from_row(row: &SqliteRow) -> Result<PasswordPolicy, StoreError> {
    let length: i64 = row.try_get("minimum_password_length")?;
    Ok(PasswordPolicy {
        minimum_password_length: u32::try_from(length)
            .map_err(|_| StoreError::Corrupt(format!("minimum_password_length {length}")))?,
        require_symbols: row.try_get("require_symbols")?,
        require_numbers: row.try_get("require_numbers")?,
        require_uppercase_characters: row.try_get("require_uppercase_characters")?,
        require_lowercase_characters: row.try_get("require_lowercase_characters")?,
        allow_users_to_change_password: row.try_get("allow_users_to_change_password")?,
        max_password_age: optional_u32(row, "max_password_age")?,
        password_reuse_prevention: optional_u32(row, "password_reuse_prevention")?,
        hard_expiry: row.try_get("hard_expiry")?,
    })
}

/// `Conflict` unless `guard` holds for the user (`user_name` as stored).
async fn check_guard(
    tx: &mut Tx,
    account_id: &str,
    user_name: &str,
    guard: &PasswordGuard,
) -> Result<(), StoreError> {
    let PasswordGuard::Latest(expected) = guard else {
        return Ok(());
    };
    let latest: Option<String> = sqlx::query_scalar(
        "SELECT password_hash FROM password_history WHERE account_id = ? AND user_name = ? \
         ORDER BY position DESC LIMIT 1",
    )
    .bind(account_id)
    .bind(user_name)
    .fetch_optional(&mut **tx)
    .await?;
    if latest == *expected {
        Ok(())
    } else {
        Err(StoreError::Conflict {
            kind: EntityKind::LoginProfile,
            name: user_name.to_owned(),
            reason: "another password was set since this one was checked",
        })
    }
}

/// Appends `hash` to the user's history and drops what falls off its end.
async fn remember(
    tx: &mut Tx,
    account_id: &str,
    user_name: &str,
    hash: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO password_history (account_id, user_name, position, password_hash) \
         VALUES (?1, ?2, (SELECT COALESCE(MAX(position), 0) + 1 FROM password_history \
           WHERE account_id = ?1 AND user_name = ?2), ?3)",
    )
    .bind(account_id)
    .bind(user_name)
    .bind(hash)
    .execute(&mut **tx)
    .await?;
    let kept = i64::try_from(PASSWORD_HISTORY).unwrap_or(i64::MAX);
    sqlx::query(
        "DELETE FROM password_history WHERE account_id = ?1 AND user_name = ?2 AND position <= \
         (SELECT MAX(position) FROM password_history WHERE account_id = ?1 AND user_name = ?2) - ?3",
    )
    .bind(account_id)
    .bind(user_name)
    .bind(kept)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl LoginProfiles for SqliteStore {
    async fn create_login_profile(
        &self,
        profile: &LoginProfile,
        guard: &PasswordGuard,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let user = ensure_identity(
            &mut tx,
            &Identity::user(&profile.account_id, &profile.user_name),
        )
        .await?;
        check_guard(&mut tx, &profile.account_id, &user, guard).await?;
        let inserted = sqlx::query(
            "INSERT INTO login_profiles (account_id, user_name, password_hash, \
             password_reset_required, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&profile.account_id)
        .bind(&user)
        .bind(&profile.password_hash)
        .bind(profile.password_reset_required)
        .bind(unix(profile.created_at))
        .bind(unix(profile.password_changed_at))
        .execute(&mut *tx)
        .await;
        or_already_exists(inserted, EntityKind::LoginProfile, &user)?;
        remember(&mut tx, &profile.account_id, &user, &profile.password_hash).await?;
        self.commit(tx).await
    }

    async fn get_login_profile(
        &self,
        account_id: &str,
        user_name: &str,
    ) -> Result<LoginProfile, StoreError> {
        let row =
            sqlx::query("SELECT * FROM login_profiles WHERE account_id = ? AND user_name = ?")
                .bind(account_id)
                .bind(user_name)
                .fetch_optional(&self.reader)
                .await?
                .ok_or_else(|| StoreError::not_found(EntityKind::LoginProfile, user_name))?;
        profile_from_row(&row)
    }

    async fn update_login_profile(
        &self,
        account_id: &str,
        user_name: &str,
        update: &LoginProfileUpdate,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let user = ensure_identity(&mut tx, &Identity::user(account_id, user_name)).await?;
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM login_profiles WHERE account_id = ? AND user_name = ?",
        )
        .bind(account_id)
        .bind(&user)
        .fetch_optional(&mut *tx)
        .await?;
        if found.is_none() {
            return Err(StoreError::not_found(EntityKind::LoginProfile, user_name));
        }
        if let Some(password) = &update.password {
            check_guard(&mut tx, account_id, &user, &password.guard).await?;
            sqlx::query(
                "UPDATE login_profiles SET password_hash = ?, password_changed_at = ? \
                 WHERE account_id = ? AND user_name = ?",
            )
            .bind(&password.hash)
            .bind(unix(password.at))
            .bind(account_id)
            .bind(&user)
            .execute(&mut *tx)
            .await?;
            remember(&mut tx, account_id, &user, &password.hash).await?;
        }
        if let Some(reset) = update.password_reset_required {
            sqlx::query(
                "UPDATE login_profiles SET password_reset_required = ? \
                 WHERE account_id = ? AND user_name = ?",
            )
            .bind(reset)
            .bind(account_id)
            .bind(&user)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await
    }

    async fn delete_login_profile(
        &self,
        account_id: &str,
        user_name: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let user = ensure_identity(&mut tx, &Identity::user(account_id, user_name)).await?;
        let deleted =
            sqlx::query("DELETE FROM login_profiles WHERE account_id = ? AND user_name = ?")
                .bind(account_id)
                .bind(&user)
                .execute(&mut *tx)
                .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::LoginProfile, user_name));
        }
        self.commit(tx).await
    }

    async fn password_history(
        &self,
        account_id: &str,
        user_name: &str,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        Ok(sqlx::query_scalar(
            "SELECT password_hash FROM password_history WHERE account_id = ? AND user_name = ? \
             ORDER BY position DESC LIMIT ?",
        )
        .bind(account_id)
        .bind(user_name)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?)
    }

    async fn get_password_policy(&self, account_id: &str) -> Result<PasswordPolicy, StoreError> {
        let row = sqlx::query("SELECT * FROM password_policies WHERE account_id = ?")
            .bind(account_id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::PasswordPolicy, account_id))?;
        policy_from_row(&row)
    }

    async fn set_password_policy(
        &self,
        account_id: &str,
        policy: &PasswordPolicy,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let account: Option<String> = sqlx::query_scalar("SELECT id FROM accounts WHERE id = ?")
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
        if account.is_none() {
            return Err(StoreError::not_found(EntityKind::Account, account_id));
        }
        sqlx::query(
            "INSERT OR REPLACE INTO password_policies (account_id, minimum_password_length, \
             require_symbols, require_numbers, require_uppercase_characters, \
             require_lowercase_characters, allow_users_to_change_password, max_password_age, \
             password_reuse_prevention, hard_expiry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(account_id)
        .bind(i64::from(policy.minimum_password_length))
        .bind(policy.require_symbols)
        .bind(policy.require_numbers)
        .bind(policy.require_uppercase_characters)
        .bind(policy.require_lowercase_characters)
        .bind(policy.allow_users_to_change_password)
        .bind(policy.max_password_age.map(i64::from))
        .bind(policy.password_reuse_prevention.map(i64::from))
        .bind(policy.hard_expiry)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    async fn delete_password_policy(&self, account_id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let deleted = sqlx::query("DELETE FROM password_policies WHERE account_id = ?")
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::not_found(
                EntityKind::PasswordPolicy,
                account_id,
            ));
        }
        self.commit(tx).await
    }
}
