CREATE INDEX messages_status ON messages (status);
