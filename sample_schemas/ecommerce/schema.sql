--
-- E-commerce schema (PostgreSQL 15)
--
-- The full schema of a small shop: customers, products, orders with computed prices,
-- analytics and metric tables with computed columns, and the functions the app calls
-- through PostgREST (`supabase.rpc(...)`).
--
-- This file is the final state reached by ../ecommerce_migrations/000*.sql; keep the two
-- in step (tests/test_sample_schemas.py checks that both give the same catalog). Column
-- order follows the migrations: columns added later by ALTER TABLE come last.
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET check_function_bodies = true;
SET client_min_messages = warning;

BEGIN;

-- ---------------------------------------------------------------------------------------
-- Types
-- ---------------------------------------------------------------------------------------

CREATE TYPE order_status AS ENUM (
    'pending', 'paid', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded'
);

CREATE TYPE membership_tier AS ENUM ('bronze', 'silver', 'gold', 'platinum');

CREATE DOMAIN positive_price AS numeric(10,2) CHECK (VALUE >= 0);

-- ---------------------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------------------

CREATE TABLE customers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL UNIQUE,
    full_name varchar(120),
    phone varchar(32),
    country_code char(2),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz,
    referred_by uuid,
    membership membership_tier NOT NULL DEFAULT 'bronze',
    email_domain text GENERATED ALWAYS AS (lower(split_part(email, '@', 2))) STORED,
    CONSTRAINT customers_referred_by_fkey FOREIGN KEY (referred_by)
        REFERENCES customers (id) ON DELETE SET NULL
);

