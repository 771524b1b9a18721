"""Differential-test helpers: typed inputs, the database's answer, the compiled answer.

The database is always real (PostgreSQL from the session's throwaway server, SQLite from
the stdlib); nothing here mocks it. A comparison is exact: same Python type, same value,
for Decimal the same scale, for floats the same bits; where the database raises, the
compiled function must raise `SqlError` with the same SQLSTATE.
"""

from __future__ import annotations

import math
import re
import string
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import psycopg
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

from codegen.model import SqlType
from codegen.sqlexpr import Compiled, compile_expression, compile_predicate, load, runtime

# --------------------------------------------------------------------------- types


def pg_sqltype(spelling: str) -> SqlType:
    """The model's SqlType for a PostgreSQL type spelling used in the tests.

    A `:small` suffix (`integer:small`) keeps the type but draws only small values.
    """
    spelling = spelling.split(":small")[0]
    m = re.fullmatch(r"(numeric|varchar|char)\((\d+)(?:,(\d+))?\)", spelling)
    if m:
        if m[1] == "char":
            return SqlType("char", spelling, length=int(m[2]))
        if m[1] == "numeric":
            p, s = int(m[2]), int(m[3] or 0)
            return SqlType("numeric", spelling, precision=p, scale=s)
        return SqlType("varchar", spelling, length=int(m[2]))
    if spelling.startswith("enum:"):
        return SqlType("enum", spelling[5:], name=spelling[5:])
    category = {"double precision": "double", "float8": "double"}.get(spelling, spelling)
    return SqlType(category, spelling)


# --------------------------------------------------------------------------- strategies

INT_EDGES = {
    "smallint": [0, 1, -1, 2, -2, 32767, -32768, 32766, 181, -182, 255],
    "integer": [0, 1, -1, 2, -2, 2**31 - 1, -(2**31), 2**31 - 2, 46341, -46341, 65536],
    "bigint": [0, 1, -1, 2, -2, 2**63 - 1, -(2**63), 2**53 + 1, 3037000500, -(2**32)],
}
TEXT_CHARS = string.ascii_letters + string.digits + " .,-_%\\!@+'\"éÉßΣσǆ日本ÿŸİı😀\u0301\t\n"


def ints(kind: str) -> st.SearchStrategy[int | None]:
    lo, hi = runtime.INT_RANGES[kind]
    return st.one_of(
        st.none(), st.sampled_from(INT_EDGES[kind]), st.integers(-1000, 1000), st.integers(lo, hi)
    )


def small_ints() -> st.SearchStrategy[int | None]:
    return st.one_of(st.none(), st.integers(-6, 12))


@st.composite
def _decimal(draw: st.DrawFn, precision: int | None, scale: int | None) -> Decimal:
    if precision is not None:
        s = scale or 0
        digits = draw(st.integers(0, precision))
        unscaled = draw(st.integers(-(10**digits) + 1, 10**digits - 1))
        return Decimal(unscaled).scaleb(-s)
    s = draw(st.integers(0, 8))
    unscaled = draw(st.one_of(st.integers(-(10**14), 10**14), st.integers(-1000, 1000), st.just(5)))
    return runtime.num_fix(Decimal(unscaled).scaleb(-s))


def decimals(precision: int | None = None, scale: int | None = None) -> st.SearchStrategy[Any]:
    edges = [Decimal("0"), Decimal("0.5"), Decimal("-0.5"), Decimal("2.5"), Decimal("-2.5"),
             Decimal("1.005"), Decimal("0.00"), Decimal("99999999.99"), Decimal("1E-10"),
             Decimal("123456789.123456789"), Decimal("-0.0001")]  # fmt: skip
    if precision is not None:
        s = scale or 0
        edges = [
            e.quantize(Decimal(1).scaleb(-s))
            for e in edges
            if abs(e) < Decimal(10) ** (precision - s) - 1
        ]
    return st.one_of(st.none(), st.sampled_from(edges), _decimal(precision, scale))


def doubles() -> st.SearchStrategy[float | None]:
    edges = [0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.1, 1e308, -1e308, 5e-324, 1e-300,
             2.0**53 + 2, 2147483647.5, -2147483648.5, 9.2e18,
             math.inf, -math.inf, math.nan]  # fmt: skip
    return st.one_of(st.none(), st.sampled_from(edges), st.floats(), st.floats(-1e6, 1e6))


def reals() -> st.SearchStrategy[float | None]:
    edges = [0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.1, 3.4028234663852886e38, 1e-45, 16777217.0]
    return st.one_of(
        st.none(),
        st.sampled_from([runtime.f32(e) for e in edges]),
        st.floats(width=32),
        st.floats(-1e5, 1e5, width=32),
    )


def texts(alphabet: str = TEXT_CHARS, max_size: int = 8) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), st.just(""), st.text(alphabet, max_size=max_size))


def dates() -> st.SearchStrategy[date | None]:
    edges = [date(2000, 2, 29), date(2024, 1, 31), date(1999, 12, 31), date(2021, 1, 3)]
    return st.one_of(
        st.none(), st.sampled_from(edges), st.dates(date(1900, 1, 1), date(2100, 12, 31))
    )


def timestamps(aware: bool = False) -> st.SearchStrategy[datetime | None]:
    base = st.datetimes(datetime(1900, 1, 1), datetime(2100, 12, 31))
    if aware:
        return st.one_of(st.none(), base.map(lambda t: t.replace(tzinfo=UTC)))
    return st.one_of(st.none(), base)


