-- Second factors of a login. A row with `confirmed_at` NULL is a set-up in
-- progress (the first code not yet entered); only confirmed rows count.
-- `kind` is `sms` (with `phone`, E.164) or `totp` (with `totp_secret`, the
-- RFC 6238 shared secret in base32 — it must be readable to check codes, so it
-- cannot be hashed). `totp_last_step` stops a TOTP code being replayed.
CREATE TABLE second_factors (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    phone TEXT,
    totp_secret TEXT,
    totp_last_step BIGINT,
    created_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    UNIQUE (account_id, kind)
);

-- Single-use recovery codes: SHA-256 of each code only.
CREATE TABLE recovery_codes (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

CREATE INDEX recovery_codes_account ON recovery_codes (account_id);

-- A code sent to prove something: a login held for two-factor or new-device
-- verification, or an SMS two-factor set-up. `id` is the SHA-256 of the secret
-- handle the client continues with; `code_hash` a salted hash of the code.
CREATE TABLE verification_codes (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    channel TEXT,
    destination TEXT,
    code_hash TEXT,
    attempts BIGINT NOT NULL,
    sends BIGINT NOT NULL,
    device_hash TEXT,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_sent_at TIMESTAMP,
    expires_at TIMESTAMP NOT NULL,
    consumed_at TIMESTAMP
);

CREATE INDEX verification_codes_account ON verification_codes (account_id, created_at);

-- Browsers the account trusts: no new-device code is asked from them.
-- `device_hash` is the SHA-256 of the random device cookie.
CREATE TABLE trusted_devices (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    device_hash TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    last_ip TEXT NOT NULL,
    UNIQUE (account_id, device_hash)
);

-- Failed sign-in counters per e-mail (`email:…`, whether or not an account
-- has it, so locks reveal nothing) and per source address (`ip:…`).
CREATE TABLE login_throttles (
    throttle_key TEXT PRIMARY KEY NOT NULL,
    failures BIGINT NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    lock_count BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

ALTER TABLE accounts ADD COLUMN require_two_factor BOOLEAN NOT NULL DEFAULT FALSE;
