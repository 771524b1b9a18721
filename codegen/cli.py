"""The `schemagen` command: a thin shell over the pipeline stages.

It parses options, calls the stages, and turns `SchemagenError` into a located message on
stderr with exit code 2 (1 is reserved for `check` finding drift).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__, deep
from .dialect import NAMES as DIALECTS
from .errors import SchemagenError

if TYPE_CHECKING:
    from .catalog import Built
    from .config import Run

# The stages (pipeline, report, progress) are imported inside the commands that run them:
# `check` on a package in sync needs none of them, and pre-commit pays every import.

F = TypeVar("F", bound=Callable[..., Any])

EXIT_DRIFT = 1
EXIT_BAD_INPUT = 2


def _friendly_errors(command: F) -> F:
    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return deep.run(command, *args, **kwargs)  # room for deeply nested SQL
        except SchemagenError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except RecursionError:  # not located by a stage: say so rather than a traceback
            click.echo(f"error: {deep.TOO_DEEP}", err=True)
            sys.exit(EXIT_BAD_INPUT)

    return run  # type: ignore[return-value]


def _waiting(message: str) -> None:
    click.echo(message, err=True)


def _warn(warnings: Sequence[Any]) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


dialect_option = click.option(
    "--dialect",
    type=click.Choice(DIALECTS),
    default="postgres",
    show_default=True,
    help="SQL dialect of the inputs.",
)
external_option = click.option(
    "--external",
    "external",
    multiple=True,
    metavar="FILE",
    help="SQL file declaring tables the inputs reference but do not define (repeatable).",
)


@click.group()
@click.version_option(__version__, prog_name="schemagen")
def main() -> None:
    """Generate test doubles from your SQL, and keep them true."""


def _sql(built: Built, verbose: bool) -> str:
    from .dialect import of

    ddl = of(built.schema.dialect).to_sql(built.schema)
    if ddl is None:
        raise SchemagenError(
            f"--format sql writes PostgreSQL DDL; these inputs are read as {built.schema.dialect}"
        )
    return ddl


def _report(built: Built, verbose: bool) -> str:
    from . import report

    return report.render(built.schema, verbose)


# --format -> what inspect prints for a model
INSPECT_FORMATS: dict[str, Callable[[Built, bool], str]] = {
    "table": lambda built, verbose: _report(built, verbose),
    "json": lambda built, _: (
        json.dumps(built.schema.to_json(), indent=2, ensure_ascii=False) + "\n"
    ),
    "sql": _sql,
}


@main.command()
@click.argument("paths", nargs=-1, required=True)
@dialect_option
@external_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(INSPECT_FORMATS)),
    default="table",
    show_default=True,
    help="Readable table, the JSON model other tools consume, or the model as PostgreSQL DDL"
    " (one flat file a database loads: a migrations folder flattened).",
)
@click.option("--verbose", "-v", is_flag=True, help="List every skipped statement.")
@_friendly_errors
def inspect(
    paths: tuple[str, ...], dialect: str, external: tuple[str, ...], fmt: str, verbose: bool
) -> None:
    """Show the schema model read from PATHS (files, migration folders, globs)."""
    from . import pipeline
    from .config import load
    from .dialect import of

    # the server version in [tool.schemagen] shapes the model, as it does for generate
    built = pipeline.load(paths, of(dialect).at_version(load().postgres_version), external)
    _warn(built.warnings)
    click.echo(INSPECT_FORMATS[fmt](built, verbose), nl=False)


def run_options(command: F) -> F:
    """PATHS and the options `generate` and `check` share, resolved over [tool.schemagen]
    into one `Run` passed as `run`: both commands see exactly the same inputs."""

    @click.argument("paths", nargs=-1)
    @click.option(
        "--dialect",
        type=click.Choice(DIALECTS),
        default=None,
        help="SQL dialect of the inputs  [default: from pyproject.toml, else postgres]",
    )
    @click.option("--out", metavar="DIR", default=None, help="Directory of the generated package.")
    @click.option("--seed", type=int, default=None, help="Seed of the rows (same seed, same rows).")
    @click.option("--locale", default=None, help="Faker locale, e.g. en_US, de_DE.")
    @click.option(
        "--null-ratio", type=float, default=None, help="Share of NULLs in nullable columns."
    )
    @click.option(
        "--templates", metavar="DIR", default=None, help="Override templates/*.j2 by name."
    )
    @external_option
    @wraps(command)
    def resolved(paths: tuple[str, ...], out: str | None, external: tuple[str, ...],
                 **options: Any) -> Any:  # fmt: skip
        from .config import resolve_run

        names = ("dialect", "seed", "locale", "null_ratio", "templates")
        settings = {name: options.pop(name) for name in names}
        return command(resolve_run(paths, out, external, **settings), **options)

    return resolved  # type: ignore[return-value]


@main.command()
@_friendly_errors
@run_options
def generate(run: Run) -> None:
    """Generate factories, TABLE_SCHEMAS and computed columns from PATHS into --out.

    With [tool.schemagen] in pyproject.toml (inputs, out, dialect, seed, overrides...),
    a bare `schemagen generate` works; options override the file.
    """
    from . import pipeline
    from .progress import Progress

    progress = Progress()  # a status line on a terminal only

    def warn(diagnostics: Any) -> None:
        progress.clear()
        _warn(diagnostics)

    made, result = pipeline.generate(run, warn=warn, on_wait=_waiting, progress=progress)
    progress.clear()
    for unchecked in made.built.functions_unchecked:
        click.echo(f"note: {unchecked}", err=True)
    for note in made.package.notes:
        click.echo(note)
    click.echo(
        f"{run.out}: {len(made.built.schema.tables)} tables; {len(result.written)} file(s) written,"
        f" {len(result.removed)} removed, {len(result.unchanged)} unchanged"
    )


@main.command()
@_friendly_errors
@click.option("--diff", "show_diff", is_flag=True, help="Also print a unified diff of the files.")
@click.option(
    "--strict-version",
    is_flag=True,
    help="Fail when only schemagen's own version differs (by default: reported, not failed).",
)
@click.option(
    "--full",
    is_flag=True,
    help="Regenerate from the SQL alone (no fast path, no cache) and compare every byte:"
    " the mode for CI.",
)
@run_options
def check(run: Run, show_diff: bool, strict_version: bool, full: bool) -> None:
    """Exit 1 when the generated package no longer matches the SQL, and say why.

    Takes the same inputs and options as `generate` (or [tool.schemagen]); exit 0 when the
    package is current, 1 when it is not, 2 on bad SQL, config or a missing --out.
    Without --full, a package whose manifest still matches the inputs and files is trusted.
    """
    from . import drift

    result = drift.check(run, strict_version=strict_version, full=full, on_wait=_waiting)
    text = result.explain(with_diff=show_diff)
    if result.in_sync:
        if text:
            click.echo(text)
        click.echo(f"{run.out}: up to date with {', '.join(run.inputs)}")
        return
    if result.problems or result.changes or not result.functions:
        click.echo(f"{run.out}: out of date with {', '.join(run.inputs)}", err=True)
    click.echo(text, err=True)
    if result.problems:
        click.echo(f"Fix: {drift.fix_command(run)}", err=True)
    if result.functions:
        click.echo(
            "Fix the functions: CREATE OR REPLACE them (in a new migration) to read what the"
            " schema has now",
            err=True,
        )
    sys.exit(EXIT_DRIFT)
