-- messages_status_created (status, created_at) serves every lookup by status
-- alone too, so the older index on (status) goes: each message changes status
-- three times (queued, sending, sent), and each change updated both.
DROP INDEX messages_status;
