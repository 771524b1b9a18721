"""create_batch()'s insert: the rows it built, in bulk, parents first, read back as stored.

Copied verbatim into generated packages (stdlib only). create_batch() builds every row
first (a `Pending` each), then `flush()` inserts them level by level (a row after the rows
its foreign keys point at), one group per table and column list: on PostgreSQL a COPY and
one SELECT reading the rows back (`_bulk_copy.py`), else one pipelined executemany ...
RETURNING; on SQLite one prepared INSERT ... RETURNING per row; on MySQL multi-row INSERTs
(`_bulk_mysql.py`). The rows, their order and their serial ids are those of n create()
calls; a refused group goes again row by row (`_insert.insert()`), so the error is the
refused row's own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from . import _bulk_copy, _bulk_mysql, _bulk_sqlite, _insert
from ._insert import (
    as_dicts,
    as_one,
    database_error,
    insert,
    insert_sql,
    old_sqlite,
    values,
)

if TYPE_CHECKING:
    from ._runtime import Table

Link = tuple[tuple[tuple[str, str], ...], Mapping[str, Any]]  # (column, parent column)s, parent


class Pending:
    """A row create_batch() built and inserts later, and the parent rows its keys came from."""

    __slots__ = ("given", "level", "links", "row", "spec", "stored")

    def __init__(self, spec: Table, row: dict[str, Any], given: set[str], links: list[Link]):
        self.spec, self.row, self.given, self.links = spec, row, given, links
        self.level = 0
        self.stored: dict[str, Any] = {}


# How a row is finished again once its parents' keys are known (the factory runtime's
# coerce-then-finish): spec, row, the changed values, the columns the caller gave.
Refinish = Callable[["Table", dict[str, Any], dict[str, Any], set[str]], None]


def flush(pending: list[Pending], refinish: Refinish) -> dict[int, dict[str, Any]]:
    """Insert the rows level by level (a row after the rows its foreign keys point at), one
    group per table and column list; returns the stored row of each built row (by id)."""
    by_row = {id(p.row): p for p in pending}
    _levels(pending, by_row)
    levels: list[list[Pending]] = [
        [] for _ in range(max((p.level for p in pending), default=-1) + 1)
    ]
    for p in pending:
        levels[p.level].append(p)
    inserted: dict[Any, tuple[str, tuple[str, ...]]] = {}  # (table, columns), once per kind
    for rows in levels:
        groups: dict[tuple[str, tuple[str, ...]], list[Pending]] = {}
        for p in rows:
            if p.links:
                _relink(p, by_row, refinish)
            spec = p.spec
            ids = spec.identity & p.given  # identity columns given values: usually none
            kind = (spec.key, tuple(sorted(ids))) if ids else spec.key
            group = inserted.get(kind)
            if group is None:
                names = tuple(c for c in spec.insert if c not in spec.identity or c in p.given)
                group = inserted[kind] = (spec.key, names)
            groups.setdefault(group, []).append(p)
        for (_, names), group_rows in groups.items():
            _insert_group(group_rows, list(names))
    return {key: p.stored for key, p in by_row.items()}


def _levels(pending: list[Pending], by_row: Mapping[int, Pending]) -> None:
    """Each row's level: past the rows its foreign keys point at. A table's rows share the
    deepest level one of them needs, so they go in as they were built and take serial and
    identity values in the order n create() calls give them (a nullable foreign key left
    NULL would otherwise send that row first). Tables that point at each other, or at
    themselves, never settle: their rows are levelled one by one."""
    edges: dict[tuple[str, str], None] = {}  # (parent table, child table), as first met
    for p in pending:
        for _, row in p.links:
            q = by_row.get(id(row))
            if q is not None:
                edges[(q.spec.key, p.spec.key)] = None
    tables = dict.fromkeys((p.spec.key for p in pending), 0)
    for _ in range(len(tables) + 1):
        changed = False
        for parent, child in edges:
            if tables[parent] + 1 > tables[child]:
                tables[child], changed = tables[parent] + 1, True
        if not changed:
            for p in pending:
                p.level = tables[p.spec.key]
            return
    for p in pending:  # parents were finished first
        above = [by_row[id(row)] for _, row in p.links if id(row) in by_row]
        p.level = max((q.level + 1 for q in above), default=0)


def _relink(p: Pending, by_row: Mapping[int, Pending], refinish: Refinish) -> None:
    """Take the keys the database stored for the parents (a serial id, a default); the
    computed columns and CHECKs then see them, as they do in create()."""
    changed: dict[str, Any] = {}
    row = p.row
    for pairs, parent in p.links:
        done = by_row.get(id(parent))
        if done is not None:
            stored = done.stored
            for c, r in pairs:
                value = stored.get(r)
                if row.get(c) != value:
                    changed[c] = value
    if changed:
        refinish(p.spec, row, changed, p.given)


def _insert_group(group: list[Pending], names: list[str]) -> None:
    """psycopg: COPY (`_bulk_copy.py`), else one pipelined executemany with RETURNING, all
    or nothing; if the database refuses it, the rows again one by one, so the error is the
    refused row's own. SQLite: one executemany read back by rowid (`_bulk_sqlite.py`), else
    one prepared INSERT ... RETURNING per row. PyMySQL / mysqlclient: multi-row INSERTs and
    one SELECT per chunk (`_bulk_mysql.insert_group`)."""
    spec = group[0].spec
    if _insert.driver == "mysql" and len(group) > 1 and names:
        _bulk_mysql.insert_group(spec, group, names)
        return
    params = values(spec, names, [p.row for p in group]) if len(group) > 1 else []
    if (
        _insert.driver == "sqlite"
        and params
        and _bulk_sqlite.insert_group(spec, group, names, params)
    ):
        return
    returning = _insert.driver == "postgres" or (_insert.driver == "sqlite" and not old_sqlite())
    if not returning or len(group) < 2:
        for p in group:
            p.stored = insert(spec, p.row, p.given)
        return
    sql = insert_sql(spec, names) + " RETURNING *"
    if _insert.driver == "sqlite":
        stored = _each(sql, params)
    else:
        try:
            copied = _bulk_copy.copy_group(spec, group, names, params)
        except database_error():  # refused, or COPY is not allowed here (row security)
            copied = None
        try:
            stored = copied if copied is not None else _atomically(sql, params)
        except database_error():  # the rows again, one by one: the refused one raises
            for p in group:
                p.stored = insert(spec, p.row, p.given)
            return
    for p, row in zip(group, stored, strict=True):
        p.stored = row


def _each(sql: str, params: list[list[Any]]) -> list[dict[str, Any]]:
    cursor = _insert.connection.cursor()
    try:
        stored = []
        for values in params:
            cursor.execute(sql, values)
            stored.append(cursor.fetchone())
        return as_dicts(cursor, stored)
    finally:
        cursor.close()


def _atomically(sql: str, params: list[list[Any]]) -> list[dict[str, Any]]:
    """executemany(returning=True) as one unit (`as_one`)."""
    return as_one(lambda: _returning(sql, params))


def _returning(sql: str, params: list[list[Any]]) -> list[dict[str, Any]]:
    cursor = _insert.connection.cursor()
    try:
        cursor.executemany(sql, params, returning=True)
        stored = [cursor.fetchone()]
        while cursor.nextset():
            stored.append(cursor.fetchone())
        return as_dicts(cursor, stored)
    finally:
        cursor.close()
