"""The numeric runtime's shortcuts give what the plain definitions give: a Decimal's scale
and digits read from its text, num_fix without as_tuple(), rounding with cached quanta, to_numeric
without a typmod, and the "stored as is" tests of the factory rows and the in-memory
database (a value they accept is one coercion returns unchanged)."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.model import SqlType
from codegen.outputs import database_insert
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
    exponent = d.as_tuple().exponent
    assert isinstance(exponent, int) and rt.num_scale(d) == max(0, -exponent)
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
    """The same value of the same type; a NaN (which equals nothing) is the same as a NaN."""
    equal = a == b or (isinstance(a, Decimal) and a.is_nan() and b.is_nan())
    return type(a) is type(b) and equal and (not isinstance(a, dt.datetime) or a.tzinfo == b.tzinfo)


def test_the_accepting_tests_accept_typical_rows() -> None:
    """Not vacuous: the factories' own values take the short way."""
    col = _rowcheck.Col("varchar", "varchar(5)", length=5)
    accept = _rowcheck.stored_as_is(col)
    assert accept is not None and accept("abc") and not accept("abcdef")
    assert _rowcheck.stored_as_is(_rowcheck.Col("uuid", "uuid"))(uuid.uuid4())  # type: ignore[misc]


# -- num_div on scaled integers, compare's NaN test: pinned to the definitions they replaced


def _old_weight_and_first_digit(d: Decimal) -> tuple[int, int]:
    magnitude = d.copy_abs()
    weight = magnitude.adjusted() // 4
    first = int(magnitude.scaleb(-4 * weight, rt.NUM).to_integral_value(ROUND_FLOOR, rt.NUM))
    return weight, first


def _old_div_scale(a: Decimal, b: Decimal) -> int:
    w1, f1 = (0, 0) if a.is_zero() else _old_weight_and_first_digit(a)
    w2, f2 = (0, 0) if b.is_zero() else _old_weight_and_first_digit(b)
    qweight = w1 - w2 - (1 if f1 <= f2 else 0)
    return min(max(16 - qweight * 4, rt.num_scale(a), rt.num_scale(b), 0), 1000)


def _old_div(a: Decimal, b: Decimal) -> Decimal:
    """num_div's finite case as it was: Decimal steps, then num_fix."""
    scale = _old_div_scale(a, b)
    exponent_a, exponent_b = a.as_tuple().exponent, b.as_tuple().exponent
    assert isinstance(exponent_a, int) and isinstance(exponent_b, int)
    sa, sb = max(0, -exponent_a), max(0, -exponent_b)
    na, nb = int(a.scaleb(sa, rt.NUM)), int(b.scaleb(sb, rt.NUM))
    q = rt._div_round_half_up(na * 10 ** (sb + scale), nb * 10**sa)
    return rt.num_fix(Decimal(q).scaleb(-scale, rt.NUM))


@settings(max_examples=400)
@given(a=finite, b=finite)
def test_num_div_matches_its_decimal_definition(a: Decimal, b: Decimal) -> None:
    assert rt.div_scale(a, b) == _old_div_scale(a, b)
    if b.is_zero():
        return
    got, want = rt.num_div(a, b), _old_div(a, b)
    assert got is not None
    assert (str(got), got.is_signed()) == (str(want), want.is_signed())


@settings(max_examples=300)
@given(
    a=finite | st.floats() | st.integers() | st.sampled_from([Decimal("NaN"), float("nan")]),
    b=finite | st.floats() | st.integers() | st.sampled_from([Decimal("NaN"), float("nan")]),
)
def test_compare_matches_its_definition(a: Any, b: Any) -> None:
    def nan(x: Any) -> bool:
        return (isinstance(x, float) and math.isnan(x)) or (isinstance(x, Decimal) and x.is_nan())

    if nan(a) or nan(b):
        assert rt.compare(a, b) == int(nan(a)) - int(nan(b))
    else:
        assert rt.compare(a, b) == (0 if a == b else -1 if a < b else 1)


# -- the generated inserts' "stored as is" tests (codegen/outputs/database_insert.py)

NUMERICS = [("numeric", {"precision": 5, "scale": 2}), ("numeric", {"precision": 3}),
            ("numeric", {}), ("numeric", {"precision": 12, "scale": 4})]  # fmt: skip
EDGES = ["-0.00", "999.99", "-999.99", "1000.00", "NaN", "Infinity", "0E+2", "-0"]
number_values = st.one_of(
    finite,
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-2000, max_value=2000),
    st.sampled_from([Decimal(e) for e in EDGES]),
    st.integers(-2000, 2000),
)


@settings(max_examples=400)
@given(value=values | number_values, kind=st.sampled_from(KINDS + NUMERICS))
def test_generated_stored_tests_keep_only_what_coercion_keeps(value: Any, kind: Any) -> None:
    name, extra = kind
    sql_type = SqlType(name, name, **{k: v for k, v in extra.items() if k != "labels"})
    source = database_insert._stored(sql_type, "v", 0)
    if source is None or value is None:
        return
    scope = {
        "UUID": uuid.UUID,
        "date": dt.date,
        "datetime": dt.datetime,
        "UTC": dt.UTC,
        "Decimal": Decimal,
        "labels0": frozenset(extra.get("labels", ())),
        **{f"{k}_range": range(lo, hi + 1) for k, (lo, hi) in rt.INT_RANGES.items()},
    }
    if name == "numeric" and "precision" in extra:
        scope["kept0"] = _database.numeric_kept(extra["precision"], extra.get("scale", 0))
    if not eval(f"lambda v: {source}", scope)(value):
        return
    spec = _database.ColumnSpec("c", _database.TypeSpec(name, name, **extra))
    stored = _database.coerce_value(spec, spec.type, value, False)
    assert _same(stored, value) and str(stored) == str(value)
    if isinstance(value, Decimal):
        assert stored.is_signed() == value.is_signed()


def test_the_generated_numeric_test_takes_a_typical_price() -> None:
    source = database_insert._stored(SqlType("numeric", "numeric(10,2)", precision=10, scale=2),
                                     "v", 0)  # fmt: skip
    assert source is not None
    accept = eval(f"lambda v: {source}", {"kept0": _database.numeric_kept(10, 2)})
    assert accept(Decimal("12.50")) and not accept(Decimal("12.5")) and not accept(12)


@settings(max_examples=300)
@given(
    p=st.integers(1, 30),
    s=st.integers(0, 12),
    digits=st.integers(0, 32),
    data=st.data(),
)
def test_numeric_kept_is_its_definition(p: int, s: int, digits: int, data: Any) -> None:
    """At the scale, within the precision (read from adjusted()), not -0: as the
    comparisons with 10**(p - s) it replaced."""
    if s >= p:
        return
    n = data.draw(st.sampled_from([0, 10**digits - 1, -(10**digits), 10**digits]))
    v = Decimal(n).scaleb(-s, rt.NUM)
    limit = 10 ** (p - s)
    want = -limit < v < limit
    assert _database.numeric_kept(p, s)(v) == want
    assert not _database.numeric_kept(p, s)(Decimal("-0").scaleb(-s))
