DROP TRIGGER security_events_append_only;
DROP TABLE security_events;
DROP TABLE outbox_messages;
