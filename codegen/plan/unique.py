"""UNIQUE constraints: which column carries the row's sequence number in a composite
UNIQUE, and the mixed-radix digits when every member has a small domain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

import sqlglot
from sqlglot import exp

from ..bounds import Bounds
from ..errors import Diagnostic
from ..model import NOWHERE, Exclude, Schema, Unique
from ..types import INT_RANGES
from ..valuegen import FLOATS, INTS, NUMS, TEXT, TIMES
from .plans import FkMode
from .scope import Col, Scope, labels, resolve


@dataclass(frozen=True)
class Uniques:
    """Which columns must be distinct per row, and how each gets there."""

    pk: tuple[str, ...]
    single: set[str]  # columns UNIQUE on their own
    carriers: set[str]  # the column carrying the sequence number of a composite UNIQUE
    digits: dict[str, tuple[str, bool]]  # column -> (sequence expression, wraps)
    null_past_end: set[str]  # nullable last digit: NULL once its values are used up
    leads: dict[str, int]  # text UNIQUE over its first k characters (substr): column -> k
    # UNIQUE over `column % k`: column -> (k, the UNIQUE and its SQL); the rows' values are
    # checked to differ modulo k as they are made (an override's, or past k rows)
    residues: dict[str, tuple[int, str]]


def plan_unique(
    scope: Scope, bounds: Mapping[str, Bounds], fk_modes: Mapping[tuple[str, int], FkMode]
) -> Uniques:
    """Phase 2 of a table's plan: single-column UNIQUEs, and a carrier column (plus radix
    digits) for each composite one."""
    table, cols, schema = scope.table, scope.cols, scope.schema
    pk = table.primary_key.columns if table.primary_key else ()
    computed_pk = any(c.generated is not None for c in table.columns if c.name in pk)
    planned = [_planned(scope, u, bounds) for u in table.uniques]
    if computed_pk:
        key = Unique(pk, "PRIMARY KEY", location=table.location)
        planned.append(_planned(scope, key, bounds))
    rules = [pk] if pk and not computed_pk else []
    rules += [tuple(dict.fromkeys(t.column for t in rule)) for rule in planned if rule]
    rules += [rule for x in table.excludes if (rule := _exclude_rule(scope, x))]
    leads = {t.column: t.lead for rule in planned for t in rule if t.lead}
    residues = {t.column: (t.domain, t.what) for rule in planned for t in rule
                if t.domain is not None and not t.lead}  # fmt: skip
    fk_first = {
        fk.columns[0]
        for i, fk in enumerate(table.foreign_keys)
        if fk_modes.get((table.key, i)) == "sub"
    }
    unique_single = {r[0] for r in rules if len(r) == 1}
    carriers: set[str] = set()
    digits: dict[str, tuple[str, bool]] = {}  # column -> (sequence expression, wraps)
    null_past_end: set[str] = set()
    # NULLS NOT DISTINCT: a NULL counts as a value, so it cannot make a row distinct
    nulls_equal = {frozenset(u.columns) for u in table.uniques if not u.nulls_distinct}
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
            if frozenset(rule) not in nulls_equal:
                null_past_end.update(n for n, (_, wraps) in found.items() if not wraps
                                     and cols[n].column.nullable and n not in pk)  # fmt: skip
    return Uniques(pk, unique_single, carriers, digits, null_past_end, leads, residues)


def _exclude_rule(scope: Scope, x: Exclude) -> tuple[str, ...]:
    """The UNIQUE that keeps an EXCLUDE's rows apart: `=` alone behaves as UNIQUE over its
    columns; with `&&`, one range column whose generated ranges never overlap (its unique
    values are disjoint slots) is enough, whatever the other columns hold; else rows
    unique over the `=` columns never conflict, whatever the other operators say."""
    if set(x.operators) == {"="}:
        return x.columns
    for name, op in zip(x.columns, x.operators, strict=True):
        c = scope.cols.get(name)
        if op != "&&" or c is None or c.type.category not in ("range", "multirange"):
            continue
        if c.column.generated is None and c.column.default is None:
            return (name,)
    equal = tuple(n for n, op in zip(x.columns, x.operators, strict=True) if op == "=")
    if equal:
        return equal
    scope.warnings.append(Diagnostic(
        x.location if x.location != NOWHERE else scope.table.location,
        f"{scope.table.key}: EXCLUDE constraint {x.name or '(unnamed)'} is not planned (no"
        " = column, no plain range column under &&): generated rows may violate it",
        ", ".join(f"{n} WITH {o}" for n, o in zip(x.columns, x.operators, strict=True)),
    ))  # fmt: skip
    return ()


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
        b = bounds.get(name)
        if (b is not None and (b.choices or (b.hi is not None and b.lo is not None))) or (
            (span := _span(c, b)) is not None and span < _ENOUGH
        ):
            score += 6  # a CHECK (or the type) leaves few distinct values
        if best is None or (score, i) < best[:2]:
            best = (score, i, name)
    return best[2] if best else None


def _span(c: Col, b: Bounds | None) -> int | None:
    """How many numbers a numeric column's type and CHECK bounds leave (None: not a number
    type with a known range). CHECK (c < 17) on numeric(2,0) leaves -99..16."""
    t = c.type
    if t.category in INTS:
        unit, (lo, hi) = Decimal(1), map(Decimal, INT_RANGES.get(t.category, INT_RANGES["bigint"]))
    elif t.category in NUMS and t.precision is not None:
        unit = Decimal(1).scaleb(-(t.scale or 0))
        hi = Decimal(10) ** (t.precision - (t.scale or 0)) - unit
        lo = -hi
    else:
        return None
    try:  # in units: the first and last multiples of the unit the CHECK allows
        if b is not None and b.lo is not None:
            lo = max(lo, _inward(Decimal(str(b.lo)) / unit, b.lo_strict) * unit)
        if b is not None and b.hi is not None:
            hi = min(hi, -_inward(-Decimal(str(b.hi)) / unit, b.hi_strict) * unit)
    except ArithmeticError:
        return None
    return max(0, int((hi - lo) / unit) + 1)


def _inward(x: Decimal, strict: bool) -> Decimal:
    """The least whole number >= x (> x when strict)."""
    whole = x.to_integral_value("ROUND_CEILING")
    return whole + 1 if strict and whole == x else whole


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
    if c.type.category in NUMS and b is not None and b.lo is not None and b.hi is not None:
        return _span(c, b)  # numeric(3,0) CHECK (c BETWEEN 5 AND 6): 2, in units of the scale
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
    # a nullable member goes last: past the product of the domains it turns NULL (the
    # carrier too, when it is the only nullable one: CHECK (c BETWEEN 42 AND 42), boolean)
    nullable = [n for n in members[1:] + members[:1] if cols[n].column.nullable and n not in pk]
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


# Fewer distinct values than this is worth a warning: a test suite inserts hundreds of rows.
_ENOUGH = 1000


@dataclass(frozen=True)
class Through:
    """What a computed value reads: one column, and how many distinct values survive the
    expression when that column's values are consecutive (None: all of them)."""

    column: str
    domain: int | None = None
    lead: int = 0  # substr(c, 1, k): the first k characters must differ
    what: str = ""  # the UNIQUE and the SQL read, for messages


