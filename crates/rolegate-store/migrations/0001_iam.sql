-- Rolegate's IAM state. Names are unique case-insensitively (COLLATE NOCASE), as in IAM.
-- Times are Unix seconds (UTC). Secrets are sealed by the server before they reach this table.

CREATE TABLE accounts (
    id              TEXT PRIMARY KEY NOT NULL,
    name            TEXT NOT NULL,
    organization_id TEXT,
    ou_path         TEXT,
    created_at      INTEGER NOT NULL
);

CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY NOT NULL,
    account_id    TEXT NOT NULL REFERENCES accounts(id),
    owner_kind    TEXT NOT NULL CHECK (owner_kind IN ('root', 'user', 'service')),
    owner_name    TEXT COLLATE NOCASE,
    secret_sealed BLOB NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
    created_at    INTEGER NOT NULL
);
CREATE INDEX access_keys_by_owner ON access_keys (account_id, owner_kind, owner_name);

CREATE TABLE users (
    account_id           TEXT NOT NULL REFERENCES accounts(id),
    name                 TEXT NOT NULL COLLATE NOCASE,
    user_id              TEXT NOT NULL UNIQUE,
    path                 TEXT NOT NULL,
    permissions_boundary TEXT,
    created_at           INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
);

CREATE TABLE roles (
    account_id           TEXT NOT NULL REFERENCES accounts(id),
    name                 TEXT NOT NULL COLLATE NOCASE,
    role_id              TEXT NOT NULL UNIQUE,
    path                 TEXT NOT NULL,
    trust_policy         TEXT NOT NULL,
    trust_policy_bound   TEXT NOT NULL,
    description          TEXT,
    max_session_duration INTEGER NOT NULL,
    permissions_boundary TEXT,
    created_at           INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
);

-- Tags on users, roles and managed policies; keys are case-insensitive, case-preserving.
CREATE TABLE tags (
    account_id  TEXT NOT NULL,
    entity_kind TEXT NOT NULL CHECK (entity_kind IN ('user', 'role', 'policy')),
    entity_name TEXT NOT NULL COLLATE NOCASE,
    key         TEXT NOT NULL COLLATE NOCASE,
    value       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (account_id, entity_kind, entity_name, key)
);

CREATE TABLE inline_policies (
    account_id  TEXT NOT NULL,
    entity_kind TEXT NOT NULL CHECK (entity_kind IN ('user', 'role')),
    entity_name TEXT NOT NULL COLLATE NOCASE,
    policy_name TEXT NOT NULL COLLATE NOCASE,
    document    TEXT NOT NULL,
    PRIMARY KEY (account_id, entity_kind, entity_name, policy_name)
);

CREATE TABLE attached_policies (
    account_id  TEXT NOT NULL,
    entity_kind TEXT NOT NULL CHECK (entity_kind IN ('user', 'role')),
    entity_name TEXT NOT NULL COLLATE NOCASE,
    policy_arn  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (account_id, entity_kind, entity_name, policy_arn)
);
CREATE INDEX attached_policies_by_arn ON attached_policies (policy_arn);

CREATE TABLE managed_policies (
    arn                TEXT PRIMARY KEY NOT NULL,
    account_id         TEXT NOT NULL REFERENCES accounts(id),
    name               TEXT NOT NULL COLLATE NOCASE,
    policy_id          TEXT NOT NULL UNIQUE,
    path               TEXT NOT NULL,
    description        TEXT,
    default_version_id TEXT NOT NULL,
    next_version       INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (account_id, name)
);

CREATE TABLE policy_versions (
    policy_arn TEXT NOT NULL REFERENCES managed_policies(arn) ON DELETE CASCADE,
    version_id TEXT NOT NULL,
    document   TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (policy_arn, version_id)
);

CREATE TABLE mfa_devices (
    serial_number  TEXT PRIMARY KEY NOT NULL,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    seed_sealed    BLOB NOT NULL,
    user_name      TEXT COLLATE NOCASE,
    enabled_at     INTEGER,
    last_used_step INTEGER,
    created_at     INTEGER NOT NULL
);
CREATE INDEX mfa_devices_by_user ON mfa_devices (account_id, user_name);
