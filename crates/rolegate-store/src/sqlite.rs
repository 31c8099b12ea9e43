//! The embedded backend: SQLite through sqlx, in WAL mode with `synchronous=FULL` so that a
//! write acknowledged to a client survives `kill -9` and power loss.
//!
//! Writes go through a one-connection pool: SQLite has a single writer anyway, and serialising
//! here avoids `SQLITE_BUSY` upgrades of read transactions. Reads use a separate small pool.

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
    AccessKey, Account, Entity, EntityKind, KeyOwner, KeyStatus, ManagedPolicy, MfaDevice,
    PolicyScope, PolicyVersion, Principal, PrincipalKind, Role, RoleUpdate, Store, StoreError, Tag,
    User, UserUpdate,
};

/// The SQLite store. Cheap to clone (pools are shared).
#[derive(Debug)]
pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
    generation: AtomicU64,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
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
        Ok(Self {
            reader,
            writer,
            generation: AtomicU64::new(0),
        })
    }

    /// Opens an in-memory-like database in a fresh file under `dir` (used by tests).
    pub async fn open_in(dir: &Path) -> Result<Self, StoreError> {
        Self::open(&dir.join("rolegate.sqlite3")).await
    }

    async fn begin(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.writer.begin().await?)
    }

    async fn commit(&self, tx: Transaction<'static, Sqlite>) -> Result<(), StoreError> {
        tx.commit().await?;
        self.generation.fetch_add(1, Ordering::Release);
        Ok(())
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

    /// Each row of a listing (users, roles or managed policies: `kind` as the tags table names
    /// it), made whole with its tags.
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

fn unix(at: OffsetDateTime) -> i64 {
    at.unix_timestamp()
}

fn from_unix(seconds: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn principal_kind(kind: PrincipalKind) -> &'static str {
    match kind {
        PrincipalKind::User => "user",
        PrincipalKind::Role => "role",
    }
}

fn principal_entity(kind: PrincipalKind) -> EntityKind {
    match kind {
        PrincipalKind::User => EntityKind::User,
        PrincipalKind::Role => EntityKind::Role,
    }
}

/// (account, kind, name) of a taggable entity.
fn entity_key(entity: &Entity) -> (&str, &'static str, &str) {
    match entity {
        Entity::Principal(p) => (&p.account_id, principal_kind(p.kind), &p.name),
        Entity::Policy { account_id, name } => (account_id, "policy", name),
    }
}

fn tag_from_row(row: &SqliteRow) -> Result<Tag, StoreError> {
    Ok(Tag {
        key: row.try_get("key")?,
        value: row.try_get("value")?,
    })
}

fn account_from_row(row: &SqliteRow) -> Result<Account, StoreError> {
    Ok(Account {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        organization_id: row.try_get("organization_id")?,
        ou_path: row.try_get("ou_path")?,
        created_at: from_unix(row.try_get("created_at")?)?,
    })
}

fn access_key_from_row(row: &SqliteRow) -> Result<AccessKey, StoreError> {
    let kind: String = row.try_get("owner_kind")?;
    let name: Option<String> = row.try_get("owner_name")?;
    let owner = match (kind.as_str(), name) {
        ("root", _) => KeyOwner::Root,
        ("user", Some(name)) => KeyOwner::User(name),
        ("service", Some(name)) => KeyOwner::Service(name),
        (other, _) => {
            return Err(StoreError::Corrupt(format!(
                "access key owner kind {other}"
            )));
        }
    };
    let status: String = row.try_get("status")?;
    Ok(AccessKey {
        access_key_id: row.try_get("access_key_id")?,
        account_id: row.try_get("account_id")?,
        owner,
        secret_sealed: row.try_get("secret_sealed")?,
        status: KeyStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("access key status {status}")))?,
        created_at: from_unix(row.try_get("created_at")?)?,
    })
}

