"""Rows the real database accepts: every sample schema, every table, 200 rows each."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest

from codegen.render import Formatter
from tests.generate.genlib import SAMPLES, build_package
from tests.myserver import load as load_mysql

PG_SAMPLES = {
    "ecommerce": ([SAMPLES / "ecommerce" / "schema.sql"], SAMPLES / "ecommerce" / "schema.sql"),
    "ecommerce_migrations": (
        [SAMPLES / "ecommerce_migrations"],
        SAMPLES / "ecommerce" / "schema.sql",
    ),
    "rental": ([SAMPLES / "rental" / "schema.sql"], SAMPLES / "rental" / "schema.sql"),
}
# Partitions (PARTITION OF) keep their key inside FOR VALUES; see
# test_partition_rows_are_accepted.
RENTAL_PARTITIONS = ("rental_2024", "rental_2025", "rental_default")


def _load_pg(conn: psycopg.Connection, files: list[Path]) -> None:
    for file in files:
        paths = sorted(file.glob("*.sql")) if file.is_dir() else [file]
        for path in paths:
            conn.execute(path.read_text(encoding="utf-8"))  # type: ignore[call-overload]


@pytest.mark.parametrize("case", sorted(PG_SAMPLES))
def test_postgres_accepts_200_rows_of_every_table(
    case: str, pg: psycopg.Connection, make_package: Callable[..., ModuleType]
) -> None:
    inputs, _ = PG_SAMPLES[case]
    _load_pg(pg, inputs)
    pkg = make_package(paths=inputs, seed=7)
    pkg.bind(pg)
    try:
        for key, factory in pkg.FACTORIES.items():
            rows = factory.create_batch(200)
            assert len(rows) == 200, key
            # the stored row comes back, computed columns included
            for column in pkg.COMPUTED_COLUMNS.get(key, {}):
                assert column in rows[0]
    finally:
        pkg.bind(None)


def test_only_hash_partitions_are_announced_as_a_gap(tmp_path: Path) -> None:
    """RANGE, LIST and DEFAULT bounds are kept; a HASH partition's rows are not."""
    package = build_package([SAMPLES / "rental" / "schema.sql"], formatter=Formatter(enabled=False))
    assert not [w for w in package.warnings if "rows of a partition's factory" in w.message]
    schema = tmp_path / "hash.sql"
    schema.write_text(
        "CREATE TABLE h (id int) PARTITION BY HASH (id);\n"
        "CREATE TABLE h0 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 0);\n"
        "CREATE TABLE h1 PARTITION OF h FOR VALUES WITH (MODULUS 2, REMAINDER 1);\n"
    )
    package = build_package([schema], formatter=Formatter(enabled=False))
    warned = [w for w in package.warnings if "rows of a partition's factory" in w.message]
    assert [w.message.split(":")[0] for w in warned] == ["h0", "h1"]
    assert "insert through the factory of h" in warned[0].message
    assert (warned[0].location.line, warned[0].location.column) == (2, 1)


def test_partition_rows_are_accepted(
    pg: psycopg.Connection, make_package: Callable[..., ModuleType]
) -> None:
    inputs, _ = PG_SAMPLES["rental"]
    _load_pg(pg, inputs)
    pkg = make_package(paths=inputs, seed=7)
    pkg.bind(pg)
    try:
        for key in RENTAL_PARTITIONS:
            assert len(pkg.FACTORIES[key].create_batch(50)) == 50, key
    finally:
        pkg.bind(None)


def test_computed_columns_match_the_database(
    pg: psycopg.Connection, make_package: Callable[..., ModuleType]
) -> None:
    path = SAMPLES / "ecommerce" / "schema.sql"
    _load_pg(pg, [path])
    pkg = make_package(paths=[path], seed=3)
    pkg.bind(pg)
    try:
        for key in ("orders", "product_ratings", "customer_metrics", "sales_tracking", "analytics"):
            for row in pkg.FACTORIES[key].create_batch(30):
                mine = pkg.apply_computed(key, dict(row))
                for column in pkg.COMPUTED_COLUMNS[key]:
                    assert mine[column] == row[column], (key, column, row)
    finally:
        pkg.bind(None)


