-- The gateway's operator can suspend a company account (the owner's): its
-- sessions end, its tokens and clients are refused with `account_suspended`,
-- and it cannot sign in until reinstated (the row is deleted then).
CREATE TABLE account_suspensions (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    suspended_at TIMESTAMP NOT NULL,
    reason TEXT NOT NULL
);

-- Change notices for processes sharing a SQLite file; on PostgreSQL
-- LISTEN/NOTIFY carries them and this table stays empty (it exists so both
-- schemas match).
CREATE TABLE change_notices (
    seq BIGSERIAL PRIMARY KEY,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
