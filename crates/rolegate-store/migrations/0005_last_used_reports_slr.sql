-- The last use of long-term access keys and of roles, the account's credential report, and the
-- deletion tasks of service-linked roles.

-- One row per key: its newest use. The server batches uses in memory and upserts them here; a
-- deleted key takes its row with it.
CREATE TABLE access_key_last_used (
    access_key_id TEXT PRIMARY KEY NOT NULL
        REFERENCES access_keys(access_key_id) ON DELETE CASCADE,
    used_at       INTEGER NOT NULL,
    service_name  TEXT NOT NULL,
    region        TEXT NOT NULL
);

-- One row per role, by its unique id: a role deleted and recreated under the same name starts
-- unused.
CREATE TABLE role_last_used (
    role_id TEXT PRIMARY KEY NOT NULL REFERENCES roles(role_id) ON DELETE CASCADE,
    used_at INTEGER NOT NULL,
    region  TEXT NOT NULL
);

-- One report per account. `content` is NULL while a generation is in progress.
CREATE TABLE credential_reports (
    account_id   TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id),
    started_at   INTEGER NOT NULL,
    generated_at INTEGER,
    content      BLOB,
    CHECK ((generated_at IS NULL) = (content IS NULL))
);

-- DeleteServiceLinkedRole's tasks, looked up by GetServiceLinkedRoleDeletionStatus within the
-- account that made them.
CREATE TABLE slr_deletion_tasks (
    task_id    TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    role_name  TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('SUCCEEDED', 'IN_PROGRESS', 'FAILED', 'NOT_STARTED')),
    created_at INTEGER NOT NULL
);
