//! IAM groups and their members.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::users::{check_blockers, user_from_row};
use super::{
    PATH_PREFIX, SqliteStore, delete_owned_rows, ensure_identity, from_unix, or_already_exists,
    rename_owned_rows, unix, within_quota,
};
use crate::{Blocker, EntityKind, Group, Groups, Identity, Quota, Rename, StoreError, User};

fn group_from_row(row: &SqliteRow) -> Result<Group, StoreError> {
    Ok(Group {
        account_id: row.try_get("account_id")?,
        name: row.try_get("name")?,
        group_id: row.try_get("group_id")?,
        path: row.try_get("path")?,
        created_at: from_unix(row.try_get("created_at")?)?,
    })
}

/// What keeps a group from being deleted, in the order it is reported.
const GROUP_BLOCKERS: [(Blocker, &str); 3] = [
    (
        Blocker::GroupMembers,
        "SELECT EXISTS(SELECT 1 FROM group_members WHERE account_id = ?1 AND group_name = ?2)",
    ),
    (
        Blocker::InlinePolicies,
        "SELECT EXISTS(SELECT 1 FROM inline_policies WHERE account_id = ?1 \
         AND entity_kind = 'group' AND entity_name = ?2)",
    ),
    (
        Blocker::AttachedPolicies,
        "SELECT EXISTS(SELECT 1 FROM attached_policies WHERE account_id = ?1 \
         AND entity_kind = 'group' AND entity_name = ?2)",
    ),
];

#[async_trait]
impl Groups for SqliteStore {
    async fn create_group(&self, group: &Group) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        within_quota(
            &mut tx,
            Quota::GroupsPerAccount,
            "SELECT COUNT(*) FROM groups WHERE account_id = ?",
            &[&group.account_id],
        )
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO groups (account_id, name, group_id, path, created_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&group.account_id)
        .bind(&group.name)
        .bind(&group.group_id)
        .bind(&group.path)
        .bind(unix(group.created_at))
        .execute(&mut *tx)
        .await;
        or_already_exists(inserted, EntityKind::Group, &group.name)?;
        self.commit(tx).await
    }

    async fn get_group(&self, account_id: &str, name: &str) -> Result<Group, StoreError> {
        let row = sqlx::query("SELECT * FROM groups WHERE account_id = ? AND name = ?")
            .bind(account_id)
            .bind(name)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::Group, name))?;
        group_from_row(&row)
    }

    async fn list_groups(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
    ) -> Result<Vec<Group>, StoreError> {
        let sql = format!(
            "SELECT * FROM groups WHERE account_id = ?1 AND {PATH_PREFIX} ORDER BY name COLLATE NOCASE"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account_id)
            .bind(path_prefix.unwrap_or("/"))
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(group_from_row).collect()
    }

    async fn update_group(
        &self,
        account_id: &str,
        name: &str,
        update: &Rename,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let current = ensure_identity(&mut tx, &Identity::group(account_id, name)).await?;
        if let Some(path) = &update.new_path {
            sqlx::query("UPDATE groups SET path = ? WHERE account_id = ? AND name = ?")
                .bind(path)
                .bind(account_id)
                .bind(&current)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(new_name) = &update.new_name {
            // Memberships follow by their foreign key's ON UPDATE CASCADE.
            let renamed =
                sqlx::query("UPDATE groups SET name = ? WHERE account_id = ? AND name = ?")
                    .bind(new_name)
                    .bind(account_id)
                    .bind(&current)
                    .execute(&mut *tx)
                    .await;
            or_already_exists(renamed, EntityKind::Group, new_name)?;
            rename_owned_rows(&mut tx, account_id, "group", &current, new_name).await?;
        }
        self.commit(tx).await
    }

    async fn delete_group(&self, account_id: &str, name: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let current = ensure_identity(&mut tx, &Identity::group(account_id, name)).await?;
        check_blockers(&mut tx, &GROUP_BLOCKERS, account_id, &current).await?;
        delete_owned_rows(&mut tx, account_id, "group", &current).await?;
        sqlx::query("DELETE FROM groups WHERE account_id = ? AND name = ?")
            .bind(account_id)
            .bind(&current)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await
    }

    async fn add_user_to_group(
        &self,
        account_id: &str,
        group: &str,
        user: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let group = ensure_identity(&mut tx, &Identity::group(account_id, group)).await?;
        let user = ensure_identity(&mut tx, &Identity::user(account_id, user)).await?;
        let member: bool = sqlx::query_scalar(
            "SELECT EXISTS(SELECT 1 FROM group_members \
             WHERE account_id = ? AND group_name = ? AND user_name = ?)",
        )
        .bind(account_id)
        .bind(&group)
        .bind(&user)
        .fetch_one(&mut *tx)
        .await?;
        if member {
            return Ok(());
        }
        within_quota(
            &mut tx,
            Quota::GroupsPerUser,
            "SELECT COUNT(*) FROM group_members WHERE account_id = ? AND user_name = ?",
            &[account_id, &user],
        )
        .await?;
        sqlx::query(
            "INSERT INTO group_members (account_id, group_name, user_name, position) \
             VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(position), 0) + 1 FROM group_members \
               WHERE account_id = ?1 AND group_name = ?2))",
        )
        .bind(account_id)
        .bind(&group)
        .bind(&user)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    async fn remove_user_from_group(
        &self,
        account_id: &str,
        group: &str,
        user: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let group = ensure_identity(&mut tx, &Identity::group(account_id, group)).await?;
        let user = ensure_identity(&mut tx, &Identity::user(account_id, user)).await?;
        sqlx::query(
            "DELETE FROM group_members WHERE account_id = ? AND group_name = ? AND user_name = ?",
        )
        .bind(account_id)
        .bind(&group)
        .bind(&user)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    async fn list_group_members(
        &self,
        account_id: &str,
        group: &str,
    ) -> Result<Vec<User>, StoreError> {
        let exists: Option<String> =
            sqlx::query_scalar("SELECT name FROM groups WHERE account_id = ? AND name = ?")
                .bind(account_id)
                .bind(group)
                .fetch_optional(&self.reader)
                .await?;
        let group = exists.ok_or_else(|| StoreError::not_found(EntityKind::Group, group))?;
        let rows = sqlx::query(
            "SELECT u.* FROM users u JOIN group_members m \
             ON m.account_id = u.account_id AND m.user_name = u.name \
             WHERE m.account_id = ? AND m.group_name = ? ORDER BY m.position",
        )
        .bind(account_id)
        .bind(&group)
        .fetch_all(&self.reader)
        .await?;
        // Members are listed without tags, as GetGroup shows them.
        rows.iter()
            .map(|row| user_from_row(row, Vec::new()))
            .collect()
    }

    async fn list_groups_for_user(
        &self,
        account_id: &str,
        user: &str,
    ) -> Result<Vec<Group>, StoreError> {
        let exists: Option<String> =
            sqlx::query_scalar("SELECT name FROM users WHERE account_id = ? AND name = ?")
                .bind(account_id)
                .bind(user)
                .fetch_optional(&self.reader)
                .await?;
        let user = exists.ok_or_else(|| StoreError::not_found(EntityKind::User, user))?;
        let rows = sqlx::query(
            "SELECT g.* FROM groups g JOIN group_members m \
             ON m.account_id = g.account_id AND m.group_name = g.name \
             WHERE m.account_id = ? AND m.user_name = ? ORDER BY g.name COLLATE NOCASE",
        )
        .bind(account_id)
        .bind(&user)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(group_from_row).collect()
    }
}
