"""MySQL's bulk path of create_batch(): multi-row INSERTs, the rows read back by a key or
by their AUTO_INCREMENT ids.

Copied verbatim into generated packages (stdlib only). MySQL has no RETURNING, so create()
reads each row back with a SELECT of its own; here a chunk of rows goes in one INSERT and
comes back in one SELECT.
"""

from __future__ import annotations

import collections
import datetime as _dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import _insert
from ._insert import (
    as_dicts,
    column_list,
    database_error,
    insert,
    marks,
    quote,
    reselect,
    target,
    values,
)

if TYPE_CHECKING:
    from ._bulk import Pending
    from ._runtime import Table

MYSQL_CHUNK = 500  # rows per multi-row INSERT: far below max_allowed_packet for built rows


def insert_group(spec: Table, group: list[Pending], names: list[str]) -> None:
    """MySQL has no RETURNING: a multi-row INSERT per chunk, then the rows read back in one
    SELECT by their AUTO_INCREMENT ids (consecutive in one statement unless
    innodb_autoinc_lock_mode is 2), else by a key the rows hold, else create()'s row by row.
    A refused chunk is replayed row by row (InnoDB undid the statement), so the error is the
    refused row's own and the rows before it go in, as with create() one by one."""
    cursor = _insert.connection.cursor()
    try:
        step = _autoinc_step(cursor, spec) if _by_id(spec, names) else None
        key = None if step is not None else _batch_key(spec, group, names)
        if key is None and step is None:
            for p in group:
                p.stored = insert(spec, p.row, p.given)
            return
        table, columns, one = target(spec), column_list(names), f"({marks(len(names))})"
        for start in range(0, len(group), MYSQL_CHUNK):
            chunk = group[start : start + MYSQL_CHUNK]
            params = [v for row in values(spec, names, [p.row for p in chunk]) for v in row]
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join(one for _ in chunk)}"
            try:
                cursor.execute(sql, params)
            except database_error():
                if not _undone(cursor, spec):
                    raise  # MyISAM kept the rows before the refused one, as create() would
                for p in chunk:
                    p.stored = insert(spec, p.row, p.given)
                continue
            if step is not None:
                _read_by_id(cursor, spec, chunk, names, cursor.lastrowid, step)
            else:
                assert key is not None
                _read_by_key(cursor, spec, chunk, names, key)
    finally:
        cursor.close()


def _by_id(spec: Table, names: list[str]) -> bool:
    """Whether the rows can be found by the ids AUTO_INCREMENT gives them: the column is not
    inserted and is a key alone (MyISAM numbers the second column of a key per group)."""
    return (
        len(spec.identity) == 1
        and (auto := min(spec.identity)) not in names
        and ((auto,) in spec.keys)
    )


def _batch_key(spec: Table, group: list[Pending], names: list[str]) -> tuple[str, ...] | None:
    """A primary or UNIQUE key whose columns every row of the group inserts without NULLs."""
    inserted = set(names)
    for key in spec.keys:
        values = [p.row.get(c) for p in group for c in key]
        if inserted.issuperset(key) and all(isinstance(v, _KEYABLE) for v in values):
            return key
    return None


# values that match the driver's own after a round trip (a JSON key would not)
_KEYABLE = (str, int, Decimal, bytes, _dt.date, _dt.time, _dt.timedelta)


def _autoinc_step(cursor: Any, spec: Table) -> int | None:
    """How far apart one statement's AUTO_INCREMENT ids are, if they are consecutive."""
    if not spec.identity:
        return None
    cursor.execute("SELECT @@auto_increment_increment, @@innodb_autoinc_lock_mode")
    step, mode = cursor.fetchone()
    return None if int(mode) == 2 else int(step)


def _undone(cursor: Any, spec: Table) -> bool:
    """Whether the table's engine undid the failed statement (InnoDB: transactional)."""
    schema = spec.sql_name[0] if len(spec.sql_name) > 1 else None
    cursor.execute(
        "SELECT e.TRANSACTIONS FROM information_schema.TABLES t JOIN information_schema.ENGINES e"
        " ON e.ENGINE = t.ENGINE WHERE t.TABLE_SCHEMA = COALESCE(%s, DATABASE())"
        " AND t.TABLE_NAME = %s",
        [schema, spec.sql_name[-1]],
    )
    found = cursor.fetchone()
    return found is not None and str(found[0]).upper() == "YES"


def _read_by_key(
    cursor: Any, spec: Table, chunk: list[Pending], names: list[str], key: tuple[str, ...]
) -> None:
    """The chunk's stored rows in one SELECT ... WHERE (key) IN (...), matched to the built
    rows by their key values; a row whose values the database stored otherwise (a CHAR's
    trailing spaces) is found again alone, as create() finds it."""
    tuple_of, one = f"({column_list(key)})", f"({marks(len(key))})"
    params = [v for row in values(spec, list(key), [p.row for p in chunk]) for v in row]
    found = _select(cursor, spec, f"{tuple_of} IN ({', '.join(one for _ in chunk)})", params)
    by_key = {tuple(row[c] for c in key): row for row in found}
    wanted = [tuple(p.row[c] for c in key) for p in chunk]
    times = collections.Counter(wanted)
    for p, k in zip(chunk, wanted, strict=True):
        row = by_key.get(k) if times[k] == 1 else None
        p.stored = row if row is not None else reselect(spec, p.row, names, cursor, 0)


def _read_by_id(
    cursor: Any, spec: Table, chunk: list[Pending], names: list[str], first: int, step: int
) -> None:
    """The chunk's stored rows by the AUTO_INCREMENT ids the INSERT gave them: `first`,
    then every `step`th (the ids between, with a step of 1)."""
    auto = min(spec.identity)
    ids = [first + i * step for i in range(len(chunk))]
    if step == 1:
        found = _select(cursor, spec, f"{quote(auto)} BETWEEN %s AND %s", [ids[0], ids[-1]])
    else:
        found = _select(cursor, spec, f"{quote(auto)} IN ({marks(len(ids))})", ids)
    by_id = {row[auto]: row for row in found}
    for p, rowid in zip(chunk, ids, strict=True):
        row = by_id.get(rowid)
        p.stored = row if row is not None else reselect(spec, p.row, names, cursor, rowid)


def _select(cursor: Any, spec: Table, where: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor.execute(f"SELECT * FROM {target(spec)} WHERE {where}", params)
    return as_dicts(cursor, cursor.fetchall())
