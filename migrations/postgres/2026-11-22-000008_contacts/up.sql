-- The account's contact database, with groups.
CREATE TABLE contact_groups (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (account_id, name)
);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    phone TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    email TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (account_id, phone)
);

CREATE TABLE contact_group_members (
    contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES contact_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (contact_id, group_id)
);
