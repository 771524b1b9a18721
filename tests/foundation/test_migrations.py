"""Migrations are applied in order, as the database would (codegen/catalog.py).

A migrations folder and its flattened schema give the same model; real migration folders
mix in DML, DO blocks, transactions and every kind of ALTER, and reference tables no input
defines. Each test is one small schema and the part of the model it changes, inline.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen import pipeline
from codegen.errors import SchemagenError
from codegen.model import Generated, Schema, Table
from tests.foundation.foundation_helpers import strip_locations

ROOT = Path(__file__).resolve().parents[2]

# lists whose order is the order statements happened to declare things, not meaning
UNORDERED = ("foreign_keys", "unique", "unique_rules", "checks", "check_rules", "indexes")


def comparable(schema: Schema) -> dict:
    data = strip_locations(schema.to_json())
    del data["skipped"]
    for table in data["tables"]:
        for key in UNORDERED:
            table[key] = sorted(table[key], key=repr)
    return data


def columns(table: Table | None) -> list[str]:
    """One line per column: `name type [NOT NULL] [DEFAULT x]`, like a \\d listing."""
    assert table is not None
    out = []
    for c in table.columns:
        parts = [c.name, c.type.sql]
        if not c.nullable:
            parts.append("NOT NULL")
        if c.default is not None:
            parts.append(f"DEFAULT {c.default}")
        out.append(" ".join(parts))
    return out


def constraint_names(table: Table | None) -> list[str]:
    assert table is not None
    pk = [table.primary_key.name] if table.primary_key else []
    return [
        *pk,
        *(u.name or "" for u in table.uniques),
        *(fk.name or "" for fk in table.foreign_keys),
        *(c.name or "" for c in table.checks),
    ]


# ----------------------------------------------------------- folder == flattened schema


def test_migrations_folder_and_flattened_schema_give_the_same_model() -> None:
    flat = pipeline.load(["sample_schemas/ecommerce/schema.sql"], cwd=str(ROOT)).schema
    migrated = pipeline.load(["sample_schemas/ecommerce_migrations"], cwd=str(ROOT)).schema
    assert comparable(migrated) == comparable(flat)


def test_migrations_folder_model_knows_where_each_part_came_from() -> None:
    schema = pipeline.load(["sample_schemas/ecommerce_migrations"], cwd=str(ROOT)).schema
    customers = schema.table("customers")
    assert customers is not None
    column = customers.column("membership")
    assert column is not None
    assert str(column.location) == "sample_schemas/ecommerce_migrations/0005_analytics.sql:4"
    assert str(customers.location) == "sample_schemas/ecommerce_migrations/0001_init.sql:11"


# ------------------------------------------------------------------ statements skipped


def test_dml_do_blocks_and_transactions_are_skipped_and_listed(load) -> None:
    schema = load("""
        BEGIN;
        CREATE TABLE t (id int PRIMARY KEY, flag boolean);
        INSERT INTO t VALUES (1, true);
        UPDATE t SET flag = false WHERE id = 1;
        DELETE FROM t WHERE id = 2;
        DO $$
        BEGIN
            RAISE NOTICE 'hello';
        END
        $$;
        COMMIT;
    """).schema
    assert [(str(s.location), s.reason, s.sql) for s in schema.skipped] == [
        ("schema.sql:1", "transaction control", "BEGIN"),
        ("schema.sql:3", "DML", "INSERT INTO t VALUES (1, true)"),
        ("schema.sql:4", "DML", "UPDATE t SET flag = false WHERE id = 1"),
        ("schema.sql:5", "DML", "DELETE FROM t WHERE id = 2"),
        ("schema.sql:6", "DO block", "DO $$ BEGIN RAISE NOTICE 'hello'; END $$"),
        ("schema.sql:11", "transaction control", "COMMIT"),
    ]
    assert [t.name for t in schema.tables] == ["t"]


def test_settings_grants_and_owners_are_skipped_and_listed(load) -> None:
    schema = load("""
        SET search_path = public;
        SELECT pg_catalog.set_config('search_path', '', false);
        CREATE TABLE t (id int);
        ALTER TABLE t OWNER TO app;
        GRANT SELECT ON t TO reader;
        REVOKE ALL ON t FROM PUBLIC;
        ALTER TABLE t ENABLE ROW LEVEL SECURITY;
        CREATE POLICY own_rows ON t USING (true);
    """).schema
    assert [(s.location.line, s.reason) for s in schema.skipped] == [
        (1, "SET"),
        (2, "query (DML)"),
        (4, "ALTER TABLE ChangeOwner"),
        (5, "GRANT/REVOKE"),
        (6, "GRANT/REVOKE"),
        (7, "ALTER TABLE EnableRowSecurity"),
        (8, "row level security policy"),
    ]


def test_psql_meta_commands_are_ignored(load) -> None:
    schema = load("""
        \\connect shop
        CREATE TABLE t (id int);
        \\unrestrict abc
    """).schema
    assert [t.name for t in schema.tables] == ["t"]
    assert str(schema.tables[0].location) == "schema.sql:2"


# ------------------------------------------------------------------------ ALTER TABLE


def test_several_columns_added_in_one_statement(load) -> None:
    schema = load("""
        CREATE TABLE t (id int);
        ALTER TABLE t ADD COLUMN a int NOT NULL DEFAULT 0, ADD COLUMN b text, ADD c date;
    """).schema
    assert columns(schema.table("t")) == ["id integer", "a integer NOT NULL DEFAULT 0",
                                          "b text", "c date"]  # fmt: skip


def test_add_column_if_not_exists_keeps_the_existing_column(load) -> None:
    schema = load("""
        CREATE TABLE t (id int, a text);
        ALTER TABLE t ADD COLUMN IF NOT EXISTS a int;
    """).schema
    assert columns(schema.table("t")) == ["id integer", "a text"]


def test_add_column_with_inline_constraints(load) -> None:
    schema = load("""
        CREATE TABLE p (id int PRIMARY KEY);
        CREATE TABLE t (id int);
        ALTER TABLE t ADD COLUMN p_id int REFERENCES p ON DELETE CASCADE,
                      ADD COLUMN code text UNIQUE CHECK (code <> '');
    """).schema
    assert constraint_names(schema.table("t")) == ["t_code_key", "t_p_id_fkey", "t_code_check"]


def test_drop_column(load) -> None:
    schema = load("""
        CREATE TABLE t (id int, a int, b int);
        ALTER TABLE t DROP COLUMN a, DROP COLUMN IF EXISTS nope;
    """).schema
    assert columns(schema.table("t")) == ["id integer", "b integer"]


def test_drop_column_drops_the_constraints_and_indexes_on_it(load) -> None:
    schema = load("""
        CREATE TABLE t (id int PRIMARY KEY, a int UNIQUE CHECK (a > 0), b int,
                        CHECK (a < b));
        CREATE INDEX t_a_idx ON t (a);
        CREATE INDEX t_lower_a_idx ON t ((a + 1));
        ALTER TABLE t DROP COLUMN a;
        CREATE INDEX t_a_idx ON t (b);
    """).schema
    t = schema.table("t")
    assert constraint_names(t) == ["t_pkey"]
    assert t is not None and [i.name for i in t.indexes] == ["t_a_idx"]


def test_drop_column_drops_generated_columns_computed_from_it(load) -> None:
    schema = load("""
        CREATE TABLE t (a int, b int, doubled int GENERATED ALWAYS AS (a * 2) STORED);
        ALTER TABLE t DROP COLUMN a CASCADE;
    """).schema
    assert columns(schema.table("t")) == ["b integer"]


def test_rename_column_follows_into_constraints_and_referencing_keys(load) -> None:
    schema = load("""
        CREATE TABLE p (id int PRIMARY KEY);
        CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id));
        ALTER TABLE p RENAME COLUMN id TO p_key;
        ALTER TABLE c RENAME p_id TO parent;
    """).schema
    (fk,) = schema.tables[1].foreign_keys
    assert (fk.name, fk.columns, fk.ref_table, fk.ref_columns) == (
        "c_p_id_fkey",
        ("parent",),
        "p",
        ("p_key",),
    )
    assert schema.tables[0].primary_key is not None
    assert schema.tables[0].primary_key.columns == ("p_key",)


def test_rename_column_of_a_self_referencing_table(load) -> None:
    schema = load("""
        CREATE TABLE people (id int PRIMARY KEY, parent_id int REFERENCES people);
        ALTER TABLE people RENAME COLUMN id TO person_id;
    """).schema
    (fk,) = schema.tables[0].foreign_keys
    assert (fk.columns, fk.ref_columns) == (("parent_id",), ("person_id",))


def test_rename_column_rewrites_the_expressions_that_read_it(load) -> None:
    schema = load("""
        CREATE TABLE t (
            price numeric CHECK (price > 0),
            qty int,
            total numeric GENERATED ALWAYS AS (price * qty) STORED
        );
        CREATE INDEX t_round_idx ON t (round(price), qty DESC) WHERE price > 10;
        CREATE UNIQUE INDEX t_key ON t ((price::int)) WHERE qty > 0;
        ALTER TABLE t RENAME COLUMN price TO unit_price;
    """).schema
    (t,) = schema.tables
    assert [c.sql for c in t.checks] == ["unit_price > 0"]
    assert [(c.name, c.generated.sql) for c in t.columns if c.generated] == [
        ("total", "unit_price * qty")
    ]
    assert [(i.expressions, i.where) for i in t.indexes] == [
        (("(round(unit_price))", "qty DESC"), "unit_price > 10")
    ]
    assert [(u.expressions, u.where) for u in t.uniques] == [
        (("(CAST(unit_price AS integer))",), "qty > 0")
    ]


def test_rename_column_in_sqlite_rewrites_expressions_too(load) -> None:
    schema = load(
        """
        CREATE TABLE t (price REAL CHECK (price > 0), total REAL AS (price * 2));
        ALTER TABLE t RENAME COLUMN price TO unit_price;
        """,
        dialect="sqlite",
    ).schema
    (t,) = schema.tables
    assert ([c.sql for c in t.checks], t.columns[1].generated) == (
        ["unit_price > 0"],
        Generated("unit_price * 2", stored=False),
    )


def test_rename_table_retargets_foreign_keys_and_keeps_constraint_names(load) -> None:
    schema = load("""
        CREATE TABLE client (id int PRIMARY KEY);
        CREATE TABLE orders (id int, client_id int REFERENCES client);
        ALTER TABLE client RENAME TO customers;
    """).schema
    assert [t.name for t in schema.tables] == ["orders", "customers"]
    (fk,) = schema.tables[0].foreign_keys
    assert (fk.ref_table, fk.ref_columns) == ("customers", ("id",))
    assert schema.tables[1].primary_key is not None
    assert schema.tables[1].primary_key.name == "client_pkey"  # PostgreSQL keeps the name


def test_rename_table_in_another_schema(load) -> None:
    schema = load("""
        CREATE TABLE app.a (id int);
        ALTER TABLE app.a RENAME TO b;
    """).schema
    assert [t.key for t in schema.tables] == ["app.b"]


def test_index_of_a_renamed_table_can_be_dropped(load) -> None:
    schema = load("""
        CREATE TABLE a (x int);
        CREATE INDEX a_x_idx ON a (x);
        ALTER TABLE a RENAME TO b;
        DROP INDEX a_x_idx;
    """).schema
    assert schema.tables[0].indexes == ()


def test_alter_column_type(load) -> None:
    schema = load("""
        CREATE TABLE t (a varchar(20), b int, c json);
        ALTER TABLE t ALTER COLUMN a TYPE varchar(120),
                      ALTER b SET DATA TYPE bigint,
                      ALTER COLUMN c TYPE jsonb USING c::jsonb;
    """).schema
    assert columns(schema.table("t")) == ["a varchar(120)", "b bigint", "c jsonb"]


def test_set_and_drop_not_null(load) -> None:
    schema = load("""
        CREATE TABLE t (a int NOT NULL, b int);
        ALTER TABLE t ALTER COLUMN a DROP NOT NULL, ALTER COLUMN b SET NOT NULL;
    """).schema
    assert columns(schema.table("t")) == ["a integer", "b integer NOT NULL"]


def test_set_and_drop_default(load) -> None:
    schema = load("""
        CREATE TABLE t (a int DEFAULT 1, b text);
        ALTER TABLE t ALTER COLUMN a DROP DEFAULT, ALTER COLUMN b SET DEFAULT 'x';
    """).schema
    assert columns(schema.table("t")) == ["a integer", "b text DEFAULT 'x'"]


def test_unnamed_constraints_get_postgresql_names(load) -> None:
    schema = load("""
        CREATE TABLE customers (id int PRIMARY KEY, email text UNIQUE);
        CREATE TABLE orders (
            id int PRIMARY KEY,
            customer_id int REFERENCES customers,
            price numeric CHECK (price >= 0),
            a int, b int,
            CHECK (a < b),
            UNIQUE (a, b),
            FOREIGN KEY (a) REFERENCES customers (id)
        );
    """).schema
    assert constraint_names(schema.table("customers")) == ["customers_pkey", "customers_email_key"]
    assert constraint_names(schema.table("orders")) == [
        "orders_pkey",
        "orders_a_b_key",
        "orders_customer_id_fkey",
        "orders_a_fkey",
        "orders_price_check",
        "orders_check",
    ]


def test_constraints_dropped_by_their_generated_names(load) -> None:
    schema = load("""
        CREATE TABLE customers (id int PRIMARY KEY, email text UNIQUE);
        CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers,
                             price numeric CHECK (price >= 0), a int, b int, CHECK (a < b));
        ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;
        ALTER TABLE orders DROP CONSTRAINT orders_price_check, DROP CONSTRAINT orders_check;
        ALTER TABLE orders DROP CONSTRAINT orders_pkey;
        ALTER TABLE customers DROP CONSTRAINT customers_email_key;
        ALTER TABLE customers DROP CONSTRAINT IF EXISTS customers_nope;
    """).schema
    assert constraint_names(schema.table("orders")) == []
    assert constraint_names(schema.table("customers")) == ["customers_pkey"]


def test_constraint_dropped_and_added_again_as_pg_dump_writes_it(load) -> None:
    schema = load("""
        CREATE TABLE customers (id int PRIMARY KEY);
        CREATE TABLE orders (id int, customer_id int REFERENCES customers (id));
        ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;
        ALTER TABLE ONLY public.orders
            ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id)
            REFERENCES public.customers(id) ON DELETE CASCADE;
    """).schema
    (fk,) = schema.tables[1].foreign_keys
    assert (fk.name, fk.on_delete, str(fk.location)) == ("orders_customer_id_fkey", "CASCADE",
                                                         "schema.sql:5")  # fmt: skip


def test_dropping_a_constraint_that_does_not_exist_is_an_error(load) -> None:
    with pytest.raises(SchemagenError, match=r'schema.sql:2:1: constraint "t_a_fkey" of relation'):
        load("""
            CREATE TABLE t (a int);
            ALTER TABLE t DROP CONSTRAINT t_a_fkey;
        """)


def test_add_primary_key_makes_its_columns_not_null(load) -> None:
    schema = load("""
        CREATE TABLE t (a int, b int);
        ALTER TABLE t ADD PRIMARY KEY (a, b);
    """).schema
    assert columns(schema.table("t")) == ["a integer NOT NULL", "b integer NOT NULL"]
    assert constraint_names(schema.table("t")) == ["t_pkey"]


def test_alter_table_if_exists_on_a_missing_table_does_nothing(load) -> None:
    schema = load("ALTER TABLE IF EXISTS nope ADD COLUMN a int;").schema
    assert schema.tables == ()


def test_create_table_if_not_exists_keeps_the_first_definition(load) -> None:
    schema = load("""
        CREATE TABLE t (a int);
        CREATE TABLE IF NOT EXISTS t (b text);
    """).schema
    assert columns(schema.table("t")) == ["a integer"]


UNNAMED_INDEXES = """
    CREATE TABLE t (id int PRIMARY KEY, a int, b text, c numeric, d jsonb, e int UNIQUE);
    CREATE TABLE t_a_idx (x int);
    CREATE INDEX ON t (a);
    CREATE INDEX ON t (a) WHERE a > 0;
    CREATE INDEX ON t (a, a) INCLUDE (b);
    CREATE UNIQUE INDEX ON t (lower(b));
    CREATE INDEX ON t ((a + 1), (c::int), (b::text), (CASE WHEN a > 0 THEN 1 END), ((a + 1)::text));
    CREATE INDEX ON t (coalesce(a, 0), greatest(a, 1), nullif(a, 0), (d->>'k'), b COLLATE "C");
    CREATE INDEX ON t USING gin (d);
    CREATE INDEX ON t (e);
