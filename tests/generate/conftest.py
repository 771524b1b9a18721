"""Fixtures for the generate tests: build a package from SQL text or paths and import it."""

from __future__ import annotations

import importlib
import itertools
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType

import pytest

from codegen.render import Formatter
from codegen.writer import write
from tests.generate.genlib import build_package

_counter = itertools.count()


@pytest.fixture
def make_package(tmp_path: Path) -> Iterator[Callable[..., ModuleType]]:
    """make_package(sql=... | paths=[...], dialect=..., **config) -> the imported package."""
    added: list[str] = []

    def make(
        sql: str | None = None,
        paths: Sequence[str | Path] = (),
        dialect: str = "postgres",
        **config: object,
    ) -> ModuleType:
        if sql is not None:
            file = tmp_path / f"schema_{next(_counter)}.sql"
            file.write_text(sql, encoding="utf-8")
            paths = [file]
        package = build_package(paths, dialect, Formatter(enabled=False), **config)
        name = f"sgpkg_{next(_counter)}"
        root = tmp_path / "pkgs"
        write(package, root / name)
        sys.path.insert(0, str(root))
        added.append(name)
        try:
            module = importlib.import_module(name)
        finally:
            sys.path.remove(str(root))
        module.reset()
        return module

    yield make
    for name in added:
        for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            sys.modules.pop(mod, None)
