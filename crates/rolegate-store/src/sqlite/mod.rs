//! The embedded backend: SQLite through sqlx, in WAL mode with `synchronous=FULL` so that a
//! write acknowledged to a client survives `kill -9` and power loss.
//!
//! Writes go through a one-connection pool: SQLite has a single writer anyway, and serialising
//! here avoids `SQLITE_BUSY` upgrades of read transactions. Every rule a write must keep (a
//! quota, a delete rule, the existence of what it refers to) is checked inside its transaction,
//! so it holds however requests race, here and from other processes (a write transaction takes
//! SQLite's one write lock before it reads). Reads use a separate small pool. One module per
//! family of the `Store` trait.

mod accounts;
mod groups;
mod keys;
mod last_used;
mod login_profiles;
mod mfa;
mod policies;
mod profiles;
mod reports;
mod roles;
mod server_certificates;
mod service_credentials;
mod service_linked;
mod signing_certificates;
mod ssh_keys;
mod tags;
mod users;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
// Dynamic SQL here is only ever built from constant fragments (table and column names), never
// from input, which is always bound.
use sqlx::{AssertSqlSafe, Row, Sqlite, Transaction};
use time::OffsetDateTime;

use crate::{
    EntityKind, Generation, Identity, IdentityKind, KeyStatus, Quota, StoreError, Tag, Taggable,
    TaggableKind,
};

/// The SQLite store.
#[derive(Debug)]
pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
    /// The newest generation this process has seen (its own commits, or a refresh).
    generation: AtomicU64,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A write transaction.
type Tx = Transaction<'static, Sqlite>;

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and applies pending migrations.
    /// The file is created readable and writable by its owner only.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        create_private(path)?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        MIGRATOR.run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await?;
        let store = Self {
            reader,
            writer,
            generation: AtomicU64::new(0),
        };
        store.refresh_generation().await?;
        Ok(store)
    }

    /// Opens an in-memory-like database in a fresh file under `dir` (used by tests).
    pub async fn open_in(dir: &Path) -> Result<Self, StoreError> {
        Self::open(&dir.join("rolegate.sqlite3")).await
    }

    /// Begins a write transaction, taking the database's write lock before anything is read,
    /// so that the checks a write makes cannot be invalidated before it commits.
    async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Commits, moving the generation in the same transaction.
    async fn commit(&self, mut tx: Tx) -> Result<(), StoreError> {
        let generation: i64 = sqlx::query_scalar(
            "UPDATE meta SET value = value + 1 WHERE key = 'generation' RETURNING value",
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        self.saw_generation(generation);
        Ok(())
    }

    fn saw_generation(&self, generation: i64) {
        let generation = u64::try_from(generation).unwrap_or(0);
        self.generation.fetch_max(generation, Ordering::AcqRel);
    }

    async fn tags_of(
        &self,
        account_id: &str,
        kind: &str,
        name: &str,
    ) -> Result<Vec<Tag>, StoreError> {
        let rows = sqlx::query(
            "SELECT key, value FROM tags WHERE account_id = ? AND entity_kind = ? AND entity_name = ? \
             ORDER BY position",
        )
        .bind(account_id)
        .bind(kind)
        .bind(name)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(tag_from_row).collect()
    }

    /// Each row of a listing (`kind` as the tags table names it), made whole with its tags.
    async fn with_tags<T>(
        &self,
        account_id: &str,
        kind: &str,
        rows: &[SqliteRow],
        from_row: fn(&SqliteRow, Vec<Tag>) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut entities = Vec::with_capacity(rows.len());
        for row in rows {
            let name: String = row.try_get("name")?;
            let tags = self.tags_of(account_id, kind, &name).await?;
            entities.push(from_row(row, tags)?);
        }
        Ok(entities)
    }
}

#[async_trait]
impl Generation for SqliteStore {
    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    async fn refresh_generation(&self) -> Result<u64, StoreError> {
        let generation: i64 = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'generation'")
            .fetch_one(&self.reader)
            .await?;
        self.saw_generation(generation);
        Ok(self.generation())
    }
}

/// Creates the database file (and its WAL and shared-memory files) with mode 0600 if they do not
/// exist, so that SQLite never creates them readable by others.
fn create_private(path: &Path) -> Result<(), StoreError> {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let mut shm = path.as_os_str().to_owned();
    shm.push("-shm");
    for file in [path.to_owned(), wal.into(), shm.into()] {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
            .open(&file)
            .map_err(|e| StoreError::Backend(format!("{}: {e}", file.display())))?;
    }
    Ok(())
}

