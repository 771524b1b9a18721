"""Readers: one module per dialect family, each `read(SourceFile) -> list[Statement]`.

PostgreSQL is read by pglast (PostgreSQL's own grammar); SQLite and MySQL by sqlglot. The
dialect object (`codegen.dialect`) says which reader a dialect uses; it also carries the
expression helpers the catalog needs (the columns an expression reads, a column renamed in
an expression), each done by the dialect's own parser so a rewritten expression is spelled
like every other one from that reader.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import ddl
from ..dialect import Dialect, of
from ..sources import SourceFile
from .cache import StatementCache


def read_all(
    files: Sequence[SourceFile], dialect: str | Dialect, cache: StatementCache | None = None
) -> list[ddl.Statement]:
    read = of(dialect).reader()
    return [statement for file in files for statement in read(file, cache)]
