"""Generated packages of the sample schemas, imported once per session, for the in-memory
Database tests (the same package drives the fake and, through `Database.connect`, the real
database)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

from codegen import pipeline, writer
from codegen.config import Config
from codegen.generate import generate
from codegen.render import Formatter

from .differential import CASES


@pytest.fixture(scope="session")
def sample_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., ModuleType]]:
    """sample_package(case) -> the generated package of a sample schema (built once)."""
    root = tmp_path_factory.mktemp("dbpkg")
    sys.path.insert(0, str(root))
    made: dict[str, ModuleType] = {}

    def make(case: str, sql: str | None = None, dialect: str = "postgres") -> ModuleType:
        if case in made:
            return made[case]
        if sql is not None:
            path = root / f"{case}.sql"
            path.write_text(sql, encoding="utf-8")
            paths = [path]
        else:
            paths, dialect = CASES[case]
        inputs = [str(p) for p in paths]
        built = pipeline.load(inputs, dialect)
        config = Config(inputs=tuple(inputs), dialect=dialect, seed=7)
        package = generate(built.schema, config, "digest", Formatter(enabled=False))
        name = f"sgdb_{case}"
        writer.write(package, root / name)
        importlib.invalidate_caches()
        made[case] = importlib.import_module(name)
        return made[case]

    yield make
    sys.path.remove(str(root))
    for name in list(sys.modules):
        if name.startswith("sgdb_"):
            del sys.modules[name]
