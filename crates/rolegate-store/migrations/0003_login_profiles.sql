-- Console passwords (IAM's login profiles), the hashes of each user's recent passwords, and the
-- account password policy. A password reaches this database only as an Argon2id PHC string the
-- server made; nothing here can give it back.

-- One login profile per user, by the primary key. A user with one cannot be deleted (ON DELETE
-- RESTRICT, and the delete rule checks it first); a rename carries it (ON UPDATE CASCADE).
CREATE TABLE login_profiles (
    account_id              TEXT NOT NULL,
    user_name               TEXT NOT NULL COLLATE NOCASE,
    password_hash           TEXT NOT NULL,
    password_reset_required INTEGER NOT NULL CHECK (password_reset_required IN (0, 1)),
    created_at              INTEGER NOT NULL,
    password_changed_at     INTEGER NOT NULL,
    PRIMARY KEY (account_id, user_name),
    FOREIGN KEY (account_id, user_name) REFERENCES users(account_id, name)
        ON UPDATE CASCADE ON DELETE RESTRICT
);

-- Every password a user was given, newest at the highest position, pruned to the 24 that
-- PasswordReusePrevention can ask for. It outlives DeleteLoginProfile (a recreated profile may
-- not reuse them either) and goes with the user.
CREATE TABLE password_history (
    account_id    TEXT NOT NULL,
    user_name     TEXT NOT NULL COLLATE NOCASE,
    position      INTEGER NOT NULL,
    password_hash TEXT NOT NULL,
    PRIMARY KEY (account_id, user_name, position),
    FOREIGN KEY (account_id, user_name) REFERENCES users(account_id, name)
        ON UPDATE CASCADE ON DELETE CASCADE
);

-- At most one policy per account. NULL ages and reuse counts are "not set" (AWS's 0).
CREATE TABLE password_policies (
    account_id                     TEXT PRIMARY KEY NOT NULL REFERENCES accounts(id),
    minimum_password_length        INTEGER NOT NULL,
    require_symbols                INTEGER NOT NULL CHECK (require_symbols IN (0, 1)),
    require_numbers                INTEGER NOT NULL CHECK (require_numbers IN (0, 1)),
    require_uppercase_characters   INTEGER NOT NULL CHECK (require_uppercase_characters IN (0, 1)),
    require_lowercase_characters   INTEGER NOT NULL CHECK (require_lowercase_characters IN (0, 1)),
    allow_users_to_change_password INTEGER NOT NULL
        CHECK (allow_users_to_change_password IN (0, 1)),
    max_password_age               INTEGER,
    password_reuse_prevention      INTEGER,
    hard_expiry                    INTEGER NOT NULL CHECK (hard_expiry IN (0, 1))
);
