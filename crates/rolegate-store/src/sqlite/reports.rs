//! The credential report: one row per account, empty while a generation is in progress.

use async_trait::async_trait;
use sqlx::Row;
use time::OffsetDateTime;

use super::{SqliteStore, from_unix, unix};
use crate::{CredentialReport, CredentialReports, EntityKind, ReportStart, StoreError};

#[async_trait]
impl CredentialReports for SqliteStore {
    async fn start_credential_report(
        &self,
        account_id: &str,
        at: OffsetDateTime,
        max_age: time::Duration,
        abandoned_after: time::Duration,
    ) -> Result<ReportStart, StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "SELECT started_at, generated_at FROM credential_reports WHERE account_id = ?",
        )
        .bind(account_id)
        .fetch_optional(&mut *tx)
        .await?;
        let first = match row {
            None => {
                sqlx::query(
                    "INSERT INTO credential_reports (account_id, started_at) VALUES (?, ?)",
                )
                .bind(account_id)
                .bind(unix(at))
                .execute(&mut *tx)
                .await?;
                true
            }
            Some(row) => {
                let started = from_unix(row.try_get("started_at")?)?;
                let generated: Option<i64> = row.try_get("generated_at")?;
                match generated {
                    Some(generated) if at - from_unix(generated)? < max_age => {
                        return Ok(ReportStart::Complete);
                    }
                    None if at - started < abandoned_after => return Ok(ReportStart::InProgress),
                    _ => {}
                }
                sqlx::query(
                    "UPDATE credential_reports \
                     SET started_at = ?, generated_at = NULL, content = NULL WHERE account_id = ?",
                )
                .bind(unix(at))
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
                generated.is_none()
            }
        };
        tx.commit().await?;
        Ok(ReportStart::Started { first })
    }

    async fn finish_credential_report(
        &self,
        account_id: &str,
        started_at: OffsetDateTime,
        generated_at: OffsetDateTime,
        content: &[u8],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE credential_reports SET generated_at = ?, content = ? \
             WHERE account_id = ? AND started_at = ? AND content IS NULL",
        )
        .bind(unix(generated_at))
        .bind(content)
        .bind(account_id)
        .bind(unix(started_at))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(
                EntityKind::CredentialReport,
                account_id,
            ));
        }
        tx.commit().await?;
        Ok(())
    }

    async fn get_credential_report(
        &self,
        account_id: &str,
    ) -> Result<Option<CredentialReport>, StoreError> {
        let row = sqlx::query("SELECT * FROM credential_reports WHERE account_id = ?")
            .bind(account_id)
            .fetch_optional(&self.reader)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let generated_at: Option<i64> = row.try_get("generated_at")?;
        let content: Option<Vec<u8>> = row.try_get("content")?;
        let generated = match (generated_at, content) {
            (Some(at), Some(content)) => Some((from_unix(at)?, content)),
            _ => None,
        };
        Ok(Some(CredentialReport {
            account_id: row.try_get("account_id")?,
            started_at: from_unix(row.try_get("started_at")?)?,
            generated,
        }))
    }
}
