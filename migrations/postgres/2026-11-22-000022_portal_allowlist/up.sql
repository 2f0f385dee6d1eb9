-- The account's portal IP allowlist: where its users may sign in to and use the
-- portal from (separate from the API allowlist, as the seed says). Values are
-- stored normalised (`10.0.0.0/24`, `203.0.113.7`, `2001:db8::/32`).
CREATE TABLE portal_allowlist_entries (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    value TEXT NOT NULL,
    label TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (account_id, value)
);
