-- 0005: membership, richer profiles and ratings, analytics and metric tables.

ALTER TABLE customers
    ADD COLUMN membership membership_tier NOT NULL DEFAULT 'bronze',
    ADD COLUMN email_domain text GENERATED ALWAYS AS (lower(split_part(email, '@', 2))) STORED;

CREATE UNIQUE INDEX ON customers (lower(email));

-- json -> jsonb: the old default cannot be cast, so drop it first
ALTER TABLE customer_profiles ALTER COLUMN preferences DROP DEFAULT;
ALTER TABLE customer_profiles ALTER COLUMN preferences TYPE jsonb USING preferences::jsonb;
UPDATE customer_profiles SET preferences = '{}' WHERE preferences IS NULL;
UPDATE customer_profiles SET tags = '{}' WHERE tags IS NULL;
ALTER TABLE customer_profiles
    ALTER COLUMN preferences SET DEFAULT '{}',
    ALTER COLUMN preferences SET NOT NULL,
    ALTER COLUMN tags SET DEFAULT '{}',
    ALTER COLUMN tags SET NOT NULL;
ALTER TABLE customer_profiles
    ADD COLUMN birth_date date CHECK (birth_date > '1900-01-01'),
    ADD COLUMN avatar bytea,
    ADD COLUMN last_ip inet,
    ADD COLUMN newsletter boolean NOT NULL DEFAULT false;

ALTER TABLE product_ratings RENAME COLUMN rating_note TO comment;
ALTER TABLE product_ratings ALTER COLUMN comment TYPE text;

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
    legacy_score integer,
    loyalty_points integer GENERATED ALWAYS AS (total_orders * 10 + login_count % 7) STORED,
    updated_at timestamptz
);

ALTER TABLE customer_metrics DROP COLUMN legacy_score;

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

-- backfill metrics for existing customers
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT id FROM customers LOOP
        INSERT INTO customer_metrics (customer_id) VALUES (r.id)
        ON CONFLICT (customer_id) DO NOTHING;
    END LOOP;
    RAISE NOTICE 'customer_metrics backfilled';
END
$$;
