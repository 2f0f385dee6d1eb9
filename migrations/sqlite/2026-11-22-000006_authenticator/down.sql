DROP TABLE authenticator_codes;
