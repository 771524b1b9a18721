"""PostgreSQL functions and pattern matching: argument types resolved as the server does
(text parameters take untyped literals, int4 parameters take smallint but not bigint), then
the runtime call that reproduces the function."""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from ..model import SqlType
from . import pg_json
from . import stypes as T
from .core import Compiler, Handler, Typed, Unsupported
from .pg_types import (
    COMPARABLE,
    bare,
    cast,
    coerce,
    common_type,
    comparison_type,
)
from .stypes import family

# --------------------------------------------------------------------------- arguments


def _number(t: Typed, fname: str) -> Typed:
    if T.is_unknown(t.type) or T.is_null(t.type):
        return coerce(t, T.DOUBLE)  # double precision is the preferred numeric type
    if family(t.type) not in ("int", "numeric", "float"):
        raise Unsupported(f"{fname}() of {t.type.sql}")
    return t


def _int4(t: Typed, fname: str) -> Typed:
    """An int4 parameter: smallint widens, untyped literals are read; bigint does not fit."""
    if T.is_unknown(t.type) or T.is_null(t.type):
        return coerce(t, T.INTEGER)
    if t.type.category in ("smallint", "integer"):
        return Typed(t.code, T.INTEGER, t.value)
    raise Unsupported(f"{fname}() with a {t.type.sql} argument")


def _text(t: Typed, fname: str) -> Typed:
    if T.is_unknown(t.type) or T.is_null(t.type):
        return coerce(t, T.TEXT)
    if family(t.type) == "text":
        return t
    raise Unsupported(f"{fname}() of {t.type.sql}")


def _args(c: Compiler, node: exp.Expression, *keys: str) -> list[Typed | None]:
    return [c.expr(node.args[k]) if node.args.get(k) is not None else None for k in keys]


def h_round(c: Compiler, node: exp.Round) -> Typed:
    """round(numeric[, n]) half away from zero; round(double) half to even (rint)."""
    x, n = _args(c, node, "this", "decimals")
    assert x is not None
    x = _number(x, "round")
    if n is not None:
        numeric = coerce(x, T.NUMERIC) if family(x.type) == "int" else x
        if family(numeric.type) != "numeric":
            raise Unsupported(f"round({x.type.sql}, integer)")
        return Typed(f"rt.num_round({numeric.code}, {_int4(n, 'round').code})", T.NUMERIC)
    if family(x.type) == "numeric":
        return Typed(f"rt.num_round({x.code})", T.NUMERIC)
    return Typed(f"rt.float_round({coerce(x, T.DOUBLE).code})", T.DOUBLE)


def h_trunc(c: Compiler, node: exp.Trunc) -> Typed:
    x, n = _args(c, node, "this", "decimals")
    assert x is not None
    x = _number(x, "trunc")
    if n is not None:
        numeric = coerce(x, T.NUMERIC) if family(x.type) == "int" else x
        if family(numeric.type) != "numeric":
            raise Unsupported(f"trunc({x.type.sql}, integer)")
        return Typed(f"rt.num_trunc({numeric.code}, {_int4(n, 'trunc').code})", T.NUMERIC)
    if family(x.type) == "numeric":
        return Typed(f"rt.num_trunc({x.code})", T.NUMERIC)
    return Typed(f"rt.float_trunc({coerce(x, T.DOUBLE).code})", T.DOUBLE)


def numeric_or_double(fn: str) -> Handler:
    """floor/ceil/sign/sqrt: numeric stays numeric; integers and floats become double."""

    def handler(c: Compiler, node: exp.Func) -> Typed:
        if node.args.get("decimals") is not None or node.args.get("to") is not None:
            raise Unsupported(f"{fn}() with extra arguments")
        x = _number(c.expr(node.this), fn)
        if family(x.type) == "numeric":
            return Typed(f"rt.num_{fn}({x.code})", T.NUMERIC)
        return Typed(f"rt.float_{fn}({coerce(x, T.DOUBLE).code})", T.DOUBLE)

    return handler


def h_abs(c: Compiler, node: exp.Abs) -> Typed:
    x = _number(c.expr(node.this), "abs")
    fam = family(x.type)
    if fam == "int":
        return Typed(f"rt.int_abs({x.code}, {x.type.category!r})", bare(x.type))
    if fam == "numeric":
        return Typed(f"rt.num_abs({x.code})", T.NUMERIC)
    return Typed(f"rt.float_abs({x.code})", bare(x.type))


