ALTER TABLE accounts DROP COLUMN session_idle_timeout_secs;
