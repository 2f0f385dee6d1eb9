-- One stream per company (an owner account): its security events, and its
-- subusers', are POSTed in signed batches to the customer's own endpoint.
-- `secret` is the HMAC key, sealed with the key-encryption key (bound to this
-- table, column and row). The health columns never hold a receiver's answer
-- body, only a class (`http_503`, `timeout`, …). `lease_until`/`lease_owner`:
-- the process delivering the stream's next batch holds it until then, so two
-- processes never send the same batch at once, and a crashed one's batch is
-- sent again once its lease ends.
CREATE TABLE security_streams (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL UNIQUE REFERENCES accounts (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_success_at TIMESTAMP,
    last_failure_at TIMESTAMP,
    last_failure TEXT,
    consecutive_failures BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    lease_owner TEXT
);

-- The durable queue: an event waiting for its stream, inserted in the
-- transaction that records the event. `event_at` orders a stream's batches.
-- Deleted once the receiver accepted the batch holding it.
CREATE TABLE security_stream_deliveries (
    stream_id TEXT NOT NULL REFERENCES security_streams (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    event_at TIMESTAMP NOT NULL,
    PRIMARY KEY (stream_id, event_id)
);
CREATE INDEX security_stream_deliveries_order ON security_stream_deliveries (stream_id, event_at, event_id);
