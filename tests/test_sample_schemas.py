"""The sample schemas themselves are valid: each loads into its real database (or parses in
sqlglot's dialect, for MySQL), and the migration folder reaches exactly the same catalog as
the single-file schema. These test the inputs, not schemagen."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
import sqlglot

from tests.pgcatalog import diff, snapshot
from tests.pgserver import PgServer

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_schemas"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ECOMMERCE = SAMPLES / "ecommerce" / "schema.sql"
RENTAL = SAMPLES / "rental" / "schema.sql"
MIGRATIONS = sorted((SAMPLES / "ecommerce_migrations").glob("*.sql"))
PG_DUMPS = sorted(FIXTURES.glob("*pg_dump*.sql"))


def load(server: PgServer, *files: Path) -> str:
    """A fresh database with `files` executed in order by psql; returns its name."""
    name = server.create_database()
    for path in files:
        server.load_file(name, path)
    return name


def test_migrations_are_numbered_and_ordered() -> None:
    assert 5 <= len(MIGRATIONS) <= 7
    numbers = [int(path.name.split("_", 1)[0]) for path in MIGRATIONS]
    assert numbers == list(range(1, len(MIGRATIONS) + 1))


def test_ecommerce_schema_loads(pg_server: PgServer) -> None:
    name = load(pg_server, ECOMMERCE)
    try:
        with pg_server.connect(name) as conn:
            tables = {
                row[0]
                for row in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).fetchall()
            }
    finally:
        pg_server.drop_database(name)
    assert {"customers", "products", "orders", "analytics", "customer_metrics",
            "sales_tracking", "product_ratings", "customer_profiles",
            "pricing_tiers"} <= tables  # fmt: skip


def test_migrations_reach_the_same_catalog_as_the_schema(pg_server: PgServer) -> None:
    single, migrated = load(pg_server, ECOMMERCE), load(pg_server, *MIGRATIONS)
    try:
        with pg_server.connect(single) as a, pg_server.connect(migrated) as b:
            left, right = snapshot(a), snapshot(b)
    finally:
        pg_server.drop_database(single)
        pg_server.drop_database(migrated)
    assert left["columns"], "snapshot saw no tables"
    problems = diff(left, right)
    assert not problems, "schema.sql and the migrations differ:\n" + "\n".join(problems)


def test_ecommerce_computed_columns_behave_as_documented(pg: psycopg.Connection) -> None:
    pg.execute(ECOMMERCE.read_text())
    customer = pg.execute(
        "INSERT INTO customers (email) VALUES ('Ada@Example.COM') RETURNING id, email_domain"
    ).fetchone()
    assert customer is not None and customer[1] == "example.com"
    product = pg.execute(
        "INSERT INTO products (sku, name, price, rating, reviews_count)"
        " VALUES ('SKU-1', 'Widget', 19.99, 4.5, 10) RETURNING id, popularity_score"
    ).fetchone()
    assert product is not None and product[1] == Decimal("45.00")
    row = pg.execute(
        "INSERT INTO orders (customer_id, product_id, price, quantity, discount)"
        " VALUES (%s, %s, 19.99, 3, 15) RETURNING total_price, discount_amount, final_price,"
        " order_number, status::text",
        (customer[0], product[0]),
    ).fetchone()
    assert row == (Decimal("59.97"), Decimal("9.00"), Decimal("50.97"), 1, "pending")
    total = pg.execute("SELECT calculate_total(19.99, 3, 15)").fetchone()
    assert total == (Decimal("50.97"),)


def test_sqlite_schema_loads(sqlite: sqlite3.Connection) -> None:
    sqlite.executescript((SAMPLES / "sqlite" / "schema.sql").read_text())
    names = {
        row[0] for row in sqlite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert {"customers", "products", "orders", "customer_metrics", "pricing_tiers"} <= names
    sqlite.execute("INSERT INTO customers (email) VALUES ('ada@example.com')")
    sqlite.execute("INSERT INTO products (sku, name, price) VALUES ('S1', 'Widget', 10)")
    sqlite.execute(
        "INSERT INTO orders (customer_id, product_id, price, quantity, discount)"
        " VALUES (1, 1, 10, 3, 10)"
    )
    assert sqlite.execute("SELECT total_price, final_price FROM orders").fetchone() == (30, 27.0)
    with pytest.raises(sqlite3.IntegrityError):
        sqlite.execute(
            "INSERT INTO orders (customer_id, product_id, price, quantity) VALUES (99, 1, 1, 1)"
        )


def test_mysql_schema_parses_in_sqlglot() -> None:
    text = (SAMPLES / "mysql" / "schema.sql").read_text()
    statements = [s for s in sqlglot.parse(text, read="mysql") if s is not None]
    assert len(statements) >= 10
    fallbacks = [s.sql() for s in statements for _ in s.find_all(sqlglot.exp.Command)]
    assert not fallbacks, f"sqlglot fell back to raw commands: {fallbacks}"
    creates = [s for s in statements if isinstance(s, sqlglot.exp.Create)]
    assert sum(1 for s in creates if s.kind == "TABLE") >= 6


@pytest.mark.parametrize("path", PG_DUMPS, ids=[p.name for p in PG_DUMPS])
def test_pg_dump_fixtures_are_current(pg_server: PgServer, path: Path) -> None:
    """tests/fixtures/<name>.pg_dump.sql is `pg_dump --schema-only` of
    sample_schemas/<name>/schema.sql; rerun tests/fixtures/make_pg_dumps.py after editing it."""
    source = SAMPLES / path.name.removesuffix(".pg_dump.sql") / "schema.sql"
    original, dumped = load(pg_server, source), load(pg_server, path)
    problems: list[str] = []
    try:
        with pg_server.connect(original) as a, pg_server.connect(dumped) as b:
            for schema in ("public", "inventory"):
                problems += [
                    f"[{schema}] {p}" for p in diff(snapshot(a, schema), snapshot(b, schema))
                ]
    finally:
        pg_server.drop_database(original)
        pg_server.drop_database(dumped)
    assert not problems, f"regenerate {path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "path",
    [ECOMMERCE, RENTAL, *MIGRATIONS, *PG_DUMPS],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_postgres_samples_parse_in_pglast(path: Path) -> None:
    pglast = pytest.importorskip("pglast")
    # pg_dump >= 15.14 brackets its output in psql meta-commands (\restrict KEY ...
    # \unrestrict KEY); they are psql's, not SQL, so the server grammar cannot parse them.
    text = "\n".join(
        "" if line.startswith("\\") else line for line in path.read_text().splitlines()
    )
    assert pglast.parse_sql(text)
