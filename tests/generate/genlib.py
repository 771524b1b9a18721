"""Helpers shared by tests/generate, tests/golden and tests/corpus: build a generated
package, and import one (the `make_package` fixtures)."""

from __future__ import annotations

import importlib
import itertools
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from codegen import pipeline
from codegen.config import Config
from codegen.generate import Package, generate
from codegen.render import Formatter
from codegen.writer import write

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_schemas"
_counter = itertools.count()


def build_package(
    paths: Sequence[str | Path],
    dialect: str = "postgres",
    formatter: Formatter | None = None,
    **config: Any,
) -> Package:
    """The package generate writes for `paths` (`external=` files are read, not generated)."""
    inputs = [str(p) for p in paths]
    external = tuple(str(p) for p in config.pop("external", ()))
    cfg = Config(inputs=tuple(inputs), dialect=dialect, external=external, **config)
    built = pipeline.load(inputs, cfg.sql_dialect, external=external)
    return generate(built.schema, cfg, built.sources_digest, formatter)


def package_maker(tmp_path: Path) -> Iterator[Callable[..., ModuleType]]:
    """The `make_package` fixture's body: make(sql=... | paths=[...], dialect=..., **config)
    -> the generated package, imported, with its generate warnings as `WARNINGS`; the
    modules are forgotten afterwards."""
    added: list[str] = []

    def make(
        sql: str | None = None,
        paths: Sequence[str | Path] = (),
        dialect: str = "postgres",
        **config: Any,
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
        module.WARNINGS = package.warnings
        return module

    yield make
    for name in added:
        for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            sys.modules.pop(mod, None)
