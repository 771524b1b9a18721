"""MySQL's conversions of a written value into a column, as its strict sql_mode makes them.

Copied verbatim into generated packages (stdlib + the SQL runtime only). The in-memory
database follows MySQL 8's default sql_mode (STRICT_TRANS_TABLES, NO_ZERO_IN_DATE,
NO_ZERO_DATE, ERROR_FOR_DIVISION_BY_ZERO), which `Database.connect` also sets for its
session. Strict mode refuses what does not fit, but some conversions stay silent: numbers
rounded to an integer or a DECIMAL's scale, trailing spaces cut to fit, an ENUM label
matched regardless of case or by its number, the time cut from a DATE, fractional seconds
cut to the column's precision (as MariaDB does; MySQL 8 rounds them). Values are taken as
PyMySQL sends them (a float as a DOUBLE, a date as its ISO text), so the fake stores what
`Database.connect` would.
"""

from __future__ import annotations

import calendar
import math
import re
import struct
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from . import _sqlruntime as rt

NOT_MINE: Any = object()  # the category converts as in PostgreSQL (numeric, json, ...)
Convert = Callable[[str, Any, Any, bool], Any]  # (column name, TypeSpec, value, _ci) -> stored

_NUMBER = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_EMPTY_EXPONENT = re.compile(r"^(\s*[+-]?(?:\d+\.?\d*|\.\d+))[eE] +$")
_P = r"[!-/:-@\[-`{-~]"  # a delimiter: any ASCII punctuation, never a letter
_DATE = re.compile(
    rf"\s*(\d{{2,4}}){_P}(\d{{1,2}}){_P}(\d{{1,2}})"
    rf"(?:(?:[ T]+)(\d{{1,2}}){_P}(\d{{1,2}}){_P}(\d{{1,2}})(?:\.(\d*))?)?\s*$"
)
_DIGITS = re.compile(r"\s*(\d{2}|\d{4})(\d\d)(\d\d)(?:(\d\d)(\d\d)(\d\d)(?:\.(\d*))?)?\s*$")
_TIME = re.compile(r"\s*(-?)(?:(\d+)\s+)?(\d+):(\d{1,2})(?::(\d{1,2}))?(?:\.(\d*))?\s*$")
_DAY_HOURS = re.compile(r"\s*(-?)(\d+)\s+(\d\d+)\s*$")  # 'D hh', one of MySQL's TIME forms
_FLT_MAX = 3.4028234663852886e38  # the largest single, as a double
_TIME_MAX = timedelta(hours=838, minutes=59, seconds=59)
_STAMP_LOW, _STAMP_HIGH = datetime(1970, 1, 1, 0, 0, 1), datetime(2038, 1, 19, 3, 14, 7)