CREATE TABLE products (
    id serial PRIMARY KEY,
    sku varchar(32) NOT NULL UNIQUE,
    name text NOT NULL,
    category varchar(50) NOT NULL DEFAULT 'general',
    price numeric(10,2) NOT NULL CHECK (price >= 0),
    stock_quantity integer NOT NULL DEFAULT 0 CHECK (stock_quantity >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    rating numeric(3,2) CHECK (rating BETWEEN 0 AND 5),
    reviews_count integer NOT NULL DEFAULT 0,
    popularity_score numeric GENERATED ALWAYS AS (COALESCE(rating, 0) * reviews_count) STORED,
    is_active boolean NOT NULL DEFAULT true,
    updated_at timestamptz,
    description text
);

CREATE TABLE orders (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    product_id integer NOT NULL REFERENCES products (id),
    price numeric(10,2) NOT NULL,
    quantity integer NOT NULL CHECK (quantity > 0),
    status order_status NOT NULL DEFAULT 'pending',
    created_at timestamptz NOT NULL DEFAULT now(),
    discount numeric(5,2) NOT NULL DEFAULT 0 CHECK (discount >= 0 AND discount <= 100),
    order_number bigint GENERATED ALWAYS AS IDENTITY,
    total_price numeric(12,2) GENERATED ALWAYS AS (price * quantity) STORED,
    discount_amount numeric(12,2)
        GENERATED ALWAYS AS (round(price * quantity * discount / 100, 2)) STORED,
    final_price numeric(12,2)
        GENERATED ALWAYS AS (price * quantity - round(price * quantity * discount / 100, 2)) STORED,
    notes text,
    shipped_at timestamptz,
    CONSTRAINT orders_shipped_after_created CHECK (shipped_at IS NULL OR shipped_at >= created_at),
    CONSTRAINT orders_order_number_key UNIQUE (order_number)
);

CREATE TABLE customer_profiles (
    customer_id uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    bio text,
    preferences jsonb NOT NULL DEFAULT '{}',
    tags text[] NOT NULL DEFAULT '{}',
    birth_date date CHECK (birth_date > '1900-01-01'),
    avatar bytea,
    last_ip inet,
    newsletter boolean NOT NULL DEFAULT false
);

CREATE TABLE product_ratings (
    id serial PRIMARY KEY,
    customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    product_name text NOT NULL,
    date date NOT NULL DEFAULT CURRENT_DATE,
    quality smallint NOT NULL CHECK (quality BETWEEN 1 AND 5),
    value smallint NOT NULL CHECK (value BETWEEN 1 AND 5),
    usability smallint NOT NULL CHECK (usability BETWEEN 1 AND 5),
    delivery smallint NOT NULL CHECK (delivery BETWEEN 1 AND 5),
    comment text,
    overall_rating numeric(3,2)
        GENERATED ALWAYS AS (round((quality + value + usability + delivery) / 4.0, 2)) STORED,
    would_recommend boolean
        GENERATED ALWAYS AS ((quality + value + usability + delivery) >= 14) STORED,
    CONSTRAINT product_ratings_customer_id_product_name_date_key
        UNIQUE (customer_id, product_name, date)
);

CREATE TABLE analytics (
    id bigserial PRIMARY KEY,
    event_date date NOT NULL DEFAULT CURRENT_DATE UNIQUE,
    page_views integer NOT NULL DEFAULT 0 CHECK (page_views >= 0),
    unique_visitors integer NOT NULL DEFAULT 0 CHECK (unique_visitors >= 0),
    conversions integer NOT NULL DEFAULT 0,
    revenue numeric(12,2) NOT NULL DEFAULT 0,
    conversion_rate numeric(7,4) GENERATED ALWAYS AS (
        CASE WHEN unique_visitors > 0
             THEN round(conversions::numeric / unique_visitors, 4)
             ELSE 0
        END
    ) STORED,
    revenue_per_visitor numeric GENERATED ALWAYS AS (revenue / NULLIF(unique_visitors, 0)) STORED,
    CONSTRAINT analytics_conversions_le_visitors CHECK (conversions <= unique_visitors)
);

CREATE TABLE customer_metrics (
    customer_id uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    total_orders integer NOT NULL DEFAULT 0,
    total_spent numeric(12,2) NOT NULL DEFAULT 0,
    days_since_signup integer NOT NULL DEFAULT 0,
    login_count integer NOT NULL DEFAULT 0,
    average_order_value numeric(12,2) GENERATED ALWAYS AS (
        CASE WHEN total_orders > 0 THEN round(total_spent / total_orders, 2) ELSE 0 END
    ) STORED,
    -- integer division on purpose: whole orders per 30 days
    orders_per_month integer
        GENERATED ALWAYS AS (total_orders * 30 / GREATEST(days_since_signup, 1)) STORED,
    engagement_level text GENERATED ALWAYS AS (
        CASE
            WHEN login_count / 10 >= 5 THEN 'high'
            WHEN login_count / 10 >= 1 THEN 'medium'
            ELSE 'low'
        END
    ) STORED,
    loyalty_points integer GENERATED ALWAYS AS (total_orders * 10 + login_count % 7) STORED,
    updated_at timestamptz
);

CREATE TABLE sales_tracking (
    id serial PRIMARY KEY,
    product_id integer NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    sale_date date NOT NULL,
    region varchar(20) NOT NULL DEFAULT 'eu',
    units_sold integer NOT NULL CHECK (units_sold >= 0),
    unit_price numeric(10,2) NOT NULL,
    unit_cost numeric(10,2) NOT NULL,
    revenue numeric(12,2) GENERATED ALWAYS AS (units_sold * unit_price) STORED,
    profit numeric(12,2) GENERATED ALWAYS AS (units_sold * (unit_price - unit_cost)) STORED,
    margin_percent numeric(6,2) GENERATED ALWAYS AS (
        CASE WHEN unit_price = 0 THEN NULL
             ELSE round((unit_price - unit_cost) / unit_price * 100, 2)
        END
    ) STORED,
    tracking_code text
        GENERATED ALWAYS AS (upper(region) || '-' || lpad(product_id::text, 6, '0')) STORED,
    UNIQUE (product_id, sale_date, region)
);

CREATE TABLE pricing_tiers (
    id serial PRIMARY KEY,
    product_id integer NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    tier membership_tier NOT NULL,
    min_price positive_price NOT NULL,
    optimal_price positive_price NOT NULL,
    max_price positive_price NOT NULL,
    valid_from date NOT NULL DEFAULT CURRENT_DATE,
    valid_to date,
    price_spread numeric(10,2) GENERATED ALWAYS AS (max_price - min_price) STORED,
    CONSTRAINT pricing_tiers_price_order
        CHECK (min_price <= optimal_price AND optimal_price <= max_price),
    CONSTRAINT pricing_tiers_valid_range CHECK (valid_to IS NULL OR valid_to > valid_from),
    UNIQUE (product_id, tier)
);

-- ---------------------------------------------------------------------------------------
-- Indexes
-- ---------------------------------------------------------------------------------------

CREATE UNIQUE INDEX ON customers (lower(email));
CREATE INDEX customers_referred_by_idx ON customers (referred_by);
CREATE INDEX products_category_idx ON products (category);
CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at DESC);
-- at most one open (pending) order per customer and product
CREATE UNIQUE INDEX orders_one_pending_per_product
    ON orders (customer_id, product_id) WHERE status = 'pending';

-- ---------------------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------------------

