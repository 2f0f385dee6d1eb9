-- Alphanumeric sender names ("from" of an SMS). An account requests one; the
-- gateway's operators approve it (`portcullis senders approve ID`).
CREATE TABLE sender_names (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    UNIQUE (account_id, name)
);
