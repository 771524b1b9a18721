-- the totals view reads a column whose type changes: drop what depends on it, recreate
DROP VIEW user_order_totals CASCADE;
DROP MATERIALIZED VIEW daily_revenue;
ALTER TABLE orders RENAME COLUMN total_cents TO amount_cents;
ALTER TABLE orders ALTER COLUMN amount_cents TYPE BIGINT;
ALTER TABLE orders ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR';
ALTER TABLE orders ADD CONSTRAINT orders_currency_known CHECK (currency IN ('EUR', 'USD', 'GBP'));

CREATE VIEW user_order_totals AS
    SELECT u.id AS user_id, u.email, o.currency, COALESCE(SUM(o.amount_cents), 0) AS amount_cents
    FROM users u LEFT JOIN orders o ON o.user_id = u.id
    GROUP BY u.id, u.email, o.currency;
CREATE VIEW top_users AS
    SELECT user_id, email FROM user_order_totals WHERE amount_cents > 10000;
CREATE MATERIALIZED VIEW daily_revenue AS
    SELECT date_trunc('day', created_at) AS day, currency, SUM(amount_cents) AS cents
    FROM orders WHERE status <> 'new' GROUP BY 1, 2;
