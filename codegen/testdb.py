"""Test databases with the project's SQL applied, one backend per dialect (the pytest plugin's
engine room; it knows nothing of pytest).

Each backend gives a test two kinds of connection:
- `begin()` / `end(conn)`: the session database of this process, isolated by rollback. `end`
  reports whether the test ended the transaction itself (a commit leaks into later tests), in
  which case the backend has already replaced the session database with a clean one;
- `clone()`: a database of its own for code that commits; the returned callable ends the
  test's use of it (PostgreSQL puts it back into the template's state for a later test).
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urlparse

import psycopg

from . import dbreset
from . import server as pgserver
from .errors import SchemagenError
from .sources import SourceFile

Cleanup = Callable[[], None]


class Backend(Protocol):
    dialect: str

    def begin(self) -> Any: ...
    def end(self, conn: Any) -> bool: ...
    def clone(self) -> tuple[Any, Cleanup]: ...
    def close(self) -> None: ...


# ----------------------------------------------------------------------------- PostgreSQL

_INTRANS, _INERROR = 2, 3  # psycopg.pq.TransactionStatus: in a transaction, in a failed one
_CURRENT = "SELECT pg_current_xact_id_if_assigned()::text"
_STATUS = "SELECT pg_xact_status(%s::xid8)"


def _failed_in_place(status: int, ended: Any) -> bool:
    """The test's transaction failed on a statement and was rolled back here: nothing leaked."""
    return status == _INERROR and ended == ("aborted",)


class PostgresBackend:
    """A template built once per server, a clone per process (xdist worker) that `db` tests
    share and roll back, and two more clones that `transactional_db` tests take in turn."""

    dialect = "postgres"

    def __init__(
        self,
        server: pgserver.Server,
        files: Sequence[SourceFile],
        shared: bool = False,
        reuse: bool = True,
    ) -> None:
        self.server = server
        self.reuse = reuse  # False: a new clone for every `transactional_db` test
        # shared (xdist): the other workers clone it too; the controller drops it at the end
        self.template = pgserver.build_template(server, files, keep=shared)
        self.dbname = server.create_database(self.template)
        self._conn: Any = None
        self._xid: tuple[str] | None = None
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="schemagen-clone")
        self._ready: deque[Future[_Spare]] = deque()
        self._baseline: dbreset.Baseline | None = None

    def begin(self) -> Any:
        if self._conn is None or self._conn.closed:
            self._conn = self.server.connect(self.dbname, autocommit=False)
        self._conn.rollback()  # idle already, unless an earlier teardown failed half way
        self._xid = self._conn.execute("SELECT pg_current_xact_id()::text").fetchone()
        return self._conn

    def end(self, conn: Any) -> bool:
        """Roll back; False (and a fresh session database) when the test's own transaction
        was committed or ended by the test, so nothing it wrote reaches the next test."""
        if conn.closed:
            return self._replace()
        status, current = conn.info.transaction_status, None
        if status == _INTRANS:
            current = conn.execute(_CURRENT).fetchone()
        conn.rollback()
        if current == self._xid:
            return True
        ended = conn.execute(_STATUS, self._xid).fetchone()
        conn.rollback()
        return _failed_in_place(status, ended) or self._replace()

    async def begin_async(self) -> tuple[Any, Callable[[], Awaitable[bool]]]:
        """`begin()`/`end()` over a psycopg AsyncConnection of its own."""
        import psycopg

        conn = await psycopg.AsyncConnection.connect(self.server.dsn(self.dbname))
        xid = await (await conn.execute("SELECT pg_current_xact_id()::text")).fetchone()

        async def finish() -> bool:
            status, current = conn.info.transaction_status, None
            if status == _INTRANS:
                current = await (await conn.execute(_CURRENT)).fetchone()
            await conn.rollback()
            ended = await (await conn.execute(_STATUS, xid)).fetchone()
            await conn.close()
            return current == xid or _failed_in_place(status, ended) or self._replace()

        return conn, finish

    def _replace(self) -> bool:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.server.drop_database(self.dbname)
        self.dbname = self.server.create_database(self.template)
        return False

    def clone(self) -> tuple[Any, Cleanup]:
        """A database of the test's own, with its connection already open. Databases are
        reused: after the test one is put back into the template's state in the background
        (codegen/dbreset.py), or dropped and cloned again when the test changed the schema,
        while the next test runs on another; a test waits only for a reset (or clone) that
        takes longer than the test before it."""
        self.prepare()
        spare = self._ready.popleft().result()
        self.prepare()

        def cleanup() -> None:
            spare.conn.close()
            self._ready.append(self._pool.submit(self._recycle, spare))

        return spare.conn, cleanup

    def prepare(self) -> None:
        """Start cloning the first `transactional_db` database now, in the background (the
        session will have such tests), so that the first of them need not wait for it."""
        if not self._ready:
            self._ready.append(self._pool.submit(self._fresh))

    def _fresh(self) -> _Spare:
        name = self.server.create_database(self.template)
        try:
            with self.server.connect(name) as admin:
                if self._baseline is None and self.reuse:
                    self._baseline = dbreset.baseline(admin)
                since = dbreset.mark(admin)
            return _Spare(name, self.server.connect(name, autocommit=False), since)
        except BaseException:
            self.server.drop_database(name)
            raise

    def _recycle(self, used: _Spare) -> _Spare:
        base = self._baseline
        if self.reuse and base is not None and base.unsupported is None:
            try:
                with self.server.connect(used.name) as admin:
                    if dbreset.reset(admin, base, used.since):
                        since = dbreset.mark(admin)
                        return _Spare(used.name, self.server.connect(used.name, False), since)
            except (psycopg.Error, TimeoutError):
                pass  # whatever the test left behind, a new clone has none of it
        self.server.drop_database(used.name)
        return self._fresh()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        while self._ready:
            future = self._ready.popleft()
            if future.exception() is None:
                spare = future.result()
                spare.conn.close()
                self.server.drop_database(spare.name)
        self._pool.shutdown(wait=True)
        self.server.drop_database(self.dbname)


