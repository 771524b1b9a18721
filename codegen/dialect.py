"""One object per database: everything the pipeline does differently for it.

In the spirit of sqlglot's dialect classes: callers ask the dialect (`dialect.folds_case`,
`dialect.read(...)`, `dialect.name_constraints(table)`) instead of comparing its name, so a
new dialect-specific behaviour has one obvious home. `of(name)` gives the object for a name;
the config carries it as `Config.sql_dialect`; the schema model keeps the name (JSON).

The readers are imported when first used: pglast is not loaded to read a SQLite schema.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from .errors import SchemagenError
from .model import DEFAULT_SCHEMA, Identity, Schema, SqlType, Table
from .mysqltypes import TypeLimits, mysql_limits
from .naming import name_mysql, name_postgres

if TYPE_CHECKING:
    from . import ddl
    from .parse.cache import StatementCache
    from .sources import SourceFile
    from .sqlexpr.dialects import Dialect as Semantics
    from .testdb import Backend

    Reader = Callable[[SourceFile, StatementCache | None], list[ddl.Statement]]

Name = Literal["postgres", "sqlite", "mysql"]
OLDEST_POSTGRES, NEWEST_POSTGRES = 13, 18  # the server versions whose catalog is modelled

# The Python type of the values a column of each category holds, as the generated package
# writes it in annotations (rows, compiled functions); a category missing here is `Any`.
PYTHON_TYPES: Mapping[str, str] = {
    "smallint": "int", "integer": "int", "bigint": "int", "year": "int",
    "numeric": "Decimal", "money": "Decimal", "real": "float", "double": "float",
    "text": "str", "varchar": "str", "char": "str", "xml": "str", "tsvector": "str",
    "inet": "str", "cidr": "str", "macaddr": "str", "macaddr8": "str", "bit": "str",
    "varbit": "str", "set": "str", "enum": "str", "ltree": "str", "boolean": "bool",
    "date": "date", "time": "time", "timetz": "time", "timestamp": "datetime",
    "timestamptz": "datetime", "uuid": "UUID", "bytes": "bytes",
}  # fmt: skip
# not here: an interval is a timedelta, or the SQL runtime's Interval when it counts months
# MySQL's BOOLEAN is TINYINT(1)
_MYSQL_PYTHON_TYPES: Mapping[str, str] = {**PYTHON_TYPES, "boolean": "int", "bit": "Any"}
# SQLite keeps a value's storage class: INTEGER, REAL, TEXT or BLOB (booleans are 1/0,
# numbers without a fraction INTEGER, times ISO text)
_SQLITE_PYTHON_TYPES: Mapping[str, str] = {
    "smallint": "int", "integer": "int", "bigint": "int", "boolean": "int",
    "numeric": "float", "real": "float", "double": "float",
    "text": "str", "varchar": "str", "char": "str", "date": "str", "time": "str",
    "timestamp": "str", "timestamptz": "str", "uuid": "str", "json": "str", "jsonb": "str",
    "bytes": "bytes",
}  # fmt: skip


class Dialect:
    """The base: PostgreSQL's answers; the other dialects override where they differ."""

    name: Name = "postgres"
    sqlglot: str = "postgres"  # what sqlglot's `read=` / `dialect=` take
    # the server's major version, where the model depends on it (config `postgres_version`)
    version: int = NEWEST_POSTGRES
    # -- names (catalog)
    folds_case: bool = False  # unquoted column (and SQLite table) names ignore case
    names_indexes: bool = True  # an unnamed CREATE INDEX gets the database's name for it
    index_names_per_table: bool = False  # index names are unique per table, not per schema
    builtin_tables: bool = True  # well-known external tables (Supabase's auth.users)
    # -- values (catalog, plan, value generators)
    pk_columns_nullable: bool = False  # PRIMARY KEY does not imply NOT NULL (SQLite)
    type_affinity: bool = False  # declared types are affinities, values keep their class
    native_booleans: bool = True  # booleans are True/False, not 1/0
    pglast_bodies: bool = True  # function bodies are PostgreSQL's (bodycheck reads them)
    exact_numeric_literals: bool = True  # numeric DEFAULT literals are Decimal at their scale
    # The driver exchanges time-zone-aware datetimes. MySQL's TIMESTAMP is an instant too, but
    # PyMySQL and mysqlclient send and return naive datetimes (in the session's time zone),
    # and MariaDB and MySQL before 8.0.19 reject a value with an offset.
    aware_datetimes: bool = True
    # create() finds the inserted row again by its key (no RETURNING: MySQL; SQLite < 3.35)
    reselects_rows: bool = False
    # -- syntax (the sqlglot reader)
    table_options: bool = False  # WITHOUT ROWID / STRICT after a CREATE TABLE's columns
    inline_indexes: bool = False  # INDEX / KEY inside CREATE TABLE
    autoincrement: Identity | None = None  # what an AUTOINCREMENT / AUTO_INCREMENT column is
    # -- the in-memory database (outputs/database.py)
    collations_fold_case: bool = False  # default text collations compare ignoring case
    canonical_type_names: bool = True  # errors name types canonically (character varying)
    # scripts are read as the mysql client sends them: DELIMITER, /*!50003 ... */
    client_scripts: bool = False
    # -- tests (the pytest plugin)
    rpc_functions: bool = True  # SQL functions a test calls for real, as PostgREST would
    # -- the in-memory Database's engine (outputs/database.py hands these to SchemaSpec)
    aborts_transactions: bool = True  # an error inside a transaction block aborts it (25P02)
    statement_per_row: bool = False  # Database.connect inserts row by row (no DEFAULT in VALUES)
    fields_in_order: bool = False  # an INSERT's fields are stored (and fail) one by one, as listed
    nulls_sort_low: bool = False  # NULL sorts before every value
    like_ignores_case: bool = False  # LIKE ignores (ASCII) case
    restrict_violation: bool = True  # ON DELETE/UPDATE RESTRICT fails with its own 23001
    json_as_text: bool = False  # JSON columns hand back the text stored (MariaDB's LONGTEXT)
    strict_mode_values: bool = False  # values converted as MySQL's strict sql_mode does
    char_strips_pad: bool = False  # CHAR(n) is read back without trailing spaces (MySQL)
    # -- the generated code's annotations
    python_types: Mapping[str, str] = PYTHON_TYPES

    def at_version(self, version: int) -> Dialect:
        """This dialect as a server of that major version behaves."""
        if version == self.version:
            return self
        other = copy.copy(self)
        other.version = version
        return other

    @property
    def partitions_share_identity(self) -> bool:
        """Partitions take the parent's identity column (PostgreSQL 17 and later); before,
        a partition's column is a plain NOT NULL one."""
        return self.version >= 17

    @property
    def default_schema(self) -> str:
        """The schema whose tables are keyed by bare name (`public`, `main`, none)."""
        return DEFAULT_SCHEMA[self.name]

    def name_constraints(self, table: Table) -> Table:
        """The table with unnamed constraints named as the database names them."""
        return name_postgres(table)

    def python_type(self, t: SqlType) -> str:
        """The annotation of the values a column of type `t` holds (`Any` when unknown)."""
        if t.category == "array" and t.element is not None:
            return f"list[{self.python_type(t.element)}]"
        return self.python_types.get(t.category, "Any")

    def type_limits(self, t: SqlType) -> TypeLimits | None:
        """Bounds the type puts on generated values beyond its category's (None: none)."""
        return None

    @property
    def expressions(self) -> Semantics:
        """The expression compiler's semantics for this database (`codegen/sqlexpr`)."""
        from .sqlexpr.postgres import POSTGRES

        return POSTGRES

    def reader(self) -> Reader:
        """The statement reader: one file, through the statement cache."""
        from .parse import postgres

        return postgres.read

    def expression_columns(self, sql: str, index_element: bool = False) -> set[str] | None:
        """Names of the columns an expression reads; None when it cannot be parsed."""
        from .parse import postgres

        return postgres.expression_columns(sql, index_element)

    def rename_column(self, sql: str, old: str, new: str, index_element: bool = False) -> str:
        """The expression reading column `old` as `new`, spelled as this dialect's reader."""
        from .parse import postgres

        return postgres.rename_column(sql, old, new, index_element)

    def query_relations(self, sql: str) -> set[str] | None:
        """Keys of the tables and views a view's query reads (DROP ... CASCADE follows
        them); None when not known."""
        from .parse import postgres

        return postgres.query_relations(sql)

    def test_backend(
        self, files: Sequence[SourceFile], url: str | None, run_id: str | None
    ) -> Backend:
        """The pytest plugin's test databases for this dialect (codegen/testdb.py)."""
        from . import testdb

        return testdb.postgres_backend(files, url, run_id)

    def to_sql(self, schema: Schema) -> str | None:
        """The model written back as DDL a database loads (`inspect --format sql`); None
        where there is no writer for this dialect."""
        from . import sqlout

        return sqlout.to_sql(schema)

    def __repr__(self) -> str:
        shown = "" if self.version == Dialect.version else f" {self.version}"
        return f"<dialect {self.name}{shown}>"


