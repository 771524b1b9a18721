"""A throwaway MariaDB server for the test session, standing in for MySQL (no network).

`MyServer.start()` runs `mariadb-install-db` into a fresh temporary directory and starts
`mariadbd` on a unix socket inside it (`--skip-networking`). As root (CI) the server runs
with `--user=root`, which mariadbd requires to be said explicitly. Debian's
`mariadb-server` package provides both binaries; `.ci/run` installs it when missing.

MariaDB is not MySQL: it lacks MySQL 8's `utf8mb4_0900_*` collations, so `load()` maps
them to `utf8mb4_unicode_ci`; everything else the tests use is common to both. The thread
stack is MySQL 8's default (1 MiB, MariaDB's is 292 KiB), so long expressions evaluate.
A watchdog (`codegen.watchdog`) stops the server if the test run is killed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from codegen import watchdog

MYSQL8_COLLATION = "utf8mb4_0900_ai_ci"


class MyUnavailable(RuntimeError):
    """mariadbd / mariadb-install-db or the PyMySQL driver is missing."""


def _binary(name: str) -> str:
    found = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.path.exists(p)), None
    )
    if found is None:
        raise MyUnavailable(f"{name} not found: install Debian's `mariadb-server` package")
    return found


class MyServer:
    """One running MariaDB server in a temporary directory."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="sg-mariadb-"))
        self.socket = str(self.base / "mysqld.sock")
        self.process: subprocess.Popen[bytes] | None = None
        self.guard: watchdog.Guard | None = None

    @classmethod
    def start(cls) -> MyServer:
        try:
            import pymysql  # noqa: F401
        except ImportError as error:
            raise MyUnavailable("the PyMySQL driver is not installed") from error
        server = cls()
        try:
            server._start()
        except BaseException:
            server.stop()
            raise
        return server

    def _start(self) -> None:
        user = ["--user=root"] if os.geteuid() == 0 else []
        data = self.base / "data"
        subprocess.run(
            [_binary("mariadb-install-db"), "--no-defaults", f"--datadir={data}", *user,
             "--auth-root-authentication-method=normal", "--skip-test-db"],
            capture_output=True, check=True, timeout=120,
        )  # fmt: skip
        self.process = subprocess.Popen(
            [_binary("mariadbd"), "--no-defaults", f"--datadir={data}", *user,
             f"--socket={self.socket}", "--skip-networking", f"--pid-file={self.base}/pid",
             f"--log-error={self.base}/error.log", "--innodb-flush-log-at-trx-commit=0",
             "--character-set-server=utf8mb4", "--default-time-zone=+00:00",
             "--thread-stack=1M"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.guard = watchdog.guard(str(self.base), pid=self.process.pid, remove=self.base)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.connect().close()
                return
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = (self.base / "error.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"mariadbd did not start:\n{log}") from None
                time.sleep(0.2)

    def connect(self, database: str | None = None) -> Any:
        import pymysql

        return pymysql.connect(unix_socket=self.socket, user="root", database=database)

    def create_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name}")

    @contextlib.contextmanager
    def database(self) -> Iterator[Any]:
        """A fresh database for the duration of a `with` block: yields a connection to it."""
        name = self.create_database()
        try:
            with self.connect(name) as conn:
                yield conn
        finally:
            self.drop_database(name)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.base, ignore_errors=True)
        if self.guard is not None:
            self.guard.release()


def load(conn: Any, sql: str) -> None:
    """Run a MySQL schema script, statement by statement (PyMySQL runs one at a time)."""
    sql = sql.replace(MYSQL8_COLLATION, "utf8mb4_unicode_ci")
    with conn.cursor() as cur:
        for statement in sql.split(";"):
            if statement.strip():
                cur.execute(statement)
    conn.commit()


def load_script(conn: Any, sql: str) -> None:
    """Run a script through the `mariadb` command-line client, as users load dumps: it
    reads DELIMITER and splits statements itself."""
    sql = sql.replace(MYSQL8_COLLATION, "utf8mb4_unicode_ci")
    database = conn.db.decode() if isinstance(conn.db, bytes) else conn.db
    subprocess.run(
        [_binary("mariadb"), "--no-defaults", f"--socket={conn.unix_socket}", "-uroot",
         "--default-character-set=utf8mb4", database],
        input=sql.encode(), capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    conn.commit()


def insert_and_read(conn: Any, table: str, rows: list[dict[str, Any]], read: list[str]) -> Any:
    """INSERT `rows` (their keys are the columns given), then SELECT `read` ordered by id."""
    given = list(rows[0])
    with conn.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {table} ({', '.join(given)}) VALUES ({', '.join(['%s'] * len(given))})",
            [[r[c] for c in given] for r in rows],
        )
        cur.execute(f"SELECT {', '.join(['id', *read])} FROM {table} ORDER BY id")
        return cur.fetchall()