fn unix(at: OffsetDateTime) -> i64 {
    at.unix_timestamp()
}

fn from_unix(seconds: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn identity_entity(kind: IdentityKind) -> EntityKind {
    match kind {
        IdentityKind::User => EntityKind::User,
        IdentityKind::Group => EntityKind::Group,
        IdentityKind::Role => EntityKind::Role,
    }
}

fn identity_table(kind: IdentityKind) -> &'static str {
    match kind {
        IdentityKind::User => "users",
        IdentityKind::Group => "groups",
        IdentityKind::Role => "roles",
    }
}

/// How the tags table names a taggable kind, the table it lives in and its key column.
fn taggable(kind: TaggableKind) -> (&'static str, &'static str, &'static str, EntityKind) {
    match kind {
        TaggableKind::User => ("user", "users", "name", EntityKind::User),
        TaggableKind::Role => ("role", "roles", "name", EntityKind::Role),
        TaggableKind::Policy => (
            "policy",
            "managed_policies",
            "name",
            EntityKind::ManagedPolicy,
        ),
        TaggableKind::InstanceProfile => (
            "instance-profile",
            "instance_profiles",
            "name",
            EntityKind::InstanceProfile,
        ),
        TaggableKind::MfaDevice => ("mfa", "mfa_devices", "serial_number", EntityKind::MfaDevice),
        TaggableKind::ServerCertificate => (
            "server-certificate",
            "server_certificates",
            "name",
            EntityKind::ServerCertificate,
        ),
    }
}

fn tag_from_row(row: &SqliteRow) -> Result<Tag, StoreError> {
    Ok(Tag {
        key: row.try_get("key")?,
        value: row.try_get("value")?,
    })
}

/// A write's result, with a unique-key violation reported as `kind` `name` already existing.
fn or_already_exists<T>(
    written: Result<T, sqlx::Error>,
    kind: EntityKind,
    name: &str,
) -> Result<T, StoreError> {
    written.map_err(|error| match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::already_exists(kind, name)
        }
        _ => error.into(),
    })
}

/// The stored name of the identity, or NotFound: the existence check of a write, made inside
/// its transaction.
async fn ensure_identity(tx: &mut Tx, identity: &Identity) -> Result<String, StoreError> {
    let sql = format!(
        "SELECT name FROM {} WHERE account_id = ? AND name = ?",
        identity_table(identity.kind)
    );
    let stored: Option<String> = sqlx::query_scalar(AssertSqlSafe(sql))
        .bind(&identity.account_id)
        .bind(&identity.name)
        .fetch_optional(&mut **tx)
        .await?;
    stored.ok_or_else(|| StoreError::not_found(identity_entity(identity.kind), &identity.name))
}

/// The stored name (key) of a taggable resource, or NotFound.
async fn ensure_taggable(tx: &mut Tx, resource: &Taggable) -> Result<String, StoreError> {
    let (_, table, column, kind) = taggable(resource.kind);
    let sql = format!("SELECT {column} FROM {table} WHERE account_id = ? AND {column} = ?");
    let stored: Option<String> = sqlx::query_scalar(AssertSqlSafe(sql))
        .bind(&resource.account_id)
        .bind(&resource.name)
        .fetch_optional(&mut **tx)
        .await?;
    stored.ok_or_else(|| StoreError::not_found(kind, &resource.name))
}

/// `LimitExceeded` unless fewer than `quota`'s limit rows match `sql` (a `COUNT(*)` with the
/// given bindings).
async fn within_quota(
    tx: &mut Tx,
    quota: Quota,
    sql: &'static str,
    bindings: &[&str],
) -> Result<(), StoreError> {
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for value in bindings {
        query = query.bind(*value);
    }
    let count = query.fetch_one(&mut **tx).await?;
    if usize::try_from(count).unwrap_or(usize::MAX) >= quota.limit() {
        return Err(StoreError::limit(quota));
    }
    Ok(())
}

/// Whether any row matches `sql` (a `SELECT EXISTS(…)`).
async fn exists(tx: &mut Tx, sql: &'static str, bindings: &[&str]) -> Result<bool, StoreError> {
    let mut query = sqlx::query_scalar::<_, bool>(sql);
    for value in bindings {
        query = query.bind(*value);
    }
    Ok(query.fetch_one(&mut **tx).await?)
}

