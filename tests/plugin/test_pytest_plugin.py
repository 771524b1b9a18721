"""The pytest plugin, run the way users run it: a temporary project (a migrations folder and
`[tool.schemagen]`) whose own tests use every fixture, in a real pytest subprocess."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from codegen.server import Server

MIGRATIONS = {
    # goose and dbmate markers: only the Up parts may run (a Down part drops the table)
    "db/migrations/001_customers.sql": """
        -- +goose Up
        CREATE TABLE customers (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            email text NOT NULL UNIQUE
        );
        -- +goose Down
        DROP TABLE customers;
    """,
    "db/migrations/002_orders.sql": """
        -- migrate:up
        CREATE TABLE orders (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            customer_id bigint NOT NULL REFERENCES customers (id),
            price numeric(10, 2) NOT NULL CHECK (price > 0),
            quantity integer NOT NULL CHECK (quantity > 0),
            total numeric(12, 2) GENERATED ALWAYS AS (price * quantity) STORED
        );
        CREATE FUNCTION order_total(p numeric, q integer) RETURNS numeric
        LANGUAGE sql IMMUTABLE AS $$ SELECT p * q $$;
        CREATE FUNCTION customer_orders(c bigint) RETURNS SETOF orders
        LANGUAGE sql STABLE AS $$ SELECT * FROM orders WHERE customer_id = c ORDER BY id $$;
        -- migrate:down
        DROP TABLE orders;
    """,
}

PYPROJECT = """
    [tool.schemagen]
    inputs = ["db/migrations"]
    out = "dbfakes"
"""

EVERY_FIXTURE = """
    from decimal import Decimal

    import dbfakes
    import pytest


    def count(conn, table):
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


    def test_factories_insert_through_db(factories, db):
        assert factories is dbfakes  # the package the tests import, bound
        order = factories.FACTORIES["orders"].create(price=Decimal("2.50"), quantity=4)
        assert order["total"] == Decimal("10.00")  # computed by the database
        assert count(db, "orders") == 1 and count(db, "customers") == 1


    def test_db_is_rolled_back(db):
        assert count(db, "orders") == 0 and count(db, "customers") == 0


    def test_commit_in_transactional_db(transactional_db, factories):
        factories.FACTORIES["customers"].create()
        transactional_db.commit()
        assert count(transactional_db, "customers") == 1


    @pytest.mark.parametrize("turn", range(3))  # databases are reused: each one twice
    def test_nothing_committed_leaks(transactional_db, db, turn):
        assert count(transactional_db, "customers") == 0 and count(db, "customers") == 0
        sql = "INSERT INTO customers (email) VALUES ('x@y.z') RETURNING id"
        assert transactional_db.execute(sql).fetchone() == (1,)  # the identity starts over
        transactional_db.commit()


    def test_rpc_mock_and_real(rpc, factories):
        rpc.register("order_total", lambda p, q: Decimal("1"))
        assert rpc.call("order_total", Decimal("2"), 3) == Decimal("1")
        assert rpc.real("order_total", Decimal("2.5"), 3) == Decimal("7.5")
        order = factories.FACTORIES["orders"].create()
        rows = rpc.real("customer_orders", c=order["customer_id"])
        assert [r["id"] for r in rows] == [order["id"]]


    def test_rpc_overrides_are_per_test(rpc):
        assert rpc.implementation("order_total", Decimal("2"), 3) == "compiled"


    async def test_async_db(async_db):
        sql = "INSERT INTO customers (email) VALUES ('a@b.c') RETURNING id"
        cursor = await async_db.execute(sql)
        assert (await cursor.fetchone())[0] > 0


    async def test_async_db_rolled_back(async_db):
        cursor = await async_db.execute("SELECT count(*) FROM customers")
        assert await cursor.fetchone() == (0,)
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.delenv("SCHEMAGEN_DATABASE_URL", raising=False)
    for name, text in MIGRATIONS.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    pytester.makepyprojecttoml(textwrap.dedent(PYPROJECT))
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    pytester.makepyfile(test_every_fixture=textwrap.dedent(EVERY_FIXTURE))
    return pytester


def url_of(server: Server) -> str:
    return server.dsn()  # a libpq conninfo string is accepted wherever a URL is


