-- Signing-key rotation: each portal API token remembers the key that signed
-- it, so an old key is retired only once no live token it signed is left (a
-- token that never expires keeps its key verifying). Tokens made before
-- rotation existed were signed by the one key there was: the newest unretired.
ALTER TABLE api_tokens ADD COLUMN signing_kid TEXT;
UPDATE api_tokens SET signing_kid = (
    SELECT kid FROM signing_keys WHERE retired_at IS NULL
    ORDER BY created_at DESC, kid DESC LIMIT 1
);
CREATE INDEX api_tokens_signing_kid ON api_tokens (signing_kid);
