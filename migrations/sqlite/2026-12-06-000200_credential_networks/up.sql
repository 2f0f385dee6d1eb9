-- The networks (/24 for IPv4, /48 for IPv6) each API credential was used
-- from: a portal token (`credential_kind` 'token') or an OAuth client
-- ('client', counting every token issued to it). `last_used_at` and `calls`
-- are written in batches with the tokens' last use.
CREATE TABLE credential_networks (
    credential_kind TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    network TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    first_used_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    calls BIGINT NOT NULL,
    PRIMARY KEY (credential_kind, credential_id, network)
);

-- Per credential: pinned ("refuse calls from new networks"), how many
-- networks it has (the row every new network's claim updates, so claims and
-- pinning take turns), and when the last "used from a new network" e-mail
-- went out (at most one an hour, decided by a conditional UPDATE).
CREATE TABLE credential_network_settings (
    credential_kind TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    pinned BOOLEAN NOT NULL,
    -- Pinned by the account owner: the subuser who made it cannot unpin it.
    pinned_by_owner BOOLEAN NOT NULL,
    networks BIGINT NOT NULL,
    last_new_network_mail_at TIMESTAMP,
    PRIMARY KEY (credential_kind, credential_id)
);

-- A reported client secret is found by its hash.
CREATE INDEX oauth_clients_secret_hash ON oauth_clients (secret_hash);
