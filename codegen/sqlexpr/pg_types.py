"""PostgreSQL's type rules: implicit and explicit casts, and how operand types resolve.

An untyped literal takes the other operand's type; integers widen (int2 < int4 < int8);
integer with numeric is numeric; any mix involving a float, other than real with real, is
double precision. Branches of CASE/COALESCE/GREATEST/IN unify as select_common_type() does.
A conversion is a list of runtime `Step`s, applied at compile time to constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import SqlType
from . import runtime
from . import stypes as T
from .core import Compiler, Typed, Unsupported
from .stypes import family, py_literal

# --------------------------------------------------------------------------- casts


@dataclass(frozen=True)
class Step:
    """One runtime conversion `rt.<fn>(value, *args)`; constants are converted at compile time."""

    fn: str
    args: tuple[Any, ...] = ()


def _invalid(err: runtime.SqlError, target: SqlType) -> Typed:
    """A constant the database refuses: the call raises its message and SQLSTATE at run time."""
    code = "" if err.sqlstate == "22000" else f", {err.sqlstate!r}"
    return Typed(f"rt.invalid({str(err)!r}{code})", target)


def apply(t: Typed, steps: list[Step], target: SqlType) -> Typed:
    code, value = t.code, t.value
    for step in steps:
        args = list(step.args)
        while args and args[-1] in (None, ""):
            args.pop()  # leave defaults out of the generated call
        extra = "".join(", " + py_literal(a) for a in args)
        code = f"rt.{step.fn}({code}{extra})"
        if t.is_const:
            try:
                value = getattr(runtime, step.fn)(value, *step.args)
            except runtime.SqlError as err:
                return _invalid(err, target)
    if t.is_const:
        return Typed(py_literal(value), target, value=value)
    return Typed(code, target)


def _text_steps(src: SqlType, dst: SqlType, explicit: bool) -> list[Step] | None:
    kind = src.category
    steps: list[Step] = []
    if family(src) != "text":
        if kind not in ("smallint", "integer", "bigint", "numeric", "real", "double",
                        "boolean", "date", "timestamp", "timestamptz", "interval", "uuid",
                        "enum"):  # fmt: skip
            return None
        steps.append(Step("text_out", ("numeric" if kind == "numeric" else kind,)))
    if dst.category == "varchar" and dst.length is not None:
        steps.append(Step("to_varchar", (dst.length, explicit)))
    return steps


def cast_steps(src: SqlType, dst: SqlType, explicit: bool) -> list[Step] | None:
    """How a value of `src` becomes `dst` (explicit cast, or assignment when storing)."""
    s, d = family(src), dst.category
    if d in T.INTS:
        if s == "int" and T.LADDER.index(src.category) <= T.LADDER.index(d):
            return []
        if s in ("int", "numeric", "float") or (explicit and s == "text"):
            return [Step("to_int", (d,))]
        if explicit and src.category == "boolean" and d == "integer":
            return [Step("to_int", (d,))]
        return None
    if d == "numeric":
        if s == "numeric" and dst.precision is None:
            return []
        if s in ("int", "numeric", "float") or (explicit and s == "text"):
            source = "real" if src.category == "real" else ""
            return [Step("to_numeric", (dst.precision, dst.scale, source))]
        return None
    if d in T.FLOATS:
        if src.category == d or (src.category == "real" and d == "double"):
            return []
        if s in ("int", "numeric", "float") or (explicit and s == "text"):
            return [Step("to_double" if d == "double" else "to_real")]
        return None
    if d in T.STRINGS:
        return _text_steps(src, dst, explicit)
    if d == "char":  # kept unpadded, as text: see runtime.bpchar
        steps = _text_steps(src, T.TEXT, explicit)
        return None if steps is None else [*steps, Step("to_bpchar", (dst.length, explicit))]
    if d == "boolean":
        if s == "boolean":
            return []
        if explicit and (src.category == "integer" or s == "text"):
            return [Step("to_bool")]
        return None
    if d in T.TIMES:
        if src.category == d:
            return []
        if s in T.TIMES:
            return [Step({"date": "to_date"}.get(d, f"to_{d}"))]
        return None
    if d in ("uuid", "interval"):
        return [] if src.category == d else None
    if d == "enum":
        return [] if src.category == "enum" and src.name == dst.name else None
    return None


def input_value(text: str, target: SqlType, explicit: bool) -> Typed:
    """An untyped literal read as `target` at compile time (PostgreSQL types it so too)."""
    d = target.category
    try:
        value: Any
        if d in T.INTS:
            value = runtime.to_int(text, d)
        elif d == "numeric":
            value = runtime.to_numeric(text, target.precision, target.scale)
        elif d == "double":
            value = runtime.to_double(text)
        elif d == "real":
            value = runtime.to_real(text)
        elif d in ("text", "enum"):
            value = text
        elif d == "varchar":
            value = runtime.to_varchar(text, target.length, explicit)
        elif d == "char":  # bpchar, unpadded: it compares as text
            value = runtime.to_bpchar(text, target.length, explicit)
            return Typed(py_literal(value), T.TEXT, value=value)
        elif d == "boolean":
            value = runtime.to_bool(text)
        elif d == "date":
            value = runtime.to_date(text)
        elif d == "timestamp":
            value = runtime.to_timestamp(text)
        elif d == "timestamptz":
            value = runtime.to_timestamptz(text)
        elif d == "uuid":
            value = runtime.to_uuid(text)
        elif d == "interval":
            value = runtime.parse_interval(text)
        else:
            raise Unsupported(f"literal of type {target.sql}")
    except runtime.SqlError as err:
        return _invalid(err, target)
    except (NotImplementedError, ValueError) as err:
        raise Unsupported(f"literal {text!r} as {target.sql} ({err})") from None
    return Typed(py_literal(value), target, value=value)


def coerce(t: Typed, target: SqlType) -> Typed:
    """Implicit conversion, as PostgreSQL inserts it for operators and function calls."""
    if T.is_null(t.type):
        return Typed("None", target, value=None)
    if T.is_unknown(t.type):
        return input_value(t.value, target, explicit=False)
    src, dst = t.type, target
    if src.category == dst.category and (dst.category != "enum" or src.name == dst.name):
        return t if src == dst else Typed(t.code, dst, t.value)
    s, d = family(src), family(dst)
    steps: list[Step] | None = None
    if s == d == "text" or (s == d == "int" and wider(dst, src)):
        steps = []
    elif (s in ("int", "numeric", "float") and d in ("numeric", "float") and wider(dst, src)) or (
        s in T.TIMES and d in T.TIMES and T.TIMES.index(d) > T.TIMES.index(s)
    ):
        steps = cast_steps(src, dst, explicit=False)
    if steps is None:
        raise Unsupported(f"implicit cast from {src.sql} to {dst.sql}")
    return apply(t, steps, dst)


def wider(a: SqlType, b: SqlType) -> bool:
    return T.LADDER.index(a.category) >= T.LADDER.index(b.category)


def cast(c: Compiler, t: Typed, target: SqlType, explicit: bool) -> Typed:
    if T.is_null(t.type):
        return Typed("None", target, value=None)
    if T.is_unknown(t.type):
        return input_value(t.value, target, explicit)
    steps = cast_steps(t.type, target, explicit)
    if steps is None:
        verb = "cast" if explicit else "storing"
        raise Unsupported(f"{verb} {t.type.sql} as {target.sql}")
    return apply(t, steps, T.TEXT if target.category == "char" else target)


# --------------------------------------------------------------------------- type rules


def operator_type(a: SqlType, b: SqlType) -> SqlType:
    """Binary arithmetic/comparison on numbers: the operand type both are converted to."""
    if a.category == b.category:
        return T.simple(a.category, {"double": "double precision"}.get(a.category))
    if a.category in T.FLOATS or b.category in T.FLOATS:
        return T.DOUBLE
    top = max(T.LADDER.index(a.category), T.LADDER.index(b.category))
    return T.simple(T.LADDER[top], None)


def bare(t: SqlType) -> SqlType:
    if t.category == "enum":
        return t
    return T.simple(t.category, {"double": "double precision"}.get(t.category))


def common_type(types: list[SqlType], what: str) -> SqlType:
    """select_common_type(): all untyped -> text; else the most preferred in one category."""
    known = [t for t in types if not (T.is_null(t) or T.is_unknown(t))]
    if not known:
        return T.TEXT
    fams = {family(t) for t in known}
    if fams <= {"int", "numeric", "float"}:
        return bare(max(known, key=lambda t: T.LADDER.index(t.category)))
    if fams <= set(T.TIMES):
        return bare(max(known, key=lambda t: T.TIMES.index(t.category)))
    if len(fams) == 1:
        fam = fams.pop()
        if fam == "text":
            same = {t.category for t in known}
            return T.varchar() if same == {"varchar"} else T.TEXT
        if fam == "enum" and len({t.name for t in known}) > 1:
            raise Unsupported(f"{what} mixing enum types")
        return bare(known[0])
    raise Unsupported(f"{what} mixing {', '.join(sorted(t.sql for t in known))}")


def comparison_type(a: SqlType, b: SqlType) -> SqlType:
    unknown_a, unknown_b = T.is_null(a) or T.is_unknown(a), T.is_null(b) or T.is_unknown(b)
    if unknown_a and unknown_b:
        return T.TEXT
    if unknown_a or unknown_b:
        return bare(b if unknown_a else a)
    fa, fb = family(a), family(b)
    if {fa, fb} <= {"int", "numeric", "float"}:
        return operator_type(a, b)
    return common_type([a, b], "comparison")


CMP_FN = {"=": "eq", "<>": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
COMPARABLE = {"int", "numeric", "float", "text", "boolean", "date", "timestamp",
               "timestamptz", "interval", "uuid", "enum"}  # fmt: skip
