"""MySQL rows that MariaDB accepts: re-select after INSERT, and every type's bounds."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from tests.myserver import load as load_mysql


def _create(mysql: Any, make_package: Callable[..., ModuleType], sql: str, n: int = 200) -> Any:
    load_mysql(mysql, sql)
    pkg = make_package(sql=sql, dialect="mysql", seed=7)
    pkg.bind(mysql)
    return pkg


def test_reselect_finds_rows_holding_null_without_auto_increment(
    mysql: Any, make_package: Callable[..., ModuleType]
) -> None:
    sql = "CREATE TABLE Artist (ArtistId INT NOT NULL, Name VARCHAR(120), PRIMARY KEY (ArtistId));"
    pkg = _create(mysql, make_package, sql)
    try:
        rows = [pkg.FACTORIES["Artist"].create(Name=None) for _ in range(20)]
        assert all(r["Name"] is None for r in rows)
        assert len({r["ArtistId"] for r in rows}) == 20
    finally:
        pkg.bind(None)


def test_reselect_without_any_key_uses_null_safe_equality(
    mysql: Any, make_package: Callable[..., ModuleType]
) -> None:
    sql = "CREATE TABLE notes (body VARCHAR(20), code BINARY(4), score INT);"
    pkg = _create(mysql, make_package, sql)
    try:
        row = pkg.FACTORIES["notes"].create(body=None, code=b"ab")
        assert row == {"body": None, "code": b"ab\x00\x00", "score": row["score"]}
    finally:
        pkg.bind(None)


TYPES = """
CREATE TABLE everything (
  id BINARY(16) NOT NULL PRIMARY KEY,
  ti TINYINT NOT NULL, tu TINYINT UNSIGNED NOT NULL,
  si SMALLINT NOT NULL, su SMALLINT UNSIGNED NOT NULL,
  mi MEDIUMINT NOT NULL, mu MEDIUMINT UNSIGNED NOT NULL,
  ii INT NOT NULL, iu INT UNSIGNED NOT NULL,
  bi BIGINT NOT NULL, bu BIGINT UNSIGNED NOT NULL,
  flag TINYINT(1) NOT NULL, active BOOL NOT NULL,
  code BINARY(3) NOT NULL, blob_small VARBINARY(5) NOT NULL, raw TINYBLOB NOT NULL,
  bits BIT(3) NOT NULL, bit1 BIT NOT NULL,
  yr YEAR NOT NULL,
  tags SET('red', 'green', 'blue') NOT NULL,
  size ENUM('s', 'm', 'l') NOT NULL,
  price DECIMAL(5,2) UNSIGNED NOT NULL,
  ratio DOUBLE UNSIGNED NOT NULL,
  stamp TIMESTAMP(3) NOT NULL,
  moment DATETIME(6) NOT NULL,
  tm TIME(2) NOT NULL,
  initials CHAR(2) CHARACTER SET utf8mb4 NOT NULL,
  label VARCHAR(3) NOT NULL,
  tiny TINYTEXT NOT NULL
) DEFAULT CHARSET=utf8mb4;
"""


def test_every_type_within_its_bounds(mysql: Any, make_package: Callable[..., ModuleType]) -> None:
    pkg = _create(mysql, make_package, TYPES)
    try:
        with mysql.cursor() as cur:
            cur.execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE'")
        rows = pkg.FACTORIES["everything"].create_batch(200)
    finally:
        pkg.bind(None)
    assert len(rows) == 200
    built = pkg.FACTORIES["everything"].build_batch(200)
    assert all(-128 <= r["ti"] <= 127 and 0 <= r["tu"] <= 255 for r in built)
    assert all(len(r["id"]) == 16 and len(r["code"]) == 3 for r in built)
    assert all(len(r["blob_small"]) <= 5 and len(r["raw"]) <= 255 for r in built)
    assert all(1901 <= r["yr"] <= 2155 and r["price"] >= 0 and r["ratio"] >= 0 for r in built)
    assert all(set(r["tags"].split(",")) <= {"red", "green", "blue", ""} for r in built)
    stamps = [r["stamp"] for r in built]
    assert all(s.year >= 1970 and s.year <= 2037 for s in stamps)


STORE = """
CREATE TABLE store (
  id INT AUTO_INCREMENT PRIMARY KEY,
  a DOUBLE, d DECIMAL(10,3), n INT, u SMALLINT UNSIGNED,
  d_int INT AS (d) STORED, a_int INT AS (a) STORED, a_dec DECIMAL(6,1) AS (a) STORED,
  d_dec DECIMAL(6,1) AS (d) STORED, d_text VARCHAR(12) AS (d) STORED,
  d_tiny TINYINT AS (d * 10) VIRTUAL, sum_big BIGINT AS (n + u) STORED,
  mixed DECIMAL(12,2) AS (u * d + n) STORED
);
"""
EDGES = [2.5, -2.5, 3.5, 0.05, 2.675, -0.45, 0.0, 12.349, -7.25]


def test_store_conversion_matches_mariadb(
    mysql: Any, make_package: Callable[..., ModuleType]
) -> None:
    """Generated columns converted into their column's type as MySQL stores them: DECIMAL
    rounds half away from zero, DOUBLE to an integer half to even, out of range raises."""
    from decimal import Decimal

    pkg = _create(mysql, make_package, STORE)
    factory = pkg.FACTORIES["store"]
    try:
        rows = [factory.create(a=v, d=Decimal(str(v)), n=i, u=i) for i, v in enumerate(EDGES)]
        rows += factory.create_batch(100)
    finally:
        pkg.bind(None)
    computed = pkg.COMPUTED_COLUMNS["store"]
    assert len(computed) == 8
    for row in rows:
        for column, fn in computed.items():
            assert fn(row) == row[column], (column, row)
    with pytest.raises(pkg.GenerationError, match="Out of range"):
        factory.build(d=Decimal("20"), a=1.0)  # d * 10 = 200 does not fit TINYINT
