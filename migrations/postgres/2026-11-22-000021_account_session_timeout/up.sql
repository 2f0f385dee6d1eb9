-- The inactivity timeout the account chose for its portal sessions, in seconds
-- (one of 900, 1800, 3600, 7200, 14400, 28800); NULL follows the server's
-- PORTCULLIS_SESSION_IDLE_TIMEOUT_SECS.
ALTER TABLE accounts ADD COLUMN session_idle_timeout_secs BIGINT;
