DROP TABLE revoked_tokens;
DROP TABLE oauth_clients;
