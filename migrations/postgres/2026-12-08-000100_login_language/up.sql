-- The language of each login's portal and of the e-mails and SMS sent to it,
-- English or Polish. Kept beside accounts (which holds owners and subusers
-- alike) rather than in it: accounts already has the 16 columns diesel's
-- default build supports, and the 32-column build slows every compile. A
-- login without a row has the defaults (English); sign-up and subuser
-- creation write one, and every login existing now gets one.
CREATE TABLE login_preferences (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'pl'))
);
INSERT INTO login_preferences (account_id) SELECT id FROM accounts;

-- A pending sign-up keeps the language chosen at sign-up, so the confirmation
-- e-mail and the account it creates speak it.
ALTER TABLE pending_signups ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'pl'));
