-- Budgets of the texts the platform sends on its own behalf (sign-in,
-- new-device, set-up and step-up codes), and the SMS Authenticator's
-- per-number limits: one counter per key (`account:…`, `destination:+48…`,
-- `country:48`, `address:…`, `authenticator:…`) and fixed window, raised only
-- by a conditional UPDATE while under its limit, so that concurrent requests
-- on any number of processes cannot overshoot.
CREATE TABLE sms_budget_counters (
    budget_key TEXT PRIMARY KEY NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    sends BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- System texts per destination calling code and time bucket, for the circuit
-- breaker that pauses a country whose texts surge above their usual rate.
CREATE TABLE sms_country_traffic (
    calling_code TEXT NOT NULL,
    bucket_start TIMESTAMP NOT NULL,
    sends BIGINT NOT NULL,
    PRIMARY KEY (calling_code, bucket_start)
);

-- A held sign-in replaced by a newer one from the same browser keeps its code:
-- the code was hashed with the first row's id, which stays its salt.
ALTER TABLE verification_codes ADD COLUMN code_salt TEXT;

-- The SMS Authenticator's per-number limits an account owner chose (absent:
-- the defaults).
CREATE TABLE authenticator_limits (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    per_number_per_hour BIGINT NOT NULL,
    per_number_per_day BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
