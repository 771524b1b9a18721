"""The pipeline: the one sequence `generate` and `check` both run.

    paths --sources--> files --parse--> statements --catalog--> model (`load`)
    model --plan, outputs, render--> Package (in memory; `build`)
    Package --writer--> the output directory, then the caches beside it (`generate`)

`build` reads generate's caches (statements already parsed, formatted blocks) and hands
them back unwritten: `generate` writes them after the package, `check` never writes.
The CLI only turns a `Run` into a call here and the result into messages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from . import bodycheck, cachestore, catalog, collector, lock, parse, sources, writer
from .catalog import Built
from .config import Run
from .dialect import Dialect
from .errors import Diagnostic
from .generate import Package
from .generate import generate as render_package
from .parse.cache import StatementCache
from .progress import Progress
from .sources import SourceFile

Warn = Callable[[Sequence[Diagnostic]], None]


def load(
    paths: Sequence[str],
    dialect: str | Dialect = "postgres",
    external: Sequence[str] = (),
    cwd: str | None = None,
    cache: StatementCache | None = None,
) -> Built:
    """Read PATHs (files, migration folders, globs) into a schema model, with warnings."""
    with collector.paused():
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
    bodies = bodycheck.check(built.schema, built.history)
    return replace(
        built,
        sources_digest=sources.digest(files),
        function_drift=list(bodies.drift),
        functions_unchecked=list(bodies.unchecked),
    )


@dataclass(frozen=True)
class Generated:
    """What `build` made: the model (with its warnings), the package, the caches it used."""

    built: Built
    package: Package
    caches: cachestore.Caches


def build(
    run: Run,
    files: Sequence[SourceFile] | None = None,
    warn: Warn = lambda _: None,
    cached: bool = True,
    progress: Progress | None = None,
) -> Generated:
    """The package `run` describes, in memory: load -> plan -> render -> package.
    `files` when the caller has collected them already; `warn` hears the model's warnings
    before generation starts, then the plan's. `cached=False`: no cache is read (`check
    --full` proves the package from the SQL alone). `progress` shows the stages on a
    terminal."""
    with collector.paused():
        return _build(run, files, warn, cached, progress or Progress.off())


def _build(
    run: Run,
    files: Sequence[SourceFile] | None,
    warn: Warn,
    cached: bool,
    progress: Progress,
) -> Generated:
    config = run.config
    progress.show(f"reading {', '.join(run.inputs)}")
    files = sources.collect(run.inputs, run.cwd) if files is None else files
    if cached:
        caches = cachestore.read_caches(run.out, config.dialect)
    else:
        caches = cachestore.no_caches(config.dialect)
    built = load_files(files, config.sql_dialect, run.external, run.cwd, caches.statements)
    warn(built.warnings)
    if built.function_drift:  # function bodies reading what the schema no longer has
        warn(built.function_drift)
    drift = [str(d) for d in built.function_drift]
    progress.show(f"{len(built.schema.tables)} tables parsed; generating")
    caches.formatter.on_format = progress.counter("statements formatted by black")
    package = render_package(built.schema, config, built.sources_digest, caches.formatter, drift)
    warn(package.warnings)
    return Generated(built, package, caches)


def generate(
    run: Run,
    warn: Warn = lambda _: None,
    on_wait: Callable[[str], None] | None = None,
    progress: Progress | None = None,
) -> tuple[Generated, writer.WriteResult]:
    """`schemagen generate`: build the package, write it, then store the caches; one run
    per output folder at a time (`on_wait` hears when another holds it)."""
    with collector.paused(), lock.held(run.out, exclusive=True, on_wait=on_wait):
        made = build(run, warn=warn, progress=progress)
        if progress is not None:
            progress.show(f"writing {len(made.package.files)} files")
        result = writer.write(made.package, run.out)
        cachestore.write_caches(run.out, made.caches)
    return made, result
