//! Identity policies (inline, and managed attachments of users, groups and roles) and customer
//! managed policies with their versions.

use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row};
use time::OffsetDateTime;

use super::{
    AWS_OWNED, SqliteStore, ensure_identity, exists, from_unix, or_already_exists, owned_by, unix,
    within_quota, write_tags,
};
use crate::{
    Blocker, EntityKind, EntityRef, Identity, IdentityKind, IdentityPolicies, ManagedPolicies,
    ManagedPolicy, PolicyEntities, PolicyScope, PolicySize, PolicyUsage, PolicyUse, PolicyVersion,
    Quota, StoreError, Tag, inline_policy_limit,
};

const POLICY_COLUMNS: &str = "p.arn, p.account_id, p.name, p.policy_id, p.path, p.description, \
    p.default_version_id, p.created_at, p.updated_at, \
    (SELECT COUNT(*) FROM attached_policies a WHERE a.policy_arn = p.arn) AS attachment_count, \
    ((SELECT COUNT(*) FROM users u WHERE u.permissions_boundary = p.arn) \
     + (SELECT COUNT(*) FROM roles r WHERE r.permissions_boundary = p.arn)) AS boundary_usage_count";

const VERSION_COLUMNS: &str = "v.policy_arn, v.version_id, v.document, v.created_at, \
    (v.version_id = p.default_version_id) AS is_default";

fn policy_from_row(row: &SqliteRow, tags: Vec<Tag>) -> Result<ManagedPolicy, StoreError> {
    Ok(ManagedPolicy {
        arn: row.try_get("arn")?,
        account_id: row.try_get("account_id")?,
        name: row.try_get("name")?,
        policy_id: row.try_get("policy_id")?,
        path: row.try_get("path")?,
        description: row.try_get("description")?,
        default_version_id: row.try_get("default_version_id")?,
        attachment_count: row.try_get("attachment_count")?,
        boundary_usage_count: row.try_get("boundary_usage_count")?,
        created_at: from_unix(row.try_get("created_at")?)?,
        updated_at: from_unix(row.try_get("updated_at")?)?,
        tags,
    })
}

fn version_from_row(row: &SqliteRow) -> Result<PolicyVersion, StoreError> {
    let is_default: i64 = row.try_get("is_default")?;
    Ok(PolicyVersion {
        policy_arn: row.try_get("policy_arn")?,
        version_id: row.try_get("version_id")?,
        document: row.try_get("document")?,
        is_default: is_default != 0,
        created_at: from_unix(row.try_get("created_at")?)?,
    })
}

/// The policy's default version id, or NotFound.
async fn default_version(tx: &mut super::Tx, arn: &str) -> Result<String, StoreError> {
    let default: Option<String> =
        sqlx::query_scalar("SELECT default_version_id FROM managed_policies WHERE arn = ?")
            .bind(arn)
            .fetch_optional(&mut **tx)
            .await?;
    default.ok_or_else(|| StoreError::not_found(EntityKind::ManagedPolicy, arn))
}

