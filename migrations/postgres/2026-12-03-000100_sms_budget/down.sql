DROP TABLE authenticator_limits;
ALTER TABLE verification_codes DROP COLUMN code_salt;
DROP TABLE sms_country_traffic;
DROP TABLE sms_budget_counters;
