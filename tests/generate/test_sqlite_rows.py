"""SQLite rows the database accepts, with computed values equal to the database's."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from types import ModuleType

SCHEMA = """
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  kind TEXT GENERATED ALWAYS AS (json_extract(payload, '$.kind')) VIRTUAL,
  amount REAL GENERATED ALWAYS AS (payload ->> '$.amount') STORED,
  attrs JSON,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE counters (
  name TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  hits INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (name, bucket)
) WITHOUT ROWID;
CREATE TABLE ledger (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  cents INTEGER NOT NULL,
  rate REAL NOT NULL,
  memo ANY,
  raw BLOB,
  doubled INTEGER GENERATED ALWAYS AS (cents * 2) STORED
) STRICT;
CREATE TABLE affinity (
  a VARCHAR(10), b UNSIGNED BIG INT, c DOUBLE PRECISION, d DECIMAL(10,5), e BOOLEAN,
  f DATE, g NVARCHAR(5), h CLOB, i
);
"""


def test_sqlite_features_accept_rows_and_compute_as_sqlite(
    sqlite: sqlite3.Connection, make_package: Callable[..., ModuleType]
) -> None:
    sqlite.executescript(SCHEMA)
    pkg = make_package(sql=SCHEMA, dialect="sqlite", seed=3)
    pkg.bind(sqlite)
    try:
        for key, factory in pkg.FACTORIES.items():
            rows = factory.create_batch(200)
            assert len(rows) == 200, key
            for row in rows:
                mine = pkg.apply_computed(key, dict(row))
                for column in pkg.COMPUTED_COLUMNS.get(key, {}):
                    assert mine[column] == row[column], (key, column, row)
    finally:
        pkg.bind(None)
    events = pkg.FACTORIES["events"].build_batch(50)
    assert any(e["kind"] is not None for e in events)  # JSON the expressions can read


NULLABLE_FK = """
CREATE TABLE coupons (id INTEGER PRIMARY KEY, code TEXT NOT NULL);
CREATE TABLE invoices (
  id INTEGER PRIMARY KEY,
  coupon_id INTEGER REFERENCES coupons (id),
  total INTEGER NOT NULL
);
"""


def test_nullable_foreign_keys_follow_null_ratio(
    sqlite: sqlite3.Connection, make_package: Callable[..., ModuleType]
) -> None:
    sqlite.executescript(NULLABLE_FK)
    pkg = make_package(sql=NULLABLE_FK, dialect="sqlite", seed=4, null_ratio=0.3)
    pkg.bind(sqlite)
    try:
        rows = pkg.FACTORIES["invoices"].create_batch(200)
        coupon = pkg.FACTORIES["coupons"].create()
        given = pkg.FACTORIES["invoices"].create(coupon_id=coupon["id"])
    finally:
        pkg.bind(None)
    nulls = sum(r["coupon_id"] is None for r in rows)
    assert 30 <= nulls <= 90, nulls  # about 30% of 200
    assert given["coupon_id"] == coupon["id"]
    never = make_package(sql=NULLABLE_FK, dialect="sqlite", seed=4, null_ratio=0.0)
    assert all(r["coupon_id"] is not None for r in never.FACTORIES["invoices"].build_batch(50))


def test_long_chains_compile_and_match_sqlite(
    sqlite: sqlite3.Connection, make_package: Callable[..., ModuleType]
) -> None:
    """200 `||` terms and 900 `+` terms (SQLite's own limit is a tree depth of 1,000)."""
    concat = " || ".join(["a"] * 200)
    plus = " + ".join(["n"] * 900)
    sql = (
        f"CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, n INTEGER,"
        f" c TEXT GENERATED ALWAYS AS ({concat}), p INTEGER GENERATED ALWAYS AS ({plus}));"
    )
    sqlite.executescript(sql)
    pkg = make_package(sql=sql, dialect="sqlite")
    pkg.bind(sqlite)
    try:
        rows = pkg.FACTORIES["t"].create_batch(20)
    finally:
        pkg.bind(None)
    for row in rows:
        assert pkg.apply_computed("t", dict(row)) == row
