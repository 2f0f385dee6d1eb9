ALTER TABLE login_throttles DROP COLUMN pending_until;
ALTER TABLE login_throttles DROP COLUMN pending;
