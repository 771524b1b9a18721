"""A throwaway PostgreSQL server for the test session (no pytest plugins, no network).

`PgServer` runs `initdb` into a fresh temporary directory and starts `postgres` listening
only on a unix socket inside that directory, with durability switched off for speed.
`initdb` refuses to run as root, so when the tests run as root (as CI does) the directory
is handed to `nobody` and the server binaries run as that user.

    with PgServer.start() as server:
        name = server.create_database()
        with server.connect(name) as conn:
            conn.execute("SELECT 1")

The pytest fixtures built on it live in `tests/conftest.py` (`pg_server`, `pg`).
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType

import psycopg

SUPERUSER = "postgres"
PORT = 5432  # only names the socket file (.s.PGSQL.5432): nothing listens on TCP

SERVER_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "max_connections": "50",
    "shared_buffers": "32MB",
    "TimeZone": "UTC",
    "log_min_messages": "warning",
}


class PgUnavailable(RuntimeError):
    """PostgreSQL's server binaries (initdb, pg_ctl, postgres) cannot be found."""


class PgStartError(RuntimeError):
    """initdb or pg_ctl failed; the message carries their output and the server log."""


def find_bindir() -> Path:
    """The directory holding initdb/pg_ctl/postgres.

    Looked up, in order: $SCHEMAGEN_PG_BINDIR, `pg_config --bindir`, the newest
    /usr/lib/postgresql/*/bin, then initdb on $PATH.
    """
    candidates: list[Path] = []
    env = os.environ.get("SCHEMAGEN_PG_BINDIR")
    if env:
        candidates.append(Path(env))
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
            if out:
                candidates.append(Path(out))

    def version_key(path: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", Path(path).parent.name))

    for path in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version_key, reverse=True):
        candidates.append(Path(path))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for bindir in candidates:
        if all((bindir / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    looked = ", ".join(str(c) for c in candidates) or "nowhere"
    raise PgUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found "
        f"(looked in: {looked}); install e.g. Debian's `postgresql` package "
        "or set SCHEMAGEN_PG_BINDIR"
    )


def _run_as_prefix() -> list[str]:
    """The command prefix that runs the server tools as `nobody` when we are root."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser") or next(
        (p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.path.exists(p)), None
    )
    if runuser:
        return [runuser, "-u", "nobody", "--"]
    setpriv = shutil.which("setpriv")
    if setpriv:
        return [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
    raise PgUnavailable("running as root but neither runuser nor setpriv is available")


class PgServer:
    """One running PostgreSQL cluster in a temporary directory."""

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        self.base_dir: Path | None = None
        self.data_dir: Path | None = None
        self.socket_dir: Path | None = None
        self.log_file: Path | None = None
        self.port = PORT
        self.user = SUPERUSER
        self.startup_seconds = 0.0
        self._prefix: list[str] = []
        self._running = False
        self._databases: set[str] = set()

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    def start(cls, bindir: Path | None = None) -> PgServer:
        server = cls(bindir)
        server._start()
        return server

    def _tool(self, name: str, *args: str) -> list[str]:
        return [*self._prefix, str(self.bindir / name), *args]

    def _run(self, argv: Sequence[str], what: str) -> None:
        proc = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.base_dir,  # nobody may not be able to read our cwd
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
            check=False,
        )
        if proc.returncode != 0:
            log = ""
            if self.log_file and self.log_file.exists():
                log = self.log_file.read_text(errors="replace")[-4000:]
            raise PgStartError(
                f"{what} failed (exit {proc.returncode}): {' '.join(argv)}\n"
                f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}\n"
                f"--- server log ---\n{log}"
            )

    def _start(self) -> None:
        began = time.monotonic()
        self._prefix = _run_as_prefix()
        self.base_dir = Path(tempfile.mkdtemp(prefix="schemagen-pg-", dir="/tmp"))
        atexit.register(self.stop)
        try:
            os.chmod(self.base_dir, 0o755)
            if self._prefix:
                shutil.chown(self.base_dir, "nobody")
            self.data_dir = self.base_dir / "data"
            self.socket_dir = self.base_dir
            self.log_file = self.base_dir / "server.log"
            self._run(
                self._tool(
                    "initdb",
                    "-D", str(self.data_dir),
                    "-U", SUPERUSER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",
                    "--no-instructions",
                ),
                "initdb",
            )  # fmt: skip
            settings = {**SERVER_SETTINGS, "unix_socket_directories": f"'{self.socket_dir}'"}
            options = " ".join(f"-c {key}={value}" for key, value in settings.items())
            self._run(
                self._tool(
                    "pg_ctl",
                    "-D", str(self.data_dir),
                    "-l", str(self.log_file),
                    "-o", f"-p {self.port} {options}",
                    "-w",
                    "-t", "60",
                    "start",
                ),
                "pg_ctl start",
            )  # fmt: skip
            self._running = True
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began

    def stop(self) -> None:
        """Stop the server (immediate mode) and remove its directory. Idempotent."""
        if self._running and self.data_dir is not None:
            self._running = False
            with contextlib.suppress(Exception):
                subprocess.run(
                    self._tool("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"),
                    capture_output=True,
                    timeout=60,
                    cwd=self.base_dir,
                    check=False,
                )
        if self.base_dir is not None:
            shutil.rmtree(self.base_dir, ignore_errors=True)
            self.base_dir = None

    def __enter__(self) -> PgServer:
        if not self._running:
            self._start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- the API tests use -----------------------------------------------------------------

    def dsn(self, dbname: str = "postgres") -> str:
        """A libpq connection string for `dbname` on this server."""
        if self.socket_dir is None:
            raise RuntimeError("server not started")
        return f"host={self.socket_dir} port={self.port} user={self.user} dbname={dbname}"

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        """A new autocommit connection to `dbname` (close it, or use it as a context manager)."""
        return psycopg.connect(self.dsn(dbname), autocommit=True)

    def create_database(self) -> str:
        """Create a fresh, uniquely named database and return its name."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        with self.connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self._databases.add(name)
        return name

    def drop_database(self, name: str) -> None:
        """Drop `name`, disconnecting anyone still connected to it."""
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._databases.discard(name)

    @contextlib.contextmanager
    def database(self) -> Iterator[psycopg.Connection]:
        """A fresh database for the duration of a `with` block: yields a connection to it."""
        name = self.create_database()
        try:
            with self.connect(name) as conn:
                yield conn
        finally:
            self.drop_database(name)

    def psql(self, dbname: str, *args: str, input: str | None = None) -> str:
        """Run psql against `dbname` (ON_ERROR_STOP, quiet); return stdout, raise on error."""
        psql = self.bindir / "psql"
        argv = [
            str(psql) if psql.exists() else "psql",
            "-X", "-q", "-v", "ON_ERROR_STOP=1",
            "-d", self.dsn(dbname),
            *args,
        ]  # fmt: skip
        proc = subprocess.run(argv, input=input, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(
                proc.returncode, argv, output=proc.stdout, stderr=proc.stderr
            )
        return proc.stdout

    def load_file(self, dbname: str, path: str | os.PathLike[str]) -> str:
        """Execute an SQL file with psql; raise CalledProcessError on the first error."""
        return self.psql(dbname, "-f", str(path))

    def server_log(self) -> str:
        if self.log_file is None or not self.log_file.exists():
            return ""
        return self.log_file.read_text(errors="replace")
