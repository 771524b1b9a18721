"""Range and multirange values as PostgreSQL reads, stores and prints them: the literal
parsed as `range_in`/`multirange_in` parse it (22P02 "malformed range literal" with the
server's DETAIL), the bounds read by the subtype's input, reversed bounds refused (22000),
discrete ranges made canonical (`[a,b)`), empty ones `empty`, multiranges sorted and
merged, and the result kept as the text PostgreSQL prints. Copied verbatim into generated
packages (stdlib + the SQL runtime only).

The built-in range types are read: int4, int8, num, date, ts and tstz ranges (tstz printed
in UTC, the session time zone `Database.connect` sets). Other range types are not read here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, Self

from . import _sqlruntime as rt


class Span(NamedTuple):
    """A range over comparable bound keys (`Bound`): None bounds are unbounded; `empty`
    ranges hold nothing."""

    lower: Any
    upper: Any
    lower_inc: bool
    upper_inc: bool
    empty: bool = False


EMPTY = Span(None, None, False, False, True)
SPACE = " \t\n\r\v\f"  # isspace() in the C locale, as the parsers skip it
_QUOTED = re.compile(r'[ \t\n\r\v\f"\\()\[\],]')


class Bound(NamedTuple):
    """One bound's value: `key` orders it as the subtype does (-infinity, finite values,
    infinity, NaN: (rank, value)), `text` is how PostgreSQL prints it."""

    key: tuple[int, Any]
    text: str


class RangeText(str):
    """A stored range or multirange: PostgreSQL's text of it, which is what a row holds and
    returns, compared (=, <, ORDER BY, UNIQUE) as PostgreSQL compares the values, so
    `[1.0,2)` equals `[1.00,2)`. `spans` is the range (one Span) or the multirange's ranges.
    Equal to a plain str of its text too (`row["r"] == "[1,5)"`), but hashed by its value:
    do not mix the two in one set."""

    spans: tuple[Span, ...]
    multi: bool
    # PostgreSQL's order: an empty range first, then by lower bound, then upper; a
    # multirange range by range, a shorter one first when the rest is equal
    key: tuple[Any, ...]

    def __new__(cls, text: str, spans: tuple[Span, ...], multi: bool) -> Self:
        made = super().__new__(cls, text)
        made.spans, made.multi = spans, multi
        keys = tuple(_order_key(s) for s in spans)
        made.key = keys if multi else keys[0]
        return made

    def _other(self, other: object) -> tuple[Any, ...] | None:
        return other.key if isinstance(other, RangeText) else None

    def __eq__(self, other: object) -> bool:
        key = self._other(other)
        return str.__eq__(self, other) if key is None else self.key == key

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __lt__(self, other: str) -> bool:
        key = self._other(other)
        return str.__lt__(self, other) if key is None else self.key < key

    def __le__(self, other: str) -> bool:
        return self == other or self < other

    def __gt__(self, other: str) -> bool:
        key = self._other(other)
        return str.__gt__(self, other) if key is None else self.key > key

    def __ge__(self, other: str) -> bool:
        return self == other or self > other

    def __hash__(self) -> int:
        return hash(self.key)

    def __reduce__(self) -> tuple[Any, ...]:
        return (RangeText, (str(self), self.spans, self.multi))

    def __copy__(self) -> RangeText:
        return self

    def __deepcopy__(self, memo: object) -> RangeText:
        return self


def _order_key(span: Span) -> tuple[Any, ...]:
    if span.empty:
        return (0,)
    low = (0,) if span.lower is None else (1, span.lower.key, 0 if span.lower_inc else 1)
    high = (2,) if span.upper is None else (1, span.upper.key, 1 if span.upper_inc else 0)
    return (1, low, high)


# ----------------------------------------------------------------------- subtypes


class LiteralError(rt.SqlError):
    """A refused literal, with PostgreSQL's DETAIL (where it is malformed) or a HINT."""

    def __init__(
        self, message: str, code: str, detail: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, code)
        self.detail, self.hint = detail, hint


def _malformed(kind: str, text: str, detail: str) -> LiteralError:
    return LiteralError(f'malformed {kind} literal: "{text}"', "22P02", detail)


