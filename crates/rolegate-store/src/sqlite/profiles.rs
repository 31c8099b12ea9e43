//! EC2 instance profiles and the role each holds.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{
    PATH_PREFIX, SqliteStore, ensure_identity, from_unix, or_already_exists, unix, within_quota,
    write_tags,
};
use crate::{Blocker, EntityKind, Identity, InstanceProfile, InstanceProfiles, Quota, StoreError};

/// A profile row with its role (`role_name`, from a left join) and its tags.
fn profile_from_row(row: &SqliteRow, tags: Vec<crate::Tag>) -> Result<InstanceProfile, StoreError> {
    let role: Option<String> = row.try_get("role_name")?;
    Ok(InstanceProfile {
        account_id: row.try_get("account_id")?,
        name: row.try_get("name")?,
        profile_id: row.try_get("profile_id")?,
        path: row.try_get("path")?,
        created_at: from_unix(row.try_get("created_at")?)?,
        roles: role.into_iter().collect(),
        tags,
    })
}

const PROFILE_COLUMNS: &str = "p.*, r.role_name FROM instance_profiles p \
    LEFT JOIN instance_profile_roles r ON r.account_id = p.account_id AND r.profile_name = p.name";

/// The stored name of the profile, or NotFound.
async fn ensure_profile(
    tx: &mut super::Tx,
    account_id: &str,
    name: &str,
) -> Result<String, StoreError> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT name FROM instance_profiles WHERE account_id = ? AND name = ?")
            .bind(account_id)
            .bind(name)
            .fetch_optional(&mut **tx)
            .await?;
    stored.ok_or_else(|| StoreError::not_found(EntityKind::InstanceProfile, name))
}

#[async_trait]
impl InstanceProfiles for SqliteStore {
    async fn create_instance_profile(&self, profile: &InstanceProfile) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        within_quota(
            &mut tx,
            Quota::InstanceProfilesPerAccount,
            "SELECT COUNT(*) FROM instance_profiles WHERE account_id = ?",
            &[&profile.account_id],
        )
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO instance_profiles (account_id, name, profile_id, path, created_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&profile.account_id)
        .bind(&profile.name)
        .bind(&profile.profile_id)
        .bind(&profile.path)
        .bind(unix(profile.created_at))
        .execute(&mut *tx)
        .await;
        or_already_exists(inserted, EntityKind::InstanceProfile, &profile.name)?;
        write_tags(
            &mut tx,
            (&profile.account_id, "instance-profile", &profile.name),
            &profile.tags,
        )
        .await?;
        self.commit(tx).await
    }

    async fn get_instance_profile(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<InstanceProfile, StoreError> {
        let sql = format!("SELECT {PROFILE_COLUMNS} WHERE p.account_id = ? AND p.name = ?");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account_id)
            .bind(name)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::InstanceProfile, name))?;
        let stored: String = row.try_get("name")?;
        let tags = self
            .tags_of(account_id, "instance-profile", &stored)
            .await?;
        profile_from_row(&row, tags)
    }

    async fn list_instance_profiles(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
    ) -> Result<Vec<InstanceProfile>, StoreError> {
        let sql = format!(
            "SELECT {PROFILE_COLUMNS} WHERE p.account_id = ?1 AND {PATH_PREFIX} \
             ORDER BY p.name COLLATE NOCASE"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account_id)
            .bind(path_prefix.unwrap_or("/"))
            .fetch_all(&self.reader)
            .await?;
        // Listings carry no tags (AWS's ListInstanceProfiles omits them).
        rows.iter()
            .map(|row| profile_from_row(row, Vec::new()))
            .collect()
    }

    async fn list_instance_profiles_for_role(
        &self,
        account_id: &str,
        role: &str,
    ) -> Result<Vec<InstanceProfile>, StoreError> {
        let exists: Option<String> =
            sqlx::query_scalar("SELECT name FROM roles WHERE account_id = ? AND name = ?")
                .bind(account_id)
                .bind(role)
                .fetch_optional(&self.reader)
                .await?;
        let role = exists.ok_or_else(|| StoreError::not_found(EntityKind::Role, role))?;
        let sql = format!(
            "SELECT {PROFILE_COLUMNS} WHERE p.account_id = ? AND r.role_name = ? \
             ORDER BY p.name COLLATE NOCASE"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account_id)
            .bind(&role)
            .fetch_all(&self.reader)
            .await?;
        rows.iter()
            .map(|row| profile_from_row(row, Vec::new()))
            .collect()
    }

    async fn delete_instance_profile(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let name = ensure_profile(&mut tx, account_id, name).await?;
        let holds_role: bool = sqlx::query_scalar(
            "SELECT EXISTS(SELECT 1 FROM instance_profile_roles \
             WHERE account_id = ? AND profile_name = ?)",
        )
        .bind(account_id)
        .bind(&name)
        .fetch_one(&mut *tx)
        .await?;
        if holds_role {
            return Err(StoreError::blocked(Blocker::InstanceProfileRoles));
        }
        sqlx::query(
            "DELETE FROM tags WHERE account_id = ? AND entity_kind = 'instance-profile' \
             AND entity_name = ?",
        )
        .bind(account_id)
        .bind(&name)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM instance_profiles WHERE account_id = ? AND name = ?")
            .bind(account_id)
            .bind(&name)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await
    }

    async fn add_role_to_instance_profile(
        &self,
        account_id: &str,
        profile: &str,
        role: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let profile = ensure_profile(&mut tx, account_id, profile).await?;
        let role = ensure_identity(&mut tx, &Identity::role(account_id, role)).await?;
        within_quota(
            &mut tx,
            Quota::InstanceSessionsPerInstanceProfile,
            "SELECT COUNT(*) FROM instance_profile_roles WHERE account_id = ? AND profile_name = ?",
            &[account_id, &profile],
        )
        .await?;
        sqlx::query(
            "INSERT INTO instance_profile_roles (account_id, profile_name, role_name) \
             VALUES (?, ?, ?)",
        )
        .bind(account_id)
        .bind(&profile)
        .bind(&role)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    async fn remove_role_from_instance_profile(
        &self,
        account_id: &str,
        profile: &str,
        role: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let profile = ensure_profile(&mut tx, account_id, profile).await?;
        let role = ensure_identity(&mut tx, &Identity::role(account_id, role)).await?;
        let done = sqlx::query(
            "DELETE FROM instance_profile_roles \
             WHERE account_id = ? AND profile_name = ? AND role_name = ?",
        )
        .bind(account_id)
        .bind(&profile)
        .bind(&role)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::Role, role));
        }
        self.commit(tx).await
    }
}
