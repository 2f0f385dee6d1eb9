-- Customer accounts. `email_normalized` (trimmed, lower-cased) makes e-mails
-- unique case-insensitively on both backends.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    phone TEXT,
    country TEXT NOT NULL,
    points_balance BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Portal sessions. `id` is the SHA-256 (hex) of the secret cookie value: the
-- secret itself is never stored.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    idle_timeout_secs BIGINT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    ended_at TIMESTAMP,
    end_reason TEXT
);

CREATE INDEX sessions_account_id ON sessions (account_id);
