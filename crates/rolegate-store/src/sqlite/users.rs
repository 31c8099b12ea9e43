//! IAM users.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{
    PATH_PREFIX, SqliteStore, Tx, delete_owned_rows, ensure_boundary, ensure_identity, exists,
    from_unix, or_already_exists, rename_owned_rows, unix, within_quota, write_tags,
};
use crate::{Blocker, EntityKind, Identity, Quota, Rename, StoreError, Tag, User, Users};

pub(super) fn user_from_row(row: &SqliteRow, tags: Vec<Tag>) -> Result<User, StoreError> {
    Ok(User {
        account_id: row.try_get("account_id")?,
        name: row.try_get("name")?,
        user_id: row.try_get("user_id")?,
        path: row.try_get("path")?,
        permissions_boundary: row.try_get("permissions_boundary")?,
        created_at: from_unix(row.try_get("created_at")?)?,
        tags,
    })
}

/// What keeps a user from being deleted, in the order it is reported.
const USER_BLOCKERS: [(Blocker, &str); 9] = [
    (
        Blocker::LoginProfile,
        "SELECT EXISTS(SELECT 1 FROM login_profiles WHERE account_id = ?1 AND user_name = ?2)",
    ),
    (
        Blocker::AccessKeys,
        "SELECT EXISTS(SELECT 1 FROM access_keys WHERE account_id = ?1 AND owner_kind = 'user' \
         AND owner_name = ?2)",
    ),
    (
        Blocker::SigningCertificates,
        "SELECT EXISTS(SELECT 1 FROM signing_certificates WHERE account_id = ?1 \
         AND owner_kind = 'user' AND user_name = ?2)",
    ),
    (
        Blocker::SshPublicKeys,
        "SELECT EXISTS(SELECT 1 FROM ssh_public_keys WHERE account_id = ?1 AND user_name = ?2)",
    ),
    (
        Blocker::ServiceCredentials,
        "SELECT EXISTS(SELECT 1 FROM service_credentials WHERE account_id = ?1 \
         AND user_name = ?2)",
    ),
    (
        Blocker::InlinePolicies,
        "SELECT EXISTS(SELECT 1 FROM inline_policies WHERE account_id = ?1 AND entity_kind = 'user' \
         AND entity_name = ?2)",
    ),
    (
        Blocker::AttachedPolicies,
        "SELECT EXISTS(SELECT 1 FROM attached_policies WHERE account_id = ?1 \
         AND entity_kind = 'user' AND entity_name = ?2)",
    ),
    (
        Blocker::MfaDevices,
        "SELECT EXISTS(SELECT 1 FROM mfa_devices WHERE account_id = ?1 AND user_name = ?2)",
    ),
    (
        Blocker::GroupMembers,
        "SELECT EXISTS(SELECT 1 FROM group_members WHERE account_id = ?1 AND user_name = ?2)",
    ),
];

/// `DeleteConflict` for the first of `blockers` that holds for `(account, name)`.
pub(super) async fn check_blockers(
    tx: &mut Tx,
    blockers: &[(Blocker, &'static str)],
    account_id: &str,
    name: &str,
) -> Result<(), StoreError> {
    for (blocker, sql) in blockers {
        if exists(tx, sql, &[account_id, name]).await? {
            return Err(StoreError::blocked(*blocker));
        }
    }
    Ok(())
}

#[async_trait]
impl Users for SqliteStore {
    async fn create_user(&self, user: &User) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        within_quota(
            &mut tx,
            Quota::UsersPerAccount,
            "SELECT COUNT(*) FROM users WHERE account_id = ?",
            &[&user.account_id],
        )
        .await?;
        ensure_boundary(
            &mut tx,
            &user.account_id,
            user.permissions_boundary.as_deref(),
        )
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO users (account_id, name, user_id, path, permissions_boundary, created_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&user.account_id)
        .bind(&user.name)
        .bind(&user.user_id)
        .bind(&user.path)
        .bind(&user.permissions_boundary)
        .bind(unix(user.created_at))
        .execute(&mut *tx)
        .await;
        or_already_exists(inserted, EntityKind::User, &user.name)?;
        write_tags(&mut tx, (&user.account_id, "user", &user.name), &user.tags).await?;
        self.commit(tx).await
    }

    async fn get_user(&self, account_id: &str, name: &str) -> Result<User, StoreError> {
        let row = sqlx::query("SELECT * FROM users WHERE account_id = ? AND name = ?")
            .bind(account_id)
            .bind(name)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::User, name))?;
        let stored_name: String = row.try_get("name")?;
        let tags = self.tags_of(account_id, "user", &stored_name).await?;
        user_from_row(&row, tags)
    }

    async fn list_users(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
    ) -> Result<Vec<User>, StoreError> {
        let sql = format!(
            "SELECT * FROM users WHERE account_id = ?1 AND {PATH_PREFIX} ORDER BY name COLLATE NOCASE"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account_id)
            .bind(path_prefix.unwrap_or("/"))
            .fetch_all(&self.reader)
            .await?;
        self.with_tags(account_id, "user", &rows, user_from_row)
            .await
    }

    async fn update_user(
        &self,
        account_id: &str,
        name: &str,
        update: &Rename,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let current = ensure_identity(&mut tx, &Identity::user(account_id, name)).await?;
        if let Some(path) = &update.new_path {
            sqlx::query("UPDATE users SET path = ? WHERE account_id = ? AND name = ?")
                .bind(path)
                .bind(account_id)
                .bind(&current)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(new_name) = &update.new_name {
            // Group memberships, MFA devices, the login profile and the password history, SSH
            // keys, signing certificates and service-specific credentials follow by their foreign
            // keys' ON UPDATE CASCADE.
            let renamed =
                sqlx::query("UPDATE users SET name = ? WHERE account_id = ? AND name = ?")
                    .bind(new_name)
                    .bind(account_id)
                    .bind(&current)
                    .execute(&mut *tx)
                    .await;
            or_already_exists(renamed, EntityKind::User, new_name)?;
            rename_owned_rows(&mut tx, account_id, "user", &current, new_name).await?;
            sqlx::query(
                "UPDATE access_keys SET owner_name = ? \
                 WHERE account_id = ? AND owner_kind = 'user' AND owner_name = ?",
            )
            .bind(new_name)
            .bind(account_id)
            .bind(&current)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await
    }

    async fn set_user_boundary(
        &self,
        account_id: &str,
        name: &str,
        boundary: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let current = ensure_identity(&mut tx, &Identity::user(account_id, name)).await?;
        ensure_boundary(&mut tx, account_id, boundary).await?;
        sqlx::query("UPDATE users SET permissions_boundary = ? WHERE account_id = ? AND name = ?")
            .bind(boundary)
            .bind(account_id)
            .bind(&current)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await
    }

    async fn delete_user(&self, account_id: &str, name: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let current = ensure_identity(&mut tx, &Identity::user(account_id, name)).await?;
        check_blockers(&mut tx, &USER_BLOCKERS, account_id, &current).await?;
        delete_owned_rows(&mut tx, account_id, "user", &current).await?;
        sqlx::query("DELETE FROM users WHERE account_id = ? AND name = ?")
            .bind(account_id)
            .bind(&current)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await
    }
}
