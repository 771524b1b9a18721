"""MySQL rows that MariaDB accepts: re-select after INSERT, and every type's bounds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
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


TEXT_AND_TIME = """
CREATE TABLE texts (
  id INT AUTO_INCREMENT PRIMARY KEY,
  l1 VARCHAR(12) CHARACTER SET latin1 NOT NULL,
  asc1 VARCHAR(12) CHARACTER SET ascii NOT NULL,
  m3 VARCHAR(12) CHARACTER SET utf8mb3 NOT NULL,
  m4 VARCHAR(12) NOT NULL,
  tt TINYTEXT NOT NULL,
  cyr VARCHAR(20) CHARACTER SET cp1251 COLLATE cp1251_general_ci,
  body TEXT CHARACTER SET latin1,
  code CHAR(4) COLLATE ascii_bin NOT NULL
) DEFAULT CHARSET=utf8mb4;
CREATE TABLE legacy (id INT PRIMARY KEY, name VARCHAR(30) NOT NULL, note TEXT)
  DEFAULT CHARSET=latin1;
CREATE TABLE moments (
  id INT PRIMARY KEY,
  d0 DATETIME NOT NULL, d3 DATETIME(3) NOT NULL, d6 DATETIME(6) NOT NULL,
  t0 TIME NOT NULL, t2 TIME(2) NOT NULL, s4 TIMESTAMP(4) NOT NULL,
  f FLOAT UNSIGNED NOT NULL, fps FLOAT(7,2) UNSIGNED NOT NULL, dps DOUBLE(8,3) NOT NULL,
  r REAL UNSIGNED, du DECIMAL(6,2) UNSIGNED NOT NULL
);
"""


def _stored(mysql: Any, table: str, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Insert built rows as they are; what MySQL hands back, in the same order."""
    columns = list(rows[0])
    names = ", ".join(f"`{c}`" for c in columns)
    with mysql.cursor() as cur:
        cur.executemany(
            f"INSERT INTO `{table}` ({names}) VALUES ({', '.join(['%s'] * len(columns))})",
            [[row[c] for c in columns] for row in rows],
        )
        cur.execute(f"SELECT {names} FROM `{table}` ORDER BY id")
        return list(cur.fetchall())


@pytest.mark.parametrize("locale", ["ja_JP", "de_DE", "en_US"])
def test_text_in_charsets_and_fractional_seconds(
    locale: str, mysql: Any, make_package: Callable[..., ModuleType]
) -> None:
    """Built rows are stored unchanged: text in each column's character set (Japanese
    words into latin1, ascii, cp1251, TINYTEXT's 255 bytes), DATETIME(n)/TIME(n)/
    TIMESTAMP(n) with at most n digits of a second (MySQL rounds finer ones), FLOAT
    UNSIGNED and FLOAT(p,s) within range and at s digits."""
    load_mysql(mysql, TEXT_AND_TIME)
    pkg = make_package(sql=TEXT_AND_TIME, dialect="mysql", seed=11, locale=locale)
    for table in ("texts", "legacy", "moments"):
        built = pkg.FACTORIES[table].build_batch(200)
        if table == "texts":
            for n, row in enumerate(built, 1):
                row["id"] = n
        stored = _stored(mysql, table, built)
        for row, back in zip(built, stored, strict=True):
            for (column, value), got in zip(row.items(), back, strict=True):
                if column in ("f", "r"):  # single precision: MySQL keeps ~7 digits
                    assert got is None or got >= 0
                    continue
                assert got == _as_stored(value), (table, column, value, got)
    moments = pkg.FACTORIES["moments"].build_batch(200)
    assert all(m["d0"].microsecond == 0 and m["t0"].microsecond == 0 for m in moments)
    assert any(m["d6"].microsecond % 1000 for m in moments)  # six digits are used
    assert all(m["d3"].microsecond % 1000 == 0 for m in moments)
    assert all(m["t2"].microsecond % 10_000 == 0 for m in moments)


def _as_stored(value: Any) -> Any:
    """PyMySQL reads TIME as a timedelta."""
    if isinstance(value, time):
        return timedelta(
            hours=value.hour, minutes=value.minute, seconds=value.second,
            microseconds=value.microsecond,
        )  # fmt: skip
    return value


def test_in_charset_keeps_what_each_charset_stores() -> None:
    from codegen.runtimes._runtime import in_charset

    assert in_charset("naïve 😀 日本", "utf8mb4") == "naïve 😀 日本"
    assert in_charset("naïve 😀 日本", "utf8mb3") == "naïve x 日本"
    assert in_charset("naïve 😀 日本", "latin1") == "naïve x xx"
    assert in_charset("naïve 😀 日本", "ascii") == "naive x xx"
    assert in_charset("日本語", "utf8mb4", 7) == "日本"
    assert in_charset("Жук", "cp1251") == "Жук" and in_charset("Жук", "mystery") == "xxx"


PARTITIONED = """
CREATE TABLE logs (id INT NOT NULL, at DATE NOT NULL, msg VARCHAR(40), PRIMARY KEY (id, at))
  PARTITION BY RANGE (YEAR(at)) (PARTITION p0 VALUES LESS THAN (2020),
  PARTITION p1 VALUES LESS THAN MAXVALUE);
CREATE TABLE h (a INT NOT NULL PRIMARY KEY, b VARCHAR(5)) ENGINE=InnoDB
  PARTITION BY HASH(a) PARTITIONS 4
"""


def test_partitioned_tables_accept_rows(
    mysql: Any, make_package: Callable[..., ModuleType]
) -> None:
    pkg = _create(mysql, make_package, PARTITIONED)
    try:
        assert len(pkg.FACTORIES["logs"].create_batch(200)) == 200
        assert len(pkg.FACTORIES["h"].create_batch(200)) == 200
    finally:
        pkg.bind(None)