def _sent(value: Any) -> Any:
    """The value as PyMySQL writes it into the statement's text."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return value


# -------------------------------------------------------------------------------- numbers


def _out_of_range(name: str) -> rt.SqlError:
    return rt.SqlError(f"Out of range value for column '{name}' at row 1", "22003")


def _truncated(name: str) -> rt.SqlError:
    return rt.SqlError(f"Data truncated for column '{name}' at row 1", "22P02")


def _incorrect(kind: str, value: Any, name: str) -> rt.SqlError:
    return rt.SqlError(f"Incorrect {kind} value: '{value}' for column '{name}' at row 1", "22P02")


def _number_text(name: str, text: str, kind: str) -> tuple[Decimal, bool]:
    """A string read as a number: leading spaces skipped, trailing spaces allowed; True
    when anything else follows the number (truncated: an error in strict mode, after the
    range is checked)."""
    found = _NUMBER.match(text)
    if found is None:
        raise _incorrect(kind, text, name)
    return Decimal(found.group(1)), bool(text[found.end() :].strip(" "))


def _integer(name: str, t: Any, value: Any, ci: bool) -> Any:
    """Integers: a DOUBLE rounds half to even (rint), a DECIMAL or a string half away from
    zero; a negative DECIMAL is out of range for UNSIGNED before it is rounded, a string
    after ('-0.4' stores 0)."""
    value = _sent(value)
    low, high = t.bounds or (-(2**63), 2**63 - 1)
    cut, text = False, isinstance(value, str)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise _out_of_range(name)
        # the range is checked in doubles, where the top of BIGINT (2^63 - 1) reads as 2^63
        value = min(round(value), high) if value <= float(high) else round(value)
    elif isinstance(value, str):
        # MySQL's integer reader (my_strntoull10rnd) takes an exponent marker followed by
        # spaces as an empty exponent: '1E ' stores 1, while '1E' is truncated
        value = _EMPTY_EXPONENT.sub(r"\1", value)
        _far_exponent(name, value)
        value, cut = _number_text(name, value, "integer")
    elif not isinstance(value, (int, Decimal)):
        raise _truncated(name)
    if isinstance(value, Decimal):
        if value < 0 and low == 0 and not text:
            raise _out_of_range(name)
        value = int(value.to_integral_value(rounding=ROUND_HALF_UP))
    if not low <= value <= high:
        raise _out_of_range(name)
    if cut:
        raise _truncated(name)
    return int(value)


def _far_exponent(name: str, text: str) -> None:
    """MariaDB's integer reader gives up on an exponent far from the digits: when the
    exponent less ten times the digits after the point reaches 210 either way (measured
    against mariadbd: '0E210', '0.0E220', '1E-210' and '0.5E-200' fail, '0E209' stores 0),
    out of range upwards, truncated downwards."""
    found = _NUMBER.match(text)
    mantissa, _, exponent = (found.group(1) if found else "").lower().partition("e")
    if not exponent:
        return
    far = int(exponent) - 10 * len(mantissa.partition(".")[2])
    if far >= 210:
        raise _out_of_range(name)
    if far <= -210:
        raise _truncated(name)


def _decimal(name: str, t: Any, value: Any, ci: bool) -> Any:
    """DECIMAL: rounded half away from zero to the scale (a DOUBLE by its shortest text)."""
    value = _sent(value)
    cut = False
    if isinstance(value, str):
        value, cut = _number_text(name, value, "decimal")
    elif isinstance(value, float):
        value = Decimal(repr(value))
    elif not isinstance(value, (int, Decimal)):
        raise _truncated(name)
    if cut:  # unlike an integer column's, before the range
        raise _truncated(name)
    return rt.to_numeric(value, t.precision, t.scale)


def _float(name: str, t: Any, value: Any, ci: bool) -> Any:
    """FLOAT keeps a single's precision and is read back with 6 significant digits (the
    text protocol); DOUBLE is a Python float."""
    value = _sent(value)
    cut = False
    if isinstance(value, str):
        value, cut = _number_text(name, value, "double")
    if cut:
        raise _truncated(name)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _truncated(name) from None
    if math.isinf(number) or math.isnan(number):
        raise _out_of_range(name)
    number += 0.0  # no negative zero
    if t.category == "real":  # rounded to a single, too small ones to 0 (no underflow)
        if abs(number) > _FLT_MAX:
            raise _out_of_range(name)
        single: float = struct.unpack("f", struct.pack("f", number))[0]
        return float(f"{single:.6g}") + 0.0
    return number


# ---------------------------------------------------------------------------------- texts


def _text(name: str, t: Any, value: Any, ci: bool) -> Any:
    """Text: numbers and dates as their text (a DOUBLE as my_gcvt writes it into the
    column's width); trailing spaces beyond the length are cut; CHAR loses its trailing
    spaces when read."""
    value = _sent(value)
    limit = t.length if t.category in ("varchar", "char") else None
    if isinstance(value, float):
        value, lost = _gcvt(value, limit or _GCVT_BUFFER)
        if lost:
            raise rt.SqlError(f"Data too long for column '{name}' at row 1", "22001")
    elif not isinstance(value, str):
        value = str(value)
    if limit is not None and len(value) > limit:
        if value[limit:].strip(" "):
            raise rt.SqlError(f"Data too long for column '{name}' at row 1", "22001")
        value = value[:limit]
    return value.rstrip(" ") if t.category == "char" else value


_GCVT_BUFFER = 331  # DOUBLE_TO_STRING_CONVERSION_BUFFER_SIZE: the width of a TEXT column
_DBL_DIG = 15


def _dtoa(x: float, ndigits: int, fixed: bool) -> tuple[str, int]:
    """dtoa modes 4 (`ndigits` significant digits) and 5 (`ndigits` after the point):
    the shortest digits that read back as `x` when they are that few, else the digits
    correctly rounded; trailing zeros dropped. Returns (digits, decpt): the value is
    0.digits * 10**decpt; no digits when `x` rounds to zero."""
    x = abs(x)
    if x == 0:
        return "0", 1
    if not fixed:
        ndigits = max(ndigits, 1)
    _, numerals, exponent = Decimal(repr(x)).normalize().as_tuple()
    assert isinstance(exponent, int)
    if fixed and -exponent > ndigits:
        _, numerals, exponent = Decimal(f"{x:.{ndigits}f}").normalize().as_tuple()
    elif not fixed and len(numerals) > ndigits and (tie := _integer_tie(x, ndigits)):
        return tie
    elif not fixed and len(numerals) > ndigits:
        _, numerals, exponent = Decimal(f"{x:.{ndigits - 1}e}").normalize().as_tuple()
    assert isinstance(exponent, int)
    if numerals == (0,):
        return "", -ndigits
    return "".join(map(str, numerals)), len(numerals) + exponent


def _integer_tie(x: float, ndigits: int) -> tuple[str, int] | None:
    """dtoa's path for a whole number below 1e15 (reached when its quick path cannot
    decide, as at an exact tie) rounds to even but keeps the zeros it rounded to: 1005 to
    three digits is '100', not '1' (so MariaDB refuses 1005.0 in a VARCHAR(3))."""
    if not (x.is_integer() and x < 1e15):
        return None
    whole = str(int(x))
    kept, rest = whole[:ndigits], whole[ndigits:]
    if rest.rstrip("0") != "5" or int(kept[-1]) % 2:
        return None
    return kept, len(whole)


def _gcvt(x: float, width: int) -> tuple[str, bool]:
    """MySQL's my_gcvt (strings/dtoa.c) for a DOUBLE written into `width` characters:
    the 'f' or the 'e' format, whichever keeps more digits, rounded to fit; True when
    even that does not fit (strict mode: data too long)."""
    if x == 0:
        return "0", False  # PyMySQL's -0.0 reaches the column as 0
    sign = "-" if x < 0 else ""
    width -= bool(sign)
    digits, decpt = _dtoa(x, width, fixed=False)
    size = len(digits)
    exp_len = 1 + (decpt >= 101 or decpt <= -99) + (decpt >= 11 or decpt <= -9)
    f_size = size - decpt + 2 if decpt <= 0 else size + 1 if decpt < size else decpt
    have_space = f_size <= width
    force_e = decpt <= 0 and width <= 2 - decpt and width >= 3 + exp_len
    f_fits = decpt <= width and (decpt >= -1 or (decpt == -2 and (size > 1 or not force_e)))
    plain = decpt >= -_DBL_DIG + 1 and (decpt <= _DBL_DIG or size > decpt)
    if (have_space or (f_fits and not force_e)) and (not have_space or plain):
        text, lost = _gcvt_fixed(x, width, digits, decpt, sign)
    else:
        text, lost = _gcvt_exponent(x, width, exp_len, digits, decpt, sign)
    return text[: width + bool(sign)], lost  # written into a buffer of the column's width


def _gcvt_fixed(x: float, width: int, digits: str, decpt: int, sign: str) -> tuple[str, bool]:
    width -= (decpt < len(digits)) + (1 - decpt if decpt <= 0 else 0)
    lost = False
    if width < len(digits):
        if width < decpt:
            lost, width = True, decpt
        digits, decpt = _dtoa(x, width - decpt, fixed=True)
    if not digits:
        return "0", lost  # rounded to zero: no sign
    if decpt <= 0:
        return f"{sign}0.{'0' * -decpt}{digits}", lost
    whole, fraction = digits[:decpt].ljust(decpt, "0"), digits[decpt:]
    return sign + whole + (f".{fraction}" if fraction else ""), lost


def _gcvt_exponent(
    x: float, width: int, exp_len: int, digits: str, decpt: int, sign: str
) -> tuple[str, bool]:
    decpt -= 1
    width -= (decpt < 0) + 1 + exp_len + (len(digits) > 1)
    if width <= 0:
        return "", True
    if width < len(digits):
        digits, decpt = _dtoa(x, max(width, 0), fixed=False)
        decpt -= 1
    mantissa = digits[0] + (f".{digits[1:]}" if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{decpt}", False


def _enum(name: str, t: Any, value: Any, ci: bool) -> Any:
    """ENUM: a label compared as the collation does (case and trailing spaces ignored), or
    a number counting the labels from 1."""
    value = _sent(value)
    labels = t.labels
    if isinstance(value, (float, Decimal)) and math.isfinite(value):
        value = int(value)  # toward zero
    if isinstance(value, int):
        if 1 <= value <= len(labels):
            return labels[value - 1]
        raise _truncated(name)
    text = str(value).rstrip(" ")
    for label in labels:
        if label == text or (ci and label.casefold() == text.casefold()):
            return label
    if text.isdigit() and 1 <= int(text) <= len(labels):  # not a label: the label's number
        return labels[int(text) - 1]
    raise _truncated(name)


# ---------------------------------------------------------------------------------- times


def _bad_time(kind: str, value: Any, name: str) -> rt.SqlError:
    return rt.SqlError(f"Incorrect {kind} value: '{value}' for column '{name}' at row 1", "22007")


def _datetime_parts(value: Any) -> tuple[int, ...] | None:
    """(year, month, day, hour, minute, second, microsecond) of MySQL's date and datetime
    literals: any punctuation between the parts, a two-digit year, or digits only."""
    if isinstance(value, (int, float, Decimal)):
        value = _padded(value)
    if not isinstance(value, str):
        return None
    found = _DATE.match(value) or _DIGITS.match(value)
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction = found.groups()
    number = int(year)
    if len(year) == 2:
        number += 1900 if number >= 70 else 2000
    micro = int((fraction or "").ljust(6, "0")[:6] or 0)
    return (number, int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
            micro)  # fmt: skip


def _padded(number: float | Decimal) -> str | None:
    """A number read as a date: YYMMDD, YYYYMMDD, YYMMDDhhmmss or YYYYMMDDhhmmss, zeros
    in front where it is shorter."""
    text = f"{Decimal(repr(number) if isinstance(number, float) else number):f}"
    whole, _, fraction = text.partition(".")
    if not whole.isdigit():
        return None
    width = next((w for w in (6, 8, 12, 14) if len(whole) <= w), None)
    if width is None:
        return None
    return whole.zfill(width) + (f".{fraction}" if fraction and width > 8 else "")


def _valid(parts: tuple[int, ...]) -> bool:
    year, month, day, hour, minute, second, _ = parts
    if not (1 <= year <= 9999 and 1 <= month <= 12 and hour < 24 and minute < 60):
        return False
    return 1 <= day <= calendar.monthrange(year, month)[1] and second < 60


def _cut(micro: int, t: Any) -> int:
    """Fractional seconds cut to the column's precision (MariaDB; MySQL 8 rounds)."""
    written = re.search(r"\((\d)\)", t.sql)  # datetime(6): the model keeps it in the text
    digits: int = t.precision or (int(written.group(1)) if written else 0)
    step: int = 10 ** (6 - min(digits, 6))
    return micro - micro % step


