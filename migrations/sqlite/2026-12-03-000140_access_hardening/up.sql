-- Issue 12 (access hardening).

-- Idempotency keys belong to a sender: the login (owner or subuser) and the
-- credential it sent with (a portal token, an OAuth client, or the portal
-- session), as `sender`. The hash of the canonical request tells a retry
-- (the first message again) from another request reusing the key (409
-- `idempotency_key_reused`). `messages.idempotency_key` (unique per company)
-- is no longer written.
CREATE TABLE idempotency_keys (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    sender TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    -- NULL for keys kept from before requests were hashed: replayed unchecked.
    request_hash TEXT,
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, sender, idempotency_key)
);

INSERT INTO idempotency_keys (account_id, sender, idempotency_key, request_hash, message_id, created_at)
SELECT m.account_id,
       COALESCE(s.account_id, m.account_id) || ' ' ||
           CASE WHEN m.token_id IS NULL THEN 'session' ELSE 'token:' || m.token_id END,
       m.idempotency_key, NULL, m.id, m.created_at
FROM messages m LEFT JOIN message_senders s ON s.message_id = m.id
WHERE m.idempotency_key IS NOT NULL;

UPDATE messages SET idempotency_key = NULL WHERE idempotency_key IS NOT NULL;

-- The text to hand to the transport of a message whose history shows a
-- redacted body (an SMS Authenticator code): kept only until the message is
-- sent or fails.
CREATE TABLE message_texts_to_deliver (
    message_id TEXT PRIMARY KEY NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    body TEXT NOT NULL
);

-- Authenticator messages stored before: the undelivered keep their text for
-- the transport; every history body loses the code (its first 6 characters).
INSERT INTO message_texts_to_deliver (message_id, body)
SELECT m.id, m.body FROM messages m
WHERE m.status IN ('queued', 'sending')
  AND m.id IN (SELECT message_id FROM authenticator_codes);

UPDATE messages SET body = '******' || SUBSTR(body, 7)
WHERE id IN (SELECT message_id FROM authenticator_codes);

-- Restrictions the owner set on a subuser's token or OAuth client, which
-- only the owner may lift: disabled it, set its IP allowlist, set its scopes.
ALTER TABLE api_tokens ADD COLUMN disabled_by_owner BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE api_tokens ADD COLUMN allowlist_set_by_owner BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE oauth_clients ADD COLUMN disabled_by_owner BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE oauth_clients ADD COLUMN allowlist_set_by_owner BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE oauth_clients ADD COLUMN scopes_set_by_owner BOOLEAN NOT NULL DEFAULT FALSE;
