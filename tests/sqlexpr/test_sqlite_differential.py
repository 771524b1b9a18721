"""Compiled SQLite expressions against the stdlib's sqlite3: same value and storage class.

Rows are inserted into a table whose columns carry the declared types (so affinity is
applied on the way in, as in a real schema); the values SQLite stored are read back and
passed to the compiled function, and `SELECT <expr> FROM t` is the expected answer.
Inputs mix storage classes on purpose: SQLite lets text sit in an INTEGER column.
"""

from __future__ import annotations

import math
import os
import sqlite3
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.sqlexpr import compile_expression, compile_predicate, load, runtime
from codegen.types import sqlite_type

from .harness import TEXT_CHARS, Outcome, same

EXAMPLES = int(os.environ.get("SQLEXPR_EXAMPLES", "40"))  # per construct; raise for soak runs

INTS = st.one_of(
    st.sampled_from([0, 1, -1, 2, 7, -7, 2**63 - 1, -(2**63), 2**62, 3037000500, 2**53 + 1]),
    st.integers(-1000, 1000),
    st.integers(-(2**63), 2**63 - 1),
)
FLOATS = st.one_of(
    st.sampled_from([0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.1, 1e20, 1e-7, 9.2e18, math.inf]),
    st.floats(allow_nan=False),
    st.floats(-1e6, 1e6),
)
NUMERIC_TEXT = st.sampled_from(["12", " 12 ", "12abc", "1.5", "1e3", "-0", "abc", "", "3.0",
                                "9223372036854775808", ".5", "0x10", "+7"])  # fmt: skip
TEXTS = st.text(TEXT_CHARS, max_size=8)
ANY_VALUE = st.one_of(st.none(), INTS, FLOATS, TEXTS, NUMERIC_TEXT)
BY_TYPE = {
    "INTEGER": st.one_of(st.none(), INTS, INTS, NUMERIC_TEXT, FLOATS),
    "REAL": st.one_of(st.none(), FLOATS, FLOATS, INTS, NUMERIC_TEXT),
    "TEXT": st.one_of(st.none(), TEXTS, TEXTS, NUMERIC_TEXT, INTS),
    "NUMERIC": ANY_VALUE,
    "": ANY_VALUE,
}


def two(t1: str, t2: str | None = None) -> dict[str, str]:
    return {"a": t1, "b": t2 or t1}


INT, R, T, N, X = "INTEGER", "REAL", "TEXT", "NUMERIC", ""

CASES: list[tuple[str, dict[str, str]]] = [
    *[(f"a {op} b", two(t1, t2)) for op in ("+", "-", "*", "/", "%")
      for t1, t2 in ((INT, INT), (INT, R), (R, R), (T, INT), (X, X))],
    ("-a", {"a": X}), ("a || b", two(X)), ("a || 1.5", {"a": INT}),
    *[(f"a {op} b", two(t1, t2)) for op in ("=", "<", ">=", "<>")
      for t1, t2 in ((INT, INT), (INT, T), (T, INT), (R, X), (T, X), (X, X), (N, T))],
    ("a = '5'", {"a": INT}), ("a > 10", {"a": T}), ("a = 1.0", {"a": N}),
    ("a IS b", two(INT, T)), ("a IS NOT b", two(X)), ("a IS NULL", {"a": X}),
    ("a AND b", two(X)), ("a OR b", two(INT, T)), ("NOT a", {"a": X}),
    ("a BETWEEN b AND 10", two(INT, X)), ("a IN (1, '2', 3.5, NULL)", {"a": INT}),
    ("a IN ('1', 'x')", {"a": T}), ("a NOT IN (b, 5)", two(X)),
    ("CASE WHEN a > b THEN a ELSE b END", two(INT, R)), ("CASE a WHEN 1 THEN 'one' END", {"a": X}),
    ("coalesce(a, b, 0)", two(X)), ("ifnull(a, b)", two(INT, T)), ("nullif(a, b)", two(X)),
    ("iif(a, b, 'no')", two(X)), ("max(a, b)", two(X)), ("min(a, b, 0)", two(INT, R)),
    *[(f"CAST(a AS {t})", {"a": X}) for t in ("INTEGER", "REAL", "TEXT", "NUMERIC", "VARCHAR(3)")],
    ("abs(a)", {"a": X}), ("round(a)", {"a": X}), ("round(a, 0)", {"a": R}),
    ("round(a, b)", two(X, INT)), ("round(a, 2)", {"a": R}), ("round(a, b)", two(R, X)),
    ("hex(a)", {"a": X}), ("lower(hex(a))", {"a": X}), ("hex(a || b)", two(T, R)),
    ("upper(a)", {"a": X}), ("lower(a)", {"a": T}), ("length(a)", {"a": X}),
    ("substr(a, b)", two(T, INT)), ("substr(a, b, c)", {"a": T, "b": INT, "c": INT}),
    ("trim(a)", {"a": X}), ("ltrim(a, b)", two(T)), ("rtrim(a, 'x ')", {"a": T}),
    ("replace(a, b, 'z')", two(T)), ("instr(a, b)", two(X)),
    ("a LIKE b", two(T)), ("a NOT LIKE 'a%'", {"a": X}), ("a LIKE b ESCAPE '!'", two(T)),
]  # fmt: skip


def _small_ints(spelling: str) -> st.SearchStrategy[Any]:
    return BY_TYPE[spelling]


