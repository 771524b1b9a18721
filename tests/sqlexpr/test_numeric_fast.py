"""The numeric runtime's shortcuts give what the plain definitions give: a Decimal's exponent
read from its text, num_fix without as_tuple(), rounding with cached quanta, to_numeric
without a typmod, and the "stored as is" tests of the factory rows and the in-memory
database (a value they accept is one coercion returns unchanged)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.runtimes import _database, _rowcheck
from codegen.sqlexpr import runtime as rt

finite = st.decimals(allow_nan=False, allow_infinity=False) | st.builds(
    lambda digits, exponent, sign: Decimal((sign, digits, exponent)),
    st.lists(st.integers(0, 9), min_size=1, max_size=30).map(tuple),
    st.integers(-40, 40),
    st.integers(0, 1),
)


def _old_fix(d: Decimal) -> Decimal:
    exponent = d.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        d = d.quantize(Decimal(1), context=rt.NUM)
    if d.is_zero() and d.is_signed():
        d = d.copy_abs()
    return d


@settings(max_examples=200)
@given(d=finite)
def test_exponent_fix_and_ratio_match_their_definitions(d: Decimal) -> None:
    assert rt._exponent(d) == d.as_tuple().exponent
    fixed = rt.num_fix(d)
    assert (str(fixed), fixed.is_signed()) == (str(_old_fix(d)), _old_fix(d).is_signed())
    n, s = rt._as_ratio(d)
    assert Decimal(n).scaleb(-s, rt.NUM) == d  # exact: the default context rounds


@settings(max_examples=150)
@given(d=finite, scale=st.integers(0, 45))
def test_round_to_matches_quantize(d: Decimal, scale: int) -> None:
    want = _old_fix(d.quantize(Decimal(1).scaleb(-scale), context=rt.NUM))
    got = rt.num_round_to(d, scale)
    assert (str(got), got.is_signed()) == (str(want), want.is_signed())


@given(value=st.integers(-(10**20), 10**20) | finite)
def test_to_numeric_without_typmod_keeps_the_value(value: Any) -> None:
    got = rt.to_numeric(value)
    assert got == value and str(got) == str(Decimal(value))


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.text(max_size=6),
    st.sampled_from(["a\x00", "pending", "paid", "ab ", "abc  "]),
    st.uuids(),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(dt.UTC)),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
)
KINDS = [
    ("smallint", {}), ("integer", {}), ("bigint", {}), ("text", {}),
    ("varchar", {"length": 3}), ("char", {"length": 3}), ("boolean", {}), ("uuid", {}),
    ("date", {}), ("timestamp", {}), ("timestamptz", {}),
    ("enum", {"labels": ("pending", "paid")}),
]  # fmt: skip


@settings(max_examples=300)
@given(value=values, kind=st.sampled_from(KINDS))
def test_values_taken_as_they_are_are_what_coercion_returns(value: Any, kind: Any) -> None:
    name, extra = kind
    col = _rowcheck.Col(name, name, **extra)
    accept = _rowcheck.stored_as_is(col)
    if accept is not None and value is not None and accept(value):
        assert _same(_rowcheck.coerce("t", "c", col, value), value)
    spec = _database.ColumnSpec("c", _database.TypeSpec(name, name, **extra))
    take = _database.stored_as_is(spec, False)
    if take is not None and value is not None and take(value):
        assert _same(_database.coerce_value(spec, spec.type, value, False), value)


def _same(a: Any, b: Any) -> bool:
    return (
        type(a) is type(b) and a == b and (not isinstance(a, dt.datetime) or a.tzinfo == b.tzinfo)
    )


def test_the_accepting_tests_accept_typical_rows() -> None:
    """Not vacuous: the factories' own values take the short way."""
    col = _rowcheck.Col("varchar", "varchar(5)", length=5)
    accept = _rowcheck.stored_as_is(col)
    assert accept is not None and accept("abc") and not accept("abcdef")
    assert _rowcheck.stored_as_is(_rowcheck.Col("uuid", "uuid"))(uuid.uuid4())  # type: ignore[misc]
