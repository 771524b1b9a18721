"""`rpc.real(...)`: call a SQL function in the test database instead of mocking it.

The answer has the shape PostgREST gives an RPC call: a scalar for a scalar function, a dict
for a function returning one composite row, a list of dicts for a set-returning function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .dialect import of
from .errors import SchemagenError

_SHAPE = """
SELECT p.proretset, t.typtype = 'c' OR t.oid = 'record'::regtype
FROM pg_proc p JOIN pg_type t ON t.oid = p.prorettype
WHERE p.oid IN (SELECT oid FROM pg_proc WHERE proname = %s
                AND pronamespace = COALESCE(to_regnamespace(%s), 'public'::regnamespace))
ORDER BY p.oid LIMIT 1
"""


def call(conn: Any, dialect: str, name: str, args: Sequence[Any], params: Mapping[str, Any]) -> Any:
    if not of(dialect).rpc_functions:
        raise SchemagenError(f"rpc.real() runs PostgreSQL functions; this project is {dialect}")
    from psycopg import sql

    schema, _, fn = name.rpartition(".")
    found = conn.execute(_SHAPE, (fn, schema or None)).fetchone()
    if found is None:
        raise SchemagenError(f"rpc.real(): no function {name!r} in the test database")
    returns_set, composite = found
    target = sql.Identifier(*(p for p in (schema, fn) if p))
    arguments = [sql.Placeholder()] * len(args) + [
        sql.SQL("{} => {}").format(sql.Identifier(key), sql.Placeholder()) for key in params
    ]
    values = [*args, *params.values()]
    if not (returns_set or composite):
        query = sql.SQL("SELECT {}({})").format(target, sql.SQL(", ").join(arguments))
        row = conn.execute(query, values).fetchone()
        return row[0]
    query = sql.SQL("SELECT * FROM {}({})").format(target, sql.SQL(", ").join(arguments))
    cursor = conn.execute(query, values)
    names = [column.name for column in cursor.description or ()]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if returns_set:
        return rows
    return rows[0] if rows and any(v is not None for v in rows[0].values()) else None
