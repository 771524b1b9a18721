"""The in-memory database engine: rows per table, the schema enforced on every write.

Copied verbatim into generated packages (stdlib + the SQL runtime only).
The generated `database.py` describes the schema with the specs below (columns, keys,
foreign keys) and hands in the functions the expression compiler already produced
(computed columns, CHECKs, DEFAULTs, partial/expression unique keys); this module only
stores rows and applies those rules in the order the database does, raising `DatabaseError`
with the database's SQLSTATE and words.

Writes are statements: each one is all or nothing (an undo log rolls a failed statement
back), transactions and savepoints are marks in the same log, and sequences live outside
it, so they are not rolled back (as in PostgreSQL).
"""

from __future__ import annotations

import copy
import ipaddress
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cmp_to_key
from typing import Any

from . import _database_exclude as exclusion
from . import _database_mysql as mysql
from . import _database_ranges as ranges
from . import _errors
from . import _sqlruntime as rt

Row = dict[str, Any]
RowFn = Callable[[Mapping[str, Any]], Any]
# a table's generated one-row INSERT ... RETURNING *: None hands the row to the general path
FastInsert = Callable[[Mapping[str, Any]], "list[Row] | None"]


APIError = _errors.APIError  # the one error shape (database.py imports it from here)


class DatabaseError(APIError):
    """An error as the database reports it: `code` is the SQLSTATE (23505, 23503, ...), or
    PostgREST's code (PGRST116) for the builder's own errors; the RPC client's `RPCError`
    is the same `APIError`."""

    def __init__(
        self, code: str, message: str, details: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, code, details, hint)


# ------------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class TypeSpec:
    category: str  # the model's category, domains resolved (integer, varchar, enum, ...)
    sql: str  # as the database names the type in messages
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    labels: tuple[str, ...] = ()  # enum labels
    element: TypeSpec | None = None  # array element
    affinity: str = ""  # SQLite column affinity
    domain: str | None = None
    bounds: tuple[int, int] | None = None  # a MySQL integer type's range (unsigned too)
    strict: bool = False  # values converted as MySQL's strict sql_mode does
    strips_pad: bool = False  # MySQL's CHAR(n): read back without trailing spaces


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: TypeSpec
    nullable: bool = True
    default: Callable[[], Any] | None = None  # the compiled DEFAULT
    # always | by default | serial | auto_increment | rowid | autoincrement (SQLite's keyword)
    identity: str | None = None
    generated: bool = False  # its value comes from TableSpec.computed
    # how a MySQL collation compares the column's text (_database_mysql.collation_key):
    # pad (trailing spaces ignored), general (and case, accents), uca (ß = ss too), uca_nopad
    collate: str = ""
    on_update: Callable[[], Any] | None = None  # MySQL's ON UPDATE CURRENT_TIMESTAMP

    @property
    def ci(self) -> bool:
        """Compared ignoring case (a MySQL _ci collation)."""
        return self.collate not in ("", "pad")


@dataclass(frozen=True)
class UniqueSpec:
    name: str
    columns: tuple[str, ...]  # what the key shows in messages (expression SQL too)
    parts: tuple[RowFn, ...] = ()  # compiled expressions of an expression index
    where: RowFn | None = None  # compiled predicate of a partial index
    primary: bool = False
    nulls_distinct: bool = True


@dataclass(frozen=True)
class ForeignKeySpec:
    name: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    deferred: bool = False  # DEFERRABLE INITIALLY DEFERRED: checked at COMMIT


@dataclass(frozen=True)
class CheckSpec:
    name: str
    sql: str
    predicate: RowFn
    domain: str | None = None


@dataclass(frozen=True)
class TableSpec:
    key: str
    sql_name: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    uniques: tuple[UniqueSpec, ...] = ()  # the primary key first
    foreign_keys: tuple[ForeignKeySpec, ...] = ()
    checks: tuple[CheckSpec, ...] = ()
    computed: Mapping[str, RowFn] | None = None
    # EXCLUDE constraints (_database_exclude): name, columns, one operator per column, how
    # many of `uniques` PostgreSQL checks before it (its index is older), and whether it is
    # INITIALLY DEFERRED (checked at COMMIT, or at the end of a statement outside a block)
    excludes: tuple[tuple[str, tuple[str, ...], tuple[str, ...], int, bool], ...] = ()

    @property
    def name(self) -> str:
        return self.sql_name[-1]


@dataclass(frozen=True)
class SchemaSpec:
    """The schema, and how its database behaves where databases differ."""

    dialect: str  # postgres | sqlite | mysql (for messages; behaviour comes from the flags)
    tables: tuple[TableSpec, ...]
    affinity: bool = False  # SQLite: values stored by type affinity, nothing type-checked
    aborts: bool = True  # an error inside a transaction block aborts it (25P02)
    per_row: bool = False  # Database.connect inserts one statement per row
    fields_in_order: bool = False  # MySQL: fields stored (and failing) one by one, as listed
    nulls_low: bool = False  # NULL sorts before every value
    like_ignores_case: bool = False  # SQLite's LIKE
    restrict_violation: bool = True  # ON ... RESTRICT fails with 23001, not 23503
    # each table's generated one-row insert (see FastKit), in the order of `tables`; None:
    # the general path only
    inserts: Sequence[Callable[[_Table, FastKit], FastInsert] | None] | None = None


# ------------------------------------------------------------------------------ errors


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _key_text(columns: Sequence[str], values: Sequence[Any]) -> str:
    return f"({', '.join(columns)})=({', '.join(_text(v) for v in values)})"


def _failing(row: Mapping[str, Any]) -> str:
    return f"Failing row contains ({', '.join(_text(v) for v in row.values())})."


def _from_sql_error(error: rt.SqlError) -> DatabaseError:
    detail, hint = getattr(error, "detail", None), getattr(error, "hint", None)
    return DatabaseError(error.sqlstate, str(error), detail, hint)


def undefined_table(name: str) -> DatabaseError:
    return DatabaseError("42P01", f'relation "{name}" does not exist')


def undefined_column(table: TableSpec, name: str) -> DatabaseError:
    return DatabaseError("42703", f'column "{name}" of relation "{table.name}" does not exist')


def _mismatch(column: ColumnSpec, value: Any) -> DatabaseError:
    kind = _PY_TYPES.get(type(value), type(value).__name__)
    return DatabaseError(
        "42804",
        f'column "{column.name}" is of type {column.type.sql} but expression is of type {kind}',
        hint="You will need to rewrite or cast the expression.",
    )


_PY_TYPES = {bool: "boolean", int: "integer", float: "double precision", Decimal: "numeric",
             str: "text", bytes: "bytea", dict: "jsonb", list: "array", uuid.UUID: "uuid",
             date: "date", datetime: "timestamp", time: "time", timedelta: "interval"}  # fmt: skip

# ---------------------------------------------------------------------- storing values

Coerce = Callable[[ColumnSpec, TypeSpec, Any], Any]