def json_documents() -> st.SearchStrategy[Any]:
    """jsonb documents (no floats: jsonb prints numbers as written, Python as it likes)."""
    keys = st.sampled_from(["kind", "b", "c", "l", "n", "0"])
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5),
                        st.text("ab1 ", max_size=3))  # fmt: skip

    def nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3))

    values = st.recursive(scalars, nested, max_leaves=6)
    return st.one_of(st.none(), st.dictionaries(keys, values, max_size=4), st.lists(values))


def booleans() -> st.SearchStrategy[bool | None]:
    return st.one_of(st.none(), st.booleans())


def strategy(spelling: str) -> st.SearchStrategy[Any]:
    t = pg_sqltype(spelling)
    if spelling.endswith(":small"):
        return st.one_of(st.none(), st.integers(-3, 12), st.sampled_from([-100000, 100000]))
    if t.category in runtime.INT_RANGES:
        return ints(t.category)
    table: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
        "numeric": lambda: decimals(t.precision, t.scale),
        "double": doubles,
        "real": reals,
        "text": texts,
        "varchar": lambda: texts(max_size=(t.length or 8) + 2).filter(
            lambda s: s is None or len(s) <= (t.length or 99)
        ),
        "char": lambda: texts("ab Y", max_size=(t.length or 4) + 1).filter(
            lambda s: s is None or t.length is None or len(s) <= t.length
        ),
        "boolean": booleans,
        "jsonb": json_documents,
        "date": dates,
        "timestamp": timestamps,
        "timestamptz": lambda: timestamps(aware=True),
    }
    return table[t.category]()


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Outcome:
    value: Any = None
    error: str | None = None  # SQLSTATE when the evaluation raised

    def __repr__(self) -> str:
        return f"error {self.error}" if self.error else f"{self.value!r}"


def same(a: Outcome, b: Outcome) -> bool:
    if a.error or b.error:
        return a.error == b.error
    return same_value(a.value, b.value)


def same_value(x: Any, y: Any) -> bool:
    if x is None or y is None:
        return x is None and y is None
    if type(x) is not type(y):
        return False
    if isinstance(x, Decimal):
        if x.is_nan() or y.is_nan():
            return x.is_nan() and y.is_nan()
        return x == y and x.as_tuple().exponent == y.as_tuple().exponent
    if isinstance(x, float):
        return struct.pack("<d", x) == struct.pack("<d", y) or (x != x and y != y)
    return bool(x == y)


def call(fn: Callable[..., Any], args: list[Any]) -> Outcome:
    try:
        return Outcome(fn(*args))
    except runtime.SqlError as err:
        return Outcome(error=err.sqlstate)
    except runtime.Unrepresentable:
        return Outcome(error="unrepresentable")


# --------------------------------------------------------------------------- PostgreSQL


def _pg_spelling(spelling: str) -> str:
    return "text" if spelling.startswith("enum:") else spelling.split(":small")[0]


def pg_select(
    conn: psycopg.Connection, sql: str, columns: Mapping[str, str], row: Mapping[str, Any],
    wrap: str = "{}",
) -> Outcome:  # fmt: skip
    """`SELECT <sql>` with each column bound as a typed parameter."""
    select = f"SELECT {wrap.format(f'({sql})')}"
    params = [
        Jsonb(row[name]) if t == "jsonb" and row[name] is not None else row[name]
        for name, t in columns.items()
    ]
    if columns:
        typed = ", ".join(f'%s::{_pg_spelling(t)} AS "{n}"' for n, t in columns.items())
        select += f" FROM (SELECT {typed}) AS t"
    try:
        with conn.cursor() as cur:
            cur.execute(select.replace("%", "%%").replace("%%s", "%s"), params)
            fetched = cur.fetchone()
            assert fetched is not None
            return Outcome(fetched[0])
    except psycopg.DataError as err:
        if err.sqlstate is None:  # psycopg cannot load it: a BC date, year 10000, ...
            return Outcome(error="unrepresentable")
        return Outcome(error=err.sqlstate)
    except psycopg.Error as err:
        if err.sqlstate is None or err.sqlstate.startswith("42"):
            raise  # a mistake in the test itself, not a value error
        return Outcome(error=err.sqlstate)


def pg_compare(
    conn: psycopg.Connection,
    sql: str,
    columns: Mapping[str, str],
    row: Mapping[str, Any],
    compiled: Compiled,
    fn: Callable[..., Any],
) -> tuple[Outcome, Outcome]:
    """(database, python) outcomes for one input row; reals and intervals made comparable."""
    kind = compiled.result_type.category if compiled.result_type else None
    wrap = {"real": "{}::float8", "interval": "{}::text"}.get(kind or "", "{}")
    db = pg_select(conn, sql, columns, row, wrap)
    py = call(fn, [row[p] for p in compiled.params])
    if kind == "interval" and not py.error and py.value is not None:
        py = Outcome(runtime.interval_out(py.value))
    return db, py


def compile_pg(sql: str, columns: Mapping[str, str], predicate: bool = False) -> Compiled:
    types = {n: pg_sqltype(t) for n, t in columns.items()}
    if predicate:
        return compile_predicate(sql, "postgres", types, name="check")
    return compile_expression(sql, "postgres", types, name="expr")


def loaded(compiled: Compiled) -> Callable[..., Any]:
    assert compiled.unsupported is None, compiled.source
    return load(compiled)[compiled.name]
