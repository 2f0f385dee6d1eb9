DROP TABLE password_reset_tokens;
DROP TABLE password_history;
ALTER TABLE sessions DROP COLUMN password_change_required;
ALTER TABLE accounts DROP COLUMN password_rotation_required;
ALTER TABLE accounts DROP COLUMN password_changed_at;
