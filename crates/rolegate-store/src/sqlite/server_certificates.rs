//! The account's server certificates and their tags.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{
    PATH_PREFIX, SqliteStore, Tx, from_unix, or_already_exists, unix, within_quota, write_tags,
};
use crate::{EntityKind, Rename, ServerCertificate, ServerCertificates, StoreError, Tag};

/// How the tags table names a server certificate.
const TAG_KIND: &str = "server-certificate";

fn certificate_from_row(row: &SqliteRow, tags: Vec<Tag>) -> Result<ServerCertificate, StoreError> {
    Ok(ServerCertificate {
        account_id: row.try_get("account_id")?,
        name: row.try_get("name")?,
        certificate_id: row.try_get("certificate_id")?,
        path: row.try_get("path")?,
        body: row.try_get("body")?,
        chain: row.try_get("chain")?,
        private_key_sealed: row.try_get("private_key_sealed")?,
        uploaded_at: from_unix(row.try_get("uploaded_at")?)?,
        expires_at: from_unix(row.try_get("expires_at")?)?,
        tags,
    })
}

/// The stored name of the certificate, or NotFound, inside the write's transaction.
async fn ensure_certificate(
    tx: &mut Tx,
    account_id: &str,
    name: &str,
) -> Result<String, StoreError> {
    let stored: Option<String> = sqlx::query_scalar(
        "SELECT name FROM server_certificates WHERE account_id = ? AND name = ?",
    )
    .bind(account_id)
    .bind(name)
    .fetch_optional(&mut **tx)
    .await?;
    stored.ok_or_else(|| StoreError::not_found(EntityKind::ServerCertificate, name))
}

/// Points the certificate's tags at its new name.
async fn retag(tx: &mut Tx, account_id: &str, old: &str, new: &str) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE tags SET entity_name = ? \
         WHERE account_id = ? AND entity_kind = ? AND entity_name = ?",
    )
    .bind(new)
    .bind(account_id)
    .bind(TAG_KIND)
    .bind(old)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl ServerCertificates for SqliteStore {
    async fn upload_server_certificate(
        &self,
        certificate: &ServerCertificate,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        within_quota(
            &mut tx,
            crate::Quota::ServerCertificatesPerAccount,
            "SELECT COUNT(*) FROM server_certificates WHERE account_id = ?",
            &[&certificate.account_id],
        )
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO server_certificates (account_id, name, certificate_id, path, body, chain, \
             private_key_sealed, uploaded_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&certificate.account_id)
        .bind(&certificate.name)
        .bind(&certificate.certificate_id)
        .bind(&certificate.path)
        .bind(&certificate.body)
        .bind(&certificate.chain)
        .bind(&certificate.private_key_sealed)
        .bind(unix(certificate.uploaded_at))
        .bind(unix(certificate.expires_at))
        .execute(&mut *tx)
        .await;
        or_already_exists(inserted, EntityKind::ServerCertificate, &certificate.name)?;
        write_tags(
            &mut tx,
            (&certificate.account_id, TAG_KIND, &certificate.name),
            &certificate.tags,
        )
        .await?;
        self.commit(tx).await
    }

    async fn get_server_certificate(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<ServerCertificate, StoreError> {
        let row =
            sqlx::query("SELECT * FROM server_certificates WHERE account_id = ? AND name = ?")
                .bind(account_id)
                .bind(name)
                .fetch_optional(&self.reader)
                .await?
                .ok_or_else(|| StoreError::not_found(EntityKind::ServerCertificate, name))?;
        let stored: String = row.try_get("name")?;
        let tags = self.tags_of(account_id, TAG_KIND, &stored).await?;
        certificate_from_row(&row, tags)
    }

    async fn list_server_certificates(
        &self,
        account_id: &str,
        path_prefix: Option<&str>,
    ) -> Result<Vec<ServerCertificate>, StoreError> {
        let sql = format!(
            "SELECT * FROM server_certificates WHERE account_id = ?1 AND {PATH_PREFIX} \
             ORDER BY name COLLATE NOCASE"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account_id)
            .bind(path_prefix.unwrap_or("/"))
            .fetch_all(&self.reader)
            .await?;
        rows.iter()
            .map(|row| certificate_from_row(row, Vec::new()))
            .collect()
    }

    async fn update_server_certificate(
        &self,
        account_id: &str,
        name: &str,
        update: &Rename,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let current = ensure_certificate(&mut tx, account_id, name).await?;
        if let Some(path) = &update.new_path {
            sqlx::query(
                "UPDATE server_certificates SET path = ? WHERE account_id = ? AND name = ?",
            )
            .bind(path)
            .bind(account_id)
            .bind(&current)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(new_name) = &update.new_name {
            let renamed = sqlx::query(
                "UPDATE server_certificates SET name = ? WHERE account_id = ? AND name = ?",
            )
            .bind(new_name)
            .bind(account_id)
            .bind(&current)
            .execute(&mut *tx)
            .await;
            or_already_exists(renamed, EntityKind::ServerCertificate, new_name)?;
            retag(&mut tx, account_id, &current, new_name).await?;
        }
        self.commit(tx).await
    }

    async fn delete_server_certificate(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let current = ensure_certificate(&mut tx, account_id, name).await?;
        sqlx::query(
            "DELETE FROM tags WHERE account_id = ? AND entity_kind = ? AND entity_name = ?",
        )
        .bind(account_id)
        .bind(TAG_KIND)
        .bind(&current)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM server_certificates WHERE account_id = ? AND name = ?")
            .bind(account_id)
            .bind(&current)
            .execute(&mut *tx)
            .await?;
        self.commit(tx).await
    }
}
