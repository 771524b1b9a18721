"""Module-scoped database connections for hypothesis loops (function-scoped fixtures and
@given do not mix): one PostgreSQL database per test module, in a UTF-8 locale so case
mapping and regex classes behave as on a typical server; one in-memory SQLite (`db`)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from tests.pgserver import PgServer


@pytest.fixture(scope="module")
def pgdb(pg_server: PgServer) -> Iterator[psycopg.Connection]:
    name = f"sg_sqlexpr_{uuid.uuid4().hex[:10]}"  # sg_: a URL server lets us drop only these
    with pg_server.connect() as admin:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    try:
        with pg_server.connect(name) as conn:
            conn.execute("SET TimeZone = 'UTC'")
            yield conn
    finally:
        pg_server.drop_database(name)


@pytest.fixture(scope="module")
def db() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    try:
        yield conn
    finally:
        conn.close()
