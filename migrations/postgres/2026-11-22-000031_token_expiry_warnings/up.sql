-- When the "your token expires soon" e-mail was sent: set by the one process
-- that claims the token, so the warning goes out once.
ALTER TABLE api_tokens ADD COLUMN expiry_warned_at TIMESTAMP;

CREATE INDEX api_tokens_expiry_pending ON api_tokens (expires_at) WHERE expiry_warned_at IS NULL;
