DROP INDEX api_tokens_signing_kid;
ALTER TABLE api_tokens DROP COLUMN signing_kid;
