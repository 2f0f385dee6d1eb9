-- Optional policies on API tokens and OAuth clients: allowed destination
-- countries (space-separated ISO codes, a subset of the account's country
-- filter), a sending window (days comma-separated, HH:MM, IANA zone, as for
-- subusers), daily and monthly points caps, and a request rate limit. One row
-- per credential that has a policy; exactly one of token_id and client_id is
-- set, and the row goes with its credential. `credential_key` is
-- 'token:<id>' or 'client:<id>'.
CREATE TABLE credential_policies (
    credential_key TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_id TEXT REFERENCES api_tokens (id) ON DELETE CASCADE,
    client_id TEXT REFERENCES oauth_clients (id) ON DELETE CASCADE,
    countries TEXT,
    window_days TEXT,
    window_start TEXT,
    window_end TEXT,
    window_time_zone TEXT,
    daily_points_cap BIGINT,
    monthly_points_cap BIGINT,
    requests_per_minute BIGINT,
    -- The account owner set it on a subuser's credential: only the owner may change it.
    set_by_owner BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((token_id IS NULL) <> (client_id IS NULL))
);
CREATE INDEX credential_policies_account_id ON credential_policies (account_id);

-- Points a capped credential spent per period ('day:YYYY-MM-DD' or
-- 'month:YYYY-MM', UTC), charged in the message's transaction with a
-- conditional update. Rows go when the policy does.
CREATE TABLE credential_usage (
    credential_key TEXT NOT NULL REFERENCES credential_policies (credential_key) ON DELETE CASCADE,
    period TEXT NOT NULL,
    points_used BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (credential_key, period)
);

-- Requests of a rate-limited credential in its current fixed one-minute
-- window (`window_start`: Unix seconds at the minute's start), counted by one
-- atomic upsert per call so every process on the database shares the count.
CREATE TABLE credential_request_counts (
    credential_key TEXT PRIMARY KEY NOT NULL REFERENCES credential_policies (credential_key) ON DELETE CASCADE,
    window_start BIGINT NOT NULL,
    requests BIGINT NOT NULL
);
