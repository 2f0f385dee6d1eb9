-- Passkeys (WebAuthn credentials) of a login: a second factor in the held
-- sign-in and a way to sign in without a password. `credential` is the
-- webauthn-rs `Passkey` as JSON (public key, algorithm, flags: nothing
-- secret); `credential_id` the base64url credential id, unique across all
-- logins; `user_handle` the WebAuthn user id the authenticator stores (one per
-- login, shared by its passkeys). `sign_count` is the highest signature
-- counter seen: an assertion that does not go past it is refused (a cloned
-- authenticator).
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    credential_id TEXT NOT NULL UNIQUE,
    user_handle TEXT NOT NULL,
    credential TEXT NOT NULL,
    sign_count BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);

CREATE INDEX passkeys_account ON passkeys (account_id);

-- A WebAuthn ceremony between its start and finish, so any process can finish
-- it: `id` is the SHA-256 of the secret handle the client continues with;
-- `kind` is `registration`, `second_factor` (a held sign-in, `challenge_id`
-- its verification_codes row) or `passwordless` (no account until the
-- authenticator names one); `state` the webauthn-rs state as JSON. Single use:
-- the row is deleted when the ceremony is finished, and it lasts 5 minutes.
CREATE TABLE webauthn_ceremonies (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    challenge_id TEXT,
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE INDEX webauthn_ceremonies_expiry ON webauthn_ceremonies (expires_at);
