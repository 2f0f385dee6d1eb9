DROP TABLE change_notices;
DROP TABLE account_suspensions;
