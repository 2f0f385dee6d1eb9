ALTER TABLE accounts DROP COLUMN trial_restricted;