"""


def test_unnamed_indexes_get_the_names_postgresql_gives_them(pg, load) -> None:
    pg.execute(UNNAMED_INDEXES)
    expected = sorted(
        name
        for (name,) in pg.execute(
            "SELECT indexrelid::regclass::text FROM pg_index"
            " WHERE indrelid = 't'::regclass AND NOT indisprimary"
        )
    )
    t = load(UNNAMED_INDEXES).schema.table("t")
    assert t is not None
    assert sorted(i.name or "" for i in (*t.uniques, *t.indexes)) == expected


def test_unnamed_index_dropped_by_its_generated_name(load) -> None:
    schema = load("""
        CREATE TABLE t (a int, b text);
        CREATE INDEX ON t (a);
        CREATE UNIQUE INDEX ON t (lower(b));
        DROP INDEX t_a_idx;
        DROP INDEX public.t_lower_idx;
    """).schema
    assert (schema.tables[0].indexes, schema.tables[0].uniques) == ((), ())


def test_create_index_if_not_exists(load) -> None:
    schema = load("""
        CREATE TABLE t (a int, b int);
        CREATE INDEX IF NOT EXISTS t_idx ON t (a);
        CREATE INDEX IF NOT EXISTS t_idx ON t (b);
    """).schema
    assert [(i.name, i.columns) for i in schema.tables[0].indexes] == [("t_idx", ("a",))]


# ---------------------------------------------------------------------------- types


def test_enum_values_added_before_after_and_at_the_end(load) -> None:
    schema = load("""
        CREATE TYPE status AS ENUM ('new', 'paid', 'done');
        ALTER TYPE status ADD VALUE 'cancelled';
        ALTER TYPE status ADD VALUE 'draft' BEFORE 'new';
        ALTER TYPE status ADD VALUE 'shipped' AFTER 'paid';
        ALTER TYPE status ADD VALUE IF NOT EXISTS 'paid';
    """).schema
    assert schema.enums[0].labels == ("draft", "new", "paid", "shipped", "done", "cancelled")


def test_enum_value_renamed(load) -> None:
    schema = load("""
        CREATE TYPE status AS ENUM ('new', 'payed');
        ALTER TYPE status RENAME VALUE 'payed' TO 'paid';
    """).schema
    assert schema.enums[0].labels == ("new", "paid")


def test_adding_an_existing_enum_value_is_an_error(load) -> None:
    with pytest.raises(SchemagenError, match=r'schema.sql:2:1: enum label "a" already exists'):
        load("""
            CREATE TYPE e AS ENUM ('a');
            ALTER TYPE e ADD VALUE 'a';
        """)


def test_columns_of_an_enum_type_know_it(load) -> None:
    schema = load("""
        CREATE TYPE shop.status AS ENUM ('new');
        CREATE TABLE t (s shop.status, ss shop.status[]);
    """).schema
    s, ss = schema.tables[0].columns
    assert (s.type.category, s.type.name) == ("enum", "shop.status")
    assert ss.type.element is not None
    assert (ss.type.category, ss.type.element.category) == ("array", "enum")


# ---------------------------------------------------------------------------- drops


def test_drop_table_type_function_view(load) -> None:
    schema = load("""
        CREATE TYPE e AS ENUM ('a');
        CREATE DOMAIN d AS int CHECK (VALUE > 0);
        CREATE TABLE t (a int);
        CREATE TABLE kept (a int);
        CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;
        CREATE VIEW v AS SELECT a FROM t;
        DROP VIEW v;
        DROP FUNCTION f(int);
        DROP TABLE t;
        DROP TYPE e;
        DROP DOMAIN d;
        DROP TABLE IF EXISTS never_existed;
        DROP TYPE IF EXISTS never_existed;
        DROP FUNCTION IF EXISTS never_existed;
        DROP VIEW IF EXISTS never_existed;
    """).schema
    assert [t.name for t in schema.tables] == ["kept"]
    assert (schema.enums, schema.domains, schema.functions, schema.views) == ((), (), (), ())


def test_dropping_something_that_does_not_exist_is_an_error(load) -> None:
    with pytest.raises(SchemagenError, match=r'schema.sql:1:1: table "nope" does not exist'):
        load("DROP TABLE nope;")


def test_table_dropped_and_created_again_with_the_same_index_name(load) -> None:
    schema = load("""
        CREATE TABLE t (a int);
        CREATE INDEX t_a_idx ON t (a);
        DROP TABLE t;
        CREATE TABLE t (a int, b int);
        CREATE INDEX t_a_idx ON t (b);
    """).schema
    assert [(i.name, i.columns) for i in schema.tables[0].indexes] == [("t_a_idx", ("b",))]


def test_create_or_replace_function_replaces_it(load) -> None:
    schema = load("""
        CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;
        CREATE OR REPLACE FUNCTION f(x int) RETURNS int LANGUAGE sql IMMUTABLE
            AS $$ SELECT x + 1 $$;
    """).schema
    (f,) = schema.functions
    assert (f.body, f.volatility, f.location.line) == (" SELECT x + 1 ", "IMMUTABLE", 2)


def test_functions_with_the_same_name_and_other_arguments_are_overloads(load) -> None:
    schema = load("""
        CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;
        CREATE FUNCTION f(x text) RETURNS text LANGUAGE sql AS $$ SELECT x $$;
    """).schema
    assert [f.signature for f in schema.functions] == ["f(x integer)", "f(x text)"]


def test_creating_a_function_twice_without_or_replace_is_an_error(load) -> None:
    with pytest.raises(SchemagenError, match=r"schema.sql:2:1: function f\(x integer\) already"):
        load("""
            CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;
            CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;
        """)


def test_create_or_replace_view(load) -> None:
    schema = load("""
        CREATE TABLE t (a int, b int);
        CREATE VIEW v AS SELECT a FROM t;
        CREATE OR REPLACE VIEW v AS SELECT a, b FROM t;
    """).schema
    assert [(v.name, v.columns) for v in schema.views] == [("v", ("a", "b"))]


# ---------------------------------------------------------------------- foreign keys


def test_references_without_columns_means_the_primary_key(load) -> None:
    schema = load("""
        CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));
        CREATE TABLE c (x int, y int, FOREIGN KEY (x, y) REFERENCES p);
    """)
    (fk,) = schema.schema.table("c").foreign_keys  # type: ignore[union-attr]
    assert (fk.ref_table, fk.ref_columns, fk.external) == ("p", ("a", "b"), False)


def test_foreign_key_column_count_must_match(load) -> None:
    with pytest.raises(SchemagenError, match=r"has 1 column\(s\) but references 2 column"):
        load("""
            CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));
            CREATE TABLE d (p_a int REFERENCES p);
        """)


def test_reference_to_an_undefined_table_is_kept_external_with_one_warning(load) -> None:
    built = load("""
        CREATE TABLE orders (
            id int PRIMARY KEY,
            tenant_id uuid REFERENCES tenants (id),
            other_tenant uuid REFERENCES tenants (id)
        );
        CREATE TABLE invoices (tenant_id uuid REFERENCES tenants);
    """)
    assert [str(w).splitlines()[0] for w in built.warnings] == [
        'schema.sql:3:20: table "tenants" is referenced but not defined by any input; kept as'
        " an external table (declare it with --external FILE or [tool.schemagen] external)"
    ]
    fks = [fk for t in built.schema.tables for fk in t.foreign_keys]
    assert [(fk.columns, fk.ref_table, fk.ref_columns, fk.external) for fk in fks] == [
        (("tenant_id",), "tenants", ("id",), True),
        (("other_tenant",), "tenants", ("id",), True),
        (("tenant_id",), "tenants", (), True),
    ]
    assert built.schema.external_tables == ("tenants",)
    assert [t.name for t in built.schema.tables] == ["orders", "invoices"]


def test_supabase_auth_users_is_known_out_of_the_box(load) -> None:
    built = load("""
        CREATE TABLE profiles (
            id uuid PRIMARY KEY REFERENCES auth.users ON DELETE CASCADE,
            username text
        );
    """)
    assert built.warnings == []
    (fk,) = built.schema.tables[0].foreign_keys
    assert (fk.ref_table, fk.ref_columns, fk.on_delete, fk.external) == (
        "auth.users",
        ("id",),
        "CASCADE",
        True,
    )
    assert built.schema.external_tables == ("auth.users",)
    users = built.schema.table("auth.users")
    assert users is not None and users.column("email") is not None


def test_external_stub_file_declares_a_table(load) -> None:
    built = load(
        """
        CREATE TABLE orders (id int, tenant_id uuid REFERENCES billing.tenants);
        """,
        external={"stub.sql": "CREATE TABLE billing.tenants (id uuid PRIMARY KEY, name text);"},
    )
    assert built.warnings == []
    (fk,) = built.schema.tables[0].foreign_keys
    assert (fk.ref_table, fk.ref_columns, fk.external) == ("billing.tenants", ("id",), True)
    tenants = built.schema.table("billing.tenants")
    assert tenants is not None and [c.name for c in tenants.columns] == ["id", "name"]


def test_a_table_an_input_defines_is_not_external_even_if_a_stub_declares_it(load) -> None:
    built = load(
        "CREATE TABLE t (id int PRIMARY KEY); CREATE TABLE c (t_id int REFERENCES t);",
        external={"stub.sql": "CREATE TABLE t (id int PRIMARY KEY, extra int);"},
    )
    assert built.schema.external_tables == ()
    assert [c.name for c in built.schema.tables[0].columns] == ["id"]
    assert built.schema.tables[1].foreign_keys[0].external is False
