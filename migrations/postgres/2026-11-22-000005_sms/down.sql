DROP TABLE messages;
DROP TABLE account_countries;
