"""The factory rows' "stored as is" test of numeric columns (`_rowcheck._numeric_as_is`): a
Decimal it accepts is one coercion returns unchanged, digit for digit, sign of zero and
exponent included; the factories' own Decimals take the short way."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.runtimes import _rowcheck

decimals = st.decimals(allow_nan=True, allow_infinity=True) | st.builds(
    lambda digits, exponent, sign: Decimal((sign, digits, exponent)),
    st.lists(st.integers(0, 9), min_size=1, max_size=12).map(tuple),
    st.integers(-8, 4),
    st.integers(0, 1),
)
typmods = st.integers(1, 12).flatmap(lambda p: st.tuples(st.just(p), st.integers(0, p)))


@settings(max_examples=400)
@given(value=decimals | st.integers(-(10**6), 10**6), typmod=st.none() | typmods)
def test_accepted_numerics_are_what_coercion_returns(value: Any, typmod: Any) -> None:
    precision, scale = typmod if typmod is not None else (None, None)
    col = _rowcheck.Col("numeric", "numeric", precision=precision, scale=scale)
    accept = _rowcheck.stored_as_is(col)
    assert accept is not None
    if not accept(value):
        return
    got = _rowcheck.coerce("t", "c", col, value)
    assert type(got) is Decimal and type(value) is Decimal
    assert (str(got), got.is_signed()) == (str(value), value.is_signed())


def test_the_factories_decimals_are_accepted() -> None:
    col = _rowcheck.Col("numeric", "numeric(10,2)", precision=10, scale=2)
    accept = _rowcheck.stored_as_is(col)
    assert accept is not None
    assert accept(Decimal(12345).scaleb(-2)) and accept(Decimal("0.00"))
    assert accept(Decimal("-99999999.99"))
    assert not accept(Decimal("100000000.00"))  # overflows numeric(10,2)
    assert not accept(Decimal("-0.00"))  # stored as 0.00
    assert not accept(Decimal("1.5")) and not accept(1) and not accept(1.5)
