DROP VIEW active_accounts;
DROP TABLE account_snapshots;
CREATE VIEW active_accounts AS
    SELECT id, email, display_name FROM accounts WHERE display_name IS NOT NULL;