def test_every_fixture_on_embedded_postgres(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=10)
    assert (project.path / "dbfakes" / "__init__.py").is_file()  # generated at `out`
    result.stdout.fnmatch_lines(["schemagen: PostgreSQL 1*.* (embedded), ready in *s"])


def test_every_fixture_with_xdist(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=10)


@pytest.mark.parametrize("xdist", [(), ("-n", "2")], ids=["plain", "xdist"])
def test_every_fixture_on_a_server_url(
    project: pytest.Pytester, pg_server: Server, xdist: tuple[str, ...]
) -> None:
    before = _databases(pg_server)
    result = project.runpytest_subprocess("--schemagen-db-url", url_of(pg_server), *xdist)
    result.assert_outcomes(passed=10)
    assert _databases(pg_server) == before  # template and clones dropped, nothing else touched


def _databases(server: Server) -> set[str]:
    with server.connect() as conn:
        return {row[0] for row in conn.execute("SELECT datname FROM pg_database").fetchall()}


def test_a_commit_on_db_fails_the_test_and_does_not_leak(
    project: pytest.Pytester, pg_server: Server
) -> None:
    project.makepyfile(
        test_commit="""
        def test_commits(db):
            db.execute("INSERT INTO customers (email) VALUES ('x@y.z')")
            db.commit()

        def test_next_test_sees_nothing(db):
            assert db.execute("SELECT count(*) FROM customers").fetchone() == (0,)
        """
    )
    result = project.runpytest_subprocess("--schemagen-db-url", url_of(pg_server), "test_commit.py")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ended `db`'s transaction*use `transactional_db`*"])


def test_the_failure_report_shows_the_seed_and_it_replays(
    project: pytest.Pytester, pg_server: Server
) -> None:
    project.makepyfile(
        test_seed="""
        def test_fails(factories):
            row = factories.FACTORIES["customers"].build()
            print("EMAIL", row["email"])
            assert False
        """
    )
    url = url_of(pg_server)
    first = project.runpytest_subprocess("--schemagen-db-url", url, "test_seed.py")
    first.assert_outcomes(failed=1)
    seed = re.search(r"factories seed: (\d+)", first.stdout.str())
    assert seed, first.stdout.str()
    email = re.search(r"EMAIL (\S+)", first.stdout.str())
    again = project.runpytest_subprocess(
        "--schemagen-db-url", url, "test_seed.py", "--schemagen-seed", seed.group(1)
    )
    assert email and f"EMAIL {email.group(1)}" in again.stdout.str()


