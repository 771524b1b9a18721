"""One differential test per statement form: after the same SQL, the model's tables,
columns, nullability and constraint names equal PostgreSQL's catalog, on the machine's
PostgreSQL (the oldest supported version) and on PostgreSQL 18; then every table accepts
rows through `create()`."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from codegen import pipeline, sqlout
from codegen.dialect import POSTGRES
from codegen.server import Server as PgServer
from tests.corpus import pgshape

pytestmark = pytest.mark.postgres

# form -> table -> the warning that explains why it refuses rows
EXPLAINED: dict[str, dict[str, str]] = {
    "unique_computed": {"t": "UNIQUE t_bucket_key is over computed column bucket"},
    "hash_partitions": {
        "h0": "h0: rows of a partition's factory may be rejected",
        "h1": "h1: rows of a partition's factory may be rejected",
    },
}

FORMS: dict[str, str] = {
    # 1. constraint attributes inline on a column's REFERENCES
    "references_deferrable": """
        CREATE TABLE p (id int PRIMARY KEY);
        CREATE TABLE c (id int PRIMARY KEY,
                        p_id int REFERENCES p DEFERRABLE INITIALLY DEFERRED,
                        q_id int REFERENCES p NOT DEFERRABLE INITIALLY IMMEDIATE,
                        r_id int CONSTRAINT c_r_fk REFERENCES p DEFERRABLE);
    """,
    # 2. DROP ... CASCADE
    "drop_view_cascade": """
        CREATE TABLE t (id int PRIMARY KEY, n int);
        CREATE VIEW v AS SELECT id, n FROM t;
        CREATE MATERIALIZED VIEW mv AS SELECT id FROM v;
        CREATE VIEW vv AS SELECT id FROM mv;
        DROP VIEW v CASCADE;
        CREATE VIEW v AS SELECT id FROM t;
        CREATE MATERIALIZED VIEW mv AS SELECT id FROM v;
        CREATE VIEW vv AS SELECT id FROM mv;
    """,
    "drop_table_cascade": """
        CREATE TABLE a (id int PRIMARY KEY);
        CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a, note text);
        CREATE VIEW av AS SELECT id FROM a;
        DROP TABLE a CASCADE;
        CREATE VIEW av AS SELECT id FROM b;
    """,
    "drop_schema_cascade": """
        CREATE SCHEMA foo;
        CREATE TABLE foo.bar (id int PRIMARY KEY);
        CREATE TABLE keep (id int PRIMARY KEY, bar_id int REFERENCES foo.bar);
        CREATE TYPE foo.mood AS ENUM ('a', 'b');
        DROP SCHEMA foo CASCADE;
        CREATE SCHEMA foo;
        CREATE TABLE foo.bar (id text PRIMARY KEY);
    """,
    # 3. SET SCHEMA, materialized view renames, temporary tables
    "set_schema": """
        CREATE SCHEMA foo;
        CREATE TABLE bar (id int PRIMARY KEY, n int CHECK (n > 0));
        CREATE TABLE ref (id int PRIMARY KEY, bar_id int REFERENCES bar);
        ALTER TABLE bar SET SCHEMA foo;
        CREATE TYPE mood AS ENUM ('x');
        ALTER TYPE mood SET SCHEMA foo;
        CREATE TABLE uses (id int PRIMARY KEY, m foo.mood);
    """,
    "matview_rename": """
        CREATE TABLE t (id int PRIMARY KEY);
        CREATE MATERIALIZED VIEW a AS SELECT id FROM t;
        ALTER MATERIALIZED VIEW a RENAME TO b;
        CREATE VIEW a AS SELECT id FROM b;
        ALTER VIEW a RENAME TO c;
        DROP VIEW c;
        DROP MATERIALIZED VIEW b;
        ALTER TABLE t RENAME TO b;
    """,
    "temporary_tables": """
        CREATE TEMP TABLE scratch (id int);
        CREATE TEMPORARY TABLE IF NOT EXISTS scratch2 (id int);
        CREATE TABLE pg_temp.scratch3 (id int);
        CREATE UNLOGGED TABLE kept (id int PRIMARY KEY);
    """,
    # 4. INHERITS
    "inherits": """
        CREATE TABLE base (id bigserial PRIMARY KEY, created_at timestamptz DEFAULT now() NOT NULL,
                           kind text CHECK (kind <> ''), secret int CHECK (secret > 0) NO INHERIT,
                           UNIQUE (kind));
        CREATE TABLE named (name text NOT NULL) INHERITS (base);
        CREATE TABLE other (id bigint, kind text NOT NULL, extra int) INHERITS (base);
        CREATE TABLE tagged (tag text, name text) INHERITS (named, other);
        CREATE TABLE empty_child () INHERITS (base);
        CREATE INDEX ON empty_child (created_at);
        ALTER TABLE base ADD COLUMN added int DEFAULT 1 NOT NULL;
        ALTER TABLE base ADD CONSTRAINT added_positive CHECK (added > 0);
        ALTER TABLE base RENAME COLUMN kind TO sort;
        ALTER TABLE base ALTER COLUMN created_at DROP NOT NULL;
    """,
    # 5. LIKE
    "like": """
        CREATE TABLE src (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                          email text NOT NULL UNIQUE, n int DEFAULT 3 CHECK (n > 0),
                          doubled int GENERATED ALWAYS AS (n * 2) STORED,
                          CONSTRAINT src_named CHECK (email <> ''));
        CREATE INDEX src_email_idx ON src (lower(email));
        CREATE TABLE plain (LIKE src);
        CREATE TABLE everything (LIKE src INCLUDING ALL, extra text);
        CREATE TABLE partial (x int, LIKE src INCLUDING DEFAULTS INCLUDING CONSTRAINTS
                           INCLUDING IDENTITY EXCLUDING INDEXES);
        CREATE TABLE allbut (LIKE src INCLUDING ALL EXCLUDING CONSTRAINTS EXCLUDING INDEXES);
        CREATE TABLE gen (LIKE src INCLUDING GENERATED INCLUDING INDEXES);
    """,
    # LIKE copying unnamed indexes over columns a keyword names (quoted to be named)
    "like_keyword_columns": """
        CREATE TABLE kw ("user" text UNIQUE, "order" int, "Mixed" int, "a$b" int);
        CREATE UNIQUE INDEX ON kw ("order", "Mixed");
        CREATE INDEX ON kw ("a$b");
        CREATE TABLE kw_copy (LIKE kw INCLUDING INDEXES);
    """,
    # 6. partitions attached to a parent with keys
    "attach_partition": """
        CREATE TABLE payment (id int NOT NULL, paid_at date NOT NULL, amount numeric(6,2)
                              CHECK (amount >= 0), customer int) PARTITION BY RANGE (paid_at);
        CREATE TABLE customer (id int PRIMARY KEY);
        CREATE TABLE payment_p1 (id int NOT NULL, paid_at date NOT NULL,
                                 amount numeric(6,2) CONSTRAINT payment_amount_check
                                 CHECK (amount >= 0), customer int);
        CREATE TABLE payment_p2 (LIKE payment INCLUDING CONSTRAINTS);
        ALTER TABLE ONLY payment ADD CONSTRAINT payment_pkey PRIMARY KEY (id, paid_at);
        ALTER TABLE payment ADD CONSTRAINT payment_customer_fkey
            FOREIGN KEY (customer) REFERENCES customer;
        ALTER TABLE ONLY payment ATTACH PARTITION payment_p1
            FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        ALTER TABLE payment ATTACH PARTITION payment_p2
            FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE TABLE payment_rest PARTITION OF payment DEFAULT;
        ALTER TABLE payment ADD CONSTRAINT payment_amount_cap CHECK (amount < 10000);
        CREATE INDEX payment_customer_idx ON payment (customer);
        CREATE UNIQUE INDEX payment_amount_uq ON payment (amount, paid_at) WHERE amount > 9000;
        CREATE INDEX payment_only_idx ON ONLY payment (paid_at);
        CREATE TABLE payment_p3 PARTITION OF payment
            FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        CREATE TABLE payment_p4 (LIKE payment INCLUDING CONSTRAINTS);
        CREATE INDEX payment_p4_customer ON payment_p4 (customer);
        ALTER TABLE payment ATTACH PARTITION payment_p4
            FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
        DROP INDEX payment_amount_uq;
    """,
    # partitions and identity: shared from PostgreSQL 17 on, the parent's own before
    "partition_identity": """
        CREATE TABLE ev (id bigint GENERATED ALWAYS AS IDENTITY, k int NOT NULL,
                         PRIMARY KEY (id, k)) PARTITION BY RANGE (k);
        CREATE TABLE ev1 PARTITION OF ev FOR VALUES FROM (0) TO (10);
        CREATE TABLE ev2 (id bigint NOT NULL, k int NOT NULL);
        ALTER TABLE ev ATTACH PARTITION ev2 FOR VALUES FROM (10) TO (20);
        CREATE TABLE lg (id int NOT NULL, k int NOT NULL) PARTITION BY LIST (k);
        CREATE TABLE lg1 PARTITION OF lg FOR VALUES IN (1, 2);
        ALTER TABLE lg ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
        CREATE TABLE lg2 PARTITION OF lg FOR VALUES IN (3);
        CREATE TABLE dr (id int GENERATED ALWAYS AS IDENTITY, k int) PARTITION BY LIST (k);
        CREATE TABLE dr1 PARTITION OF dr FOR VALUES IN (1);
        ALTER TABLE dr ALTER COLUMN id DROP IDENTITY;
        CREATE TABLE base (id int GENERATED ALWAYS AS IDENTITY, note text);
        CREATE TABLE heir (extra int) INHERITS (base);
        ALTER TABLE base ALTER COLUMN id SET GENERATED BY DEFAULT, ALTER id RESTART WITH 5;
        CREATE TABLE gone PARTITION OF ev FOR VALUES FROM (20) TO (30);
        ALTER TABLE ev DETACH PARTITION gone;
        ALTER TABLE gone ADD CONSTRAINT gone_k_check CHECK (k >= 20);
    """,
    # CREATE TABLE ... AS: columns and types from the SELECT list and the model
    "table_as": """
        CREATE TYPE mood AS ENUM ('ok', 'meh');
        CREATE TABLE src (id int PRIMARY KEY, name varchar(20) NOT NULL, price numeric(8,2),
                          tags text[], m mood NOT NULL DEFAULT 'ok', at timestamptz);
        CREATE TABLE other (id bigint GENERATED ALWAYS AS IDENTITY, src_id int, note text);
        CREATE TABLE c1 AS SELECT id, name AS label, price::int, 'x' AS lit, 1 AS one, 1.5,
            3000000000 AS big, now(), count(*) OVER () AS cnt, s.tags, true AS yes, NULL AS nothing,
            current_date, m FROM src s;
        CREATE TABLE c2 (a, b) AS SELECT s.*, o.*, 'x'::varchar(3) FROM src s
            JOIN other o ON o.src_id = s.id WITH NO DATA;
        CREATE TABLE IF NOT EXISTS c2 AS SELECT 1;
        CREATE TABLE c3 AS TABLE other;
        ALTER TABLE c3 ADD PRIMARY KEY (id);
        CREATE TABLE c4 AS SELECT o.id AS other_id, s.name FROM other o, src AS s
            WHERE o.src_id = s.id WITH DATA;
    """,
    # ALTER INDEX / SCHEMA RENAME, view column renames, [NO] INHERIT
    "more_renames": """
        CREATE SCHEMA app;
        CREATE TYPE app.mood AS ENUM ('ok');
        CREATE TABLE app.t (id int PRIMARY KEY, a int, b int, m app.mood);
        CREATE UNIQUE INDEX t_a ON app.t (a);
        CREATE INDEX t_b ON app.t (b);
        ALTER INDEX app.t_a RENAME TO t_a_key2;
        ALTER INDEX app.t_b RENAME TO t_b2;
        ALTER INDEX app.t_pkey RENAME TO t_pk;
        DROP INDEX app.t_b2;
        CREATE VIEW app.v AS SELECT id, a FROM app.t;
        CREATE MATERIALIZED VIEW app.mv AS SELECT id FROM app.t;
        ALTER VIEW app.v RENAME COLUMN a TO alpha;
        ALTER MATERIALIZED VIEW app.mv RENAME COLUMN id TO ident;
        ALTER TABLE app.v RENAME COLUMN alpha TO a2;
        ALTER SCHEMA app RENAME TO core;
        CREATE TABLE uses (id int PRIMARY KEY, t_id int REFERENCES core.t, m core.mood);
        DROP INDEX core.t_a_key2;
        ALTER TABLE core.t RENAME CONSTRAINT t_pk TO t_pk3;
        CREATE TABLE base (id int NOT NULL, note text CHECK (note <> ''));
        CREATE TABLE kid (id int NOT NULL, note text CONSTRAINT base_note_check
                          CHECK (note <> ''), extra int);
        ALTER TABLE kid INHERIT base;
        ALTER TABLE base ADD COLUMN added int;
        ALTER TABLE kid NO INHERIT base;
        ALTER TABLE base ADD COLUMN later int;
    """,
    # ALTER TYPE on a composite's attributes
    "composite_attributes": """
        CREATE TYPE pt AS (x int, y int);
        ALTER TYPE pt ADD ATTRIBUTE z text, DROP ATTRIBUTE y;
        ALTER TYPE pt RENAME ATTRIBUTE x TO xx;
        ALTER TYPE pt ALTER ATTRIBUTE xx TYPE bigint;
        ALTER TYPE pt ADD ATTRIBUTE w numeric(4,1), DROP ATTRIBUTE IF EXISTS nope;
        CREATE TABLE shapes (id int PRIMARY KEY, at pt NOT NULL, path pt[]);
        ALTER TYPE pt ADD ATTRIBUTE label varchar(8) CASCADE;
        ALTER TYPE pt RENAME ATTRIBUTE z TO zz CASCADE;
    """,
    # types: CREATE, ALTER (values, RENAME, SET SCHEMA), DROP ... CASCADE
    "types": """
        CREATE SCHEMA lib;
        CREATE TYPE mood AS ENUM ('sad', 'ok');
        ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok';
        ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';
        CREATE DOMAIN score AS int CHECK (VALUE BETWEEN 0 AND 10);
        CREATE TYPE pair AS (a int, b text);
        CREATE TABLE t (id int PRIMARY KEY, m mood NOT NULL, s score, p pair, old mood[]);
        ALTER TYPE mood RENAME TO feeling;
        ALTER DOMAIN score RENAME TO rating;
        ALTER TYPE pair SET SCHEMA lib;
        CREATE TYPE legacy AS ENUM ('x');
        CREATE TABLE u (id int PRIMARY KEY, l legacy, keep text);
        DROP TYPE legacy CASCADE;
        CREATE TABLE v (id int PRIMARY KEY, f feeling DEFAULT 'fine', r rating, q lib.pair);
    """,
    # hash partitions: rows through the parent (a partition's own factory is announced)
    "hash_partitions": """
        CREATE TABLE h (id int PRIMARY KEY, v text) PARTITION BY HASH (id);
        CREATE TABLE h0 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 0);
        CREATE TABLE h1 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 1);
        CREATE TABLE l (id int, region text NOT NULL, PRIMARY KEY (id, region))
            PARTITION BY LIST (region);
        CREATE TABLE l_eu PARTITION OF l FOR VALUES IN ('eu', 'uk');
        CREATE TABLE l_us PARTITION OF l FOR VALUES IN ('us') PARTITION BY RANGE (id);
        CREATE TABLE l_us_low PARTITION OF l_us FOR VALUES FROM (MINVALUE) TO (1000000);
        CREATE TABLE l_us_high PARTITION OF l_us FOR VALUES FROM (1000000) TO (MAXVALUE);
    """,
    # 7. DROP DEFAULT on a serial
    "serial_drop_default": """
        CREATE TABLE h (id serial PRIMARY KEY, user_id bigserial);
        ALTER TABLE h ALTER COLUMN user_id DROP DEFAULT;
    """,
    # 12. UNIQUE over computed values: a generated column, an expression index
    "unique_computed": """
        CREATE TABLE t (id int PRIMARY KEY, x int NOT NULL, name text NOT NULL,
                        email text NOT NULL,
                        bucket int GENERATED ALWAYS AS (x % 10) STORED UNIQUE);
        CREATE UNIQUE INDEX t_prefix ON t (substr(name, 1, 2));
        CREATE UNIQUE INDEX t_email_lower ON t (lower(email));
    """,
    # 11. CREATE inside guard-only DO blocks
    "guarded_do": """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN
                CREATE TYPE mood AS ENUM ('happy', 'sad');
            END IF;
        END $$;
        DO $$
        BEGIN
            CREATE TYPE status AS ENUM ('on', 'off');
        EXCEPTION
            WHEN duplicate_object THEN null;
        END $$;
        DO $$ BEGIN
          IF NOT EXISTS (SELECT FROM pg_tables WHERE tablename = 'feel') THEN
            CREATE TABLE feel (id int PRIMARY KEY, m mood NOT NULL, s status);
            ALTER TABLE feel ADD COLUMN note text;
          END IF;
        END $$;
        DO $$ BEGIN RAISE NOTICE 'hello'; END $$;
    """,
}


def _write(tmp_path: Path, sql: str) -> Path:
    path = tmp_path / "schema.sql"
    path.write_text(textwrap.dedent(sql), encoding="utf-8")
    return path


@pytest.mark.parametrize("form", sorted(FORMS))
def test_model_equals_catalog(
    form: str, any_pg_server: PgServer, tmp_path: Path,
    make_package: Callable[..., ModuleType],
) -> None:  # fmt: skip
    path = _write(tmp_path, FORMS[form])
    version = any_pg_server.version() // 10000  # the model follows the server's version
    built = pipeline.load([str(path)], POSTGRES.at_version(version))
    unsupported = [w.message for w in built.warnings if "not supported" in w.message]
    assert not unsupported
    with any_pg_server.database() as conn:
        conn.execute(path.read_text(encoding="utf-8"))  # type: ignore[call-overload]
        problems = pgshape.differences(pgshape.from_model(built.schema),
                                       pgshape.from_catalog(conn))  # fmt: skip
        assert not problems, "\n".join(problems)
        pkg = make_package(paths=[path], seed=3, postgres_version=version)
        pkg.bind(conn)
        try:
            messages = [w.message for w in pkg.WARNINGS]
            for key, factory in pkg.FACTORIES.items():
                reason = EXPLAINED.get(form, {}).get(key)
                if reason is not None:
                    assert any(reason in m for m in messages), (reason, messages)
                    continue
                assert len(factory.create_batch(20)) == 20, key
        finally:
            pkg.bind(None)


_TYPES = """
    SELECT n.nspname || '.' || c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'c') AND a.attnum > 0 AND NOT a.attisdropped
      AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
    ORDER BY 1, a.attnum
