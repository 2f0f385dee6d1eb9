-- When the password was last set (NULL: not since sign-up, so `created_at`
-- counts), and the optional "choose a new password every 30 days" policy.
ALTER TABLE accounts ADD COLUMN password_changed_at TIMESTAMP;
ALTER TABLE accounts ADD COLUMN password_rotation_required BOOLEAN NOT NULL DEFAULT FALSE;

-- A session opened while a password change was due may only change it (and
-- read who it is, and log out) until it has.
ALTER TABLE sessions ADD COLUMN password_change_required BOOLEAN NOT NULL DEFAULT FALSE;

-- Argon2 hashes of earlier passwords, newest kept, so a change cannot go back
-- to one of them.
CREATE TABLE password_history (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX password_history_account_id ON password_history (account_id, created_at);

-- Password reset links. Only the SHA-256 (hex) of the secret in the link is
-- kept; a link works once, until `expires_at`.
CREATE TABLE password_reset_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    ip TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

CREATE INDEX password_reset_tokens_account_id ON password_reset_tokens (account_id, created_at);
