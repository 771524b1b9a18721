"""What MySQL's column types hold, for the value generators: integer widths signed and
unsigned, UNSIGNED decimals and floats, FLOAT(p,s), fixed and bounded byte strings, BIT(n)
as a number, TIMESTAMP's 2038 end, fractional seconds, and the characters a text column's
character set stores. The MySQL dialect hands these out as `Dialect.type_limits`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import SqlType

# MySQL's integer types by their first word: bits of storage.
INT_BITS = {"tinyint": 8, "smallint": 16, "mediumint": 24, "int": 32, "integer": 32,
            "bigint": 64}  # fmt: skip
BLOB_MAX = {"tinyblob": 255}  # byte strings without a length: the most they hold
# TIMESTAMP holds 1970-01-01 00:00:01 .. 2038-01-19 03:14:07 UTC: seconds from the
# generators' reference clock (2024-01-01 12:00 UTC) to its end
TIMESTAMP_END = 442_642_447


@dataclass(frozen=True)
class TypeLimits:
    """Bounds a type puts on generated values, beyond its category's defaults."""

    lo: int | None = None  # least value (integers; 0 for any UNSIGNED number)
    hi: int | None = None  # greatest value (integers)
    max_bytes: int | None = None  # byte strings: at most this many bytes
    fixed_bytes: bool = False  # BINARY(n): exactly max_bytes (MySQL pads with 0x00)
    bit_number: bool = False  # BIT(n) takes a number, not a '0101' string
    seconds_end: int | None = None  # timestamps: no later than this many seconds from the clock
    fraction_digits: int | None = None  # DATETIME(n)/TIME(n): n digits of a second (MySQL rounds)
    charset: str | None = None  # text: only characters this character set stores
    max_text_bytes: int | None = None  # TINYTEXT, TEXT: a length in bytes, not characters
    float_digits: tuple[int, int] | None = None  # FLOAT(p,s)/DOUBLE(p,s): p digits, s after .


# TINYTEXT holds 255 bytes, not characters (a utf8mb4 character takes up to 4); generated
# text stays far below the 65,535 of TEXT
TEXT_BYTES = {"tinytext": 255}
DEFAULT_CHARSET = "utf8mb4"  # MySQL 8's server default
_TIMES = ("datetime", "timestamp", "time")


def mysql_limits(t: SqlType) -> TypeLimits | None:
    word = re.match(r"[a-z]+", t.sql)
    first = word.group(0) if word else ""
    unsigned = "unsigned" in t.sql
    bits = INT_BITS.get(first)
    if bits is not None:  # TINYINT(1) too: MySQL's BOOLEAN holds -128..127
        if unsigned:
            return TypeLimits(0, 2**bits - 1)
        return TypeLimits(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    digits = re.match(r"[a-z ]+\((\d+),(\d+)\)", t.sql)
    if t.category in ("real", "double") and digits:
        lo = 0 if unsigned else None
        return TypeLimits(lo=lo, float_digits=(int(digits[1]), int(digits[2])))
    if unsigned:
        return TypeLimits(lo=0)
    if t.category in ("char", "varchar", "text"):
        charset = re.search(r" character set (\w+)", t.sql)
        return TypeLimits(
            charset=charset[1] if charset else DEFAULT_CHARSET, max_text_bytes=TEXT_BYTES.get(first)
        )
    if first in _TIMES:
        fraction = re.match(r"[a-z]+\((\d)\)", t.sql)
        return TypeLimits(
            seconds_end=TIMESTAMP_END if first == "timestamp" else None,
            fraction_digits=int(fraction[1]) if fraction else 0,
        )
    if t.category == "bytes":
        return TypeLimits(max_bytes=t.length or BLOB_MAX.get(t.sql), fixed_bytes=first == "binary")
    if t.category == "bit":
        return TypeLimits(bit_number=True)
    return None
