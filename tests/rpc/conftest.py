"""Helpers for the RPC tests: generate a package from SQL into a temporary directory and
import it under a name unique to the test module (imports are cached by name)."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

import pytest

from codegen import pipeline, writer
from codegen.config import Config
from codegen.generate import Package, generate

ROOT = Path(__file__).resolve().parents[2]
ECOMMERCE = ROOT / "sample_schemas" / "ecommerce" / "schema.sql"
RENTAL = ROOT / "sample_schemas" / "rental" / "schema.sql"


def generate_package(paths: Sequence[Path], **options: object) -> Package:
    built = pipeline.load([str(p) for p in paths], "postgres")
    config = Config(inputs=tuple(str(p) for p in paths), **options)  # type: ignore[arg-type]
    return generate(built.schema, config, "test-digest")


class Generated:
    """Generated packages below one directory, importable; unloaded at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.names: list[str] = []
        sys.path.insert(0, str(root))

    def sql(self, name: str, text: str) -> Path:
        path = self.root / f"{name}.sql"
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def package(self, name: str, paths: Sequence[Path], **options: object) -> ModuleType:
        """Generate `paths` as package `name` and import it."""
        assert name not in sys.modules, f"package name {name} already imported"
        writer.write(generate_package(paths, **options), self.root / name)
        self.names.append(name)
        importlib.invalidate_caches()
        return importlib.import_module(name)

    def close(self) -> None:
        sys.path.remove(str(self.root))
        for name in self.names:
            for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[module]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    g = Generated(tmp_path_factory.mktemp("rpcpkg"))
    try:
        yield g
    finally:
        g.close()