def _date_or_time(name: str, t: Any, value: Any, ci: bool) -> Any:
    kind = "date" if t.category == "date" else "datetime"
    sent = _sent(value)
    parts = _datetime_parts(sent)
    if parts is None or not _valid(parts):
        raise _bad_time(kind, sent, name)
    year, month, day, hour, minute, second, micro = parts
    if t.category == "date":
        return date(year, month, day)
    stamp = datetime(year, month, day, hour, minute, second, _cut(micro, t))
    instant = t.sql.lower().startswith("timestamp")  # TIMESTAMP, not DATETIME: 1970-2038
    if instant and not _STAMP_LOW <= stamp <= _STAMP_HIGH:
        raise _bad_time(kind, sent, name)
    return stamp


def _time(name: str, t: Any, value: Any, ci: bool) -> Any:
    """TIME is a duration (PyMySQL reads it as a timedelta): 'hh:mm[:ss]', 'D hh:mm:ss',
    hhmmss digits, or the time of a datetime."""
    if isinstance(value, timedelta):
        found: timedelta | None = value
    else:
        try:
            found = _duration(_sent(value), isinstance(value, (int, datetime)))
        except (OverflowError, ValueError):
            found = None
    if found is None or abs(found) > _TIME_MAX:
        raise _bad_time("time", _sent(value), name)
    size = abs(found)  # cut toward zero
    size -= timedelta(microseconds=size.microseconds - _cut(size.microseconds, t))
    return -size if found < timedelta(0) else size


