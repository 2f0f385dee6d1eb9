-- Keys that sign API access tokens (JWTs). Every API process uses the newest
-- key that is not retired; retired keys still verify until their tokens expire.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY NOT NULL,
    algorithm TEXT NOT NULL,
    private_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP
);

-- API access tokens. Only what is needed to validate and revoke is kept: the
-- secret (the signed JWT) is shown once and never stored.
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    hint TEXT NOT NULL,
    ip_allowlist TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    disabled_at TIMESTAMP,
    last_used_at TIMESTAMP,
    last_used_ip TEXT
);

CREATE INDEX api_tokens_account_id ON api_tokens (account_id);

-- The account's API IP allowlist (separate from the portal's, as the seed says).
CREATE TABLE api_allowlist_entries (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    value TEXT NOT NULL,
    label TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (account_id, value)
);
