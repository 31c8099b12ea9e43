//! IAM roles.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::users::check_blockers;
use super::{
    PATH_PREFIX, SqliteStore, Tx, delete_owned_rows, ensure_boundary, ensure_identity, from_unix,
    or_already_exists, unix, within_quota, write_tags,
};
use crate::{Blocker, EntityKind, Identity, Quota, Role, RoleUpdate, Roles, StoreError, Tag};

pub(super) fn role_from_row(row: &SqliteRow, tags: Vec<Tag>) -> Result<Role, StoreError> {
    Ok(Role {
        account_id: row.try_get("account_id")?,
        name: row.try_get("name")?,
        role_id: row.try_get("role_id")?,
        path: row.try_get("path")?,
        trust_policy: row.try_get("trust_policy")?,
        trust_policy_bound: row.try_get("trust_policy_bound")?,
        description: row.try_get("description")?,
        max_session_duration: row.try_get("max_session_duration")?,
        permissions_boundary: row.try_get("permissions_boundary")?,
        created_at: from_unix(row.try_get("created_at")?)?,
        tags,
    })
}

/// `LimitExceeded` when the account has all the roles `RolesPerAccount` allows.
pub(super) async fn roles_within_quota(tx: &mut Tx, account_id: &str) -> Result<(), StoreError> {
    within_quota(
        tx,
        Quota::RolesPerAccount,
        "SELECT COUNT(*) FROM roles WHERE account_id = ?",
        &[account_id],
    )
    .await
}

/// Inserts the role and its tags; `AlreadyExists` when the name is taken.
pub(super) async fn insert_role(tx: &mut Tx, role: &Role) -> Result<(), StoreError> {
    let inserted = sqlx::query(
        "INSERT INTO roles (account_id, name, role_id, path, trust_policy, trust_policy_bound, \
         description, max_session_duration, permissions_boundary, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&role.account_id)
    .bind(&role.name)
    .bind(&role.role_id)
    .bind(&role.path)
    .bind(&role.trust_policy)
    .bind(&role.trust_policy_bound)
    .bind(&role.description)
    .bind(role.max_session_duration)
    .bind(&role.permissions_boundary)
    .bind(unix(role.created_at))
    .execute(&mut **tx)
    .await;
    or_already_exists(inserted, EntityKind::Role, &role.name)?;
    write_tags(tx, (&role.account_id, "role", &role.name), &role.tags).await
}

/// What keeps a role from being deleted, in the order it is reported.
pub(super) const ROLE_BLOCKERS: [(Blocker, &str); 3] = [
    (
        Blocker::InstanceProfileRoles,
        "SELECT EXISTS(SELECT 1 FROM instance_profile_roles WHERE account_id = ?1 \
         AND role_name = ?2)",
    ),
    (
        Blocker::AttachedPolicies,
        "SELECT EXISTS(SELECT 1 FROM attached_policies WHERE account_id = ?1 \
         AND entity_kind = 'role' AND entity_name = ?2)",
    ),
    (
        Blocker::InlinePolicies,
        "SELECT EXISTS(SELECT 1 FROM inline_policies WHERE account_id = ?1 \
         AND entity_kind = 'role' AND entity_name = ?2)",
    ),
];

#[async_trait]
impl Roles for SqliteStore {
    async fn create_role(&self, role: &Role) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        roles_within_quota(&mut tx, &role.account_id).await?;
        ensure_boundary(
            &mut tx,
            &role.account_id,
            role.permissions_boundary.as_deref(),
        )
        .await?;
        insert_role(&mut tx, role).await?;
        self.commit(tx).await
    }

    async fn get_role(&self, account_id: &str, name: &str) -> Result<Role, StoreError> {
        let row = sqlx::query("SELECT * FROM roles WHERE account_id = ? AND name = ?")
            .bind(account_id)
            .bind(name)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::Role, name))?;
        let stored_name: String = row.try_get("name")?;
        let tags = self.tags_of(account_id, "role", &stored_name).await?;
        role_from_row(&row, tags)
    }

    async fn list_roles(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
    ) -> Result<Vec<Role>, StoreError> {
        let sql = format!(
            "SELECT * FROM roles WHERE account_id = ?1 AND {PATH_PREFIX} ORDER BY name COLLATE NOCASE"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account_id)
            .bind(path_prefix.unwrap_or("/"))
            .fetch_all(&self.reader)
            .await?;
        self.with_tags(account_id, "role", &rows, role_from_row)
            .await
    }

    async fn update_role(
        &self,
        account_id: &str,
        name: &str,
        update: &RoleUpdate,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let name = ensure_identity(&mut tx, &Identity::role(account_id, name)).await?;
        if let Some(description) = &update.description {
            sqlx::query("UPDATE roles SET description = ? WHERE account_id = ? AND name = ?")
                .bind(description)
                .bind(account_id)
                .bind(&name)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(max) = update.max_session_duration {
            sqlx::query(
                "UPDATE roles SET max_session_duration = ? WHERE account_id = ? AND name = ?",
            )
            .bind(max)
            .bind(account_id)
            .bind(&name)
            .execute(&mut *tx)
            .await?;
        }
        if let Some((written, bound)) = &update.trust_policy {
            sqlx::query(
                "UPDATE roles SET trust_policy = ?, trust_policy_bound = ? \
                 WHERE account_id = ? AND name = ?",
            )
            .bind(written)
            .bind(bound)
            .bind(account_id)
            .bind(&name)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await
    }

    async fn set_role_boundary(
        &self,
        account_id: &str,
        name: &str,
        boundary: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let name = ensure_identity(&mut tx, &Identity::role(account_id, name)).await?;
        ensure_boundary(&mut tx, account_id, boundary).await?;
        sqlx::query("UPDATE roles SET permissions_boundary = ? WHERE account_id = ? AND name = ?")
            .bind(boundary)
            .bind(account_id)
            .bind(&name)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await
    }

    async fn delete_role(&self, account_id: &str, name: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let name = ensure_identity(&mut tx, &Identity::role(account_id, name)).await?;
        check_blockers(&mut tx, &ROLE_BLOCKERS, account_id, &name).await?;
        delete_owned_rows(&mut tx, account_id, "role", &name).await?;
        sqlx::query("DELETE FROM roles WHERE account_id = ? AND name = ?")
            .bind(account_id)
            .bind(&name)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await
    }
}