def _duration(sent: Any, number_or_stamp: bool) -> timedelta | None:
    if isinstance(sent, str) and (found := _TIME.match(sent) or _DAY_HOURS.match(sent)):
        sign, days, hours, minutes, seconds, fraction = (*found.groups(), None, None, None)[:6]
        span = timedelta(days=int(days or 0), hours=int(hours or 0), minutes=int(minutes or 0),
                         seconds=int(seconds or 0),
                         microseconds=int((fraction or "").ljust(6, "0")[:6] or 0))  # fmt: skip
        return -span if sign else span
    if isinstance(sent, (float, Decimal)):
        sent = f"{Decimal(repr(sent) if isinstance(sent, float) else sent):f}"
        number_or_stamp = True
    text = str(sent).strip() if isinstance(sent, (int, str)) else ""
    whole, _, fraction = text.removeprefix("-").partition(".")
    if whole.isdigit() and (not fraction or fraction.isdigit()):
        hh, mm, ss = int(whole[:-4] or 0), int(whole[-4:-2] or 0), int(whole[-2:])
        micro = int(fraction.ljust(6, "0")[:6] or 0)
        span = timedelta(hours=hh, minutes=mm, seconds=ss, microseconds=micro)
        if mm < 60 and ss < 60 and span <= _TIME_MAX:
            return -span if text.startswith("-") else span
        if len(whole) <= 6:
            return None
    if number_or_stamp and whole.isdigit() and 8 <= len(whole) <= 14:
        # a number that long is a date (YYYYMMDD: midnight) or a datetime (its last six
        # digits are the time)
        hh, mm, ss = (int(whole[-6:-4]), int(whole[-4:-2]), int(whole[-2:])) if len(
            whole) > 8 else (0, 0, 0)  # fmt: skip
        ok = hh < 24 and mm < 60 and ss < 60
        return timedelta(hours=hh, minutes=mm, seconds=ss) if ok else None
    if fraction and whole.isdigit():  # a number's fraction: no part of a date
        sent = whole
    parts = _datetime_parts(sent)
    has_time = isinstance(sent, str) and (" " in sent.strip() or "T" in sent)
    if parts is None or not _valid(parts) or not (has_time or number_or_stamp):
        return None
    return timedelta(hours=parts[3], minutes=parts[4], seconds=parts[5], microseconds=parts[6])


