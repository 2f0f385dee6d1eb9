-- When a dispatcher claimed a message; a claim that is too old (its process
-- died) is taken over by another.
ALTER TABLE messages ADD COLUMN claimed_at TIMESTAMP;
