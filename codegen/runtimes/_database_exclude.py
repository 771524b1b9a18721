"""EXCLUDE constraints in the in-memory database: a written row conflicts with a stored one
when every (column, operator) comparison of the constraint holds (23P01, PostgreSQL's
words). Copied verbatim into generated packages (stdlib + the SQL runtime only).

The operators evaluated: `=`, `<>` on scalars, ranges and multiranges (not arrays); `&&`,
`@>`, `<@` on ranges, multiranges and arrays; `-|-` on ranges and multiranges; `<`, `<=`,
`>`, `>=` on numbers and times.
Ranges are the stored values `_database_ranges` reads (canonical, so `[1,2]` and `[2,3)`
overlap). Any other comparison (a `circle && circle`, a range type not read there) cannot be
decided here: when the comparisons that can be decided all hold against a stored row, the
write raises 0A000 naming the constraint rather than guessing.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from . import _database_ranges as ranges
from ._database_ranges import RangeText, Span

Compare = Callable[[Any, Any], "bool | None"]  # None: cannot be decided here
Conflict = tuple[str, str, str]  # (SQLSTATE, message, detail)


def _contains(a: Span, b: Span) -> bool:
    if b.empty:
        return True
    if a.empty:
        return False
    low = a.lower is None or (
        b.lower is not None
        and (a.lower.key < b.lower.key
             or (a.lower.key == b.lower.key and (a.lower_inc or not b.lower_inc)))
    )  # fmt: skip
    high = a.upper is None or (
        b.upper is not None
        and (b.upper.key < a.upper.key
             or (a.upper.key == b.upper.key and (a.upper_inc or not b.upper_inc)))
    )  # fmt: skip
    return low and high


def _on_spans(test: Callable[[RangeText, RangeText], bool]) -> Compare:
    """A range operator on stored values (read by _database_ranges); any other value (a
    range type that module does not read) cannot be decided here."""

    def compare(a: Any, b: Any) -> bool | None:
        both = isinstance(a, RangeText) and isinstance(b, RangeText)
        return test(a, b) if both else None

    return compare


def _any_overlap(a: RangeText, b: RangeText) -> bool:
    return any(ranges.overlap(x, y) for x in a.spans for y in b.spans)


def _covers(a: RangeText, b: RangeText) -> bool:
    """`a @> b`: every range of b inside one range of a (an empty b always is)."""
    return all(y.empty or any(_contains(x, y) for x in a.spans) for y in b.spans)


def _adjacent(a: RangeText, b: RangeText) -> bool:
    """`-|-`: the last range of one ends where the first of the other starts."""
    if not (a.spans and b.spans):
        return False
    return ranges.touches(a.spans[-1], b.spans[0]) or ranges.touches(b.spans[-1], a.spans[0])


_RANGE_OPERATORS: dict[str, Callable[[RangeText, RangeText], bool]] = {
    "=": operator.eq, "<>": operator.ne, "!=": operator.ne,
    "&&": _any_overlap, "@>": _covers, "<@": lambda a, b: _covers(b, a), "-|-": _adjacent,
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
        return None if test is None else _on_spans(test)
    if category == "array" and op in _ARRAY_OPERATORS:
        return _ARRAY_OPERATORS[op]
    return _SCALAR_OPERATORS.get(op) if category in _SCALARS else None


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
        shown = [", ".join(show(v) for v in values) for values in (new, old)]
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
