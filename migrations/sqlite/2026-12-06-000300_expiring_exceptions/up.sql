-- Expiring exceptions: an allowlist entry or an allowed destination country
-- may carry the instant it stops counting (UTC). NULL: it does not expire.
-- Enforcement compares with the clock on every check; a periodic sweep then
-- removes what expired and logs it. A token's or client's own allowlist keeps
-- its expiry in its stored lines (`value until <RFC 3339>`).
ALTER TABLE api_allowlist_entries ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE portal_allowlist_entries ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE account_countries ADD COLUMN expires_at TIMESTAMP;