#[async_trait]
impl IdentityPolicies for SqliteStore {
    async fn put_inline_policy(
        &self,
        identity: &Identity,
        policy_name: &str,
        document: &str,
        size: PolicySize,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let name = ensure_identity(&mut tx, identity).await?;
        let kind = identity.kind.as_str();
        let others: Vec<String> = sqlx::query_scalar(
            "SELECT document FROM inline_policies \
             WHERE account_id = ? AND entity_kind = ? AND entity_name = ? AND policy_name <> ?",
        )
        .bind(&identity.account_id)
        .bind(kind)
        .bind(&name)
        .bind(policy_name)
        .fetch_all(&mut *tx)
        .await?;
        let limit = inline_policy_limit(identity.kind);
        let total = others.iter().map(|d| size(d)).sum::<usize>() + size(document);
        if total > limit {
            return Err(StoreError::InlinePolicySize {
                kind: identity.kind,
                name,
                limit,
            });
        }
        sqlx::query(
            "INSERT INTO inline_policies (account_id, entity_kind, entity_name, policy_name, document) \
             VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (account_id, entity_kind, entity_name, policy_name) \
             DO UPDATE SET document = excluded.document",
        )
        .bind(&identity.account_id)
        .bind(kind)
        .bind(&name)
        .bind(policy_name)
        .bind(document)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    async fn get_inline_policy(
        &self,
        identity: &Identity,
        policy_name: &str,
    ) -> Result<String, StoreError> {
        sqlx::query_scalar(
            "SELECT document FROM inline_policies \
             WHERE account_id = ? AND entity_kind = ? AND entity_name = ? AND policy_name = ?",
        )
        .bind(&identity.account_id)
        .bind(identity.kind.as_str())
        .bind(&identity.name)
        .bind(policy_name)
        .fetch_optional(&self.reader)
        .await?
        .ok_or_else(|| StoreError::not_found(EntityKind::InlinePolicy, policy_name))
    }

    async fn list_inline_policies(
        &self,
        identity: &Identity,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT policy_name, document FROM inline_policies \
             WHERE account_id = ? AND entity_kind = ? AND entity_name = ? \
             ORDER BY policy_name COLLATE NOCASE",
        )
        .bind(&identity.account_id)
        .bind(identity.kind.as_str())
        .bind(&identity.name)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("policy_name")?, row.try_get("document")?)))
            .collect()
    }

    async fn delete_inline_policy(
        &self,
        identity: &Identity,
        policy_name: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let name = ensure_identity(&mut tx, identity).await?;
        let done = sqlx::query(
            "DELETE FROM inline_policies \
             WHERE account_id = ? AND entity_kind = ? AND entity_name = ? AND policy_name = ?",
        )
        .bind(&identity.account_id)
        .bind(identity.kind.as_str())
        .bind(&name)
        .bind(policy_name)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::InlinePolicy, policy_name));
        }
        self.commit(tx).await
    }

    async fn attach_policy(&self, identity: &Identity, policy_arn: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let name = ensure_identity(&mut tx, identity).await?;
        let account = identity.account_id.as_str();
        // A policy attaches only within its own account (or is AWS-managed).
        let found = if owned_by(policy_arn, account) {
            exists(
                &mut tx,
                "SELECT EXISTS(SELECT 1 FROM managed_policies WHERE arn = ? AND account_id = ?)",
                &[policy_arn, account],
            )
            .await?
        } else {
            owned_by(policy_arn, AWS_OWNED)
        };
        if !found {
            return Err(StoreError::not_found(EntityKind::ManagedPolicy, policy_arn));
        }
        let kind = identity.kind.as_str();
        if exists(
            &mut tx,
            "SELECT EXISTS(SELECT 1 FROM attached_policies \
             WHERE account_id = ? AND entity_kind = ? AND entity_name = ? AND policy_arn = ?)",
            &[account, kind, &name, policy_arn],
        )
        .await?
        {
            return Ok(());
        }
        within_quota(
            &mut tx,
            Quota::attached_policies(identity.kind),
            "SELECT COUNT(*) FROM attached_policies \
             WHERE account_id = ? AND entity_kind = ? AND entity_name = ?",
            &[account, kind, &name],
        )
        .await?;
        sqlx::query(
            "INSERT INTO attached_policies (account_id, entity_kind, entity_name, policy_arn, position) \
             VALUES (?1, ?2, ?3, ?4, (SELECT COALESCE(MAX(position), 0) + 1 FROM attached_policies \
               WHERE account_id = ?1 AND entity_kind = ?2 AND entity_name = ?3))",
        )
        .bind(account)
        .bind(kind)
        .bind(&name)
        .bind(policy_arn)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    async fn detach_policy(&self, identity: &Identity, policy_arn: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let name = ensure_identity(&mut tx, identity).await?;
        let done = sqlx::query(
            "DELETE FROM attached_policies \
             WHERE account_id = ? AND entity_kind = ? AND entity_name = ? AND policy_arn = ?",
        )
        .bind(&identity.account_id)
        .bind(identity.kind.as_str())
        .bind(&name)
        .bind(policy_arn)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(
                EntityKind::AttachedPolicy,
                policy_arn,
            ));
        }
        self.commit(tx).await
    }

    async fn list_attached_policies(&self, identity: &Identity) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT policy_arn FROM attached_policies \
             WHERE account_id = ? AND entity_kind = ? AND entity_name = ? ORDER BY position",
        )
        .bind(&identity.account_id)
        .bind(identity.kind.as_str())
        .bind(&identity.name)
        .fetch_all(&self.reader)
        .await?)
    }

    async fn list_entities_for_policy(
        &self,
        account_id: &str,
        policy_arn: &str,
        usage: Option<PolicyUsage>,
    ) -> Result<PolicyEntities, StoreError> {
        let attached = usage != Some(PolicyUsage::Boundary);
        let bounded = usage != Some(PolicyUsage::Permissions);
        let mut entities = PolicyEntities::default();
        for kind in [IdentityKind::User, IdentityKind::Group, IdentityKind::Role] {
            let (table, id) = match kind {
                IdentityKind::User => ("users", "user_id"),
                IdentityKind::Group => ("groups", "group_id"),
                IdentityKind::Role => ("roles", "role_id"),
            };
            // Groups have no boundary.
            let boundary = if bounded && kind != IdentityKind::Group {
                "e.permissions_boundary = ?3"
            } else {
                "0"
            };
            let attachment = if attached {
                "EXISTS(SELECT 1 FROM attached_policies a WHERE a.account_id = e.account_id \
                 AND a.entity_kind = ?2 AND a.entity_name = e.name AND a.policy_arn = ?3)"
            } else {
                "0"
            };
            let sql = format!(
                "SELECT e.name, e.{id} AS id, e.path FROM {table} e WHERE e.account_id = ?1 \
                 AND ({attachment} OR {boundary}) ORDER BY e.name COLLATE NOCASE"
            );
            let rows = sqlx::query(AssertSqlSafe(sql))
                .bind(account_id)
                .bind(kind.as_str())
                .bind(policy_arn)
                .fetch_all(&self.reader)
                .await?;
            let found = rows
                .iter()
                .map(|row| {
                    Ok(EntityRef {
                        name: row.try_get("name")?,
                        id: row.try_get("id")?,
                        path: row.try_get("path")?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            match kind {
                IdentityKind::User => entities.users = found,
                IdentityKind::Group => entities.groups = found,
                IdentityKind::Role => entities.roles = found,
            }
        }
        Ok(entities)
    }

    async fn policy_usage(
        &self,
        account_id: &str,
        policy_arn: &str,
    ) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM attached_policies WHERE account_id = ?1 \
               AND policy_arn = ?2), \
             (SELECT COUNT(*) FROM users WHERE account_id = ?1 AND permissions_boundary = ?2) \
             + (SELECT COUNT(*) FROM roles WHERE account_id = ?1 AND permissions_boundary = ?2)",
        )
        .bind(account_id)
        .bind(policy_arn)
        .fetch_one(&self.reader)
        .await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    async fn policy_uses(&self, account_id: &str) -> Result<Vec<PolicyUse>, StoreError> {
        let rows = sqlx::query(
            "SELECT arn, SUM(attached) AS attachments, SUM(bounded) AS boundaries FROM ( \
               SELECT policy_arn AS arn, 1 AS attached, 0 AS bounded FROM attached_policies \
                 WHERE account_id = ?1 \
               UNION ALL SELECT permissions_boundary, 0, 1 FROM users \
                 WHERE account_id = ?1 AND permissions_boundary IS NOT NULL \
               UNION ALL SELECT permissions_boundary, 0, 1 FROM roles \
                 WHERE account_id = ?1 AND permissions_boundary IS NOT NULL) \
             GROUP BY arn ORDER BY arn",
        )
        .bind(account_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PolicyUse {
                    arn: row.try_get("arn")?,
                    attachments: row.try_get("attachments")?,
                    boundaries: row.try_get("boundaries")?,
                })
            })
            .collect()
    }
}

