-- Country filtering: the destination countries an account's messages may go
-- to (ISO 3166-1 alpha-2). A new account allows only its own country.
CREATE TABLE account_countries (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    PRIMARY KEY (account_id, country)
);

INSERT INTO account_countries (account_id, country) SELECT id, country FROM accounts;

-- Messages sent through the SMS API. Points are charged in the same
-- transaction that queues the message; the worker hands it to the transport.
CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_id TEXT,
    recipient TEXT NOT NULL,
    country TEXT NOT NULL,
    sender TEXT,
    body TEXT NOT NULL,
    encoding TEXT NOT NULL,
    parts BIGINT NOT NULL,
    points BIGINT NOT NULL,
    status TEXT NOT NULL,
    idempotency_key TEXT,
    error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    UNIQUE (account_id, idempotency_key)
);

CREATE INDEX messages_account_created ON messages (account_id, created_at);
CREATE INDEX messages_status ON messages (status);
