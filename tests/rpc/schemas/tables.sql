-- SQL functions whose body is one SELECT over tables: they run on rows (a Database's, or
-- RPC.bind_rows) and are compared with PostgreSQL in tests/rpc/test_table_bodies.py.
CREATE TYPE order_status AS ENUM ('new', 'paid', 'cancelled');

CREATE TABLE members (
    id integer PRIMARY KEY,
    name text NOT NULL,
    tier smallint,
    joined date
);

CREATE TABLE orders (
    id integer PRIMARY KEY,
    member_id integer REFERENCES members (id),
    amount numeric(10, 2) NOT NULL,
    qty integer,
    status order_status NOT NULL DEFAULT 'new',
    total numeric(12, 2) GENERATED ALWAYS AS (amount * COALESCE(qty, 1)) STORED
);

-- a scalar from an aggregate (one row even over no rows), a parameter by name
CREATE FUNCTION member_spend(p_member integer) RETURNS numeric
    LANGUAGE sql STABLE
    AS $$ SELECT COALESCE(sum(amount), 0) FROM orders WHERE member_id = p_member AND status <> 'cancelled' $$;

-- count(*) with a parameter DEFAULT, positional $1
CREATE FUNCTION paid_count(p_min numeric DEFAULT 0) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT count(*) FROM orders WHERE status = 'paid' AND amount >= $1 $$;

-- join, GROUP BY, HAVING, aggregates, ORDER BY an aggregate, LIMIT a parameter
CREATE FUNCTION top_members(p_limit integer DEFAULT 3)
    RETURNS TABLE (member_id integer, name text, orders bigint, spent numeric, average numeric, biggest numeric)
    LANGUAGE sql STABLE
    AS $$
    SELECT m.id, m.name, count(o.id), sum(o.total), round(avg(o.amount), 2), max(o.amount)
    FROM members m
    JOIN orders o ON o.member_id = m.id
    GROUP BY m.id, m.name
    HAVING count(o.id) > 0
    ORDER BY sum(o.total) DESC, m.id
    LIMIT p_limit
$$;

-- LEFT JOIN: members without orders count 0; sum of integers is bigint, NULL over no rows
CREATE FUNCTION member_order_counts()
    RETURNS TABLE (id integer, n bigint, items bigint, first_order integer)
    LANGUAGE sql STABLE
    AS $$
    SELECT m.id, count(o.id), sum(o.qty), min(o.id)
    FROM members m LEFT JOIN orders o ON o.member_id = m.id
    GROUP BY m.id
    ORDER BY 1
$$;

-- SETOF a table, ORDER BY with NULLS LAST, OFFSET
CREATE FUNCTION orders_of(p_member integer, p_skip integer DEFAULT 0) RETURNS SETOF orders
    LANGUAGE sql STABLE
    AS $$ SELECT * FROM orders WHERE member_id = p_member ORDER BY qty DESC NULLS LAST, id OFFSET p_skip $$;

-- SETOF a scalar, DISTINCT, ORDER BY an output name
CREATE FUNCTION tiers_with_orders() RETURNS SETOF smallint
    LANGUAGE sql STABLE
    AS $$ SELECT DISTINCT m.tier AS t FROM members m, orders o WHERE o.member_id = m.id ORDER BY t NULLS FIRST $$;

-- OUT parameters: one row (none: NULL), a column wins over a parameter of the same name
CREATE FUNCTION order_line(id integer, OUT who text, OUT amount numeric, OUT status order_status)
    LANGUAGE sql STABLE
    AS $$ SELECT m.name, o.amount, o.status FROM orders o JOIN members m ON m.id = o.member_id WHERE o.id = order_line.id $$;

-- GROUP BY an expression, SQL-standard body
CREATE FUNCTION spend_by_year()
    RETURNS TABLE (year integer, spent numeric)
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT extract(year FROM m.joined)::integer, sum(o.amount)
    FROM orders o JOIN members m ON m.id = o.member_id
    WHERE m.joined IS NOT NULL
    GROUP BY 1
    ORDER BY 1;
END;

-- count(DISTINCT ...), a CASE over an aggregate
CREATE FUNCTION member_summary(p_member integer) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE WHEN count(*) = 0 THEN 'none' ELSE count(DISTINCT o.status)::text || ' statuses' END
    FROM orders o WHERE o.member_id = p_member
$$;

