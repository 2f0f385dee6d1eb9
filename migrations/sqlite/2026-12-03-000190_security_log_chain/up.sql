-- Each login's security events form a hash chain: an event carries its place
-- in the chain (`seq`, from 1), the hash of the event before it (`prev_hash`,
-- 64 zeros for the first) and its own hash over a canonical encoding that
-- includes both. Events from before this migration stay unchained (NULL).
ALTER TABLE security_events ADD COLUMN seq BIGINT;
ALTER TABLE security_events ADD COLUMN prev_hash TEXT;
ALTER TABLE security_events ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX security_events_account_seq ON security_events (account_id, seq);

-- The head of each login's chain: the last place and hash given out. Taking
-- the next place updates this row first, so two writers of one chain (in one
-- or several processes) take turns. A deleted tail, a deleted or altered
-- event, or a forged one are found by walking the events against it. Events
-- deleted on purpose by the retention sweep are remembered as the place and
-- hash the chain continues from (`pruned_through_seq`, `pruned_hash`).
CREATE TABLE security_log_heads (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    pruned_through_seq BIGINT NOT NULL DEFAULT 0,
    pruned_hash TEXT NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000'
);
