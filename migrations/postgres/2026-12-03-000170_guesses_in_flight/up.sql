-- Guesses reserved but not yet checked (counted in `failures` until they
-- turn out right). While any is in flight, reaching the limit does not start a
-- lock: the last guess to be settled decides. `pending_until` bounds how long
-- a reservation may stay unsettled (a process that died mid-check): after it,
-- its guesses count as failures.
ALTER TABLE login_throttles ADD COLUMN pending BIGINT NOT NULL DEFAULT 0;
ALTER TABLE login_throttles ADD COLUMN pending_until TIMESTAMP;