-- = ANY / <> ALL over an array parameter (a NULL array: NULL; an empty one: FALSE)
CREATE FUNCTION spend_of(p_ids integer[]) RETURNS numeric
    LANGUAGE sql STABLE
    AS $$ SELECT COALESCE(sum(amount), 0) FROM orders WHERE member_id = ANY (p_ids) $$;

CREATE FUNCTION orders_not_of(p_ids integer[]) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT count(*) FROM orders WHERE member_id <> ALL (p_ids) $$;

-- plpgsql made of one RETURN QUERY: the SELECT runs as in a SQL function
CREATE FUNCTION member_orders_pl(p_member integer) RETURNS SETOF orders
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN QUERY SELECT * FROM orders o WHERE o.member_id = p_member ORDER BY o.id;
END
$$;

-- plpgsql: a second RETURN QUERY under IF NOT FOUND (the sample's get_product_recommendations)
CREATE FUNCTION orders_or_unowned(p_member integer) RETURNS SETOF orders
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN QUERY SELECT * FROM orders o WHERE o.member_id = p_member ORDER BY o.id;
    IF NOT FOUND THEN
        RETURN QUERY SELECT * FROM orders o WHERE o.member_id IS NULL ORDER BY o.id DESC;
    END IF;
END
$$;

-- out of reach: in plpgsql the TABLE column id makes `id` ambiguous (42702 at the call)
CREATE FUNCTION member_names_pl() RETURNS TABLE (id integer, name text)
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN QUERY SELECT id, name FROM members ORDER BY id;
END
$$;

-- RIGHT and FULL joins: the rows without a partner too
CREATE FUNCTION orders_and_members()
    RETURNS TABLE (member integer, order_id integer, name text)
    LANGUAGE sql STABLE
    AS $$
    SELECT m.id, o.id, m.name FROM members m FULL JOIN orders o ON o.member_id = m.id
    ORDER BY m.id NULLS FIRST, o.id NULLS FIRST
$$;

CREATE FUNCTION orders_with_names(p_min numeric DEFAULT 0)
    RETURNS TABLE (order_id integer, name text)
    LANGUAGE sql STABLE
    AS $$
    SELECT o.id, m.name FROM members m RIGHT JOIN orders o ON o.member_id = m.id
    WHERE o.amount >= p_min ORDER BY o.id
$$;

-- JOIN ... USING / NATURAL JOIN: the merged column, once, unqualified; first in SELECT *;
-- the left side's (RIGHT: the right's, FULL: COALESCE of both); each side's by qualifier
CREATE FUNCTION members_using_orders()
    RETURNS TABLE (id integer, name text, amount numeric, member_id integer)
    LANGUAGE sql STABLE
    AS $$ SELECT id, name, amount, o.member_id FROM members JOIN orders o USING (id) ORDER BY id $$;

CREATE FUNCTION members_natural_orders()
    RETURNS TABLE (id integer, name text, tier smallint, joined date, member_id integer,
                   amount numeric, qty integer, status order_status, total numeric)
    LANGUAGE sql STABLE
    AS $$ SELECT * FROM members NATURAL LEFT JOIN orders ORDER BY id $$;

CREATE FUNCTION members_full_using(p_min integer DEFAULT 0)
    RETURNS TABLE (id integer, member integer, order_id integer, qty integer)
    LANGUAGE sql STABLE
    AS $$ SELECT id, m.id, o.id, qty FROM members m FULL JOIN orders o USING (id)
          WHERE id >= p_min ORDER BY 1, 2, 3 $$;

CREATE FUNCTION orders_right_using()
    RETURNS TABLE (id integer, name text, tier smallint, joined date, member_id integer,
                   amount numeric, qty integer, status order_status, total numeric)
    LANGUAGE sql STABLE
    AS $$ SELECT * FROM members RIGHT JOIN orders USING (id) WHERE id > 2 ORDER BY 1 $$;

-- WITH: each query run once, before the SELECT; a later one reads an earlier one; a
-- subquery reads one too; column names given in the WITH; a name that hides a table
CREATE FUNCTION spend_per_member(p_min numeric DEFAULT 0)
    RETURNS TABLE (id integer, name text, spent numeric, share numeric)
    LANGUAGE sql STABLE
    AS $$
    WITH spend (member, spent) AS (
        SELECT member_id, sum(amount) FROM orders WHERE status <> 'cancelled' GROUP BY member_id
    ), big AS (
        SELECT member, spent FROM spend WHERE spent >= p_min
    )
    SELECT m.id, m.name, b.spent, round(b.spent / (SELECT sum(spent) FROM big), 4)
    FROM members m JOIN big b ON b.member = m.id
    ORDER BY b.spent DESC, m.id
