DROP INDEX messages_status_created;
DROP TABLE sms_batch_messages;
DROP TABLE sms_batches;
