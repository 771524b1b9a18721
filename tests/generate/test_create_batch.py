"""create_batch(n) builds the rows, then inserts them table by table, parents first (one
pipelined executemany ... RETURNING per table on psycopg). Against real databases: the rows
it returns are the rows create() would have returned one by one (same seed), they are what
the table holds, and a row the database refuses fails with the database's own error for it,
leaving the caller's transaction as a failed single INSERT would."""

from __future__ import annotations

import importlib
import itertools
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from codegen.render import Formatter
from codegen.writer import write
from tests.generate.genlib import SAMPLES, build_package
from tests.generate.test_random_schemas import schema as random_schema
from tests.myserver import load as load_mysql

Make = Callable[..., ModuleType]
ECOM = SAMPLES / "ecommerce" / "schema.sql"
RENTAL = SAMPLES / "rental" / "schema.sql"
_numbers = itertools.count()


def _one_by_one(pkg: ModuleType, key: str, n: int, **kwargs: Any) -> list[dict[str, Any]]:
    return [pkg.FACTORIES[key].create(**kwargs) for _ in range(n)]


def _contents(conn: Any, pkg: ModuleType, key: str) -> list[tuple[Any, ...]]:
    target = ".".join(f'"{part}"' for part in pkg.FACTORIES[key]._spec.sql_name)
    cursor = conn.cursor()
    cursor.execute(f"SELECT * FROM {target}")
    return sorted(map(tuple, cursor.fetchall()), key=repr)


def _fresh_pg(pg_server: Any, sql: Path) -> Any:
    holder = pg_server.database()
    conn = holder.__enter__()
    conn.execute(sql.read_text(encoding="utf-8"))
    return holder, conn


@pytest.mark.parametrize("sql", [ECOM, RENTAL], ids=["ecommerce", "rental"])
@pytest.mark.parametrize("autocommit", [True, False], ids=["autocommit", "transaction"])
def test_postgres_batch_equals_create_one_by_one(
    sql: Path, autocommit: bool, pg_server: Any, make_package: Make
) -> None:
    pkg = make_package(paths=[sql], seed=4)
    results = []
    for batch in (True, False):
        holder, conn = _fresh_pg(pg_server, sql)
        try:
            conn.autocommit = autocommit
            pkg.bind(conn)
            pkg.reset(9)
            made = {}
            for key, factory in pkg.FACTORIES.items():
                if key.startswith("rental_20") or key == "rental_default":
                    continue  # partitions: rows go through the parent table's factory
                made[key] = factory.create_batch(12) if batch else _one_by_one(pkg, key, 12)
            stored = {key: _contents(conn, pkg, key) for key in made}
            conn.commit()
            results.append((made, stored))
        finally:
            pkg.bind(None)
            holder.__exit__(None, None, None)
    (batch_rows, batch_tables), (single_rows, single_tables) = results
    assert batch_rows == single_rows
    assert batch_tables == single_tables
    assert sum(len(rows) for rows in batch_rows.values()) > 12 * 5


def _recorded_batch(
    pkg: ModuleType, conn: Any, key: str, n: int, **kwargs: Any
) -> tuple[list[dict[str, Any]], list[str]]:
    """create_batch(n) on `conn`, and the COPY and executemany statements it ran."""
    calls: list[str] = []
    bulk, bulk_copy = pkg._bulk, pkg._bulk_copy
    many, copy = bulk._returning, bulk_copy._copy_rows
    bulk._returning = lambda sql, params: calls.append(sql) or many(sql, params)
    bulk_copy._copy_rows = lambda cursor, sql, *rest: calls.append(sql) or copy(cursor, sql, *rest)
    pkg.bind(conn)
    try:
        return pkg.FACTORIES[key].create_batch(n, **kwargs), calls
    finally:
        pkg.bind(None)
        bulk._returning, bulk_copy._copy_rows = many, copy