def _planned(scope: Scope, u: Unique, bounds: Mapping[str, Bounds]) -> tuple[Through, ...]:
    """What keeps a UNIQUE's values distinct: a computed member (generated column, index
    expression) counts through the one column it reads, when the expression keeps that
    column's values apart. Anything else is said, located, and the rule left out."""
    computed = {c.name: c.generated.sql for c in scope.table.columns if c.generated is not None}
    members: list[tuple[str, str, Through | None]] = [
        (f"computed column {c} ({computed[c]})", computed[c], _through(computed[c], scope))
        if c in computed else (c, "", Through(c)) for c in u.columns
    ]  # fmt: skip
    members += [(f"expression {e}", e, _through(e, scope)) for e in u.expressions]
    planned = [t for _, _, t in members if t is not None]
    full = tuple(t for t in planned if t.domain is None)
    if len(planned) < len(members) or (not full and len(planned) > 1):
        lost = [label for label, _, t in members if t is None or t.domain is not None]
        _say(scope, u, members, f"is over {', '.join(lost)}, whose values are not kept"
             " distinct: rows may be refused as duplicates (set an override)")  # fmt: skip
        return ()
    if full or not planned:
        return full  # folded members ride along: the full ones keep rows apart
    labels = ", ".join(label for label, _, _ in members)
    through: Through | None = planned[0]
    if not planned[0].lead:
        through = _kept_apart_by_remainder(scope, u, members, planned[0], bounds)
    if through is None:
        return ()
    domain = through.domain or 0
    if domain < _ENOUGH:
        _say(scope, u, members, f"is over {labels}, which takes only {domain} distinct values"
             f" here: rows past {domain} are refused as duplicates (set an override)")  # fmt: skip
    return (replace(through, what=f"UNIQUE {u.name or '(unnamed)'} over {labels}"),)


