"""Integer and numeric input in the in-memory Database against PostgreSQL 18: text written into
smallint, integer, bigint, numeric and numeric(p,s) columns, and as int4range / numrange bounds
(the runtime's one reader serves both), in the spellings PostgreSQL 16+ reads (`1_000`, `0x1F`,
`0o17`, `0b101`, underscores in a numeric's digits and exponent, NaN and the infinities,
surrounding whitespace) and the ones it refuses (`1__0`, `_1`, `1_`, `0x`, `1._5`, `-nan`,
exponents past numeric's range): the same stored value, or the same SQLSTATE and message."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .differential import EXAMPLES, SEQUENCES, Tally, pg_pair

SQL = """
CREATE TABLE nums (
  id int PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, n numeric, n52 numeric(5,2),
  r4 int4range, rn numrange
);
"""
COLUMNS = ("i2", "i4", "i8", "n", "n52", "r4", "rn")
TALLY = Tally()

# PostgreSQL 16+'s spellings and its edges (numeric's weight and scale limits, exponents
# with underscores, words with signs, C-locale whitespace only) and int()'s digit limit
SPELLINGS = [
    "1_000", "0x1F", "0o17", "0b101", "1__0", "_1", "1_", "0x", "0x_1F", "0X1f", "0o_7",
    "0b_1", " -0x1F ", "+0b101", "0x1_F", "0x1Fe1", "0x1F.5", "00x1", "0_1", "1_000_000",
    "0x7FFF", "0x8000", "-0x8000", "0x7FFFFFFF", "0x80000000", "-0x80000000",
    "0x8000000000000000", "-0x8000000000000000", "0x" + "F" * 40, "1.5", "1_000.5", "1.5_5",
    "1._5", "1_.5", "._5", ".5_5", "1e1_0", "1e_1", "1_e1", "1E-0_1", "1e+1_0", "1.e1", "1.",
    ".5", "+.5", "-.5e1", "1e", "-0", "-0.00", "NaN", "nan", " NaN ", "-nan", "+NaN",
    "Infinity", "-inf", "+inf", "inf", "+Infinity", "-Infinity", "infinit", " \t\n\v\f\r1\v",
    "1\xa0", "\u0661", "", " ", "1 2", "1e131071", "1e131072", "9.9e131071", "1e-16383",
    "1e-16384", "0.0e-16383", "0e-20000", "0e20000", "1e1073741824", "1e-1073741824",
    "1e" + "0" * 12 + "3", "1" * 5000, "0" * 5000 + "7", "123.455", "999.995", "-999.994",
    # a fault after digits that already overflow: out of range (ints check each digit as
    # read; numeric its exponent's), else invalid syntax
    "100_000e", "32768x", "32770x", "-32770x", "0x8010x", "3277_0x", "32770__1",
    "9223372036854775808x", "92233720368547758070x", "1e1073741824x", "1e1073741823x",
    "1e9999999999_x",
]  # fmt: skip


# The spellings PostgreSQL 15 reads otherwise than 18 (each one into each column, on the
# machine's 15 and the wheel's 18): underscores between digits and 0x/0o/0b prefixes, which
# 16's input functions read (PostgreSQL commit faff8f8e47f, "Allow underscores in integer
# and numeric constants ... and their corresponding type input functions", and 16's
# non-decimal integers; 15: 22P02), so also the overflows found at a digit of them before
# a later fault (`100_000e`, `0x8010x`: 22003 from 16); and a numeric exponent read whole,
# digit by digit, before its range (`1e1073741823x`: 22P02 from 16, 22003 on 15). The rest
# read alike on 15 and 18, an overflow before a later fault included (`32770__1`,
# `9223372036854775808x`: 22003 on both), so they run on either.
SINCE_16 = frozenset([
    "1_000", "0x1F", "0o17", "0b101", "0x_1F", "0X1f", "0o_7", "0b_1", " -0x1F ", "+0b101",
    "0x1_F", "0x1Fe1", "0_1", "1_000_000", "0x7FFF", "0x8000", "-0x8000", "0x7FFFFFFF",
    "0x80000000", "-0x80000000", "0x8000000000000000", "-0x8000000000000000",
    "0x" + "F" * 40, "1_000.5", "1.5_5", ".5_5", "1e1_0", "1E-0_1", "1e+1_0", "100_000e",
    "0x8010x", "3277_0x", "1e1073741823x",
])  # fmt: skip


@pytest.fixture
def pair(pg: psycopg.Connection, sample_package: Callable[..., ModuleType]) -> Iterator[Any]:
    yield pg_pair(pg, sample_package, "numbers", SQL)
    print(f"\nnumber input vs PostgreSQL: {TALLY}")


def _needs_16(pg: psycopg.Connection) -> None:
    """Skip below PostgreSQL 16 (SCHEMAGEN_PG_SOURCES=binaries: the machine's 15), whose
    input functions read none of 16's spellings (SINCE_16); the runtime reads 16's."""
    version = pg.info.server_version
    if version < 160000:
        pytest.skip(f"PostgreSQL {version} reads underscores and 0x/0o/0b as syntax errors")


def _outcome(db: Any, column: str, text: str) -> Any:
    written = f'["{text}",)' if column.startswith("r") else text
    try:
        rows = db.insert("nums", {"id": 1, column: written})
    except Exception as error:
        if not hasattr(error, "code"):
            raise
        return ("error", error.code, error.message)
    finally:
        db.reset()
    return ("rows", [{k: None if v is None else str(v) for k, v in r.items()} for r in rows])


def _same(pair: Any, text: str) -> None:
    fake, real = pair
    for column in COLUMNS:
        got, want = _outcome(fake, column, text), _outcome(real, column, text)
        assert got == want, f"{column} <- {text!r}\n  fake: {got}\n  real: {want}"
        TALLY.add(got)


@pytest.mark.parametrize("text", SPELLINGS, ids=lambda t: repr(t[:24]))
def test_a_spelling_is_read_as_postgres_reads_it(
    pg: psycopg.Connection, pair: Any, text: str
) -> None:
    if text in SINCE_16:
        _needs_16(pg)
    _same(pair, text)


_ALPHABETS = {"": "0123456789", "0x": "0123456789abcdefABCDEF", "0X": "0123456789aF",
              "0o": "01234567", "0b": "01", "0B": "01"}  # fmt: skip


@st.composite
def _digits(draw: Any, alphabet: str, most: int) -> str:
    """Digits in groups joined by underscores: empty groups make leading, trailing and
    doubled underscores, which PostgreSQL refuses."""
    groups = draw(st.lists(st.text(alphabet, max_size=most), min_size=1, max_size=4))
    return "_".join(groups)


@st.composite
def spelling(draw: Any) -> str:
    """A number as text: sign, base prefix, digits with underscores, a fraction and an
    exponent (for decimal digits), whitespace around; mostly well formed."""
    prefix = draw(st.sampled_from(["", "", "", "0x", "0X", "0o", "0b", "0B"]))
    text = draw(st.sampled_from(["", "", "", "-", "+"])) + prefix
    text += draw(_digits(_ALPHABETS[prefix], 4))
    if not prefix and draw(st.booleans()):
        text += "." + draw(_digits("0123456789", 3))
    if not prefix and draw(st.integers(0, 3)) == 0:
        text += draw(st.sampled_from("eE")) + draw(st.sampled_from(["", "-", "+"]))
        text += draw(_digits("0123456789", 2))
    space = st.sampled_from(["", "", " ", "\t", "\n "])
    return draw(space) + text + draw(space)


@settings(SEQUENCES, max_examples=EXAMPLES * 5)
@given(text=spelling())
def test_random_spellings_are_read_as_postgres_reads_them(
    pg: psycopg.Connection, pair: Any, text: str
) -> None:
    _needs_16(pg)  # mostly underscores and base prefixes
    _same(pair, text)
