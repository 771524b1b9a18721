"""EXCLUDE constraints in the in-memory database: a written row conflicts with a stored one
when every (column, operator) comparison of the constraint holds (23P01, PostgreSQL's
words). Copied verbatim into generated packages (stdlib + the SQL runtime only).

The operators evaluated: `=`, `<>` on any value; `&&`, `@>`, `<@` on ranges, multiranges
and arrays; `-|-` on ranges; `<`, `<=`, `>`, `>=` on numbers and times. Range text is read
as PostgreSQL reads it (discrete int and date ranges made canonical, so `[1,2]` and
`[2,3)` overlap). Any other comparison (a `circle && circle`, an unreadable range) cannot be
decided here: when the comparisons that can be decided all hold against a stored row, the
write raises 0A000 naming the constraint rather than guessing.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from . import _sqlruntime as rt

Compare = Callable[[Any, Any], "bool | None"]  # None: cannot be decided here
Conflict = tuple[str, str, str]  # (SQLSTATE, message, detail)


class Span(NamedTuple):
    """A range: None bounds are infinite; `empty` ranges overlap nothing."""

    lower: Any
    upper: Any
    lower_inc: bool
    upper_inc: bool
    empty: bool = False


_EMPTY = Span(None, None, False, False, True)
_RANGE = re.compile(r'\s*([\[(])\s*("(?:[^"\\]|\\.)*"|[^,]*?)\s*,\s*("(?:[^"\\]|\\.)*"|[^\])]*?)'
                    r"\s*([\])])\s*")  # fmt: skip
_PIECE = re.compile(r'empty|[\[(](?:"(?:[^"\\]|\\.)*"|[^\])"])*[\])]', re.IGNORECASE)


# a range type's subtype: (read a bound, the step of a discrete one)
_SUBTYPES: dict[str, tuple[Callable[[str], Any], Any]] = {
    "int4": (int, 1), "int8": (int, 1), "num": (Decimal, None),
    "date": (rt.to_date, timedelta(days=1)), "ts": (rt.to_timestamp, None),
    "tstz": (rt.to_timestamptz, None),
}  # fmt: skip


def _bound(text: str, read: Callable[[str], Any]) -> Any:
    if text.startswith('"'):
        text = re.sub(r"\\(.)", r"\1", text[1:-1])
    return None if text == "" or text.lower() in ("infinity", "-infinity") else read(text)


def read_range(value: Any, kind: str) -> Span | None:
    """A range value (PostgreSQL's text, or an object with lower/upper/lower_inc/upper_inc
    as psycopg's Range) as a Span, discrete ranges canonical ([lower, upper)); None when
    it cannot be read."""
    read, step = _SUBTYPES.get(kind, (None, None))
    if read is None:
        return None
    if isinstance(value, str):
        if value.strip().lower() == "empty":
            return _EMPTY
        found = _RANGE.fullmatch(value)
        if found is None:
            return None
        opening, low, high, closing = found.groups()
        try:
            span = Span(_bound(low, read), _bound(high, read), opening == "[", closing == "]")
        except (ValueError, InvalidOperation, rt.SqlError):
            return None
    elif hasattr(value, "lower_inc"):
        if getattr(value, "isempty", False):
            return _EMPTY
        span = Span(value.lower, value.upper, bool(value.lower_inc), bool(value.upper_inc))
    else:
        return None
    return _canonical(span, step)


def _canonical(span: Span, step: Any) -> Span:
    lower, upper, lower_inc, upper_inc = span[:4]
    if step is not None:
        if lower is not None and not lower_inc:
            lower, lower_inc = lower + step, True
        if upper is not None and upper_inc:
            upper, upper_inc = upper + step, False
    bounded = lower is not None and upper is not None
    if bounded and (lower > upper or (lower == upper and not (lower_inc and upper_inc))):
        return _EMPTY
    return Span(lower, upper, lower is not None and lower_inc, upper is not None and upper_inc)


def _before(a: Span, b: Span) -> bool:
    """Every point of `a` lies below every point of `b`."""
    if a.upper is None or b.lower is None:
        return False
    return a.upper < b.lower or (a.upper == b.lower and not (a.upper_inc and b.lower_inc))


def _overlap(a: Span, b: Span) -> bool:
    return not (a.empty or b.empty or _before(a, b) or _before(b, a))


def _contains(a: Span, b: Span) -> bool:
    if b.empty:
        return True
    if a.empty:
        return False
    low = a.lower is None or (
        b.lower is not None
        and (a.lower < b.lower or (a.lower == b.lower and (a.lower_inc or not b.lower_inc)))
    )
    high = a.upper is None or (
        b.upper is not None
        and (b.upper < a.upper or (a.upper == b.upper and (a.upper_inc or not b.upper_inc)))
    )
    return low and high


def _adjacent(a: Span, b: Span) -> bool:
    def touches(x: Span, y: Span) -> bool:
        return x.upper is not None and x.upper == y.lower and x.upper_inc != y.lower_inc

    return not (a.empty or b.empty) and (touches(a, b) or touches(b, a))


def _spans(value: Any, kind: str, multi: bool) -> list[Span] | None:
    """A range as one Span, a multirange ('{[1,3), [5,7)}') as its non-empty ones, sorted
    and joined where they touch (so `=` compares what PostgreSQL stores)."""
    if not multi:
        found = read_range(value, kind)
        return None if found is None else [found]
    if not isinstance(value, str) or not value.strip().startswith("{"):
        return None
    spans = [read_range(piece, kind) for piece in _PIECE.findall(value)]
    if any(s is None for s in spans):
        return None
    return _merged([s for s in spans if s is not None and not s.empty])


def _on_spans(test: Callable[[list[Span], list[Span]], bool], kind: str, multi: bool) -> Compare:
    def compare(a: Any, b: Any) -> bool | None:
        left, right = _spans(a, kind, multi), _spans(b, kind, multi)
        return None if left is None or right is None else test(left, right)

    return compare


def _any_overlap(a: list[Span], b: list[Span]) -> bool:
    return any(_overlap(x, y) for x in a for y in b)


def _covers(a: list[Span], b: list[Span]) -> bool:
    return all(any(_contains(x, y) for x in a) for y in b)


_RANGE_OPERATORS: dict[str, Callable[[list[Span], list[Span]], bool]] = {
    "=": lambda a, b: a == b, "<>": lambda a, b: a != b, "!=": lambda a, b: a != b,
    "&&": _any_overlap, "@>": _covers, "<@": lambda a, b: _covers(b, a),
    "-|-": lambda a, b: len(a) == len(b) == 1 and _adjacent(a[0], b[0]),
}  # fmt: skip


def _arrays(test: Callable[[list[Any], list[Any]], bool]) -> Compare:
    def compare(a: Any, b: Any) -> bool | None:
        if not (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple))):
            return None
        return test([v for v in a if v is not None], [v for v in b if v is not None])

    return compare


_ARRAY_OPERATORS: dict[str, Compare] = {
    "&&": _arrays(lambda a, b: any(v in b for v in a)),
    "@>": _arrays(lambda a, b: all(v in a for v in b)),
    "<@": _arrays(lambda a, b: all(v in b for v in a)),
}
_ORDERED = (int, float, Decimal, date, datetime, timedelta)


def _ordered(test: Callable[[Any, Any], bool]) -> Compare:
    def compare(a: Any, b: Any) -> bool | None:
        both = isinstance(a, _ORDERED) and isinstance(b, _ORDERED)
        return bool(test(a, b)) if both and type(a) is type(b) else None

    return compare


# where the stored values compare as PostgreSQL compares them (equal numerics of another
# scale too); a circle's `=` compares areas, and the like: not decided here
_SCALARS = frozenset((
    "smallint", "integer", "bigint", "numeric", "real", "double", "text", "varchar",
    "boolean", "date", "time", "timestamp", "timestamptz", "uuid", "enum", "bytes",
))  # fmt: skip
_SCALAR_OPERATORS: dict[str, Compare] = {
    "=": operator.eq, "<>": operator.ne, "!=": operator.ne,
    "<": _ordered(operator.lt), "<=": _ordered(operator.le),
    ">": _ordered(operator.gt), ">=": _ordered(operator.ge),
}  # fmt: skip


def comparison(op: str, category: str, sql: str) -> Compare | None:
    """How operator `op` compares two values of a column (category and SQL type name);
    None when this module cannot evaluate it."""
    if category in ("range", "multirange"):
        test = _RANGE_OPERATORS.get(op)
        kind = sql.lower().removesuffix("multirange").removesuffix("range")
        return None if test is None else _on_spans(test, kind, category == "multirange")
    if category == "array" and op in _ARRAY_OPERATORS:
        return _ARRAY_OPERATORS[op]
    return _SCALAR_OPERATORS.get(op) if category in _SCALARS else None


def _bound_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ")
        if "." in text:
            head, _, tail = text.partition(".")
            text = head + ("." + tail.rstrip("0") if tail.rstrip("0") else "")
    else:
        text = str(value)
    return f'"{text}"' if re.search(r'[\s,()\[\]"\\]', text) else text


def _span_text(span: Span) -> str:
    if span.empty:
        return "empty"
    low, high = _bound_text(span.lower), _bound_text(span.upper)
    return f"{'[' if span.lower_inc else '('}{low},{high}{']' if span.upper_inc else ')'}"


def _merged(spans: list[Span]) -> list[Span]:
    """A multirange's ranges as PostgreSQL keeps them: sorted, touching ones joined."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.lower is not None, s.lower, not s.lower_inc)):
        last = out[-1] if out else None
        if last is not None and (_overlap(last, span) or _adjacent(last, span)):
            top = (
                last
                if last.upper is None
                or (
                    span.upper is not None
                    and ((last.upper, last.upper_inc) >= (span.upper, span.upper_inc))
                )
                else span
            )
            out[-1] = Span(last.lower, top.upper, last.lower_inc, top.upper_inc)
        else:
            out.append(span)
    return out


def _shown(value: Any, category: str, sql: str, show: Callable[[Any], str]) -> str:
    """A key value as PostgreSQL prints it in the detail (ranges canonical)."""
    kind = sql.lower().removesuffix("multirange").removesuffix("range")
    if category in ("range", "multirange") and kind != "tstz":
        spans = _spans(value, kind, category == "multirange")
        if spans is not None and category == "range":
            return _span_text(spans[0])
        if spans is not None:
            return "{" + ",".join(_span_text(s) for s in spans) + "}"
    return show(value)


def conflict(
    name: str,
    columns: tuple[str, ...],
    operators: tuple[str, ...],
    types: Mapping[str, tuple[str, str]],
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    row: Mapping[str, Any],
    rowid: int,
    show: Callable[[Any], str],
) -> Conflict | None:
    """The error of writing `row` (at `rowid`) beside the stored `rows` under the EXCLUDE
    constraint `name`, or None. `types` gives each column's (category, SQL type)."""
    new = [row[c] for c in columns]
    if any(v is None for v in new):
        return None  # a comparison with NULL is never true
    tests = [comparison(op, *types[c]) for c, op in zip(columns, operators, strict=True)]
    for other_id, other in rows:
        old = [other[c] for c in columns]
        if other_id == rowid or any(v is None for v in old):
            continue
        held = [None if t is None else t(a, b) for t, a, b in zip(tests, new, old, strict=True)]
        if False in held:
            continue
        keys = ", ".join(columns)
        shown = [", ".join(_shown(v, *types[c], show) for c, v in zip(columns, values, strict=True))
                 for values in (new, old)]  # fmt: skip
        detail = f"Key ({keys})=({shown[0]}) conflicts with existing key ({keys})=({shown[1]})."
        if None in held:
            undecided = [f"{c} {op}" for c, op, h in zip(columns, operators, held, strict=True)
                         if h is None]  # fmt: skip
            message = (f'exclusion constraint "{name}" cannot be checked by the in-memory'
                       f" database (it cannot compare {', '.join(undecided)}): use a real"
                       " database for this table")  # fmt: skip
            return ("0A000", message, detail.replace("conflicts", "may conflict"))
        return ("23P01", f'conflicting key value violates exclusion constraint "{name}"', detail)
    return None
