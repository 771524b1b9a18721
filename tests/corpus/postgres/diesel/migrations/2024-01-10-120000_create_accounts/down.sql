DROP VIEW active_accounts;
DROP TABLE accounts;
