-- Subusers: logins under a company account. A subuser is an `accounts` row
-- whose `parent_id` names the owner, so every sign-in protection keyed by
-- account id applies to it unchanged. The company ("tenant") is
-- `COALESCE(parent_id, id)`. A deleted subuser keeps its row (its e-mail
-- freed) so the owner's security log and message history still name it.
ALTER TABLE accounts ADD COLUMN parent_id TEXT REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE accounts ADD COLUMN disabled_at TIMESTAMP;
ALTER TABLE accounts ADD COLUMN deleted_at TIMESTAMP;
CREATE INDEX accounts_parent_id ON accounts (parent_id);

-- What a subuser may do: portal permissions and API scopes (space-separated
-- names), the sending window (days comma-separated, HH:MM, IANA zone) and the
-- monthly points limit.
CREATE TABLE subuser_grants (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    portal TEXT NOT NULL,
    scopes TEXT NOT NULL,
    window_days TEXT,
    window_start TEXT,
    window_end TEXT,
    window_time_zone TEXT,
    monthly_points_limit BIGINT,
    invitation_pending BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE subuser_senders (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    sender_id TEXT NOT NULL REFERENCES sender_names (id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, sender_id)
);

CREATE TABLE subuser_contact_groups (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES contact_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, group_id)
);

-- Points a subuser spent per calendar month ('YYYY-MM', UTC), charged in the
-- same transaction as the account balance with a conditional update.
CREATE TABLE subuser_usage (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    month TEXT NOT NULL,
    points_used BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, month)
);

-- Which subuser sent a message (none: the owner). Kept as history after the
-- subuser is deleted. A table of its own: `messages` is at diesel's 16-column
-- limit.
CREATE TABLE message_senders (
    message_id TEXT PRIMARY KEY NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL
);
CREATE INDEX message_senders_account_id ON message_senders (account_id);
-- The subuser who made a token or OAuth client (NULL: the owner). Either
-- belongs to the company account.
ALTER TABLE api_tokens ADD COLUMN created_by TEXT REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE oauth_clients ADD COLUMN created_by TEXT REFERENCES accounts (id) ON DELETE CASCADE;

-- Links to set a password: 'reset' (forgotten password, 30 minutes) or
-- 'invitation' (a new subuser's first password, 7 days).
ALTER TABLE password_reset_tokens ADD COLUMN purpose TEXT NOT NULL DEFAULT 'reset';