fn user_from_row(row: &SqliteRow, tags: Vec<Tag>) -> Result<User, StoreError> {
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

fn role_from_row(row: &SqliteRow, tags: Vec<Tag>) -> Result<Role, StoreError> {
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

fn mfa_from_row(row: &SqliteRow) -> Result<MfaDevice, StoreError> {
    let enabled_at: Option<i64> = row.try_get("enabled_at")?;
    let step: Option<i64> = row.try_get("last_used_step")?;
    Ok(MfaDevice {
        serial_number: row.try_get("serial_number")?,
        account_id: row.try_get("account_id")?,
        seed_sealed: row.try_get("seed_sealed")?,
        user_name: row.try_get("user_name")?,
        enabled_at: enabled_at.map(from_unix).transpose()?,
        last_used_step: step.and_then(|s| u64::try_from(s).ok()),
        created_at: from_unix(row.try_get("created_at")?)?,
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

fn step_to_i64(step: u64) -> Result<i64, StoreError> {
    i64::try_from(step).map_err(|_| StoreError::Corrupt(format!("TOTP step {step} out of range")))
}

const POLICY_COLUMNS: &str = "p.arn, p.account_id, p.name, p.policy_id, p.path, p.description, \
    p.default_version_id, p.created_at, p.updated_at, \
    (SELECT COUNT(*) FROM attached_policies a WHERE a.policy_arn = p.arn) AS attachment_count";

const VERSION_COLUMNS: &str = "v.policy_arn, v.version_id, v.document, v.created_at, \
    (v.version_id = p.default_version_id) AS is_default";

/// Writes `tags` (merge by key, case-insensitively), keeping first-seen order.
async fn write_tags(
    tx: &mut Transaction<'static, Sqlite>,
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
    Ok(())
}

async fn delete_owned_rows(
    tx: &mut Transaction<'static, Sqlite>,
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

#[async_trait]
impl Store for SqliteStore {
    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    async fn ensure_account(&self, account: &Account) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "INSERT INTO accounts (id, name, organization_id, ou_path, created_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&account.id)
        .bind(&account.name)
        .bind(&account.organization_id)
        .bind(&account.ou_path)
        .bind(unix(account.created_at))
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn get_account(&self, id: &str) -> Result<Account, StoreError> {
        let row = sqlx::query("SELECT * FROM accounts WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::Account, id))?;
        account_from_row(&row)
    }

    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows = sqlx::query("SELECT * FROM accounts ORDER BY id")
            .fetch_all(&self.reader)
            .await?;
        rows.iter().map(account_from_row).collect()
    }

    async fn create_access_key(&self, key: &AccessKey) -> Result<(), StoreError> {
        let (kind, name) = match &key.owner {
            KeyOwner::Root => ("root", None),
            KeyOwner::User(name) => ("user", Some(name.as_str())),
            KeyOwner::Service(name) => ("service", Some(name.as_str())),
        };
        let mut tx = self.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO access_keys \
             (access_key_id, account_id, owner_kind, owner_name, secret_sealed, status, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&key.access_key_id)
        .bind(&key.account_id)
        .bind(kind)
        .bind(name)
        .bind(&key.secret_sealed)
        .bind(key.status.as_str())
        .bind(unix(key.created_at))
        .execute(&mut *tx)
        .await;
        or_already_exists(inserted, EntityKind::AccessKey, &key.access_key_id)?;
        self.commit(tx).await
    }

    async fn get_access_key(&self, access_key_id: &str) -> Result<AccessKey, StoreError> {
        let row = sqlx::query("SELECT * FROM access_keys WHERE access_key_id = ?")
            .bind(access_key_id)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::AccessKey, access_key_id))?;
        access_key_from_row(&row)
    }

    async fn list_access_keys(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> Result<Vec<AccessKey>, StoreError> {
        let rows = match user_name {
            Some(name) => {
                sqlx::query(
                    "SELECT * FROM access_keys WHERE account_id = ? AND owner_kind = 'user' \
                     AND owner_name = ? ORDER BY created_at, access_key_id",
                )
                .bind(account_id)
                .bind(name)
                .fetch_all(&self.reader)
                .await?
            }
            None => {
                sqlx::query(
                    "SELECT * FROM access_keys WHERE account_id = ? AND owner_kind = 'root' \
                     ORDER BY created_at, access_key_id",
                )
                .bind(account_id)
                .fetch_all(&self.reader)
                .await?
            }
        };
        rows.iter().map(access_key_from_row).collect()
    }

    async fn update_access_key_status(
        &self,
        access_key_id: &str,
        status: KeyStatus,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE access_keys SET status = ? WHERE access_key_id = ?")
            .bind(status.as_str())
            .bind(access_key_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::AccessKey, access_key_id));
        }
        self.commit(tx).await
    }

    async fn delete_access_key(&self, access_key_id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM access_keys WHERE access_key_id = ?")
            .bind(access_key_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::AccessKey, access_key_id));
        }
        self.commit(tx).await
    }

    async fn create_user(&self, user: &User) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
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
        let rows = sqlx::query(
            "SELECT * FROM users WHERE account_id = ? AND substr(path, 1, length(?2)) = ?2 \
             ORDER BY name COLLATE NOCASE",
        )
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
        update: &UserUpdate,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let current: Option<String> =
            sqlx::query_scalar("SELECT name FROM users WHERE account_id = ? AND name = ?")
                .bind(account_id)
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?;
        let current = current.ok_or_else(|| StoreError::not_found(EntityKind::User, name))?;
        if let Some(path) = &update.new_path {
            sqlx::query("UPDATE users SET path = ? WHERE account_id = ? AND name = ?")
                .bind(path)
                .bind(account_id)
                .bind(&current)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(boundary) = &update.permissions_boundary {
            sqlx::query(
                "UPDATE users SET permissions_boundary = ? WHERE account_id = ? AND name = ?",
            )
            .bind(boundary)
            .bind(account_id)
            .bind(&current)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(new_name) = &update.new_name {
            let renamed =
                sqlx::query("UPDATE users SET name = ? WHERE account_id = ? AND name = ?")
                    .bind(new_name)
                    .bind(account_id)
                    .bind(&current)
                    .execute(&mut *tx)
                    .await;
            or_already_exists(renamed, EntityKind::User, new_name)?;
            for table in ["tags", "inline_policies", "attached_policies"] {
                let sql = format!(
                    "UPDATE {table} SET entity_name = ? \
                     WHERE account_id = ? AND entity_kind = 'user' AND entity_name = ?"
                );
                sqlx::query(AssertSqlSafe(sql))
                    .bind(new_name)
                    .bind(account_id)
                    .bind(&current)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "UPDATE access_keys SET owner_name = ? \
                 WHERE account_id = ? AND owner_kind = 'user' AND owner_name = ?",
            )
            .bind(new_name)
            .bind(account_id)
            .bind(&current)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE mfa_devices SET user_name = ? WHERE account_id = ? AND user_name = ?",
            )
            .bind(new_name)
            .bind(account_id)
            .bind(&current)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await
    }

    async fn delete_user(&self, account_id: &str, name: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM users WHERE account_id = ? AND name = ?")
            .bind(account_id)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::User, name));
        }
        delete_owned_rows(&mut tx, account_id, "user", name).await?;
        self.commit(tx).await
    }

    async fn create_role(&self, role: &Role) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
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
        .execute(&mut *tx)
        .await;
        or_already_exists(inserted, EntityKind::Role, &role.name)?;
        write_tags(&mut tx, (&role.account_id, "role", &role.name), &role.tags).await?;
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
        let rows = sqlx::query(
            "SELECT * FROM roles WHERE account_id = ? AND substr(path, 1, length(?2)) = ?2 \
             ORDER BY name COLLATE NOCASE",
        )
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
        let exists: Option<String> =
            sqlx::query_scalar("SELECT name FROM roles WHERE account_id = ? AND name = ?")
                .bind(account_id)
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(StoreError::not_found(EntityKind::Role, name));
        }
        if let Some(description) = &update.description {
            sqlx::query("UPDATE roles SET description = ? WHERE account_id = ? AND name = ?")
                .bind(description)
                .bind(account_id)
                .bind(name)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(max) = update.max_session_duration {
            sqlx::query(
                "UPDATE roles SET max_session_duration = ? WHERE account_id = ? AND name = ?",
            )
            .bind(max)
            .bind(account_id)
            .bind(name)
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
            .bind(name)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(boundary) = &update.permissions_boundary {
            sqlx::query(
                "UPDATE roles SET permissions_boundary = ? WHERE account_id = ? AND name = ?",
            )
            .bind(boundary)
            .bind(account_id)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await
    }

    async fn delete_role(&self, account_id: &str, name: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM roles WHERE account_id = ? AND name = ?")
            .bind(account_id)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::Role, name));
        }
        delete_owned_rows(&mut tx, account_id, "role", name).await?;
        self.commit(tx).await
    }

    async fn put_inline_policy(
        &self,
        principal: &Principal,
        policy_name: &str,
        document: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        ensure_principal(&mut tx, principal).await?;
        sqlx::query(
            "INSERT INTO inline_policies (account_id, entity_kind, entity_name, policy_name, document) \
             VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (account_id, entity_kind, entity_name, policy_name) \
             DO UPDATE SET document = excluded.document",
        )
        .bind(&principal.account_id)
        .bind(principal_kind(principal.kind))
        .bind(&principal.name)
        .bind(policy_name)
        .bind(document)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    async fn get_inline_policy(
        &self,
        principal: &Principal,
        policy_name: &str,
    ) -> Result<String, StoreError> {
        sqlx::query_scalar(
            "SELECT document FROM inline_policies \
             WHERE account_id = ? AND entity_kind = ? AND entity_name = ? AND policy_name = ?",
        )
        .bind(&principal.account_id)
        .bind(principal_kind(principal.kind))
        .bind(&principal.name)
        .bind(policy_name)
        .fetch_optional(&self.reader)
        .await?
        .ok_or_else(|| StoreError::not_found(EntityKind::InlinePolicy, policy_name))
    }

    async fn list_inline_policies(
        &self,
        principal: &Principal,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT policy_name, document FROM inline_policies \
             WHERE account_id = ? AND entity_kind = ? AND entity_name = ? \
             ORDER BY policy_name COLLATE NOCASE",
        )
        .bind(&principal.account_id)
        .bind(principal_kind(principal.kind))
        .bind(&principal.name)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("policy_name")?, row.try_get("document")?)))
            .collect()
    }

    async fn delete_inline_policy(
        &self,
        principal: &Principal,
        policy_name: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "DELETE FROM inline_policies \
             WHERE account_id = ? AND entity_kind = ? AND entity_name = ? AND policy_name = ?",
        )
        .bind(&principal.account_id)
        .bind(principal_kind(principal.kind))
        .bind(&principal.name)
        .bind(policy_name)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::InlinePolicy, policy_name));
        }
        self.commit(tx).await
    }

    async fn attach_policy(
        &self,
        principal: &Principal,
        policy_arn: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        ensure_principal(&mut tx, principal).await?;
        let policy: Option<String> =
            // A policy attaches only within its own account.
            sqlx::query_scalar("SELECT arn FROM managed_policies WHERE arn = ? AND account_id = ?")
                .bind(policy_arn)
                .bind(&principal.account_id)
                .fetch_optional(&mut *tx)
                .await?;
        if policy.is_none() {
            return Err(StoreError::not_found(EntityKind::ManagedPolicy, policy_arn));
        }
        sqlx::query(
            "INSERT INTO attached_policies (account_id, entity_kind, entity_name, policy_arn, position) \
             VALUES (?1, ?2, ?3, ?4, (SELECT COALESCE(MAX(position), 0) + 1 FROM attached_policies \
               WHERE account_id = ?1 AND entity_kind = ?2 AND entity_name = ?3)) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&principal.account_id)
        .bind(principal_kind(principal.kind))
        .bind(&principal.name)
        .bind(policy_arn)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    async fn detach_policy(
        &self,
        principal: &Principal,
        policy_arn: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        ensure_principal(&mut tx, principal).await?;
        let done = sqlx::query(
            "DELETE FROM attached_policies \
             WHERE account_id = ? AND entity_kind = ? AND entity_name = ? AND policy_arn = ?",
        )
        .bind(&principal.account_id)
        .bind(principal_kind(principal.kind))
        .bind(&principal.name)
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

    async fn list_attached_policies(
        &self,
        principal: &Principal,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT policy_arn FROM attached_policies \
             WHERE account_id = ? AND entity_kind = ? AND entity_name = ? ORDER BY position",
        )
        .bind(&principal.account_id)
        .bind(principal_kind(principal.kind))
        .bind(&principal.name)
        .fetch_all(&self.reader)
        .await?)
    }

    async fn tag(&self, entity: &Entity, tags: &[Tag]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let key = ensure_entity(&mut tx, entity).await?;
        write_tags(&mut tx, (key.0, key.1, &key.2), tags).await?;
        self.commit(tx).await
    }

    async fn untag(&self, entity: &Entity, keys: &[String]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let (account_id, kind, name) = ensure_entity(&mut tx, entity).await?;
        for key in keys {
            sqlx::query(
                "DELETE FROM tags WHERE account_id = ? AND entity_kind = ? AND entity_name = ? \
                 AND key = ?",
            )
            .bind(account_id)
            .bind(kind)
            .bind(&name)
            .bind(key)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx).await
    }

    async fn list_tags(&self, entity: &Entity) -> Result<Vec<Tag>, StoreError> {
        let (account_id, kind, name) = entity_key(entity);
        let table = match kind {
            "user" => "users",
            "role" => "roles",
            _ => "managed_policies",
        };
        let sql = format!("SELECT name FROM {table} WHERE account_id = ? AND name = ?");
        let stored: Option<String> = sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(account_id)
            .bind(name)
            .fetch_optional(&self.reader)
            .await?;
        let stored = stored.ok_or_else(|| StoreError::not_found(entity_kind(entity), name))?;
        self.tags_of(account_id, kind, &stored).await
    }

    async fn create_policy(
        &self,
        policy: &ManagedPolicy,
        document: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
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
        let mut policies = self
            .with_tags(account_id, "policy", &rows, policy_from_row)
            .await?;
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
    ) -> Result<PolicyVersion, StoreError> {
        let mut tx = self.begin().await?;
        let next: Option<i64> =
            sqlx::query_scalar("SELECT next_version FROM managed_policies WHERE arn = ?")
                .bind(arn)
                .fetch_optional(&mut *tx)
                .await?;
        let next = next.ok_or_else(|| StoreError::not_found(EntityKind::ManagedPolicy, arn))?;
        let version_id = format!("v{next}");
        let now = OffsetDateTime::now_utc();
        sqlx::query(
            "INSERT INTO policy_versions (policy_arn, version_id, document, created_at) \
             VALUES (?, ?, ?, ?)",
        )
        .bind(arn)
        .bind(&version_id)
        .bind(document)
        .bind(unix(now))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE managed_policies SET next_version = next_version + 1, updated_at = ?, \
             default_version_id = CASE WHEN ? THEN ? ELSE default_version_id END WHERE arn = ?",
        )
        .bind(unix(now))
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
            created_at: now,
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
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let exists: Option<String> = sqlx::query_scalar(
            "SELECT version_id FROM policy_versions WHERE policy_arn = ? AND version_id = ?",
        )
        .bind(arn)
        .bind(version_id)
        .fetch_optional(&mut *tx)
        .await?;
        if exists.is_none() {
            return Err(StoreError::not_found(EntityKind::PolicyVersion, version_id));
        }
        sqlx::query(
            "UPDATE managed_policies SET default_version_id = ?, updated_at = ? WHERE arn = ?",
        )
        .bind(version_id)
        .bind(unix(OffsetDateTime::now_utc()))
        .bind(arn)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    async fn delete_policy_version(&self, arn: &str, version_id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let default: Option<String> =
            sqlx::query_scalar("SELECT default_version_id FROM managed_policies WHERE arn = ?")
                .bind(arn)
                .fetch_optional(&mut *tx)
                .await?;
        let default =
            default.ok_or_else(|| StoreError::not_found(EntityKind::ManagedPolicy, arn))?;
        if default == version_id {
            return Err(StoreError::Conflict {
                kind: EntityKind::PolicyVersion,
                name: version_id.to_owned(),
                reason: "the default version cannot be deleted",
            });
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

    async fn create_mfa_device(&self, device: &MfaDevice) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO mfa_devices (serial_number, account_id, seed_sealed, user_name, enabled_at, \
             last_used_step, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&device.serial_number)
        .bind(&device.account_id)
        .bind(&device.seed_sealed)
        .bind(&device.user_name)
        .bind(device.enabled_at.map(unix))
        .bind(device.last_used_step.map(step_to_i64).transpose()?)
        .bind(unix(device.created_at))
        .execute(&mut *tx)
        .await;
        or_already_exists(inserted, EntityKind::MfaDevice, &device.serial_number)?;
        self.commit(tx).await
    }

    async fn get_mfa_device(&self, serial_number: &str) -> Result<MfaDevice, StoreError> {
        let row = sqlx::query("SELECT * FROM mfa_devices WHERE serial_number = ?")
            .bind(serial_number)
            .fetch_optional(&self.reader)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::MfaDevice, serial_number))?;
        mfa_from_row(&row)
    }

    async fn list_mfa_devices(
        &self,
        account_id: &str,
        user_name: Option<&str>,
    ) -> Result<Vec<MfaDevice>, StoreError> {
        let rows = match user_name {
            Some(user) => {
                sqlx::query(
                    "SELECT * FROM mfa_devices WHERE account_id = ? AND user_name = ? \
                     ORDER BY serial_number",
                )
                .bind(account_id)
                .bind(user)
                .fetch_all(&self.reader)
                .await?
            }
            None => {
                sqlx::query("SELECT * FROM mfa_devices WHERE account_id = ? ORDER BY serial_number")
                    .bind(account_id)
                    .fetch_all(&self.reader)
                    .await?
            }
        };
        rows.iter().map(mfa_from_row).collect()
    }

    async fn enable_mfa_device(
        &self,
        serial_number: &str,
        user_name: &str,
        step: u64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT user_name FROM mfa_devices WHERE serial_number = ?")
            .bind(serial_number)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::not_found(EntityKind::MfaDevice, serial_number))?;
        let current: Option<String> = row.try_get("user_name")?;
        if current.is_some() {
            return Err(StoreError::Conflict {
                kind: EntityKind::MfaDevice,
                name: serial_number.to_owned(),
                reason: "the device is already enabled",
            });
        }
        sqlx::query(
            "UPDATE mfa_devices SET user_name = ?, enabled_at = ?, last_used_step = ? \
             WHERE serial_number = ?",
        )
        .bind(user_name)
        .bind(unix(OffsetDateTime::now_utc()))
        .bind(step_to_i64(step)?)
        .bind(serial_number)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await
    }

    async fn deactivate_mfa_device(
        &self,
        account_id: &str,
        serial_number: &str,
        user_name: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE mfa_devices SET user_name = NULL, enabled_at = NULL \
             WHERE serial_number = ? AND account_id = ? AND user_name = ?",
        )
        .bind(serial_number)
        .bind(account_id)
        .bind(user_name)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::MfaDevice, serial_number));
        }
        self.commit(tx).await
    }

    async fn delete_mfa_device(&self, serial_number: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("DELETE FROM mfa_devices WHERE serial_number = ?")
            .bind(serial_number)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found(EntityKind::MfaDevice, serial_number));
        }
        self.commit(tx).await
    }

    async fn use_mfa_step(&self, serial_number: &str, step: u64) -> Result<bool, StoreError> {
        let step = step_to_i64(step)?;
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE mfa_devices SET last_used_step = ? \
             WHERE serial_number = ? AND (last_used_step IS NULL OR last_used_step < ?)",
        )
        .bind(step)
        .bind(serial_number)
        .bind(step)
        .execute(&mut *tx)
        .await?;
        self.commit(tx).await?;
        Ok(done.rows_affected() == 1)
    }
}

