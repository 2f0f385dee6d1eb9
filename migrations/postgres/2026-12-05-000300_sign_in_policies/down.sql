DROP TABLE sign_in_policies;