def test_batch_rows_are_what_the_table_holds(pg: psycopg.Connection, make_package: Make) -> None:
    pg.execute(ECOM.read_text(encoding="utf-8"))  # type: ignore[call-overload]
    pkg = make_package(paths=[ECOM], seed=4)
    orders, calls = _recorded_batch(pkg, pg, "orders", 50, quantity=3)
    copied = [" ".join(sql.split()[:2]) for sql in calls]  # parents first, one COPY each
    assert copied == ['COPY "customers"', 'COPY "products"', 'COPY "orders"']
    stored = pg.execute("SELECT id, customer_id, product_id, total_price FROM orders").fetchall()
    assert sorted(stored, key=repr) == sorted(
        ((o["id"], o["customer_id"], o["product_id"], o["total_price"]) for o in orders), key=repr
    )
    assert {o["quantity"] for o in orders} == {3}
    products = pg.execute("SELECT count(*) FROM products").fetchone()
    assert products == (50,)  # one parent each, inserted before the orders that use them


@pytest.mark.parametrize("autocommit", [True, False], ids=["autocommit", "transaction"])
def test_copy_only_where_it_stores_what_insert_stores(
    autocommit: bool, pg: psycopg.Connection, make_package: Make
) -> None:
    """COPY applies no rules: a table with one takes executemany. A trigger that changes a
    key hides the copied rows from the key: the COPY is undone and executemany takes over
    (the table holds each row once). The others are copied."""
    pg.execute(ECOM.read_text(encoding="utf-8"))  # type: ignore[call-overload]
    pg.execute(
        "CREATE TABLE seen (sku text);"
        " CREATE RULE remember AS ON INSERT TO products DO ALSO INSERT INTO seen VALUES (NEW.sku);"
        " CREATE FUNCTION fresh_id() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN NEW.id := gen_random_uuid(); RETURN NEW; END $$;"
        " CREATE TRIGGER fresh BEFORE INSERT ON customers FOR EACH ROW EXECUTE FUNCTION fresh_id()"
    )
    pg.autocommit = autocommit
    pkg = make_package(paths=[ECOM], seed=4)
    orders, calls = _recorded_batch(pkg, pg, "orders", 30)
    tables = [sql.split()[2] if sql.startswith("INSERT") else sql.split()[1] for sql in calls]
    kinds = [sql.split()[0] for sql in calls]
    assert list(zip(kinds, tables, strict=True)) == [
        ("COPY", '"customers"'), ("INSERT", '"customers"'), ("INSERT", '"products"'),
        ("COPY", '"orders"'),
    ]  # fmt: skip
    assert pg.execute("SELECT count(*) FROM seen").fetchone() == (30,)  # the rule ran
    assert pg.execute("SELECT count(*) FROM customers").fetchone() == (30,)
    stored = pg.execute("SELECT customer_id FROM orders").fetchall()
    assert sorted(stored) == sorted((o["customer_id"],) for o in orders)
    if not autocommit:
        pg.commit()


def test_copied_rows_are_found_by_a_key_of_typed_columns(
    pg: psycopg.Connection, make_package: Make
) -> None:
    """The copied rows are read back by a UNIQUE key cast to its columns' own types: as
    `character[]` (char(1)) a char(2) key was cut, no row was found, the COPY was undone
    and executemany's rows took the serial ids after the undone ones (13-24, not 1-12:
    found by the random-schema test below)."""
    sql = "CREATE TABLE t (id serial PRIMARY KEY, c0 text NOT NULL, c1 char(2) NOT NULL,"
    sql += " n numeric(3,0) NOT NULL, UNIQUE (c0, c1, n));"
    pg.execute(sql)  # type: ignore[call-overload]
    pkg = make_package(sql=sql, seed=1)
    rows, calls = _recorded_batch(pkg, pg, "t", 12)
    assert [sql.split()[0] for sql in calls] == ["COPY"]
    assert [row["id"] for row in rows] == list(range(1, 13))


@pytest.mark.parametrize("autocommit", [True, False], ids=["autocommit", "transaction"])
def test_a_refused_row_raises_the_databases_error_for_it(
    autocommit: bool, pg: psycopg.Connection, make_package: Make
) -> None:
    pg.execute(ECOM.read_text(encoding="utf-8"))  # type: ignore[call-overload]
    pg.execute("CREATE UNIQUE INDEX one_name ON products (name)")
    pg.autocommit = autocommit
    pkg = make_package(paths=[ECOM], seed=4)
    pkg.bind(pg)
    try:
        with pytest.raises(psycopg.errors.UniqueViolation) as failed:
            pkg.FACTORIES["products"].create_batch(5, name="same")
    finally:
        pkg.bind(None)
    assert "Key (name)=(same) already exists" in str(failed.value.diag.message_detail)
    if autocommit:  # the rows before the refused one went in, as with create() one by one
        assert pg.execute("SELECT count(*) FROM products").fetchone() == (1,)
    else:  # the caller's transaction failed, as a failed INSERT of create() leaves it
        assert pg.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
        pg.rollback()


