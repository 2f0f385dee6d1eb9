DROP INDEX oauth_clients_secret_hash;
DROP TABLE credential_network_settings;
DROP TABLE credential_networks;