def _kept_apart_by_remainder(
    scope: Scope,
    u: Unique,
    members: list[tuple[str, str, Through | None]],
    through: Through,
    bounds: Mapping[str, Bounds],
) -> Through | None:
    """`c % k` keeps k consecutive values apart. From a CHECK's list, only the values of
    distinct remainders are drawn (the list is cut to them); a parent table's keys or
    values with gaps are refused, said where the UNIQUE is."""
    b = bounds.get(through.column)
    k = through.domain or 1
    if b is not None and b.choices is not None:
        firsts: dict[int, object] = {}
        for v in b.choices:
            whole = _whole(v)
            if whole is not None and v not in b.excluded:
                firsts.setdefault(abs(whole) % k * (-1 if whole < 0 else 1), v)
        b.restrict(list(firsts.values()))  # the column's generator draws from these
        return replace(through, domain=min(k, len(firsts)))
    apart = _not_consecutive(scope, through.column, b)
    if apart is not None:
        labels = ", ".join(label for label, _, _ in members)
        _say(scope, u, members, f"is over {labels}, which keeps rows apart only while"
             f" {through.column} takes consecutive values, and {apart}: rows may be"
             " refused as duplicates (set an override)")  # fmt: skip
        return None
    return through


def _whole(value: object) -> int | None:
    """A CHECK list's value as an integer (the bounds hold numbers as Decimal)."""
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return int(value) if value == int(value) else None
    return None


def _not_consecutive(scope: Scope, column: str, b: Bounds | None) -> str | None:
    """Why a column's generated values are not consecutive integers (None: they are): a
    parent table's keys, or a CHECK's excluded values."""
    if b is not None and b.excluded:
        return f"a CHECK leaves gaps in {column}'s values"
    fks = [fk for fk in scope.table.foreign_keys if column in fk.columns]
    if fks:
        return f"{column} takes the keys of {fks[0].ref_table} (FOREIGN KEY {fks[0].name})"
    return None


def _say(scope: Scope, u: Unique, members: list[tuple[str, str, Through | None]], why: str) -> None:
    """A located warning about a UNIQUE, quoting the SQL of its computed members."""
    table = scope.table
    scope.warnings.append(Diagnostic(
        u.location if u.location != NOWHERE else table.location,
        f"{table.key}: UNIQUE {u.name or '(unnamed)'} {why}",
        "; ".join(text for _, text, _ in members if text),
    ))  # fmt: skip


def _through(sql: str, scope: Scope) -> Through | None:
    """The column an expression reads, when distinct consecutive values of that column give
    distinct results: wrappers that keep values apart (lower(), casts, + 1, * 2, || 'x'),
    and `x % k`, distinct for k consecutive integers. None for anything else."""
    try:
        tree = sqlglot.parse_one(sql, read=scope.dialect.sqlglot)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError, ValueError):
        return None
    tree = tree.unnest()
    domain: int | None = None
    lead = _lead(tree)
    if lead:  # base-36 counters lead the text
        domain, tree = 36**lead, tree.this
    elif isinstance(tree, exp.Mod) and (k := _literal(tree.expression)):
        domain, tree = abs(k), tree.this
    while _keeps_apart(tree):
        tree = tree.this
    if not isinstance(tree, exp.Column) or tree.name not in scope.names:
        return None
    column = scope.table.column(tree.name)
    if column is None or column.generated is not None:
        return None
    category = resolve(scope.schema, column.type)[0].category
    if domain is not None and category not in (TEXT if lead else INTS):
        return None  # only integers are generated consecutively, only text led by a counter
    return Through(tree.name, domain, lead)


def _lead(tree: exp.Expr) -> int:
    """k for substr(c, 1, k) or left(c, k): the first k characters; else 0."""
    if isinstance(tree, exp.Substring) and _literal(tree.args.get("start") or exp.null()) == 1:
        return max(0, _literal(tree.args.get("length") or exp.null()) or 0)
    if isinstance(tree, exp.Left):
        return max(0, _literal(tree.expression) or 0)
    return 0


def _keeps_apart(node: exp.Expr) -> bool:
    """A wrapper whose result differs whenever its first operand does."""
    if isinstance(node, exp.Add | exp.Sub | exp.DPipe):
        return bool(node.expression.is_string or _literal(node.expression) is not None)
    if isinstance(node, exp.Mul):
        return bool(_literal(node.expression))
    return isinstance(node, exp.Paren | exp.Cast | exp.Lower | exp.Upper | exp.Neg)


def _literal(node: exp.Expr) -> int | None:
    """A whole-number literal's value (a sign included), else None."""
    if isinstance(node, exp.Neg):
        inner = _literal(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return int(node.this)
        except ValueError:
            return None
    return None
