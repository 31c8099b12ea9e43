//! X.509 signing certificates of users and account roots.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{
    SqliteStore, ensure_identity, from_unix, key_status, or_already_exists, unix, within_quota,
};
use crate::{
    EntityKind, Identity, KeyOwner, KeyStatus, Quota, SigningCertificate, SigningCertificates,
    StoreError,
};

fn certificate_from_row(row: &SqliteRow) -> Result<SigningCertificate, StoreError> {
    let kind: String = row.try_get("owner_kind")?;
    let user: Option<String> = row.try_get("user_name")?;
    let owner = match (kind.as_str(), user) {
        ("root", None) => KeyOwner::Root,
        ("user", Some(name)) => KeyOwner::User(name),
        (other, _) => {
            return Err(StoreError::Corrupt(format!(
                "signing certificate owner kind {other}"
            )));
        }
    };
    let status: String = row.try_get("status")?;
    Ok(SigningCertificate {
        account_id: row.try_get("account_id")?,
        owner,
        certificate_id: row.try_get("certificate_id")?,
        body: row.try_get("body")?,
        fingerprint: row.try_get("fingerprint")?,
        status: key_status(&status)?,
        uploaded_at: from_unix(row.try_get("uploaded_at")?)?,
    })
}

/// `(owner_kind, user_name)` as stored. Queries pick one owner's certificates with
/// `owner_kind = ?K AND (owner_kind = 'root' OR user_name = ?U)`.
fn owner_columns(owner: &KeyOwner) -> Result<(&'static str, &str), StoreError> {
    match owner {
        KeyOwner::Root => Ok(("root", "")),
        KeyOwner::User(name) => Ok(("user", name.as_str())),
        KeyOwner::Service(name) => Err(StoreError::not_found(EntityKind::User, name)),
    }
}

#[async_trait]
impl SigningCertificates for SqliteStore {
    async fn upload_signing_certificate(
        &self,
        certificate: &SigningCertificate,
    ) -> Result<(), StoreError> {
        let (kind, name) = owner_columns(&certificate.owner)?;
        let mut tx = self.begin().await?;
        let user = match &certificate.owner {
            KeyOwner::User(user) => Some(
                ensure_identity(&mut tx, &Identity::user(&certificate.account_id, user)).await?,
            ),
            _ => None,
        };
        let held: bool = sqlx::query_scalar(
            "SELECT EXISTS(SELECT 1 FROM signing_certificates \
             WHERE account_id = ? AND fingerprint = ?)",
        )
        .bind(&certificate.account_id)
        .bind(&certificate.fingerprint)
        .fetch_one(&mut *tx)
        .await?;
        if held {
            return Err(StoreError::already_exists(
                EntityKind::SigningCertificate,
                &certificate.fingerprint,
            ));
        }
        within_quota(
            &mut tx,
            Quota::SigningCertificatesPerUser,
            "SELECT COUNT(*) FROM signing_certificates WHERE account_id = ?1 \
             AND owner_kind = ?2 AND (owner_kind = 'root' OR user_name = ?3)",
            &[
                &certificate.account_id,
                kind,
                user.as_deref().unwrap_or(name),
            ],
        )
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO signing_certificates (certificate_id, account_id, owner_kind, user_name, \
             body, fingerprint, status, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&certificate.certificate_id)
        .bind(&certificate.account_id)
        .bind(kind)
        .bind(&user)
        .bind(&certificate.body)
        .bind(&certificate.fingerprint)
        .bind(certificate.status.as_str())
        .bind(unix(certificate.uploaded_at))
        .execute(&mut *tx)
        .await;
        or_already_exists(
            inserted,
            EntityKind::SigningCertificate,
            &certificate.fingerprint,
        )?;
        self.commit(tx).await
    }

    async fn list_signing_certificates(
        &self,
        account_id: &str,
        owner: &KeyOwner,
    ) -> Result<Vec<SigningCertificate>, StoreError> {
        let (kind, name) = owner_columns(owner)?;
        if let KeyOwner::User(user) = owner {
            let found: Option<String> =
                sqlx::query_scalar("SELECT name FROM users WHERE account_id = ? AND name = ?")
                    .bind(account_id)
                    .bind(user)
                    .fetch_optional(&self.reader)
                    .await?;
            if found.is_none() {
                return Err(StoreError::not_found(EntityKind::User, user));
            }
        }
        let rows = sqlx::query(
            "SELECT * FROM signing_certificates WHERE account_id = ?1 AND owner_kind = ?2 \
             AND (owner_kind = 'root' OR user_name = ?3) ORDER BY uploaded_at, rowid",
        )
        .bind(account_id)
        .bind(kind)
        .bind(name)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(certificate_from_row).collect()
    }

    async fn update_signing_certificate_status(
        &self,
        account_id: &str,
        owner: &KeyOwner,
        certificate_id: &str,
        status: KeyStatus,
    ) -> Result<(), StoreError> {
        let (kind, name) = owner_columns(owner)?;
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE signing_certificates SET status = ?4 WHERE certificate_id = ?5 \
             AND account_id = ?1 AND owner_kind = ?2 AND (owner_kind = 'root' OR user_name = ?3)",
        )
        .bind(account_id)
        .bind(kind)
        .bind(name)
        .bind(status.as_str())
        .bind(certificate_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(
                EntityKind::SigningCertificate,
                certificate_id,
            ));
        }
        self.commit(tx).await
    }

    async fn delete_signing_certificate(
        &self,
        account_id: &str,
        owner: &KeyOwner,
        certificate_id: &str,
    ) -> Result<(), StoreError> {
        let (kind, name) = owner_columns(owner)?;
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "DELETE FROM signing_certificates WHERE certificate_id = ?4 AND account_id = ?1 \
             AND owner_kind = ?2 AND (owner_kind = 'root' OR user_name = ?3)",
        )
        .bind(account_id)
        .bind(kind)
        .bind(name)
        .bind(certificate_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(
                EntityKind::SigningCertificate,
                certificate_id,
            ));
        }
        self.commit(tx).await
    }
}