/// A boundary must be a managed policy of the account (which must exist) or an AWS-managed one
/// (the caller's to check against the catalogue); another account's is not found.
async fn ensure_boundary(
    tx: &mut Tx,
    account_id: &str,
    boundary: Option<&str>,
) -> Result<(), StoreError> {
    let Some(arn) = boundary else {
        return Ok(());
    };
    let found = if owned_by(arn, account_id) {
        exists(
            tx,
            "SELECT EXISTS(SELECT 1 FROM managed_policies WHERE arn = ? AND account_id = ?)",
            &[arn, account_id],
        )
        .await?
    } else {
        owned_by(arn, AWS_OWNED)
    };
    if found {
        Ok(())
    } else {
        Err(StoreError::not_found(EntityKind::ManagedPolicy, arn))
    }
}

/// The owner of AWS-managed policies in their ARNs (`arn:aws:iam::aws:policy/…`).
const AWS_OWNED: &str = "aws";

/// Whether a policy ARN names `account_id` as its owner.
fn owned_by(arn: &str, account_id: &str) -> bool {
    arn.split(':').nth(4) == Some(account_id)
}

/// Writes `tags` (merge by key, case-insensitively), keeping first-seen order, and keeps the
/// resource within `TagsPerResource`.
async fn write_tags(
    tx: &mut Tx,
    (account_id, kind, name): (&str, &str, &str),
    tags: &[Tag],
) -> Result<(), StoreError> {
    for tag in tags {
        sqlx::query(
            "INSERT INTO tags (account_id, entity_kind, entity_name, key, value, position) \
             VALUES (?1, ?2, ?3, ?4, ?5, \
               (SELECT COALESCE(MAX(position), 0) + 1 FROM tags \
                WHERE account_id = ?1 AND entity_kind = ?2 AND entity_name = ?3)) \
             ON CONFLICT (account_id, entity_kind, entity_name, key) \
             DO UPDATE SET key = excluded.key, value = excluded.value",
        )
        .bind(account_id)
        .bind(kind)
        .bind(name)
        .bind(&tag.key)
        .bind(&tag.value)
        .execute(&mut **tx)
        .await?;
    }
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM tags WHERE account_id = ? AND entity_kind = ? AND entity_name = ?",
    )
    .bind(account_id)
    .bind(kind)
    .bind(name)
    .fetch_one(&mut **tx)
    .await?;
    if usize::try_from(count).unwrap_or(usize::MAX) > Quota::TagsPerResource.limit() {
        return Err(StoreError::limit(Quota::TagsPerResource));
    }
    Ok(())
}

/// Deletes what an entity of `kind` owns in the generic tables (its tags; for identities their
/// policies, which the delete rules have already found empty).
async fn delete_owned_rows(
    tx: &mut Tx,
    account_id: &str,
    kind: &str,
    name: &str,
) -> Result<(), StoreError> {
    for table in ["tags", "inline_policies", "attached_policies"] {
        let sql = format!(
            "DELETE FROM {table} WHERE account_id = ? AND entity_kind = ? AND entity_name = ?"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(account_id)
            .bind(kind)
            .bind(name)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Points the generic tables (tags, inline and attached policies) at an identity's new name.
async fn rename_owned_rows(
    tx: &mut Tx,
    account_id: &str,
    kind: &str,
    old: &str,
    new: &str,
) -> Result<(), StoreError> {
    for table in ["tags", "inline_policies", "attached_policies"] {
        let sql = format!(
            "UPDATE {table} SET entity_name = ? \
             WHERE account_id = ? AND entity_kind = ? AND entity_name = ?"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(new)
            .bind(account_id)
            .bind(kind)
            .bind(old)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Rows whose `path` begins with `prefix` (`/` when none): the `PathPrefix` of every listing.
const PATH_PREFIX: &str = "substr(path, 1, length(?2)) = ?2";

/// `Active` / `Inactive` as a credential table stores them.
fn key_status(text: &str) -> Result<KeyStatus, StoreError> {
    KeyStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("credential status {text}")))
}

fn step_to_i64(step: u64) -> Result<i64, StoreError> {
    i64::try_from(step).map_err(|_| StoreError::Corrupt(format!("TOTP step {step} out of range")))
}
