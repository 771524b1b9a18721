"""Value bounds derived from CHECK constraints, read from sqlglot trees of the CHECK SQL.

The generator uses bounds to produce values that satisfy a CHECK in the first place:
comparisons with constants (`price >= 0`, `0 < x`), BETWEEN, IN / `= ANY (ARRAY[...])`,
`length(col)` / `char_length(col)` comparisons, IS NOT NULL, comparisons between two
columns (`shipped_at >= created_at`), combined with AND; for OR the first branch that is
not `col IS NULL` is used (satisfying one branch satisfies the OR). What is not understood
is simply not a bound: every CHECK is still validated on each row with the compiled
predicate, and the row retried (see the generated `_runtime.finish`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlglot
from sqlglot import exp

from .dialect import Dialect, of
from .sqlexpr.compiler import _flatten


@dataclass
class Bounds:
    lo: Any = None
    lo_strict: bool = False
    hi: Any = None
    hi_strict: bool = False
    choices: list[Any] | None = None
    excluded: list[Any] = field(default_factory=list)
    minlen: int | None = None
    maxlen: int | None = None
    not_null: bool = False
    # column-to-column: (other column, strict); this column >= other (lo) or <= other (hi)
    lo_cols: list[tuple[str, bool]] = field(default_factory=list)
    hi_cols: list[tuple[str, bool]] = field(default_factory=list)

    def merge_lo(self, value: Any, strict: bool) -> None:
        if self.lo is None or _gt(value, self.lo) or (value == self.lo and strict):
            self.lo, self.lo_strict = value, strict

    def merge_hi(self, value: Any, strict: bool) -> None:
        if self.hi is None or _gt(self.hi, value) or (value == self.hi and strict):
            self.hi, self.hi_strict = value, strict

    def restrict(self, values: list[Any]) -> None:
        self.choices = values if self.choices is None else [v for v in self.choices if v in values]


def _gt(a: Any, b: Any) -> bool:
    try:
        return bool(a > b)
    except TypeError:
        return False


_FLIP: dict[type[exp.Expression], type[exp.Expression]] = {
    exp.GT: exp.LT,
    exp.GTE: exp.LTE,
    exp.LT: exp.GT,
    exp.LTE: exp.GTE,
    exp.EQ: exp.EQ,
    exp.NEQ: exp.NEQ,
}


def analyse(sql: str, dialect: str | Dialect, columns: Collection[str]) -> dict[str, Bounds]:
    """The bounds CHECK `sql` implies, by column name (`merge` them into a table's)."""
    out: dict[str, Bounds] = {}
    try:
        tree = sqlglot.parse_one(sql, read=of(dialect).sqlglot)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError, ValueError):
        return out
    if isinstance(tree, exp.Expression):
        _walk(tree, set(columns), out)
    return out


@dataclass(frozen=True)
class Names:
    """A table's column names as `spelled_in` looks for them in a CHECK: by lower case,
    their lengths, and those an identifier spells only with an escape (`"a""b"`)."""

    by_lower: dict[str, list[str]]
    lengths: tuple[int, ...]
    escaped: tuple[str, ...]
    every: list[str]

    @classmethod
    def of(cls, columns: Collection[str]) -> Names:
        by_lower: dict[str, list[str]] = {}
        for c in columns:
            by_lower.setdefault(c.lower(), []).append(c)
        lengths = tuple(sorted({len(lower) for lower in by_lower}))
        escaped = tuple(sorted(c for c in columns if any(q in c for q in _QUOTES)))
        return cls(by_lower, lengths, escaped, sorted(columns))


_QUOTES = ('"', "`", "]")
_UNICODE_ESCAPE = re.compile(r"""[uU]&["']""")  # PostgreSQL's U&"d\0061ta"


def spelled_in(sql: str, names: Names) -> list[str]:
    """The columns CHECK `sql` may read (sorted): those whose name, in any case, is a
    substring of it. `analyse` finds no other (an identifier's name is spelled in the SQL
    as it is, and `_column` matches it exactly or in any case), so analysing these alone
    gives the bounds of all the columns. Every column when case or an escape could spell
    a name otherwise (non-ASCII text, PostgreSQL's U&"\\0061")."""
    if not sql.isascii() or _UNICODE_ESCAPE.search(sql):
        return names.every
    text = sql.lower()
    found = set(names.escaped)
    by_lower = names.by_lower
    for n in names.lengths:
        for i in range(len(text) - n + 1):
            found.update(by_lower.get(text[i : i + n], ()))
    return sorted(found)


def merge(into: Bounds, other: Bounds) -> None:
    """`into` narrowed by `other`: a value must satisfy both."""
    if other.lo is not None:
        into.merge_lo(other.lo, other.lo_strict)
    if other.hi is not None:
        into.merge_hi(other.hi, other.hi_strict)
    if other.choices is not None:
        into.restrict(other.choices)
    into.excluded.extend(other.excluded)
    if other.minlen is not None:
        into.minlen = max(into.minlen or 0, other.minlen)
    if other.maxlen is not None:
        into.maxlen = other.maxlen if into.maxlen is None else min(into.maxlen, other.maxlen)
    into.not_null = into.not_null or other.not_null
    into.lo_cols.extend(other.lo_cols)
    into.hi_cols.extend(other.hi_cols)


# Bounds as JSON, for the memo kept between runs: numbers are Decimal, so they travel as
# {"decimal": text}; str and bool stand for themselves.


def to_json(bounds: Mapping[str, Bounds]) -> str:
    return json.dumps(
        {column: {k: _value_json(v) for k, v in asdict(b).items()} for column, b in bounds.items()}
    )