def _made(pkg: ModuleType, conn: Any, n: int, batch: bool, quote: str) -> Any:
    """Every factory's n rows (create_batch, or create() n times) and the tables after."""
    pkg.bind(conn)
    pkg.reset(9)
    try:
        made = {
            key: f.create_batch(n) if batch else _one_by_one(pkg, key, n)
            for key, f in pkg.FACTORIES.items()
        }
    finally:
        pkg.bind(None)
    cursor = conn.cursor()
    tables = {}
    for key in made:
        cursor.execute(f"SELECT * FROM {quote}{key}{quote}")
        tables[key] = sorted(map(tuple, cursor.fetchall()), key=repr)
    cursor.close()
    return made, tables


def test_sqlite_batch_equals_create_one_by_one(tmp_path: Path, make_package: Make) -> None:
    sql = (SAMPLES / "sqlite" / "schema.sql").read_text(encoding="utf-8")
    pkg = make_package(paths=[SAMPLES / "sqlite" / "schema.sql"], dialect="sqlite", seed=4)
    results = []
    for batch in (True, False):
        conn = sqlite3.connect(tmp_path / f"{batch}.db")
        conn.executescript(sql)
        conn.execute("PRAGMA foreign_keys=ON")
        try:
            results.append(_made(pkg, conn, 10, batch, '"'))
        finally:
            conn.close()
    assert results[0] == results[1]


def test_mysql_batch_equals_create_one_by_one(my_server: Any, make_package: Make) -> None:
    path = SAMPLES / "mysql" / "schema.sql"
    pkg = make_package(paths=[path], dialect="mysql", seed=4)
    results = []
    for batch in (True, False):
        with my_server.database() as conn:
            load_mysql(conn, path.read_text(encoding="utf-8"))
            results.append(_made(pkg, conn, 8, batch, "`"))
    assert results[0] == results[1]


def _inserts(conn: Any) -> int:
    """INSERT statements this session has run (the server's own count)."""
    with conn.cursor() as cursor:
        cursor.execute("SHOW SESSION STATUS LIKE 'Com_insert'")
        return int(cursor.fetchone()[1])


