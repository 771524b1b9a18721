"""The `schemagen` command: a thin shell over the pipeline stages.

It parses options, calls the stages, and turns `SchemagenError` into a located message on
stderr with exit code 2 (1 is reserved for `check` finding drift).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from . import __version__, pipeline, report
from .errors import SchemagenError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_DRIFT = 1
EXIT_BAD_INPUT = 2


def _friendly_errors(command: F) -> F:
    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except SchemagenError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_BAD_INPUT)

    return run  # type: ignore[return-value]


def _warn(warnings: list[Any]) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


dialect_option = click.option(
    "--dialect",
    type=click.Choice(["postgres", "sqlite", "mysql"]),
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


@main.command()
@click.argument("paths", nargs=-1, required=True)
@dialect_option
@external_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Readable table, or the JSON model other tools consume.",
)
@click.option("--verbose", "-v", is_flag=True, help="List every skipped statement.")
@_friendly_errors
def inspect(
    paths: tuple[str, ...], dialect: str, external: tuple[str, ...], fmt: str, verbose: bool
) -> None:
    """Show the schema model read from PATHS (files, migration folders, globs)."""
    built = pipeline.load(paths, dialect, external)
    _warn(built.warnings)
    if fmt == "json":
        click.echo(json.dumps(built.schema.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.render(built.schema, verbose), nl=False)