def test_10000_rows_never_collide_on_unique_columns(
    pg: psycopg.Connection, make_package: Callable[..., ModuleType]
) -> None:
    path = SAMPLES / "ecommerce" / "schema.sql"
    _load_pg(pg, [path])
    pkg = make_package(paths=[path], seed=11)
    rows = pkg.FACTORIES["customers"].build_batch(10_000)
    emails = [r["email"] for r in rows]
    assert len(set(emails)) == 10_000
    assert len({e.lower() for e in emails}) == 10_000  # UNIQUE INDEX ON lower(email)
    products = pkg.FACTORIES["products"].build_batch(10_000)
    assert len({p["sku"] for p in products}) == 10_000
    assert all(len(p["sku"]) <= 32 for p in products)
    with pg.cursor() as cur:
        cur.executemany(
            "INSERT INTO customers (id, email, membership, created_at) VALUES (%s, %s, %s, %s)",
            [(r["id"], r["email"], r["membership"], r["created_at"]) for r in rows],
        )
        cur.executemany(
            "INSERT INTO products (sku, name, price) VALUES (%s, %s, %s)",
            [(p["sku"], p["name"], p["price"]) for p in products],
        )
        cur.execute("SELECT count(*) FROM customers")
        assert cur.fetchone() == (10_000,)


def test_composite_unique_with_a_fixed_parent(
    pg: psycopg.Connection, make_package: Callable[..., ModuleType]
) -> None:
    path = SAMPLES / "ecommerce" / "schema.sql"
    _load_pg(pg, [path])
    pkg = make_package(paths=[path], seed=5)
    pkg.bind(pg)
    try:
        customer = pkg.FACTORIES["customers"].create()
        ratings = pkg.FACTORIES["product_ratings"].create_batch(300, customer_id=customer["id"])
        assert {r["customer_id"] for r in ratings} == {customer["id"]}
    finally:
        pkg.bind(None)


def test_sqlite_accepts_200_rows_of_every_table(
    sqlite: sqlite3.Connection, make_package: Callable[..., ModuleType]
) -> None:
    path = SAMPLES / "sqlite" / "schema.sql"
    sqlite.executescript(path.read_text(encoding="utf-8"))
    sqlite.execute("PRAGMA foreign_keys=ON")
    pkg = make_package(paths=[path], dialect="sqlite", seed=7)
    pkg.bind(sqlite)
    try:
        for key, factory in pkg.FACTORIES.items():
            assert len(factory.create_batch(200)) == 200, key
        sqlite.commit()
        customers = pkg.FACTORIES["customers"].build_batch(10_000)
        assert len({c["email"].lower() for c in customers}) == 10_000
    finally:
        pkg.bind(None)


def test_mysql_accepts_200_rows_of_every_table(
    mysql: Any, make_package: Callable[..., ModuleType]
) -> None:
    """Through PyMySQL into MariaDB (MySQL's TIMESTAMP gets naive datetimes: drivers
    exchange them in the session's time zone, and MariaDB rejects an offset)."""
    path = SAMPLES / "mysql" / "schema.sql"
    load_mysql(mysql, path.read_text(encoding="utf-8"))
    pkg = make_package(paths=[path], dialect="mysql", seed=7)
    pkg.bind(mysql)
    try:
        for key, factory in pkg.FACTORIES.items():
            rows = factory.create_batch(200)
            assert len(rows) == 200, key
            assert set(pkg.TABLE_SCHEMAS[key]) <= set(rows[0]), key  # the stored row
        mysql.commit()
        with mysql.cursor() as cur:
            cur.execute("SELECT count(*) FROM orders")
            assert cur.fetchone()[0] >= 200
    finally:
        pkg.bind(None)