def h_pipe(c: Compiler, node: exp.DPipe) -> Typed:
    """`||`: text on both sides after casting a non-text side to text; NULL propagates."""
    left, right = c.expr(node.this), c.expr(node.expression)
    lt, rt_ = family(left.type), family(right.type)
    untyped = ("unknown",)
    if lt not in ("text", *untyped) and rt_ not in ("text", *untyped):
        raise Unsupported(f"|| on {left.type.sql} and {right.type.sql}")
    a = _text(left, "||") if lt in ("text", "unknown") else cast(c, left, T.TEXT, True)
    b = _text(right, "||") if rt_ in ("text", "unknown") else cast(c, right, T.TEXT, True)
    return Typed(f"rt.concat_op({a.code}, {b.code})", T.TEXT)


def _output(c: Compiler, t: Typed) -> str:
    """An argument of concat()/concat_ws(): its output function's text (booleans 't')."""
    if T.is_null(t.type):
        return "None"
    if T.is_unknown(t.type) or family(t.type) == "text":
        return t.code
    if t.type.category == "boolean":
        return (
            f"(None if {t.code} is None else 't' if {t.code} else 'f')"
            if not t.is_const
            else (repr(None if t.value is None else "t" if t.value else "f"))
        )
    return cast(c, t, T.TEXT, True).code


def h_concat(c: Compiler, node: exp.Concat) -> Typed:
    args = ", ".join(_output(c, c.expr(e)) for e in node.expressions)
    return Typed(f"rt.concat({args})", T.TEXT)


def h_concat_ws(c: Compiler, node: exp.ConcatWs) -> Typed:
    sep, *rest = node.expressions
    args = "".join(", " + _output(c, c.expr(e)) for e in rest)
    return Typed(f"rt.concat_ws({_text(c.expr(sep), 'concat_ws').code}{args})", T.TEXT)


def text_fn(fn: str, sql_name: str) -> Handler:
    def handler(c: Compiler, node: exp.Func) -> Typed:
        s = _text(c.expr(node.this), sql_name)
        return Typed(f"rt.{fn}({s.code})", T.INTEGER if fn == "length" else T.TEXT)

    return handler


def h_length(c: Compiler, node: exp.Length) -> Typed:
    if node.args.get("encoding") is not None or node.args.get("binary"):
        raise Unsupported("length() with an encoding")
    return text_fn("length", "length")(c, node)


def h_substring(c: Compiler, node: exp.Substring) -> Typed:
    s, start, count = _args(c, node, "this", "start", "length")
    assert s is not None
    s = _text(s, "substr")
    if start is None:
        raise Unsupported("substring() without a start position")
    start = _int4(start, "substr")
    if count is None:
        return Typed(f"rt.substr_from({s.code}, {start.code})", T.TEXT)
    return Typed(f"rt.substr({s.code}, {start.code}, {_int4(count, 'substr').code})", T.TEXT)


def left_right(fn: str) -> Handler:
    def handler(c: Compiler, node: exp.Func) -> Typed:
        s = _text(c.expr(node.this), fn)
        n = _int4(c.expr(node.expression), fn)
        return Typed(f"rt.{fn}({s.code}, {n.code})", T.TEXT)

    return handler


def h_trim(c: Compiler, node: exp.Trim) -> Typed:
    if node.args.get("collation") is not None:
        raise Unsupported("trim() with a collation")
    s = _text(c.expr(node.this), "trim")
    chars = node.args.get("expression")
    position = (node.args.get("position") or "BOTH").upper()
    fn = {"BOTH": "btrim", "LEADING": "ltrim", "TRAILING": "rtrim"}[position]
    extra = f", {_text(c.expr(chars), 'trim').code}" if chars is not None else ""
    return Typed(f"rt.{fn}({s.code}{extra})", T.TEXT)


def h_replace(c: Compiler, node: exp.Replace) -> Typed:
    s, old, new = (
        _text(t, "replace") for t in _args(c, node, "this", "expression", "replacement") if t
    )
    return Typed(f"rt.replace({s.code}, {old.code}, {new.code})", T.TEXT)


