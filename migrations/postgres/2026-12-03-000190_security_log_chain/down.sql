DROP TABLE security_log_heads;
DROP INDEX security_events_account_seq;
ALTER TABLE security_events DROP COLUMN hash;
ALTER TABLE security_events DROP COLUMN prev_hash;
ALTER TABLE security_events DROP COLUMN seq;
