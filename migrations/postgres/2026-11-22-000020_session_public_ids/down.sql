DROP INDEX sessions_public_id;
ALTER TABLE sessions DROP COLUMN public_id;
