-- The gateway's operator can suspend a company account (the owner's): its
-- sessions end, its tokens and clients are refused with `account_suspended`,
-- and it cannot sign in until reinstated (the row is deleted then).
CREATE TABLE account_suspensions (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    suspended_at TIMESTAMP NOT NULL,
    reason TEXT NOT NULL
);

-- Change notices for processes that share a SQLite file (the server and the
-- operator's command line): a change that processes cache is written here in
-- its own transaction, and every server polls for notices newer than the last
-- one it saw. PostgreSQL uses LISTEN/NOTIFY instead; the table exists there
-- too so both schemas match, and stays empty.
CREATE TABLE change_notices (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