#[async_trait]
impl ManagedPolicies for SqliteStore {
    async fn create_policy(
        &self,
        policy: &ManagedPolicy,
        document: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        within_quota(
            &mut tx,
            Quota::PoliciesPerAccount,
            "SELECT COUNT(*) FROM managed_policies WHERE account_id = ?",
            &[&policy.account_id],
        )
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO managed_policies (arn, account_id, name, policy_id, path, description, \
             default_version_id, next_version, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, 'v1', 2, ?, ?)",
        )
        .bind(&policy.arn)
        .bind(&policy.account_id)
        .bind(&policy.name)
        .bind(&policy.policy_id)
        .bind(&policy.path)
        .bind(&policy.description)
        .bind(unix(policy.created_at))
        .bind(unix(policy.updated_at))
        .execute(&mut *tx)
        .await;
        or_already_exists(inserted, EntityKind::ManagedPolicy, &policy.name)?;
        sqlx::query(
            "INSERT INTO policy_versions (policy_arn, version_id, document, created_at) \
             VALUES (?, 'v1', ?, ?)",
        )
        .bind(&policy.arn)
        .bind(document)
        .bind(unix(policy.created_at))
        .execute(&mut *tx)
        .await?;
        write_tags(
            &mut tx,
            (&policy.account_id, "policy", &policy.name),
            &policy.tags,
        )
        .await?;
        self.commit(tx).await
    }

    async fn get_policy(&self, arn: &str) -> Result<ManagedPolicy, StoreError> {
        let sql = format!("SELECT {POLICY_COLUMNS} FROM managed_policies p WHERE p.arn = ?");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(arn)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::ManagedPolicy, arn))?;
        let account_id: String = row.try_get("account_id")?;
        let name: String = row.try_get("name")?;
        let tags = self.tags_of(&account_id, "policy", &name).await?;
        policy_from_row(&row, tags)
    }

    async fn list_policies(
        &self,
        account_id: &str,
        scope: &PolicyScope,
    ) -> Result<Vec<ManagedPolicy>, StoreError> {
        let sql = format!(
            "SELECT {POLICY_COLUMNS} FROM managed_policies p \
             WHERE p.account_id = ?1 AND substr(p.path, 1, length(?2)) = ?2 \
             ORDER BY p.name COLLATE NOCASE"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(account_id)
            .bind(scope.path_prefix.as_deref().unwrap_or("/"))
            .fetch_all(&self.reader)
            .await?;
        // Listings carry no tags (AWS's ListPolicies omits them).
        let mut policies = rows
            .iter()
            .map(|row| policy_from_row(row, Vec::new()))
            .collect::<Result<Vec<_>, _>>()?;
        if scope.only_attached {
            policies.retain(|policy| policy.attachment_count > 0);
        }
        Ok(policies)
    }

    async fn delete_policy(&self, arn: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT account_id, name FROM managed_policies WHERE arn = ?")
            .bind(arn)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::ManagedPolicy, arn))?;
        let account_id: String = row.try_get("account_id")?;
        let name: String = row.try_get("name")?;
        if exists(
            &mut tx,
            "SELECT EXISTS(SELECT 1 FROM attached_policies WHERE policy_arn = ?1) \
             OR EXISTS(SELECT 1 FROM users WHERE permissions_boundary = ?1) \
             OR EXISTS(SELECT 1 FROM roles WHERE permissions_boundary = ?1)",
            &[arn],
        )
        .await?
        {
            return Err(StoreError::blocked(Blocker::PolicyAttached));
        }
        if exists(
            &mut tx,
            "SELECT (SELECT COUNT(*) FROM policy_versions WHERE policy_arn = ?) > 1",
            &[arn],
        )
        .await?
        {
            return Err(StoreError::blocked(Blocker::PolicyVersions));
        }
        sqlx::query("DELETE FROM policy_versions WHERE policy_arn = ?")
            .bind(arn)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM managed_policies WHERE arn = ?")
            .bind(arn)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM tags WHERE account_id = ? AND entity_kind = 'policy' AND entity_name = ?",
        )
        .bind(&account_id)
        .bind(&name)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    async fn create_policy_version(
        &self,
        arn: &str,
        document: &str,
        set_as_default: bool,
        at: OffsetDateTime,
    ) -> Result<PolicyVersion, StoreError> {
        let mut tx = self.begin().await?;
        let next: Option<i64> =
            sqlx::query_scalar("SELECT next_version FROM managed_policies WHERE arn = ?")
                .bind(arn)
                .fetch_optional(&mut *tx)
                .await?;
        let next = next.ok_or_else(|| StoreError::not_found(EntityKind::ManagedPolicy, arn))?;
        within_quota(
            &mut tx,
            Quota::VersionsPerPolicy,
            "SELECT COUNT(*) FROM policy_versions WHERE policy_arn = ?",
            &[arn],
        )
        .await?;
        let version_id = format!("v{next}");
        sqlx::query(
            "INSERT INTO policy_versions (policy_arn, version_id, document, created_at) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(arn)
        .bind(&version_id)
        .bind(document)
        .bind(unix(at))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE managed_policies SET next_version = next_version + 1, updated_at = ?, \
             default_version_id = CASE WHEN ? THEN ? ELSE default_version_id END WHERE arn = ?",
        )
        .bind(unix(at))
        .bind(set_as_default)
        .bind(&version_id)
        .bind(arn)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(PolicyVersion {
            policy_arn: arn.to_owned(),
            version_id,
            document: document.to_owned(),
            is_default: set_as_default,
            created_at: at,
        })
    }

    async fn get_policy_version(
        &self,
        arn: &str,
        version_id: &str,
    ) -> Result<PolicyVersion, StoreError> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM policy_versions v \
             JOIN managed_policies p ON p.arn = v.policy_arn \
             WHERE v.policy_arn = ? AND v.version_id = ?"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(arn)
            .bind(version_id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::PolicyVersion, version_id))?;
        version_from_row(&row)
    }

    async fn list_policy_versions(&self, arn: &str) -> Result<Vec<PolicyVersion>, StoreError> {
        let exists: Option<String> =
            sqlx::query_scalar("SELECT arn FROM managed_policies WHERE arn = ?")
                .bind(arn)
                .fetch_optional(&self.reader)
                .await?;
        if exists.is_none() {
            return Err(StoreError::not_found(EntityKind::ManagedPolicy, arn));
        }
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM policy_versions v \
             JOIN managed_policies p ON p.arn = v.policy_arn \
             WHERE v.policy_arn = ? ORDER BY CAST(substr(v.version_id, 2) AS INTEGER) DESC"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(arn)
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(version_from_row).collect()
    }

    async fn set_default_policy_version(
        &self,
        arn: &str,
        version_id: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        default_version(&mut tx, arn).await?;
        if !exists(
            &mut tx,
            "SELECT EXISTS(SELECT 1 FROM policy_versions WHERE policy_arn = ? AND version_id = ?)",
            &[arn, version_id],
        )
        .await?
        {
            return Err(StoreError::not_found(EntityKind::PolicyVersion, version_id));
        }
        sqlx::query(
            "UPDATE managed_policies SET default_version_id = ?, updated_at = ? WHERE arn = ?",
        )
        .bind(version_id)
        .bind(unix(at))
        .bind(arn)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    async fn delete_policy_version(&self, arn: &str, version_id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        if default_version(&mut tx, arn).await? == version_id {
            return Err(StoreError::blocked(Blocker::DefaultVersion));
        }
        let done =
            sqlx::query("DELETE FROM policy_versions WHERE policy_arn = ? AND version_id = ?")
                .bind(arn)
                .bind(version_id)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::PolicyVersion, version_id));
        }
        self.commit(tx).await
    }
}