def _finite(value: Any, kind: str) -> Bound:
    """A finite bound, printed by the runtime's text_out as PostgreSQL prints `kind`."""
    return Bound((1, value), rt.text_out(value, kind) or "")


def _read_int(kind: str) -> Callable[[str], Bound]:
    """int4in/int8in: the runtime's reader (PostgreSQL 16+ spellings: `1_000`, `0x1F`)."""

    def read(text: str) -> Bound:
        return _finite(rt.to_int(text, kind), kind)

    return read


def _read_numeric(text: str) -> Bound:
    """numeric_in (the runtime's): the value keeps the scale it is written with (`1.50`)."""
    value = rt.to_numeric(text)
    assert value is not None
    if value.is_finite():
        return _finite(value, "numeric")
    rank = 3 if value.is_nan() else 0 if value.is_signed() else 2
    return Bound((rank, 0), rt.text_out(value, "numeric") or "")


_INFINITE = {"infinity": (2, "infinity"), "+infinity": (2, "infinity"),
             "-infinity": (0, "-infinity")}  # fmt: skip


def _read_time(read: Callable[[str], Any], kind: str, sql: str) -> Callable[[str], Bound]:
    def reader(text: str) -> Bound:
        word = _INFINITE.get(text.strip().lower())
        if word is not None:
            return Bound((word[0], 0), word[1])
        stripped = text.strip(SPACE)
        try:
            value = read(stripped)
        except rt.SqlError as error:  # quoting the text as written, spaces too
            message = str(error).replace(f'"{stripped}"', f'"{text}"')
            raise rt.SqlError(message, error.sqlstate) from None
        except NotImplementedError:
            raise LiteralError(
                f'invalid input syntax for type {sql}: "{text}"',
                "22007",
                hint="The in-memory database reads ISO 8601 text only.",
            ) from None
        return _finite(value, kind)

    return reader


def _plus(
    kind: str, code: str, limit: Any, step: Any, hint: str | None = None
) -> Callable[[Bound], Bound | None]:
    """The next value of a discrete subtype (`[a,b]` is `[a,b+1)`), refused past its end;
    None for -infinity and infinity, which stay as written (bounds included or not)."""

    def plus(bound: Bound) -> Bound | None:
        rank, value = bound.key
        if rank != 1:
            return None
        if value >= limit:
            raise LiteralError(f"{kind} out of range", code, hint=hint)
        return _finite(value + step, kind)

    return plus


class Subtype(NamedTuple):
    read: Callable[[str], Bound]
    plus: Callable[[Bound], Bound | None] | None  # discrete subtypes only


SUBTYPES: dict[str, Subtype] = {
    "int4": Subtype(_read_int("integer"),
                    _plus("integer", "22003", 2**31 - 1, 1)),
    "int8": Subtype(_read_int("bigint"),
                    _plus("bigint", "22003", 2**63 - 1, 1)),
    "num": Subtype(_read_numeric, None),
    "date": Subtype(_read_time(rt.to_date, "date", "date"),
                    _plus("date", "22008", date.max, timedelta(days=1),
                          "The in-memory database holds dates up to 9999-12-31.")),
    "ts": Subtype(_read_time(rt.to_timestamp, "timestamp", "timestamp"), None),
    "tstz": Subtype(_read_time(rt.to_timestamptz, "timestamptz", "timestamp with time zone"),
                    None),
}  # fmt: skip


def kind_of(sql: str) -> str:
    """A range type's subtype key (`int4range` and `int4multirange` -> `int4`)."""
    return sql.lower().rsplit(".", 1)[-1].removesuffix("multirange").removesuffix("range")


# ------------------------------------------------------------------------- parsing


def _bound_text(literal: str, text: str, at: int) -> tuple[str | None, int]:
    """range_parse_bound: (the bound's text or None when unbounded, where it stops)."""
    if at < len(text) and text[at] in ",)]":
        return None, at
    out: list[str] = []
    quoted = False
    while quoted or not (at < len(text) and text[at] in ",)]"):
        if at >= len(text):
            raise _malformed("range", literal, "Unexpected end of input.")
        ch = text[at]
        at += 1
        if ch == "\\":
            if at >= len(text):
                raise _malformed("range", literal, "Unexpected end of input.")
            out.append(text[at])
            at += 1
        elif ch == '"':
            if not quoted:
                quoted = True
            elif at < len(text) and text[at] == '"':
                out.append('"')
                at += 1
            else:
                quoted = False
        else:
            out.append(ch)
    return "".join(out), at