$$;

CREATE FUNCTION paid_orders_with(p_member integer)
    RETURNS SETOF orders
    LANGUAGE sql STABLE
    AS $$
    WITH orders AS (SELECT * FROM public.orders WHERE status = 'paid')
    SELECT * FROM orders WHERE member_id = p_member
       OR member_id IN (SELECT id FROM members WHERE tier IS NULL) ORDER BY id
$$;

CREATE FUNCTION members_with_pl(p_tier integer)
    RETURNS TABLE (name text, n bigint)
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN QUERY WITH t AS (SELECT m.name, m.tier FROM members m WHERE m.tier = p_tier)
        SELECT t.name, count(*) FROM t GROUP BY t.name ORDER BY t.name;
END $$;

-- a subquery in FROM (with its columns renamed, a parameter inside, a WITH it reads)
CREATE FUNCTION member_order_stats()
    RETURNS TABLE (name text, n bigint, total numeric)
    LANGUAGE sql STABLE
    AS $$ SELECT m.name, s.n, s.total FROM members m
          JOIN (SELECT member_id, count(*) AS n, sum(amount) AS total FROM orders GROUP BY member_id) s
            ON s.member_id = m.id
          ORDER BY m.id $$;

CREATE FUNCTION top_orders(p_k integer DEFAULT 2)
    RETURNS TABLE (order_id integer, amt numeric)
    LANGUAGE sql STABLE
    AS $$ WITH paid AS (SELECT * FROM orders WHERE status = 'paid')
          SELECT * FROM (SELECT id, amount FROM paid ORDER BY amount DESC, id LIMIT p_k) AS t (order_id, amt)
          ORDER BY order_id $$;

-- out of reach, so left uncompiled with the reason: WITH RECURSIVE; DISTINCT ON, even in a
-- subquery (read as DISTINCT it would keep rows DISTINCT ON drops)
CREATE FUNCTION member_ids_upto(p_n integer) RETURNS SETOF integer
    LANGUAGE sql STABLE
    AS $$ WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < p_n)
          SELECT id FROM members WHERE id IN (SELECT i FROM n) ORDER BY id $$;

CREATE FUNCTION latest_order_members() RETURNS SETOF members
    LANGUAGE sql STABLE
    AS $$ SELECT * FROM members WHERE id IN (SELECT DISTINCT ON (status) member_id FROM orders
          ORDER BY status, id DESC) ORDER BY id $$;

-- uncorrelated subqueries: IN / NOT IN (NULLs!), EXISTS, a scalar one (run once, when needed)
CREATE FUNCTION big_spenders(p_over numeric DEFAULT 100) RETURNS SETOF members
    LANGUAGE sql STABLE
    AS $$ SELECT * FROM members WHERE id IN (SELECT member_id FROM orders WHERE amount > p_over) ORDER BY id $$;

CREATE FUNCTION quiet_members() RETURNS SETOF integer
    LANGUAGE sql STABLE
    AS $$ SELECT m.id FROM members m WHERE m.id NOT IN (SELECT o.member_id FROM orders o WHERE o.status = 'paid') ORDER BY 1 $$;

CREATE FUNCTION members_vs_biggest()
    RETURNS TABLE (id integer, biggest numeric, any_paid boolean)
    LANGUAGE sql STABLE
    AS $$
    SELECT m.id, (SELECT max(amount) FROM orders), EXISTS (SELECT 1 FROM orders WHERE status = 'paid')
    FROM members m
    WHERE (SELECT count(*) FROM orders) > 0
    ORDER BY m.id
$$;

-- SELECT EXISTS (...) without FROM: not one expression, so it runs as a plan
CREATE FUNCTION has_paid_orders(p_member integer) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT EXISTS (SELECT 1 FROM orders WHERE member_id = p_member AND status = 'paid') $$;

-- a scalar subquery with more than one row: 21000, but only when a row needs it
CREATE FUNCTION first_order_of(p_member integer) RETURNS integer
    LANGUAGE sql STABLE
    AS $$ SELECT m.id * 0 + (SELECT o.id FROM orders o WHERE o.member_id = p_member) FROM members m WHERE m.id = p_member $$;

-- correlated subqueries: run per outer row (once per distinct outer value)
CREATE FUNCTION members_with_orders() RETURNS SETOF members
    LANGUAGE sql STABLE
    AS $$ SELECT * FROM members m WHERE EXISTS (SELECT 1 FROM orders o WHERE o.member_id = m.id) ORDER BY m.id $$;

