"""SQLite's bulk path of create_batch(): one executemany, the rows read back by their rowids.

Copied verbatim into generated packages (stdlib only). sqlite3 runs executemany's loop in C,
a few times cheaper than an INSERT ... RETURNING per row from Python. The rows are read back
in one SELECT by the rowids SQLite gave them, consecutive from the first row's, where those
are the rows' own and in the order inserted: a plain rowid table (not WITHOUT ROWID, not
virtual, no column named like the rowid, the rowid itself not inserted), no INSERT trigger
(RETURNING reports a row before an AFTER trigger changes it, a SELECT after), no ON CONFLICT
clause (a row replaced or skipped), inside a transaction (no other connection writes between
rows). Anywhere else `insert_group()` does nothing and `_bulk.py` inserts row by row, as
create() does.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import _insert
from ._insert import as_dicts, database_error, insert, insert_sql, reselect, target

if TYPE_CHECKING:
    from ._bulk import Pending
    from ._runtime import Table

# The table's definition, and whether a trigger an INSERT may fire (one whose text says INSERT
# anywhere) or a temporary namesake could come between.
_TABLE = """
SELECT (SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE),
  (SELECT count(*) FROM sqlite_master
   WHERE type = 'trigger' AND tbl_name = ?1 COLLATE NOCASE AND sql LIKE '%insert%')
  + (SELECT count(*) FROM sqlite_temp_master
     WHERE name = ?1 COLLATE NOCASE OR tbl_name = ?1 COLLATE NOCASE)
"""
# Clauses after which a row's rowid may not be the next one, or a row may not go in as sent
_UNFIT = re.compile(r"\bWITHOUT\s+ROWID\b|\bON\s+CONFLICT\b|^\s*CREATE\s+VIRTUAL\b", re.IGNORECASE)
_ROWID = {"rowid", "oid", "_rowid_"}


def insert_group(
    spec: Table, group: list[Pending], names: list[str], params: list[list[Any]]
) -> bool:
    """Every row of the group inserted and read back (True), the rows after one the
    database refuses going row by row so that it raises its own error; False, with nothing
    done, where the rowids might not be the rows' own (above)."""
    cursor = _insert.connection.cursor()
    try:
        if not names or not _fits(cursor, spec, names):
            return False
        sql = insert_sql(spec, names)
        try:
            cursor.execute(sql, params[0])
        except database_error():
            _one_by_one(spec, group)  # the first row raises its own error
            return True
        first = cursor.lastrowid
        if not _insert.connection.in_transaction:  # autocommit: others may write in between
            _read(cursor, spec, group[:1], names, first, first)
            _one_by_one(spec, group[1:])
            return True
        try:
            cursor.executemany(sql, params[1:])
        except database_error():  # the rows before the refused one are in: read them back
            last = _last_rowid(cursor)
            done = last - first + 1
            _read(cursor, spec, group[:done], names, first, last)
            _one_by_one(spec, group[done:])  # the refused row raises its own error
            return True
        _read(cursor, spec, group, names, first, _last_rowid(cursor))
        return True
    finally:
        cursor.close()


def _fits(cursor: Any, spec: Table, names: list[str]) -> bool:
    """Whether the rows' rowids are theirs, consecutive, in the order inserted (above)."""
    if len(spec.sql_name) != 1:
        return False
    cursor.execute(_TABLE, [spec.sql_name[0]])
    sql, triggers = cursor.fetchone()
    if sql is None or triggers or _UNFIT.search(sql):
        return False
    cursor.execute("SELECT name, type, pk FROM pragma_table_info(?)", [spec.sql_name[0]])
    columns = cursor.fetchall()
    keys = [(name, kind) for name, kind, pk in columns if pk]
    alias = keys[0][0].lower() if len(keys) == 1 and keys[0][1].upper() == "INTEGER" else None
    inserted = {c.lower() for c in names}
    return not (_ROWID & {name.lower() for name, _, _ in columns}) and alias not in inserted


def _last_rowid(cursor: Any) -> int:
    cursor.execute("SELECT last_insert_rowid()")
    return int(cursor.fetchone()[0])


def _read(
    cursor: Any, spec: Table, chunk: list[Pending], names: list[str], first: int, last: int
) -> None:
    """The chunk's stored rows in one SELECT by rowid, `first` to `last`; were they not
    exactly there (never seen), each found again by its key, as create() finds one."""
    if not chunk:
        return
    cursor.execute(
        f"SELECT * FROM {target(spec)} WHERE rowid BETWEEN ? AND ? ORDER BY rowid", [first, last]
    )
    stored = as_dicts(cursor, cursor.fetchall())
    if len(stored) == len(chunk) == last - first + 1:
        for p, row in zip(chunk, stored, strict=True):
            p.stored = row
        return
    for p in chunk:
        p.stored = reselect(spec, p.row, names, cursor, 0)


def _one_by_one(spec: Table, group: list[Pending]) -> None:
    for p in group:
        p.stored = insert(spec, p.row, p.given)
