//! Tags on users, roles, managed policies, instance profiles and MFA devices.

use async_trait::async_trait;

use super::{SqliteStore, ensure_taggable, taggable, write_tags};
use crate::{StoreError, Tag, Taggable, Tags};

#[async_trait]
impl Tags for SqliteStore {
    async fn tag(&self, resource: &Taggable, tags: &[Tag]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let name = ensure_taggable(&mut tx, resource).await?;
        let (kind, ..) = taggable(resource.kind);
        write_tags(&mut tx, (&resource.account_id, kind, &name), tags).await?;
        self.commit(tx).await
    }

    async fn untag(&self, resource: &Taggable, keys: &[String]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let name = ensure_taggable(&mut tx, resource).await?;
        let (kind, ..) = taggable(resource.kind);
        for key in keys {
            sqlx::query(
                "DELETE FROM tags WHERE account_id = ? AND entity_kind = ? AND entity_name = ? \
                 AND key = ?",
            )
            .bind(&resource.account_id)
            .bind(kind)
            .bind(&name)
            .bind(key)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await
    }

    async fn list_tags(&self, resource: &Taggable) -> Result<Vec<Tag>, StoreError> {
        let (kind, table, column, entity) = taggable(resource.kind);
        let sql = format!("SELECT {column} FROM {table} WHERE account_id = ? AND {column} = ?");
        let stored: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(&resource.account_id)
            .bind(&resource.name)
            .fetch_optional(&self.reader)
            .await?;
        let stored = stored.ok_or_else(|| StoreError::not_found(entity, &resource.name))?;
        self.tags_of(&resource.account_id, kind, &stored).await
    }
}
