"""The in-process compile memo (`sqlexpr._MEMO`): a repeated expression reuses its code only
where a fresh compilation would give the same code, under any function name."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import codegen.sqlexpr as sqlexpr
from codegen.model import SqlType
from codegen.sqlexpr import Compiled, compile_expression, compile_predicate

INT = SqlType("integer", "integer")
BIG = SqlType("bigint", "bigint")
N102 = SqlType("numeric", "numeric(10,2)", precision=10, scale=2)
TEXT = SqlType("text", "text")
BOOL = SqlType("boolean", "boolean")
TS = SqlType("timestamptz", "timestamptz")
TYPES = [INT, BIG, N102, TEXT, BOOL, TS]


@pytest.fixture(autouse=True)
def empty_memo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(sqlexpr, "_MEMO", {})
    yield


def fresh(sql: str, dialect: str, columns: Mapping[str, SqlType], name: str,
          result_type: SqlType | None, predicate: bool) -> Compiled:  # fmt: skip
    """The compilation with nothing remembered (and nothing left behind)."""
    saved = sqlexpr._MEMO
    sqlexpr._MEMO = {}
    try:
        return compile_one(sql, dialect, columns, name, result_type, predicate)
    finally:
        sqlexpr._MEMO = saved


def compile_one(sql: str, dialect: str, columns: Mapping[str, SqlType], name: str,
                result_type: SqlType | None, predicate: bool) -> Compiled:  # fmt: skip
    if predicate:
        return compile_predicate(sql, dialect, columns, name=name)
    return compile_expression(sql, dialect, columns, name=name, result_type=result_type)


def test_a_repeat_under_another_name_is_the_fresh_compilation() -> None:
    first = compile_predicate("price >= 0", "postgres", {"price": N102}, name="t0__price")
    long_name = "t" * 70 + "__price_check"  # the `def` line no longer fits: laid out again
    again = compile_predicate("price >= 0", "postgres", {"price": N102, "x": INT}, name=long_name)
    assert len(sqlexpr._MEMO) == 1
    assert again == fresh("price >= 0", "postgres", {"price": N102}, long_name, None, True)
    assert again.source.replace(long_name, "t0__price") != first.source  # header re-laid out
    assert first.params == again.params == ("price",)


@pytest.mark.parametrize(
    ("columns_a", "columns_b", "dialect"),
    [
        ({"price": N102}, {"price": INT}, "postgres"),  # the type read differs
        ({"price": N102}, {"Price": N102}, "postgres"),  # not in scope (folded to lower case)
        ({"price": INT}, {"PRICE": INT}, "sqlite"),  # found case-insensitively: another name
        ({"PRICE": INT}, {"PRICE": INT, "price": BIG}, "sqlite"),  # exact match wins
        ({"Price": INT}, {"Price": INT, "PRICE": BIG}, "sqlite"),  # ambiguous: not in scope
    ],
)
def test_other_answers_compile_again(
    columns_a: dict[str, SqlType], columns_b: dict[str, SqlType], dialect: str
) -> None:
    a = compile_predicate("price >= 0", dialect, columns_a, name="f")
    b = compile_predicate("price >= 0", dialect, columns_b, name="f")
    assert a == fresh("price >= 0", dialect, columns_a, "f", None, True)
    assert b == fresh("price >= 0", dialect, columns_b, "f", None, True)
    assert a != b


def test_a_compilation_that_read_every_column_name_is_not_kept() -> None:
    wide = {f"c{i}": INT for i in range(1000)} | {"price": INT}
    compiled = compile_predicate("PRICE >= 0", "sqlite", wide, name="f")  # matched loosely
    assert compiled.params == ("price",)
    assert sqlexpr._MEMO == {}
    compile_predicate("price >= 0", "sqlite", wide, name="f")  # matched exactly
    assert len(sqlexpr._MEMO) == 1


def test_kind_dialect_and_result_type_are_part_of_the_key() -> None:
    cols = {"a": INT, "b": INT}
    made = {
        "predicate": compile_predicate("a + b", "postgres", cols, name="f"),
        "expression": compile_expression("a + b", "postgres", cols, name="f"),
        "as numeric": compile_expression("a + b", "postgres", cols, name="f", result_type=N102),
        "sqlite": compile_expression("a + b", "sqlite", cols, name="f"),
    }
    assert len(set(made.values())) == len(made)
    assert made["as numeric"] == fresh("a + b", "postgres", cols, "f", N102, False)
    assert made["sqlite"] == fresh("a + b", "sqlite", cols, "f", None, False)


def test_the_memo_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlexpr, "_MEMO_SIZE", 3)
    monkeypatch.setattr(sqlexpr, "_VARIANTS", 2)
    for i in range(6):
        compile_expression(f"a + {i}", "postgres", {"a": INT}, name="f")
        compile_expression("a + 1", "postgres", {"a": TYPES[i]}, name="f")
    assert len(sqlexpr._MEMO) <= 3
    assert all(len(variants) <= 2 for variants in sqlexpr._MEMO.values())


EXPRESSIONS = [
    "a >= 0", "a BETWEEN 1 AND 100", "a * b", "a + b > 10", "length(a) > 2", "a = b",
    "\"A\" > 0", "A < b", "a IS NOT NULL AND b IS NULL", "coalesce(a, b)", "a || b",
    "upper(a) = 'X'", "a IN (1, 2, 3)", "now()", "1 + 2", "a > now()", "no_such(a)",
]  # fmt: skip
NAMES = st.sampled_from(["a", "b", "A", "B", "c"])
COLUMNS = st.dictionaries(NAMES, st.sampled_from(TYPES), max_size=4)
CALLS = st.tuples(
    st.sampled_from(EXPRESSIONS),
    st.sampled_from(["postgres", "sqlite", "mysql"]),
    COLUMNS,
    st.sampled_from(["f", "t__check", "x" * 75]),
    st.sampled_from([None, INT, N102, TEXT]),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(CALLS, min_size=1, max_size=12))
def test_a_sequence_of_compilations_is_each_the_fresh_one(
    calls: list[tuple[str, str, dict[str, SqlType], str, SqlType | None, bool]],
) -> None:
    sqlexpr._MEMO.clear()
    for sql, dialect, columns, name, result_type, predicate in calls:
        got = compile_one(sql, dialect, columns, name, result_type, predicate)
        assert got == fresh(sql, dialect, columns, name, result_type, predicate)


def _pg_cases() -> list[tuple[str, dict[str, SqlType]]]:
    from .harness import pg_sqltype
    from .test_postgres_differential import CASES, CHECKS, STORED

    cases = [*CASES, *CHECKS, *((sql, columns) for sql, columns, _ in STORED)]
    cases += [
        ("a = ANY (ARRAY[1, 2]::integer[])", {"a": "integer"})
    ]  # new casts around a tree's nodes
    return [(sql, {n: pg_sqltype(t) for n, t in columns.items()}) for sql, columns in cases]


@pytest.mark.parametrize("predicate", [False, True])
def test_compiling_leaves_the_parsed_tree_as_parsed(predicate: bool) -> None:
    """The first compilation of a text reads the parsed tree itself, later ones a copy of
    it (`sqlexpr._parse`): so no compilation may change a tree's structure."""
    dialect = sqlexpr.of("postgres").expressions
    for sql, columns in _pg_cases():
        sqlexpr._parsed.cache_clear()
        sqlexpr._MEMO.clear()
        first = compile_one(sql, "postgres", columns, "f", None, predicate)
        parsed = sqlexpr._parsed("postgres", sql)
        if isinstance(parsed, str):
            continue
        assert parsed[1] == [], sql  # the compilation above had the tree itself
        assert parsed[0] == dialect.parse(sql), sql  # ...and left it as parsed
        again = fresh(sql, "postgres", columns, "f", None, predicate)  # from a copy
        assert again == first, sql


def _near_the_limit(depth_left: int, call: Callable[[], Compiled]) -> Compiled:
    """`call()` run about `depth_left` frames below the recursion limit."""
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    return _down(sys.getrecursionlimit() - depth - depth_left, call)


def _down(frames: int, call: Callable[[], Compiled]) -> Compiled:
    return call() if frames <= 0 else _down(frames - 1, call)


def test_running_out_of_stack_is_not_remembered() -> None:
    """Whether a deep expression runs out of stack depends on where it is compiled: the stub
    made near the recursion limit must not answer a later call with room to spare."""
    sql = "(" * 40 + "a + 1" + ")" * 40
    columns = {"a": INT}

    def deep() -> Compiled:
        return compile_expression(sql, "postgres", columns, name="f")

    stub = _near_the_limit(120, deep)
    assert stub.unsupported is not None  # ran out of stack there
    shallow = compile_expression(sql, "postgres", columns, name="f")
    assert shallow.unsupported is None
    assert shallow == fresh(sql, "postgres", columns, "f", None, False)
