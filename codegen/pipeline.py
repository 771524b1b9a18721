"""The front half of the pipeline: paths -> source files -> statements -> schema model."""

from __future__ import annotations

from collections.abc import Sequence

from . import catalog, parse, sources
from .catalog import Built


def load(
    paths: Sequence[str],
    dialect: str = "postgres",
    external: Sequence[str] = (),
    cwd: str | None = None,
) -> Built:
    """Read PATHs (files, migration folders, globs) into a schema model, with warnings."""
    files = sources.collect(paths, cwd)
    statements = parse.read_all(files, dialect)
    stubs = parse.read_all(sources.collect(external, cwd), dialect) if external else []
    return catalog.build(statements, dialect, stubs)
