"""SQL semantics for compiled expressions, as plain Python (stdlib only).

This file is copied verbatim into generated packages (as `_sqlruntime.py`), so it must not
import anything outside the standard library. Compiled expressions call it as `rt.<name>`.

Values: NULL is None; integers are int; PostgreSQL numeric is Decimal (its exponent is the
display scale); double precision and real are float (a real holds an exact float32 value);
text is str; boolean is bool; date/timestamp are date/datetime (timestamptz is aware, in
UTC: the session time zone is assumed to be UTC); intervals are `Interval`; uuid is
uuid.UUID. SQLite values are its storage classes: None, int, float, str, bytes.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import math
import random
import re
import struct
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Context,
    Decimal,
    InvalidOperation,
)
from fractions import Fraction
from typing import Any, NoReturn, cast

Thunk = Callable[[], Any]


class SqlError(Exception):
    """An error the database would raise for the same inputs (message and SQLSTATE alike)."""

    def __init__(self, message: str, sqlstate: str = "22000") -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


class _Lazy:
    """A regular expression compiled on its first use: the module's patterns cost ~1 ms to
    compile, paid by every import of a package with a computed column, and a package uses
    few of them. After the first use its methods are the compiled pattern's own."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(*self._source)
        for method in ("match", "fullmatch", "search", "sub"):
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


def _pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return cast("re.Pattern[str]", _Lazy(pattern, flags))


# ----------------------------------------------------------------------------- clock, seed


def _system_clock() -> datetime:
    return datetime.now(UTC)


clock: Callable[[], datetime] = _system_clock  # tests replace this with a fixed clock
_random = random.Random()


def seed(n: int) -> None:
    """Make gen_random_uuid() and friends reproducible."""
    _random.seed(n)
    _v7_last[0] = 0


def _now() -> datetime:
    now = clock()
    if now.tzinfo is None:
        raise ValueError("rt.clock must return an aware datetime")
    return now.astimezone(UTC)


def now() -> datetime:
    return _now()


def local_now() -> datetime:
    return _now().replace(tzinfo=None)


def current_date() -> date:
    return _now().date()


def random_uuid() -> uuid.UUID:
    return uuid.UUID(int=_random.getrandbits(128), version=4)


_v7_last = [0]  # the last uuidv7()'s time, in 1/4096 ms: the next one is later
_V7_TICKS_PER_MS = 4096


