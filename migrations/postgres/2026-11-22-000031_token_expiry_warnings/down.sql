DROP INDEX api_tokens_expiry_pending;
ALTER TABLE api_tokens DROP COLUMN expiry_warned_at;
