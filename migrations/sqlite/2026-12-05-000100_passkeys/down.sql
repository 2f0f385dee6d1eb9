DROP TABLE sign_in_policies;
DROP TABLE webauthn_ceremonies;
DROP TABLE passkeys;
