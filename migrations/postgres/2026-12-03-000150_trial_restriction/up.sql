-- Trial points are for the home country: a restricted account may send only
-- to its own `country` and may not widen its country filter beyond it, until
-- the gateway's operator lifts it (`portcullis operator lift-trial-restriction`).
-- Every new row starts restricted (the column default, so no sign-up path can
-- forget it); accounts that existed before keep sending where their filter
-- allows, as they did: the operator cannot tell their trial points from
-- bought ones, and cutting off live integrations is not ours to do.
-- Subusers' rows carry the flag too, unused: their company's decides.
ALTER TABLE accounts ADD COLUMN trial_restricted BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE accounts SET trial_restricted = FALSE;
