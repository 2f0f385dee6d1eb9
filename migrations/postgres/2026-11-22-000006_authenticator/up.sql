-- SMS Authenticator: one-time codes an integrator sends to its own users and
-- later verifies. Only a hash of each code is kept.
CREATE TABLE authenticator_codes (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    message_id TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    verified_at TIMESTAMP
);

CREATE INDEX authenticator_codes_account ON authenticator_codes (account_id, created_at);