@dataclass(frozen=True)
class _Spare:
    """A database ready for a `transactional_db` test: its connection, opened after `since`."""

    name: str
    conn: Any
    since: str


# --------------------------------------------------------------------------------- SQLite


class SqliteBackend:
    """The schema applied once to an in-memory database; each test gets a copy of it
    (sqlite3's backup API), so both fixtures are isolated without a server."""

    dialect = "sqlite"

    def __init__(self, files: Sequence[SourceFile]) -> None:
        self.template = sqlite3.connect(":memory:")
        for file in files:
            try:
                self.template.executescript(file.text)
            except sqlite3.Error as error:
                raise pgserver.SchemaLoadError(f"{file.path}: {error}") from None

    def begin(self) -> Any:
        return self.clone()[0]

    def end(self, conn: Any) -> bool:
        conn.close()
        return True

    def clone(self) -> tuple[Any, Cleanup]:
        conn = sqlite3.connect(":memory:")
        self.template.backup(conn)
        conn.execute("PRAGMA foreign_keys=ON")
        return conn, conn.close

    def close(self) -> None:
        self.template.close()


# ---------------------------------------------------------------------------------- MySQL


@dataclass(frozen=True)
class MysqlTarget:
    """Where a MySQL/MariaDB server is, from a URL: mysql://user:password@host:port/?unix_socket=."""

    kwargs: tuple[tuple[str, Any], ...]

    @classmethod
    def parse(cls, url: str) -> MysqlTarget:
        parts = urlparse(url)
        kwargs: dict[str, Any] = {"user": unquote(parts.username or "root")}
        if parts.password:
            kwargs["password"] = unquote(parts.password)
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        if "unix_socket" in query:
            kwargs["unix_socket"] = unquote(query["unix_socket"])
        else:
            kwargs["host"] = parts.hostname or "localhost"
            kwargs["port"] = parts.port or 3306
        return cls(tuple(sorted(kwargs.items())))

    def connect(self, database: str | None = None, autocommit: bool = False) -> Any:
        import pymysql  # type: ignore[import-untyped]

        return pymysql.connect(database=database, autocommit=autocommit, **dict(self.kwargs))


# A row written into a temporary table at the start of a `db` test's transaction: after the
# rollback it is gone, unless the transaction was committed (by the test, or implicitly by
# DDL, which MySQL commits at once). Temporary tables are per connection and outside DDL's
# implicit commit.
_PROBE = "schemagen_commit_probe"


