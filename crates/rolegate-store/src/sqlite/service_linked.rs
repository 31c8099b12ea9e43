//! Service-linked roles: created with their service's policy attached, deleted with a task
//! record, each in one transaction.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::roles::{insert_role, roles_within_quota};
use super::users::check_blockers;
use super::{SqliteStore, delete_owned_rows, from_unix, unix};
use crate::{
    Blocker, DeletionStatus, DeletionTask, EntityKind, Role, SERVICE_ROLE_PATH, ServiceLinkedRoles,
    StoreError,
};

fn task_from_row(row: &SqliteRow) -> Result<DeletionTask, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(DeletionTask {
        task_id: row.try_get("task_id")?,
        account_id: row.try_get("account_id")?,
        role_name: row.try_get("role_name")?,
        status: DeletionStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("deletion task status {status}")))?,
        created_at: from_unix(row.try_get("created_at")?)?,
    })
}

/// A service-linked role has no customer policies (nobody can put one on it); what it may still
/// hold, an instance profile, keeps it.
const SLR_BLOCKERS: [(Blocker, &str); 1] = [(
    Blocker::InstanceProfileRoles,
    "SELECT EXISTS(SELECT 1 FROM instance_profile_roles WHERE account_id = ?1 \
     AND role_name = ?2)",
)];

#[async_trait]
impl ServiceLinkedRoles for SqliteStore {
    async fn create_service_linked_role(
        &self,
        role: &Role,
        policy_arn: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        roles_within_quota(&mut tx, &role.account_id).await?;
        insert_role(&mut tx, role).await?;
        if let Some(arn) = policy_arn {
            sqlx::query(
                "INSERT INTO attached_policies \
                 (account_id, entity_kind, entity_name, policy_arn, position) \
                 VALUES (?, 'role', ?, ?, 1)",
            )
            .bind(&role.account_id)
            .bind(&role.name)
            .bind(arn)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await
    }

    async fn delete_service_linked_role(
        &self,
        account_id: &str,
        name: &str,
        task: &DeletionTask,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT name, path FROM roles WHERE account_id = ? AND name = ?")
            .bind(account_id)
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::Role, name))?;
        let stored: String = row.try_get("name")?;
        let path: String = row.try_get("path")?;
        if !path.starts_with(SERVICE_ROLE_PATH) {
            return Err(StoreError::Conflict {
                kind: EntityKind::Role,
                name: stored,
                reason: "not a service-linked role",
            });
        }
        check_blockers(&mut tx, &SLR_BLOCKERS, account_id, &stored).await?;
        delete_owned_rows(&mut tx, account_id, "role", &stored).await?;
        sqlx::query("DELETE FROM roles WHERE account_id = ? AND name = ?")
            .bind(account_id)
            .bind(&stored)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO slr_deletion_tasks (task_id, account_id, role_name, status, created_at) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&task.task_id)
        .bind(account_id)
        .bind(&stored)
        .bind(task.status.as_str())
        .bind(unix(task.created_at))
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    async fn get_deletion_task(
        &self,
        account_id: &str,
        task_id: &str,
    ) -> Result<DeletionTask, StoreError> {
        let row =
            sqlx::query("SELECT * FROM slr_deletion_tasks WHERE account_id = ? AND task_id = ?")
                .bind(account_id)
                .bind(task_id)
                .fetch_optional(&self.reader)
                .await?
                .ok_or_else(|| StoreError::not_found(EntityKind::DeletionTask, task_id))?;
        task_from_row(&row)
    }
}
