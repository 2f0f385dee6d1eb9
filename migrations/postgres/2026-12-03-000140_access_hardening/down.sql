-- Keys kept since are not moved back: `messages.idempotency_key` is unique per
-- company, and several senders may now share a key.
ALTER TABLE oauth_clients DROP COLUMN scopes_set_by_owner;
ALTER TABLE oauth_clients DROP COLUMN allowlist_set_by_owner;
ALTER TABLE oauth_clients DROP COLUMN disabled_by_owner;
ALTER TABLE api_tokens DROP COLUMN allowlist_set_by_owner;
ALTER TABLE api_tokens DROP COLUMN disabled_by_owner;
DROP TABLE message_texts_to_deliver;
DROP TABLE idempotency_keys;