def test_a_missing_server_is_a_clear_error(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCHEMAGEN_PG_SOURCES", "url")
    result = project.runpytest_subprocess(
        "-p", "no:cacheprovider", "-k", "rolled_back and not async"
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*no PostgreSQL server*SCHEMAGEN_DATABASE_URL*schemagen[[]pg[]]*"])


SQLITE_MIGRATIONS = """
    CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);
    CREATE TABLE orders (
        id INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customers (id),
        quantity INTEGER NOT NULL CHECK (quantity > 0)
    );
"""


def test_sqlite_variant(pytester: pytest.Pytester) -> None:
    (pytester.path / "schema").mkdir()
    (pytester.path / "schema" / "001.sql").write_text(textwrap.dedent(SQLITE_MIGRATIONS))
    pytester.makepyprojecttoml('[tool.schemagen]\ninputs = ["schema"]\ndialect = "sqlite"\n')
    pytester.makepyfile(
        """
        def test_factories(factories, db):
            factories.FACTORIES["orders"].create()
            assert db.execute("SELECT count(*) FROM orders").fetchone() == (1,)

        def test_rolled_back(db):
            assert db.execute("SELECT count(*) FROM orders").fetchone() == (0,)

        def test_committed(transactional_db, factories):
            factories.FACTORIES["customers"].create()
            transactional_db.commit()

        def test_not_leaked(transactional_db):
            assert transactional_db.execute("SELECT count(*) FROM customers").fetchone() == (0,)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    assert not (Path(pytester.path) / "dbfakes").exists()  # no `out`: a session package


ROOT = Path(__file__).resolve().parents[2]

WALKTHROUGH_TESTS = """
    from decimal import Decimal


    def checkout(conn):
        conn.execute("INSERT INTO customers (email) VALUES ('ada@example.com')")
        conn.execute(
            "INSERT INTO products (sku, name, price) VALUES ('SKU-1', 'Widget', 10)"
        )
        conn.execute(
            "INSERT INTO orders (customer_id, product_id, price, quantity)"
            " SELECT c.id, p.id, 10, 1 FROM customers c, products p"
        )
        conn.commit()


    def test_the_database_computes_the_total(factories, db):
        order = factories.OrdersFactory.create(price=Decimal("19.99"), quantity=3,
                                               discount=Decimal("10"))
        assert order["total_price"] == Decimal("59.97")
        assert db.execute("SELECT count(*) FROM orders").fetchone() == (1,)


    def test_nothing_leaks_from_the_test_before(db):
        assert db.execute("SELECT count(*) FROM orders").fetchone() == (0,)


    def test_code_that_commits(factories, transactional_db):
        checkout(transactional_db)
        assert transactional_db.execute("SELECT count(*) FROM orders").fetchone() == (1,)


    def test_the_sql_function_itself(rpc):
        assert rpc.real("calculate_total", Decimal("10"), 3, 0) == Decimal("30.00")


    def test_rows_without_a_database():
        from tests.dbfakes import OrdersFactory, TABLE_SCHEMAS, validate_row

        order = OrdersFactory.build(price=Decimal("19.99"), quantity=3, discount=Decimal("10"))
        assert order["total_price"] == Decimal("59.97")
        assert TABLE_SCHEMAS["orders"]["price"] == "numeric(10,2)"
        validate_row("orders", order)
"""


def test_walkthrough_section_4(pytester: pytest.Pytester, pg_server: Server) -> None:
    """docs/walkthrough.md section 4, on the bundled migrations, with no conftest.py."""
    migrations = pytester.path / "db" / "migrations"
    migrations.mkdir(parents=True)
    for path in sorted((ROOT / "sample_schemas" / "ecommerce_migrations").glob("*.sql")):
        (migrations / path.name).write_text(path.read_text())
    pytester.makepyprojecttoml(
        '[tool.schemagen]\ninputs = ["db/migrations"]\nout = "tests/dbfakes"\nseed = 1234\n'
    )
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_orders.py").write_text(textwrap.dedent(WALKTHROUGH_TESTS))
    result = pytester.runpytest_subprocess("--schemagen-db-url", url_of(pg_server))
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(["schemagen: regenerated tests/dbfakes (it does not exist)"])


PYTEST_FACTORYBOY = """
    import pytest
    from pytest_factoryboy import register

    import dbfakes

    for _factory in dbfakes.FACTORIES.values():
        register(_factory)


    def test_registered_fixtures_insert_once_factories_is_bound(factories, orders, db):
        assert orders["customer_id"] == db.execute("SELECT id FROM customers").fetchone()[0]
        assert db.execute("SELECT count(*) FROM orders").fetchone() == (1,)


    @pytest.mark.parametrize("orders__quantity", [7])
    def test_attribute_fixtures(orders):
        assert orders["quantity"] == 7
"""


def test_pytest_factoryboy_register(project: pytest.Pytester, pg_server: Server) -> None:
    pytest.importorskip("pytest_factoryboy")
    project.makepyfile(test_factoryboy=textwrap.dedent(PYTEST_FACTORYBOY))
    result = project.runpytest_subprocess(
        "--schemagen-db-url",
        url_of(pg_server),
        "test_factoryboy.py",
        "-W",
        "error:Using a:UserWarning",
    )
    result.assert_outcomes(passed=2)


MYSQL_SCHEMA = """
    CREATE TABLE customers (
        id BIGINT AUTO_INCREMENT PRIMARY KEY,
        email VARCHAR(100) NOT NULL UNIQUE
    ) ENGINE = InnoDB;
    -- a ; inside a comment; and one in a string below
    CREATE TABLE orders (
        id BIGINT AUTO_INCREMENT PRIMARY KEY,
        customer_id BIGINT NOT NULL,
        note VARCHAR(20) NOT NULL DEFAULT 'a;b',
        quantity INT NOT NULL CHECK (quantity > 0),
        FOREIGN KEY (customer_id) REFERENCES customers (id)
    ) ENGINE = InnoDB;
"""


def test_mysql_variant_given_a_url(pytester: pytest.Pytester, my_server: Any) -> None:
    (pytester.path / "schema").mkdir()
    (pytester.path / "schema" / "001.sql").write_text(textwrap.dedent(MYSQL_SCHEMA))
    pytester.makepyprojecttoml('[tool.schemagen]\ninputs = ["schema"]\ndialect = "mysql"\n')
    pytester.makepyfile(
        """
        def count(conn, table):
            with conn.cursor() as cur:
                cur.execute(f"SELECT count(*) FROM {table}")
                return cur.fetchone()[0]

        def test_factories(factories, db):
            row = factories.FACTORIES["orders"].create()
            assert row["note"] == "a;b" and count(db, "orders") == 1

        def test_rolled_back(db):
            assert count(db, "orders") == 0

        def test_committed(transactional_db, factories):
            factories.FACTORIES["customers"].create()
            transactional_db.commit()
            assert count(transactional_db, "customers") == 1

        def test_not_leaked(transactional_db):
            assert count(transactional_db, "customers") == 0

        def test_commit_on_db(db, factories):
            factories.FACTORIES["customers"].create()
            db.commit()

        def test_ddl_on_db(db, factories):
            factories.FACTORIES["customers"].create()
            with db.cursor() as cur:
                cur.execute("CREATE TABLE extra (x int)")  # commits the row above too

        def test_neither_leaked(db):
            assert count(db, "customers") == 0
            with db.cursor() as cur:
                cur.execute("SHOW TABLES LIKE 'extra'")
                assert cur.fetchall() == ()
        """
    )
    url = f"mysql://root@/?unix_socket={my_server.socket}"
    before = _mysql_databases(my_server)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--schemagen-db-url", url)
    result.assert_outcomes(passed=7, errors=2)
    result.stdout.fnmatch_lines(["*ended `db`'s transaction*use `transactional_db`*"])
    assert _mysql_databases(my_server) == before


def _mysql_databases(server: Any) -> set[str]:
    with server.connect() as conn, conn.cursor() as cur:
        cur.execute("SHOW DATABASES")
        return {row[0] for row in cur.fetchall()}


def test_a_stale_package_is_regenerated_or_refused(
    project: pytest.Pytester, pg_server: Server
) -> None:
    url = url_of(pg_server)
    project.makepyfile(test_one="def test_one(factories):\n    assert factories.FACTORIES\n")
    first = project.runpytest_subprocess("--schemagen-db-url", url, "test_one.py")
    first.assert_outcomes(passed=1)
    current = project.runpytest_subprocess("--schemagen-db-url", url, "test_one.py")
    assert "schemagen: regenerated" not in current.stdout.str()  # the drift check: current
    migration = project.path / "db" / "migrations" / "003_notes.sql"
    migration.write_text("CREATE TABLE notes (id int PRIMARY KEY, body text);\n")
    refused = project.runpytest_subprocess(
        "--schemagen-db-url", url, "test_one.py", "--schemagen-no-generate"
    )
    refused.assert_outcomes(errors=1)
    refused.stdout.fnmatch_lines(["*dbfakes is out of date with the SQL*", "*notes*"])
    again = project.runpytest_subprocess("--schemagen-db-url", url, "test_one.py")
    again.assert_outcomes(passed=1)
    again.stdout.fnmatch_lines(["schemagen: regenerated dbfakes (*)"])


def test_bad_sql_stops_the_session_at_its_line(project: pytest.Pytester, pg_server: Server) -> None:
    migration = project.path / "db" / "migrations" / "003_bad.sql"
    migration.write_text("-- +goose Up\nALTER TABLE orders ADD COLUMN note nosuchtype;\n")
    project.makepyfile(test_one="def test_one(db):\n    pass\n")
    result = project.runpytest_subprocess(
        "--schemagen-db-url", url_of(pg_server), "test_one.py", "--schemagen-no-generate"
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ['*db/migrations/003_bad.sql:2:36: type "nosuchtype" does not exist*']
    )


def test_an_async_commit_does_not_leak(project: pytest.Pytester, pg_server: Server) -> None:
    project.makepyfile(
        test_async_commit="""
        async def test_commits(async_db):
            await async_db.execute("INSERT INTO customers (email) VALUES ('x@y.z')")
            await async_db.commit()

        async def test_next_test_sees_nothing(async_db):
            cursor = await async_db.execute("SELECT count(*) FROM customers")
            assert await cursor.fetchone() == (0,)
        """
    )
    result = project.runpytest_subprocess(
        "--schemagen-db-url", url_of(pg_server), "test_async_commit.py"
    )
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ended `async_db`'s transaction*"])
