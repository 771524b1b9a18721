-- 0001: first cut of the shop: customers, products, orders.

BEGIN;

CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled');

CREATE TYPE membership_tier AS ENUM ('bronze', 'silver', 'gold', 'platinum');

CREATE DOMAIN positive_price AS numeric(10,2) CHECK (VALUE >= 0);

CREATE TABLE customers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL UNIQUE,
    name varchar(100),
    phone varchar(32) NOT NULL,
    country_code char(2),
    created_at timestamptz DEFAULT now()
);

CREATE TABLE products (
    id serial PRIMARY KEY,
    sku varchar(32) UNIQUE,
    name text NOT NULL,
    category varchar(50),
    price numeric(12,2) NOT NULL CHECK (price >= 0),
    stock_quantity integer DEFAULT 0 CHECK (stock_quantity >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id uuid NOT NULL REFERENCES customers (id),
    product_id integer NOT NULL REFERENCES products (id),
    price numeric(10,2) NOT NULL,
    quantity integer NOT NULL CHECK (quantity > 0),
    status order_status DEFAULT 'pending',
    created_at timestamptz DEFAULT now()
);

CREATE INDEX products_category_idx ON products (category);

CREATE FUNCTION calculate_total(price numeric, quantity integer, discount numeric DEFAULT 0)
RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $$ SELECT price * quantity * (1 - discount / 100) $$;

COMMIT;
