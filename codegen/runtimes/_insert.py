"""One built row into the bound database, read back as the database stored it.

Copied verbatim into generated packages (stdlib only). `bind()` keeps the connection here;
create() inserts through `insert()`. create_batch()'s bulk paths (`_bulk.py`,
`_bulk_copy.py`, `_bulk_mysql.py`) share its quoting, adaptation and read-back, and go
row by row through `insert()` where a bulk statement is refused, so the error is the
refused row's own, as with create().
"""

from __future__ import annotations

import datetime as _dt
import itertools
import json
import operator
import sys
import uuid
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from ._dbapi import driver_of, quote_name
from ._rowcheck import GenerationError

if TYPE_CHECKING:
    from ._runtime import Table

connection: Any = None  # the DB-API connection create() inserts through (bind())
driver: str | None = None  # what it talks to: postgres, sqlite or mysql


def bind(to: Any) -> None:
    """Insert through `to` from now on (None: build only); TypeError for another driver."""
    global connection, driver
    driver = None if to is None else driver_of(to, "bind()")  # raises before changing anything
    connection = to


def quote(name: str) -> str:
    """An identifier quoted for the bound driver (only called once bind() has one)."""
    assert driver is not None, "schemagen: no connection bound"
    return quote_name(name, driver)


def target(spec: Table) -> str:
    """The table's name in SQL: each part (schema, table) quoted for the bound driver."""
    return ".".join(quote(part) for part in spec.sql_name)


def column_list(names: Iterable[str]) -> str:
    """`"a", "b c"`: the column names quoted for the bound driver, comma-separated."""
    return ", ".join(quote(c) for c in names)


def mark() -> str:
    """The bound driver's parameter marker: sqlite3's `?`, psycopg's and PyMySQL's `%s`."""
    return "?" if driver == "sqlite" else "%s"


def marks(count: int) -> str:
    """`count` parameter markers, comma-separated."""
    return ", ".join(mark() for _ in range(count))


def insert_sql(spec: Table, names: list[str], overriding: bool = False) -> str:
    """INSERT of one row's `names` (DEFAULT VALUES for none); `overriding`: with PostgreSQL's
    OVERRIDING SYSTEM VALUE."""
    if not names:
        return f"INSERT INTO {target(spec)} DEFAULT VALUES"
    over = " OVERRIDING SYSTEM VALUE" if overriding else ""
    return f"INSERT INTO {target(spec)} ({column_list(names)}){over} VALUES ({marks(len(names))})"


def as_dicts(cursor: Any, rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows the cursor fetched, as dicts keyed by its column names."""
    names = [d[0] for d in cursor.description]
    return list(map(dict, map(zip, itertools.repeat(names), rows)))


def adapt(value: Any, is_json: bool) -> Any:
    if driver == "postgres":
        return json.dumps(value) if is_json and value is not None else value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return str(value)
    return value


_AS_IS = frozenset({str, int, float, bytes, type(None)})  # adapt() returns these unchanged


def values(spec: Table, names: list[str], rows: list[dict[str, Any]]) -> list[list[Any]]:
    """Each row's values of `names`, adapted: adapt() per value, skipped where it changes
    nothing (the bulk paths' cost per value)."""
    if driver == "postgres":
        json_at = [i for i, c in enumerate(names) if c in spec.json_columns]
        params = [[row[c] for c in names] for row in rows]
        for given in params:
            for i in json_at:
                given[i] = adapt(given[i], True)
        return params
    get = operator.itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    return [[v if type(v) in _AS_IS else adapt(v, False) for v in get(row)] for row in rows]


def insert(
    spec: Table,
    row: dict[str, Any],
    given: set[str] | frozenset[str],
    overriding: set[str] | frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """INSERT the row (parents were created first by the sub-factories) and return it as
    stored; `overriding`: GENERATED ALWAYS identity columns given in an
    `overriding_system_value()` block."""
    names = [c for c in spec.columns if c in overriding] + [
        c for c in spec.insert if c not in spec.identity or c in given
    ]
    values = [adapt(row[c], c in spec.json_columns) for c in names]
    sql = insert_sql(spec, names, bool(overriding))
    cursor = connection.cursor()
    try:
        if driver == "mysql" or (driver == "sqlite" and old_sqlite()):
            cursor.execute(sql, values)
            return reselect(spec, row, names, cursor)
        cursor.execute(sql + " RETURNING *", values)
        return as_dicts(cursor, [cursor.fetchone()])[0]
    finally:
        cursor.close()


def reselect(
    spec: Table, row: dict[str, Any], names: list[str], cursor: Any, rowid: int | None = None
) -> dict[str, Any]:
    """The stored row, found by its AUTO_INCREMENT id (`rowid`, else the cursor's last),
    else its primary or a UNIQUE key without NULLs, else every inserted column compared
    NULL-safely."""
    same = " IS " if driver == "sqlite" else " <=> "
    key = next((k for k in spec.keys if all(row.get(c) is not None for c in k)), None)
    rowid = cursor.lastrowid if rowid is None else rowid
    if spec.identity and rowid:
        columns, params = [min(spec.identity)], [rowid]
    else:
        columns = list(key) if key is not None else names
        params = [adapt(row[c], c in spec.json_columns) for c in columns]
    where = " AND ".join(f"{quote(c)}{same}{mark()}" for c in columns)
    cursor.execute(f"SELECT * FROM {target(spec)} WHERE {where}", params)
    stored = cursor.fetchone()
    if stored is None:
        raise GenerationError(
            f"{spec.key}: the inserted row was not found again by {', '.join(columns)}"
            " (the database stored other values than the row holds)"
        )
    return as_dicts(cursor, [stored])[0]


def old_sqlite() -> bool:
    import sqlite3

    return sqlite3.sqlite_version_info < (3, 35, 0)


def database_error() -> type[Exception]:
    """The bound driver's DB-API `Error`: the base of every error the database raises."""
    module = sys.modules.get(type(connection).__module__.split(".")[0])
    error = getattr(module, "Error", None)
    return error if isinstance(error, type) and issubclass(error, Exception) else Exception


Stored = TypeVar("Stored")


def as_one(work: Callable[[], Stored]) -> Stored:
    """`work` as one unit: in a transaction under autocommit, else in a savepoint of the
    caller's transaction (rolled back to on failure)."""
    if connection.autocommit:
        with connection.transaction():
            return work()
    cursor = connection.cursor()
    try:
        cursor.execute("SAVEPOINT schemagen_batch")
        try:
            stored = work()
        except Exception:
            cursor.execute("ROLLBACK TO SAVEPOINT schemagen_batch")
            raise
        finally:
            cursor.execute("RELEASE SAVEPOINT schemagen_batch")
    finally:
        cursor.close()
    return stored
