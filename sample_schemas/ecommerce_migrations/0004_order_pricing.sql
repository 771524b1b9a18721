-- 0004: discounts and computed prices on orders; more order states.

-- ALTER TYPE ... ADD VALUE: the new labels cannot be used in the transaction that adds
-- them, so these run before the BEGIN below.
ALTER TYPE order_status ADD VALUE 'processing' AFTER 'paid';
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';

BEGIN;

ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers(id) ON DELETE CASCADE;

UPDATE orders SET status = 'pending' WHERE status IS NULL;
ALTER TABLE orders ALTER COLUMN status SET NOT NULL;
ALTER TABLE orders ALTER COLUMN created_at SET NOT NULL;

ALTER TABLE orders
    ADD COLUMN discount numeric(5,2) NOT NULL DEFAULT 0 CHECK (discount >= 0 AND discount <= 100),
    ADD COLUMN order_number bigint GENERATED ALWAYS AS IDENTITY;

ALTER TABLE orders
    ADD COLUMN total_price numeric(12,2) GENERATED ALWAYS AS (price * quantity) STORED,
    ADD COLUMN discount_amount numeric(12,2)
        GENERATED ALWAYS AS (round(price * quantity * discount / 100, 2)) STORED,
    ADD COLUMN final_price numeric(12,2)
        GENERATED ALWAYS AS (price * quantity - round(price * quantity * discount / 100, 2)) STORED;

ALTER TABLE orders ADD COLUMN notes text, ADD COLUMN shipped_at timestamptz;

ALTER TABLE orders
    ADD CONSTRAINT orders_shipped_after_created CHECK (shipped_at IS NULL OR shipped_at >= created_at);

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_order_number_key UNIQUE (order_number);

CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at DESC);

-- at most one open (pending) order per customer and product
CREATE UNIQUE INDEX orders_one_pending_per_product
    ON orders (customer_id, product_id) WHERE status = 'pending';

-- rounding fix: totals are money, keep two decimals
CREATE OR REPLACE FUNCTION calculate_total(price numeric, quantity integer, discount numeric DEFAULT 0)
RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $$ SELECT round(price * quantity * (1 - discount / 100), 2) $$;

COMMIT;
