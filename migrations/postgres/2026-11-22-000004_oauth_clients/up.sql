-- OAuth2 clients registered in the portal (client_credentials grant). The
-- secret is high-entropy and random, so its SHA-256 is stored, not the secret.
CREATE TABLE oauth_clients (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    scopes TEXT NOT NULL,
    ip_allowlist TEXT NOT NULL,
    token_lifetime_secs BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    disabled_at TIMESTAMP
);

CREATE INDEX oauth_clients_account_id ON oauth_clients (account_id);

-- Access tokens issued to clients are not stored; the ones revoked before
-- they expire are (RFC 7009), until they would have expired anyway.
CREATE TABLE revoked_tokens (
    jti TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP NOT NULL
);
