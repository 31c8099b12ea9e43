-- Users' other credentials (SSH public keys, signing certificates, service-specific
-- credentials) and the account's server certificates. A user-owned row is a foreign key to its
-- user: ON UPDATE CASCADE carries a rename, ON DELETE RESTRICT backs the DeleteUser rule (which
-- the store checks first, to report AWS's DeleteConflict). Secrets are sealed by the server.

CREATE TABLE ssh_public_keys (
    key_id      TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL,
    user_name   TEXT NOT NULL COLLATE NOCASE,
    fingerprint TEXT NOT NULL,
    -- The canonical `ssh-rsa <base64>` form: the same key twice on one user is refused.
    body        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
    uploaded_at INTEGER NOT NULL,
    UNIQUE (account_id, user_name, body),
    FOREIGN KEY (account_id, user_name) REFERENCES users(account_id, name)
        ON UPDATE CASCADE ON DELETE RESTRICT
);

-- Held by a user or by the account root (user_name NULL). One certificate (by the digest of its
-- DER) is held once in an account.
CREATE TABLE signing_certificates (
    certificate_id TEXT PRIMARY KEY NOT NULL,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    owner_kind     TEXT NOT NULL CHECK (owner_kind IN ('root', 'user')),
    user_name      TEXT COLLATE NOCASE,
    body           TEXT NOT NULL,
    fingerprint    TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
    uploaded_at    INTEGER NOT NULL,
    CHECK ((owner_kind = 'root') = (user_name IS NULL)),
    UNIQUE (account_id, fingerprint),
    FOREIGN KEY (account_id, user_name) REFERENCES users(account_id, name)
        ON UPDATE CASCADE ON DELETE RESTRICT
);
CREATE INDEX signing_certificates_by_owner ON signing_certificates (account_id, owner_kind, user_name);

CREATE TABLE server_certificates (
    account_id         TEXT NOT NULL REFERENCES accounts(id),
    name               TEXT NOT NULL COLLATE NOCASE,
    certificate_id     TEXT NOT NULL UNIQUE,
    path               TEXT NOT NULL,
    body               TEXT NOT NULL,
    chain              TEXT,
    private_key_sealed BLOB NOT NULL,
    uploaded_at        INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
);

-- At most two per user and service: the slot (0 or 1) numbers the generated user name, and the
-- store gives a new credential the lowest free one.
CREATE TABLE service_credentials (
    credential_id TEXT PRIMARY KEY NOT NULL,
    account_id    TEXT NOT NULL,
    user_name     TEXT NOT NULL COLLATE NOCASE,
    service_name  TEXT NOT NULL,
    slot          INTEGER NOT NULL CHECK (slot IN (0, 1)),
    secret_sealed BLOB NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER,
    UNIQUE (account_id, user_name, service_name, slot),
    FOREIGN KEY (account_id, user_name) REFERENCES users(account_id, name)
        ON UPDATE CASCADE ON DELETE RESTRICT
);

-- Server certificates join the kinds that hold tags.
CREATE TABLE tags_v3 (
    account_id  TEXT NOT NULL,
    entity_kind TEXT NOT NULL
        CHECK (entity_kind IN ('user', 'role', 'policy', 'instance-profile', 'mfa',
                               'server-certificate')),
    entity_name TEXT NOT NULL COLLATE NOCASE,
    key         TEXT NOT NULL COLLATE NOCASE,
    value       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    PRIMARY KEY (account_id, entity_kind, entity_name, key)
);
INSERT INTO tags_v3 SELECT account_id, entity_kind, entity_name, key, value, position FROM tags;
DROP TABLE tags;
ALTER TABLE tags_v3 RENAME TO tags;
