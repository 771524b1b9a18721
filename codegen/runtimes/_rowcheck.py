"""Rows checked the way the database checks an INSERT, at build time.

A factory row that the database would refuse is worse than an error: the test passes
against a table that would never hold it. So every value that reaches a row (an argument of
`build()`, a trait, a LazyAttribute's result, a generated value) is coerced and checked
against its column as the database does on INSERT: type and input syntax, integer range,
numeric precision and scale, varchar/char length, enum labels, NOT NULL, no value for a
generated or GENERATED ALWAYS identity column, unknown column names. The error names the
table, column and value, in the database's own words and SQLSTATE.

What each database enforces differs (SQLite stores a 40-character string in a VARCHAR(32)),
so the checks come from a table per dialect; CHECK constraints (and domain CHECKs) are
checked by the factory runtime with the compiled predicates.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from . import _sqlruntime as rt
from ._settings import DIALECT


class Col(NamedTuple):
    """What the database checks a column's values against."""

    kind: str  # the model's category: integer, numeric, varchar, enum, array, ...
    sql: str  # the type as written in the schema
    nullable: bool = True
    length: int | None = None  # varchar(n), char(n)
    precision: int | None = None  # numeric(p, s)
    scale: int | None = None
    labels: tuple[str, ...] = ()  # enum labels
    element: Col | None = None  # array element

    @classmethod
    def of(cls, spec: tuple[Any, ...]) -> Col:
        """A Col from its constant form in a factory's spec: the fields in order, trailing
        defaults left out, an array's element as a spec of its own."""
        head = spec[:7]
        element = cls.of(spec[7]) if len(spec) > 7 and spec[7] is not None else None
        return cls(
            **dict(zip(cls._fields, head, strict=False)), element=element
        )  # the rest: defaults


class Check(NamedTuple):
    """A CHECK constraint (or a domain's) compiled: `predicate(row)` is False when the
    database would reject the row (None: NULL, which passes)."""

    name: str
    sql: str
    columns: tuple[str, ...]
    predicate: Callable[[Mapping[str, Any]], bool | None]
    domain: str | None = None  # a domain's CHECK, on a column of that domain
    named: bool = True  # False: the SQL gave no name (the name is schemagen's)


def of_row(fn: Callable[..., Any], params: tuple[str, ...]) -> Callable[[Mapping[str, Any]], Any]:
    """`fn`, which takes the columns it reads as arguments, called with a row instead."""

    def call(row: Mapping[str, Any]) -> Any:
        return fn(*[row.get(p) for p in params])

    call.__name__ = fn.__name__
    call.__doc__ = fn.__doc__
    call.params = params  # type: ignore[attr-defined]
    return call


class RowError(ValueError):
    """A value the database would reject on INSERT: which table, column and value, and the
    database's message and SQLSTATE (`code`)."""

    def __init__(
        self,
        table: str,
        column: str | None,
        value: Any,
        message: str,
        code: str,
        detail: str = "",
        hint: str = "",
        constraint: str | None = None,
    ) -> None:
        self.table, self.column, self.value = table, column, value
        self.message, self.code, self.detail, self.hint = message, code, detail, hint
        self.constraint = constraint
        where = f"{table}.{column}" if column else table
        text = f"{where} = {value!r}: {message} (SQLSTATE {code})"
        text += f"\n  detail: {detail}" if detail else ""
        text += f"\n  hint: {hint}" if hint else ""
        super().__init__(text)


class GenerationError(Exception):
    """A row that cannot be produced: an unsatisfiable CHECK, an exhausted UNIQUE, a type
    with no generator. The message names the table, the column or constraint, and the fix."""


class _Reject(Exception):
    """Raised by a coercer: the database's message, SQLSTATE and detail."""

    def __init__(self, message: str, code: str, detail: str = "") -> None:
        super().__init__(message)
        self.message, self.code, self.detail = message, code, detail


# ------------------------------------------------------------------------------ PostgreSQL

