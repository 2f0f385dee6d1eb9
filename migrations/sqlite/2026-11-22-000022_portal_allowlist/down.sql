DROP TABLE portal_allowlist_entries;
