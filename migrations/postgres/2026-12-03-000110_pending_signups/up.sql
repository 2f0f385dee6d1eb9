-- Sign-ups waiting for their e-mail to be confirmed. Nothing else exists
-- until then: no account, no points, no message to the phone. Only the
-- SHA-256 (hex) of the secret in the mailed link is kept; a link works once,
-- until `expires_at`. The password is kept as its Argon2id hash.
CREATE TABLE pending_signups (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    phone TEXT,
    country TEXT NOT NULL,
    ip TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

CREATE INDEX pending_signups_email_normalized ON pending_signups (email_normalized, created_at);
CREATE INDEX pending_signups_expires_at ON pending_signups (expires_at);
