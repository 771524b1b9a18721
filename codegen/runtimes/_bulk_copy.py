"""PostgreSQL's bulk path of create_batch(): a table's rows in one COPY, read back in one
SELECT.

Copied verbatim into generated packages (stdlib only). COPY is several times cheaper than
executemany per row, but it reads text: it stores what INSERT stores only for values of
the column's own type, into a plain table without rules. Where that or a key to find the
rows again is missing, `copy_group()` returns None with nothing changed and `_bulk.py`
takes executemany.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import _insert
from ._insert import as_dicts, as_one, column_list, quote, target

if TYPE_CHECKING:
    from ._bulk import Pending
    from ._runtime import Table

# Python types COPY's text reads as INSERT reads the same parameter, per column kind; a
# table with a value of any other type (or a column of another kind) takes executemany.
# A float into `real`: INSERT rounds the text to a double, then to a real; COPY reads the
# text as a real at once, which may round a halfway case otherwise.
_COPY_TYPES: dict[str, tuple[type[Any], ...]] = {
    "smallint": (int,), "integer": (int,), "bigint": (int,), "numeric": (Decimal, int),
    "real": (int,), "double": (float, int), "boolean": (bool,), "uuid": (uuid.UUID,),
    "text": (str,), "varchar": (str,), "char": (str,), "enum": (str,), "date": (_dt.date,),
    "timestamp": (_dt.datetime,), "timestamptz": (_dt.datetime,), "json": (str,),
    "jsonb": (str,),
}  # fmt: skip
_AWARE = {"timestamp": False, "timestamptz": True}  # COPY's text drops an offset


class _NotCopied(Exception):
    """The copied rows were not found again one for one: undo the COPY."""


def copy_group(
    spec: Table, group: list[Pending], names: list[str], params: list[list[Any]]
) -> list[dict[str, Any]] | None:
    """psycopg: COPY the rows in, then read them back in one SELECT by a unique key they
    hold, in their order. None, with nothing changed, where COPY might not store what
    INSERT stores (a value of another type than its column's, rules on the table, not a
    plain table), no key tells the rows apart, or they are not found again one for one (a
    trigger changed a key)."""
    if not names or not _copyable(spec, names, params):
        return None
    table = target(spec)
    cursor = _insert.connection.cursor()
    try:
        regclass = ".".join('"' + part.replace('"', '""') + '"' for part in spec.sql_name)
        found = _unique_key(cursor, regclass, group, names)
        if found is None:
            return None
        key, types = found
        copy = f"COPY {table} ({column_list(names)}) FROM STDIN"
        arrays = ", ".join(f"%s::{t.replace('%', '%%')}[]" for t in types)
        columns = ", ".join(f"v{i}" for i in range(len(key)))
        on = " AND ".join(f"t.{quote(c)} = k.v{i}" for i, c in enumerate(key))
        select = (
            f"SELECT t.* FROM unnest({arrays}) WITH ORDINALITY AS k({columns}, i)"
            f" JOIN {table} AS t ON {on} ORDER BY k.i"
        )
        keys = [[values[i] for values in params] for i in map(names.index, key)]  # as sent
        try:
            return as_one(lambda: _copy_rows(cursor, copy, params, select, keys))
        except _NotCopied:
            return None
    finally:
        cursor.close()


def _copyable(spec: Table, names: list[str], params: list[list[Any]]) -> bool:
    """Whether every value is of a type COPY reads as INSERT does, column by column (the
    set of a column's value types, made in C, against the types its kind takes)."""
    cols = [spec.types.get(c) for c in names]
    if any(col is None or col.kind not in _COPY_TYPES for col in cols):
        return False
    for col, column in zip(cols, zip(*params, strict=True), strict=False):
        assert col is not None
        kinds = set(map(type, column))
        kinds.discard(type(None))
        if not kinds.issubset(_COPY_TYPES[col.kind]):
            return False
        aware = _AWARE.get(col.kind)
        if aware is not None and any(
            v is not None and (v.tzinfo is not None) is not aware for v in column
        ):
            return False
    return True


def _unique_key(
    cursor: Any, regclass: str, group: list[Pending], names: list[str]
) -> tuple[list[str], list[str]] | None:
    """The primary key, else a UNIQUE one (checked at once, on columns, without WHERE)
    whose columns every row inserts without NULLs, and their types as SQL; None if the
    target is not a table (or a partitioned one) without rules (COPY applies no rules)."""
    cursor.execute(_UNIQUE_KEYS, [regclass])
    inserted = set(names)
    for columns, types in cursor.fetchall():
        if inserted.issuperset(columns) and all(
            p.row.get(c) is not None for p in group for c in columns
        ):
            return list(columns), list(types)
    return None


_UNIQUE_KEYS = """
SELECT array_agg(a.attname::text ORDER BY k.i),
  array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY k.i)
FROM pg_index x
JOIN pg_class c ON c.oid = x.indrelid
CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, i)
JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
WHERE x.indrelid = %s::regclass AND x.indisunique AND x.indimmediate AND x.indisvalid
  AND x.indpred IS NULL AND x.indexprs IS NULL AND k.i <= x.indnkeyatts
  AND c.relkind IN ('r', 'p') AND NOT c.relhasrules
GROUP BY x.indexrelid, x.indisprimary
ORDER BY x.indisprimary DESC, x.indexrelid
"""


def _copy_rows(
    cursor: Any, copy: str, params: list[list[Any]], select: str, keys: list[list[Any]]
) -> list[dict[str, Any]]:
    with cursor.copy(copy) as writer:
        for values in params:
            writer.write_row(values)
    cursor.execute(select, keys)
    stored = as_dicts(cursor, cursor.fetchall())
    if len(stored) != len(params):
        raise _NotCopied
    return stored