class _SqlglotRead(Dialect):
    """Dialects read by sqlglot (SQLite, MySQL): names ignore case, no built-in tables."""

    folds_case = True
    names_indexes = False
    builtin_tables = False
    native_booleans = False
    pglast_bodies = False
    exact_numeric_literals = False
    aware_datetimes = False
    reselects_rows = True
    rpc_functions = False
    canonical_type_names = False
    aborts_transactions = False
    statement_per_row = True
    nulls_sort_low = True
    restrict_violation = False

    def reader(self) -> Reader:
        from .parse import sqlglot_reader

        return sqlglot_reader.reader(self)

    def expression_columns(self, sql: str, index_element: bool = False) -> set[str] | None:
        from .parse import sqlglot_reader

        return sqlglot_reader.expression_columns(sql, self.name)

    def rename_column(self, sql: str, old: str, new: str, index_element: bool = False) -> str:
        from .parse import sqlglot_reader

        return sqlglot_reader.rename_column(sql, old, new, self.name)

    def query_relations(self, sql: str) -> set[str] | None:
        return None  # views are not followed by DROP here

    def to_sql(self, schema: Schema) -> str | None:
        return None  # sqlout writes PostgreSQL DDL only


class SQLite(_SqlglotRead):
    name: Name = "sqlite"
    sqlglot = "sqlite"
    pk_columns_nullable = True
    type_affinity = True
    python_types = _SQLITE_PYTHON_TYPES
    table_options = True
    like_ignores_case = True
    autoincrement: Identity | None = "autoincrement"

    def test_backend(
        self, files: Sequence[SourceFile], url: str | None, run_id: str | None
    ) -> Backend:
        from . import testdb

        return testdb.sqlite_backend(files, url, run_id)

    def name_constraints(self, table: Table) -> Table:
        return table  # SQLite keeps unnamed constraints unnamed

    @property
    def expressions(self) -> Semantics:
        from .sqlexpr.sqlite import SQLITE

        return SQLITE


