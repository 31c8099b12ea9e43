-- Groups, instance profiles and account aliases; the cache generation in the database; and the
-- delete rules as foreign keys where a parent is unambiguous (ON DELETE RESTRICT refuses to
-- delete a user still in a group, a role still in a profile; ON UPDATE CASCADE carries renames).

-- One row: moved by every write transaction, so every process over this database can tell that
-- its cache is stale.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
);
INSERT INTO meta (key, value) VALUES ('generation', 0);

CREATE TABLE groups (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name       TEXT NOT NULL COLLATE NOCASE,
    group_id   TEXT NOT NULL UNIQUE,
    path       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
);

CREATE TABLE group_members (
    account_id TEXT NOT NULL,
    group_name TEXT NOT NULL COLLATE NOCASE,
    user_name  TEXT NOT NULL COLLATE NOCASE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (account_id, group_name, user_name),
    FOREIGN KEY (account_id, group_name) REFERENCES groups(account_id, name)
        ON UPDATE CASCADE ON DELETE RESTRICT,
    FOREIGN KEY (account_id, user_name) REFERENCES users(account_id, name)
        ON UPDATE CASCADE ON DELETE RESTRICT
);
CREATE INDEX group_members_by_user ON group_members (account_id, user_name);

CREATE TABLE instance_profiles (
    account_id TEXT NOT NULL REFERENCES accounts(id),
    name       TEXT NOT NULL COLLATE NOCASE,
    profile_id TEXT NOT NULL UNIQUE,
    path       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
);

-- At most one role per profile, by the primary key.
CREATE TABLE instance_profile_roles (
    account_id   TEXT NOT NULL,
    profile_name TEXT NOT NULL COLLATE NOCASE,
    role_name    TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (account_id, profile_name),
    FOREIGN KEY (account_id, profile_name) REFERENCES instance_profiles(account_id, name)
        ON UPDATE CASCADE ON DELETE RESTRICT,
    FOREIGN KEY (account_id, role_name) REFERENCES roles(account_id, name)
        ON UPDATE CASCADE ON DELETE RESTRICT
);
CREATE INDEX instance_profile_roles_by_role ON instance_profile_roles (account_id, role_name);

-- One alias per account, unique across accounts.
CREATE TABLE account_aliases (
    alias      TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL UNIQUE REFERENCES accounts(id)
);

-- Groups and instance profiles join the kinds that hold tags and policies.
CREATE TABLE tags_v2 (
    account_id  TEXT NOT NULL,
    entity_kind TEXT NOT NULL
        CHECK (entity_kind IN ('user', 'role', 'policy', 'instance-profile', 'mfa')),
    entity_name TEXT NOT NULL COLLATE NOCASE,
    key         TEXT NOT NULL COLLATE NOCASE,
    value       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (account_id, entity_kind, entity_name, key)
);
INSERT INTO tags_v2 SELECT account_id, entity_kind, entity_name, key, value, position FROM tags;
DROP TABLE tags;
ALTER TABLE tags_v2 RENAME TO tags;

CREATE TABLE inline_policies_v2 (
    account_id  TEXT NOT NULL,
    entity_kind TEXT NOT NULL CHECK (entity_kind IN ('user', 'group', 'role')),
    entity_name TEXT NOT NULL COLLATE NOCASE,
    policy_name TEXT NOT NULL COLLATE NOCASE,
    document    TEXT NOT NULL,
    PRIMARY KEY (account_id, entity_kind, entity_name, policy_name)
);
INSERT INTO inline_policies_v2
    SELECT account_id, entity_kind, entity_name, policy_name, document FROM inline_policies;
DROP TABLE inline_policies;
ALTER TABLE inline_policies_v2 RENAME TO inline_policies;

CREATE TABLE attached_policies_v2 (
    account_id  TEXT NOT NULL,
    entity_kind TEXT NOT NULL CHECK (entity_kind IN ('user', 'group', 'role')),
    entity_name TEXT NOT NULL COLLATE NOCASE,
    policy_arn  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (account_id, entity_kind, entity_name, policy_arn)
);
INSERT INTO attached_policies_v2
    SELECT account_id, entity_kind, entity_name, policy_arn, position FROM attached_policies;
DROP TABLE attached_policies;
ALTER TABLE attached_policies_v2 RENAME TO attached_policies;
CREATE INDEX attached_policies_by_arn ON attached_policies (policy_arn);

-- A device's user is a real user of its account: renames follow it, and a user with a device
-- enabled cannot be deleted.
CREATE TABLE mfa_devices_v2 (
    serial_number  TEXT PRIMARY KEY NOT NULL,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    seed_sealed    BLOB NOT NULL,
    user_name      TEXT COLLATE NOCASE,
    enabled_at     INTEGER,
    last_used_step INTEGER,
    created_at     INTEGER NOT NULL,
    FOREIGN KEY (account_id, user_name) REFERENCES users(account_id, name)
        ON UPDATE CASCADE ON DELETE RESTRICT
);
INSERT INTO mfa_devices_v2
    SELECT serial_number, account_id, seed_sealed, user_name, enabled_at, last_used_step, created_at
    FROM mfa_devices;
DROP TABLE mfa_devices;
ALTER TABLE mfa_devices_v2 RENAME TO mfa_devices;
CREATE INDEX mfa_devices_by_user ON mfa_devices (account_id, user_name);

-- Boundaries are looked up by policy for DeletePolicy and the usage counts.
CREATE INDEX users_by_boundary ON users (permissions_boundary);
CREATE INDEX roles_by_boundary ON roles (permissions_boundary);
