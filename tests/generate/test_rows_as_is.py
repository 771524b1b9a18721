"""The factory rows' "stored as is" tests (`_rowcheck.stored_as_is`): a value one accepts is
one coercion returns unchanged; numeric columns digit for digit (sign of zero and exponent
included), and per dialect; the factories' own values take the short way."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
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


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**64), 2**64),
    st.text(max_size=5),
    st.sampled_from(["a\x00", "pending", "paid", "ab ", "abc ", " a", "abcd"]),
    st.uuids(),
    st.dates(),
    st.datetimes(),
    decimals,
    st.floats(allow_nan=True),
    st.binary(max_size=3),
)
KINDS = [
    ("smallint", {}), ("integer", {}), ("bigint", {}), ("text", {}),
    ("varchar", {"length": 3}), ("char", {"length": 3}), ("char", {}), ("boolean", {}),
    ("uuid", {}), ("date", {}), ("timestamp", {}), ("timestamptz", {}), ("json", {}),
    ("enum", {"labels": ("pending", "paid")}), ("enum", {}), ("bytes", {}), ("inet", {}),
    ("numeric", {"precision": 5, "scale": 2}), ("numeric", {}), ("real", {}),
]  # fmt: skip


@pytest.mark.parametrize("dialect", ["postgres", "mysql", "sqlite"])
@pytest.mark.parametrize("kind", KINDS, ids=[f"{k}{sorted(e.items())}" for k, e in KINDS])
@settings(max_examples=60)
@given(value=values)
def test_every_dialects_accepted_values_are_what_coercion_returns(
    dialect: str, kind: Any, value: Any
) -> None:
    """Per dialect (MySQL's coercions, SQLite's none, a kind no coercion reads), a value the
    test accepts is one coerce() gives back unchanged: same type, same value, same text."""
    name, extra = kind
    col = _rowcheck.Col(name, name, **extra)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_rowcheck, "DIALECT", dialect)
        accept = _rowcheck.stored_as_is(col)
        if accept is None or value is None or not accept(value):
            return
        got = _rowcheck.coerce("t", "c", col, value)
    assert type(got) is type(value)
    assert got is value or (got == value and str(got) == str(value))


def test_mysql_text_is_taken_as_it_is_only_within_its_column() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_rowcheck, "DIALECT", "mysql")
        char = _rowcheck.stored_as_is(_rowcheck.Col("char", "char(3)", length=3))
        varchar = _rowcheck.stored_as_is(_rowcheck.Col("varchar", "varchar(3)", length=3))
        date = _rowcheck.stored_as_is(_rowcheck.Col("date", "date"))
    assert char is not None and varchar is not None and date is not None
    assert char("ab") and not char("ab ") and not char("abcd")  # read back without spaces
    assert varchar("a\x00b") and not varchar("abcd")
    assert date("anything")  # no coercion for the kind: every value as it is
