"""SQLite's long-double rounding (`runtime._ld`, the heart of its printf and round()
emulation) on integers gives what its Fraction definition gives: same value, ties to even,
both signs, integers and zero passed through."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.sqlexpr import runtime as rt


def _ld_by_fractions(x: Any) -> Any:
    """The definition it replaced, step by step in Fractions."""
    if x == 0:
        return x
    sign = -1 if x < 0 else 1
    x = abs(x)
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fraction(2) ** e > x:
        e -= 1
    scaled = x * Fraction(2) ** (63 - e)
    q, r = divmod(scaled.numerator, scaled.denominator)
    if 2 * r > scaled.denominator or (2 * r == scaled.denominator and q % 2 == 1):
        q += 1
    return sign * Fraction(q) / Fraction(2) ** (63 - e)


sign = st.sampled_from([1, -1])
values = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(Fraction),
    st.builds(Fraction, st.integers(-(10**40), 10**40), st.integers(1, 10**30)),
    st.builds(  # halfway between two long doubles: ties go to the even one
        lambda q, shift, s: s * Fraction(2 * (q | 1 << 63) + 1) * Fraction(2) ** shift,
        st.integers(0, 2**63 - 1),
        st.integers(-140, 20),
        sign,
    ),
    st.integers(-(2**80), 2**80),
    st.just(Fraction(0)),
)


@settings(max_examples=600)
@given(x=values)
def test_ld_matches_its_fraction_definition(x: Any) -> None:
    got, want = rt._ld(x), _ld_by_fractions(x)
    assert got == want and type(got) is type(want)
