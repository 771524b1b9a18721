"""What MySQL's column types hold, for the value generators: integer widths signed and
unsigned, UNSIGNED decimals and floats, fixed and bounded byte strings, BIT(n) as a number
and TIMESTAMP's 2038 end. The MySQL dialect hands these out as `Dialect.type_limits`."""

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


def mysql_limits(t: SqlType) -> TypeLimits | None:
    word = re.match(r"[a-z]+", t.sql)
    first = word.group(0) if word else ""
    unsigned = "unsigned" in t.sql
    bits = INT_BITS.get(first)
    if bits is not None:  # TINYINT(1) too: MySQL's BOOLEAN holds -128..127
        if unsigned:
            return TypeLimits(0, 2**bits - 1)
        return TypeLimits(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    if unsigned:
        return TypeLimits(lo=0)
    if t.category == "bytes":
        return TypeLimits(max_bytes=t.length or BLOB_MAX.get(t.sql), fixed_bytes=first == "binary")
    if t.category == "bit":
        return TypeLimits(bit_number=True)
    if first == "timestamp":
        return TypeLimits(seconds_end=TIMESTAMP_END)
    return None