@pytest.mark.parametrize("n", [40, 1100], ids=["one-chunk", "three-chunks"])
def test_mysql_batch_is_one_insert_per_table_and_chunk(
    n: int, mysql: Any, make_package: Make
) -> None:
    """Each table (AUTO_INCREMENT ids) read back by the ids the statement gave: what the
    tables hold, in the order built."""
    path = SAMPLES / "mysql" / "schema.sql"
    load_mysql(mysql, path.read_text(encoding="utf-8"))
    pkg = make_package(paths=[path], dialect="mysql", seed=4)
    pkg.bind(mysql)
    try:
        before = _inserts(mysql)
        orders = pkg.FACTORIES["orders"].create_batch(n, quantity=2)
        statements = _inserts(mysql) - before
    finally:
        pkg.bind(None)
    chunks = -(-n // pkg._bulk_mysql.MYSQL_CHUNK)
    assert statements == 3 * chunks
    with mysql.cursor() as cursor:
        cursor.execute("SELECT * FROM `orders` ORDER BY `id`")
        names = [d[0] for d in cursor.description]
        stored = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert orders == stored
    assert {o["quantity"] for o in orders} == {2}


@pytest.mark.parametrize("engine", ["InnoDB", "MyISAM"])
def test_mysql_refused_row_raises_its_own_error(
    engine: str, mysql: Any, make_package: Make
) -> None:
    """The third row repeats a name already stored: MariaDB's error for that row, and the
    two rows before it stored, as create() one by one leaves the table. InnoDB undid the
    multi-row INSERT, which is replayed row by row (1 + 3 statements); MyISAM kept the
    rows before the refused one (1 statement)."""
    import pymysql

    sql = (
        "CREATE TABLE tags (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT"
        f" NULL, UNIQUE KEY tags_name (name)) ENGINE={engine};"
    )
    load_mysql(mysql, sql)
    pkg = make_package(sql=sql, dialect="mysql", seed=4)
    pkg.reset(3)
    names = [row["name"] for row in pkg.FACTORIES["tags"].build_batch(4)]
    with mysql.cursor() as cursor:
        cursor.execute("INSERT INTO tags (id, name) VALUES (100, %s)", [names[2]])
    pkg.bind(mysql)
    pkg.reset(3)
    before = _inserts(mysql)
    try:
        with pytest.raises(pymysql.err.IntegrityError) as failed:
            pkg.FACTORIES["tags"].create_batch(4)
    finally:
        pkg.bind(None)
    assert f"Duplicate entry '{names[2]}'" in str(failed.value)
    assert _inserts(mysql) - before == (4 if engine == "InnoDB" else 1)
    with mysql.cursor() as cursor:
        cursor.execute("SELECT name FROM tags ORDER BY id")
        assert [name for (name,) in cursor.fetchall()] == [names[2], *names[:2]]


@settings(
    max_examples=int(os.environ.get("SCHEMAGEN_RANDOM_SCHEMAS", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(sql=random_schema())
def test_random_schemas_batch_equals_create_one_by_one(
    sql: str, pg_server: Any, tmp_path: Path
) -> None:
    """Random tables of every type the COPY path takes (and some it leaves to executemany:
    arrays, bytea, a float into a real): create_batch stores and returns what create()
    one by one does with the same seed."""
    file = tmp_path / f"s{next(_numbers)}.sql"
    file.write_text(sql)
    name = f"batch_rnd_{next(_numbers)}"
    write(build_package([file], formatter=Formatter(enabled=False), seed=1), tmp_path / name)
    sys.path.insert(0, str(tmp_path))
    try:
        pkg = importlib.import_module(name)
    finally:
        sys.path.remove(str(tmp_path))
    results = []
    try:
        for batch in (True, False):
            holder, conn = _fresh_sql(pg_server, sql)
            try:
                pkg.bind(conn)
                pkg.reset(3)
                made = {
                    key: f.create_batch(12) if batch else _one_by_one(pkg, key, 12)
                    for key, f in pkg.FACTORIES.items()
                }
                results.append((made, {key: _contents(conn, pkg, key) for key in made}))
            finally:
                pkg.bind(None)
                holder.__exit__(None, None, None)
    finally:
        sys.modules.pop(name, None)
    assert results[0] == results[1], sql


def _fresh_sql(pg_server: Any, sql: str) -> Any:
    holder = pg_server.database()
    conn = holder.__enter__()
    conn.execute(sql)
    return holder, conn


def test_the_collector_is_paused_while_a_batch_is_made(
    tmp_path: Path, make_package: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    """create_batch() builds and inserts with the cyclic collector paused, and leaves it as
    it found it: enabled again afterwards (raising or not), still paused if it was."""
    import gc

    pkg = make_package(paths=[SAMPLES / "sqlite" / "schema.sql"], dialect="sqlite", seed=4)
    conn = sqlite3.connect(tmp_path / "gc.db")
    conn.executescript((SAMPLES / "sqlite" / "schema.sql").read_text(encoding="utf-8"))
    flush, seen = pkg._runtime._flush, []

    def watched(pending: Any) -> Any:
        seen.append(gc.isenabled())
        if len(seen) == 2:
            raise RuntimeError("refused")
        return flush(pending)

    monkeypatch.setattr(pkg._runtime, "_flush", watched)
    pkg.bind(conn)
    try:
        assert gc.isenabled()
        assert len(pkg.FACTORIES["orders"].create_batch(3)) == 3
        assert seen == [False] and gc.isenabled()
        with pytest.raises(RuntimeError, match="refused"):
            pkg.FACTORIES["orders"].create_batch(3)
        assert gc.isenabled()
        gc.disable()
        try:
            pkg.FACTORIES["orders"].create_batch(3)
            assert not gc.isenabled()
        finally:
            gc.enable()
    finally:
        pkg.bind(None)
        conn.close()
