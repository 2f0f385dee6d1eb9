DROP TRIGGER security_events_append_only ON security_events;
DROP FUNCTION security_events_append_only();
DROP TABLE security_events;
DROP TABLE outbox_messages;