def _pg_int(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise _mismatch(column, value)
    return rt.to_int(value, t.category)


def _pg_numeric(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise _mismatch(column, value)
    return rt.to_numeric(value, t.precision, t.scale)


def _pg_float(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise _mismatch(column, value)
    return rt.to_real(value) if t.category == "real" else rt.to_double(value)


def _pg_text(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, (int, Decimal)):
        value = str(value)
    elif isinstance(value, float):
        value = rt.float_out(value)
    elif not isinstance(value, str):
        raise _mismatch(column, value)
    if t.category == "varchar":
        return rt.to_varchar(value, t.length, False)
    if t.category == "char":
        length = t.length or 1
        if len(value) > length and value[length:].strip(" "):
            raise rt.SqlError(f"value too long for type character({length})", "22001")
        kept = value[:length]
        return kept.rstrip(" ") if t.strips_pad else kept.ljust(length)
    return value


def _pg_bool(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    if isinstance(value, (bool, str)):
        return rt.to_bool(value)
    raise _mismatch(column, value)


def _pg_time_of(convert: Callable[[Any], Any], kinds: tuple[type, ...]) -> Coerce:
    def coerce(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
        if not isinstance(value, kinds):
            raise _mismatch(column, value)
        try:
            return convert(value)
        except NotImplementedError:
            raise DatabaseError(
                "22007", f'invalid input syntax for type {t.sql}: "{value}"',
                hint="The in-memory database reads ISO 8601 text only.",
            ) from None  # fmt: skip

    return coerce


def _pg_time(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            message = f'invalid input syntax for type {t.sql}: "{value}"'
            raise DatabaseError("22007", message) from None
    raise _mismatch(column, value)


def _pg_uuid(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    if not isinstance(value, (str, uuid.UUID)):
        raise _mismatch(column, value)
    return rt.to_uuid(value)


def _pg_enum(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    if not isinstance(value, str):
        raise _mismatch(column, value)
    if value not in t.labels:
        raise DatabaseError("22P02", f'invalid input value for enum {t.sql}: "{value}"')
    return value


def _pg_json(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        raise DatabaseError("22P02", f"invalid input syntax for type {t.category}") from None


def _json_text(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    """JSON kept as the text sent (MariaDB's JSON is LONGTEXT; drivers return text)."""
    return value if isinstance(value, str) else json.dumps(value)


def _pg_bytes(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise _mismatch(column, value)


def _pg_inet(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    try:
        if t.category == "cidr":
            return ipaddress.ip_network(value)
        found = ipaddress.ip_interface(value)
    except ValueError:
        raise DatabaseError("22P02", f'invalid input syntax for type {t.sql}: "{value}"') from None
    full = found.network.prefixlen == found.max_prefixlen
    return found.ip if full else found


def _pg_array(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    if not isinstance(value, (list, tuple)):
        raise _mismatch(column, value)
    element = t.element
    if element is None:
        return list(value)
    return [None if v is None else coerce_value(column, element, v, False) for v in value]


def _as_is(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    return value


def _pg_range(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    """A range or multirange as PostgreSQL stores it (canonical, printed as it prints it);
    a range type `_database_ranges` does not read is kept as written."""
    if isinstance(value, ranges.RangeText):
        return value
    kind = ranges.kind_of(t.sql)
    if kind not in ranges.SUBTYPES:
        return value
    stored = ranges.read(value, kind, t.category == "multirange")
    if stored is None:
        raise _mismatch(column, value)
    return stored


_PG: dict[str, Coerce] = {
    **dict.fromkeys(("smallint", "integer", "bigint"), _pg_int),
    "numeric": _pg_numeric, "money": _as_is,
    **dict.fromkeys(("real", "double"), _pg_float),
    **dict.fromkeys(("text", "varchar", "char"), _pg_text),
    "boolean": _pg_bool,
    "date": _pg_time_of(rt.to_date, (str, date)),
    "timestamp": _pg_time_of(rt.to_timestamp, (str, date)),
    "timestamptz": _pg_time_of(rt.to_timestamptz, (str, date)),
    "time": _pg_time, "uuid": _pg_uuid, "enum": _pg_enum,
    **dict.fromkeys(("json", "jsonb"), _pg_json),
    "json_text": _json_text,
    "bytes": _pg_bytes, **dict.fromkeys(("inet", "cidr"), _pg_inet), "array": _pg_array,
    **dict.fromkeys(("range", "multirange"), _pg_range),
}  # fmt: skip


def sqlite_bind(value: Any) -> Any:
    """A Python value as it is bound to a SQLite statement (what the connection sends)."""
    if value is None or isinstance(value, (int, float, str, bytes)):
        return int(value) if isinstance(value, bool) else value
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time, Decimal, uuid.UUID, timedelta)):
        return str(value) if not isinstance(value, (date, time)) else value.isoformat()
    return value


def _sqlite(column: ColumnSpec, t: TypeSpec, value: Any) -> Any:
    stored = rt.sq_store(sqlite_bind(value), t.affinity or "BLOB")
    if column.identity in _ROWIDS and not isinstance(stored, int):
        raise DatabaseError("22P02", "datatype mismatch")
    return stored


def _same(kind: type) -> Callable[[TypeSpec], Callable[[Any], bool]]:
    return lambda t: lambda v: type(v) is kind


def _int_in(t: TypeSpec) -> Callable[[Any], bool]:
    low, high = rt.INT_RANGES[t.category]
    return lambda v: type(v) is int and low <= v <= high


def _str_within(t: TypeSpec) -> Callable[[Any], bool]:
    n = t.length
    if t.category == "char":
        n = n or 1
        return lambda v: type(v) is str and len(v) == n
    return (lambda v: type(v) is str) if n is None else (lambda v: type(v) is str and len(v) <= n)


def _label_of(t: TypeSpec) -> Callable[[Any], bool]:
    labels = frozenset(t.labels)
    return lambda v: type(v) is str and v in labels


# What a PostgreSQL column stores unchanged: a value of exactly this Python type (within
# the column's length or range) skips the conversion above. Anything else takes it.
_PG_STORED: dict[str, Callable[[TypeSpec], Callable[[Any], bool]]] = {
    **dict.fromkeys(("smallint", "integer", "bigint"), _int_in),
    **dict.fromkeys(("text", "varchar", "char"), _str_within),
    "enum": _label_of,
    "boolean": _same(bool),
    "uuid": _same(uuid.UUID),
    "date": _same(date),
    "timestamp": lambda t: lambda v: type(v) is datetime and v.tzinfo is None,
    "timestamptz": lambda t: lambda v: type(v) is datetime and v.tzinfo is UTC,
}


def stored_as_is(column: ColumnSpec, affinity: bool) -> Callable[[Any], bool] | None:
    """A test for values `coerce_value` would store unchanged (None: always convert)."""
    t = column.type
    if affinity or t.strict or t.bounds is not None or t.domain is not None or t.strips_pad:
        return None
    make = _PG_STORED.get(t.category)
    return None if make is None else make(t)


def numeric_kept(precision: int, scale: int) -> Callable[[Any], bool]:
    """A test for a numeric(precision, scale) value stored as it is: a Decimal already at
    the scale, within the precision, not -0 (`coerce_value` would return it unchanged)."""
    # at the scale, |v| < 10**digits is v.adjusted() < digits (a zero's is -scale): one
    # C call where two comparisons with an int took twice the whole test
    quantum, digits = Decimal(1).scaleb(-scale), precision - scale
    return lambda v: (type(v) is Decimal and v.same_quantum(quantum) and v.adjusted() < digits
                      and (bool(v) or not v.is_signed()))  # fmt: skip


def coerce_value(column: ColumnSpec, t: TypeSpec, value: Any, affinity: bool) -> Any:
    """The value the database stores for `value` written into `column` (or raises)."""
    if value is None:
        return None
    if affinity:
        return _sqlite(column, t, value)
    try:
        if t.strict and (stored := mysql.convert(column.name, t, value, column.ci)) is not (
            mysql.NOT_MINE
        ):
            return stored
        return _PG.get(t.category, _as_is)(column, t, value)
    except rt.SqlError as error:
        raise _from_sql_error(error) from None


_NUMBERS = ("smallint", "integer", "bigint", "numeric", "real", "double")
_ROWIDS = ("rowid", "autoincrement")  # SQLite's rowid alias, and one declared AUTOINCREMENT
_ROWID_OR_AUTO = (*_ROWIDS, "auto_increment")  # NULL written to it asks for the next value
_MOVES_SEQUENCE = ("auto_increment", "autoincrement")  # a value given moves the sequence
_PENDING: Any = object()  # an AUTO_INCREMENT value MySQL assigns only once the row is valid

# ------------------------------------------------------------------------------ tables


class _Index:
    """A UNIQUE rule's keys -> rowid (a row whose key has a NULL is not in it)."""

    def __init__(self, spec: UniqueSpec, table: TableSpec) -> None:
        self.spec = spec
        self.keys: dict[tuple[Any, ...], int] = {}
        rules = {c.name: c.collate for c in table.columns if c.collate}
        self._fold = (tuple(rules.get(c, "") for c in spec.columns)
                      if rules and not spec.parts else None)  # fmt: skip
        self.plain = not spec.parts and spec.where is None and self._fold is None

    def key(self, row: Mapping[str, Any]) -> tuple[Any, ...] | None:
        spec = self.spec
        if self.plain:  # the common case, kept short: inserts compute every key
            values = tuple([row[c] for c in spec.columns])
            return None if spec.nulls_distinct and None in values else values
        if spec.where is not None and _call(spec.where, row) is not True:
            return None
        values = (tuple(_call(p, row) for p in spec.parts) if spec.parts
                  else tuple(row[c] for c in spec.columns))  # fmt: skip
        if spec.nulls_distinct and None in values:
            return None
        if self._fold is not None:
            values = tuple(mysql.collation_key(v, rule)
                           for v, rule in zip(values, self._fold, strict=False))  # fmt: skip
        return values


def _call(fn: RowFn, row: Mapping[str, Any]) -> Any:
    try:
        return fn(row)
    except rt.SqlError as error:
        raise _from_sql_error(error) from None


def _on_update(table: _Table, rowid: int, changes: Row) -> Row:
    """MySQL's ON UPDATE CURRENT_TIMESTAMP: an UPDATE that changes a row and does not set
    the column itself sets it to the clock (an UPDATE to the same values does not)."""
    stamped = [c for c in table.stamped if c.name not in changes]
    old = table.rows.get(rowid)
    if not stamped or old is None or all(old.get(k) == v for k, v in changes.items()):
        return changes
    return {**changes, **{c.name: c.on_update() for c in stamped if c.on_update is not None}}


class _Table:
    def __init__(self, spec: TableSpec) -> None:
        self.spec = spec
        self.columns = {c.name: c for c in spec.columns}
        self.rows: dict[int, Row] = {}
        self.row_keys: dict[int, list[tuple[Any, ...] | None]] = {}  # rowid -> its index keys
        self.not_null = [c.name for c in spec.columns if not c.nullable]
        self.stamped = [c for c in spec.columns if c.on_update is not None]
        self.refusable = {c.name for c in spec.columns if c.generated or c.identity == "always"}
        self.indexes = [_Index(u, spec) for u in spec.uniques]
        self.next_rowid = 1
        self.computed = dict(spec.computed or {})
        self.checks = sorted((c for c in spec.checks if c.domain is None), key=lambda c: c.name)
        self.domain_checks: dict[str, list[CheckSpec]] = {}
        for check in spec.checks:
            if check.domain is not None:
                for name in _params(check.predicate):
                    self.domain_checks.setdefault(name, []).append(check)
        self.copy_values = any(c.type.category in ("json", "jsonb", "array")
                               for c in spec.columns)  # fmt: skip
        self.stored_as_is: dict[str, Callable[[Any], bool] | None] = {}
        self.auto_increment = [c for c in spec.columns if c.identity == "auto_increment"]
        self.plain_given = {  # a value given for these is stored as it is (no domain, no
            c.name  # sequence to move): complete() takes it without asking _column_value
            for c in spec.columns
            if c.identity not in _MOVES_SEQUENCE and c.name not in self.domain_checks
        }
        self._index_on: dict[tuple[str, ...], _Index | None] = {}
        self.types = {c.name: (c.type.category, c.type.sql) for c in spec.columns}

    def index_on(self, columns: Sequence[str]) -> _Index | None:
        """The plain UNIQUE rule on exactly these columns (what a FK or ON CONFLICT uses)."""
        key = tuple(columns)
        if key not in self._index_on:
            wanted = set(columns)
            self._index_on[key] = next((
                i for i in self.indexes
                if not i.spec.parts and i.spec.where is None and set(i.spec.columns) == wanted
            ), None)  # fmt: skip
        return self._index_on[key]

    def out(self, row: Row) -> Row:
        return copy.deepcopy(row) if self.copy_values else dict(row)


TableState = _Table  # what a table's generated insert is handed (with its FastKit)
MISSING: Any = object()  # a column the row leaves out (its DEFAULT or sequence applies)

_SQLITE_SEQUENCE = TableSpec("sqlite_sequence", ("sqlite_sequence",), (
    ColumnSpec("name", TypeSpec("text", "text")),
    ColumnSpec("seq", TypeSpec("integer", "integer")),
))  # fmt: skip

# ------------------------------------------------------------------------------ engine


class _Statement:
    """Engine.statement()'s block (a class: every insert enters one, and a generator-based
    context manager costs more than the rest of a small insert's bookkeeping)."""

    __slots__ = ("engine", "mark")

    def __init__(self, engine: Engine, mark: int) -> None:
        self.engine, self.mark = engine, mark

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        engine = self.engine
        if kind is not None:
            engine._bumps.clear()
            engine._undo(self.mark)
            if engine._marks and engine.schema.aborts:
                engine._aborted = True
            return  # the exception goes on
        if not engine._marks:
            engine._log.clear()


class HandOn(Exception):
    """A table's generated insert hands the row to the general path (which raises the
    database's error for it, or stores it)."""


@dataclass(frozen=True)
class FastKit:
    """What a table's generated one-row insert (`SchemaSpec.inserts`) takes from the engine.
    The generated code runs the rows that pass inline and hands every failure to the
    engine's own methods, so its errors are the general path's, word for word."""

    log: list[tuple[_Table, int, Row | None]]  # the undo log (written only inside a block)
    marks: list[int]  # non-empty: inside a transaction block
    sequences: dict[tuple[str, str], int]
    convert: Callable[[str, Any], Any]  # a given value as the column stores it, or HandOn
    store: Callable[[str, Any], Any]  # a DEFAULT's value as the column stores it (raises)
    invalid: Callable[[Row], None]  # NOT NULL, then CHECKs: raises the first that fails
    conflict: Callable[[Row], None]  # raises the UNIQUE violation the row makes
    parents: tuple[Callable[[tuple[Any, ...]], bool], ...]  # per foreign key: key present
    orphan: Callable[[int, Row], None]  # raises foreign key i's violation
    retract: Callable[[int], None]  # takes the row just written back out (a failed statement)
    defer: Callable[[], None]  # a deferred foreign key inside a block: checked at COMMIT
    sql_error: Callable[[rt.SqlError], DatabaseError]


Filter = tuple[str, str, Any]  # (column, operator, value): eq neq gt gte lt lte like ilike ...
Order = tuple[str, bool, bool | None]  # (column, descending, nulls first)
Event = tuple[_Table, int, Row | None, Row | None]  # table, rowid, old row, new row
Key = tuple[Any, ...] | None  # a row's key in a unique index (None: not in it)
Keys = list[Key]


class Engine:
    """Rows in memory and the rules of one schema; the front doors call these methods."""

    def __init__(self, schema: SchemaSpec) -> None:
        self.schema = schema
        self.tables = {t.key: _Table(t) for t in schema.tables}
        for table in self.tables.values():
            table.stored_as_is = {
                c.name: stored_as_is(c, schema.affinity) for c in table.spec.columns
            }
        self._names = {t.name: t.key for t in schema.tables}
        self._referencing: dict[str, list[tuple[_Table, ForeignKeySpec]]] = {}
        for table in self.tables.values():
            for fk in table.spec.foreign_keys:
                self._referencing.setdefault(fk.ref_table, []).append((table, fk))
        self._sequences: dict[tuple[str, str], int] = {}
        # SQLite's sqlite_sequence: a table of its own, so a rollback undoes it (unlike
        # PostgreSQL's and MySQL's sequences)
        self._sqlite_sequence = _Table(_SQLITE_SEQUENCE)
        self._slots = {key: i for i, key in enumerate(self.tables, 1)}
        self._bumps: list[tuple[tuple[str, str], int]] = []  # AUTO_INCREMENT past given ids
        self._log: list[tuple[_Table, int, Row | None]] = []
        self._marks: list[int] = []
        self._aborted = False
        self._deferred = False  # a deferred foreign key was left to check at COMMIT
        # rows written under a deferred EXCLUDE constraint, checked at COMMIT
        self._waiting: list[tuple[_Table, int, Row]] = []
        self._fast = {t.key: make(self.tables[t.key], self._kit(self.tables[t.key]))
                      for t, make in zip(schema.tables, schema.inserts or (), strict=False)
                      if make is not None}  # fmt: skip

    # -- lookup ---------------------------------------------------------------------------
    def table(self, name: str) -> _Table:
        found = self.tables.get(name) or self.tables.get(self._names.get(name, ""))
        if found is None:
            raise undefined_table(name)
        return found

    def column(self, table: _Table, name: str) -> ColumnSpec:
        column = table.columns.get(name)
        if column is None:
            raise undefined_column(table.spec, name)
        return column

    def coerce(self, table: _Table, name: str, value: Any) -> Any:
        column = self.column(table, name)
        return coerce_value(column, column.type, value, self.schema.affinity)

    # -- statements and transactions -------------------------------------------------------
    def statement(self) -> _Statement:
        """One statement: all or nothing. In PostgreSQL an error inside a transaction block
        aborts it (25P02 until it is rolled back); SQLite and MySQL undo the statement only."""
        if self._aborted:
            raise DatabaseError("25P02", "current transaction is aborted, commands ignored"
                                " until end of transaction block")  # fmt: skip
        return _Statement(self, len(self._log))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN (or SAVEPOINT when nested) ... COMMIT (RELEASE); ROLLBACK on an exception."""
        if self._aborted:
            raise DatabaseError("25P02", "current transaction is aborted, commands ignored"
                                " until end of transaction block")  # fmt: skip
        self._marks.append(len(self._log))
        try:
            yield
        except BaseException:
            self._undo(self._marks.pop())
            self._aborted = False
            if not self._marks:
                self._waiting.clear()
            raise
        mark = self._marks.pop()
        if self._aborted:  # the block swallowed an error: what the database does at its end
            self._undo(mark)
            self._aborted = False
            if self._marks:
                raise DatabaseError("25P02", "current transaction is aborted, commands ignored"
                                    " until end of transaction block")  # fmt: skip
        if not self._marks:
            self._commit(mark)

    def _commit(self, mark: int) -> None:
        """COMMIT: the deferred foreign keys are checked now; a violation rolls back all."""
        try:
            if self._deferred:
                self._check_deferred()
            if self._waiting:
                self._check_excluded()
        except DatabaseError:
            self._undo(mark)
            raise
        finally:
            self._deferred = False
            self._waiting.clear()
        self._log.clear()

    def reset(self) -> None:
        for table in self.tables.values():
            table.rows.clear()
            table.row_keys.clear()
            table.next_rowid = 1
            for index in table.indexes:
                index.keys.clear()
        self._sequences.clear()
        self._sqlite_sequence.rows.clear()
        self._log.clear()
        self._marks.clear()
        self._aborted = False
        self._deferred = False
        self._waiting.clear()

    def _undo(self, mark: int) -> None:
        while len(self._log) > mark:
            table, rowid, old = self._log.pop()
            self._place(table, rowid, old)

    # -- row storage -----------------------------------------------------------------------
    def _place(self, table: _Table, rowid: int, row: Row | None, keys: Keys | None = None) -> None:
        """Put `row` at `rowid` (None removes it), keeping the unique indexes in step."""
        if rowid in table.rows:
            for index, key in zip(table.indexes, table.row_keys.pop(rowid), strict=True):
                if key is not None and index.keys.get(key) == rowid:
                    del index.keys[key]
            del table.rows[rowid]
        if row is not None:
            keys = keys if keys is not None else [index.key(row) for index in table.indexes]
            table.rows[rowid] = row
            table.row_keys[rowid] = keys
            for index, key in zip(table.indexes, keys, strict=True):
                if key is not None:
                    index.keys[key] = rowid

    def _write(self, table: _Table, rowid: int, row: Row | None, keys: Keys | None = None) -> Event:
        old = table.rows.get(rowid)
        self._log.append((table, rowid, old))
        self._place(table, rowid, row, keys)
        return (table, rowid, old, row)

    def _conflict(self, table: _Table, row: Row, rowid: int) -> Keys:
        """The row's index keys; 23505 when another row holds one of them, 23P01 when it
        conflicts under an EXCLUDE constraint: each checked in the order of its index."""
        keys = [index.key(row) for index in table.indexes]
        excludes = table.spec.excludes
        for i, (index, key) in enumerate(zip(table.indexes, keys, strict=True)):
            if excludes:
                self._excluded(table, row, rowid, i.__eq__)
            other = None if key is None else index.keys.get(key)
            if other is not None and other != rowid:
                assert key is not None
                raise DatabaseError(
                    "23505",
                    f'duplicate key value violates unique constraint "{index.spec.name}"',
                    f"Key {_key_text(index.spec.columns, key)} already exists.",
                )
        if excludes:
            self._excluded(table, row, rowid, len(keys).__le__)
        return keys

    def _excluded(self, table: _Table, row: Row, rowid: int, now: Callable[[int], bool]) -> None:
        """23P01 when the row conflicts with a stored one under an EXCLUDE constraint
        whose place (`now`) has come. Under a deferred one the conflicting row waits for
        `_check_excluded` (PostgreSQL queues a recheck only for a row that met a conflict
        when it was written)."""
        for name, columns, operators, after, deferred in table.spec.excludes:
            if not now(after):
                continue
            found = exclusion.conflict(name, columns, operators, table.types,
                                       table.rows.items(), row, rowid, _text)  # fmt: skip
            if found is not None and deferred:
                self._waiting.append((table, rowid, row))
            elif found is not None:
                raise DatabaseError(*found)

    def _check_excluded(self) -> None:
        """The deferred EXCLUDE constraints, rechecked for each row that met a conflict
        when written, in that order (a row since changed or deleted is skipped)."""
        waiting, self._waiting = self._waiting, []
        for table, rowid, row in waiting:
            if table.rows.get(rowid) is not row:
                continue
            for name, columns, operators, _, deferred in table.spec.excludes:
                found = deferred and exclusion.conflict(
                    name, columns, operators, table.types, table.rows.items(), row, rowid, _text
                )
                if found:
                    raise DatabaseError(*found)

    # -- the row pipeline --------------------------------------------------------------------
    def given(
        self,
        table: _Table,
        rows: Sequence[Mapping[str, Any]],
        refuse: Callable[[ColumnSpec], DatabaseError | None],
        inserting: bool = True,
    ) -> list[Row]:
        """The caller's values, stored typed, failing in PostgreSQL's order: unknown columns
        and type mismatches (parse), generated/identity columns (rewrite), text that does not
        read as the type (bind), then length and range (casts of bound values are folded
        when the statement is planned): all before the first row is written."""
        known = table.columns.keys()
        for row in rows:
            if not row.keys() <= known:
                for name in row:
                    self.column(table, name)
        if self.schema.fields_in_order:
            return [self._fields(table, row, refuse, inserting) for row in rows]
        out: list[Row] = []
        at_bind: DatabaseError | None = None
        at_plan: DatabaseError | None = None
        as_is = table.stored_as_is
        for row in rows:
            values: Row = {}
            for name, value in row.items():
                accept = as_is[name]
                if value is None or (accept is not None and accept(value)):
                    values[name] = value  # stored as given: coerce_value would keep it
                    continue
                column = table.columns[name]
                try:
                    values[name] = coerce_value(column, column.type, value, self.schema.affinity)
                except DatabaseError as error:
                    if error.code == "42804":
                        raise
                    if _at_bind(column, value, error):
                        at_bind = at_bind or error
                    at_plan = at_plan or error
            out.append(values)
        for row in rows:
            if not table.refusable.isdisjoint(row):
                for name in row:
                    if name in table.refusable and (refused := refuse(table.columns[name])):
                        raise refused
        if at_bind is not None or at_plan is not None:
            raise at_bind or at_plan  # type: ignore[misc]
        return out

    def _fields(
        self,
        table: _Table,
        row: Mapping[str, Any],
        refuse: Callable[[ColumnSpec], DatabaseError | None],
        inserting: bool,
    ) -> Row:
        """MySQL stores the fields in the order the statement lists them, each one checked
        (a generated column, NULL into NOT NULL, then the value) as it is stored."""
        out: Row = {}
        for name, value in row.items():
            column = table.columns[name]
            if name in table.refusable and (refused := refuse(column)):
                raise refused
            if (
                inserting
                and value is None
                and not column.nullable
                and not self._auto_on_null(column)
            ):
                raise DatabaseError("23502", f"Column '{name}' cannot be null")
            out[name] = coerce_value(column, column.type, value, self.schema.affinity)
        return out

    def domains(self, table: _Table, values: Row) -> None:
        """Domain CHECKs, column by column, as the executor evaluates each row."""
        for column in table.spec.columns:
            if column.name in values:
                self._domain(table, column.name, values[column.name])

    def _domain(self, table: _Table, name: str, value: Any) -> None:
        for check in table.domain_checks.get(name, ()):
            if _holds(check, {name: value}) is False:
                raise DatabaseError(
                    "23514", f"value for domain {check.domain} violates check"
                    f' constraint "{check.name}"',
                )  # fmt: skip

    def complete(
        self, table: _Table, given: Mapping[str, Any], values_list: Sequence[str] = ()
    ) -> Row:
        """The whole new row as the executor projects it, then computed columns. A single
        row goes column by column (a sequence value is taken even when a later column's
        domain CHECK fails); a multi-row VALUES list is evaluated first, in its own column
        order (DEFAULTs written in it included), then the columns it leaves out."""
        row: Row = {}
        for name in values_list:
            row[name] = self._column_value(table, table.columns[name], given)
        plain = table.plain_given
        for column in table.spec.columns:
            name = column.name
            if name in plain and name in given and given[name] is not None:
                row[name] = given[name]  # what _column_value does for such a column
            elif name not in row:
                row[name] = self._column_value(table, column, given)
        if values_list:
            row = {c.name: row[c.name] for c in table.spec.columns}
        self._compute(table, row)
        return row

    def _column_value(self, table: _Table, column: ColumnSpec, given: Mapping[str, Any]) -> Any:
        name = column.name
        if name in given and not (given[name] is None and self._auto_on_null(column)):
            if name in table.domain_checks:
                self._domain(table, name, given[name])
            if column.identity in _MOVES_SEQUENCE:
                self._saw_value(table, column, given[name])
            return given[name]
        if column.identity == "auto_increment" and self.schema.fields_in_order:
            return _PENDING  # MySQL takes the value as the row is written
        if column.identity is not None and not column.generated:
            return self._next_value(table, column)
        if column.default is not None:
            return _default_of(column, self.schema.affinity)
        return None

    def _auto_on_null(self, column: ColumnSpec) -> bool:
        return column.identity in _ROWID_OR_AUTO

    def _next_value(self, table: _Table, column: ColumnSpec) -> int:
        key = (table.spec.key, column.name)
        if column.identity in _ROWIDS:
            used = [r[column.name] for r in table.rows.values() if r[column.name] is not None]
            value = max(used, default=0) + 1
            if column.identity == "autoincrement":
                value = max(value, self._sqlite_seq(table) + 1)
                self._saw_value(table, column, value)
            return value
        value = self._sequences.get(key, 0) + 1
        self._sequences[key] = value
        return value

    def _saw_value(self, table: _Table, column: ColumnSpec, value: Any) -> None:
        """MySQL's AUTO_INCREMENT moves past an explicit value (PostgreSQL's sequences do
        not); SQLite's AUTOINCREMENT keeps the largest rowid it was given or chose in
        sqlite_sequence, even for a row an upsert then did not insert."""
        if column.identity == "auto_increment" and isinstance(value, int):
            self._bumps.append(((table.spec.key, column.name), value))
        elif (column.identity == "autoincrement" and isinstance(value, int)
              and value > self._sqlite_seq(table)):  # fmt: skip
            row = {"name": table.spec.name, "seq": value}
            self._write(self._sqlite_sequence, self._slots[table.spec.key], row)

    def _bump(self) -> None:
        """InnoDB moves AUTO_INCREMENT past a given id once the row is in (every check
        passed), and keeps it there even if the transaction rolls back."""
        for key, value in self._bumps:
            self._sequences[key] = max(self._sequences.get(key, 0), value)
        self._bumps.clear()

    def _sqlite_seq(self, table: _Table) -> int:
        row = self._sqlite_sequence.rows.get(self._slots[table.spec.key])
        return 0 if row is None else int(row["seq"])

    def _compute(self, table: _Table, row: Row) -> None:
        for name, fn in table.computed.items():
            row[name] = _call(fn, row)
            if self.schema.affinity:  # a generated column has its declared affinity too
                column = table.columns[name]
                row[name] = coerce_value(column, column.type, row[name], self.schema.affinity)

    def validate(self, table: _Table, row: Row) -> None:
        """NOT NULL (in column order), then the CHECKs (by name, as PostgreSQL does)."""
        for name in table.not_null:
            if row[name] is None:
                raise DatabaseError(
                    "23502",
                    f'null value in column "{name}" of relation "{table.spec.name}"'
                    " violates not-null constraint",
                    _failing(row),
                )
        for check in table.checks:
            if _holds(check, row) is False:
                raise _check_violated(self.schema.dialect, table.spec.name, check, row)

    def add(self, table: _Table, row: Row) -> Event:
        rowid = table.next_rowid
        keys = self._conflict(table, row, rowid)
        table.next_rowid += 1
        return self._write(table, rowid, row, keys)

    def change(self, table: _Table, rowid: int, changes: Mapping[str, Any]) -> Event | None:
        """UPDATE one row: the new values, computed columns again, NOT NULL, CHECK, UNIQUE."""
        old = table.rows.get(rowid)
        if old is None:
            return None
        new = {**old, **changes}
        self._compute(table, new)
        self.validate(table, new)
        keys = self._conflict(table, new, rowid)
        return self._write(table, rowid, new, keys)

    def remove(self, table: _Table, rowid: int) -> Event | None:
        if rowid not in table.rows:
            return None
        return self._write(table, rowid, None)

    # -- foreign keys ------------------------------------------------------------------------
    def settle(self, events: list[Event]) -> None:
        """End of statement: run ON DELETE/ON UPDATE actions, then check every foreign key
        the statement touched (as PostgreSQL's RI triggers do)."""
        i = 0
        while i < len(events):
            table, _, old, new = events[i]
            i += 1
            if old is not None:
                events.extend(self._actions(table, old, new))
        for table, rowid, old, new in events:
            if new is not None and table.rows.get(rowid) is new:
                self._check_parents(table, new, old)
        for table, _, old, new in events:
            if old is not None:
                self._check_children(table, old, new)
        if self._waiting and not self._marks:  # outside a block a statement commits
            self._check_excluded()

    def _actions(self, parent: _Table, old: Row, new: Row | None) -> list[Event]:
        out: list[Event] = []
        for child, fk in self._referencing.get(parent.spec.key, ()):
            key = tuple(old[c] for c in fk.ref_columns)
            if None in key or (new is not None and key == tuple(new[c] for c in fk.ref_columns)):
                continue
            action = fk.on_delete if new is None else fk.on_update
            if action in ("NO ACTION", "RESTRICT"):
                continue
            for rowid in self._children(child, fk, key):
                if action == "CASCADE" and new is None:
                    event = self.remove(child, rowid)
                else:
                    event = self.change(child, rowid, self._action_values(child, fk, action, new))
                if event is not None:
                    out.append(event)
        return out

    def _action_values(
        self, child: _Table, fk: ForeignKeySpec, action: str, new: Row | None
    ) -> Row:
        if action == "CASCADE" and new is not None:
            return {c: new[r] for c, r in zip(fk.columns, fk.ref_columns, strict=False)}
        if action == "SET DEFAULT":
            return {c: _default_of(child.columns[c], self.schema.affinity) for c in fk.columns}
        return dict.fromkeys(fk.columns)

    def _children(self, child: _Table, fk: ForeignKeySpec, key: tuple[Any, ...]) -> list[int]:
        rules = [child.columns[c].collate for c in fk.columns]
        fold = any(rules)
        want = _fold(key, rules) if fold else key
        found = []
        for rowid, row in child.rows.items():
            values = tuple(row[c] for c in fk.columns)
            if (_fold(values, rules) if fold else values) == want:
                found.append(rowid)
        return found

    def _parent_has(self, fk: ForeignKeySpec, values: tuple[Any, ...]) -> bool:
        parent = self.tables.get(fk.ref_table)
        if parent is None:
            return True  # a table the schema does not define: not checked
        index = parent.index_on(fk.ref_columns)
        if index is not None:
            probe = dict(zip(fk.ref_columns, values, strict=False))
            key = index.key({c: probe.get(c) for c in index.spec.columns})
            return key is not None and key in index.keys
        return any(tuple(r[c] for c in fk.ref_columns) == values for r in parent.rows.values())

    def _later(self, fk: ForeignKeySpec) -> bool:
        """A deferred foreign key inside a transaction block waits for COMMIT."""
        if fk.deferred and self._marks:
            self._deferred = True
            return True
        return False

    def _check_deferred(self) -> None:
        for table in self.tables.values():
            for fk in table.spec.foreign_keys:
                if fk.deferred:
                    for row in table.rows.values():
                        self._check_parent(table, fk, row)

    def _check_parents(self, table: _Table, new: Row, old: Row | None) -> None:
        for fk in table.spec.foreign_keys:
            values = tuple(new[c] for c in fk.columns)
            if old is not None and values == tuple(old[c] for c in fk.columns):
                continue
            if not self._later(fk):
                self._check_parent(table, fk, new)

    def _check_parent(self, table: _Table, fk: ForeignKeySpec, row: Row) -> None:
        values = tuple(row[c] for c in fk.columns)
        if None not in values and not self._parent_has(fk, values):
            raise DatabaseError(
                "23503",
                f'insert or update on table "{table.spec.name}" violates foreign key'
                f' constraint "{fk.name}"',
                f"Key {_key_text(fk.columns, values)} is not present in table"
                f' "{fk.ref_table.split(".")[-1]}".',
            )

    def _check_children(self, parent: _Table, old: Row, new: Row | None) -> None:
        for child, fk in self._referencing.get(parent.spec.key, ()):
            key = tuple(old[c] for c in fk.ref_columns)
            if None in key or self._parent_has(fk, key) or self._later(fk):
                continue
            if self._children(child, fk, key):
                action = fk.on_delete if new is None else fk.on_update
                restrict = action == "RESTRICT" and self.schema.restrict_violation
                raise DatabaseError(
                    "23001" if restrict else "23503",
                    f'update or delete on table "{parent.spec.name}" violates foreign key'
                    f' constraint "{fk.name}" on table "{child.spec.name}"',
                    f"Key {_key_text(fk.ref_columns, key)} is still referenced from table"
                    f' "{child.spec.name}".',
                )

    # -- the statements the front doors run ---------------------------------------------------
    def insert(
        self,
        name: str,
        rows: Sequence[Mapping[str, Any]],
        on_conflict: Sequence[str] | None = None,
        ignore_duplicates: bool = False,
        overriding: bool = False,
    ) -> list[Row]:
        """INSERT ... RETURNING *; with `on_conflict`, ON CONFLICT (cols) DO UPDATE SET each
        given column = EXCLUDED.column (DO NOTHING when `ignore_duplicates`)."""
        fast = self._fast.get(name)
        if fast is not None and on_conflict is None and not overriding and len(rows) == 1:
            done = self._insert_fast(fast, rows[0])
            if done is not None:
                return done
        table = self.table(name)
        with self.statement():
            arbiter = None if on_conflict is None else self._arbiter(table, on_conflict)
            refuse = _refuse_generated if overriding else _refuse_insert
            events: list[Event] = []
            # PostgreSQL inserts all rows in one statement; Database.connect() sends SQLite
            # and MySQL one statement per row (no DEFAULT in their VALUES lists)
            batches = [[row] for row in rows] if self.schema.per_row else [rows]
            returned: list[tuple[_Table, int]] = []
            for batch in batches:
                columns = list(dict.fromkeys(n for r in batch for n in r)) if len(batch) > 1 else []
                for values in self.given(table, batch, refuse):
                    row = self.complete(table, values, columns)
                    self.validate(table, row)
                    for column in table.auto_increment:
                        if row[column.name] is _PENDING:
                            row[column.name] = self._next_value(table, column)
                    event = self._upsert(table, arbiter, row, values, ignore_duplicates, events)
                    if event is not None:
                        events.append(event)
                        returned.append((event[0], event[1]))
                self.settle(events)
                self._bump()
                events = []
            return [t.out(t.rows[rowid]) for t, rowid in returned if rowid in t.rows]

    def _insert_fast(self, fast: FastInsert, row: Mapping[str, Any]) -> list[Row] | None:
        """One row through its table's generated insert: a statement as `insert` makes one
        (refused in an aborted block, aborting it on an error); None: take the general path."""
        if self._aborted:
            raise DatabaseError("25P02", "current transaction is aborted, commands ignored"
                                " until end of transaction block")  # fmt: skip
        try:
            return fast(row)
        except BaseException:
            if self._marks and self.schema.aborts:
                self._aborted = True
            raise

    def _kit(self, table: _Table) -> FastKit:
        """What `table`'s generated insert takes from this engine, bound once."""
        fks = table.spec.foreign_keys

        def conflict(row: Row) -> None:
            self._conflict(table, row, table.next_rowid)
            raise AssertionError(f"{table.spec.key}: the generated insert saw a conflict")

        def orphan(i: int, row: Row) -> None:
            self._check_parent(table, fks[i], row)
            raise AssertionError(f"{table.spec.key}: the generated insert saw no parent")

        def convert(name: str, value: Any) -> Any:
            try:
                return self.coerce(table, name, value)
            except Exception as error:
                raise HandOn from error

        def defer() -> None:
            self._deferred = True

        def retract(rowid: int) -> None:
            if self._marks:
                self._log.pop()
            self._place(table, rowid, None)

        return FastKit(
            self._log, self._marks, self._sequences, convert,
            lambda name, value: self.coerce(table, name, value),
            lambda row: self.validate(table, row), conflict,
            tuple(self._parent_probe(fk) for fk in fks), orphan, retract, defer, _from_sql_error,
        )  # fmt: skip

    def _parent_probe(self, fk: ForeignKeySpec) -> Callable[[tuple[Any, ...]], bool]:
        """Whether the parent holds a key (no NULL in it): a dict lookup when a plain UNIQUE
        has exactly the referenced columns in their order, else `_parent_has`."""
        parent = self.tables.get(fk.ref_table)
        index = None if parent is None else parent.index_on(fk.ref_columns)
        if index is not None and index.plain and index.spec.columns == tuple(fk.ref_columns):
            return index.keys.__contains__
        return lambda values: self._parent_has(fk, values)

    def _arbiter(self, table: _Table, columns: Sequence[str]) -> _Index:
        for name in columns:
            self.column(table, name)
        index = table.index_on(columns) if columns else next(
            (i for i in table.indexes if i.spec.primary), None)  # fmt: skip
        if index is None:
            raise DatabaseError("42P10", "there is no unique or exclusion constraint matching"
                                " the ON CONFLICT specification")  # fmt: skip
        return index

    def _upsert(
        self,
        table: _Table,
        arbiter: _Index | None,
        row: Row,
        values: Mapping[str, Any],
        ignore: bool,
        events: list[Event],
    ) -> Event | None:
        key = None if arbiter is None else arbiter.key(row)
        existing = None if key is None or arbiter is None else arbiter.keys.get(key)
        if existing is None:
            return self.add(table, row)
        if ignore:
            return None
        if any(t is table and rowid == existing for t, rowid, _, _ in events):
            raise DatabaseError(
                "21000", "ON CONFLICT DO UPDATE command cannot affect row a second time",
                hint="Ensure that no rows proposed for insertion within the same command have"
                " duplicate constrained values.",
            )  # fmt: skip
        changes = {c: row[c] for c in values}
        return self.change(table, existing, changes)

    def update(self, name: str, values: Mapping[str, Any], filters: Sequence[Filter]) -> list[Row]:
        table = self.table(name)
        with self.statement():
            changes, rowids = self._update_plan(table, values, filters)
            events: list[Event] = []
            for rowid in rowids:
                self.domains(table, changes)
                event = self.change(table, rowid, _on_update(table, rowid, changes))
                if event is not None:
                    events.append(event)
            returned = [rowid for t, rowid, _, _ in events]
            self.settle(events)
            self._moved_ids(table, changes, returned)
            return [table.out(table.rows[r]) for r in returned if r in table.rows]

    def _moved_ids(self, table: _Table, changes: Row, rowids: list[int]) -> None:
        """MySQL 8 moves AUTO_INCREMENT past an id an UPDATE writes, as past an inserted one."""
        for column in table.auto_increment:
            if column.name in changes:
                for rowid in rowids:
                    if rowid in table.rows:
                        self._saw_value(table, column, table.rows[rowid][column.name])
        self._bump()

    def _update_plan(
        self, table: _Table, values: Mapping[str, Any], filters: Sequence[Filter]
    ) -> tuple[Row, list[int]]:
        """The new values and the rows they go to. MySQL converts a value as it stores it
        into a row: with no row matched, a bad value is no error there."""
        if not self.schema.fields_in_order:
            return self.given(table, [values], _refuse_update)[0], self.matching(table, filters)
        for name in values:
            self.column(table, name)
        rowids = self.matching(table, filters)
        try:
            return self.given(table, [values], _refuse_update, inserting=False)[0], rowids
        except DatabaseError:
            if rowids:
                raise
            return {}, []

    def delete(self, name: str, filters: Sequence[Filter]) -> list[Row]:
        table = self.table(name)
        with self.statement():
            events = [e for r in self.matching(table, filters) if (e := self.remove(table, r))]
            deleted = [old for _, _, old, _ in events if old is not None]
            self.settle(events)
            return [table.out(old) for old in deleted]

    def select(
        self,
        name: str,
        filters: Sequence[Filter] = (),
        order: Sequence[Order] = (),
        limit: int | None = None,
        offset: int = 0,
        columns: Sequence[str] | None = None,
    ) -> list[Row]:
        table = self.table(name)
        with self.statement():
            rowids = self.ordered(table, self.matching(table, filters), order)
            end = None if limit is None else offset + limit
            picked = [table.out(table.rows[r]) for r in rowids[offset:end]]
            if columns is not None:
                for c in columns:
                    self.column(table, c)
                picked = [{c: row[c] for c in columns} for row in picked]
            return picked

    def count(self, name: str, filters: Sequence[Filter] = ()) -> int:
        table = self.table(name)
        with self.statement():
            return len(self.matching(table, filters))

    # -- reading -----------------------------------------------------------------------------
    def matching(self, table: _Table, filters: Sequence[Filter]) -> list[int]:
        tests = [self._test(table, f) for f in filters]
        return [rowid for rowid, row in table.rows.items() if all(t(row) for t in tests)]

    def _test(self, table: _Table, f: Filter) -> Callable[[Row], bool]:
        name, op, value = f
        column = self.column(table, name)
        make = _FILTERS.get(op)
        if make is None:
            raise DatabaseError("PGRST100", f'"{op}" is not a filter operator')
        if op in ("like", "ilike", "is", "contains"):
            return make(name, value, self.schema, column)
        if op == "in":
            value = [self._filter_value(column, v) for v in value]
        else:
            value = self._filter_value(column, value)
        return make(name, value, self.schema, column)

    def _filter_value(self, column: ColumnSpec, value: Any) -> Any:
        if column.type.category in ("text", "varchar", "char") and isinstance(value, str):
            return value  # a comparison does not enforce the column's length
        numeric = column.type.category in _NUMBERS or column.type.bounds is not None
        if numeric and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return value  # compared across types (int4 > int8), no range to fit
        return coerce_value(column, column.type, value, self.schema.affinity)

    def ordered(self, table: _Table, rowids: list[int], order: Sequence[Order]) -> list[int]:
        rows = table.rows
        for name, desc, nulls_first in reversed(order):
            column = self.column(table, name)
            first = nulls_first if nulls_first is not None else desc != self.schema.nulls_low
            compare = _comparer(self.schema.affinity, column.collate)
            cmp = _row_order(rows, name, desc, first, compare)
            rowids = sorted(rowids, key=cmp_to_key(cmp))
        return rowids


def _row_order(
    rows: Mapping[int, Row], name: str, desc: bool, first: bool,
    compare: Callable[[Any, Any], int],
) -> Callable[[int, int], int]:  # fmt: skip

    def cmp(a: int, b: int) -> int:
        return rt.order_compare(rows[a][name], rows[b][name], desc, first, compare)

    return cmp


def _at_bind(column: ColumnSpec, value: Any, error: DatabaseError) -> bool:
    """Text that does not read as the type fails when the parameters are bound; a length
    or precision (typmod) fails later, when the planner folds the cast of the bound value."""
    typmod = error.code == "22001" or (column.type.category == "numeric" and error.code == "22003")
    return isinstance(value, str) and not typmod


def _refuse_generated(column: ColumnSpec) -> DatabaseError | None:
    if not column.generated:
        return None
    return DatabaseError(
        "428C9", f'cannot insert a non-DEFAULT value into column "{column.name}"',
        f'Column "{column.name}" is a generated column.',
    )  # fmt: skip


def _refuse_insert(column: ColumnSpec) -> DatabaseError | None:
    if column.identity != "always":
        return _refuse_generated(column)
    return DatabaseError(
        "428C9", f'cannot insert a non-DEFAULT value into column "{column.name}"',
        f'Column "{column.name}" is an identity column defined as GENERATED ALWAYS.',
        "Use OVERRIDING SYSTEM VALUE to override.",
    )  # fmt: skip


def _refuse_update(column: ColumnSpec) -> DatabaseError | None:
    if not column.generated and column.identity != "always":
        return None
    what = "a generated column" if column.generated else (
        "an identity column defined as GENERATED ALWAYS")  # fmt: skip
    return DatabaseError("428C9", f'column "{column.name}" can only be updated to DEFAULT',
                         f'Column "{column.name}" is {what}.')  # fmt: skip


def _params(fn: RowFn) -> tuple[str, ...]:
    return tuple(getattr(fn, "params", ()))


def _holds(check: CheckSpec, row: Mapping[str, Any]) -> bool | None:
    """A CHECK's verdict: False fails it; a CHECK the compiler could not express is skipped
    (generate warned about it, and docs/database.md says so)."""
    try:
        result = check.predicate(row)
    except NotImplementedError:
        return None
    except rt.SqlError as error:
        raise _from_sql_error(error) from None
    return None if result is None else bool(result)


def _check_violated(dialect: str, table: str, check: CheckSpec, row: Row) -> DatabaseError:
    """A failed CHECK in the database's words: MySQL 8's ER_CHECK_CONSTRAINT_VIOLATED (its
    own SQLSTATE is HY000, MariaDB's 23000: mapped to 23514 as Database.connect maps them),
    else PostgreSQL's with the failing row."""
    if dialect == "mysql":
        return DatabaseError("23514", f"Check constraint '{check.name}' is violated.")
    return DatabaseError(
        "23514",
        f'new row for relation "{table}" violates check constraint "{check.name}"',
        _failing(row),
    )


def _default_of(column: ColumnSpec, affinity: bool) -> Any:
    if column.default is None:
        return None
    try:
        value = column.default()
    except rt.SqlError as error:
        raise _from_sql_error(error) from None
    return coerce_value(column, column.type, value, affinity)


def _fold(values: Iterable[Any], rules: Iterable[str]) -> tuple[Any, ...]:
    return tuple(mysql.collation_key(v, r) for v, r in zip(values, rules, strict=False))


def _comparer(affinity: bool, collate: str) -> Callable[[Any, Any], int]:
    """SQLite orders across storage classes; a MySQL column as its collation compares."""
    if affinity:
        return rt.sq_compare
    if collate:
        key = mysql.collation_key
        return lambda a, b: rt.compare(key(a, collate), key(b, collate))
    return rt.compare


# -------------------------------------------------------------------------------- filters

MakeTest = Callable[[str, Any, SchemaSpec, ColumnSpec], Callable[[Row], bool]]


def _comparison(want: Callable[[int], bool]) -> MakeTest:
    def make(
        name: str, value: Any, schema: SchemaSpec, column: ColumnSpec
    ) -> Callable[[Row], bool]:
        compare = _comparer(schema.affinity, column.collate)

        def test(row: Row) -> bool:
            v = row[name]
            return v is not None and value is not None and want(compare(v, value))

        return test

    return make


def _like(insensitive: bool) -> MakeTest:
    def make(
        name: str, value: Any, schema: SchemaSpec, column: ColumnSpec
    ) -> Callable[[Row], bool]:
        fold = insensitive or column.ci or schema.like_ignores_case
        pattern = rt.like_regex(value.casefold() if fold else value)

        def test(row: Row) -> bool:
            v = row[name]
            if v is None:
                return False
            text = str(v).casefold() if fold else str(v)
            return pattern.fullmatch(text) is not None

        return test

    return make


def _is(name: str, value: Any, schema: SchemaSpec, column: ColumnSpec) -> Callable[[Row], bool]:
    if value is None or value == "null":
        return lambda row: row[name] is None
    truth = value in (True, "true")
    return lambda row: row[name] is not None and bool(row[name]) is truth


def _in(name: str, value: Any, schema: SchemaSpec, column: ColumnSpec) -> Callable[[Row], bool]:
    compare = _comparer(schema.affinity, column.collate)
    items = [v for v in value if v is not None]
    return lambda row: row[name] is not None and any(compare(row[name], v) == 0 for v in items)


def _contains(
    name: str, value: Any, schema: SchemaSpec, column: ColumnSpec
) -> Callable[[Row], bool]:
    return lambda row: row[name] is not None and _contained(value, row[name])


def _contained(part: Any, whole: Any) -> bool:
    """jsonb/array @>: every element of `part` is in `whole`; objects by key, recursively."""
    if isinstance(part, dict) and isinstance(whole, dict):
        return all(k in whole and _contained(v, whole[k]) for k, v in part.items())
    if isinstance(part, list) and isinstance(whole, list):
        return all(any(_contained(p, w) for w in whole) for p in part)
    return bool(part == whole)


_FILTERS: dict[str, MakeTest] = {
    "eq": _comparison(lambda c: c == 0), "neq": _comparison(lambda c: c != 0),
    "gt": _comparison(lambda c: c > 0), "gte": _comparison(lambda c: c >= 0),
    "lt": _comparison(lambda c: c < 0), "lte": _comparison(lambda c: c <= 0),
    "like": _like(False), "ilike": _like(True), "is": _is, "in": _in, "contains": _contains,
}  # fmt: skip
