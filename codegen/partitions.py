"""Which rows a partitioned table accepts, as SQL predicates the plan treats like CHECKs.

A partition takes rows inside its bound (RANGE, LIST; DEFAULT: outside every sibling's);
a partitioned table takes rows that some partition takes, or PostgreSQL raises `no
partition of relation ... found for row`. Each predicate is definite (never NULL): a
CHECK passes on NULL, a partition bound does not. HASH bounds are not modelled (the rows
of a hash partition's own factory are announced as possibly rejected).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .model import Check, Schema, Table

_TEMPORAL = {"date", "timestamp", "timestamptz"}
_KEY = re.compile(r"^\s*(RANGE|LIST|HASH)\s*\((.*)\)\s*$", re.IGNORECASE | re.DOTALL)


def key_expressions(table: Table) -> list[str]:
    """The partition key of a partitioned table: columns or expressions, as SQL."""
    match = _KEY.match(table.partition_by or "")
    if not match:
        return []
    parts, depth, current = [], 0, ""
    for char in match.group(2):
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()] if current.strip() else parts


def _typed(table: Table, keys: Sequence[str], values: Sequence[str | None]) -> list[str]:
    """Bound values cast to their key column's type, as PostgreSQL reads them."""
    out = []
    for key, value in zip(keys, values, strict=False):
        column = table.column(key)
        temporal = column is not None and column.type.category in _TEMPORAL
        if value is None or value in ("MINVALUE", "MAXVALUE"):
            out.append(value or "NULL")
        elif temporal and column is not None:  # '2024-01-01' read as the key's type
            out.append(f"CAST({value} AS {column.type.category})")
        else:
            out.append(value)
    return out


def _lexicographic(keys: Sequence[str], values: Sequence[str], op: str, inclusive: bool) -> str:
    """(k1, k2, ...) op (v1, v2, ...) expanded, where a MINVALUE/MAXVALUE ends the tuple."""
    key, value = keys[0], values[0]
    rest = [(k, v) for k, v in zip(keys[1:], values[1:], strict=False)]
    if not rest or rest[0][1] in ("MINVALUE", "MAXVALUE"):
        if rest:  # (x, MINVALUE) as a lower bound is >= x; (x, MAXVALUE) as upper is <= x
            inclusive = (op == ">") == (rest[0][1] == "MINVALUE")
        return f"{key} {op}{'=' if inclusive else ''} {value}"
    deeper = _lexicographic([k for k, _ in rest], [v for _, v in rest], op, inclusive)
    return f"({key} {op} {value} OR ({key} = {value} AND {deeper}))"


def _range(keys: Sequence[str], lower: list[str], upper: list[str]) -> str:
    parts = [f"{k} IS NOT NULL" for k in keys]
    if lower and lower[0] != "MINVALUE":
        parts.append(_lexicographic(keys, lower, ">", True))
    if upper and upper[0] != "MAXVALUE":
        parts.append(_lexicographic(keys, upper, "<", False))
    return "(" + " AND ".join(parts) + ")"


def _list(key: str, values: Sequence[str | None], typed: list[str]) -> str:
    present = [t for v, t in zip(values, typed, strict=False) if v is not None]
    inside = f"{key} IN ({', '.join(present)})" if present else "FALSE"
    if None in values:
        return f"({key} IS NULL OR {inside})"
    return f"({key} IS NOT NULL AND {inside})"


def own_bound(schema: Schema, partition: Table) -> str | None:
    """The predicate of a partition's own bound; None for HASH or when unknown."""
    from .parse import postgres

    parent = schema.table(partition.partition_of or "")
    bound = postgres.partition_bound(partition.partition_bound or "")
    if parent is None or bound is None:
        return None
    strategy, datums = bound
    keys = key_expressions(parent)
    if strategy == "default":
        siblings = [own_bound(schema, t) for t in schema.tables
                    if t.partition_of == parent.key and t.key != partition.key]  # fmt: skip
        known = [s for s in siblings if s is not None]
        if len(known) < len(siblings):
            return None
        return f"NOT ({' OR '.join(known)})" if known else "TRUE"
    if not keys or strategy == "hash":
        return None
    if strategy == "range":
        return _range(keys, _typed(parent, keys, datums[0]), _typed(parent, keys, datums[1]))
    values = datums[0]
    return _list(keys[0], values, _typed(parent, [keys[0]] * len(values), values))


def accepts(schema: Schema, table: Table) -> str | None:
    """What a partitioned table accepts: what one of its partitions accepts (None when any
    row may fit: a partition whose bound is not modelled, or it is no partitioned table)."""
    if table.partition_by is None:
        return None
    children = [t for t in schema.tables if t.partition_of == table.key]
    if any(c.partition_bound == "DEFAULT" and c.partition_by is None for c in children):
        return None  # a default partition takes whatever the others do not
    parts = []
    for child in children:
        own = own_bound(schema, child)
        if own is None:
            return None
        inner = accepts(schema, child)
        parts.append(own if inner is None else f"({own} AND {inner})")
    return "(" + " OR ".join(parts) + ")" if parts else "FALSE"


def row_checks(schema: Schema, table: Table) -> tuple[Check, ...]:
    """CHECK-like rules for the rows of `table`: inside its own bound, its ancestors'
    (PostgreSQL routes a row through every level) and one of its partitions'."""
    rules = []
    current: Table | None = table
    while current is not None and current.partition_of is not None:
        own = own_bound(schema, current)
        if own is not None and own != "TRUE":
            rules.append(Check(own, f"partition bound of {current.key}", current.location))
        current = schema.table(current.partition_of)
    inner = accepts(schema, table)
    if inner is not None:
        rules.append(Check(inner, f"a partition of {table.key}", table.location))
    return tuple(rules)


SEQUENCE_STRIDE = 10_000  # rows a partition's factory makes before meeting its sibling's


def sequence_start(schema: Schema, table: Table) -> int:
    """Where a partition factory's sequence starts: the partitions of one partitioned
    table (at any depth) and the table itself insert into the same keys, so their factories
    count from different offsets (the root from 0), and sequence-made keys never collide."""
    if table.partition_of is None:
        return 0
    root = _root(schema, table)
    members = [t.key for t in schema.tables
               if t.partition_of is not None and _root(schema, t) == root]  # fmt: skip
    return (members.index(table.key) + 1) * SEQUENCE_STRIDE


def _root(schema: Schema, table: Table) -> str:
    while table.partition_of is not None:
        parent = schema.table(table.partition_of)
        if parent is None:
            break
        table = parent
    return table.key
