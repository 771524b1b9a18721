"""Readers: one module per dialect family, each `read(SourceFile) -> list[Statement]`.

PostgreSQL is read by pglast (PostgreSQL's own grammar); SQLite and MySQL by sqlglot.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .. import ddl
from ..errors import SchemagenError
from ..sources import SourceFile

Reader = Callable[[SourceFile], list[ddl.Statement]]
DIALECTS = ("postgres", "sqlite", "mysql")


def reader_for(dialect: str) -> Reader:
    if dialect == "postgres":
        from . import postgres

        return postgres.read
    if dialect in ("sqlite", "mysql"):
        from . import sqlglot_reader

        return sqlglot_reader.reader(dialect)
    raise SchemagenError(f"unknown dialect {dialect!r} (expected one of: {', '.join(DIALECTS)})")


def read_all(files: Sequence[SourceFile], dialect: str) -> list[ddl.Statement]:
    read = reader_for(dialect)
    return [statement for file in files for statement in read(file)]