def _parse(text: str) -> tuple[str | None, str | None, bool, bool] | None:
    """range_parse: (lower text, upper text, [ or (, ] or )); None for `empty`."""
    at = len(text) - len(text.lstrip(SPACE))
    if text[at : at + 5].lower() == "empty":
        if text[at + 5 :].strip(SPACE):
            raise _malformed("range", text, 'Junk after "empty" key word.')
        return None
    if at >= len(text) or text[at] not in "[(":
        raise _malformed("range", text, "Missing left parenthesis or bracket.")
    lower_inc = text[at] == "["
    lower, at = _bound_text(text, text, at + 1)
    if at >= len(text) or text[at] != ",":
        raise _malformed("range", text, "Missing comma after lower bound.")
    upper, at = _bound_text(text, text, at + 1)
    if text[at] not in ")]":
        raise _malformed("range", text, "Too many commas.")
    if text[at + 1 :].strip(SPACE):
        raise _malformed("range", text, "Junk after right parenthesis or bracket.")
    return lower, upper, lower_inc, text[at] == "]"


def read_span(text: str, subtype: Subtype) -> Span:
    """range_in: parse, read the bounds (lower first), check their order, canonicalize."""
    parsed = _parse(text)
    if parsed is None:
        return EMPTY
    low_text, high_text, lower_inc, upper_inc = parsed
    lower = None if low_text is None else subtype.read(low_text)
    upper = None if high_text is None else subtype.read(high_text)
    span = _serialized(lower, upper, lower_inc, upper_inc)
    if span.empty or subtype.plus is None:
        return span
    lower, upper, lower_inc, upper_inc = span[:4]
    if lower is not None and not lower_inc and (after := subtype.plus(lower)) is not None:
        lower, lower_inc = after, True
    if upper is not None and upper_inc and (after := subtype.plus(upper)) is not None:
        upper, upper_inc = after, False
    return _serialized(lower, upper, lower_inc, upper_inc)


def _serialized(lower: Any, upper: Any, lower_inc: bool, upper_inc: bool) -> Span:
    """range_serialize: reversed bounds refused, equal ones empty unless both included."""
    if lower is not None and upper is not None:
        if lower.key > upper.key:
            raise rt.SqlError(
                "range lower bound must be less than or equal to range upper bound", "22000"
            )
        if lower.key == upper.key and not (lower_inc and upper_inc):
            return EMPTY
    return Span(lower, upper, lower is not None and lower_inc, upper is not None and upper_inc)


# multirange_in's states inside a range: (state, character) -> the next ("": any other)
_IN_RANGE = {
    ("in", '"'): "quoted", ("in", "\\"): "escaped", ("escaped", ""): "in",
    ("quoted", '"'): "in", ("quoted", "\\"): "quoted escaped", ("quoted escaped", ""): "quoted",
}  # fmt: skip


def _pieces(text: str) -> Iterator[str]:
    """multirange_in's scan: the text of each range in the braces (`empty` included), each
    handed on as it is found (PostgreSQL reads a range before it scans on)."""
    at = len(text) - len(text.lstrip(SPACE))
    if at >= len(text) or text[at] != "{":
        raise _malformed("multirange", text, "Missing left brace.")
    at += 1
    seen = False
    state, start = "before", 0
    while state != "done":
        if at >= len(text):
            raise _malformed("multirange", text, "Unexpected end of input.")
        ch = text[at]
        if ch in SPACE:
            at += 1
            continue
        if state == "before":
            if ch in "[(":
                state, start = "in", at
            elif ch == "}" and not seen:
                state = "done"
            elif text[at : at + 5].lower() == "empty":
                seen = True
                yield "empty"
                at += 4
                state = "after"
            else:
                raise _malformed("multirange", text, "Expected range start.")
        elif state != "after":  # inside a range: where it ends, past quotes and escapes
            if state == "in" and ch in "])":
                seen = True
                yield text[start : at + 1]
                state = "after"
            elif state == "quoted" and ch == '"' and text[at + 1 : at + 2] == '"':
                at += 1  # a doubled quote inside quotes
            else:
                state = _IN_RANGE.get((state, ch)) or _IN_RANGE.get((state, ""), state)
        elif ch == ",":
            state = "before"
        elif ch == "}":
            state = "done"
        else:
            raise _malformed("multirange", text, "Expected comma or end of multirange.")
        at += 1
    if text[at:].strip(SPACE):
        raise _malformed("multirange", text, "Junk after closing right brace.")


