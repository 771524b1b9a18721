DROP VIEW user_order_totals CASCADE;
ALTER TABLE orders DROP COLUMN currency;
