"""The front half of the pipeline: paths -> source files -> statements -> schema model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from . import catalog, parse, sources
from .catalog import Built
from .dialect import Dialect
from .parse.cache import StatementCache
from .sources import SourceFile


def load(
    paths: Sequence[str],
    dialect: str | Dialect = "postgres",
    external: Sequence[str] = (),
    cwd: str | None = None,
    cache: StatementCache | None = None,
) -> Built:
    """Read PATHs (files, migration folders, globs) into a schema model, with warnings."""
    return load_files(sources.collect(paths, cwd), dialect, external, cwd, cache)


def load_files(
    files: Sequence[SourceFile],
    dialect: str | Dialect = "postgres",
    external: Sequence[str] = (),
    cwd: str | None = None,
    cache: StatementCache | None = None,
) -> Built:
    """The model of files already collected (the drift check has read them for their digest).
    `cache` holds statements read by earlier runs (`generate` keeps it beside its output)."""
    statements = parse.read_all(files, dialect, cache)
    stubs = parse.read_all(sources.collect(external, cwd), dialect, cache) if external else []
    built = catalog.build(statements, dialect, stubs)
    return replace(built, sources_digest=sources.digest(files))