def collation_key(value: Any, rule: str) -> Any:
    """Text as a collation compares it (ColumnSpec.collate): PAD SPACE collations ignore
    trailing spaces (MariaDB's all, MySQL 8's but the _0900_ ones); _ci ones ignore accents
    and case, letter by letter (general) or by the Unicode Collation Algorithm (ß = ss)."""
    if not rule or not isinstance(value, str):
        return value
    if rule != "uca_nopad":
        value = value.rstrip(" ")
    if rule == "pad":
        return value
    bare = "".join(c for c in unicodedata.normalize("NFD", value) if not unicodedata.combining(c))
    return bare.lower() if rule == "general" else bare.casefold()


_CONVERT: dict[str, Convert] = {
    **dict.fromkeys(("smallint", "integer", "bigint", "boolean"), _integer),
    "numeric": _decimal, **dict.fromkeys(("real", "double"), _float),
    **dict.fromkeys(("text", "varchar", "char"), _text), "enum": _enum,
    **dict.fromkeys(("date", "timestamp", "timestamptz"), _date_or_time), "time": _time,
}  # fmt: skip


def convert(name: str, t: Any, value: Any, ci: bool) -> Any:
    """The value MySQL stores for `value` written into column `name` of type `t` (a
    TypeSpec), raising SqlError as MySQL refuses it; NOT_MINE where PostgreSQL's rules
    hold (the caller applies them to the value PyMySQL sends)."""
    found = _CONVERT.get(t.category)
    if found is None:
        return NOT_MINE
    try:
        return found(name, t, value, ci)
    except (InvalidOperation, OverflowError):
        raise _out_of_range(name) from None