"""


@pytest.mark.parametrize("form", ["table_as", "composite_attributes", "types", "like"])
def test_types_equal_the_catalogs(form: str, any_pg_server: PgServer, tmp_path: Path) -> None:
    """The model written back as DDL (`inspect --format sql`) gives every table column and
    composite attribute the type the SQL as written gives it."""
    path = _write(tmp_path, FORMS[form])
    version = any_pg_server.version() // 10000
    built = pipeline.load([str(path)], POSTGRES.at_version(version))
    with any_pg_server.database() as written, any_pg_server.database() as modelled:
        written.execute(path.read_text(encoding="utf-8"))  # type: ignore[call-overload]
        modelled.execute(sqlout.to_sql(built.schema))  # type: ignore[call-overload]
        assert modelled.execute(_TYPES).fetchall() == written.execute(_TYPES).fetchall()


def test_every_form_survives_the_statement_cache(tmp_path: Path) -> None:
    """The new statements (LIKE, SET SCHEMA, DROP ... CASCADE, temporary tables, notes)
    encode into the statement cache and decode to equal statements."""
    from codegen.parse import cache, postgres
    from codegen.sources import SourceFile

    text = textwrap.dedent("\n".join(FORMS.values()))
    first = cache.StatementCache("postgres")
    read = postgres.read(SourceFile("forms.sql", text, ""), first)
    warm = cache.StatementCache.from_json("postgres", first.to_json())
    assert postgres.read(SourceFile("forms.sql", text, ""), warm) == read
    assert warm.misses == 0
