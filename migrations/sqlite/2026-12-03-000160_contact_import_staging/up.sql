-- A CSV import's valid rows, staged in short chunked transactions and moved
-- into `contacts` by one short final transaction (nothing of it is visible
-- before). Rows of a failed import are deleted (and any left by a crash are
-- swept by the next import after an hour).
CREATE TABLE contact_import_rows (
    id TEXT PRIMARY KEY NOT NULL,
    import_id TEXT NOT NULL,
    line BIGINT NOT NULL,
    account_id TEXT NOT NULL,
    phone TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    email TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX contact_import_rows_by_import ON contact_import_rows (import_id);
CREATE INDEX contact_import_rows_by_age ON contact_import_rows (created_at);

CREATE TABLE contact_import_groups (
    contact_id TEXT NOT NULL REFERENCES contact_import_rows (id) ON DELETE CASCADE,
    group_id TEXT NOT NULL,
    PRIMARY KEY (contact_id, group_id)
);
