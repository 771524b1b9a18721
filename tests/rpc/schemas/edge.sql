-- Functions that exercise the RPC generator's corners: every shape of result, names that are
-- Python keywords or not identifiers, overloads, unnamed and qualified parameter references,
-- bodies full of quotes and backslashes, type modifiers PostgreSQL ignores, defaults.
CREATE SCHEMA api;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TYPE pair AS (a integer, b text);
CREATE TABLE items (
    id serial PRIMARY KEY,
    name text NOT NULL,
    price numeric(10,2) NOT NULL DEFAULT 0,
    mood mood
);

-- compiled ------------------------------------------------------------------------------
CREATE FUNCTION f_kw("from" integer, "class" text DEFAULT 'x''y') RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT "class" || "from"::text $$;
CREATE FUNCTION f_over(a integer) RETURNS integer LANGUAGE sql AS 'SELECT a';
CREATE FUNCTION f_over(a integer, b integer) RETURNS integer LANGUAGE sql AS 'SELECT a + b';
CREATE FUNCTION f_quotes(t text) RETURNS text LANGUAGE sql
    AS $body$ SELECT t || '"""' || '\' || '''' || '\n' $body$;
CREATE FUNCTION f_qualified(x integer) RETURNS integer LANGUAGE sql AS 'SELECT f_qualified.x + 1';
CREATE FUNCTION f_out1(a integer, OUT doubled integer) LANGUAGE sql AS $$ SELECT a * 2 $$;
CREATE FUNCTION f_defaults(x integer DEFAULT 2 + 3, y numeric DEFAULT 1.50::numeric(5,1))
    RETURNS numeric LANGUAGE sql RETURN x + y;
CREATE FUNCTION f_now(ts timestamptz DEFAULT now()) RETURNS boolean
    LANGUAGE sql RETURN ts IS NOT NULL;
CREATE FUNCTION f_div(a integer, b integer) RETURNS integer LANGUAGE sql AS 'SELECT a / b';
CREATE FUNCTION f_strict(a text, b text) RETURNS text LANGUAGE sql STRICT
    AS 'SELECT coalesce(a, ''none'') || b';
CREATE FUNCTION "Weird Name"(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x + 1';
CREATE FUNCTION f_varchar(v varchar(3)) RETURNS varchar(2) LANGUAGE sql AS 'SELECT v';
CREATE FUNCTION f_typmod(x numeric(10,2)) RETURNS numeric(5,1) LANGUAGE sql AS 'SELECT x';
CREATE FUNCTION f_assign(x numeric) RETURNS integer LANGUAGE sql AS 'SELECT x';
CREATE FUNCTION f_smallint(x integer) RETURNS smallint LANGUAGE sql AS 'SELECT x';
CREATE FUNCTION f_date_add(d date, n integer DEFAULT 1) RETURNS date LANGUAGE sql
    BEGIN ATOMIC SELECT d + n; END;
CREATE FUNCTION f_mood(m mood, fallback mood DEFAULT 'ok') RETURNS mood LANGUAGE sql
    AS 'SELECT coalesce(m, fallback)';
CREATE FUNCTION api.f_schema(x integer) RETURNS integer LANGUAGE sql AS 'SELECT x * 10';
CREATE FUNCTION f_real(x real, y double precision) RETURNS double precision LANGUAGE sql
    AS 'SELECT x * y';

-- not compiled: shapes ------------------------------------------------------------------
CREATE FUNCTION f_setrec(n integer, OUT i integer, OUT sq integer) RETURNS SETOF record
    LANGUAGE sql AS $$ SELECT g, g * g FROM generate_series(1, n) g $$;
CREATE FUNCTION f_setint(n integer) RETURNS SETOF integer
    LANGUAGE sql AS $$ SELECT generate_series(1, n) $$;
CREATE FUNCTION f_twoout(x integer, OUT lo integer, OUT hi integer)
    LANGUAGE sql AS $$ SELECT x - 1, x + 1 $$;
CREATE FUNCTION f_table(n integer) RETURNS TABLE(k integer, label text)
    LANGUAGE sql AS $$ SELECT g, 'n' || g FROM generate_series(1, n) g $$;
CREATE FUNCTION f_row(i integer) RETURNS items
    LANGUAGE sql AS 'SELECT * FROM items WHERE id = i';
CREATE FUNCTION f_items(max_price numeric DEFAULT 100) RETURNS SETOF items
    LANGUAGE sql AS 'SELECT * FROM items WHERE price <= max_price';
CREATE FUNCTION f_pair(p pair) RETURNS pair LANGUAGE sql AS 'SELECT p';
CREATE FUNCTION f_arr(xs integer[], ts timestamptz DEFAULT now()) RETURNS integer[]
    LANGUAGE plpgsql AS $$ BEGIN RETURN xs; END $$;
CREATE FUNCTION f_json(json) RETURNS json LANGUAGE plpgsql AS $$ BEGIN RETURN $1; END $$;
CREATE FUNCTION f_void(x integer) RETURNS void LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE FUNCTION f_domain(d posint) RETURNS posint LANGUAGE plpgsql AS $$ BEGIN RETURN d; END $$;
CREATE FUNCTION f_uuid(u uuid DEFAULT gen_random_uuid()) RETURNS uuid
    LANGUAGE plpgsql AS $$ BEGIN RETURN u; END $$;
CREATE FUNCTION f_amb(a integer) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN a; END $$;
CREATE FUNCTION f_amb(a integer, b integer DEFAULT 1) RETURNS integer
    LANGUAGE plpgsql AS $$ BEGIN RETURN a + b; END $$;
CREATE FUNCTION f_setting(x text DEFAULT current_setting('application_name')) RETURNS text
    LANGUAGE plpgsql AS $$ BEGIN RETURN x; END $$;
CREATE FUNCTION f_escape(t text) RETURNS text LANGUAGE sql AS $$ SELECT t || E'\n' $$;

-- left out ------------------------------------------------------------------------------
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE PROCEDURE cleanup(days integer DEFAULT 30) LANGUAGE sql AS 'SELECT days';