CREATE FUNCTION member_last_order()
    RETURNS TABLE (id integer, last_order integer, big bigint)
    LANGUAGE sql STABLE
    AS $$
    SELECT m.id,
           (SELECT max(o.id) FROM orders o WHERE o.member_id = m.id),
           (SELECT count(*) FROM orders o2 WHERE o2.member_id = m.id AND o2.amount > 100)
    FROM members m ORDER BY m.id
$$;

CREATE FUNCTION same_amount_twice() RETURNS SETOF integer
    LANGUAGE sql STABLE
    AS $$
    SELECT o.id FROM orders o
    WHERE o.qty IN (SELECT o2.qty FROM orders o2 WHERE o2.member_id = o.member_id AND o2.id <> o.id)
    ORDER BY o.id
$$;

-- out of reach: an aggregate of the outer query's column inside a subquery
CREATE FUNCTION outer_aggregate() RETURNS SETOF integer
    LANGUAGE sql STABLE
    AS $$ SELECT m.id FROM members m GROUP BY m.id HAVING EXISTS (SELECT 1 FROM orders o WHERE o.id > count(m.id)) $$;

-- ORDER BY an enum: in the order of its labels ('new', 'paid', 'cancelled'), not by text
CREATE FUNCTION statuses() RETURNS SETOF order_status
    LANGUAGE sql STABLE
    AS $$ SELECT DISTINCT status FROM orders ORDER BY status DESC $$;

CREATE FUNCTION status_range(p_member integer)
    RETURNS TABLE (lowest order_status, highest order_status)
    LANGUAGE sql STABLE
    AS $$ SELECT min(status), max(status) FROM orders WHERE member_id = p_member $$;

CREATE FUNCTION orders_by_status() RETURNS TABLE (id integer, status order_status)
    LANGUAGE sql STABLE
    AS $$ SELECT o.id, o.status FROM orders o ORDER BY o.status, o.id $$;

-- writes, run through a Database: INSERT ... VALUES (DEFAULT too), UPDATE, DELETE, RETURNING
CREATE FUNCTION add_order(p_id integer, p_member integer, p_amount numeric, p_qty integer DEFAULT NULL)
    RETURNS orders
    LANGUAGE sql
    AS $$ INSERT INTO orders (id, member_id, amount, qty, status) VALUES (p_id, p_member, p_amount, p_qty, DEFAULT) RETURNING * $$;

CREATE FUNCTION pay_orders(p_member integer) RETURNS SETOF integer
    LANGUAGE sql
    AS $$ UPDATE orders SET status = 'paid', qty = COALESCE(qty, 0) + 1 WHERE member_id = p_member AND status = 'new' RETURNING id $$;

CREATE FUNCTION forget_member(p_member integer) RETURNS void
    LANGUAGE sql
    AS $$ DELETE FROM orders WHERE member_id = p_member $$;

CREATE FUNCTION drop_orders_over(p_amount numeric) RETURNS TABLE (id integer, total numeric)
    LANGUAGE sql
    AS $$ DELETE FROM orders o WHERE o.amount > p_amount RETURNING o.id, o.total $$;

-- ON CONFLICT through Database.upsert: DO UPDATE SET each given column = EXCLUDED's, DO NOTHING
CREATE FUNCTION upsert_member(p_id integer, p_name text) RETURNS void
    LANGUAGE sql
    AS $$ INSERT INTO members (id, name) VALUES (p_id, p_name) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name $$;

CREATE FUNCTION upsert_member_tier(p_id integer, p_name text, p_tier smallint)
    RETURNS SETOF members
    LANGUAGE sql
    AS $$ INSERT INTO members AS m (id, name, tier) VALUES (p_id, p_name, p_tier), (p_id + 1, p_name, NULL)
          ON CONFLICT (id) DO UPDATE SET tier = excluded.tier, name = EXCLUDED.name, id = EXCLUDED.id
          RETURNING * $$;

CREATE FUNCTION add_member_once(p_id integer, p_name text) RETURNS SETOF members
    LANGUAGE sql
    AS $$ INSERT INTO members (id, name) VALUES (p_id, p_name) ON CONFLICT (id) DO NOTHING RETURNING * $$;

-- out of reach: an ON CONFLICT that updates less (or other) than the columns given
CREATE FUNCTION rename_member(p_id integer, p_name text, p_tier smallint) RETURNS void
    LANGUAGE sql
    AS $$ INSERT INTO members (id, name, tier) VALUES (p_id, p_name, p_tier) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name $$;
