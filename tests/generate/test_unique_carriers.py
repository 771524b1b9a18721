"""Composite and computed UNIQUEs: 200 rows through create() land in real PostgreSQL."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen import config
from codegen.errors import Diagnostic
from codegen.render import Formatter
from codegen.runtimes import _runtime
from tests.generate.genlib import build_package
from tests.myserver import load as load_mysql


def _warnings(sql: str, tmp_path: Path) -> list[Diagnostic]:
    file = tmp_path / "schema.sql"
    file.write_text(sql, encoding="utf-8")
    return list(build_package([file], formatter=Formatter(enabled=False)).warnings)


def _create_200(
    pg: psycopg.Connection, make_package: Callable[..., ModuleType], sql: str
) -> list[dict[str, Any]]:
    """The schema in real PostgreSQL, and 200 rows of table t inserted through create()."""
    pg.execute(sql)  # type: ignore[call-overload]
    pkg = make_package(sql=sql, seed=1)
    pkg.bind(pg)
    try:
        rows: list[dict[str, Any]] = pkg.FACTORIES["t"].create_batch(200)
    finally:
        pkg.bind(None)
    assert len(rows) == 200
    return rows


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


def test_a_nullable_one_valued_carrier_turns_null_past_the_other_digits(
    pg: psycopg.Connection, make_package: Callable[..., ModuleType]
) -> None:
    """UNIQUE (c0 CHECK (c0 BETWEEN 42 AND 42) NULL, c1 boolean NOT NULL): two rows with 42,
    then c0 is NULL, which never collides (the hypothesis failure after the first fix)."""
    sql = (
        "CREATE TABLE t (id serial PRIMARY KEY, c0 smallint CHECK (c0 BETWEEN 42 AND 42),"
        " c1 boolean NOT NULL, c2 text[], UNIQUE (c0, c1));"
    )
    rows = _create_200(pg, make_package, sql)
    assert sorted((r["c0"], r["c1"]) for r in rows if r["c0"] is not None) == [
        (42, False),
        (42, True),
    ]


@pytest.mark.parametrize("case", sorted(SMALL_NUMERIC_WITH_ARRAY))
@pytest.mark.parametrize("array_null", ["", " NOT NULL"])
def test_small_numeric_does_not_carry_a_composite_unique(
    case: str,
    array_null: str,
    pg: psycopg.Connection,
    make_package: Callable[..., ModuleType],
) -> None:
    sql = (
        f"CREATE TABLE t (id serial PRIMARY KEY, {SMALL_NUMERIC_WITH_ARRAY[case]},"
        f" c1 text[]{array_null}, UNIQUE (c0, c1));"
    )
    _create_200(pg, make_package, sql)


COMPUTED = """CREATE TABLE t (
    id serial PRIMARY KEY,
    x int NOT NULL,
    name text NOT NULL,
    y bigint NOT NULL,
    z int NOT NULL,
    flag boolean NOT NULL,
    label text NOT NULL,
    tag varchar(3) NOT NULL,
    bucket int GENERATED ALWAYS AS (x % 1000) STORED UNIQUE,
    code text GENERATED ALWAYS AS (lower(name) || '-x') STORED UNIQUE,
    twice bigint GENERATED ALWAYS AS ((y * 2) + 1) STORED,
    UNIQUE (twice, flag)
);
CREATE UNIQUE INDEX t_z ON t ((z - 7));
CREATE UNIQUE INDEX t_label ON t (substr(label, 1, 2));
CREATE UNIQUE INDEX t_tag ON t (left(tag, 3));
"""


def test_unique_over_computed_values_is_planned_through_the_column_read(
    pg: psycopg.Connection, make_package: Callable[..., ModuleType], tmp_path: Path
) -> None:
    """x % 1000, lower(name) || '-x', y * 2 + 1, z - 7, the first 2 characters of label and
    the first 3 of tag stay distinct when the column read is generated for it: 200 rows
    land, and nothing is said about them."""
    assert not [w.message for w in _warnings(COMPUTED, tmp_path) if "UNIQUE" in w.message]
    rows = _create_200(pg, make_package, COMPUTED)
    assert len({r["bucket"] for r in rows}) == len({r["label"][:2] for r in rows}) == 200


FOLDED = """CREATE TABLE t (id serial PRIMARY KEY, x int NOT NULL, name text NOT NULL,
    bucket int GENERATED ALWAYS AS (x % 10) STORED UNIQUE, z int NOT NULL,
    b1 int GENERATED ALWAYS AS (z % 100) STORED, b2 int GENERATED ALWAYS AS (z % 7) STORED,
    CONSTRAINT t_pair UNIQUE (b1, b2));
