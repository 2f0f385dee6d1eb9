ALTER TABLE pending_signups DROP COLUMN language;
DROP TABLE login_preferences;