def h_pad(c: Compiler, node: exp.Pad) -> Typed:
    fn = "lpad" if node.args.get("is_left") else "rpad"
    s = _text(c.expr(node.this), fn)
    n = _int4(c.expr(node.expression), fn)
    fill = node.args.get("fill_pattern")
    extra = f", {_text(c.expr(fill), fn).code}" if fill is not None else ""
    return Typed(f"rt.{fn}({s.code}, {n.code}{extra})", T.TEXT)


def h_strpos(c: Compiler, node: exp.StrPosition) -> Typed:
    if node.args.get("position") is not None or node.args.get("occurrence") is not None:
        raise Unsupported("strpos() with a start position")
    s = _text(c.expr(node.this), "strpos")
    sub = _text(c.expr(node.args["substr"]), "strpos")
    return Typed(f"rt.strpos({s.code}, {sub.code})", T.INTEGER)


def h_split_part(c: Compiler, node: exp.SplitPart) -> Typed:
    s = _text(c.expr(node.this), "split_part")
    delimiter = _text(c.expr(node.args["delimiter"]), "split_part")
    n = _int4(c.expr(node.args["part_index"]), "split_part")
    return Typed(f"rt.split_part({s.code}, {delimiter.code}, {n.code})", T.TEXT)


def extremum(fn: str) -> Handler:
    def handler(c: Compiler, node: exp.Func) -> Typed:
        args = [c.expr(node.this), *[c.expr(e) for e in node.expressions]]
        target = common_type([t.type for t in args], fn.upper())
        unified = [coerce(t, target) for t in args]
        if family(unified[0].type) not in COMPARABLE or unified[0].type.category == "enum":
            raise Unsupported(f"{fn}() of {unified[0].type.sql}")
        listed = ", ".join(t.code for t in unified)
        return Typed(f"rt.{fn}({listed})", unified[0].type)

    return handler


def h_nullif(c: Compiler, node: exp.Nullif) -> Typed:
    a, b = c.expr(node.this), c.expr(node.expression)
    target = comparison_type(a.type, b.type)
    return Typed(f"rt.nullif({coerce(a, target).code}, {coerce(b, target).code})", target)


# --------------------------------------------------------------------------- patterns


def _like(negate_fn: str) -> Callable[[Compiler, exp.Expression, Typed | None], Typed]:
    def build(c: Compiler, node: exp.Expression, escape: Typed | None) -> Typed:
        s = _text(c.expr(node.this), negate_fn)
        pattern = _text(c.expr(node.expression), negate_fn)
        extra = f", {escape.code}" if escape is not None else ""
        code = f"rt.{negate_fn}({s.code}, {pattern.code}{extra})"
        if node.args.get("negate"):
            code = f"rt.not_({code})"
        return Typed(code, T.BOOLEAN)

    return build


_LIKE_BUILDERS = {exp.Like: _like("like"), exp.ILike: _like("ilike")}


def h_like(c: Compiler, node: exp.Like | exp.ILike) -> Typed:
    if node.args.get("quantifier") is not None:
        raise Unsupported("LIKE ANY/ALL")
    return _LIKE_BUILDERS[type(node)](c, node, None)


def h_escape(c: Compiler, node: exp.Escape) -> Typed:
    inner = node.this
    if type(inner) not in _LIKE_BUILDERS:
        raise Unsupported(f"ESCAPE on {type(inner).__name__}")
    escape = _text(c.expr(node.expression), "ESCAPE")
    return _LIKE_BUILDERS[type(inner)](c, inner, escape)


def h_regex(c: Compiler, node: exp.RegexpLike | exp.RegexpILike) -> Typed:
    s = _text(c.expr(node.this), "~")
    pattern = c.expr(node.expression)
    if not (T.is_unknown(pattern.type) and isinstance(pattern.value, str)):
        raise Unsupported("regular expression that is not a string literal")
    from .regex import translate

    py_pattern = translate(pattern.value)
    flags = " | rt.re.IGNORECASE" if isinstance(node, exp.RegexpILike) else ""
    code = f"rt.regex_match({s.code}, rt.re.compile({py_pattern!r}, rt.re.DOTALL{flags}))"
    return Typed(code, T.BOOLEAN)


# --------------------------------------------------------------------------- date and time

_FIELDS = {"year", "month", "day", "hour", "minute", "second", "quarter", "dow", "isodow",
           "doy", "week", "isoyear", "decade", "century", "millennium", "epoch",
           "millisecond", "microsecond"}  # fmt: skip
