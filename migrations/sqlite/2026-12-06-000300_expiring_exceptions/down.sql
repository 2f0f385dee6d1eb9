ALTER TABLE account_countries DROP COLUMN expires_at;
ALTER TABLE portal_allowlist_entries DROP COLUMN expires_at;
ALTER TABLE api_allowlist_entries DROP COLUMN expires_at;
