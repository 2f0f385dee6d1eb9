-- The id a session is shown under in the API (`ses_…`). The primary key is the
-- SHA-256 of the cookie secret and stays a storage detail: see
-- services::active_sessions for why.
ALTER TABLE sessions ADD COLUMN public_id TEXT NOT NULL DEFAULT '';
UPDATE sessions SET public_id = 'ses_' || md5(random()::text || id);
CREATE UNIQUE INDEX sessions_public_id ON sessions (public_id);
