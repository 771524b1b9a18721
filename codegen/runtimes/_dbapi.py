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
