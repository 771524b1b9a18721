"""SQLite's round(X, N) and the hex()/randomblob() DEFAULT against the stdlib's sqlite3.

round(X, N) with N > 0 prints X with SQLite's own "%.*f" (long double arithmetic, a
rounder nudged by 3e-16) and reads the text back with sqlite3AtoF: the runtime repeats
that bit for bit, so the comparison is on the double's bytes, sign of zero included.
"""

from __future__ import annotations

import sqlite3
import struct
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from codegen.sqlexpr import runtime


def bits(x: Any) -> Any:
    return struct.pack("<d", x) if isinstance(x, float) else x


# decimal-looking doubles sit next to the halfway cases that printf's rounding decides
DECIMALS = st.builds(
    lambda k, m, ulps: (k / 10**m) * (1 + ulps * 2**-52),
    st.integers(-(10**9), 10**9), st.integers(0, 9), st.integers(-2, 2),
)  # fmt: skip
DOUBLES = st.one_of(
    st.floats(allow_nan=False),
    st.floats(-1e6, 1e6),
    st.floats(-1e-3, 1e-3),
    st.floats(-4503599627370496.0, 4503599627370496.0),
    DECIMALS,
)
DIGITS = st.one_of(st.integers(-3, 32), st.sampled_from([None, "2", "2.9", "x", 2.7, 10**12]))


@settings(max_examples=3000, deadline=None, database=None)
@given(x=st.one_of(DOUBLES, DOUBLES, st.integers(-(2**63), 2**63 - 1), st.text(max_size=6),
                   st.sampled_from(["1.255", " 2.675", "1e-3x", None])), n=DIGITS)  # fmt: skip
@example(x=2.675, n=2)
@example(x=1.005, n=2)
@example(x=0.125, n=2)
@example(x=-0.001, n=2)
@example(x=4503599627370495.5, n=1)
@example(x=5e-324, n=30)
@example(x=1e300, n=5)
def test_round_matches_sqlite(db: sqlite3.Connection, x: Any, n: Any) -> None:
    expected = db.execute("SELECT round(?, ?)", (x, n)).fetchone()[0]
    got = runtime.sq_round(x, n)
    assert bits(got) == bits(expected), f"round({x!r}, {n!r}): sqlite {expected!r}, python {got!r}"


@settings(max_examples=300, deadline=None, database=None)
@given(x=st.one_of(st.binary(max_size=12), st.text(max_size=6), st.integers(-(2**63), 2**63 - 1),
                   st.floats(allow_nan=False), st.none()))  # fmt: skip
def test_hex_matches_sqlite(db: sqlite3.Connection, x: Any) -> None:
    expected = db.execute("SELECT hex(?), lower(hex(?))", (x, x)).fetchone()
    assert (runtime.sq_hex(x), runtime.sq_ascii_case(runtime.sq_hex(x), False)) == expected


@pytest.mark.parametrize("n", [8, 1, 0, -5, "3", None, 2.9])
def test_randomblob_sizes_match_sqlite(db: sqlite3.Connection, n: Any) -> None:
    expected = db.execute("SELECT length(randomblob(?))", (n,)).fetchone()[0]
    assert len(runtime.sq_randomblob(n)) == expected


def test_randomblob_is_reproducible_under_the_seed() -> None:
    """Any bytes are a value SQLite could produce; the seed makes a run repeatable."""
    runtime.seed(7)
    first = [runtime.sq_randomblob(8) for _ in range(3)]
    runtime.seed(7)
    assert [runtime.sq_randomblob(8) for _ in range(3)] == first
    assert len(set(first)) == 3
