DROP TABLE api_allowlist_entries;
DROP TABLE api_tokens;
DROP TABLE signing_keys;
