-- 0006: the functions the app calls over RPC, updated_at triggers, reporting view.

CREATE OR REPLACE FUNCTION get_order_summary(p_customer_id uuid)
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

CREATE OR REPLACE FUNCTION get_product_recommendations(p_customer_id uuid, p_limit integer DEFAULT 5)
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

CREATE OR REPLACE FUNCTION public.set_updated_at() RETURNS trigger
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

COMMENT ON TABLE customers IS 'People who buy things; one row per account.';
COMMENT ON COLUMN customers.referred_by IS 'The customer who referred this one, if any.';
COMMENT ON TABLE orders IS 'One line item per order.';
COMMENT ON COLUMN orders.discount IS 'Discount in percent (0-100) of price * quantity.';
COMMENT ON COLUMN orders.final_price IS 'What the customer pays: total minus discount.';
COMMENT ON FUNCTION calculate_total(numeric, integer, numeric) IS 'Order total after a percent discount.';

GRANT SELECT ON order_details TO PUBLIC;
