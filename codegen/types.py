"""SQL type normalisation: dialect type names -> `SqlType` (category + canonical spelling).

One table per dialect maps a type name to its category and canonical spelling; parameters
(length, precision, scale) are formatted by the category's spelling rule. User-defined
names (enums, domains, composites) come out as category "unknown" with `name` set, and
the catalog resolves them once every CREATE TYPE / DOMAIN has been seen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlglot import exp

from .model import SqlType

# PostgreSQL internal name (what pglast gives, after pg_catalog.) -> (category, canonical)
PG_TYPES: dict[str, tuple[str, str]] = {
    "int2": ("smallint", "smallint"),
    "smallint": ("smallint", "smallint"),
    "int4": ("integer", "integer"),
    "int": ("integer", "integer"),
    "integer": ("integer", "integer"),
    "int8": ("bigint", "bigint"),
    "bigint": ("bigint", "bigint"),
    "numeric": ("numeric", "numeric"),
    "decimal": ("numeric", "numeric"),
    "float4": ("real", "real"),
    "real": ("real", "real"),
    "float8": ("double", "double precision"),
    "text": ("text", "text"),
    "citext": ("text", "citext"),
    "name": ("text", "name"),
    "varchar": ("varchar", "varchar"),
    "bpchar": ("char", "char"),
    "char": ("char", "char"),
    "bool": ("boolean", "boolean"),
    "boolean": ("boolean", "boolean"),
    "date": ("date", "date"),
    "time": ("time", "time"),
    "timetz": ("timetz", "timetz"),
    "timestamp": ("timestamp", "timestamp"),
    "timestamptz": ("timestamptz", "timestamptz"),
    "interval": ("interval", "interval"),
    "uuid": ("uuid", "uuid"),
    "json": ("json", "json"),
    "jsonb": ("jsonb", "jsonb"),
    "bytea": ("bytes", "bytea"),
    "inet": ("inet", "inet"),
    "cidr": ("cidr", "cidr"),
    "macaddr": ("macaddr", "macaddr"),
    "bit": ("bit", "bit"),
    "varbit": ("varbit", "varbit"),
    "money": ("money", "money"),
    "xml": ("xml", "xml"),
    "tsvector": ("tsvector", "tsvector"),
    "oid": ("integer", "oid"),
    "macaddr8": ("macaddr8", "macaddr8"),
    "tsquery": ("tsquery", "tsquery"),
    **{f"{base}range": ("range", f"{base}range")
       for base in ("int4", "int8", "num", "date", "ts", "tstz")},
    **{f"{base}multirange": ("multirange", f"{base}multirange")
       for base in ("int4", "int8", "num", "date", "ts", "tstz")},
    # extension types (created in the schema the extension is installed in, usually public)
    "vector": ("vector", "vector"),
    "halfvec": ("halfvec", "halfvec"),
    "sparsevec": ("sparsevec", "sparsevec"),
    "hstore": ("hstore", "hstore"),
    "ltree": ("ltree", "ltree"),
    "lquery": ("lquery", "lquery"),
    "cube": ("cube", "cube"),
    "geometry": ("geometry", "geometry"),
    "geography": ("geography", "geography"),
}  # fmt: skip

# Types extensions create: pg_dump qualifies them with the extension's schema
EXTENSION_TYPES = frozenset(
    {"citext", "vector", "halfvec", "sparsevec", "hstore", "ltree", "lquery", "cube",
     "geometry", "geography"}
)  # fmt: skip

# serial pseudo-types: the column becomes an integer with identity "serial"
PG_SERIALS: dict[str, str] = {
    "smallserial": "int2",
    "serial2": "int2",
    "serial": "int4",
    "serial4": "int4",
    "bigserial": "int8",
    "serial8": "int8",
}

# The categories whose first type modifier is a length (varchar(n)) vs a precision.
_LENGTH_CATEGORIES = {"varchar", "char", "bit", "varbit", "vector", "halfvec", "sparsevec"}
_PRECISION_CATEGORIES = {"numeric", "time", "timetz", "timestamp", "timestamptz", "interval"}


def _spell(canonical: str, category: str, mods: Sequence[int]) -> str:
    if not mods:
        if category == "char" and canonical == "char":
            return "char(1)"
        return canonical
    if category in ("timestamp", "timestamptz", "time", "timetz"):
        return f"{canonical}({mods[0]})"
    return f"{canonical}({','.join(str(m) for m in mods)})"


def pg_type(
    names: Sequence[str],
    mods: Sequence[int],
    array_dims: int,
    original: str,
    spelled: str | None = None,
) -> SqlType:
    """Normalise a PostgreSQL TypeName (as pglast gives it) into a `SqlType`; `spelled`
    overrides the canonical spelling (PostGIS's `geometry(point,4326)`)."""
    qualified = [n for n in names if n != "pg_catalog"] if names[0] == "pg_catalog" else names
    base = qualified[-1].lower() if len(qualified) == 1 else None
    if base is not None and base in PG_TYPES:
        category, canonical = PG_TYPES[base]
        if category == "char" and not mods and names[0] == "pg_catalog" and base == "bpchar":
            # `character` without length is char(1); raw `bpchar` is unbounded
            mods = [1] if original.lower().startswith("char") else mods
        if category == "interval":
            mods = []  # interval field restrictions are not a precision we generate for
        sql_type = SqlType(
            category=category,
            sql=_spell(canonical, category, mods),
            length=mods[0] if category in _LENGTH_CATEGORIES and mods else None,
            precision=mods[0] if category in _PRECISION_CATEGORIES and mods else None,
            scale=(mods[1] if len(mods) > 1 else 0 if mods else None)
            if category == "numeric"
            else None,
            original=original,
        )
        if category == "char" and sql_type.length is None and sql_type.sql == "char(1)":
            sql_type = SqlType(category, "char(1)", length=1, original=original)
        if spelled is not None:
            sql_type = SqlType(category, spelled, original=original)
    else:
        key = ".".join(n for n in qualified if n != "public")
        sql_type = SqlType(category="unknown", sql=key, name=key, original=original)
    return array_of(sql_type, array_dims, original)


def array_of(element: SqlType, dims: int, original: str) -> SqlType:
    if dims <= 0:
        return element
    return SqlType(
        category="array",
        sql=element.sql + "[]" * dims,
        element=element if dims == 1 else array_of(element, dims - 1, original),
        original=original,
    )


# --------------------------------------------------------------------------- sqlglot side

_SQLGLOT_CATEGORY: dict[Any, str] = {  # sqlglot DataType.Type -> category
    exp.DataType.Type.TINYINT: "smallint",
    exp.DataType.Type.UTINYINT: "smallint",
    exp.DataType.Type.SMALLINT: "smallint",
    exp.DataType.Type.USMALLINT: "integer",
    exp.DataType.Type.MEDIUMINT: "integer",
    exp.DataType.Type.UMEDIUMINT: "integer",
    exp.DataType.Type.INT: "integer",
    exp.DataType.Type.UINT: "bigint",
    exp.DataType.Type.BIGINT: "bigint",
    exp.DataType.Type.UBIGINT: "bigint",
    exp.DataType.Type.DECIMAL: "numeric",
    exp.DataType.Type.UDECIMAL: "numeric",
    exp.DataType.Type.UDOUBLE: "double",
    exp.DataType.Type.SET: "set",
    exp.DataType.Type.FLOAT: "real",
    exp.DataType.Type.DOUBLE: "double",
    exp.DataType.Type.TEXT: "text",
    exp.DataType.Type.MEDIUMTEXT: "text",
    exp.DataType.Type.LONGTEXT: "text",
    exp.DataType.Type.TINYTEXT: "text",
    exp.DataType.Type.VARCHAR: "varchar",
    exp.DataType.Type.NVARCHAR: "varchar",
    exp.DataType.Type.CHAR: "char",
    exp.DataType.Type.NCHAR: "char",
    exp.DataType.Type.BOOLEAN: "boolean",
    exp.DataType.Type.DATE: "date",
    exp.DataType.Type.TIME: "time",
    exp.DataType.Type.DATETIME: "timestamp",
    exp.DataType.Type.TIMESTAMP: "timestamp",
    exp.DataType.Type.TIMESTAMPTZ: "timestamptz",
    exp.DataType.Type.YEAR: "year",
    exp.DataType.Type.UUID: "uuid",
    exp.DataType.Type.JSON: "json",
    exp.DataType.Type.BLOB: "bytes",
    exp.DataType.Type.MEDIUMBLOB: "bytes",
    exp.DataType.Type.LONGBLOB: "bytes",
    exp.DataType.Type.TINYBLOB: "bytes",
    exp.DataType.Type.BINARY: "bytes",
    exp.DataType.Type.VARBINARY: "bytes",
    exp.DataType.Type.BIT: "bit",
}

_INT_CATEGORIES = {"smallint", "integer", "bigint"}


def sqlite_type(declared: str) -> SqlType:
    """SQLite: the declared text is the canonical spelling; the category follows affinity.

    SQLite accepts any type name and applies the affinity rules of its documentation
    (section 3.1 of "Datatypes In SQLite"); we refine the affinity by well-known names so
    generators can produce a date for DATE, a bool for BOOLEAN, and so on.
    """
    text = declared.strip()
    upper = text.upper()
    mods = [int(m) for m in re.findall(r"\d+", upper.partition("(")[2])]
    if "INT" in upper:
        category = "bigint"  # every SQLite integer is 64-bit
    elif any(k in upper for k in ("CHAR", "CLOB", "TEXT")):
        category = "varchar" if mods and "CHAR" in upper else "text"
    elif "BLOB" in upper or not upper:
        category = "bytes" if upper else "unknown"
    elif any(k in upper for k in ("REAL", "FLOA", "DOUB")):
        category = "double"
    elif upper.startswith("BOOL"):
        category = "boolean"
    elif upper.startswith("DATETIME") or upper.startswith("TIMESTAMP"):
        category = "timestamp"
    elif upper.startswith("DATE"):
        category = "date"
    elif upper.startswith("UUID"):
        category = "uuid"
    elif upper.startswith("JSON"):
        category = "json"
    else:
        category = "numeric"
    return SqlType(
        category=category,
        sql=text.lower() if text else "",
        length=mods[0] if category == "varchar" and mods else None,
        precision=mods[0] if category == "numeric" and mods else None,
        scale=(mods[1] if len(mods) > 1 else 0) if category == "numeric" and mods else None,
        original=declared,
    )


def mysql_type(dt: exp.DataType) -> SqlType:
    """MySQL types through sqlglot; ENUM columns come back as category "enum"."""
    original = re.sub(r",\s+", ",", dt.sql(dialect="mysql"))
    mods = [
        int(p.this.name)
        for p in dt.expressions
        if isinstance(p, exp.DataTypeParam) and p.this.is_int
    ]
    if dt.this == exp.DataType.Type.ENUM:
        return SqlType(category="enum", sql=original.lower(), original=original)
    category = _SQLGLOT_CATEGORY.get(dt.this, "unknown")
    if dt.this == exp.DataType.Type.TINYINT and mods == [1]:
        category = "boolean"  # tinyint(1) is MySQL's BOOLEAN
    sql = original.lower()
    return SqlType(
        category=category,
        sql=sql,
        length=mods[0] if category in ("varchar", "char", "bit", "bytes") and mods else None,
        precision=mods[0] if category == "numeric" and mods else None,
        scale=(mods[1] if len(mods) > 1 else 0) if category == "numeric" and mods else None,
        name=None if category != "unknown" else sql,
        original=original,
    )


def mysql_enum_labels(dt: exp.DataType) -> tuple[str, ...]:
    return tuple(p.name for p in dt.expressions if isinstance(p, exp.Literal))


def is_integer(t: SqlType) -> bool:
    return t.category in _INT_CATEGORIES


INT_RANGES: dict[str, tuple[int, int]] = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
