ALTER TABLE accounts DROP COLUMN require_two_factor;
DROP TABLE login_throttles;
DROP TABLE trusted_devices;
DROP TABLE verification_codes;
DROP TABLE recovery_codes;
DROP TABLE second_factors;
