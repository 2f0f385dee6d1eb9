-- Client secret rotation with an overlap: after a rotation the previous
-- secret's hash (hex SHA-256, like secret_hash) stays valid until
-- previous_secret_expires_at (UTC), then only the new one authenticates.
ALTER TABLE oauth_clients ADD COLUMN previous_secret_hash TEXT;
ALTER TABLE oauth_clients ADD COLUMN previous_secret_expires_at TIMESTAMP;

-- Last use of each OAuth client: its secret at the token endpoint or any
-- token issued to it; written in batches with the tokens' last use. One row
-- per client, made with it.
CREATE TABLE oauth_client_uses (
    client_id TEXT PRIMARY KEY NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    last_used_at TIMESTAMP,
    last_used_ip TEXT
);
INSERT INTO oauth_client_uses (client_id) SELECT id FROM oauth_clients;