class MySQL(_SqlglotRead):
    name: Name = "mysql"
    sqlglot = "mysql"
    index_names_per_table = True
    inline_indexes = True
    fields_in_order = True
    json_as_text = True
    strict_mode_values = True
    autoincrement: Identity | None = "auto_increment"
    collations_fold_case = True
    client_scripts = True
    char_strips_pad = True
    python_types = _MYSQL_PYTHON_TYPES

    def test_backend(
        self, files: Sequence[SourceFile], url: str | None, run_id: str | None
    ) -> Backend:
        from . import testdb

        return testdb.mysql_backend(files, url, run_id)

    def name_constraints(self, table: Table) -> Table:
        return name_mysql(table)

    def type_limits(self, t: SqlType) -> TypeLimits | None:
        return mysql_limits(t)

    @property
    def expressions(self) -> Semantics:
        from .sqlexpr.mysql import MYSQL

        return MYSQL


POSTGRES, SQLITE, MYSQL = Dialect(), SQLite(), MySQL()
DIALECTS: dict[str, Dialect] = {d.name: d for d in (POSTGRES, SQLITE, MYSQL)}
NAMES: tuple[str, ...] = tuple(DIALECTS)
DEFAULT = POSTGRES


def of(dialect: str | Dialect) -> Dialect:
    """The dialect object for a name (objects pass through)."""
    if isinstance(dialect, Dialect):
        return dialect
    found = DIALECTS.get(dialect)
    if found is None:
        raise SchemagenError(f"unknown dialect {dialect!r} (expected one of: {', '.join(NAMES)})")
    return found
