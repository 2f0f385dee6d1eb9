ALTER TABLE messages DROP COLUMN claimed_at;
