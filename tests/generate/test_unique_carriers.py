"""Composite and computed UNIQUEs: 200 rows through create() land in real PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import psycopg
import pytest

from codegen.errors import Diagnostic
from codegen.render import Formatter
from tests.generate.genlib import build_package


def _warnings(sql: str, tmp_path: Path) -> list[Diagnostic]:
    file = tmp_path / "schema.sql"
    file.write_text(sql, encoding="utf-8")
    return list(build_package([file], formatter=Formatter(enabled=False)).warnings)

SMALL_NUMERIC_WITH_ARRAY = {
    "between": "c0 numeric(6,2) NOT NULL CHECK (c0 BETWEEN 1 AND 16)",
    "gt_lt": "c0 numeric(3,0) NOT NULL CHECK (c0 > 0) CHECK (c0 < 17)",
    "in": "c0 numeric(6,2) NOT NULL CHECK (c0 IN (1, 16))",
    # the hypothesis failure: one bound, and the name's range cut to 1..16 by it
    "lt": "c0 numeric(3,0) NOT NULL CHECK (c0 < 17)",
    # fewer values than rows even below the bound: the array must carry
    "lt_narrow_type": "c0 numeric(2,0) NOT NULL CHECK (c0 < 17)",
    "lt_int": "c0 smallint NOT NULL CHECK (c0 < 17)",
    "real": "c0 real NOT NULL CHECK (c0 BETWEEN 1 AND 16)",
    "smallint": "c0 smallint NOT NULL CHECK (c0 BETWEEN 1 AND 16)",
}


@pytest.mark.parametrize("case", sorted(SMALL_NUMERIC_WITH_ARRAY))
@pytest.mark.parametrize("array_null", ["", " NOT NULL"])
def test_small_numeric_does_not_carry_a_composite_unique(
    case: str, array_null: str, pg: psycopg.Connection,
    make_package: Callable[..., ModuleType],
) -> None:
    sql = (
        f"CREATE TABLE t (id serial PRIMARY KEY, {SMALL_NUMERIC_WITH_ARRAY[case]},"
        f" c1 text[]{array_null}, UNIQUE (c0, c1));"
    )
    pg.execute(sql)  # type: ignore[call-overload]
    pkg = make_package(sql=sql, seed=1)
    pkg.bind(pg)
    try:
        assert len(pkg.FACTORIES["t"].create_batch(200)) == 200
    finally:
        pkg.bind(None)


COMPUTED = """CREATE TABLE t (
    id serial PRIMARY KEY,
    x int NOT NULL,
    name text NOT NULL,
    y bigint NOT NULL,
    z int NOT NULL,
    flag boolean NOT NULL,
    bucket int GENERATED ALWAYS AS (x % 1000) STORED UNIQUE,
    code text GENERATED ALWAYS AS (lower(name) || '-x') STORED UNIQUE,
    twice bigint GENERATED ALWAYS AS ((y * 2) + 1) STORED,
    UNIQUE (twice, flag)
);
CREATE UNIQUE INDEX t_z ON t ((z - 7));
"""


def test_unique_over_computed_values_is_planned_through_the_column_read(
    pg: psycopg.Connection, make_package: Callable[..., ModuleType], tmp_path: Path
) -> None:
    """x % 1000, lower(name) || '-x', y * 2 + 1 and z - 7 stay distinct when the column they
    read does: 200 rows land, and nothing is said about them."""
    pg.execute(COMPUTED)  # type: ignore[call-overload]
    assert not [w.message for w in _warnings(COMPUTED, tmp_path) if "UNIQUE" in w.message]
    pkg = make_package(sql=COMPUTED, seed=1)
    pkg.bind(pg)
    try:
        rows = pkg.FACTORIES["t"].create_batch(200)
    finally:
        pkg.bind(None)
    assert len({r["bucket"] for r in rows}) == 200


FOLDED = """CREATE TABLE t (id serial PRIMARY KEY, x int NOT NULL, name text NOT NULL,
    bucket int GENERATED ALWAYS AS (x % 10) STORED UNIQUE);
CREATE UNIQUE INDEX t_prefix ON t (substr(name, 1, 2));
"""


def test_unique_over_a_small_or_unplanned_domain_is_refused_where_it_is(tmp_path: Path) -> None:
    warned = _warnings(FOLDED, tmp_path)
    said = {w.message.split(" is over")[0]: w for w in warned if "is over" in w.message}
    assert set(said) == {"t: UNIQUE t_bucket_key", "t: UNIQUE t_prefix"}
    bucket, prefix = said["t: UNIQUE t_bucket_key"], said["t: UNIQUE t_prefix"]
    assert "only 10 distinct values" in bucket.message
    assert "(x % 10)" in bucket.message
    assert "substr(name, 1, 2)" in prefix.message and "not kept distinct" in prefix.message
    assert bucket.location.line == 2 and prefix.location.line == 3
    assert bucket.sql == "x % 10" and "substr(name, 1, 2)" in prefix.sql
