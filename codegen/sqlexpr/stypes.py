"""Static types of expression nodes, and turning constant values into Python source.

The compiler infers a `SqlType` for every node bottom-up. Two pseudo types exist only
here: UNKNOWN (an untyped string literal, which PostgreSQL types from its context) and
NULL (a bare NULL, which takes any type).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlglot import exp

from ..model import SqlType
from .runtime import Interval


def simple(category: str, sql: str | None = None) -> SqlType:
    return SqlType(category=category, sql=sql or category)


SMALLINT = simple("smallint")
INTEGER = simple("integer")
BIGINT = simple("bigint")
NUMERIC = simple("numeric")
REAL = simple("real")
DOUBLE = simple("double", "double precision")
TEXT = simple("text")
BOOLEAN = simple("boolean")
DATE = simple("date")
TIMESTAMP = simple("timestamp")
TIMESTAMPTZ = simple("timestamptz")
INTERVAL = simple("interval")
UUID = simple("uuid")
UNKNOWN = simple("unknown", "unknown")
NULL = SqlType(category="unknown", sql="null", name="null")
ANY = simple("any")  # SQLite: a value whose storage class is only known at run time

INTS = ("smallint", "integer", "bigint")
FLOATS = ("real", "double")
NUMBERS = (*INTS, "numeric", *FLOATS)
STRINGS = ("text", "varchar")
TIMES = ("date", "timestamp", "timestamptz")

# PostgreSQL's numeric type category in implicit-cast order (float8 is the preferred type).
LADDER = ("smallint", "integer", "bigint", "numeric", "real", "double")


def is_null(t: SqlType) -> bool:
    return t.category == "unknown" and t.name == "null"


def is_unknown(t: SqlType) -> bool:
    return t.category == "unknown" and t.name is None and t.sql == "unknown"


def numeric(precision: int | None = None, scale: int | None = None) -> SqlType:
    if precision is None:
        return NUMERIC
    s = scale or 0
    return SqlType("numeric", f"numeric({precision},{s})", precision=precision, scale=s)


def varchar(length: int | None = None) -> SqlType:
    if length is None:
        return simple("varchar")
    return SqlType("varchar", f"varchar({length})", length=length)


def enum(name: str) -> SqlType:
    return SqlType("enum", name, name=name)


def family(t: SqlType) -> str:
    """The category operators care about: varchar behaves as text, ints as one family."""
    if t.category in INTS:
        return "int"
    if t.category in FLOATS:
        return "float"
    if t.category in STRINGS:
        return "text"
    return t.category


def int_kind(t: SqlType) -> str:
    return t.category if t.category in INTS else "bigint"


# --------------------------------------------------------------------------- sqlglot types

_PG_CAST_TYPES: dict[Any, SqlType] = {  # keyed by exp.DataType.Type
    exp.DataType.Type.SMALLINT: SMALLINT,
    exp.DataType.Type.INT: INTEGER,
    exp.DataType.Type.BIGINT: BIGINT,
    exp.DataType.Type.FLOAT: REAL,
    exp.DataType.Type.DOUBLE: DOUBLE,
    exp.DataType.Type.TEXT: TEXT,
    exp.DataType.Type.BOOLEAN: BOOLEAN,
    exp.DataType.Type.DATE: DATE,
    exp.DataType.Type.TIMESTAMP: TIMESTAMP,
    exp.DataType.Type.TIMESTAMPTZ: TIMESTAMPTZ,
    exp.DataType.Type.INTERVAL: INTERVAL,
    exp.DataType.Type.UUID: UUID,
}


def _type_params(dt: exp.DataType) -> list[int]:
    out = []
    for p in dt.expressions:
        inner = p.this if isinstance(p, exp.DataTypeParam) else p
        if isinstance(inner, exp.Literal) and inner.is_int:
            out.append(int(inner.name))
        else:
            raise ValueError(f"type parameter {p.sql()}")
    return out


def pg_cast_type(dt: exp.DataType) -> SqlType | None:
    """The target of a PostgreSQL cast, or None when the compiler does not model it."""
    params = _type_params(dt)
    if dt.this == exp.DataType.Type.DECIMAL:
        return numeric(params[0], params[1] if len(params) > 1 else 0) if params else NUMERIC
    if dt.this == exp.DataType.Type.VARCHAR:
        return varchar(params[0] if params else None)
    if dt.this == exp.DataType.Type.BPCHAR:  # `::bpchar`: blank-padded, unbounded
        return SqlType("char", "bpchar")
    if dt.this == exp.DataType.Type.CHAR:  # `::char(n)`; bare `character` is char(1)
        length = params[0] if params else 1
        return SqlType("char", f"char({length})", length=length)
    if dt.this == exp.DataType.Type.USERDEFINED:
        kind = dt.args.get("kind")
        return enum(kind.name) if kind is not None else None
    if params and dt.this not in (exp.DataType.Type.TIMESTAMP, exp.DataType.Type.TIMESTAMPTZ):
        return None
    if params:
        return None  # timestamp(p) rounds fractional seconds: not modelled
    return _PG_CAST_TYPES.get(dt.this)


# --------------------------------------------------------------------------- constants


def py_literal(value: Any) -> str:
    """Python source for a constant; every string goes through repr(), so SQL cannot inject."""
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, float) and (value != value or value in (float("inf"), -float("inf"))):
            return f"float({str(value)!r})"
        return repr(value)
    if isinstance(value, Decimal):
        return f"rt.DECIMAL[{str(value)!r}]"  # built once per process, not per call
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return f"rt.datetime.fromisoformat({value.isoformat()!r})"
        return f"rt.datetime.fromisoformat({value.isoformat()!r})"
    if isinstance(value, date):
        return f"rt.date({value.year}, {value.month}, {value.day})"
    if isinstance(value, uuid.UUID):
        return f"rt.uuid.UUID({str(value)!r})"
    if isinstance(value, Interval):
        return f"rt.Interval({value.months}, {value.days}, {value.micros})"
    raise TypeError(f"no literal form for {type(value).__name__}")
