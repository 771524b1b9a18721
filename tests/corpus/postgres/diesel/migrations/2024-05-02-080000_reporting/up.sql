-- a snapshot table for the reporting job, filled by the job itself
CREATE TABLE account_snapshots AS
    SELECT a.id AS account_id, a.email, count(p.id) AS purchases, now() AS taken_at
    FROM accounts a LEFT JOIN purchases p ON p.account_id = a.id
    GROUP BY a.id, a.email
WITH NO DATA;
ALTER TABLE account_snapshots ADD PRIMARY KEY (account_id, taken_at);

DROP VIEW active_accounts CASCADE;
CREATE VIEW active_accounts AS
    SELECT a.id, a.email, a.display_name, s.purchases
    FROM accounts a LEFT JOIN account_snapshots s ON s.account_id = a.id
    WHERE a.display_name IS NOT NULL;