# ------------------------------------------------------------------------- values


def before(a: Span, b: Span) -> bool:
    """Every point of `a` lies below every point of `b`."""
    if a.upper is None or b.lower is None:
        return False
    return a.upper.key < b.lower.key or (
        a.upper.key == b.lower.key and not (a.upper_inc and b.lower_inc)
    )


def overlap(a: Span, b: Span) -> bool:
    return not (a.empty or b.empty or before(a, b) or before(b, a))


def touches(a: Span, b: Span) -> bool:
    """`a` ends where `b` starts, with no point between them and none in both."""
    return (a.upper is not None and b.lower is not None and a.upper.key == b.lower.key
            and a.upper_inc != b.lower_inc and not (a.empty or b.empty))  # fmt: skip


def adjacent(a: Span, b: Span) -> bool:
    return touches(a, b) or touches(b, a)


def merged(spans: list[Span]) -> list[Span]:
    """multirange_canonicalize: non-empty ranges sorted, overlapping or touching ones joined."""
    out: list[Span] = []
    for span in sorted((s for s in spans if not s.empty), key=_order_key):
        last = out[-1] if out else None
        if last is not None and (overlap(last, span) or adjacent(last, span)):
            top = last if _order_key(last)[2] >= _order_key(span)[2] else span
            out[-1] = Span(last.lower, top.upper, last.lower_inc, top.upper_inc)
        else:
            out.append(span)
    return out


def _escaped(text: str) -> str:
    """range_bound_escape: quoted when empty or holding space, quotes, brackets or commas."""
    if text and not _QUOTED.search(text):
        return text
    return '"' + re.sub(r'(["\\])', r"\1\1", text) + '"'


def span_text(span: Span) -> str:
    if span.empty:
        return "empty"
    opening, closing = "[" if span.lower_inc else "(", "]" if span.upper_inc else ")"
    low = "" if span.lower is None else _escaped(span.lower.text)
    high = "" if span.upper is None else _escaped(span.upper.text)
    return f"{opening}{low},{high}{closing}"


def _literal(value: Any) -> str | None:
    """A psycopg `Range`-like object (lower, upper, bounds, isempty) as range text."""
    if getattr(value, "isempty", False):
        return "empty"
    if not hasattr(value, "lower_inc"):
        return None
    lower, upper = (
        "" if v is None else _escaped(v.isoformat(sep=" ") if isinstance(v, datetime) else str(v))
        for v in (value.lower, value.upper)
    )
    opening, closing = "[" if value.lower_inc else "(", "]" if value.upper_inc else ")"
    return f"{opening}{lower},{upper}{closing}"


def read(value: Any, kind: str, multi: bool) -> RangeText | None:
    """The stored value of a range (multi: multirange) of subtype `kind` written as `value`
    (PostgreSQL's text, or psycopg's Range / Multirange); None when `kind` is not read here
    or the value is neither. Raises rt.SqlError as PostgreSQL refuses the text."""
    subtype = SUBTYPES.get(kind)
    if subtype is None:
        return None
    if multi:
        pieces: Iterable[str]
        if isinstance(value, str):
            pieces = _pieces(value)
        elif isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
            found = [_literal(v) for v in value]
            if any(f is None for f in found):
                return None
            pieces = [f for f in found if f is not None]
        else:
            return None
        spans = tuple(merged([read_span(p, subtype) for p in pieces]))
        return RangeText("{" + ",".join(span_text(s) for s in spans) + "}", spans, True)
    text = value if isinstance(value, str) else _literal(value)
    if text is None:
        return None
    span = read_span(text, subtype)
    return RangeText(span_text(span), (span,), False)
