-- E-commerce schema, SQLite flavour (SQLite >= 3.37: generated columns, STRICT tables).
--
-- Same domain as ../ecommerce/schema.sql, written the way SQLite projects write it:
-- INTEGER PRIMARY KEY rowid aliases, CHECK (... IN (...)) instead of enum types, TEXT
-- timestamps, 0/1 booleans, STORED and VIRTUAL generated columns.

PRAGMA foreign_keys = ON;

BEGIN TRANSACTION;

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,                       -- rowid alias
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    full_name VARCHAR(120),
    phone TEXT,
    country_code CHAR(2) CHECK (country_code IS NULL OR length(country_code) = 2),
    membership TEXT NOT NULL DEFAULT 'bronze'
        CHECK (membership IN ('bronze', 'silver', 'gold', 'platinum')),
    referred_by INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    email_domain TEXT GENERATED ALWAYS AS (lower(substr(email, instr(email, '@') + 1))) VIRTUAL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT
);

CREATE TABLE products (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sku VARCHAR(32) NOT NULL UNIQUE,
    name TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT 'general',
    price NUMERIC(10,2) NOT NULL CHECK (price >= 0),
    stock_quantity INTEGER NOT NULL DEFAULT 0 CHECK (stock_quantity >= 0),
    rating REAL CHECK (rating BETWEEN 0 AND 5),
    reviews_count INTEGER NOT NULL DEFAULT 0,
    popularity_score REAL GENERATED ALWAYS AS (coalesce(rating, 0) * reviews_count) STORED,
    is_active BOOLEAN NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at DATETIME NOT NULL DEFAULT (datetime('now')),
    updated_at DATETIME
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_number TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(8)))),
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL,
    price NUMERIC(10,2) NOT NULL CHECK (price >= 0),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    discount NUMERIC(5,2) NOT NULL DEFAULT 0 CHECK (discount >= 0 AND discount <= 100),
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'paid', 'processing', 'shipped', 'delivered',
                          'cancelled', 'refunded')),
    total_price NUMERIC GENERATED ALWAYS AS (price * quantity) STORED,
    discount_amount NUMERIC GENERATED ALWAYS AS (round(price * quantity * discount / 100, 2)) STORED,
    final_price NUMERIC
        GENERATED ALWAYS AS (price * quantity - round(price * quantity * discount / 100, 2)) VIRTUAL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    shipped_at TEXT,
    CONSTRAINT orders_product_fk FOREIGN KEY (product_id) REFERENCES products (id),
    CONSTRAINT orders_shipped_after_created CHECK (shipped_at IS NULL OR shipped_at >= created_at)
);

CREATE TABLE customer_metrics (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    total_orders INTEGER NOT NULL DEFAULT 0,
    total_spent REAL NOT NULL DEFAULT 0,
    days_since_signup INTEGER NOT NULL DEFAULT 0,
    login_count INTEGER NOT NULL DEFAULT 0,
    average_order_value REAL GENERATED ALWAYS AS (
        CASE WHEN total_orders > 0 THEN round(total_spent / total_orders, 2) ELSE 0 END
    ) VIRTUAL,
    -- integer division: whole orders per 30 days
    orders_per_month INTEGER GENERATED ALWAYS AS (total_orders * 30 / max(days_since_signup, 1)) STORED,
    engagement_level TEXT GENERATED ALWAYS AS (
        CASE
            WHEN login_count / 10 >= 5 THEN 'high'
            WHEN login_count / 10 >= 1 THEN 'medium'
            ELSE 'low'
        END
    ) STORED,
    loyalty_points INTEGER AS (total_orders * 10 + login_count % 7)
);

CREATE TABLE product_ratings (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    product_name TEXT NOT NULL,
    date TEXT NOT NULL DEFAULT (date('now')),
    quality INTEGER NOT NULL CHECK (quality BETWEEN 1 AND 5),
    value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
    usability INTEGER NOT NULL CHECK (usability BETWEEN 1 AND 5),
    delivery INTEGER NOT NULL CHECK (delivery BETWEEN 1 AND 5),
    overall_rating REAL GENERATED ALWAYS AS (round((quality + value + usability + delivery) / 4.0, 2)) STORED,
    comment TEXT,
    UNIQUE (customer_id, product_name, date)
);

CREATE TABLE pricing_tiers (
    id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    tier TEXT NOT NULL CHECK (tier IN ('bronze', 'silver', 'gold', 'platinum')),
    min_price NUMERIC(10,2) NOT NULL CHECK (min_price >= 0),
    optimal_price NUMERIC(10,2) NOT NULL,
    max_price NUMERIC(10,2) NOT NULL,
    price_spread NUMERIC GENERATED ALWAYS AS (max_price - min_price) VIRTUAL,
    CHECK (min_price <= optimal_price AND optimal_price <= max_price),
    UNIQUE (product_id, tier)
);

CREATE TABLE analytics (
    event_date TEXT PRIMARY KEY,
    page_views INTEGER NOT NULL DEFAULT 0 CHECK (page_views >= 0),
    unique_visitors INTEGER NOT NULL DEFAULT 0 CHECK (unique_visitors >= 0),
    conversions INTEGER NOT NULL DEFAULT 0,
    revenue REAL NOT NULL DEFAULT 0,
    conversion_rate REAL GENERATED ALWAYS AS (
        CASE WHEN unique_visitors > 0 THEN round(CAST(conversions AS REAL) / unique_visitors, 4) ELSE 0 END
    ) VIRTUAL,
    revenue_per_visitor REAL GENERATED ALWAYS AS (revenue / nullif(unique_visitors, 0)) VIRTUAL
) STRICT;

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE UNIQUE INDEX customers_email_lower_key ON customers (lower(email));
CREATE INDEX IF NOT EXISTS orders_customer_created_idx ON orders (customer_id, created_at DESC);
CREATE UNIQUE INDEX orders_one_pending_per_product ON orders (customer_id, product_id)
    WHERE status = 'pending';

CREATE TRIGGER customers_set_updated_at
AFTER UPDATE ON customers
FOR EACH ROW WHEN NEW.updated_at IS OLD.updated_at
BEGIN
    UPDATE customers SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

CREATE VIEW order_details AS
SELECT o.id, o.order_number, c.email, c.full_name, p.sku, p.name AS product_name,
       o.quantity, o.final_price, o.status, o.created_at
FROM orders AS o
JOIN customers AS c ON c.id = o.customer_id
JOIN products AS p ON p.id = o.product_id;

COMMIT;