def uuid_v7(*shift: Interval | None) -> uuid.UUID | None:
    """uuidv7([shift]) as PostgreSQL 18 makes it (RFC 9562, method 3): 48 bits of Unix
    milliseconds, 12 bits of the sub-millisecond fraction, then 62 seeded random bits. The
    time is now(), bumped so that it is later than the last call's in the session, plus the
    shift. A NULL shift gives NULL (the function is strict)."""
    if shift and shift[0] is None:
        return None
    now = _now()
    ticks = max((_micros(now) + _UNIX_EPOCH_MICROS) * _V7_TICKS_PER_MS // 1000, _v7_last[0] + 1)
    _v7_last[0] = ticks
    if shift:
        moved = _micros(ts_add_interval(now, shift[0])) - _micros(now)
        ticks += moved * _V7_TICKS_PER_MS // 1000
    if ticks < 0:
        raise SqlError("timestamp out of range", "22008")
    ms, fraction = divmod(ticks, _V7_TICKS_PER_MS)
    value = (ms & (1 << 48) - 1) << 80 | 0x7 << 76 | fraction << 64
    return uuid.UUID(int=value | 0b10 << 62 | _random.getrandbits(62))


# ----------------------------------------------------------------------------- three-valued logic


def and_(first: Any, *rest: Thunk) -> bool | None:
    """AND: False wins, then NULL; later operands are thunks, evaluated left to right."""
    if first is False:
        return False
    unknown = first is None
    for thunk in rest:
        value = thunk()
        if value is False:
            return False
        unknown = unknown or value is None
    return None if unknown else True


def or_(first: Any, *rest: Thunk) -> bool | None:
    """OR: True wins, then NULL; later operands are thunks, evaluated left to right."""
    if first is True:
        return True
    unknown = first is None
    for thunk in rest:
        value = thunk()
        if value is True:
            return True
        unknown = unknown or value is None
    return None if unknown else False


def not_(a: bool | None) -> bool | None:
    return None if a is None else not a


def is_true(a: Any) -> bool:
    """A CASE/WHERE condition holds only when it is TRUE (NULL does not)."""
    return a is True


def coalesce(first: Any, *rest: Thunk) -> Any:
    if first is not None:
        return first
    for thunk in rest:
        value = thunk()
        if value is not None:
            return value
    return None


def fold(fn: Callable[[Any, Any], Any], first: Any, *rest: Any) -> Any:
    """fn applied left to right over a long chain: `a + b + c` is add(add(a, b), c)."""
    for item in rest:
        first = fn(first, item)
    return first


def chain(first: Any, *steps: Callable[[Any], Any]) -> Any:
    """A long chain of operators, one step at a time, in the database's evaluation order."""
    for step in steps:
        first = step(first)
    return first


def check_result(a: Any) -> bool | None:
    """Normalise a CHECK result: True, False or None (unknown passes)."""
    if a is None:
        return None
    return bool(a)


# ----------------------------------------------------------------------------- comparison


def _nan(x: Any) -> bool:
    return (isinstance(x, float) and math.isnan(x)) or (isinstance(x, Decimal) and x.is_nan())


def compare(a: Any, b: Any) -> int:
    """PostgreSQL ordering for same-typed values: NaN equals NaN and sorts above all."""
    if a == b:  # never true of a NaN
        return 0
    try:
        if a < b:  # never true of a float NaN; a Decimal NaN raises
            return -1
        if b < a:
            return 1
    except InvalidOperation:
        pass
    return int(_nan(a)) - int(_nan(b))  # a NaN: equal to a NaN, above every number


def order_compare(
    a: Any, b: Any, desc: bool, nulls_first: bool,
    compare: Callable[[Any, Any], int] = compare,
) -> int:  # fmt: skip
    """ORDER BY's comparison of two values: a NULL goes first or last as asked, then the
    values compare, reversed when descending."""
    if a is None or b is None:
        nulls = (a is None) - (b is None)  # 1 when only a is NULL
        return -nulls if nulls_first else nulls
    return -compare(a, b) if desc else compare(a, b)


def eq(a: Any, b: Any) -> bool | None:
    return None if a is None or b is None else compare(a, b) == 0


def ne(a: Any, b: Any) -> bool | None:
    return None if a is None or b is None else compare(a, b) != 0


def lt(a: Any, b: Any) -> bool | None:
    return None if a is None or b is None else compare(a, b) < 0


def le(a: Any, b: Any) -> bool | None:
    return None if a is None or b is None else compare(a, b) <= 0


def gt(a: Any, b: Any) -> bool | None:
    return None if a is None or b is None else compare(a, b) > 0


def ge(a: Any, b: Any) -> bool | None:
    return None if a is None or b is None else compare(a, b) >= 0


def is_distinct(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return compare(a, b) != 0


def in_list(a: Any, items: list[Any]) -> bool | None:
    """x IN (...): TRUE on a match, else NULL if x or any item is NULL, else FALSE."""
    if a is None:
        return None
    unknown = False
    for item in items:
        if item is None:
            unknown = True
        elif compare(a, item) == 0:
            return True
    return None if unknown else False


def any_eq(a: Any, items: list[Any] | None) -> bool | None:
    """x = ANY (array): NULL for a NULL array, FALSE for an empty one, else as x IN (...)."""
    if items is None:
        return None
    return in_list(a, items) if items else False


def greatest(*args: Any) -> Any:
    """PostgreSQL GREATEST: NULL arguments are ignored."""
    present = [a for a in args if a is not None]
    if not present:
        return None
    best = present[0]
    for a in present[1:]:
        if compare(a, best) > 0:
            best = a
    return best


def least(*args: Any) -> Any:
    present = [a for a in args if a is not None]
    if not present:
        return None
    best = present[0]
    for a in present[1:]:
        if compare(a, best) < 0:
            best = a
    return best


def nullif(a: Any, b: Any) -> Any:
    return None if eq(a, b) is True else a


# ----------------------------------------------------------------------------- integers

INT_RANGES = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}


def int_check(v: int, kind: str) -> int:
    lo, hi = INT_RANGES[kind]
    if not lo <= v <= hi:
        raise SqlError(f"{kind} out of range", "22003")
    return v


def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _trunc_mod(a: int, b: int) -> int:
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def int_add(a: int | None, b: int | None, kind: str) -> int | None:
    return None if a is None or b is None else int_check(a + b, kind)


def int_sub(a: int | None, b: int | None, kind: str) -> int | None:
    return None if a is None or b is None else int_check(a - b, kind)


def int_mul(a: int | None, b: int | None, kind: str) -> int | None:
    return None if a is None or b is None else int_check(a * b, kind)


def int_div(a: int | None, b: int | None, kind: str) -> int | None:
    """Integer division truncates toward zero (Python's // floors)."""
    if a is None or b is None:
        return None
    if b == 0:
        raise SqlError("division by zero", "22012")
    return int_check(_trunc_div(a, b), kind)


def int_mod(a: int | None, b: int | None, kind: str) -> int | None:
    """The remainder takes the dividend's sign (Python's % takes the divisor's)."""
    if a is None or b is None:
        return None
    if b == 0:
        raise SqlError("division by zero", "22012")
    return _trunc_mod(a, b)


def int_neg(a: int | None, kind: str) -> int | None:
    return None if a is None else int_check(-a, kind)


def int_abs(a: int | None, kind: str) -> int | None:
    return None if a is None else int_check(abs(a), kind)


# ----------------------------------------------------------------------------- numeric

# Exact arithmetic: PostgreSQL numeric holds up to 131072 digits before the point and
# 16383 after, so this precision never rounds a sum or product of in-range values.
NUM = Context(prec=150000, Emax=999999, Emin=-999999, rounding=ROUND_HALF_UP)
_MIN_SIG_DIGITS = 16  # NUMERIC_MIN_SIG_DIGITS in numeric.c
_MAX_DISPLAY_SCALE = 1000


def num_scale(d: Decimal) -> int:
    """The places after the point of a finite `d` (its display scale): from its text, as
    `_as_ratio` reads it, without the digits as an int (1E+100000: 0.27 s for nothing)."""
    text = str(d)
    if "E" in text:
        exponent = d.as_tuple().exponent
        assert isinstance(exponent, int)
        return max(0, -exponent)
    dot = text.find(".")
    return 0 if dot < 0 else len(text) - dot - 1


_ONE = Decimal(1)
_QUANTA = [_ONE.scaleb(-scale) for scale in range(40)]  # 1, 0.1, 0.01, ...: numeric(p, s)


def num_fix(d: Decimal) -> Decimal:
    """PostgreSQL has no negative zero and no negative display scale: normalise both."""
    # a finite value's text has "E+" exactly when its exponent is above 0 (1E+2)
    if d.is_finite() and "E+" in str(d):
        d = d.quantize(_ONE, context=NUM)
    if d.is_zero() and d.is_signed():
        d = d.copy_abs()
    return d


def num_round_to(d: Decimal, scale: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round to `scale` digits after the point (half away from zero, like round_var)."""
    if scale >= 0:
        quantum = _QUANTA[scale] if scale < 40 else _ONE.scaleb(-scale)
        # exponent -scale: not above 0; arguments by position (by keyword costs 3x the call)
        d = d.quantize(quantum, rounding, NUM)
        return d.copy_abs() if d.is_zero() and d.is_signed() else d
    shifted = d.scaleb(scale, NUM).quantize(Decimal(1), rounding=rounding, context=NUM)
    return num_fix(shifted.scaleb(-scale, NUM).quantize(Decimal(1), context=NUM))


def num_add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else num_fix(NUM.add(a, b))


def num_sub(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else num_fix(NUM.subtract(a, b))


def num_mul(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    """Exact product; its scale is the sum of the scales, as in numeric_mul."""
    return None if a is None or b is None else num_fix(NUM.multiply(a, b))


def _weight_and_first_digit(d: Decimal) -> tuple[int, int]:
    """numeric.c's base-10000 weight and leading base-10000 digit of a non-zero value."""
    magnitude = d.copy_abs()
    weight = magnitude.adjusted() // 4
    first = int(magnitude.scaleb(-4 * weight, NUM).to_integral_value(ROUND_FLOOR, NUM))
    return weight, first


def div_scale(a: Decimal, b: Decimal) -> int:
    """select_div_scale(): at least 16 significant digits, never less than either scale."""
    return _div_scale(a, *_as_ratio(a), b, *_as_ratio(b))


def _div_scale(a: Decimal, na: int, sa: int, b: Decimal, nb: int, sb: int) -> int:
    """div_scale of a == na / 10**sa and b == nb / 10**sb, in integers: numeric.c's
    base-10000 weight and leading digit of each operand."""
    w1, f1 = (0, 0) if na == 0 else _weight_and_first(a, na, sa)
    w2, f2 = (0, 0) if nb == 0 else _weight_and_first(b, nb, sb)
    qweight = w1 - w2 - (1 if f1 <= f2 else 0)
    return min(max(_MIN_SIG_DIGITS - qweight * 4, sa, sb, 0), _MAX_DISPLAY_SCALE)


def _as_ratio(d: Decimal) -> tuple[int, int]:
    """d == n / 10**s exactly (s: the scale of a finite d), read from d's text when that is
    plain notation (the digits after the point): as_tuple() builds a tuple of every digit,
    six times slower."""
    text = str(d)
    if "E" in text:  # exponential notation: an exponent above 0, or a tiny value
        exponent = d.as_tuple().exponent
        assert isinstance(exponent, int)
        if exponent >= 0:
            return int(d), 0
        return int(d.scaleb(-exponent, NUM)), -exponent  # exact: NUM holds every digit
    dot = text.find(".")
    if dot < 0:
        return int(text), 0
    return int(text[:dot] + text[dot + 1 :]), len(text) - dot - 1


def _div_round_half_up(n: int, d: int) -> int:
    q, r = divmod(abs(n), abs(d))
    if 2 * r >= abs(d):
        q += 1
    return q if (n < 0) == (d < 0) else -q


def num_div(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    """Quotient rounded half away from zero at select_div_scale()'s scale."""
    if a is None or b is None:
        return None
    if a.is_nan() or b.is_nan():
        return Decimal("NaN")  # checked before zero: 'NaN'::numeric / 0 is NaN
    if b.is_zero():
        raise SqlError("division by zero", "22012")
    if a.is_infinite():  # PostgreSQL 14+ numeric infinities
        return Decimal("NaN") if b.is_infinite() else a.copy_sign(a * b)
    if b.is_infinite():
        return Decimal(0)
    na, sa = _as_ratio(a)
    nb, sb = _as_ratio(b)
    scale = _div_scale(a, na, sa, b, nb, sb)
    # a/b * 10**scale == na * 10**(sb + scale) / (nb * 10**sa); the scale is not below 0 and
    # an int's Decimal is never -0, so the result needs no num_fix
    top, bottom = na * 10 ** (sb + scale), nb * 10**sa
    return Decimal(_div_round_half_up(top, bottom)).scaleb(-scale, NUM)


def _weight_and_first(d: Decimal, n: int, s: int) -> tuple[int, int]:
    """_weight_and_first_digit of a non-zero d == n / 10**s, in integers."""
    weight = d.adjusted() // 4
    shift = s + 4 * weight
    magnitude = abs(n)
    return weight, magnitude // 10**shift if shift >= 0 else magnitude * 10**-shift


# Numeric with static scales (sqlexpr/pg_static.py): a compiled expression whose inputs
# arrive at their declared scales (numeric(p,s) values with s places, ints) computes with the
# context's exact steps, whose exponents are PostgreSQL's scales (+ and - the larger, * the
# sum): no normalising per step. Only a zero's sign is fixed, once, at the end.
QUANTA = _QUANTA  # the guards' `x.same_quantum(rt.QUANTA[s])`: a finite Decimal, s places
dadd = NUM.add
dsub = NUM.subtract
dmul = NUM.multiply
dminus = NUM.minus


def positive_zero(d: Decimal) -> Decimal:
    """`d`, a zero without its sign (PostgreSQL has no -0)."""
    return d if d else d.copy_abs()


def digits_check(d: Decimal, precision: int, scale: int) -> Decimal:
    """numeric_typmod(d, precision, scale) of a finite d already with `scale` places: the
    digit count checked, nothing to round; no -0."""
    if d.adjusted() >= precision - scale and d:
        raise SqlError("numeric field overflow", "22003")
    return d if d else d.copy_abs()


def div_round(a: Decimal | int, sa: int, b: Decimal | int, sb: int, k: int) -> Decimal:
    """round(a / b, k) as numeric_div then round_var compute it: the quotient rounded half
    away from zero at select_div_scale()'s scale, then again at k; max(k, 0) places, no -0.
    `a` and `b` are finite with sa and sb places (ints: 0), as the compiler proved."""
    x, y = (
        (a if isinstance(a, Decimal) else Decimal(a)),
        (b if isinstance(b, Decimal) else Decimal(b)),
    )
    na, nb = int(x.scaleb(sa, NUM)), int(y.scaleb(sb, NUM))
    if nb == 0:
        raise SqlError("division by zero", "22012")
    scale = _div_scale(x, na, sa, y, nb, sb)
    q = _div_round_half_up(na * 10 ** (sb + scale), nb * 10**sa)
    if k >= scale:
        return Decimal(q * 10 ** (k - scale)).scaleb(-k, NUM)
    q = _div_round_half_up(q, 10 ** (scale - k))
    return Decimal(q * 10**-k) if k < 0 else Decimal(q).scaleb(-k, NUM)


def div_round_pow10(a: Decimal, e: int, k: int, most: int, sa: int, sb: int) -> Decimal:
    """div_round(a, sa, 10**e, sb, k). a's digits shifted e places is the exact quotient,
    and PostgreSQL's too when its places fit select_div_scale()'s: when a.adjusted() is at
    most `most` (the compiler's bound from sa, sb, e); above it, div_round."""
    if a.adjusted() > most:
        return div_round(a, sa, _ONE.scaleb(e, NUM), sb, k)
    q = a.scaleb(-e, NUM)
    if 0 <= k < 40:
        q = q.quantize(_QUANTA[k], ROUND_HALF_UP, NUM)
        return q if q else q.copy_abs()
    return num_round_to(q, k)


class _Decimals(dict[str, Decimal]):
    """Decimal constants by their text, each built once: compiled code reads
    `rt.DECIMAL["100"]` where it would build `Decimal("100")` on every call."""

    def __missing__(self, text: str) -> Decimal:
        value = self[text] = Decimal(text)
        return value


DECIMAL = _Decimals()


def num_mod(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    """a - b * trunc(a / b), with the larger of the two scales."""
    if a is None or b is None:
        return None
    if a.is_nan() or b.is_nan():
        return Decimal("NaN")
    if b.is_zero():
        raise SqlError("division by zero", "22012")
    if a.is_infinite():
        return Decimal("NaN")
    if b.is_infinite():
        return a
    scale = max(num_scale(a), num_scale(b))
    result = NUM.remainder(a, b)  # sign of the dividend, like PostgreSQL
    return num_fix(result.quantize(Decimal(1).scaleb(-scale), context=NUM))


def num_neg(a: Decimal | None) -> Decimal | None:
    return None if a is None else num_fix(NUM.minus(a))


def num_abs(a: Decimal | None) -> Decimal | None:
    return None if a is None else num_fix(a.copy_abs())


def num_sign(a: Decimal | None) -> Decimal | None:
    if a is None or a.is_nan():
        return a
    return Decimal(0) if a.is_zero() else Decimal(-1 if a.is_signed() else 1)


def num_round(a: Decimal | None, scale: int | None = 0) -> Decimal | None:
    """round(numeric, n): half away from zero; the result scale is max(n, 0)."""
    if a is None or scale is None:
        return None
    if not a.is_finite():  # NaN and the infinities round to themselves
        return a
    return num_round_to(a, _round_scale(scale))


def _round_scale(scale: int) -> int:
    """numeric_round/numeric_trunc clamp the scale to what a numeric can hold."""
    return max(min(scale, 16383), -(32767 + 1) * 4 - 1)


def num_trunc(a: Decimal | None, scale: int | None = 0) -> Decimal | None:
    if a is None or scale is None:
        return None
    if not a.is_finite():
        return a
    return num_round_to(a, _round_scale(scale), ROUND_DOWN)


def num_floor(a: Decimal | None) -> Decimal | None:
    return a if a is None or not a.is_finite() else num_round_to(a, 0, ROUND_FLOOR)


def num_ceil(a: Decimal | None) -> Decimal | None:
    return a if a is None or not a.is_finite() else num_round_to(a, 0, ROUND_CEILING)


def num_sqrt(a: Decimal | None) -> Decimal | None:
    """sqrt(numeric): at least 16 significant digits, rounded half up (numeric_sqrt)."""
    if a is None:
        return None
    if a.is_signed() and not a.is_zero() and not a.is_nan():
        raise SqlError("cannot take square root of a negative number", "2201F")
    if not a.is_finite():  # NaN, Infinity
        return a
    weight = 0 if a.is_zero() else _weight_and_first_digit(a)[0]
    sweight = weight * 4 // 2 + 1
    scale = min(max(_MIN_SIG_DIGITS - sweight, num_scale(a), 0), _MAX_DISPLAY_SCALE)
    n, s = _as_ratio(a)  # a == n / 10**s
    # floor(sqrt(a) * 10**(scale+1)) == isqrt(n * 10**(2*scale + 2 - s)), exactly when even
    shift = 2 * scale + 2 - s
    root = math.isqrt(n * 10**shift) if shift >= 0 else math.isqrt(n // 10**-shift)
    q, digit = divmod(root, 10)
    return num_fix(Decimal(q + (1 if digit >= 5 else 0)).scaleb(-scale, NUM))


# ----------------------------------------------------------------------------- floats

FLT_MAX = struct.unpack("<f", b"\xff\xff\x7f\x7f")[0]


def _overflow() -> SqlError:
    return SqlError("value out of range: overflow", "22003")


def _underflow() -> SqlError:
    return SqlError("value out of range: underflow", "22003")


def _round_f32(x: Fraction) -> float:
    """Round an exact rational to the nearest float32 (ties to even)."""
    if x == 0:
        return 0.0
    sign = -1.0 if x < 0 else 1.0
    x = abs(x)
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fraction(2) ** e > x:
        e -= 1
    e = max(e, -126) - 23  # 24-bit significand; subnormals share exponent -149
    m = x / Fraction(2) ** e
    q, r = divmod(m.numerator, m.denominator)
    if 2 * r > m.denominator or (2 * r == m.denominator and q % 2 == 1):
        q += 1
    value = Fraction(q) * Fraction(2) ** e
    if value > Fraction(FLT_MAX):
        return sign * math.inf
    return sign * float(value)


def f32(d: float) -> float:
    """The float32 value nearest to a double (C's (float) conversion)."""
    if math.isinf(d) or math.isnan(d):
        return d
    try:
        return float(struct.unpack("<f", struct.pack("<f", d))[0])
    except OverflowError:
        return math.copysign(math.inf, d)


def _float_result(result: float, kind: str, a: float, b: float, zero_check: bool) -> float:
    if kind == "real":
        result = f32(result)
    if math.isinf(result) and not (math.isinf(a) or math.isinf(b)):
        raise _overflow()
    if zero_check and result == 0.0 and a != 0.0 and b != 0.0 and not math.isinf(b):
        raise _underflow()
    return result


def float_add(a: float | None, b: float | None, kind: str) -> float | None:
    if a is None or b is None:
        return None
    return _float_result(a + b, kind, a, b, False)


def float_sub(a: float | None, b: float | None, kind: str) -> float | None:
    if a is None or b is None:
        return None
    return _float_result(a - b, kind, a, b, False)


def float_mul(a: float | None, b: float | None, kind: str) -> float | None:
    if a is None or b is None:
        return None
    return _float_result(a * b, kind, a, b, True)


def float_div(a: float | None, b: float | None, kind: str) -> float | None:
    if a is None or b is None:
        return None
    if b == 0.0:
        if not math.isnan(a):
            raise SqlError("division by zero", "22012")
        return math.nan
    if math.isnan(b):
        return math.nan
    return _float_result(a / b, kind, a, b, True)


def float_neg(a: float | None) -> float | None:
    return None if a is None else -a


def float_abs(a: float | None) -> float | None:
    return None if a is None else abs(a)


def float_sign(a: float | None) -> float | None:
    if a is None:
        return None
    return float((a > 0) - (a < 0))  # NaN compares neither way: 0, as dsign() gives


def float_round(a: float | None) -> float | None:
    """round(double precision) is C's rint(): half to even."""
    if a is None or math.isinf(a) or math.isnan(a):
        return a
    return math.copysign(float(round(a)), a)


def float_trunc(a: float | None) -> float | None:
    if a is None or math.isinf(a) or math.isnan(a):
        return a
    return math.copysign(float(math.trunc(a)), a)


def float_floor(a: float | None) -> float | None:
    if a is None or math.isinf(a) or math.isnan(a):
        return a
    return math.copysign(float(math.floor(a)), a)


def float_ceil(a: float | None) -> float | None:
    if a is None or math.isinf(a) or math.isnan(a):
        return a
    return math.copysign(float(math.ceil(a)), a)


def float_sqrt(a: float | None) -> float | None:
    if a is None:
        return None
    if a < 0:
        raise SqlError("cannot take square root of a negative number", "2201F")
    return math.sqrt(a)


def float_power(a: float | None, b: float | None) -> float | None:
    """dpow(): C pow() with PostgreSQL's error checks."""
    if a is None or b is None:
        return None
    if math.isnan(a):
        return 1.0 if b == 0 else math.nan
    if math.isnan(b):
        return 1.0 if a == 1 else math.nan
    if a == 0 and b < 0:
        raise SqlError("zero raised to a negative power is undefined", "2201F")
    if a < 0 and not math.isinf(b) and b != math.floor(b):
        raise SqlError(
            "a negative number raised to a non-integer power yields a complex result", "2201F"
        )
    try:
        result = math.pow(a, b)
    except OverflowError:
        raise _overflow() from None
    if math.isinf(result) and not (math.isinf(a) or math.isinf(b)):
        raise _overflow()
    if result == 0.0 and a != 0 and not math.isinf(a) and not math.isinf(b):
        raise _underflow()
    return result


# ----------------------------------------------------------------------------- casts


def to_int(a: Any, kind: str) -> int | None:
    """Cast to smallint/integer/bigint: numeric rounds half away from zero, float to even."""
    if a is None:
        return None
    if isinstance(a, bool):
        return int(a)
    if isinstance(a, int):
        return int_check(a, kind)
    if isinstance(a, Decimal):
        if not a.is_finite():
            raise SqlError(f"cannot convert {'NaN' if a.is_nan() else 'infinity'} to {kind}")
        return int_check(int(a.to_integral_value(rounding=ROUND_HALF_UP, context=NUM)), kind)
    if isinstance(a, float):
        if math.isnan(a) or math.isinf(a):
            raise SqlError(f"{kind} out of range", "22003")
        return int_check(round(a), kind)
    if isinstance(a, str):
        return int_check(_parse_int(a, kind), kind)
    raise TypeError(f"cannot cast {type(a).__name__} to {kind}")


# int2in/int4in/int8in and numeric_in as PostgreSQL 16+ read them: `1_000`, `0x1F`, `0o17`,
# `0b101` (an underscore only between two digits), whitespace around; numeric also reads
# underscores in its fraction and exponent, `1.`, `.5`, NaN and the infinities
_BASED = r"0[xX]_?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*|0[oO]_?[0-7]+(?:_[0-7]+)*|0[bB]_?[01]+(?:_[01]+)*"
_DIGITS = r"\d+(?:_\d+)*"
_MANTISSA = rf"{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS}"
_INT_TEXT = _pattern(rf"\s*([+-]?)({_DIGITS}|{_BASED})\s*", re.ASCII)  # the usual first
_NUM_TEXT = _pattern(
    rf"\s*(?:([+-]?(?:{_MANTISSA}))(?:[eE]([+-]?{_DIGITS}))?|([+-]?)({_BASED}))\s*", re.ASCII
)
# what PostgreSQL 17+ reads before a fault, checking the range at each digit as it goes
# (a prefix match: `0x` before a lone `0`)
_INT_RUN = _pattern(rf"\s*[+-]?({_BASED}|{_DIGITS})", re.ASCII)
_NUM_EXPONENT_RUN = _pattern(rf"\s*[+-]?(?:{_MANTISSA})[eE][+-]?({_DIGITS})", re.ASCII)
_C_SPACE = " \t\n\r\v\f"  # isspace() in the C locale
_NUM_WORDS = {w: Decimal(w) for w in ("nan", "infinity", "+infinity", "-infinity")} | {
    "inf": Decimal("Infinity"), "+inf": Decimal("Infinity"), "-inf": Decimal("-Infinity")
}  # fmt: skip
_NUM_MAX_DIGITS, _NUM_MAX_SCALE = 131072, 16383  # numeric's weight and display scale limits


def _whole(sign: str, digits: str) -> int:
    """The integer of a matched text: a based one by its prefix (no digit limit for these
    bases), a decimal one past int()'s digit limit (4300) only when beyond every range."""
    if digits.isdigit() and len(digits) <= 1000:  # ASCII digits alone (the patterns' \d)
        value = int(digits)
    elif (digits := digits.replace("_", ""))[1:2].isalpha():
        value = int(digits, 0)
    else:
        digits = digits.lstrip("0")
        value = int(digits or "0") if len(digits) <= 1000 else 10**1000
    return -value if sign == "-" else value


def _parse_int(text: str, kind: str) -> int:
    m = _INT_TEXT.fullmatch(text)
    if not m:
        raise _int_refused(text, kind)
    v = _whole(m[1], m[2])
    lo, hi = INT_RANGES[kind]
    if not lo <= v <= hi:
        raise SqlError(f'value "{text}" is out of range for type {kind}', "22003")
    return v


def _int_refused(text: str, kind: str) -> SqlError:
    """Why int2in/int4in/int8in refuse a malformed `text`: out of range when the digits
    before the fault already overflow (`100_000e` for smallint; each digit is checked as
    it is read, against the type's lowest value over the base), else invalid syntax."""
    run = _INT_RUN.match(text)
    if run is not None:
        digits = run[1].replace("_", "")
        base = {"x": 16, "o": 8, "b": 2}.get(digits[1:2].lower(), 10)
        body = (digits[2:] if base != 10 else digits).lstrip("0")
        if len(body) > 70 or int(body[:-1] or "0", base) > -INT_RANGES[kind][0] // base:
            return SqlError(f'value "{text}" is out of range for type {kind}', "22003")
    return SqlError(f'invalid input syntax for type {kind}: "{text}"', "22P02")


def _parse_numeric(text: str) -> Decimal:
    m = _NUM_TEXT.fullmatch(text)
    if m is None:
        word = _NUM_WORDS.get(text.strip(_C_SPACE).lower())
        if word is not None:
            return word
        run = _NUM_EXPONENT_RUN.match(text)  # the exponent's digits are checked as read
        digits = "" if run is None else run[1].replace("_", "").lstrip("0")
        if len(digits) > 10 or int(digits or "0") > 2**30 - 1:
            raise SqlError("value overflows numeric format", "22003")
        raise SqlError(f'invalid input syntax for type numeric: "{text}"', "22P02")
    mantissa, exponent, sign, based = m.groups()
    if mantissa is None:
        return Decimal(_whole(sign, based))
    d = Decimal(mantissa)  # underscores between digits, as Python reads them too
    if exponent is not None or len(mantissa) > _NUM_MAX_SCALE:  # else within numeric's limits
        e = 0 if exponent is None else _whole(exponent[0], exponent.lstrip("+-"))
        d = _exponent_applied(d, e)
    return num_fix(d)


def _exponent_applied(d: Decimal, e: int) -> Decimal:
    """d * 10**e, refused as numeric_in refuses it: beyond 131072 digits before the point or
    16383 after (a zero too), or an exponent past 2**30 - 1 (a zero too)."""
    sign, digits, exponent = d.as_tuple()
    assert isinstance(exponent, int)
    exponent += e
    if (abs(e) > 2**30 - 1 or -exponent > _NUM_MAX_SCALE
            or (d and d.adjusted() + e >= _NUM_MAX_DIGITS)):  # fmt: skip
        raise SqlError("value overflows numeric format", "22003")
    return Decimal((sign, digits, exponent)) if d or exponent <= 0 else Decimal(0)


def numeric_typmod(d: Decimal, precision: int | None, scale: int | None) -> Decimal:
    """Apply numeric(p,s): round half away from zero to s, then check the digit count."""
    if precision is None:
        return d
    s = scale or 0
    rounded = num_round_to(d, s)
    if not rounded.is_zero() and rounded.adjusted() + 1 > precision - s:
        raise SqlError("numeric field overflow", "22003")
    return rounded


def to_numeric(
    a: Any, precision: int | None = None, scale: int | None = None, source: str = ""
) -> Decimal | None:
    """Cast to numeric[(p,s)]. A float goes through its %.15g (real: %.6g) text, as in PG."""
    if a is None:
        return None
    kind = type(a)
    if (kind is Decimal or kind is int) and precision is None:
        return a if kind is Decimal else Decimal(a)  # no typmod: the value as it is
    if kind is Decimal and a.is_finite():
        return numeric_typmod(a, precision, scale)  # what the steps below come to
    if isinstance(a, bool):
        raise TypeError("cannot cast boolean to numeric")
    if isinstance(a, int):
        d = Decimal(a)
    elif isinstance(a, Decimal):
        d = a
    elif isinstance(a, float):
        if math.isnan(a):
            d = Decimal("NaN")
        elif math.isinf(a):
            d = Decimal(a)
        else:
            digits = 6 if source == "real" else 15  # FLT_DIG / DBL_DIG, as float8_numeric
            d = num_fix(Decimal(f"{a:.{digits}g}"))
    elif isinstance(a, str):
        d = _parse_numeric(a)
    else:
        raise TypeError(f"cannot cast {type(a).__name__} to numeric")
    if not d.is_finite():
        if precision is not None and d.is_infinite():
            raise SqlError("numeric field overflow", "22003")
        return d
    return numeric_typmod(d, precision, scale)


def to_double(a: Any) -> float | None:
    if a is None:
        return None
    if isinstance(a, str):
        return _parse_float(a, "double precision")
    if isinstance(a, bool):
        raise TypeError("cannot cast boolean to double precision")
    if isinstance(a, Decimal) and not a.is_finite():
        return float(a)
    try:
        result = float(a)
    except OverflowError:
        raise _overflow() from None
    if math.isinf(result):
        raise _overflow()
    return result


def to_real(a: Any) -> float | None:
    if a is None:
        return None
    if isinstance(a, str):
        return f32(_parse_float(a, "real"))
    if isinstance(a, float):
        if math.isinf(a) or math.isnan(a):
            return a
        result = f32(a)
        if math.isinf(result):
            raise _overflow()
        if result == 0.0 and a != 0.0:
            raise _underflow()
        return result
    if isinstance(a, Decimal) and not a.is_finite():
        return float(a)
    if isinstance(a, (int, Decimal)) and not isinstance(a, bool):
        result = _round_f32(Fraction(a))
        if math.isinf(result):
            raise _overflow()
        return result
    raise TypeError(f"cannot cast {type(a).__name__} to real")


_FLOAT_TEXT = _pattern(
    r"\s*([+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan))\s*",
    re.IGNORECASE | re.ASCII,
)


def _parse_float(text: str, kind: str) -> float:
    m = _FLOAT_TEXT.fullmatch(text)
    if not m:
        raise SqlError(f'invalid input syntax for type {kind}: "{text}"', "22P02")
    value = float(m.group(1))
    if math.isinf(value) and "inf" not in m.group(1).lower():
        raise SqlError(f'"{m.group(1)}" is out of range for type {kind}', "22003")
    return value


_BOOL_WORDS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def to_bool(a: Any) -> bool | None:
    """Cast to boolean: integer 0/non-zero, or PostgreSQL's boolean words and prefixes."""
    if a is None or isinstance(a, bool):
        return a
    if isinstance(a, int):
        return a != 0
    if isinstance(a, str):
        word = a.strip().lower()
        if word in ("t", "1"):
            return True
        if word in ("f", "0"):
            return False
        matches = {v for k, v in _BOOL_WORDS.items() if word and k.startswith(word)}
        if len(word) >= (2 if word[:1] == "o" else 1) and len(matches) == 1:
            return matches.pop()
        raise SqlError(f'invalid input syntax for type boolean: "{a}"', "22P02")
    raise TypeError(f"cannot cast {type(a).__name__} to boolean")


def to_varchar(a: str | None, length: int | None, explicit: bool) -> str | None:
    """varchar(n): an explicit cast truncates; storing raises unless the excess is spaces."""
    if a is None or length is None or len(a) <= length:
        return a
    if explicit or not a[length:].strip(" "):
        return a[:length]
    raise SqlError(f"value too long for type character varying({length})", "22001")


def json_path(doc: Any, keys: tuple[Any, ...], path: bool = True) -> Any:
    """`doc #> '{a,0}'` (path) or `doc -> 'a' -> 0`: the value there, None when absent.
    In a path a key reads an array index when it is a number, as PostgreSQL does."""
    for key in keys:
        if isinstance(doc, dict) and not isinstance(key, int):
            doc = doc.get(key)
        elif isinstance(doc, list) and (isinstance(key, int) or (path and _is_index(key))):
            i = int(key)
            doc = doc[i] if -len(doc) <= i < len(doc) else None
        elif not path and key in (0, -1) and not isinstance(doc, (dict, list, type(None))):
            pass  # `-> 0` on a scalar is the scalar (jsonb keeps it as a one-element array)
        else:
            return None
        if doc is None:
            return None
    return doc


def _is_index(key: Any) -> bool:
    return isinstance(key, str) and re.fullmatch(r"-?\d+", key) is not None


def json_path_text(doc: Any, keys: tuple[Any, ...], path: bool = True) -> str | None:
    """`->>` / `#>>`: the value as text; a string unquoted, anything else as jsonb prints it."""
    value = json_path(doc, keys, path)
    if value is None or isinstance(value, str):
        return value
    return json_out(value)


def json_out(value: Any) -> str:
    """jsonb's text output: `{"a": 1, "b": [true, null]}`, object keys in jsonb's order
    (shorter first, then bytewise)."""
    return json.dumps(_jsonb_order(value), separators=(", ", ": "), ensure_ascii=False,
                      default=str)  # fmt: skip


def _jsonb_order(value: Any) -> Any:
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(str(k).encode()), str(k).encode()))
        return {k: _jsonb_order(value[k]) for k in keys}
    if isinstance(value, list):
        return [_jsonb_order(v) for v in value]
    return value


def json_has_at(doc: Any, keys: tuple[Any, ...], path: bool, key: str) -> bool | None:
    """`doc -> 'a' ? key`: NULL when the path is absent, false on a JSON null there."""
    for k in keys:
        if isinstance(doc, dict) and not isinstance(k, int) and k in doc:
            doc = doc[k]
        elif isinstance(doc, list) and (isinstance(k, int) or (path and _is_index(k))):
            i = int(k)
            if not -len(doc) <= i < len(doc):
                return None
            doc = doc[i]
        elif not path and k in (0, -1) and not isinstance(doc, (dict, list, type(None))):
            pass  # `-> 0` on a scalar is the scalar
        else:
            return None
        if doc is None:  # a JSON null: a value, which has no keys
            return False
    return json_has(doc, key)


def json_has(doc: Any, key: str) -> bool | None:
    """`doc ? key`: a top-level object key, or a string element of a top-level array."""
    if doc is None:
        return None
    if isinstance(doc, dict):
        return key in doc
    if isinstance(doc, list):
        return key in [v for v in doc if isinstance(v, str)]
    return isinstance(doc, str) and doc == key


def bpchar(a: str | None) -> str | None:
    """A char(n) value as PostgreSQL compares it: trailing spaces are insignificant
    (bpchareq, and a cast to text, drop them)."""
    return None if a is None else a.rstrip(" ")


def to_bpchar(a: str | None, length: int | None, explicit: bool) -> str | None:
    """char(n): padding is not kept (see bpchar); a cast truncates, storing raises unless
    the excess is spaces."""
    if a is None:
        return None
    if length is not None and len(a) > length:
        if not explicit and a[length:].strip(" "):
            raise SqlError(f"value too long for type character({length})", "22001")
        a = a[:length]
    return a.rstrip(" ")


_DATE_TEXT = _pattern(r"\s*(\d{4})-(\d{2})-(\d{2})\s*", re.ASCII)
_TS_TEXT = _pattern(
    r"\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*",
    re.ASCII,
)


def to_date(a: Any) -> date | None:
    """Only ISO dates are read; any other spelling is not guessed at."""
    if a is None:
        return None
    if isinstance(a, datetime):
        return a.astimezone(UTC).date() if a.tzinfo else a.date()
    if isinstance(a, date):
        return a
    if isinstance(a, str):
        m = _DATE_TEXT.fullmatch(a)
        if not m:
            raise NotImplementedError(f"date input {a!r} is not ISO YYYY-MM-DD")
        return _make_date(int(m[1]), int(m[2]), int(m[3]), a)
    raise TypeError(f"cannot cast {type(a).__name__} to date")


def _make_date(y: int, m: int, d: int, text: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise SqlError(f'date/time field value out of range: "{text}"', "22008") from None


def to_timestamp(a: Any) -> datetime | None:
    if a is None:
        return None
    if isinstance(a, datetime):
        return a.astimezone(UTC).replace(tzinfo=None) if a.tzinfo else a
    if isinstance(a, date):
        return datetime(a.year, a.month, a.day)
    if isinstance(a, str):
        m = _TS_TEXT.fullmatch(a)
        if not m:
            raise NotImplementedError(f"timestamp input {a!r} is not ISO")
        day = _make_date(int(m[1]), int(m[2]), int(m[3]), a)
        # PostgreSQL rounds the fraction to microseconds (rint of a double), and takes
        # 24:00:00 and a leap second :60 as running into the next day or minute
        micro = round(float("0." + m[7]) * 1_000_000) if m[7] else 0
        hh, mm, ss = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
        if hh > 24 or mm > 59 or ss > 60 or (hh == 24 and (mm or ss or micro)):
            raise SqlError(f'date/time field value out of range: "{a}"', "22008")
        try:
            return datetime(day.year, day.month, day.day) + timedelta(
                hours=hh, minutes=mm, seconds=ss, microseconds=micro
            )
        except OverflowError:
            raise SqlError("timestamp out of range", "22008") from None
    raise TypeError(f"cannot cast {type(a).__name__} to timestamp")


_TZ_OFFSET = _pattern(
    r"(.*\d:\d\d(?::\d\d(?:\.\d+)?)?)\s*(?:([+-])(\d\d?)(?::?(\d\d))?|Z|UTC)", re.IGNORECASE
)


def to_timestamptz(a: Any) -> datetime | None:
    if a is None:
        return None
    if isinstance(a, datetime) and a.tzinfo is not None:
        return a.astimezone(UTC)
    offset = timedelta(0)
    m = _TZ_OFFSET.fullmatch(a) if isinstance(a, str) else None
    written = a
    if m:  # '2024-01-01 00:00:00+02' (as pg_dump writes bounds and defaults)
        a = m[1]
        if m[2]:
            offset = timedelta(hours=int(m[3]), minutes=int(m[4] or 0))
            offset = -offset if m[2] == "-" else offset
    try:
        naive = to_timestamp(a)
    except SqlError as error:  # quoting the text as written, its offset too
        raise SqlError(str(error).replace(f'"{a}"', f'"{written}"'), error.sqlstate) from None
    return None if naive is None else (naive - offset).replace(tzinfo=UTC)


def to_uuid(a: Any) -> uuid.UUID | None:
    if a is None or isinstance(a, uuid.UUID):
        return a
    if isinstance(a, str):
        text = a.strip()
        if re.fullmatch(r"\{?[0-9a-fA-F]{8}(-?[0-9a-fA-F]{4}){3}-?[0-9a-fA-F]{12}\}?", text):
            return uuid.UUID(text)
        raise SqlError(f'invalid input syntax for type uuid: "{a}"', "22P02")
    raise TypeError(f"cannot cast {type(a).__name__} to uuid")


# ----------------------------------------------------------------------------- text output


def _f32_neighbours(x: float) -> tuple[float, float]:
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    down = struct.unpack("<f", struct.pack("<I", bits - 1))[0] if bits else -x
    up = struct.unpack("<f", struct.pack("<I", bits + 1))[0]
    return float(down), float(up)


def _shortest_digits(x: float, kind: str) -> tuple[str, int]:
    """Shortest digits strictly inside x's rounding interval, and the decimal exponent.

    PostgreSQL's ryu never returns a decimal that lies exactly on the boundary between two
    floats (1e23 prints as 9.999999999999999e+22), which Python's repr() accepts.
    """
    if kind == "real":
        down, up = _f32_neighbours(x)
        max_digits = 9
    else:
        down, up = math.nextafter(x, 0.0), math.nextafter(x, math.inf)
        max_digits = 17
    exact = Fraction(x)
    low = (Fraction(down) + exact) / 2
    upper = Fraction(up) if not math.isinf(up) else 2 * exact - Fraction(down)
    high = (exact + upper) / 2
    e10 = Decimal(x).adjusted()
    for p in range(1, max_digits + 1):
        unit = Fraction(10) ** (e10 - p + 1)
        below = math.floor(exact / unit)
        inside = [m for m in (below, below + 1) if low < m * unit < high]
        if inside:
            # the nearer candidate; on a tie, the even one
            best = min(inside, key=lambda m: (abs(m * unit - exact), m % 2))
            digits = str(best)
            exponent = e10 - p + 1 + len(digits) - 1
            return digits.rstrip("0") or "0", exponent
    raise AssertionError(f"no shortest form for {x!r}")


def float_out(x: float, kind: str = "double") -> str:
    """float8out/float4out: shortest digits, exponent form below 1e-4 or from 1e15 (1e6)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0" if math.copysign(1.0, x) < 0 else "0"
    sign = "-" if x < 0 else ""
    digits, exp10 = _shortest_digits(abs(x), kind)
    if exp10 < -4 or exp10 >= (15 if kind == "double" else 6):
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"
    if exp10 < 0:
        return f"{sign}0.{'0' * (-exp10 - 1)}{digits}"
    whole = digits[: exp10 + 1].ljust(exp10 + 1, "0")
    frac = digits[exp10 + 1 :]
    return f"{sign}{whole}{'.' + frac if frac else ''}"


def num_out(d: Decimal) -> str:
    if d.is_nan():
        return "NaN"
    if d.is_infinite():
        return "-Infinity" if d.is_signed() else "Infinity"
    return format(num_fix(d), "f")


def _ts_out(t: datetime) -> str:
    text = t.strftime("%Y-%m-%d %H:%M:%S") if t.year >= 1000 else _ts_pad(t)
    if t.microsecond:
        text += f".{t.microsecond:06d}".rstrip("0")
    return text


def _ts_pad(t: datetime) -> str:
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}:{t.second:02d}"


def text_out(a: Any, kind: str) -> str | None:
    """A value's text as PostgreSQL prints it (DateStyle ISO, TimeZone UTC)."""
    if a is None:
        return None
    if kind in ("double", "real"):
        return float_out(a, kind)
    if kind == "numeric":
        return num_out(a)
    if kind == "boolean":
        return "true" if a else "false"
    if kind == "date":
        return f"{a.year:04d}-{a.month:02d}-{a.day:02d}"
    if kind == "timestamp":
        return _ts_out(a)
    if kind == "timestamptz":
        return _ts_out(a.astimezone(UTC).replace(tzinfo=None)) + "+00"
    if kind == "interval":
        return interval_out(a)
    return str(a)


# ----------------------------------------------------------------------------- strings


def concat_op(a: Any, b: Any) -> str | None:
    """PostgreSQL `||` on text: NULL if either side is NULL."""
    return None if a is None or b is None else a + b


def concat(*args: str | None) -> str:
    """concat(): NULL arguments are skipped."""
    return "".join(a for a in args if a is not None)


def concat_ws(sep: str | None, *args: str | None) -> str | None:
    if sep is None:
        return None
    return sep.join(a for a in args if a is not None)


def _case_map(s: str, upper: bool) -> str:
    """Per-character case mapping (towupper/towlower): never one-to-many like 'ß'.upper()."""
    if s.isascii():  # one character to one: str's own mapping is the same
        return s.upper() if upper else s.lower()
    out = []
    for ch in s:
        mapped = ch.upper() if upper else ch.lower()
        if len(mapped) != 1:
            mapped = _SIMPLE_CASE.get((ch, upper), ch)
        out.append(mapped)
    return "".join(out)


# Where Python's full case mapping gives several characters but the C library's simple
# mapping (towlower) gives one.
_SIMPLE_CASE = {("\u0130", False): "i"}


def upper(a: str | None) -> str | None:
    return None if a is None else _case_map(a, True)


def lower(a: str | None) -> str | None:
    return None if a is None else _case_map(a, False)


def length(a: str | None) -> int | None:
    return None if a is None else len(a)


def substr(s: str | None, start: int | None, count: int | None) -> str | None:
    """substr(s, start, count): 1-based start that may be zero or negative."""
    if s is None or start is None or count is None:
        return None
    if count < 0:
        raise SqlError("negative substring length not allowed", "22011")
    end = start + count
    return s[max(start - 1, 0) : max(end - 1, 0)]


def substr_from(s: str | None, start: int | None) -> str | None:
    if s is None or start is None:
        return None
    return s[max(start - 1, 0) :]


def left(s: str | None, n: int | None) -> str | None:
    if s is None or n is None:
        return None
    return s[: max(len(s) + n, 0)] if n < 0 else s[:n]


def right(s: str | None, n: int | None) -> str | None:
    if s is None or n is None:
        return None
    if n == -(2**31):
        return s  # text_right() negates n in a C int: INT_MIN stays negative
    if n < 0:
        return s[min(-n, len(s)) :]
    return s[len(s) - min(n, len(s)) :]


def btrim(s: str | None, chars: str | None = " ") -> str | None:
    return None if s is None or chars is None else s.strip(chars)


def ltrim(s: str | None, chars: str | None = " ") -> str | None:
    return None if s is None or chars is None else s.lstrip(chars)


def rtrim(s: str | None, chars: str | None = " ") -> str | None:
    return None if s is None or chars is None else s.rstrip(chars)


def replace(s: str | None, old: str | None, new: str | None) -> str | None:
    if s is None or old is None or new is None:
        return None
    return s if old == "" else s.replace(old, new)


def _pad_check(s: str, n: int, fill: str) -> None:
    """lpad/rpad allocate 4 bytes per requested character before padding (UTF-8)."""
    length = min(len(s), max(n, 0)) if not fill else max(n, 0)
    if length > 536_870_911:
        raise SqlError("requested length too large", "54000")
    if 4 * length + 4 > 0x3FFFFFFF:
        raise SqlError(f"invalid memory alloc request size {4 * length + 4}", "XX000")


def lpad(s: str | None, n: int | None, fill: str | None = " ") -> str | None:
    if s is None or n is None or fill is None:
        return None
    _pad_check(s, n, fill)
    if n <= len(s):
        return s[: max(n, 0)]
    if not fill:
        return s
    need = n - len(s)
    return (fill * (need // len(fill) + 1))[:need] + s


def rpad(s: str | None, n: int | None, fill: str | None = " ") -> str | None:
    if s is None or n is None or fill is None:
        return None
    _pad_check(s, n, fill)
    if n <= len(s):
        return s[: max(n, 0)]
    if not fill:
        return s
    need = n - len(s)
    return s + (fill * (need // len(fill) + 1))[:need]


def strpos(s: str | None, sub: str | None) -> int | None:
    if s is None or sub is None:
        return None
    return s.find(sub) + 1


def split_part(s: str | None, delimiter: str | None, n: int | None) -> str | None:
    """PostgreSQL's split_part: the n-th field (from the end when n < 0), '' past the end."""
    if s is None or delimiter is None or n is None:
        return None
    if n == 0:
        raise SqlError("field position must not be zero", "22023")
    fields = s.split(delimiter) if delimiter else [s]
    index = n - 1 if n > 0 else len(fields) + n
    return fields[index] if 0 <= index < len(fields) else ""


def md5(s: str | None) -> str | None:
    return None if s is None else hashlib.md5(s.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- LIKE and regex


def like_regex(pattern: str, escape: str | None = "\\") -> re.Pattern[str]:
    """Translate a LIKE pattern ('%', '_', escape character) into a compiled regex."""
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape:
            i += 1
            if i == len(pattern):
                raise SqlError("LIKE pattern must not end with escape character", "22025")
            out.append(re.escape(pattern[i]))
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL)


_LIKE_ABORT = None  # MatchText's LIKE_ABORT: no later start position can match either


def _like_escape(pattern: str, escape: str | None) -> str:
    """like_escape(): rewrite a pattern to use backslash as its escape character."""
    if escape is not None and len(escape) > 1:
        raise SqlError("invalid escape string", "22019")
    if not escape:
        return pattern.replace("\\", "\\\\")
    out: list[str] = []
    after = False
    for ch in pattern:
        if after:
            out.append("\\" + ch)
            after = False
        elif ch == escape:
            after = True
        elif ch == "\\":
            out.append("\\\\")
        else:
            out.append(ch)
    if after:
        out.append("\\")  # left for MatchText to reject if it ever gets there
    return "".join(out)


def _match_text(t: str, p: str) -> bool | None:
    """PostgreSQL's MatchText (like_match.c), character for character: the error for a
    trailing escape is raised only if matching reaches it, as the server does."""
    if p == "%":
        return True
    ti = pi = 0
    while ti < len(t) and pi < len(p):
        ch = p[pi]
        if ch == "\\":
            pi += 1
            if pi >= len(p):
                raise SqlError("LIKE pattern must not end with escape character", "22025")
            if p[pi] != t[ti]:
                return False
        elif ch == "%":
            pi += 1
            while pi < len(p):
                if p[pi] == "%":
                    pi += 1
                elif p[pi] == "_":
                    if ti >= len(t):
                        return _LIKE_ABORT
                    ti += 1
                    pi += 1
                else:
                    break
            if pi >= len(p):
                return True
            if p[pi] == "\\":
                if pi + 1 >= len(p):
                    raise SqlError("LIKE pattern must not end with escape character", "22025")
                first = p[pi + 1]
            else:
                first = p[pi]
            while ti < len(t):
                if t[ti] == first:
                    matched = _match_text(t[ti:], p[pi:])
                    if matched is not False:
                        return matched
                ti += 1
            return _LIKE_ABORT
        elif ch == "_":
            ti += 1
            pi += 1
            continue
        elif ch != t[ti]:
            return False
        ti += 1
        pi += 1
    if ti < len(t):
        return False
    while pi < len(p) and p[pi] == "%":
        pi += 1
    return True if pi >= len(p) else _LIKE_ABORT


def like(s: str | None, pattern: str | None, escape: str | None = "\\") -> bool | None:
    if s is None or pattern is None:
        return None
    return _match_text(s, _like_escape(pattern, escape)) is True


def ilike(s: str | None, pattern: str | None, escape: str | None = "\\") -> bool | None:
    """ILIKE lower-cases both sides (after escape processing), as PostgreSQL does in UTF-8."""
    if s is None or pattern is None:
        return None
    lowered = _case_map(_like_escape(pattern, escape), False)
    return _match_text(_case_map(s, False), lowered) is True


def regex_match(s: str | None, regex: re.Pattern[str]) -> bool | None:
    """`~` with a pattern translated at compile time (see the compiler's regex subset)."""
    return None if s is None else regex.search(s) is not None


# ----------------------------------------------------------------------------- dates and times


class Interval:
    """PostgreSQL interval: months, days and microseconds are kept apart, as the server does."""

    __slots__ = ("days", "micros", "months")

    def __init__(self, months: int = 0, days: int = 0, micros: int = 0) -> None:
        self.months, self.days, self.micros = months, days, micros

    def _key(self) -> int:
        # interval_cmp: 30-day months, 24-hour days
        return (self.months * 30 + self.days) * 86_400_000_000 + self.micros

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Interval) and self._key() == other._key()

    def __lt__(self, other: Interval) -> bool:
        return self._key() < other._key()

    def __le__(self, other: Interval) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: Interval) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: Interval) -> bool:
        return self._key() >= other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Interval(months={self.months}, days={self.days}, micros={self.micros})"

    def __str__(self) -> str:
        return interval_out(self)


_UNIT_MICROS = {
    "microsecond": 1, "millisecond": 1000, "second": 1_000_000, "minute": 60_000_000,
    "hour": 3_600_000_000,
}  # fmt: skip
_UNIT_ALIASES = {
    "us": "microsecond", "usec": "microsecond", "usecs": "microsecond",
    "microseconds": "microsecond", "ms": "millisecond", "msec": "millisecond",
    "msecs": "millisecond", "milliseconds": "millisecond", "s": "second", "sec": "second",
    "secs": "second", "seconds": "second", "m": "minute", "min": "minute", "mins": "minute",
    "minutes": "minute", "h": "hour", "hr": "hour", "hrs": "hour", "hours": "hour",
    "d": "day", "days": "day", "w": "week", "weeks": "week", "mon": "month", "mons": "month",
    "months": "month", "y": "year", "yr": "year", "yrs": "year", "years": "year",
}  # fmt: skip
_INTERVAL_PART = _pattern(
    r"\s*(?:([+-]?\d+)\s*([a-zA-Z]+)|([+-]?)(\d+):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6}))?)?)",
    re.ASCII,
)


def parse_interval(text: str) -> Interval:
    """Read the common interval spellings ('1 day', '2 hours 30 mins', '01:02:03', '1 mon').

    Anything else raises ValueError, which the compiler reports as unsupported.
    """
    months = days = micros = 0
    pos, seen = 0, False
    body = text.strip()
    while pos < len(body):
        m = _INTERVAL_PART.match(body, pos)
        if not m or m.end() == pos:
            raise ValueError(f"interval spelling not supported: {text!r}")
        pos, seen = m.end(), True
        if m.group(2):
            n, unit = int(m.group(1)), m.group(2).lower()
            unit = _UNIT_ALIASES.get(unit, unit)
            if unit in _UNIT_MICROS:
                micros += n * _UNIT_MICROS[unit]
            elif unit == "day":
                days += n
            elif unit == "week":
                days += 7 * n
            elif unit == "month":
                months += n
            elif unit == "year":
                months += 12 * n
            else:
                raise ValueError(f"interval unit not supported: {unit!r}")
        else:
            sign = -1 if m.group(3) == "-" else 1
            frac = int((m.group(7) or "0").ljust(6, "0"))
            whole = int(m.group(4)) * 3600 + int(m.group(5)) * 60 + int(m.group(6) or 0)
            micros += sign * (whole * 1_000_000 + frac)
    if not seen:
        raise ValueError(f"interval spelling not supported: {text!r}")
    return Interval(months, days, micros)


def interval_param(value: Any) -> Any:
    """An interval as a database driver takes it: a timedelta when it has no months (psycopg
    sends it as an interval), else its PostgreSQL spelling ('1 mon 2 days'), which the server
    reads back exactly; a row's DEFAULT of type interval is inserted this way."""
    if not isinstance(value, Interval):
        return value
    if value.months == 0:
        return timedelta(days=value.days, microseconds=value.micros)
    return interval_out(value)


def interval_out(iv: Interval) -> str:
    """interval_out with IntervalStyle postgres: '1 year 2 mons 3 days 04:05:06'."""
    parts = []
    years, months = int(iv.months / 12), iv.months - 12 * int(iv.months / 12)
    for n, unit in ((years, "year"), (months, "mon"), (iv.days, "day")):
        if n:
            parts.append(f"{n} {unit}{'' if abs(n) == 1 else 's'}")
    if iv.micros or not parts:
        neg = iv.micros < 0
        total = abs(iv.micros)
        secs, frac = divmod(total, 1_000_000)
        text = f"{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}"
        if frac:
            text += f".{frac:06d}".rstrip("0")
        sign = "-" if neg else ("+" if parts and (iv.days < 0 or iv.months < 0) else "")
        parts.append(sign + text)
    return " ".join(parts)


class Unrepresentable(NotImplementedError):
    """The database has a result, but Python's date/datetime cannot hold it (years 1-9999)."""


_PG_EPOCH = date(2000, 1, 1)
_DAY_MICROS = 86_400_000_000
_DATE_MIN, _DATE_END = -2_451_545, 2_145_031_949  # IS_VALID_DATE, days from 2000-01-01
_TS_MIN, _TS_END = -211_813_488_000_000_000, 9_223_371_331_200_000_000  # IS_VALID_TIMESTAMP


def _date_from_days(days: int) -> date:
    if not _DATE_MIN <= days < _DATE_END:
        raise SqlError("date out of range", "22008")
    try:
        return _PG_EPOCH + timedelta(days=days)
    except OverflowError:
        raise Unrepresentable(f"date {days} days from 2000-01-01 is outside years 1-9999") from None


def _days(d: date) -> int:
    return (d - _PG_EPOCH).days


_UNIX_EPOCH_MICROS = 946_684_800_000_000  # 2000-01-01 is this long after 1970-01-01


def _micros(t: datetime) -> int:
    """Microseconds from 2000-01-01 00:00 in the timestamp's own (naive or UTC) clock."""
    base = datetime(2000, 1, 1, tzinfo=t.tzinfo)
    delta = t - base
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _ts_from_micros(micros: int, tz: Any) -> datetime:
    if not _TS_MIN <= micros < _TS_END:
        raise SqlError("timestamp out of range", "22008")
    try:
        return datetime(2000, 1, 1, tzinfo=tz) + timedelta(microseconds=micros)
    except OverflowError:
        raise Unrepresentable("timestamp outside years 1-9999") from None


def date_add_days(d: date | None, n: int | None) -> date | None:
    if d is None or n is None:
        return None
    return _date_from_days(_days(d) + n)


def date_sub_days(d: date | None, n: int | None) -> date | None:
    if d is None or n is None:
        return None
    return _date_from_days(_days(d) - n)


def date_diff(a: date | None, b: date | None) -> int | None:
    return None if a is None or b is None else (a - b).days


def _add_months(t: datetime, months: int) -> datetime:
    """Add months keeping the day, clamped to the month's last day (timestamp_pl_interval)."""
    total = t.year * 12 + (t.month - 1) + months
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        if -4713 <= year <= 294276:
            raise Unrepresentable(f"timestamp in year {year}")
        raise SqlError("timestamp out of range", "22008")
    day = min(t.day, calendar.monthrange(year, month + 1)[1])
    return t.replace(year=year, month=month + 1, day=day)


def ts_add_interval(t: Any, iv: Interval | None, sign: int = 1) -> Any:
    """timestamp[tz]/date ± interval: months, then days, then time (UTC session zone)."""
    if t is None or iv is None:
        return None
    if not isinstance(t, datetime):
        t = datetime(t.year, t.month, t.day)
    stamp: datetime = _add_months(t, sign * iv.months) if iv.months else t
    micros = _micros(stamp) + sign * iv.days * _DAY_MICROS
    if iv.days and not _TS_MIN <= micros < _TS_END:
        raise SqlError("timestamp out of range", "22008")
    return _ts_from_micros(micros + sign * iv.micros, stamp.tzinfo)


def ts_diff(a: datetime | None, b: datetime | None) -> Interval | None:
    """timestamp - timestamp: days and time, justified so both share a sign."""
    if a is None or b is None:
        return None
    micros = _micros(a) - _micros(b)
    days = _trunc_div(micros, _DAY_MICROS)
    return Interval(0, days, micros - days * _DAY_MICROS)


def interval_neg(iv: Interval | None) -> Interval | None:
    return None if iv is None else Interval(-iv.months, -iv.days, -iv.micros)


def interval_add(a: Interval | None, b: Interval | None, sign: int = 1) -> Interval | None:
    if a is None or b is None:
        return None
    return Interval(a.months + sign * b.months, a.days + sign * b.days, a.micros + sign * b.micros)


def _epoch_micros(t: datetime) -> int:
    base = datetime(1970, 1, 1, tzinfo=t.tzinfo)
    delta = t - base
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _field_value(t: datetime, field: str) -> Fraction:
    """The value of an extract/date_part field as an exact rational."""
    if field == "epoch":
        return Fraction(_epoch_micros(t), 1_000_000)
    if field == "second":
        return Fraction(t.second * 1_000_000 + t.microsecond, 1_000_000)
    if field == "millisecond":
        return Fraction(t.second * 1_000_000 + t.microsecond, 1000)
    if field == "microsecond":
        return Fraction(t.second * 1_000_000 + t.microsecond)
    simple: dict[str, Callable[[datetime], int]] = {
        "year": lambda t: t.year,
        "month": lambda t: t.month,
        "day": lambda t: t.day,
        "hour": lambda t: t.hour,
        "minute": lambda t: t.minute,
        "quarter": lambda t: (t.month - 1) // 3 + 1,
        "dow": lambda t: (t.weekday() + 1) % 7,
        "isodow": lambda t: t.isoweekday(),
        "doy": lambda t: t.timetuple().tm_yday,
        "week": lambda t: t.isocalendar()[1],
        "isoyear": lambda t: t.isocalendar()[0],
        "decade": lambda t: t.year // 10,
        "century": lambda t: (t.year + 99) // 100,
        "millennium": lambda t: (t.year + 999) // 1000,
    }
    return Fraction(simple[field](t))


_TIME_FIELDS = {"hour", "minute", "second", "millisecond", "microsecond"}
_FIELD_SCALE = {"second": 6, "millisecond": 3, "microsecond": 0, "epoch": 6}


def extract(field: str, t: Any, source: str) -> Decimal | None:
    """EXTRACT(field FROM x) returns numeric (PostgreSQL 14+), with the field's scale."""
    if t is None:
        return None
    if source == "date":
        if field in _TIME_FIELDS:
            raise SqlError(f'unit "{field}" not supported for type date', "0A000")
        value = _field_value(datetime(t.year, t.month, t.day, tzinfo=UTC), field)
        return Decimal(int(value))
    value = _field_value(t, field)
    scale = _FIELD_SCALE.get(field, 0)
    scaled = value * 10**scale
    assert scaled.denominator == 1
    return num_fix(Decimal(scaled.numerator).scaleb(-scale, NUM))


def date_part(field: str, t: Any, source: str) -> float | None:
    """date_part() returns double precision, computed in floating point as
    timestamp_part_common() does; a date is first made a timestamp."""
    if t is None:
        return None
    stamp: datetime = datetime(t.year, t.month, t.day) if source == "date" else t
    return _date_part(field, stamp)


def _date_part(field: str, t: datetime) -> float:
    if field == "second":
        return t.second + t.microsecond / 1000000.0
    if field == "millisecond":
        return t.second * 1000.0 + t.microsecond / 1000.0
    if field == "microsecond":
        return t.second * 1000000.0 + t.microsecond
    if field == "epoch":
        return _epoch_micros(t) / 1000000.0
    return float(_field_value(t, field))


def date_trunc(field: str, t: datetime | None) -> datetime | None:
    if t is None:
        return None
    if field == "microseconds":
        return t
    if field == "milliseconds":
        return t.replace(microsecond=t.microsecond // 1000 * 1000)
    if field == "second":
        return t.replace(microsecond=0)
    if field == "minute":
        return t.replace(second=0, microsecond=0)
    if field == "hour":
        return t.replace(minute=0, second=0, microsecond=0)
    day = t.replace(hour=0, minute=0, second=0, microsecond=0)
    if field == "day":
        return day
    if field == "week":
        return day - timedelta(days=day.weekday())
    if field == "month":
        return day.replace(day=1)
    if field == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if field == "year":
        return day.replace(month=1, day=1)
    if field == "decade":
        return day.replace(year=day.year // 10 * 10 or 1, month=1, day=1)
    if field == "century":
        return day.replace(year=(day.year - 1) // 100 * 100 + 1, month=1, day=1)
    if field == "millennium":
        return day.replace(year=(day.year - 1) // 1000 * 1000 + 1, month=1, day=1)
    raise SqlError(f'unit "{field}" not recognized for type timestamp', "22023")


# ----------------------------------------------------------------------------- SQLite


def sq_bool(a: bool | None) -> int | None:
    """SQLite has no boolean: comparisons and logic yield 1, 0 or NULL."""
    return None if a is None else int(a)


_SQ_NUM_PREFIX = _pattern(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_SQ_REAL_PREFIX = _pattern(r"\s*([+-]?)((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)?", re.ASCII)
_SQ_INT = _pattern(r"\s*[+-]?\d+\s*", re.ASCII)
_SQ_REAL = _pattern(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*", re.ASCII)


def plain_number(text: str) -> bool:
    """Decimal digits, a point and an exponent, spaces around: none of PostgreSQL 16+'s
    `1_000` or `0x1F`, nor NaN or Infinity (MySQL's rows read none of them)."""
    return _SQ_REAL.fullmatch(text) is not None


_I64 = (-(2**63), 2**63 - 1)


def _sq_text_num(s: str) -> int | float:
    """Text's numeric type in arithmetic: its longest numeric prefix, or integer 0."""
    m = _SQ_NUM_PREFIX.match(s)
    if not m:
        return 0
    text = m.group(0).strip()
    if re.fullmatch(r"[+-]?\d+", text):
        v = int(text)
        return v if _I64[0] <= v <= _I64[1] else float(v)
    return float(text)


def _sq_text_real(s: str) -> float:
    """sqlite3AtoF on a prefix: a lone '-' reads as -0.0."""
    m = _SQ_REAL_PREFIX.match(s)
    assert m is not None
    if not m.group(2):
        return -0.0 if m.group(1) == "-" else 0.0
    return float(m.group(1) + m.group(2))


def _text_of(a: str | bytes) -> str:
    return a.decode("utf-8", "replace") if isinstance(a, bytes) else a


def sq_num(a: Any) -> int | float | None:
    """A value's numeric type as an arithmetic operand (numericType in vdbe.c)."""
    if a is None or isinstance(a, (int, float)):
        return a
    if isinstance(a, (str, bytes)):
        return _sq_text_num(_text_of(a))
    raise TypeError(f"not a SQLite value: {type(a).__name__}")


def _sq_real(a: Any) -> float:
    """sqlite3VdbeRealValue."""
    if isinstance(a, (str, bytes)):
        return _sq_text_real(_text_of(a))
    return float(a)


def _sq_int_ok(v: int) -> bool:
    return _I64[0] <= v <= _I64[1]


def _sq_arith(a: Any, b: Any, op: str) -> int | float | None:
    """OP_Add/Subtract/Multiply/Divide/Remainder: integer math unless an operand is REAL
    or the result overflows; a NaN result is NULL; dividing by zero is NULL."""
    x, y = sq_num(a), sq_num(b)
    if x is None or y is None:
        return None
    if isinstance(x, int) and isinstance(y, int):
        if op in "/%":
            if y == 0:
                return None
            if op == "%":
                return 0 if y == -1 else _trunc_mod(x, y)
            if not (x == _I64[0] and y == -1):
                return _trunc_div(x, y)
        else:
            r = x + y if op == "+" else x - y if op == "-" else x * y
            if _sq_int_ok(r):
                return r
    if op == "%":
        ix, iy = sq_to_integer(a), sq_to_integer(b)
        assert ix is not None and iy is not None
        if iy == 0:
            return None
        return float(0 if iy == -1 else _trunc_mod(ix, iy))
    rx, ry = _sq_real(a), _sq_real(b)
    if op == "/":
        if ry == 0.0:
            return None
        result = rx / ry
    else:
        result = rx + ry if op == "+" else rx - ry if op == "-" else rx * ry
    return None if math.isnan(result) else result


def sq_add(a: Any, b: Any) -> int | float | None:
    return _sq_arith(a, b, "+")


def sq_sub(a: Any, b: Any) -> int | float | None:
    return _sq_arith(a, b, "-")


def sq_mul(a: Any, b: Any) -> int | float | None:
    return _sq_arith(a, b, "*")


def sq_div(a: Any, b: Any) -> int | float | None:
    """Integer division truncates; dividing by zero is NULL, not an error."""
    return _sq_arith(a, b, "/")


def sq_mod(a: Any, b: Any) -> int | float | None:
    """%: a REAL operand makes both integers first (text by its integer prefix)."""
    return _sq_arith(a, b, "%")


def _sq_to_int(x: float) -> int:
    """CAST(real AS INTEGER): truncate toward zero, saturating at the 64-bit limits."""
    if isinstance(x, int):
        return x
    if math.isnan(x):
        return 0
    if x <= -9.223372036854775808e18:
        return _I64[0]
    if x >= 9.223372036854775807e18:
        return _I64[1]
    return int(x)


def sq_neg(a: Any) -> int | float | None:
    """Unary minus is 0 - x: -(-0.0) is 0.0 and negating the smallest integer gives REAL."""
    return _sq_arith(0, a, "-")


def sq_abs(a: Any) -> int | float | None:
    if a is None:
        return None
    if isinstance(a, int):
        if a == _I64[0]:
            raise SqlError("integer overflow")
        return abs(a)
    r = _sq_real(a)
    return -r if r < 0 else r


_SQ_CLASS_ORDER = {type(None): 0, int: 1, float: 1, str: 2, bytes: 3}


def sq_compare(a: Any, b: Any) -> int:
    """SQLite's cross-type order: NULL < numbers < text < blob; numbers compare exactly."""
    ca, cb = _SQ_CLASS_ORDER[type(a)], _SQ_CLASS_ORDER[type(b)]
    if ca != cb:
        return -1 if ca < cb else 1
    if a == b:
        return 0
    return -1 if a < b else 1


def sq_cmp(op: str, a: Any, b: Any) -> int | None:
    """A comparison after affinity was applied: 1, 0 or NULL."""
    if a is None or b is None:
        return None
    c = sq_compare(a, b)
    result = {"=": c == 0, "<>": c != 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}
    return int(result[op])


def sq_is(a: Any, b: Any) -> int:
    if a is None or b is None:
        return int(a is None and b is None)
    return int(sq_compare(a, b) == 0)


def sq_numeric_affinity(a: Any) -> Any:
    """Apply NUMERIC affinity to a comparison operand: well-formed numeric text converts."""
    if not isinstance(a, str):
        return a
    if _SQ_INT.fullmatch(a):
        v = int(a)
        return v if _sq_int_ok(v) else _sq_atof_big_int(a.strip())
    if _SQ_REAL.fullmatch(a):
        return float(a)
    return a


_SQ_SIGNIFICAND_LIMIT = (2**63 - 1 - 9) // 10


def _sq_atof_big_int(text: str) -> float:
    """sqlite3AtoF (3.40) on integer text too large for 64 bits: it keeps digits only while
    the significand fits, counts the rest as a power of ten, and scales in long double.
    Python's correctly rounded float(text) differs from it in the last bit."""
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    significand, dropped = 0, 0
    for i, digit in enumerate(digits):
        significand = significand * 10 + int(digit)
        if significand >= _SQ_SIGNIFICAND_LIMIT:
            dropped = len(digits) - i - 1
            break
    scale, e = Fraction(1), dropped
    while e % 22:
        scale, e = _ld(scale * 10), e - 1
    while e > 0:
        scale, e = _ld(scale * Fraction(10**22)), e - 22
    return sign * float(_ld(Fraction(significand) * scale))


def _sq_int_if_exact(x: float) -> int | float:
    """sqlite3VdbeIntegerAffinity: a REAL holding an exact in-range integer becomes one."""
    if math.isnan(x) or math.isinf(x):
        return x
    ix = _sq_to_int(x)
    return ix if x == ix and _I64[0] < ix < _I64[1] else x


def sq_store(a: Any, affinity: str) -> Any:
    """The value a column of this affinity stores (section 3 of "Datatypes In SQLite")."""
    if a is None or affinity == "BLOB":
        return a
    if affinity == "TEXT":
        return sq_text(a) if isinstance(a, (int, float)) else a
    value = sq_numeric_affinity(a) if isinstance(a, str) else a
    if isinstance(value, float) and affinity in ("INTEGER", "NUMERIC"):
        value = _sq_int_if_exact(value)
    if affinity == "REAL" and isinstance(value, (int, float)):
        # an integral REAL is recorded as an integer and read back as REAL: -0.0 -> 0.0
        value = float(_sq_int_if_exact(float(value)))
    return value


def sq_now_text(fmt: str) -> str:
    """CURRENT_TIMESTAMP and friends: UTC text from rt.clock."""
    return _now().strftime(fmt)


def sq_text_affinity(a: Any) -> Any:
    if isinstance(a, (int, float)):
        return sq_text(a)
    return a


def sq_truth(a: Any) -> bool | None:
    """A value as a condition: non-zero numbers are true, text is read as a number."""
    if a is None:
        return None
    x = sq_num(a)
    return x != 0


def sq_and(first: Any, *rest: Thunk) -> int | None:
    return sq_bool(and_(sq_truth(first), *[lambda t=t: sq_truth(t()) for t in rest]))


def sq_or(first: Any, *rest: Thunk) -> int | None:
    return sq_bool(or_(sq_truth(first), *[lambda t=t: sq_truth(t()) for t in rest]))


def sq_not(a: Any) -> int | None:
    return sq_bool(not_(sq_truth(a)))


def _ld(x: Fraction) -> Fraction:
    """Round to an x87 long double (64-bit significand, ties to even), on the numerator and
    denominator as integers (Fraction arithmetic cost SQLite's round() most of a row's
    build; tests/sqlexpr/test_ld_fast.py holds the Fraction definition)."""
    n, d = x.numerator, x.denominator
    if n == 0:
        return x
    sign = 1
    if n < 0:
        sign, n = -1, -n
    e = n.bit_length() - d.bit_length()  # 2**e <= n/d < 2**(e + 1), once corrected
    if (d << e > n) if e >= 0 else (d > n << -e):
        e -= 1
    k = 63 - e  # n/d * 2**k has 64 bits before the point
    num, den = (n << k, d) if k >= 0 else (n, d << -k)
    q, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and q & 1):
        q += 1
    return Fraction(sign * q, 1 << k) if k >= 0 else Fraction(sign * q << -k)


_AR_ROUND = (5.0e-01, 5.0e-02, 5.0e-03, 5.0e-04, 5.0e-05, 5.0e-06, 5.0e-07, 5.0e-08, 5.0e-09,
             5.0e-10)  # fmt: skip


def _ld_rounder(precision: int) -> Fraction:
    """printf's arRound[precision % 10], scaled by 1e-10 per further ten digits."""
    rounder = Fraction(_AR_ROUND[precision % 10])
    for _ in range(precision // 10):
        rounder = _ld(rounder * Fraction(1.0e-10))
    return rounder


def _ld_normalize(value: Fraction) -> tuple[Fraction, int]:
    """printf's scaling of a positive value into [1, 10) in long double: (value, exponent)."""
    exp = 0
    if value > 0:
        scale = Fraction(1)
        for step, gain in ((1e100, 100), (1e10, 10), (10.0, 1)):
            while value >= _ld(Fraction(step) * scale) and exp <= 350:
                scale = _ld(scale * Fraction(step))
                exp += gain
        value = _ld(value / scale)
        while value < Fraction(1e-8):
            value, exp = _ld(value * Fraction(1e8)), exp - 8
        while value < 1:
            value, exp = _ld(value * 10), exp - 1
    return value, exp


def _ld_digits(value: Fraction, budget: int) -> Iterator[str]:
    """printf's et_getdigit: peel digits off a value in [1, 10); zeros once `budget`
    significant digits are spent."""
    while True:
        if budget <= 0:
            yield "0"
            continue
        budget -= 1
        d = int(value)
        value = _ld((value - d) * 10)
        yield str(d)


def _ld_fixed(digits: Iterator[str], e2: int, precision: int) -> str:
    """printf's etFLOAT layout: integer digits (or 0), the point, leading zeros, fraction."""
    out = ["0"] if e2 < 0 else [next(digits) for _ in range(e2 + 1)]
    zeros = max(-(e2 + 1), 0)
    out += [".", "0" * zeros]
    out += [next(digits) for _ in range(max(precision - zeros, 0))]
    return "".join(out)


def sq_float_text(x: float) -> str:
    """A REAL as text: sqlite3's printf("%!.15g"), replayed in long-double arithmetic
    (SQLite 3.40's algorithm; it does not always round ties the way C's printf does)."""
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    prefix, value = ("-", Fraction(-x)) if x < 0 else ("", Fraction(x))
    precision = 14  # %.15g: one digit before the point
    rounder = _ld_rounder(precision)
    value, exp = _ld_normalize(value)
    value = _ld(value + rounder)
    if value >= 10:
        value, exp = _ld(value * Fraction(0.1)), exp + 1
    exponential = exp < -4 or exp > precision
    e2 = 0 if exponential else exp
    if not exponential:
        precision -= exp
    # 26 significant digits before zeros take over (the ! flag)
    text = _ld_fixed(_ld_digits(value, 26), e2, precision).rstrip("0")
    text = text + "0" if text.endswith(".") else text
    if exponential:
        sign = "-" if exp < 0 else "+"
        text += f"e{sign}{abs(exp):02d}"
    return prefix + text


def sq_text(a: Any) -> str | None:
    if a is None or isinstance(a, str):
        return a
    if isinstance(a, bool):
        return str(int(a))
    if isinstance(a, int):
        return str(a)
    if isinstance(a, float):
        return sq_float_text(a)
    if isinstance(a, bytes):
        return a.decode("utf-8", "replace")
    raise TypeError(f"not a SQLite value: {type(a).__name__}")


def sq_concat(a: Any, b: Any) -> str | None:
    x, y = sq_text(a), sq_text(b)
    return None if x is None or y is None else x + y


def sq_to_integer(a: Any) -> int | None:
    """CAST(x AS INTEGER): text by its integer prefix; reals truncate and saturate."""
    if a is None:
        return None
    if isinstance(a, int):
        return a
    if isinstance(a, float):
        return _sq_to_int(a)
    text = a.decode("utf-8", "replace") if isinstance(a, bytes) else a
    m = re.match(r"\s*([+-]?\d+)", text)
    if not m:
        return 0
    v = int(m.group(1))
    return v if _sq_int_ok(v) else (_I64[1] if v > 0 else _I64[0])


def sq_to_numeric(a: Any) -> int | float | None:
    """CAST(x AS NUMERIC): REAL stays REAL; text reads its numeric prefix, INTEGER when exact."""
    if a is None or isinstance(a, (int, float)):
        return a
    x = _sq_text_num(_text_of(a))
    return _sq_int_if_exact(x) if isinstance(x, float) else x


def sq_to_real(a: Any) -> float | None:
    return None if a is None else _sq_real(a)


def sq_length(a: Any) -> int | None:
    if a is None:
        return None
    if isinstance(a, bytes):
        return len(a)
    text = sq_text(a)
    assert text is not None
    return len(text)


def sq_ascii_case(a: Any, upper: bool) -> Any:
    """SQLite's upper()/lower() change ASCII letters only."""
    if a is None:
        return None
    text = sq_text(a)
    assert text is not None
    table = _SQ_UPPER if upper else _SQ_LOWER
    return text.translate(table)


_SQ_UPPER = {c: c - 32 for c in range(ord("a"), ord("z") + 1)}
_SQ_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def sq_like(s: Any, pattern: Any, escape: Any = None) -> int | None:
    """SQLite LIKE: case-insensitive for ASCII letters only; no default escape."""
    if s is None or pattern is None:
        return None
    text, pat = sq_text(s), sq_text(pattern)
    assert text is not None and pat is not None
    esc = sq_text(escape) if escape is not None else None
    if esc is not None and len(esc) != 1:
        raise SqlError("ESCAPE expression must be a single character")
    if esc and (len(pat) - len(pat.rstrip(esc))) % 2 == 1:
        return 0  # a pattern ending in a lone escape character matches nothing
    regex = like_regex(pat.translate(_SQ_LOWER), esc.translate(_SQ_LOWER) if esc else None)
    return int(regex.fullmatch(text.translate(_SQ_LOWER)) is not None)


def sq_minmax(is_max: bool, *args: Any) -> Any:
    """Scalar max()/min(): NULL if any argument is NULL."""
    if any(a is None for a in args):
        return None
    best = args[0]
    for a in args[1:]:
        c = sq_compare(best, a)
        if (c < 0) if is_max else (c >= 0):  # min() takes the later of equal values
            best = a
    return best


def sq_nullif(a: Any, b: Any) -> Any:
    return None if a is not None and b is not None and sq_compare(a, b) == 0 else a


def _c_int(v: int) -> int:
    """sqlite3_value_int(): the low 32 bits, as a signed C int."""
    return (v + 2**31) % 2**32 - 2**31


def sq_substr(s: Any, start: Any, *count: Any) -> Any:
    """substr(X, Y[, Z]) as substrFunc() computes it (1-based; Y<=0 and Z<0 allowed)."""
    if s is None or start is None or (count and count[0] is None):
        return None
    text = sq_text(s)
    assert text is not None
    p1 = _c_int(sq_to_integer(start) or 0)
    neg = False
    if count:
        p2 = _c_int(sq_to_integer(count[0]) or 0)
        if p2 < 0:
            p2, neg = -p2, True
    else:
        p2 = 1_000_000_000  # SQLITE_LIMIT_LENGTH
    n = len(text)
    if p1 < 0:
        p1 += n
        if p1 < 0:
            p2 = max(p2 + p1, 0)
            p1 = 0
    elif p1 > 0:
        p1 -= 1
    elif p2 > 0:
        p2 -= 1
    if neg:
        p1 -= p2
        if p1 < 0:
            p2 += p1
            p1 = 0
    return text[p1 : p1 + max(p2, 0)]


def sq_trim(s: Any, chars: Any = " ", where: str = "both") -> Any:
    if s is None or chars is None:
        return None
    text, cs = sq_text(s), sq_text(chars)
    assert text is not None and cs is not None
    if where == "leading":
        return text.lstrip(cs)
    if where == "trailing":
        return text.rstrip(cs)
    return text.strip(cs)


def sq_replace(s: Any, old: Any, new: Any) -> Any:
    if s is None or old is None or new is None:
        return None
    text, o, n = sq_text(s), sq_text(old), sq_text(new)
    assert text is not None and o is not None and n is not None
    return text if o == "" else text.replace(o, n)


def sq_round0(a: Any) -> float | None:
    """round(X) / round(X, 0): beyond 2**52 there is no fraction; otherwise
    (double)(int64)(r +/- 0.5) in double arithmetic, as roundFunc() does."""
    if a is None:
        return None
    r = _sq_real(a)
    if abs(r) > 4503599627370496.0 or math.isnan(r):
        return r
    return float(int(r + (-0.5 if r < 0 else 0.5)))


def _sq_printf_f(r: float, precision: int) -> str:
    """SQLite 3.40's own "%.*f" (printf.c, etFLOAT): a rounder (nudged by 3e-16 when few
    digits are asked), added before scaling into [1, 10), then 16 significant digits."""
    prefix, value = ("-", Fraction(-r)) if r < 0 else ("", Fraction(r))
    rounder = _ld_rounder(precision)
    ex = -1023 + ((struct.unpack("<Q", struct.pack("<d", float(value)))[0] >> 52) & 0x7FF)
    if precision + int(ex / 3) < 15:
        rounder = _ld(rounder + _ld(value * Fraction(3e-16)))
    value, exp = _ld_normalize(_ld(value + rounder))
    return prefix + _ld_fixed(_ld_digits(value, 16), exp, precision)


def _sq_atof_decimal(text: str) -> float:
    """sqlite3AtoF on printf's "[-]digits.digits": up to 18 significant digits in an
    integer, then one long double multiply or divide by a power of ten, then to double."""
    neg = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    s, e = 0, 0
    for ch in whole:
        if s < (_I64[1] - 9) // 10:
            s = s * 10 + ord(ch) - 48
        else:
            e += 1
    for ch in frac:
        if s < (_I64[1] - 9) // 10:
            s, e = s * 10 + ord(ch) - 48, e - 1
    if s == 0:
        return -0.0 if neg else 0.0
    while e < 0 and s % 10 == 0:
        s, e = s // 10, e + 1
    while e > 0 and s < _I64[1] // 10:
        s, e = s * 10, e - 1
    s = -s if neg else s
    if e == 0:
        return float(s)
    scale, k = Fraction(1), abs(e)
    while k % 22:
        scale, k = _ld(scale * 10), k - 1
    while k > 0:
        scale, k = _ld(scale * Fraction(1e22)), k - 22
    return float(_ld(s / scale if e < 0 else s * scale))


def sq_round(a: Any, n: Any = 0) -> float | None:
    """round(X, N) as SQLite 3.40's roundFunc: N clamped to 0..30; N = 0 or |X| >= 2**52
    as sq_round0; otherwise X printed with "%.*f" and read back with sqlite3AtoF."""
    if a is None or n is None:
        return None
    wide = (sq_to_integer(n) or 0) & 0xFFFFFFFF  # sqlite3_value_int: the low 32 bits, signed
    digits = max(0, min(30, wide - (1 << 32) if wide >> 31 else wide))
    r = _sq_real(a)
    if digits == 0 or abs(r) > 4503599627370496.0 or math.isnan(r) or math.isinf(r):
        return sq_round0(a)
    return _sq_atof_decimal(_sq_printf_f(r, digits))


def sq_hex(a: Any) -> str:
    """hex(X): upper-case hex of the blob, or of the value's UTF-8 text; NULL gives ''."""
    if a is None:
        return ""
    if isinstance(a, bytes):
        return a.hex().upper()
    text = sq_text(a)
    assert text is not None
    return text.encode("utf-8").hex().upper()


def sq_randomblob(n: Any) -> bytes:
    """randomblob(N): N (at least 1) random bytes, from the seeded generator (rt.seed) so a
    seeded run is reproducible; any bytes are a value SQLite could have produced."""
    size = max(1, sq_to_integer(n) or 1)
    return _random.randbytes(size)


def sq_instr(s: Any, sub: Any) -> int | None:
    if s is None or sub is None:
        return None
    text, t = sq_text(s), sq_text(sub)
    assert text is not None and t is not None
    return text.find(t) + 1


def sq_in(a: Any, items: list[Any]) -> int | None:
    if a is None:
        return None
    unknown = False
    for item in items:
        if item is None:
            unknown = True
        elif sq_compare(a, item) == 0:
            return 1
    return None if unknown else 0


# ----------------------------------------------------------------------------- MySQL


def _my_range(v: int) -> int:
    if not _I64[0] <= v <= _I64[1]:
        raise SqlError("BIGINT value is out of range", "22003")
    return v


def _my_float_check(v: float) -> float:
    if math.isinf(v) or math.isnan(v):
        raise SqlError("DOUBLE value is out of range", "22003")
    return v


def my_truth(a: Any) -> bool | None:
    return None if a is None else a != 0


def my_xor(a: Any, b: Any) -> int | None:
    if a is None or b is None:
        return None
    return int((a != 0) != (b != 0))


def my_float(a: Any) -> float | None:
    return None if a is None else float(a)


def my_decimal(a: Any) -> Decimal | None:
    return None if a is None else Decimal(a)


def my_scale(a: Decimal | None, scale: int) -> Decimal | None:
    """A DECIMAL shown at its (aggregated) type's scale."""
    return None if a is None else a.quantize(Decimal(1).scaleb(-scale), context=NUM)


def _my_arith(a: Any, b: Any, op: str) -> Any:
    if a is None or b is None:
        return None
    if isinstance(a, float) or isinstance(b, float):
        x, y = float(a), float(b)
        return _my_float_check(x + y if op == "+" else x - y if op == "-" else x * y)
    if isinstance(a, int) and isinstance(b, int):
        return _my_range(a + b if op == "+" else a - b if op == "-" else a * b)
    dx, dy = Decimal(a), Decimal(b)
    result = (
        NUM.add(dx, dy)
        if op == "+"
        else NUM.subtract(dx, dy)
        if op == "-"
        else NUM.multiply(dx, dy)
    )
    return num_fix(result)


def my_add(a: Any, b: Any) -> Any:
    return _my_arith(a, b, "+")


def my_sub(a: Any, b: Any) -> Any:
    return _my_arith(a, b, "-")


def my_mul(a: Any, b: Any) -> Any:
    return _my_arith(a, b, "*")


def my_neg(a: Any) -> Any:
    if a is None:
        return None
    return _my_range(-a) if isinstance(a, int) else num_fix(-a) if isinstance(a, Decimal) else -a


def _my_zero(b: Any) -> None:
    if b == 0:
        raise SqlError("Division by 0", "22012")


def my_div(a: Any, b: Any, scale: int = 4) -> Any:
    """`/`: DOUBLE for floats, else DECIMAL at the dividend's scale + 4, half up."""
    if a is None or b is None:
        return None
    _my_zero(b)
    if isinstance(a, float) or isinstance(b, float):
        return _my_float_check(float(a) / float(b))
    na, sa = _as_ratio(Decimal(a))
    nb, sb = _as_ratio(Decimal(b))
    top, bottom = na * 10 ** (sb + scale), nb * 10**sa
    return num_fix(Decimal(_div_round_half_up(top, bottom)).scaleb(-scale, NUM))


def my_intdiv(a: Any, b: Any) -> int | None:
    if a is None or b is None:
        return None
    _my_zero(b)
    if isinstance(a, int) and isinstance(b, int):
        return _my_range(_trunc_div(a, b))
    quotient = Fraction(a) / Fraction(b)
    return _my_range(int(quotient))


def my_mod(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    _my_zero(b)
    if isinstance(a, float) or isinstance(b, float):
        return math.fmod(float(a), float(b))
    if isinstance(a, int) and isinstance(b, int):
        return _trunc_mod(a, b)
    return num_mod(Decimal(a), Decimal(b))


def my_abs(a: Any) -> Any:
    if a is None:
        return None
    return _my_range(abs(a)) if isinstance(a, int) else abs(a)


def my_round(a: Any, digits: int) -> Any:
    """ROUND of an exact value: half away from zero; integers stay integers."""
    if a is None:
        return None
    rounded = num_round_to(Decimal(a), digits)
    return int(rounded) if isinstance(a, int) else rounded


def my_strict_greatest(*args: Any) -> Any:
    return None if any(a is None for a in args) else greatest(*args)


def my_strict_least(*args: Any) -> Any:
    return None if any(a is None for a in args) else least(*args)


def my_text(a: Any) -> str | None:
    if a is None:
        return None
    return format(a, "f") if isinstance(a, Decimal) else str(a)


def my_concat(*args: str | None) -> str | None:
    """CONCAT(): NULL if any argument is NULL."""
    return None if any(a is None for a in args) else "".join(a for a in args if a is not None)


def my_octet_length(s: str | None) -> int | None:
    return None if s is None else len(s.encode("utf-8"))


def my_now(digits: int = 0) -> datetime:
    """NOW(fsp)/CURRENT_TIMESTAMP(fsp): the clock in UTC, with fsp digits of a second."""
    moment = local_now()
    unit = 10 ** (6 - digits)
    return moment.replace(microsecond=moment.microsecond // unit * unit)


# ------------------------------------------------------------------------- MySQL: text

_MY_EQUAL_SAFE = _pattern(r"[\x20-\x7e]*")  # printable ASCII: case folding is exact
_MY_ORDER_SAFE = _pattern(r"[A-Za-z0-9 ]*")  # and sorting too (symbols weigh otherwise)


def _my_collated(a: str, b: str, ci: bool, pad: bool, name: str, ordering: bool) -> tuple[str, str]:
    """The two strings as the collation compares them, or NotImplementedError."""
    if pad:  # PAD SPACE: the shorter is compared as if padded with spaces
        width = max(len(a), len(b))
        a, b = a.ljust(width), b.ljust(width)
    if ci:
        safe = _MY_ORDER_SAFE if ordering else _MY_EQUAL_SAFE
        if not (safe.fullmatch(a) and safe.fullmatch(b)):
            raise NotImplementedError(
                f"MySQL compares this text by the weights of collation {name}, which are"
                f" not modelled: {a!r}, {b!r}"
            )
        return a.upper(), b.upper()
    if not name.startswith("utf8") and not (a.isascii() and b.isascii()):
        raise NotImplementedError(f"comparing non-ASCII text under collation {name}")
    return a, b


_MY_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda x, y: x == y,
    "<>": lambda x, y: x != y,
    "<": lambda x, y: x < y,
    "<=": lambda x, y: x <= y,
    ">": lambda x, y: x > y,
    ">=": lambda x, y: x >= y,
}


def my_str_cmp(op: str, a: Any, b: Any, ci: bool, pad: bool, name: str) -> bool | None:
    """A comparison of text under a collation (see sqlexpr/mysql_text.py)."""
    if a is None or b is None:
        return None
    x, y = _my_collated(a, b, ci, pad, name, op not in ("=", "<>"))
    return _MY_CMP[op](x, y)


def my_str_in(a: Any, items: list[Any], ci: bool, pad: bool, name: str) -> bool | None:
    if a is None:
        return None
    unknown = False
    for item in items:
        equal = my_str_cmp("=", a, item, ci, pad, name)
        if equal:
            return True
        unknown = unknown or equal is None
    return None if unknown else False


def _my_ascii_only(s: str, what: str) -> str:
    if not s.isascii():
        raise NotImplementedError(f"MySQL's {what} of non-ASCII text follows the collation")
    return s


def my_lower(s: str | None) -> str | None:
    return None if s is None else _my_ascii_only(s, "LOWER()").lower()


def my_upper(s: str | None) -> str | None:
    return None if s is None else _my_ascii_only(s, "UPPER()").upper()


def my_substr(s: str | None, pos: int | None, *count: int | None) -> str | None:
    """SUBSTRING(s, pos[, len]): 1-based, a negative pos counts from the end, 0 is ''."""
    if s is None or pos is None or (count and count[0] is None):
        return None
    n = len(s)
    if pos == 0 or pos > n or pos < -n:
        return ""
    start = pos - 1 if pos > 0 else n + pos
    if not count:
        return s[start:]
    length = count[0]
    assert length is not None
    return s[start : start + length] if length > 0 else ""


def my_left(s: str | None, n: int | None) -> str | None:
    if s is None or n is None:
        return None
    return s[:n] if n > 0 else ""


def my_right(s: str | None, n: int | None) -> str | None:
    if s is None or n is None:
        return None
    return s[-n:] if n > 0 else ""


def my_like(s: Any, pattern: Any, ci: bool, name: str, escape: Any = "\\") -> bool | None:
    """MySQL LIKE: `%`, `_`, an escape character; case-insensitive under a _ci collation
    (exact for ASCII), trailing spaces significant; a lone escape at the end is literal."""
    if s is None or pattern is None or escape is None:
        return None
    if len(escape) > 1:
        raise SqlError("Incorrect arguments to ESCAPE", "HY000")
    if escape and (len(pattern) - len(pattern.rstrip(escape))) % 2 == 1:
        pattern += escape
    if ci:
        if not (s.isascii() and pattern.isascii()):
            raise NotImplementedError(f"MySQL's LIKE of non-ASCII text under collation {name}")
        s, pattern, escape = s.upper(), pattern.upper(), escape.upper()
    return like_regex(pattern, escape or None).fullmatch(s) is not None


def my_substring_index(s: str | None, delim: str | None, count: int | None) -> str | None:
    """SUBSTRING_INDEX: what comes before the count-th delimiter (from the end if < 0)."""
    if s is None or delim is None or count is None:
        return None
    if not delim or count == 0:
        return ""
    parts = s.split(delim)
    return delim.join(parts[:count] if count > 0 else parts[count:])


def my_trim(s: str | None, remove: str | None, where: str) -> str | None:
    """TRIM([BOTH|LEADING|TRAILING] remstr FROM s): remstr is removed as a whole string,
    as often as it repeats."""
    if s is None or remove is None:
        return None
    if not remove:
        return s
    if where in ("both", "leading"):
        while s.startswith(remove):
            s = s[len(remove) :]
    if where in ("both", "trailing"):
        while s.endswith(remove):
            s = s[: len(s) - len(remove)]
    return s


def my_replace(s: str | None, old: str | None, new: str | None) -> str | None:
    if s is None or old is None or new is None:
        return None
    return s.replace(old, new) if old else s


def my_pad(s: str | None, n: int | None, pad: str | None, left: bool) -> str | None:
    """LPAD/RPAD: cut to n characters, or filled with pad; NULL for n < 0 or no pad."""
    if s is None or n is None or pad is None or n < 0:
        return None
    if len(s) >= n:
        return s[:n]
    if not pad:
        return None
    fill = (pad * (n // len(pad) + 1))[: n - len(s)]
    return fill + s if left else s + fill


def my_uuid() -> str:
    """UUID(): a version-1 UUID in MySQL's text form (its time and node bits random here,
    seeded by rt.seed(n) as gen_random_uuid() is)."""
    return str(uuid.UUID(int=_random.getrandbits(128), version=1))


def invalid(message: str, sqlstate: str = "22000") -> Any:
    """Raise an error the database raises for every input (e.g. a bad constant)."""
    raise SqlError(message, sqlstate)


# ------------------------------------------------------------------ MySQL: storing a value


def _my_out_of_range() -> NoReturn:
    raise SqlError("Out of range value for column", "22003")


def my_store_int(a: Any, lo: int, hi: int) -> int | None:
    """A value stored into an integer column: DECIMAL rounds half away from zero, DOUBLE
    to nearest even (rint), as MySQL converts them; out of range is an error (strict)."""
    if a is None:
        return None
    if isinstance(a, float):
        if math.isnan(a) or math.isinf(a):
            _my_out_of_range()
        value = round(a)
    elif isinstance(a, (Decimal, str)):  # text: a constant that reads as a number
        value = int(Decimal(a).to_integral_value(rounding=ROUND_HALF_UP, context=NUM))
    else:
        value = int(a)
    if not lo <= value <= hi:
        _my_out_of_range()
    return value


def my_store_decimal(a: Any, precision: int, scale: int, unsigned: bool) -> Decimal | None:
    """A value stored into DECIMAL(p,s): rounded half away from zero to s digits (a DOUBLE
    from its shortest decimal form); beyond p digits, or negative when UNSIGNED, an error."""
    if a is None:
        return None
    value = Decimal(repr(a)) if isinstance(a, float) else Decimal(a)
    value = value.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP, context=NUM)
    if abs(value) >= Decimal(10) ** (precision - scale) or (unsigned and value < 0):
        _my_out_of_range()
    return value


def my_unsigned(a: int | None) -> int | None:
    """Integer arithmetic with an UNSIGNED operand is BIGINT UNSIGNED: below 0 is an error."""
    if a is not None and not 0 <= a < 2**64:
        raise SqlError("BIGINT UNSIGNED value is out of range", "22003")
    return a


def my_store_double(a: Any) -> float | None:
    return None if a is None else _my_float_check(float(a))


def my_store_text(a: Any, length: int | None) -> str | None:
    """A value stored into a character column: numbers as MySQL prints them (a DECIMAL
    with its scale); longer than the column is an error in strict mode, unless what is
    cut is only spaces (MySQL drops them with a note)."""
    if a is None:
        return None
    text = a if isinstance(a, str) else str(a)
    if length is not None and len(text) > length:
        if text[length:].strip(" "):
            raise SqlError("Data too long for column", "22001")
        text = text[:length]
    return text


def my_store_char(a: Any, length: int | None) -> str | None:
    """Into CHAR(n): as into VARCHAR(n), and trailing spaces are not read back."""
    text = my_store_text(a, length)
    return None if text is None else text.rstrip(" ")


_MY_MOMENT = _pattern(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?)?")


def _my_moment(a: Any) -> datetime:
    if isinstance(a, datetime):
        return a.replace(tzinfo=None)
    if isinstance(a, date):
        return datetime(a.year, a.month, a.day)
    m = _MY_MOMENT.fullmatch(a.strip()) if isinstance(a, str) else None
    if m is None:
        raise NotImplementedError(f"MySQL's reading of {a!r} as a date or time")
    y, mo, d, h, mi, sec, frac = m.groups()
    micro = int((frac or ".0")[1:].ljust(6, "0"))
    try:
        return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(sec or 0), micro)
    except ValueError:
        raise SqlError(f"Incorrect datetime value: {a!r}", "22007") from None


def my_store_moment(a: Any, kind: str, digits: int) -> Any:
    """Into DATETIME(n)/TIMESTAMP(n) (rounded half up to n digits), DATE or TIME."""
    if a is None:
        return None
    moment = _my_moment(a)
    unit = 10 ** (6 - digits)
    extra = (moment.microsecond + unit // 2) // unit * unit - moment.microsecond
    moment = moment + timedelta(microseconds=extra)
    if kind == "date":
        return moment.date()
    return moment.time() if kind == "time" else moment


def my_moment_cmp(op: str, a: Any, b: Any) -> bool | None:
    """DATE/DATETIME values compared as MySQL does: a DATE is its midnight."""
    if a is None or b is None:
        return None
    return _MY_CMP[op](_my_moment(a), _my_moment(b))


def my_store_member(a: Any, members: tuple[str, ...], is_set: bool) -> str | None:
    """Into ENUM/SET: each value matched to a member ignoring case (ASCII), as declared;
    a SET's members in declaration order, once; anything else is an error (strict)."""
    if a is None:
        return None
    if not isinstance(a, str) or not a.isascii():
        raise NotImplementedError(f"MySQL's matching of {a!r} to ENUM/SET members")
    if is_set and not a:
        return ""  # the empty set
    folded = {m.lower(): m for m in members}
    parts = a.split(",") if is_set else [a]
    found = {folded.get(p.rstrip(" ").lower()) for p in parts}
    if None in found:
        raise SqlError("Data truncated for column", "01000")
    return ",".join(m for m in members if m in found)


# ------------------------------------------------------------------ MySQL: CAST / CONVERT

_MY_NUMBER_TEXT = _pattern(r"[+-]?\d+(\.\d+)?")
_MY_INT_TEXT = _pattern(r"[+-]?\d+")


def my_cast_number(a: Any) -> Decimal | None:
    """Text read as a number by CAST: a plain decimal numeral exactly; MySQL's lenient
    prefix reading ('12abc' is 12 with a warning, an error when stored) is not modelled."""
    if a is None:
        return None
    if not isinstance(a, str) or not _MY_NUMBER_TEXT.fullmatch(a):
        raise NotImplementedError(f"MySQL's reading of {a!r} as a number")
    return Decimal(a)


def my_cast_int(a: Any, unsigned: bool) -> int | None:
    """CAST(a AS SIGNED / UNSIGNED): a DECIMAL rounded half away from zero; an integer
    outside the target's range wraps modulo 2**64, as MySQL reinterprets the bits."""
    if a is None:
        return None
    if isinstance(a, str):  # '1.5' is 1 with a warning (the text is cut at the point)
        if not _MY_INT_TEXT.fullmatch(a):
            raise NotImplementedError(f"MySQL's reading of {a!r} as an integer")
        a = Decimal(a)
    if isinstance(a, Decimal):
        value = int(a.to_integral_value(rounding=ROUND_HALF_UP, context=NUM))
        if not (0 if unsigned else -(2**63)) <= value < (2**64 if unsigned else 2**63):
            raise NotImplementedError(f"MySQL's clipping of {a} to a 64-bit integer")
        return value
    value = int(a)
    if unsigned:
        return value + 2**64 if value < 0 else value
    return value - 2**64 if value >= 2**63 else value


def my_cast_decimal(a: Any, precision: int, scale: int) -> Decimal | None:
    """CAST(a AS DECIMAL(p,s)): rounded half away from zero; MySQL clips a value beyond p
    digits to 99...9 with a warning (an error when stored): that case is not modelled."""
    try:
        return my_store_decimal(a, precision, scale, False)
    except SqlError:
        raise NotImplementedError(
            f"MySQL's clipping of {a} to DECIMAL({precision},{scale})"
        ) from None


def my_cast_char(a: str | None, length: int | None) -> str | None:
    """CAST(a AS CHAR(n)): the text, which MySQL cuts to n characters with a warning (an
    error when stored in strict mode): that case is not modelled."""
    if a is not None and length is not None and len(a) > length:
        raise NotImplementedError(f"MySQL's cutting of {a!r} to CHAR({length})")
    return a


def my_moment_text(a: Any, digits: int) -> str | None:
    """A DATE (digits -1) or DATETIME(digits) as MySQL prints it: every fractional digit."""
    if a is None:
        return None
    if digits < 0:
        return str(a.isoformat())
    text = str(a.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds"))
    return text + f".{a.microsecond:06d}"[: digits + 1] if digits else text


def my_cast_moment(a: Any, kind: str, digits: int) -> Any:
    """CAST(a AS DATE / DATETIME(n)): a DATE keeps the day, a DATETIME rounds to n digits
    (MySQL 8; MariaDB truncates). Text MySQL cannot read gives NULL with a warning (an
    error when stored): that case is not modelled."""
    if a is None:
        return None
    try:
        moment = _my_moment(a)
    except SqlError:
        raise NotImplementedError(f"MySQL's CAST of {a!r} AS {kind.upper()}") from None
    if kind == "date":
        return moment.date()
    return my_store_moment(moment, "datetime", digits)


# ------------------------------------------------------------------------- SQLite JSON


def _sq_json_doc(doc: Any) -> Any:
    text = sq_text(doc)
    assert text is not None
    try:
        return json.loads(text, parse_constant=_json_constant)
    except ValueError:
        raise SqlError("malformed JSON") from None


def _json_constant(name: str) -> Any:
    raise ValueError(name)


def _sq_json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def sq_json_extract(doc: Any, path: tuple[str | int, ...], mode: str) -> Any:
    """json_extract(X, P) (mode "sql"), X -> P ("json": JSON text) and X ->> P ("sql")
    with a path of object keys and array indexes; a missing path is NULL."""
    if doc is None:
        return None
    value = _sq_json_doc(doc)
    for step in path:
        found = isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value)
        if not found and not (isinstance(value, dict) and isinstance(step, str) and step in value):
            return None
        value = value[step]
    if mode == "json":
        return _sq_json_text(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return _sq_json_text(value)
    return value


def sq_json_valid(doc: Any) -> int | None:
    """json_valid(X): 1 for well-formed RFC 8259 JSON text, else 0."""
    if doc is None:
        return None
    try:
        _sq_json_doc(doc)
    except SqlError:
        return 0
    return 1


__all__ = [
    "Decimal",
    "Interval",
    "InvalidOperation",
    "SqlError",
    "bpchar",
    "clock",
    "date",
    "datetime",
    "interval_param",
    "json_has",
    "json_has_at",
    "json_out",
    "json_path",
    "json_path_text",
    "re",
    "seed",
    "to_bpchar",
    "uuid",
]