CREATE UNIQUE INDEX t_prefix ON t (left(name, 1));
CREATE UNIQUE INDEX t_abs ON t (abs(x));
"""


def test_unique_over_a_small_or_unplanned_domain_is_refused_where_it_is(tmp_path: Path) -> None:
    warned = _warnings(FOLDED, tmp_path)
    said = {w.message.split(" is over")[0]: w for w in warned if "is over" in w.message}
    assert set(said) == {f"t: UNIQUE {n}" for n in ("t_bucket_key", "t_pair", "t_prefix", "t_abs")}
    bucket, prefix = said["t: UNIQUE t_bucket_key"], said["t: UNIQUE t_prefix"]
    assert "(x % 10), which takes only 10 distinct values" in bucket.message
    assert "which takes only 36 distinct values" in prefix.message
    for name in ("t_pair", "t_abs"):
        assert "not kept distinct" in said[f"t: UNIQUE {name}"].message
    assert bucket.location.line == 2 and prefix.location.line == 5
    assert bucket.sql == "x % 10" and 'left"(name, 1)' in prefix.sql


@settings(max_examples=50, deadline=None)
@given(
    width=st.integers(1, 3),
    maxlen=st.one_of(st.none(), st.integers(1, 12)),
    start=st.integers(0, 40_000),
)
def test_text_led_by_the_counter_differs_in_its_first_characters(
    width: int, maxlen: int | None, start: int
) -> None:
    """unique_text_led: the first `width` characters differ for distinct counters, and past
    36**width values it raises instead of repeating one."""
    room = 36 ** min(width, maxlen or width)
    seen: set[str] = set()
    for n in range(start, start + 50):
        if n >= room:
            with pytest.raises(_runtime.GenerationError):
                _runtime.unique_text_led(n, width, "word", maxlen)
            continue
        value = _runtime.unique_text_led(n, width, "word", maxlen)
        assert maxlen is None or len(value) <= maxlen
        seen.add(value[:width])
    assert len(seen) == max(0, min(start + 50, room) - start)


# --------------------------------------------------- `c % k`: sound only on consecutive values

REMAINDER = "CREATE UNIQUE INDEX t_rem ON t ((x % 1000));\n"


def _insert(pg: psycopg.Connection, pkg: ModuleType, table: str, n: int) -> list[dict[str, Any]]:
    pkg.bind(pg)
    try:
        return [pkg.FACTORIES[table].create() for _ in range(n)]
    finally:
        pkg.bind(None)


def test_remainder_of_a_checks_list_draws_one_value_per_remainder(
    pg: psycopg.Connection, make_package: Callable[..., ModuleType], tmp_path: Path
) -> None:
    """CHECK (x IN (...)): values of repeated remainders are not drawn, so the rows
    PostgreSQL gets differ modulo 1000; past them a clear error, announced at generate."""
    sql = (
        "CREATE TABLE t (id int PRIMARY KEY,"
        " x int NOT NULL CHECK (x IN (1, 1001, 2, 3, 2003, -4, 4)));\n" + REMAINDER
    )
    said = [w.message for w in _warnings(sql, tmp_path) if "t_rem" in w.message]
    assert len(said) == 1 and "takes only 5 distinct values" in said[0]
    pg.execute(sql)  # type: ignore[call-overload]
    pkg = make_package(sql=sql, seed=1)
    rows = _insert(pg, pkg, "t", 5)
    assert sorted(r["x"] for r in rows) == [-4, 1, 2, 3, 4]
    with pytest.raises(pkg.GenerationError, match="exhausted"):
        pkg.FACTORIES["t"].build()


def test_remainder_of_a_foreign_key_is_refused_where_it_is(
    pg: psycopg.Connection, make_package: Callable[..., ModuleType], tmp_path: Path
) -> None:
    """A parent's keys need not differ modulo k: a located warning, and PostgreSQL indeed
    refuses the second row here (parent keys 1 and 1001)."""
    sql = (
        "CREATE TABLE p (id int PRIMARY KEY CHECK (id IN (1, 1001)));\n"
        "CREATE TABLE t (id int PRIMARY KEY, x int NOT NULL REFERENCES p);\n" + REMAINDER
    )
    said = [w for w in _warnings(sql, tmp_path) if "t_rem" in w.message]
    assert len(said) == 1 and said[0].location.line == 3 and said[0].sql == "(x % 1000)"
    assert "x takes the keys of p (FOREIGN KEY t_x_fkey)" in said[0].message
    pg.execute(sql)  # type: ignore[call-overload]
    pkg = make_package(sql=sql, seed=1)
    with pytest.raises(psycopg.errors.UniqueViolation):
        _insert(pg, pkg, "t", 2)


def test_remainder_of_an_override_that_repeats_raises_at_build_time(
    pg: psycopg.Connection, make_package: Callable[..., ModuleType]
) -> None:
    """An override's values are the user's: the row whose remainder repeats raises before
    PostgreSQL sees it, and every row before it is accepted."""
    sql = "CREATE TABLE t (id int PRIMARY KEY, x int NOT NULL);\n" + REMAINDER
    pg.execute(sql)  # type: ignore[call-overload]
    overrides = {"t": {"x": {"provider": "random_element", "args": [[7, 8, 1007]]}}}
    cfg = config.from_mapping({"overrides": overrides})
    pkg = make_package(sql=sql, seed=1, overrides=cfg.overrides)
    made: list[dict[str, Any]] = []
    with pytest.raises(pkg.GenerationError, match=r"t\.x = \d+: UNIQUE t_rem .* same remainder"):
        while True:
            made += _insert(pg, pkg, "t", 1)
    assert 1 <= len(made) <= 2
    assert pg.execute("SELECT count(*) FROM t").fetchone() == (len(made),)


def test_remainder_of_generated_values_raises_past_k_rows(
    make_package: Callable[..., ModuleType],
) -> None:
    """Consecutive values differ modulo k for k rows; row k + 1 raises instead of repeating
    a remainder, and reset() starts over."""
    sql = "CREATE TABLE t (id int PRIMARY KEY, x int NOT NULL);\n" + REMAINDER
    pkg = make_package(sql=sql, seed=1)
    factory = pkg.FACTORIES["t"]
    assert len({r["x"] % 1000 for r in factory.build_batch(1000)}) == 1000
    with pytest.raises(pkg.GenerationError, match="same remainder"):
        factory.build()
    pkg.reset()
    factory.reset_sequence()
    assert len(factory.build_batch(10)) == 10


NARROW_FLOAT_CARRIERS = {
    # the saved hypothesis failure: two reals between 999 and 1000 (2 whole numbers)
    "two_reals": "c0 real CHECK (c0 BETWEEN 999 AND 1000), c1 real CHECK (c1 BETWEEN 999 AND 1000)",
    "real_bool": "c0 real NOT NULL CHECK (c0 BETWEEN 999 AND 1000), c1 boolean NOT NULL",
    "real_strict": "c0 real NOT NULL CHECK (c0 > 5 AND c0 < 6), c1 boolean NOT NULL",
    "double_bool": "c0 double precision NOT NULL CHECK (c0 BETWEEN -1 AND 0), c1 boolean NOT NULL",
}


@pytest.mark.parametrize("case", sorted(NARROW_FLOAT_CARRIERS))
def test_a_float_carrier_goes_past_the_whole_numbers_in_its_bounds(
    case: str, pg: psycopg.Connection, make_package: Callable[..., ModuleType]
) -> None:
    """A real CHECK-bounded to [999, 1000] holds thousands of distinct values, not 2: the
    carrier steps through halves, quarters... and PostgreSQL's UNIQUE accepts all 200 rows."""
    sql = f"CREATE TABLE t (id serial PRIMARY KEY, {NARROW_FLOAT_CARRIERS[case]}, UNIQUE (c0, c1));"
    rows = _create_200(pg, make_package, sql)
    stored = pg.execute("SELECT count(DISTINCT c0) FROM t").fetchone()  # type: ignore[call-overload]
    assert stored == (200,)  # the carrier alone tells the rows apart, as float4 too
    assert len({r["c0"] for r in rows}) == 200


