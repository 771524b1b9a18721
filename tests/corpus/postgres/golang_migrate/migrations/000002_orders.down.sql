DROP VIEW top_users;
DROP MATERIALIZED VIEW daily_revenue;
DROP VIEW user_order_totals;
DROP TABLE orders;
