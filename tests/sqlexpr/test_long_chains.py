"""Expressions of the size real schemas hold compile and compute the database's value
(issue 13, item 12): a 200-term `||`, a 2,000-term `+`, 1,000 ORed terms, `coalesce`
nested 40 deep. Left-deep chains fold without recursing (sqlexpr/core.py), so the
compiled Python stays flat; each is checked against PostgreSQL, SQLite and MariaDB.
Compile time and peak memory per case are printed (run with -s)."""

from __future__ import annotations

import sqlite3
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen import deep
from codegen.model import SqlType
from codegen.sqlexpr import (
    MAX_NESTING,
    Compiled,
    _nesting,
    compile_expression,
    compile_predicate,
    load,
)
from codegen.sqlexpr.runtime import SqlError

INT = SqlType("integer", "integer")
BIGINT = SqlType("bigint", "bigint")
TEXT = SqlType("text", "text")


def _nested_coalesce(depth: int) -> str:
    sql = "a"
    for i in range(depth):
        sql = f"coalesce({sql}, {i})"
    return sql


# name -> (SQL, type of `a`, is a predicate, values of `a`)
CASES: dict[str, tuple[Callable[[], str], SqlType, bool, list[Any]]] = {
    "concat200": (lambda: " || ".join(["a"] * 200), TEXT, False, ["x", "", None]),
    "plus2000": (lambda: " + ".join(["a"] * 2000), INT, False, [1, -7, 1_073_741, None]),
    "mixed300": (
        lambda: " + ".join(f"a * {i}" for i in range(1, 300)) + " - 1.5",
        INT,
        False,
        [0, 3, -11, None],
    ),
    "or1000": (
        lambda: " OR ".join(f"a = {i}" for i in range(1000)),
        INT,
        True,
        [0, 500, 999, 1000, -1, None],
    ),
    "coalesce40": (lambda: _nested_coalesce(40), INT, False, [5, None]),
    # SQLite's own parser stops near 30 nested calls ("parser stack overflow") and at an
    # expression tree 1,000 deep (SQLITE_MAX_EXPR_DEPTH): a schema beyond is refused there
    "coalesce25": (lambda: _nested_coalesce(25), INT, False, [5, None]),
    "plus990": (lambda: " + ".join(["a"] * 990), INT, False, [1, -7, 2**53, None]),
    "or990": (
        lambda: " OR ".join(f"a = {i}" for i in range(990)),
        INT,
        True,
        [0, 500, 989, 990, -1, None],
    ),
}
SQLITE_ONLY = {"coalesce25", "plus990", "or990"}
DIALECTS = {
    "postgres": set(CASES) - SQLITE_ONLY,
    "sqlite": SQLITE_ONLY | {"concat200", "mixed300"},
    # `||` is OR in MySQL's default sql_mode
    "mysql": set(CASES) - SQLITE_ONLY - {"concat200"},
}


def _compile(case: str, dialect: str) -> Compiled:
    make, a_type, predicate, _ = CASES[case]
    sql = make()
    if dialect == "mysql" and a_type is INT:
        a_type = SqlType("int", "int")
    started = time.perf_counter()
    tracemalloc.start()
    try:
        if predicate:
            compiled = deep.run(compile_predicate, sql, dialect, {"a": a_type}, name="f")
        else:  # as the commands do: in a thread with a deep stack (codegen/deep.py)
            compiled = deep.run(compile_expression, sql, dialect, {"a": a_type}, name="f")
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    seconds = time.perf_counter() - started
    print(f"\n{dialect} {case}: compiled in {seconds:.3f} s, peak {peak / 2**20:.1f} MiB,"
          f" {len(compiled.source)} characters")  # fmt: skip
    assert compiled.unsupported is None, compiled.unsupported
    assert _nesting(compiled.source) <= MAX_NESTING
    return compiled


def _ours(compiled: Compiled, value: Any) -> Any:
    try:
        return load(compiled)["f"](value)
    except SqlError as error:
        return ("error", error.sqlstate)


def _expected(case: str, theirs: Any) -> Any:
    if CASES[case][2] and not isinstance(theirs, tuple):  # a CHECK: True, False or None
        return None if theirs is None else bool(theirs)
    return theirs


@pytest.mark.parametrize("case", sorted(DIALECTS["postgres"]))
def test_long_chain_matches_postgres(case: str, pgdb: Any) -> None:
    compiled = _compile(case, "postgres")
    spelling = "text" if CASES[case][1] is TEXT else "integer"
    for value in CASES[case][3]:
        try:
            with pgdb.transaction():
                row = pgdb.execute(
                    f"SELECT {compiled.sql} FROM (SELECT %s::{spelling} AS a) AS t", [value]
                ).fetchone()
            theirs: Any = row[0]
        except Exception as error:  # the database raises: ours must, with its SQLSTATE
            theirs = ("error", getattr(error, "sqlstate", None))
        assert _ours(compiled, value) == _expected(case, theirs), (case, value)


