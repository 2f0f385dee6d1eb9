DROP TABLE credential_request_counts;
DROP TABLE credential_usage;
DROP TABLE credential_policies;