def from_json(text: str) -> dict[str, Bounds]:
    out: dict[str, Bounds] = {}
    for column, fields in json.loads(text).items():
        values = {k: _value_from_json(v) for k, v in fields.items()}
        values["lo_cols"] = [tuple(pair) for pair in values["lo_cols"]]
        values["hi_cols"] = [tuple(pair) for pair in values["hi_cols"]]
        out[column] = Bounds(**values)
    return out


def _value_json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, (list, tuple)):
        return [_value_json(v) for v in value]
    return value


def _value_from_json(value: Any) -> Any:
    if isinstance(value, dict):
        return Decimal(value["decimal"])
    if isinstance(value, list):
        return [_value_from_json(v) for v in value]
    return value


def _walk(node: exp.Expression, columns: set[str], out: dict[str, Bounds]) -> None:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.And):
        _walk(node.this, columns, out)
        _walk(node.expression, columns, out)
        return
    if isinstance(node, exp.Or):
        either = _flatten(node, exp.Or, unparen=True)
        branches = [b for b in either if not _is_null_test(b, columns)]
        if branches:
            _walk(branches[0], columns, out)
        return
    if isinstance(node, exp.Not):
        inner = node.this
        while isinstance(inner, exp.Paren):
            inner = inner.this
        if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
            col = _column(inner.this, columns)
            if col:
                out.setdefault(col, Bounds()).not_null = True
        elif isinstance(inner, exp.In):
            col = _column(inner.this, columns)
            values = [_literal(v) for v in inner.expressions]
            if col and all(v is not _NA for v in values):
                out.setdefault(col, Bounds()).excluded.extend(values)
        return
    if isinstance(node, exp.Between):
        col = _column(node.this, columns)
        low, high = _literal(node.args.get("low")), _literal(node.args.get("high"))
        if col and low is not _NA and high is not _NA:
            b = out.setdefault(col, Bounds())
            b.merge_lo(low, False)
            b.merge_hi(high, False)
        return
    if isinstance(node, exp.In):
        col = _column(node.this, columns)
        values = [_literal(v) for v in node.expressions]
        if col and values and all(v is not _NA for v in values):
            out.setdefault(col, Bounds()).restrict(values)
        return
    if type(node) in _FLIP:
        _comparison(node, columns, out)


def _is_null_test(node: exp.Expression, columns: set[str]) -> bool:
    return (
        isinstance(node, exp.Is)
        and isinstance(node.expression, exp.Null)
        and _column(node.this, columns) is not None
    )


def _comparison(node: exp.Expression, columns: set[str], out: dict[str, Bounds]) -> None:
    kind: type[exp.Expression] = type(node)
    left, right = node.this, node.expression
    if isinstance(right, exp.Any):  # col = ANY (ARRAY[...]) is IN
        col = _column(left, columns)
        values = _array_literals(right.this)
        if col and values is not None and kind is exp.EQ:
            out.setdefault(col, Bounds()).restrict(values)
        return
    l_col, r_col = _column(left, columns), _column(right, columns)
    l_len, r_len = _length_of(left, columns), _length_of(right, columns)
    l_val, r_val = _literal(left), _literal(right)
    if (l_col or l_len) and r_val is not _NA:
        col, length, value = l_col, l_len, r_val
    elif (r_col or r_len) and l_val is not _NA:
        col, length, value, kind = r_col, r_len, l_val, _FLIP[kind]
    else:
        if l_col and r_col and l_col != r_col:
            b = out.setdefault(l_col, Bounds())
            if kind in (exp.GT, exp.GTE):
                b.lo_cols.append((r_col, kind is exp.GT))
            elif kind in (exp.LT, exp.LTE):
                b.hi_cols.append((r_col, kind is exp.LT))
        return
    if length is not None:
        if not isinstance(value, Decimal):
            return
        b = out.setdefault(length, Bounds())
        n = int(value)
        if kind is exp.EQ:
            b.minlen = b.maxlen = n
        elif kind in (exp.GT, exp.GTE):
            b.minlen = max(b.minlen or 0, n + (1 if kind is exp.GT else 0))
        elif kind in (exp.LT, exp.LTE):
            limit = n - (1 if kind is exp.LT else 0)
            b.maxlen = limit if b.maxlen is None else min(b.maxlen, limit)
        return
    assert col is not None
    b = out.setdefault(col, Bounds())
    if kind is exp.EQ:
        b.restrict([value])
    elif kind is exp.NEQ:
        b.excluded.append(value)
    elif kind in (exp.GT, exp.GTE):
        b.merge_lo(value, kind is exp.GT)
    else:
        b.merge_hi(value, kind is exp.LT)


def _column(node: Any, columns: set[str]) -> str | None:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Column) and not node.table:
        name = node.name
        if name in columns:
            return name
        lowered = {c.lower(): c for c in columns}
        if not node.this.args.get("quoted") and name.lower() in lowered:
            return lowered[name.lower()]
    return None


def _length_of(node: exp.Expression, columns: set[str]) -> str | None:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Length):
        return _column(node.this, columns)
    if isinstance(node, exp.Anonymous) and node.name.lower() in (
        "char_length",
        "character_length",
        "length",
    ):
        args = node.expressions
        return _column(args[0], columns) if len(args) == 1 else None
    return None


_NA: Any = object()


def _literal(node: Any) -> Any:
    """A constant as Decimal (numbers), str, bool; _NA when not a constant."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Cast):
        return _literal(node.this)
    if isinstance(node, exp.Neg):
        inner = _literal(node.this)
        return -inner if isinstance(inner, Decimal) else _NA
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return str(node.this)
        try:
            return Decimal(str(node.this))
        except InvalidOperation:
            return _NA
    return _NA


def _array_literals(node: Any) -> list[Any] | None:
    while isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    if isinstance(node, exp.Array):
        values = [_literal(v) for v in node.expressions]
        return None if any(v is _NA for v in values) else values
    return None
