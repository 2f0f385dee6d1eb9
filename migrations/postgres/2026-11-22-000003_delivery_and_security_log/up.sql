-- Messages the development transports "sent": stored instead of delivered, so
-- developers and tests can read codes (GET /api/v1/dev/outbox when enabled).
CREATE TABLE outbox_messages (
    id TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    purpose TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX outbox_messages_recipient ON outbox_messages (recipient, created_at);

-- The append-only security log. `actor` is who did it (an account or subuser
-- id, or `system`); `details` is a JSON object of strings.
CREATE TABLE security_events (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    details TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX security_events_account_created ON security_events (account_id, created_at, id);

-- Events are never rewritten. (Deleting stays possible so that removing an
-- account removes its log.)
CREATE FUNCTION security_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'security_events is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER security_events_append_only
BEFORE UPDATE ON security_events
FOR EACH ROW EXECUTE FUNCTION security_events_append_only();