def test_a_small_numeric_carrier_takes_the_next_digit_and_then_raises(
    pg: psycopg.Connection, make_package: Callable[..., ModuleType]
) -> None:
    """numeric(3,0) CHECK (c0 BETWEEN 5 AND 6) with a boolean: 4 distinct rows exist, all
    4 reach PostgreSQL, and the 5th raises instead of repeating one."""
    sql = (
        "CREATE TABLE t (id serial PRIMARY KEY,"
        " c0 numeric(3,0) NOT NULL CHECK (c0 BETWEEN 5 AND 6),"
        " c1 boolean NOT NULL, UNIQUE (c0, c1));"
    )
    pg.execute(sql)  # type: ignore[call-overload]
    pkg = make_package(sql=sql, seed=1)
    rows = _insert(pg, pkg, "t", 4)
    assert sorted((int(r["c0"]), r["c1"]) for r in rows) == [
        (5, False), (5, True), (6, False), (6, True),
    ]  # fmt: skip
    with pytest.raises(pkg.GenerationError, match="exhausted"):
        pkg.FACTORIES["t"].build()


def _float4(x: float) -> float:
    return float(struct.unpack("f", struct.pack("f", x))[0])


@settings(max_examples=200, deadline=None)
@given(
    lo=st.floats(-1e7, 1e7, allow_nan=False),
    width=st.floats(0, 1e3),
    places=st.none() | st.integers(0, 4),
)
def test_unique_float_values_are_distinct_exact_reals_inside_the_bounds(
    lo: float, width: float, places: int | None
) -> None:
    """Whatever the bounds: every value is inside them, exact as a 4-byte real (so it stays
    distinct in any float column), has at most `places` decimals, and none repeats."""
    hi = lo + width
    values: list[float] = []
    for n in range(300):
        try:
            values.append(_runtime.unique_float(n, lo, hi, "t.c", places))
        except _runtime.GenerationError:
            break
    assert len(set(values)) == len(values)
    for value in values:
        assert lo <= value <= hi and _float4(value) == value
        assert places is None or round(value, places) == value
    if width >= 1 and max(abs(lo), abs(hi)) < 2**22:  # whole numbers, then halves if places allow
        assert len(values) >= min(300, int(width) * (1 if places == 0 else 2))


def test_a_unique_mysql_float_with_a_scale_keeps_to_its_digits(
    mysql: Any, make_package: Callable[..., ModuleType]
) -> None:
    """FLOAT(4,1) rounds to one digit: past the whole numbers 1..3 only the halves fit
    (0.25 would round onto a neighbour), so 5 rows reach MariaDB unchanged, then an error."""
    sql = (
        "CREATE TABLE u (id INT PRIMARY KEY,"
        " a FLOAT(4,1) NOT NULL UNIQUE CHECK (a BETWEEN 1 AND 3));"
    )
    load_mysql(mysql, sql)
    pkg = make_package(sql=sql, dialect="mysql", seed=1)
    rows = pkg.FACTORIES["u"].build_batch(5)
    with mysql.cursor() as cur:
        cur.executemany("INSERT INTO u (id, a) VALUES (%s, %s)", [(r["id"], r["a"]) for r in rows])
        cur.execute("SELECT a FROM u ORDER BY a")
        assert [a for (a,) in cur.fetchall()] == [1.0, 1.5, 2.0, 2.5, 3.0]
    with pytest.raises(pkg.GenerationError, match="exhausted"):
        pkg.FACTORIES["u"].build()