class MysqlBackend:
    """A database created per process with the schema applied; MySQL has no template
    databases, so a `transactional_db` test gets a new database with the schema applied
    again. A `db` test that commits (DDL commits implicitly) is detected by a probe row and
    the database is replaced, as on PostgreSQL."""

    dialect = "mysql"

    def __init__(self, url: str, files: Sequence[SourceFile]) -> None:
        self.target = MysqlTarget.parse(url)
        self.files = tuple(files)
        self.dbname = self._create()

    def _create(self) -> str:
        name = f"{pgserver.PREFIX}{uuid.uuid4().hex[:16]}"
        with self.target.connect(autocommit=True) as admin, admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}`")
        with self.target.connect(name, autocommit=True) as conn, conn.cursor() as cur:
            for file in self.files:
                for start, statement in mysql_statements(file.text):
                    try:
                        cur.execute(statement)
                    except Exception as error:  # PyMySQL's errors share no base we import
                        line = file.text.count("\n", 0, start) + 1
                        raise pgserver.SchemaLoadError(f"{file.path}:{line}: {error}") from None
        return name

    def _drop(self, name: str) -> None:
        with self.target.connect(autocommit=True) as admin, admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")

    def begin(self) -> Any:
        conn = self.target.connect(self.dbname)
        with conn.cursor() as cur:
            cur.execute(f"CREATE TEMPORARY TABLE {_PROBE} (x int) ENGINE=InnoDB")
            cur.execute(f"INSERT INTO {_PROBE} VALUES (1)")  # the transaction the test is in
        return conn

    def end(self, conn: Any) -> bool:
        """Roll back; False (and a fresh database) when the probe row outlived the rollback:
        the test's transaction was committed, so what it wrote would reach later tests."""
        try:
            conn.rollback()
            with conn.cursor() as cur:
                cur.execute(f"SELECT count(*) FROM {_PROBE}")
                committed = cur.fetchone()[0] != 0
        except Exception:  # a closed connection, a dropped probe: nothing can be vouched for
            committed = True
        with contextlib.suppress(Exception):  # PyMySQL refuses to close a closed connection
            conn.close()
        if committed:
            self._drop(self.dbname)
            self.dbname = self._create()
        return not committed

    def clone(self) -> tuple[Any, Cleanup]:
        name = self._create()
        conn = self.target.connect(name)

        def cleanup() -> None:
            conn.close()
            self._drop(name)

        return conn, cleanup

    def close(self) -> None:
        self._drop(self.dbname)


def mysql_statements(text: str) -> list[tuple[int, str]]:
    """(offset, statement) pairs split at the semicolons sqlglot's tokenizer sees (so a `;`
    inside a string or comment does not split)."""
    from sqlglot.dialects.mysql import MySQL
    from sqlglot.tokenizer_core import TokenType

    out: list[tuple[int, str]] = []
    start = 0
    for token in MySQL().tokenize(text):
        if token.token_type == TokenType.SEMICOLON:
            out.append((start, text[start : token.start]))
            start = token.end + 1
    out.append((start, text[start:]))
    return [(s, t) for s, t in out if t.strip()]


# ------------------------------------------------------------------------------ choosing


def describe(backend: Backend) -> str:
    """One line for the report: which database, from where."""
    if isinstance(backend, PostgresBackend):
        version = backend.server.version()
        return f"PostgreSQL {version // 10000}.{version % 10000} ({backend.server.source})"
    return "SQLite, in memory" if isinstance(backend, SqliteBackend) else "MySQL (url)"


# The backend of each dialect (`Dialect.test_backend` picks one): PostgreSQL from
# `codegen.server`, SQLite in memory, MySQL at `url` (required).


def postgres_backend(files: Sequence[SourceFile], url: str | None, run_id: str | None) -> Backend:
    server = pgserver.find_server(pgserver.required_extensions(files), url=url, run_id=run_id)
    return PostgresBackend(server, files, shared=run_id is not None)


def sqlite_backend(files: Sequence[SourceFile], url: str | None, run_id: str | None) -> Backend:
    return SqliteBackend(files)


def mysql_backend(files: Sequence[SourceFile], url: str | None, run_id: str | None) -> Backend:
    if not url:
        raise SchemagenError(
            f"dialect mysql needs a server: set {pgserver.ENV_URL}=mysql://user:pw@host/"
            " or pass --schemagen-db-url"
        )
    return MysqlBackend(url, files)
