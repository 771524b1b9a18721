"""UNIQUE constraints: which column carries the row's sequence number in a composite
UNIQUE, and the mixed-radix digits when every member has a small domain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from ..bounds import Bounds
from ..dialect import Dialect
from ..errors import Diagnostic
from ..model import PrimaryKey, Schema, Unique
from ..valuegen import FLOATS, INTS, NUMS, TEXT, TIMES
from .plans import FkMode
from .scope import Col, Scope, labels


@dataclass(frozen=True)
class Uniques:
    """Which columns must be distinct per row, and how each gets there."""

    pk: tuple[str, ...]
    single: set[str]  # columns UNIQUE on their own
    carriers: set[str]  # the column carrying the sequence number of a composite UNIQUE
    digits: dict[str, tuple[str, bool]]  # column -> (sequence expression, wraps)
    null_past_end: set[str]  # nullable last digit: NULL once its values are used up


def plan_unique(
    scope: Scope, bounds: Mapping[str, Bounds], fk_modes: Mapping[tuple[str, int], FkMode]
) -> Uniques:
    """Phase 2 of a table's plan: single-column UNIQUEs, and a carrier column (plus radix
    digits) for each composite one."""
    table, cols, schema, dialect = scope.table, scope.cols, scope.schema, scope.dialect
    pk = table.primary_key.columns if table.primary_key else ()
    rules: list[tuple[str, ...]] = [pk] if pk else []
    _warn_computed_uniques(scope)
    for u in table.uniques:
        cols_of = tuple(u.columns)
        for expression in u.expressions:
            cols_of += tuple(_expr_columns(expression, dialect, scope.names))
        if cols_of:
            rules.append(tuple(dict.fromkeys(cols_of)))
    fk_first = {
        fk.columns[0]
        for i, fk in enumerate(table.foreign_keys)
        if fk_modes.get((table.key, i)) == "sub"
    }
    unique_single = {r[0] for r in rules if len(r) == 1}
    carriers: set[str] = set()
    digits: dict[str, tuple[str, bool]] = {}  # column -> (sequence expression, wraps)
    null_past_end: set[str] = set()
    for rule in rules:
        if len(rule) == 1 or set(rule) & unique_single:
            continue
        best = _carrier(rule, cols, bounds, fk_first)
        if best is not None and _capacity(best, cols, bounds, schema) is not None:
            # a column with unbounded values carries better than a small domain
            unbounded = tuple(
                n for n in rule
                if n != best and n in cols and _capacity(n, cols, bounds, schema) is None
            )  # fmt: skip
            best = (_carrier(unbounded, cols, bounds, fk_first) if unbounded else None) or best
        if best is not None:
            carriers.add(best)
            found = _radix(best, rule, cols, bounds, schema, set(pk))
            digits.update(found)
            null_past_end.update(n for n, (_, wraps) in found.items() if not wraps
                                 and cols[n].column.nullable and n not in pk)  # fmt: skip
    return Uniques(pk, unique_single, carriers, digits, null_past_end)


def _carrier(
    rule: tuple[str, ...],
    cols: Mapping[str, Col],
    bounds: Mapping[str, Bounds],
    fk_first: set[str],
) -> str | None:
    """The column of a composite UNIQUE that carries the sequence number."""
    rank = {
        **dict.fromkeys(TEXT, 0),
        **dict.fromkeys(INTS | NUMS, 1),
        "date": 2,
        **dict.fromkeys(TIMES, 2),
        **dict.fromkeys(FLOATS, 3),
        "bytes": 3,
        "inet": 3,
        "json": 4,
        "jsonb": 4,
        "array": 4,
        "uuid": 8,
        "enum": 10,
        "boolean": 11,
    }
    best: tuple[int, int, str] | None = None
    for i, name in enumerate(rule):
        c = cols.get(name)
        if c is None or c.column.generated is not None:
            continue
        if c.column.identity is not None or name in fk_first:
            return None  # already distinct per row
        score = rank.get(c.type.category, 9) + (4 if c.column.default is not None else 0)
        if (b := bounds.get(name)) is not None and (
            b.choices or (b.hi is not None and b.lo is not None)
        ):
            score += 6  # a CHECK leaves few distinct values
        if best is None or (score, i) < best[:2]:
            best = (score, i, name)
    return best[2] if best else None


def _capacity(
    name: str, cols: Mapping[str, Col], bounds: Mapping[str, Bounds], schema: Schema
) -> int | None:
    """How many distinct non-NULL values a column can take, when that is small and known."""
    c = cols.get(name)
    if c is None or c.column.generated is not None or c.column.identity is not None:
        return None
    b = bounds.get(name)
    if b is not None and b.choices:
        return len(b.choices)
    if c.type.category == "boolean":
        return 2
    if c.type.category == "enum":
        return len(labels(schema, c.type)) or None
    if c.type.category in INTS and b is not None and b.lo is not None and b.hi is not None:
        return int(b.hi) - int(b.lo) + 1
    return None


def _radix(
    carrier: str,
    rule: tuple[str, ...],
    cols: Mapping[str, Col],
    bounds: Mapping[str, Bounds],
    schema: Schema,
    pk: set[str],
) -> dict[str, tuple[str, bool]]:
    """Mixed-radix digits of the row number for a composite UNIQUE of small domains.

    When even the best carrier has few values (a CHECK-bounded int, a boolean), the other
    enumerable columns of the rule take the next digits, so rows stay distinct for the
    product of the domains; the last digit raises a clear error past that.
    """
    capacity = _capacity(carrier, cols, bounds, schema)
    if capacity is None:
        return {}
    members = [carrier, *(n for n in rule if n != carrier and _capacity(n, cols, bounds, schema))]
    # a nullable member goes last: past the product of the domains it turns NULL
    nullable = [n for n in members[1:] if cols[n].column.nullable and n not in pk]
    if nullable:
        members = [n for n in members if n != nullable[0]] + [nullable[0]]
    out: dict[str, tuple[str, bool]] = {}
    stride = 1
    for i, name in enumerate(members):
        cap = _capacity(name, cols, bounds, schema) or 1
        last = i == len(members) - 1
        digit = "n" if stride == 1 else f"n // {stride}"
        out[name] = (digit if last else f"({digit}) % {cap}", not last)
        stride *= cap
    return out


# Expressions as distinct as the column they read: a distinct column gives distinct values.
_INJECTIVE = (exp.Lower, exp.Upper, exp.Cast, exp.Paren, exp.Column, exp.Identifier)


def _warn_computed_uniques(scope: Scope) -> None:
    """A UNIQUE over computed values (a generated column, or an index on an expression that
    folds values together, as substr() or %) is not planned: the generators keep the
    columns read distinct, not what is computed from them. Said, with the SQL, where it is."""
    table, dialect = scope.table, scope.dialect
    computed = {c.name: c.generated.sql for c in table.columns if c.generated is not None}
    pk = [PrimaryKey(table.primary_key.columns)] if table.primary_key else []
    rules: list[PrimaryKey | Unique] = [*pk, *table.uniques]
    for rule in rules:
        over = [f"computed column {c} ({computed[c]})" for c in rule.columns if c in computed]
        for expression in getattr(rule, "expressions", ()):
            try:
                tree = sqlglot.parse_one(expression, read=dialect.sqlglot)
            except (sqlglot.errors.ParseError, sqlglot.errors.TokenError, ValueError):
                tree = None
            if tree is None or not all(isinstance(n, _INJECTIVE) for n in tree.walk()):
                over.append(f"expression {expression}")
        if over:
            name = getattr(rule, "name", None) or "PRIMARY KEY"
            scope.warnings.append(Diagnostic(
                getattr(rule, "location", table.location),
                f"{table.key}: UNIQUE {name} is over {', '.join(over)}, whose values are not"
                " kept distinct: rows may be refused as duplicates (set an override)",
            ))  # fmt: skip


def _expr_columns(sql: str, dialect: Dialect, names: set[str]) -> list[str]:
    try:
        tree = sqlglot.parse_one(sql, read=dialect.sqlglot)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError, ValueError):
        return []
    found = [c.name for c in tree.find_all(exp.Column) if c.name in names]
    return found if len(set(found)) == 1 else []