@pytest.mark.parametrize("case", sorted(DIALECTS["sqlite"]))
def test_long_chain_matches_sqlite(case: str) -> None:
    compiled = _compile(case, "sqlite")
    db = sqlite3.connect(":memory:")
    try:
        for value in CASES[case][3]:
            row = db.execute(f"SELECT {compiled.sql} FROM (SELECT ? AS a)", [value]).fetchone()
            assert _ours(compiled, value) == _expected(case, row[0]), (case, value)
    finally:
        db.close()


@pytest.mark.parametrize("case", sorted(DIALECTS["mysql"]))
def test_long_chain_matches_mariadb(case: str, mysql: Any) -> None:
    compiled = _compile(case, "mysql")
    with mysql.cursor() as cur:
        cur.execute("CREATE TABLE t (a INT)")
        for value in CASES[case][3]:
            cur.execute("DELETE FROM t")
            cur.execute("INSERT INTO t VALUES (%s)", [value])
            cur.execute(f"SELECT {compiled.sql} FROM t")
            theirs = cur.fetchone()[0]
            ours = _ours(compiled, value)
            if isinstance(theirs, Decimal) and isinstance(ours, Decimal):
                assert str(ours) == str(theirs), (case, value)
            assert ours == _expected(case, theirs), (case, value)


def test_chain_beyond_the_limit_is_a_warned_stub() -> None:
    sql = " + ".join(["a"] * 10_002)
    compiled = compile_expression(sql, "sqlite", {"a": INT}, name="f")
    assert compiled.unsupported == "a chain of 10001 operators (the limit is 10000)"
    with pytest.raises(NotImplementedError, match="the limit is 10000"):
        load(compiled)["f"](1)


def test_chain_evaluates_each_operand_in_order() -> None:
    """A step's operand is evaluated at its step: the first error is PostgreSQL's."""
    sql = "a + 2147483647 + (1 / 0)" + " + a" * 20
    compiled = compile_expression(sql, "postgres", {"a": INT}, name="f")
    assert _ours(compiled, 1) == ("error", "22003")  # overflow before division by zero


TERMS = ["a", "b", "2", "-3", "0", "7.5", "'4'", "(a * b)", "(a / b)", "(a % 3)", "(b || a)"]


@st.composite
def _chains(draw: st.DrawFn) -> str:
    """A left-deep chain of + and - (one precedence level, so it folds) over columns,
    literals and parenthesised operations."""
    terms = draw(st.lists(st.sampled_from(TERMS), min_size=9, max_size=40))
    ops = draw(st.lists(st.sampled_from(["+", "-"]), min_size=len(terms) - 1,
                        max_size=len(terms) - 1))  # fmt: skip
    return terms[0] + "".join(f" {op} {t}" for op, t in zip(ops, terms[1:], strict=True))


@settings(max_examples=150, deadline=None)
@given(sql=_chains(), a=st.one_of(st.none(), st.integers(-50, 50)), b=st.integers(-9, 9))
def test_folded_chains_match_sqlite(sql: str, a: int | None, b: int) -> None:
    """Any mix of operators folds step by step exactly as the nested form computes it."""
    compiled = compile_expression(sql, "sqlite", {"a": INT, "b": INT}, name="f")
    assert compiled.unsupported is None and (
        "rt.chain(" in compiled.source or "rt.fold(" in compiled.source
    )
    db = sqlite3.connect(":memory:")
    try:
        row = db.execute(f"SELECT {sql} FROM (SELECT ? AS a, ? AS b)", [a, b]).fetchone()
    finally:
        db.close()
    fn = load(compiled)["f"]
    args = {"a": a, "b": b}
    assert fn(*[args[p] for p in compiled.params]) == row[0]


PG_TERMS = ["a", "b", "2", "-3", "0", "7.5", "(a * b)", "(a / b)", "(a % 3)", "2147483647"]


@st.composite
def _pg_chains(draw: st.DrawFn) -> str:
    terms = draw(st.lists(st.sampled_from(PG_TERMS), min_size=9, max_size=40))
    ops = draw(st.lists(st.sampled_from(["+", "-"]), min_size=len(terms) - 1,
                        max_size=len(terms) - 1))  # fmt: skip
    return terms[0] + "".join(f" {op} {t}" for op, t in zip(ops, terms[1:], strict=True))


@settings(max_examples=100, deadline=None)
@given(sql=_pg_chains(), a=st.one_of(st.none(), st.integers(-50, 50)), b=st.integers(-3, 3))
def test_folded_chains_match_postgres(sql: str, a: int | None, b: int, pgdb: Any) -> None:
    """Overflow and division by zero surface at the step PostgreSQL reaches them."""
    compiled = compile_expression(sql, "postgres", {"a": INT, "b": INT}, name="f")
    assert compiled.unsupported is None
    try:
        with pgdb.transaction():
            theirs: Any = pgdb.execute(
                f"SELECT {sql.replace('%', '%%')} FROM (SELECT %s::integer AS a, %s::integer AS b)"
                " AS t",
                [a, b],
            ).fetchone()[0]
    except Exception as error:
        theirs = ("error", getattr(error, "sqlstate", None))
    args = {"a": a, "b": b}
    try:
        ours: Any = load(compiled)["f"](*[args[p] for p in compiled.params])
    except SqlError as error:
        ours = ("error", error.sqlstate)
    assert ours == theirs
    if isinstance(ours, Decimal):
        assert str(ours) == str(theirs)