_PG_TYPE_OF = {bool: "boolean", int: "integer", float: "double precision", Decimal: "numeric",
               str: "text", dict: "jsonb", list: "array", bytes: "bytea", uuid.UUID: "uuid",
               _dt.datetime: "timestamp", _dt.date: "date", _dt.time: "time",
               _dt.timedelta: "interval"}  # fmt: skip


def _mismatch(col: Col, value: Any) -> _Reject:
    """psycopg sends Python values typed; the database has no assignment cast for these."""
    given = _PG_TYPE_OF.get(type(value), type(value).__name__)
    return _Reject(
        f"column is of type {col.sql} but expression is of type {given}",
        "42804",
        "You will need to rewrite or cast the expression.",
    )


def _pg_int(col: Col, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise _mismatch(col, value)
    return rt.to_int(value, col.kind)


def _pg_numeric(col: Col, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise _mismatch(col, value)
    try:
        return rt.to_numeric(value, col.precision, col.scale)
    except rt.SqlError as error:
        if col.precision is None or error.sqlstate != "22003":
            raise
        s = col.scale or 0
        raise _Reject(
            "numeric field overflow",
            "22003",
            f"A field with precision {col.precision}, scale {s} must round to an absolute"
            f" value less than {'1' if col.precision == s else f'10^{col.precision - s}'}.",
        ) from None


def _pg_float(col: Col, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise _mismatch(col, value)
    return rt.to_real(value) if col.kind == "real" else rt.to_double(value)


def _pg_text(col: Col, value: Any) -> Any:
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, (int, Decimal, float, uuid.UUID)):
        value = str(value)  # these convert to text on assignment (I/O conversion), same text
    elif not isinstance(value, str):
        raise _mismatch(col, value)
    if "\x00" in value:
        raise _Reject('invalid byte sequence for encoding "UTF8": 0x00', "22021")
    if col.length is None or len(value) <= col.length:
        return value.ljust(col.length) if col.kind == "char" and col.length else value
    if not value[col.length :].strip(" "):  # the excess is spaces: cut, as the database does
        return value[: col.length]
    name = "character varying" if col.kind == "varchar" else "character"
    raise _Reject(f"value too long for type {name}({col.length})", "22001")


def _pg_bool(col: Col, value: Any) -> Any:
    if isinstance(value, (bool, str)):
        return rt.to_bool(value)
    raise _mismatch(col, value)


def _pg_enum(col: Col, value: Any) -> Any:
    if not isinstance(value, str):
        raise _mismatch(col, value)
    if col.labels and value not in col.labels:
        raise _Reject(f'invalid input value for enum {col.sql}: "{value}"', "22P02")
    return value


def _pg_uuid(col: Col, value: Any) -> Any:
    if isinstance(value, (uuid.UUID, str)):
        return rt.to_uuid(value)
    raise _mismatch(col, value)


def _pg_date(col: Col, value: Any) -> Any:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value
    if isinstance(value, (_dt.datetime, str)):
        return rt.to_date(value)
    raise _mismatch(col, value)


def _pg_timestamp(col: Col, value: Any) -> Any:
    aware = col.kind == "timestamptz"
    if isinstance(value, _dt.datetime) and (value.tzinfo is not None) == aware:
        return value
    if isinstance(value, (_dt.date, str)):
        return rt.to_timestamptz(value) if aware else rt.to_timestamp(value)
    raise _mismatch(col, value)


def _pg_json(col: Col, value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        raise _Reject(f"invalid input syntax for type {col.kind}", "22P02") from None
    return value


def _pg_array(col: Col, value: Any) -> Any:
    if not isinstance(value, (list, tuple)):
        raise _Reject(f'malformed array literal: "{value}"', "22P02")
    if col.element is None:
        return list(value)
    coerce = PG.get(col.element.kind)
    if coerce is None:
        return list(value)
    return [None if v is None else coerce(col.element, v) for v in value]


PG: dict[str, Callable[[Col, Any], Any]] = {
    "smallint": _pg_int, "integer": _pg_int, "bigint": _pg_int,
    "numeric": _pg_numeric, "real": _pg_float, "double": _pg_float,
    "text": _pg_text, "varchar": _pg_text, "char": _pg_text,
    "boolean": _pg_bool, "enum": _pg_enum, "uuid": _pg_uuid, "date": _pg_date,
    "timestamp": _pg_timestamp, "timestamptz": _pg_timestamp,
    "json": _pg_json, "jsonb": _pg_json, "array": _pg_array,
}  # fmt: skip


# ---------------------------------------------------------------------------------- MySQL


def _my_plain(value: Any, kind: str) -> Any:
    """MySQL reads text as the number it starts with, the rest cut (an error in strict
    mode): PostgreSQL 16+'s `1_000` and `0x1F`, which the readers below take, are refused
    first; text starting with no number (NaN, Infinity) is no number at all."""
    if isinstance(value, str) and not rt.plain_number(value):
        body = value.lstrip(" ").removeprefix("-").removeprefix("+").removeprefix(".")
        if body[:1] and body[:1] in "0123456789":
            raise _Reject("Data truncated for column '{column}' at row 1", "01000")
        shown = value.replace("{", "{{").replace("}", "}}")
        raise _Reject(f"Incorrect {kind} value: '{shown}' for column '{{column}}' at row 1",
                      "22P02")  # fmt: skip
    return value


def _my_int(col: Col, value: Any) -> Any:
    value = _my_plain(value, "integer")
    try:
        return _pg_int(col, value)
    except (rt.SqlError, _Reject):
        raise _Reject("Out of range value for column '{column}' at row 1", "22003") from None


def _my_text(col: Col, value: Any) -> Any:
    value = str(value) if not isinstance(value, str) else value
    if col.length is not None and len(value) > col.length:
        if value[col.length :].strip(" "):  # excess spaces are cut (a note), not an error
            raise _Reject("Data too long for column '{column}' at row 1", "22001")
        value = value[: col.length]
    return value


def _my_char(col: Col, value: Any) -> Any:
    """CHAR(n) is read back without trailing spaces (unless PAD_CHAR_TO_FULL_LENGTH)."""
    return _my_text(col, value).rstrip(" ")


def _my_enum(col: Col, value: Any) -> Any:
    if col.labels and value not in col.labels:
        raise _Reject("Data truncated for column '{column}' at row 1", "01000")
    return value


def _my_numeric(col: Col, value: Any) -> Any:
    value = _my_plain(value, "decimal")
    try:
        return rt.to_numeric(value, col.precision, col.scale)
    except rt.SqlError:
        raise _Reject("Out of range value for column '{column}' at row 1", "22003") from None


MYSQL: dict[str, Callable[[Col, Any], Any]] = {
    "smallint": _my_int, "integer": _my_int, "bigint": _my_int,
    "numeric": _my_numeric, "text": _my_text, "varchar": _my_text, "char": _my_char,
    "enum": _my_enum,
}  # fmt: skip

COERCERS: dict[str, dict[str, Callable[[Col, Any], Any]]] = {
    "postgres": PG,
    "mysql": MYSQL,
    "sqlite": {},  # type affinity: SQLite stores what it is given
}


# ---------------------------------------------------------------------- the words, per dialect


def _not_null(table: str, column: str) -> tuple[str, str]:
    if DIALECT == "mysql":
        return f"Column '{column}' cannot be null", "23000"
    if DIALECT == "sqlite":
        return f"NOT NULL constraint failed: {table}.{column}", "SQLITE_CONSTRAINT_NOTNULL"
    return (
        f'null value in column "{column}" of relation "{table}" violates not-null constraint',
        "23502",
    )


def _generated(table: str, column: str, value: Any, identity: bool) -> RowError:
    if DIALECT == "mysql":
        message = (
            f"The value specified for generated column '{column}' in table '{table}'"
            " is not allowed."
        )
        return RowError(table, column, value, message, "HY000")
    if DIALECT == "sqlite":
        message = f'cannot INSERT into generated column "{column}"'
        return RowError(table, column, value, message, "SQLITE_ERROR")
    detail = (
        f'Column "{column}" is an identity column defined as GENERATED ALWAYS.'
        if identity
        else f'Column "{column}" is a generated column.'
    )
    hint = "Use OVERRIDING SYSTEM VALUE to override." if identity else ""
    message = f'cannot insert a non-DEFAULT value into column "{column}"'
    return RowError(table, column, value, message, "428C9", detail, hint)


def unknown_column(table: str, key: str, value: Any, known: Iterable[str]) -> RowError:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    hint = f"Perhaps you meant {close[0]!r}." if close else ""
    if DIALECT == "mysql":
        message, code = f"Unknown column '{key}' in 'field list'", "42S22"
    elif DIALECT == "sqlite":
        message, code = f"table {table} has no column named {key}", "SQLITE_ERROR"
    else:
        message, code = f'column "{key}" of relation "{table}" does not exist', "42703"
    return RowError(table, key, value, message, code, hint=hint)


def check_violated(table: str, row: Mapping[str, Any], check: Any) -> RowError:
    name = check.name
    domain = getattr(check, "domain", None)
    if DIALECT == "mysql":
        message, code = f"Check constraint '{name}' is violated.", "HY000"
    elif DIALECT == "sqlite":
        label = name if getattr(check, "named", True) else check.sql
        message, code = f"CHECK constraint failed: {label}", "SQLITE_CONSTRAINT_CHECK"
    elif domain:
        message, code = f'value for domain {domain} violates check constraint "{name}"', "23514"
    else:
        message, code = (
            f'new row for relation "{table}" violates check constraint "{name}"',
            "23514",
        )
    columns = tuple(check.columns)
    shown = {c: row.get(c) for c in columns}
    value = shown[columns[0]] if len(columns) == 1 else shown
    return RowError(
        table, ", ".join(columns) or None, value, message, code, f"CHECK ({check.sql})",
        constraint=name,
    )  # fmt: skip


# ------------------------------------------------------------------ values taken as they are


def _text_as_is(col: Col) -> Callable[[Any], bool]:
    n = col.length
    if col.kind == "char" and n:
        return lambda v: type(v) is str and len(v) == n and "\x00" not in v
    if n is not None:
        return lambda v: type(v) is str and len(v) <= n and "\x00" not in v
    return lambda v: type(v) is str and "\x00" not in v


def _int_as_is(col: Col) -> Callable[[Any], bool]:
    low, high = rt.INT_RANGES[col.kind]
    return lambda v: type(v) is int and low <= v <= high


def _enum_as_is(col: Col) -> Callable[[Any], bool]:
    labels = frozenset(col.labels)
    return (lambda v: type(v) is str and v in labels) if labels else (lambda v: type(v) is str)


def _numeric_as_is(col: Col) -> Callable[[Any], bool] | None:
    """numeric(p,s) keeps a Decimal with s digits after the point and at most p - s before
    it (numeric_typmod rounds to s, turns -0 into 0 and checks the digits); numeric
    without a typmod keeps any Decimal."""
    if col.precision is None:
        return lambda v: type(v) is Decimal
    scale = col.scale or 0
    if scale < 0 or col.precision < scale:
        return None
    quantum, limit = Decimal(1).scaleb(-scale), Decimal(10) ** (col.precision - scale)
    return lambda v: (
        type(v) is Decimal
        and v.same_quantum(quantum)
        and -limit < v < limit
        and (v != 0 or not v.is_signed())
    )


def _my_text_as_is(col: Col) -> Callable[[Any], bool]:
    """MySQL keeps text within the column's length as it is (NUL too); CHAR(n) is read back
    without trailing spaces."""
    n = col.length
    if col.kind == "char":
        return lambda v: type(v) is str and (n is None or len(v) <= n) and not v.endswith(" ")
    if n is not None:
        return lambda v: type(v) is str and len(v) <= n
    return lambda v: type(v) is str


def _any(value: Any) -> bool:
    return True


_PG_AS_IS: dict[str, Callable[[Col], Callable[[Any], bool] | None]] = {
    "numeric": _numeric_as_is,
    **dict.fromkeys(("smallint", "integer", "bigint"), _int_as_is),
    **dict.fromkeys(("text", "varchar", "char"), _text_as_is),
    "enum": _enum_as_is,
    "boolean": lambda col: lambda v: type(v) is bool,
    "uuid": lambda col: lambda v: type(v) is uuid.UUID,
    "date": lambda col: lambda v: type(v) is _dt.date,
    "timestamp": lambda col: lambda v: type(v) is _dt.datetime and v.tzinfo is None,
    "timestamptz": lambda col: lambda v: type(v) is _dt.datetime and v.tzinfo is not None,
}


_MY_AS_IS: dict[str, Callable[[Col], Callable[[Any], bool] | None]] = {
    **dict.fromkeys(("smallint", "integer", "bigint"), _int_as_is),  # _my_int is _pg_int's
    "numeric": _numeric_as_is,  # _my_numeric: to_numeric, as _pg_numeric for a Decimal
    **dict.fromkeys(("text", "varchar", "char"), _my_text_as_is),
    "enum": _enum_as_is,
}


def stored_as_is(col: Col) -> Callable[[Any], bool] | None:
    """A test for the values `coerce` returns unchanged (None: always ask `coerce`): the
    factories' own values mostly are, and skip the conversion. A kind the dialect has no
    coercion for (SQLite's every kind) keeps every value."""
    coercers = COERCERS.get(DIALECT, {})
    if col.kind not in coercers:
        return _any
    makers = _PG_AS_IS if coercers is PG else _MY_AS_IS if coercers is MYSQL else {}
    make = makers.get(col.kind)
    return None if make is None else make(col)


# ------------------------------------------------------------------------------- the checks


def coerce(table: str, column: str, col: Col, value: Any) -> Any:
    """`value` as the database stores it in `column`, or RowError in the database's words."""
    if value is None:
        if not col.nullable:
            message, code = _not_null(table, column)
            raise RowError(table, column, value, message, code)
        return None
    coercer = COERCERS.get(DIALECT, {}).get(col.kind)
    if coercer is None:
        return value
    try:
        return coercer(col, value)
    except _Reject as error:
        raise RowError(
            table, column, value, error.message.format(column=column), error.code, error.detail
        ) from None
    except rt.SqlError as error:
        raise RowError(table, column, value, str(error), error.sqlstate) from None
    except (TypeError, ValueError, NotImplementedError):
        raise RowError(
            table, column, value, f'invalid input syntax for type {col.sql}: "{value}"', "22P02"
        ) from None


def given_generated(spec: Any, row: Mapping[str, Any], given: Iterable[str]) -> None:
    """A value passed for a generated or GENERATED ALWAYS identity column: the database
    refuses the INSERT rather than overwrite or ignore it."""
    for column in given:
        if column in spec.computed or column in spec.always:
            raise _generated(spec.key, column, row.get(column), column in spec.always)


def violations(spec: Any, row: Mapping[str, Any]) -> list[RowError]:
    """Everything the database would reject in `row` on INSERT (not CHECKs: see the caller)."""
    found: list[RowError] = []
    for key in row:
        if key not in spec.types and key not in spec.columns:
            found.append(unknown_column(spec.key, key, row[key], spec.columns))
    for column, col in spec.types.items():
        if column in spec.computed or column in spec.always:
            continue
        if column not in row:
            continue  # left to the database (its default, its sequence)
        try:
            coerce(spec.key, column, col, row.get(column))
        except RowError as error:
            found.append(error)
    return found