def stored_row(
    db: sqlite3.Connection, table: str, columns: dict[str, str], row: dict[str, Any]
) -> tuple[Any, ...]:
    db.execute(f"DELETE FROM {table}")
    names = ", ".join(f'"{n}"' for n in columns)
    marks = ", ".join("?" for _ in columns)
    db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", [row[n] for n in columns])
    fetched = db.execute(f"SELECT {names} FROM {table}").fetchone()
    assert fetched is not None
    return tuple(fetched)


def sqlite_eval(db: sqlite3.Connection, select: str) -> Outcome:
    try:
        fetched = db.execute(select).fetchone()
        assert fetched is not None
        return Outcome(fetched[0])
    except sqlite3.OperationalError as err:
        if "no such" in str(err) or "syntax" in str(err):
            raise
        return Outcome(error="error")
    except (sqlite3.IntegrityError, sqlite3.DataError, OverflowError):
        return Outcome(error="error")


def python_eval(fn: Any, args: list[Any]) -> Outcome:
    try:
        return Outcome(fn(*args))
    except runtime.SqlError:
        return Outcome(error="error")


def _create(db: sqlite3.Connection, table: str, columns: dict[str, str], extra: str = "") -> None:
    db.execute(f"DROP TABLE IF EXISTS {table}")
    cols = ", ".join(f'"{n}" {t}' for n, t in columns.items())
    db.execute(f"CREATE TABLE {table} ({cols}{extra})")


@pytest.mark.parametrize(
    ("sql", "columns"), CASES, ids=[f"{s} [{','.join(c.values())}]" for s, c in CASES]
)
def test_matches_sqlite(db: sqlite3.Connection, sql: str, columns: dict[str, str]) -> None:
    types = {n: sqlite_type(t) for n, t in columns.items()}
    compiled = compile_expression(sql, "sqlite", types, name="expr")
    assert compiled.unsupported is None, compiled.source
    fn = load(compiled)["expr"]
    _create(db, "t", columns)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(st.fixed_dictionaries({n: BY_TYPE[t] for n, t in columns.items()}))
    def check(row: dict[str, Any]) -> None:
        stored = dict(zip(columns, stored_row(db, "t", columns, row), strict=True))
        expected = sqlite_eval(db, f"SELECT {sql} FROM t")
        got = python_eval(fn, [stored[p] for p in compiled.params])
        assert same(expected, got), f"{sql} with {stored}: sqlite {expected!r}, python {got!r}"

    check()


STORED = [
    ("a * b", {"a": INT, "b": R}, "INTEGER"), ("a || b", two(X), "INTEGER"),
    ("a / b", two(INT), "REAL"), ("a + b", two(X), "TEXT"), ("a - b", two(T), "NUMERIC"),
    ("a", {"a": X}, "NUMERIC"), ("a", {"a": X}, "REAL"), ("a", {"a": X}, ""),
]  # fmt: skip


@pytest.mark.parametrize(("sql", "columns", "declared"), STORED)
def test_generated_column_affinity_matches_sqlite(
    db: sqlite3.Connection, sql: str, columns: dict[str, str], declared: str
) -> None:
    """result_type applies the declared type's affinity, as a STORED generated column does."""
    types = {n: sqlite_type(t) for n, t in columns.items()}
    compiled = compile_expression(
        sql, "sqlite", types, name="gen", result_type=sqlite_type(declared)
    )
    fn = load(compiled)["gen"]
    _create(db, "g", columns, f", x {declared} GENERATED ALWAYS AS ({sql}) STORED")

    @settings(max_examples=EXAMPLES, deadline=None, database=None)
    @given(st.fixed_dictionaries({n: BY_TYPE[t] for n, t in columns.items()}))
    def check(row: dict[str, Any]) -> None:
        stored = dict(zip(columns, stored_row(db, "g", columns, row), strict=True))
        expected = sqlite_eval(db, "SELECT x FROM g")
        got = python_eval(fn, [stored[p] for p in compiled.params])
        assert same(expected, got), f"{sql} with {stored}: sqlite {expected!r}, python {got!r}"

    check()


@pytest.mark.parametrize(
    ("sql", "columns"),
    [("a > 0", {"a": INT}), ("length(a) <= 3", {"a": T}), ("a IN ('x', 'y')", {"a": T}),
     ("a BETWEEN 0 AND 1", {"a": R}), ("a", {"a": X})],
)  # fmt: skip
def test_check_predicate_matches_sqlite(
    db: sqlite3.Connection, sql: str, columns: dict[str, str]
) -> None:
    """A CHECK passes unless the predicate is False: the INSERT succeeds exactly then."""
    types = {n: sqlite_type(t) for n, t in columns.items()}
    fn = load(compile_predicate(sql, "sqlite", types, name="chk"))["chk"]
    _create(db, "c", columns, f", CHECK ({sql})")

    @settings(max_examples=EXAMPLES, deadline=None, database=None)
    @given(st.fixed_dictionaries({n: BY_TYPE[t] for n, t in columns.items()}))
    def check(row: dict[str, Any]) -> None:
        db.execute("DELETE FROM c")
        # the CHECK sees the values after affinity, so store them unchecked first
        _create(db, "plain", columns)
        stored = stored_row(db, "plain", columns, row)
        try:
            db.execute(f"INSERT INTO c VALUES ({', '.join('?' for _ in columns)})", stored)
            accepted = True
        except sqlite3.IntegrityError:
            accepted = False
        result = fn(*stored)
        assert result in (True, False, None)
        assert accepted == (result is not False), f"{sql} with {stored}: {result}"

    check()