_FIELD_ALIASES = {"years": "year", "months": "month", "days": "day", "hours": "hour",
                  "minutes": "minute", "seconds": "second", "milliseconds": "millisecond",
                  "microseconds": "microsecond", "mon": "month", "mons": "month"}  # fmt: skip


def _field(name: str) -> str:
    key = _FIELD_ALIASES.get(name.lower(), name.lower())
    if key not in _FIELDS:
        raise Unsupported(f"date field {name!r}")
    return key


def _datetime_arg(t: Typed, fname: str) -> Typed:
    if t.type.category in T.TIMES:
        return t
    if T.is_null(t.type):
        return coerce(t, T.TIMESTAMPTZ)
    raise Unsupported(f"{fname}() of {t.type.sql}")


def h_extract(c: Compiler, node: exp.Extract) -> Typed:
    unit = node.this
    field = _field(unit.name)
    value = _datetime_arg(c.expr(node.expression), "extract")
    source = value.type.category
    return Typed(f"rt.extract({field!r}, {value.code}, {source!r})", T.NUMERIC)


def a_date_part(c: Compiler, node: exp.Anonymous) -> Typed:
    if len(node.expressions) != 2:
        raise Unsupported("date_part() with other than 2 arguments")
    unit = c.expr(node.expressions[0])
    if not (T.is_unknown(unit.type) and isinstance(unit.value, str)):
        raise Unsupported("date_part() with a field that is not a literal")
    field = _field(unit.value)
    value = _datetime_arg(c.expr(node.expressions[1]), "date_part")
    source = value.type.category
    return Typed(f"rt.date_part({field!r}, {value.code}, {source!r})", T.DOUBLE)


_TRUNC_UNITS = {"microseconds", "milliseconds", "second", "minute", "hour", "day", "week",
                "month", "quarter", "year", "decade", "century", "millennium"}  # fmt: skip


def h_date_trunc(c: Compiler, node: exp.TimestampTrunc) -> Typed:
    unit = node.args.get("unit")
    name = unit.name.lower() if unit is not None else ""
    name = {"seconds": "second", "minutes": "minute", "hours": "hour", "days": "day",
            "weeks": "week", "months": "month", "years": "year"}.get(name, name)  # fmt: skip
    if name not in _TRUNC_UNITS or node.args.get("zone") is not None:
        raise Unsupported(f"date_trunc() unit {name!r}")
    value = _datetime_arg(c.expr(node.this), "date_trunc")
    if value.type.category == "date":
        value = coerce(value, T.TIMESTAMPTZ)  # date_trunc(text, timestamptz) is chosen
    return Typed(f"rt.date_trunc({name!r}, {value.code})", value.type)


def constant_call(code: str, result: SqlType) -> Handler:
    def handler(c: Compiler, node: exp.Expression) -> Typed:
        if isinstance(node, exp.Anonymous) and node.expressions:
            raise Unsupported(f"function {node.name.lower()}() with arguments")
        return Typed(code, result)

    return handler


def a_uuidv7(c: Compiler, node: exp.Anonymous) -> Typed:
    """uuidv7() and uuidv7(shift interval) (PostgreSQL 18)."""
    if not node.expressions:
        return Typed("rt.uuid_v7()", T.UUID)
    if len(node.expressions) != 1:
        raise Unsupported("uuidv7() with more than one argument")
    shift = c.expr(node.expressions[0])
    if T.is_unknown(shift.type) or T.is_null(shift.type):
        shift = coerce(shift, T.INTERVAL)
    if shift.type.category != "interval":
        raise Unsupported(f"uuidv7() of {shift.type.sql}")
    return Typed(f"rt.uuid_v7({shift.code})", T.UUID)


_ANONYMOUS: dict[str, Handler] = {
    "date_part": a_date_part,
    "uuidv4": constant_call("rt.random_uuid()", T.UUID),
    "uuidv7": a_uuidv7,
    "statement_timestamp": constant_call("rt.now()", T.TIMESTAMPTZ),
    "transaction_timestamp": constant_call("rt.now()", T.TIMESTAMPTZ),
    "uuid_generate_v4": constant_call("rt.random_uuid()", T.UUID),
    **pg_json.ANONYMOUS,
}


def h_anonymous(c: Compiler, node: exp.Anonymous) -> Typed:
    handler = _ANONYMOUS.get(node.name.lower())
    if handler is None:
        raise Unsupported(f"function {node.name.lower()}()")
    return handler(c, node)
