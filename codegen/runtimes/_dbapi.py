"""Which database a DB-API connection talks to, from its driver's module.

Copied verbatim into generated packages (stdlib only): `bind()` (the factories) and
`Database.connect()` (the in-memory database's real twin) both ask it.
"""

from __future__ import annotations

from typing import Any

_DRIVERS = {"sqlite3": "sqlite", "_sqlite3": "sqlite", "pymysql": "mysql", "MySQLdb": "mysql",
            "mysql": "mysql", "_mysql": "mysql"}  # fmt: skip


def driver_of(connection: Any, caller: str) -> str:
    """postgres, sqlite or mysql; TypeError naming `caller` for any other connection."""
    module = type(connection).__module__.split(".")[0]
    if module.startswith("psycopg"):
        return "postgres"
    found = _DRIVERS.get(module)
    if found is None:
        raise TypeError(f"{caller}: unsupported connection type {type(connection).__module__}")
    return found


def quote_name(name: str, driver: str) -> str:
    """An identifier quoted for `driver`'s SQL. psycopg and PyMySQL read `%` as the start of a
    parameter marker in every statement given parameters, so it is doubled for them: no name
    can end its quotes or pose as a parameter."""
    if driver != "sqlite":
        name = name.replace("%", "%%")
    if driver == "mysql":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'
