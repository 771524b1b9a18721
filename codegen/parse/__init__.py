"""Readers: one module per dialect family, each `read(SourceFile) -> list[Statement]`.

PostgreSQL is read by pglast (PostgreSQL's own grammar); SQLite and MySQL by sqlglot.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .. import ddl
from ..errors import SchemagenError
from ..sources import SourceFile
from .cache import StatementCache

Reader = Callable[[SourceFile, StatementCache | None], list[ddl.Statement]]
DIALECTS = ("postgres", "sqlite", "mysql")


def reader_for(dialect: str) -> Reader:
    """The dialect's reader: it reads a file statement by statement, through the cache."""
    if dialect == "postgres":
        from . import postgres

        return postgres.read
    if dialect in ("sqlite", "mysql"):
        from . import sqlglot_reader

        return sqlglot_reader.reader(dialect)
    raise SchemagenError(f"unknown dialect {dialect!r} (expected one of: {', '.join(DIALECTS)})")


def read_all(
    files: Sequence[SourceFile], dialect: str, cache: StatementCache | None = None
) -> list[ddl.Statement]:
    read = reader_for(dialect)
    return [statement for file in files for statement in read(file, cache)]


# Expressions the catalog keeps as text (CHECK, generated columns, index expressions and
# predicates) follow the columns they read: RENAME COLUMN rewrites them and DROP COLUMN drops
# them, as the database does. Each dialect's own parser reads and re-renders them, so a
# rewritten expression is spelled like every other one from that reader.


def expression_columns(sql: str, dialect: str, index_element: bool = False) -> set[str] | None:
    """Names of the columns an expression reads; None when it cannot be parsed."""
    if dialect == "postgres":
        from . import postgres

        return postgres.expression_columns(sql, index_element)
    from . import sqlglot_reader

    return sqlglot_reader.expression_columns(sql, dialect)


def rename_column(sql: str, old: str, new: str, dialect: str, index_element: bool = False) -> str:
    """The expression with column `old` read as `new` (unchanged when it does not read it)."""
    if dialect == "postgres":
        from . import postgres

        return postgres.rename_column(sql, old, new, index_element)
    from . import sqlglot_reader

    return sqlglot_reader.rename_column(sql, old, new, dialect)


def query_relations(sql: str, dialect: str) -> set[str] | None:
    """Keys of the tables and views a view's query reads; None when not known."""
    if dialect != "postgres":
        return None
    from . import postgres

    return postgres.query_relations(sql)