fn entity_kind(entity: &Entity) -> EntityKind {
    match entity {
        Entity::Principal(p) => principal_entity(p.kind),
        Entity::Policy { .. } => EntityKind::ManagedPolicy,
    }
}

/// Fails with NotFound unless the user or role exists.
async fn ensure_principal(
    tx: &mut Transaction<'static, Sqlite>,
    principal: &Principal,
) -> Result<String, StoreError> {
    let sql = match principal.kind {
        PrincipalKind::User => "SELECT name FROM users WHERE account_id = ? AND name = ?",
        PrincipalKind::Role => "SELECT name FROM roles WHERE account_id = ? AND name = ?",
    };
    let stored: Option<String> = sqlx::query_scalar(sql)
        .bind(&principal.account_id)
        .bind(&principal.name)
        .fetch_optional(&mut **tx)
        .await?;
    stored.ok_or_else(|| StoreError::not_found(principal_entity(principal.kind), &principal.name))
}

/// Fails with NotFound unless the entity exists; returns its key with the stored name.
async fn ensure_entity<'e>(
    tx: &mut Transaction<'static, Sqlite>,
    entity: &'e Entity,
) -> Result<(&'e str, &'static str, String), StoreError> {
    match entity {
        Entity::Principal(p) => {
            let stored = ensure_principal(tx, p).await?;
            Ok((&p.account_id, principal_kind(p.kind), stored))
        }
        Entity::Policy { account_id, name } => {
            let stored: Option<String> = sqlx::query_scalar(
                "SELECT name FROM managed_policies WHERE account_id = ? AND name = ?",
            )
            .bind(account_id)
            .bind(name)
            .fetch_optional(&mut **tx)
            .await?;
            let stored =
                stored.ok_or_else(|| StoreError::not_found(EntityKind::ManagedPolicy, name))?;
            Ok((account_id, "policy", stored))
        }
    }
}
