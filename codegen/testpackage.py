"""The generated package the pytest plugin hands to tests.

With `out` in `[tool.schemagen]` it is the package there, the very module the user's tests
import (so binding it binds theirs), brought up to date before collection as `schemagen
generate` would (or refused when stale, with `--schemagen-no-generate`, for a CI that runs
`schemagen check`). Without `out` it is generated for the session into a temporary directory.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType

from . import drift, pipeline
from .config import Config, Run, resolve
from .errors import SchemagenError


def load(cfg: Config) -> ModuleType:
    """The package for `cfg`, imported: the one at `out` as it is, else a session one."""
    if cfg.out:
        return import_package(Path(resolve(cfg, cfg.out)), Path(cfg.root))
    target = Path(tempfile.mkdtemp(prefix="schemagen-pkg-")) / "schemagen_session_package"
    write(run_of(cfg, str(target)))
    return import_package(target, target.parent)


def run_of(cfg: Config, out: str) -> Run:
    """A `generate` run of the config's own inputs (relative to its pyproject) into `out`."""
    if cfg.templates:
        cfg = cfg.with_options(templates=resolve(cfg, cfg.templates))
    external = tuple(resolve(cfg, e) for e in cfg.external)
    return Run(cfg, cfg.inputs, cfg.root, out, external)


def refresh(cfg: Config, strict: bool = False) -> str | None:
    """Regenerate `out` unless the drift check finds it current (a note saying so, else
    None); `strict` raises instead, with the drift report."""
    run = run_of(cfg, resolve(cfg, cfg.out or "."))
    if Path(run.out).is_dir():
        report = drift.check(run)
        if report.in_sync:
            return None
        why = report.explain()
    else:
        why = "it does not exist"
    if strict:
        raise SchemagenError(f"{run.out} is out of date with the SQL: {why}\n"
                             "Fix: schemagen generate")  # fmt: skip
    write(run)
    return f"schemagen: regenerated {cfg.out} ({why.splitlines()[0].rstrip(':')})"


def write(run: Run) -> None:
    """What `schemagen generate` does for `run` (its lock, switch and caches included)."""
    pipeline.generate(run)


def import_package(path: Path, root: Path) -> ModuleType:
    """The package at `path` under the name the tests already imported it by, else its
    dotted path below `root` (put on sys.path): one module object, so `bind()` reaches
    the factories the tests use."""
    init = (path / "__init__.py").resolve()
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file and Path(file).resolve() == init:
            return module
    try:
        parts = path.resolve().relative_to(root.resolve()).parts
    except ValueError:
        root, parts = path.parent, (path.name,)
    if not all(part.isidentifier() for part in parts):
        raise SchemagenError(f"{path}: not importable as a Python package below {root}")
    if str(root) not in sys.path and os.fspath(root.resolve()) not in sys.path:
        sys.path.insert(0, os.fspath(root))
    importlib.invalidate_caches()
    return importlib.import_module(".".join(parts))
