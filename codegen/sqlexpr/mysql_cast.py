"""MySQL's CAST(x AS type) and CONVERT(x, type), for the conversions that are exact under
MySQL 8's rules: integers and decimals between each other (half away from zero), numbers
printed as text, plain numeric text read as a number, dates and datetimes. What MySQL
converts leniently (text such as '12abc' or ' 1e3', a DOUBLE to an integer or to text, a
value cut to CHAR(n)) raises quoting the SQL, never a guess."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlglot import exp

from ..model import SqlType
from . import stypes as T
from .core import Compiler, Typed, Unsupported
from .stypes import family

D = exp.DataType.Type
# An UNSIGNED integer: BIGINT to the compiler, with + - * results checked >= 0
UNSIGNED = SqlType("bigint", "bigint unsigned")
_MOMENT_FAMILIES = ("date", "timestamp", "timestamptz")


def _params(to: exp.DataType) -> list[int]:
    out = []
    for p in to.expressions:
        value = p.this if isinstance(p, exp.DataTypeParam) else p
        if not (isinstance(value, exp.Literal) and value.is_int):
            raise Unsupported(f"CAST AS {to.sql('mysql')}")
        out.append(int(value.this))
    return out


def fsp(t: SqlType) -> int:
    """The fractional-second digits of DATETIME(n) / TIMESTAMP(n) / TIME(n)."""
    digits = re.search(r"\((\d)\)", t.sql)
    return int(digits[1]) if digits else 0


def _need(t: Typed, families: tuple[str, ...], to: str) -> str:
    fam = family(t.type)
    if not T.is_null(t.type) and fam not in families:
        raise Unsupported(f"CAST of {t.type.sql} AS {to}")
    return fam


def _integer(unsigned: bool) -> Callable[[Typed, list[int]], Typed]:
    def cast(t: Typed, params: list[int]) -> Typed:
        to = "UNSIGNED" if unsigned else "SIGNED"
        _need(t, ("int", "numeric", "text"), to)
        result = UNSIGNED if unsigned else T.BIGINT
        return Typed(f"rt.my_cast_int({t.code}, {unsigned})", result)

    return cast


def _char(t: Typed, params: list[int]) -> Typed:
    fam = _need(t, ("int", "numeric", "text", *_MOMENT_FAMILIES), "CHAR")
    length = params[0] if params else None
    if fam in _MOMENT_FAMILIES:
        digits = fsp(t.type) if fam != "date" else -1
        code = f"rt.my_moment_text({t.code}, {digits})"
    else:
        code = f"rt.my_text({t.code})" if fam in ("int", "numeric") else t.code
    return Typed(f"rt.my_cast_char({code}, {length!r})", T.TEXT)


def _decimal(t: Typed, params: list[int]) -> Typed:
    fam = _need(t, ("int", "numeric", "text"), "DECIMAL")
    precision, scale = (params + [10, 0][len(params) :])[:2]
    code = f"rt.my_cast_number({t.code})" if fam == "text" else t.code
    result = T.numeric(precision, scale)
    return Typed(f"rt.my_cast_decimal({code}, {precision}, {scale})", result)


def _double(t: Typed, params: list[int]) -> Typed:
    fam = _need(t, ("int", "numeric", "text", "float"), "DOUBLE")
    code = f"rt.my_cast_number({t.code})" if fam == "text" else t.code
    return Typed(f"rt.my_store_double({code})", T.DOUBLE)


def _moment(kind: str) -> Callable[[Typed, list[int]], Typed]:
    def cast(t: Typed, params: list[int]) -> Typed:
        _need(t, ("text", *_MOMENT_FAMILIES), kind.upper())
        digits = params[0] if params else 0
        result = T.DATE if kind == "date" else T.TIMESTAMP
        return Typed(f"rt.my_cast_moment({t.code}, {kind!r}, {digits})", result)

    return cast


_TARGETS: dict[Any, Callable[[Typed, list[int]], Typed]] = {
    D.BIGINT: _integer(False),
    D.UBIGINT: _integer(True),
    D.CHAR: _char,
    D.NCHAR: _char,
    D.DECIMAL: _decimal,
    D.DOUBLE: _double,
    D.DATE: _moment("date"),
    D.DATETIME: _moment("datetime"),
}


def h_cast(c: Compiler, node: exp.Cast) -> Typed:
    to = node.args["to"]
    convert = _TARGETS.get(to.this)
    if convert is None:
        raise Unsupported(f"CAST AS {to.sql('mysql')}")
    return convert(c.expr(node.this), _params(to))
