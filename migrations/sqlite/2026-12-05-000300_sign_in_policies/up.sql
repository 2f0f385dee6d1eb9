-- The owner's "require a phishing-resistant method" for the company account
-- (the owner and every subuser): sign-ins are then completed with a passkey
-- only, and a login without one may only set one up. No row: not required.
CREATE TABLE sign_in_policies (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    require_phishing_resistant BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
