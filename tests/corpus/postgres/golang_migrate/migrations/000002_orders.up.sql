CREATE TABLE orders (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid', 'shipped')),
    total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX orders_user_id_idx ON orders (user_id);

CREATE VIEW user_order_totals AS
    SELECT u.id AS user_id, u.email, COALESCE(SUM(o.total_cents), 0) AS total_cents
    FROM users u LEFT JOIN orders o ON o.user_id = u.id
    GROUP BY u.id, u.email;

CREATE MATERIALIZED VIEW daily_revenue AS
    SELECT date_trunc('day', created_at) AS day, SUM(total_cents) AS cents
    FROM orders WHERE status <> 'new' GROUP BY 1;

CREATE VIEW top_users AS
    SELECT user_id, email FROM user_order_totals WHERE total_cents > 10000;
