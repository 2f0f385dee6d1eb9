-- Bulk sending: one text to up to 1,000 recipients (a list, or a contact
-- group), validated, charged and queued in one transaction. Each recipient
-- is an ordinary message; `sms_batch_messages` ties it to its batch at its
-- index in the request (a table of its own: `messages` is at diesel's
-- 16-column limit).
CREATE TABLE sms_batches (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The subuser who sent it (NULL: the owner), as in message_senders.
    sent_by TEXT,
    token_id TEXT,
    group_id TEXT,
    sender TEXT,
    body TEXT NOT NULL,
    encoding TEXT NOT NULL,
    parts BIGINT NOT NULL,
    recipients BIGINT NOT NULL,
    points BIGINT NOT NULL,
    -- Idempotency-Key, per sender (see idempotency_keys); NULLs never collide.
    key_sender TEXT,
    idempotency_key TEXT,
    request_hash TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (account_id, key_sender, idempotency_key)
);

CREATE INDEX sms_batches_account_id ON sms_batches (account_id, id);

CREATE TABLE sms_batch_messages (
    batch_id TEXT NOT NULL REFERENCES sms_batches (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    PRIMARY KEY (batch_id, position)
);

CREATE INDEX sms_batch_messages_message_id ON sms_batch_messages (message_id);

-- The dispatcher claims the oldest queued messages first.
CREATE INDEX messages_status_created ON messages (status, created_at);
