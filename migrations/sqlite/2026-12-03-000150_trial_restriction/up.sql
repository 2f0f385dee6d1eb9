-- Trial points are for the home country: an account may send only to its own
-- `country`, and may not widen its country filter beyond it, until the
-- gateway's operator lifts the restriction (`portcullis operator
-- lift-trial-restriction`), which adds its row here. So every new account
-- starts restricted without any sign-up path having to remember it.
-- Accounts that existed before keep sending where their filter allows, as
-- they did: the operator cannot tell their trial points from bought ones, and
-- cutting off live integrations is not ours to do (`lifted_by` 'migration').
-- Subusers need no row: their company's decides.
CREATE TABLE trial_restriction_lifts (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    lifted_by TEXT NOT NULL,
    lifted_at TIMESTAMP NOT NULL
);
INSERT INTO trial_restriction_lifts (account_id, lifted_by, lifted_at)
SELECT id, 'migration', CURRENT_TIMESTAMP FROM accounts WHERE parent_id IS NULL;