CREATE FUNCTION calculate_total(price numeric, quantity integer, discount numeric DEFAULT 0)
RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $$ SELECT round(price * quantity * (1 - discount / 100), 2) $$;

CREATE FUNCTION get_order_summary(p_customer_id uuid)
RETURNS TABLE(total_orders bigint, total_revenue numeric, average_order numeric)
LANGUAGE sql STABLE
AS $$
    SELECT count(*),
           COALESCE(sum(o.final_price), 0),
           COALESCE(round(avg(o.final_price), 2), 0)
    FROM orders o
    WHERE o.customer_id = p_customer_id
      AND o.status NOT IN ('cancelled', 'refunded')
$$;

CREATE FUNCTION get_product_recommendations(p_customer_id uuid, p_limit integer DEFAULT 5)
RETURNS SETOF products
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    -- products from categories the customer already buys, not bought yet
    RETURN QUERY
        SELECT p.*
        FROM products p
        WHERE p.is_active
          AND p.category IN (SELECT pr.category
                             FROM orders o JOIN products pr ON pr.id = o.product_id
                             WHERE o.customer_id = p_customer_id)
          AND p.id NOT IN (SELECT o.product_id FROM orders o WHERE o.customer_id = p_customer_id)
        ORDER BY p.popularity_score DESC NULLS LAST, p.id
        LIMIT p_limit;
    IF NOT FOUND THEN
        RETURN QUERY
            SELECT p.* FROM products p
            WHERE p.is_active
            ORDER BY p.popularity_score DESC NULLS LAST, p.id
            LIMIT p_limit;
    END IF;
END;
$$;

-- SQL-standard function bodies (PostgreSQL 14+)
CREATE FUNCTION discounted_price(price numeric, discount_percent numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN round(price * (1 - discount_percent / 100), 2);

CREATE FUNCTION customer_display_name(c customers)
RETURNS text
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT COALESCE(NULLIF(trim(c.full_name), ''), c.email);
END;

CREATE FUNCTION order_totals(
    p_order_id uuid,
    OUT subtotal numeric,
    OUT discount_amount numeric,
    OUT total numeric
)
LANGUAGE sql STABLE
AS $$
    SELECT o.total_price, o.discount_amount, o.final_price
    FROM orders o
    WHERE o.id = p_order_id
$$;

CREATE FUNCTION refresh_customer_metrics(p_customer_id uuid)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO customer_metrics AS m (customer_id, total_orders, total_spent, days_since_signup)
    SELECT c.id,
           count(o.id),
           COALESCE(sum(o.final_price), 0),
           GREATEST(current_date - c.created_at::date, 0)
    FROM customers c
    LEFT JOIN orders o ON o.customer_id = c.id AND o.status <> 'cancelled'
    WHERE c.id = p_customer_id
    GROUP BY c.id
    ON CONFLICT (customer_id) DO UPDATE
        SET total_orders = EXCLUDED.total_orders,
            total_spent = EXCLUDED.total_spent,
            days_since_signup = EXCLUDED.days_since_signup,
            updated_at = now();
END;
$$;

-- unnamed parameters: $1 is the amount, $2 the currency code
CREATE FUNCTION format_price(numeric, text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT $2 || ' ' || round($1, 2)::text $$;

CREATE FUNCTION set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER customers_set_updated_at
    BEFORE UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TRIGGER products_set_updated_at
    BEFORE UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- ---------------------------------------------------------------------------------------
-- Views
-- ---------------------------------------------------------------------------------------

CREATE VIEW order_details AS
SELECT o.id,
       o.order_number,
       c.email,
       c.full_name,
       p.sku,
       p.name AS product_name,
       o.quantity,
       o.final_price,
       o.status,
       o.created_at
FROM orders o
JOIN customers c ON c.id = o.customer_id
JOIN products p ON p.id = o.product_id;

-- ---------------------------------------------------------------------------------------
-- Comments and privileges
-- ---------------------------------------------------------------------------------------

COMMENT ON TABLE customers IS 'People who buy things; one row per account.';
COMMENT ON COLUMN customers.referred_by IS 'The customer who referred this one, if any.';
COMMENT ON TABLE orders IS 'One line item per order.';
COMMENT ON COLUMN orders.discount IS 'Discount in percent (0-100) of price * quantity.';
COMMENT ON COLUMN orders.final_price IS 'What the customer pays: total minus discount.';
COMMENT ON FUNCTION calculate_total(numeric, integer, numeric) IS 'Order total after a percent discount.';

GRANT SELECT ON order_details TO PUBLIC;

COMMIT;
