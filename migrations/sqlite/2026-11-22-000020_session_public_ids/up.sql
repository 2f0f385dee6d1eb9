-- The id a session is shown under in the API (`ses_…`). The primary key is the
-- SHA-256 of the cookie secret and stays a storage detail: see
-- services::active_sessions for why. SQLite cannot add a NOT NULL column without
-- a constant default, so existing rows get theirs right after.
ALTER TABLE sessions ADD COLUMN public_id TEXT NOT NULL DEFAULT '';
UPDATE sessions SET public_id = 'ses_' || lower(hex(randomblob(16)));
CREATE UNIQUE INDEX sessions_public_id ON sessions (public_id);
