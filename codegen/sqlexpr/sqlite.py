"""SQLite semantics: values carry their storage class, so the runtime decides at run time.

What is static is *affinity*: a column reference has its column's affinity (from the
declared type, by SQLite's five rules) and a CAST has its target's. Comparisons apply
affinity to the other operand as SQLite does; storing a result applies the declared
type's affinity. There are no booleans (comparisons give 1/0/NULL), `/` on two integers
truncates, dividing by zero gives NULL, and integer overflow turns into REAL.
"""

from __future__ import annotations

import re

from sqlglot import exp

from ..jsonread import path_steps
from ..model import SqlType
from . import runtime
from . import stypes as T
from .compiler import common_dispatch, lazy, register_common
from .core import Compiler, Handler, Typed, Unsupported
from .dialects import Dialect
from .registry import supports
from .stypes import py_literal

NUMERIC_AFFINITIES = ("INTEGER", "REAL", "NUMERIC")


def affinity(declared: str) -> str:
    """Section 3.1 of "Datatypes In SQLite": the affinity of a declared type name."""
    upper = declared.upper()
    if "INT" in upper:
        return "INTEGER"
    if any(k in upper for k in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in upper or not upper.strip():
        return "BLOB"
    if any(k in upper for k in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def _fold(fn: str, t: Typed, *args: str) -> Typed:
    """Call a runtime conversion, at compile time when the operand is a constant."""
    if t.is_const:
        value = getattr(runtime, fn)(t.value, *args)
        return Typed(py_literal(value), T.ANY, value=value)
    extra = "".join(f", {a!r}" for a in args)
    return Typed(f"rt.{fn}({t.code}{extra})", T.ANY)


def comparison_operands(left: Typed, right: Typed) -> tuple[Typed, Typed]:
    """Apply affinity to comparison operands (section 4.2 of the datatype docs)."""
    la, ra = left.affinity, right.affinity
    if la in NUMERIC_AFFINITIES and ra not in NUMERIC_AFFINITIES:
        right = _fold("sq_numeric_affinity", right)
    elif ra in NUMERIC_AFFINITIES and la not in NUMERIC_AFFINITIES:
        left = _fold("sq_numeric_affinity", left)
    elif la == "TEXT" and ra in (None, "BLOB"):
        right = _fold("sq_text_affinity", right)
    elif ra == "TEXT" and la in (None, "BLOB"):
        left = _fold("sq_text_affinity", left)
    return left, right


class SqliteDialect(Dialect):
    def parse(self, sql: str) -> exp.Expression:
        if re.search(r"\bAS\s+[\"'`\[]?STRING\b", sql, re.IGNORECASE):
            # sqlglot reads the type STRING as TEXT; SQLite gives it NUMERIC affinity
            raise Unsupported("CAST AS STRING")
        return super().parse(sql)

    def column_type(self, t: SqlType) -> SqlType:
        return t

    def affinity_of(self, t: SqlType) -> str | None:
        return affinity(t.original or t.sql)

    def boolean(self, code: str) -> Typed:
        return Typed(f"rt.sq_bool({code})", T.INTEGER)

    def condition(self, t: Typed) -> str:
        return f"rt.is_true(rt.sq_truth({t.code}))"

    def logic(self, c: Compiler, op: str, items: list[Typed]) -> Typed:
        if op == "not":
            return Typed(f"rt.sq_not({items[0].code})", T.INTEGER)
        rest = "".join(", " + lazy(t) for t in items[1:])
        return Typed(f"rt.sq_{op}({items[0].code}{rest})", T.INTEGER)

    def compare(self, c: Compiler, op: str, left: Typed, right: Typed) -> Typed:
        a, b = comparison_operands(left, right)
        return Typed(f"rt.sq_cmp({op!r}, {a.code}, {b.code})", T.INTEGER)

    def unify(self, c: Compiler, items: list[Typed], what: str) -> list[Typed]:
        return [Typed(t.code, T.ANY, t.value) for t in items]

    def in_list(self, c: Compiler, needle: Typed, items: list[Typed]) -> Typed:
        if needle.affinity is None and any(t.affinity for t in items):
            raise Unsupported("IN list whose items carry an affinity the left side lacks")
        converted = [comparison_operands(needle, t)[1] for t in items]
        listed = ", ".join(t.code for t in converted)
        return Typed(f"rt.sq_in({needle.code}, [{listed}])", T.INTEGER)

    def distinct(self, c: Compiler, left: Typed, right: Typed, negate: bool) -> Typed:
        a, b = comparison_operands(left, right)
        code = f"rt.sq_is({a.code}, {b.code})"
        return Typed(code if negate else f"(1 - {code})", T.INTEGER)

    def predicate(self, t: Typed) -> str:
        return f"rt.check_result(rt.sq_truth({t.code}))"

    def assign(self, c: Compiler, t: Typed, target: SqlType) -> Typed:
        return _fold("sq_store", t, affinity(target.original or target.sql))


# --------------------------------------------------------------------------- values


def h_literal(c: Compiler, node: exp.Literal) -> Typed:
    if node.is_string:
        return Typed(repr(node.this), T.ANY, value=node.this)
    return number(node.this)


def number(text: str) -> Typed:
    """Integers that fit in 64 bits are INTEGER; anything else is REAL."""
    value: int | float
    if re.fullmatch(r"-?\d+", text) and -(2**63) <= int(text) < 2**63:
        value = int(text)
    elif re.fullmatch(r"0[xX][0-9a-fA-F]+", text):
        raise Unsupported("hexadecimal integer literal")
    else:
        value = float(text)
    return Typed(py_literal(value), T.ANY, value=value)


def h_null(c: Compiler, node: exp.Null) -> Typed:
    return Typed("None", T.ANY, value=None)


def h_boolean(c: Compiler, node: exp.Boolean) -> Typed:
    value = int(bool(node.this))
    return Typed(repr(value), T.ANY, value=value)


_CAST_FN = {"INTEGER": "sq_to_integer", "REAL": "sq_to_real", "TEXT": "sq_text",
            "NUMERIC": "sq_to_numeric"}  # fmt: skip


def cast_affinity(to: exp.Expression) -> str:
    """The affinity of a CAST target, from the type name as written (sqlglot normalises
    names, so map its type back: DECIMAL is NUMERIC, VARBINARY came from BLOB)."""
    if not isinstance(to, exp.DataType):
        return "BLOB"
    if to.this == exp.DataType.Type.USERDEFINED:
        kind = to.args.get("kind")
        return affinity(kind.name if kind is not None else "")
    if to.this in (exp.DataType.Type.VARBINARY, exp.DataType.Type.BINARY):
        return "BLOB"
    return affinity(to.this.value)


def h_cast(c: Compiler, node: exp.Cast) -> Typed:
    aff = cast_affinity(node.args["to"])
    if aff not in _CAST_FN:
        raise Unsupported("CAST to BLOB")
    result = _fold(_CAST_FN[aff], c.expr(node.this))
    return Typed(result.code, T.ANY, result.value, affinity=aff)


_ARITH: dict[type, str] = {
    exp.Add: "sq_add",
    exp.Sub: "sq_sub",
    exp.Mul: "sq_mul",
    exp.Div: "sq_div",
    exp.Mod: "sq_mod",
    exp.DPipe: "sq_concat",
}


def h_binary(c: Compiler, node: exp.Binary) -> Typed:
    a, b = c.expr(node.this), c.expr(node.expression)
    return Typed(f"rt.{_ARITH[type(node)]}({a.code}, {b.code})", T.ANY)


def h_neg(c: Compiler, node: exp.Neg) -> Typed:
    if isinstance(node.this, exp.Literal) and not node.this.is_string:
        return number("-" + node.this.this)
    return Typed(f"rt.sq_neg({c.expr(node.this).code})", T.ANY)


def _call(fn: str, *keys: str, required: int = 1) -> Handler:
    """A function whose arguments map one-to-one onto runtime parameters."""

    def handler(c: Compiler, node: exp.Expression) -> Typed:
        args = [node.args.get(k) for k in keys]
        extra = [k for k, v in node.args.items() if v is not None and k not in keys]
        if extra:
            raise Unsupported(f"{type(node).__name__.lower()}() with {', '.join(extra)}")
        codes = [c.expr(a).code for a in args if a is not None]
        if len(codes) < required:
            raise Unsupported(f"{type(node).__name__.lower()}() with too few arguments")
        return Typed(f"rt.{fn}({', '.join(codes)})", T.ANY)

    return handler


def h_case_fn(fn: str) -> Handler:
    upper = fn == "upper"

    def handler(c: Compiler, node: exp.Func) -> Typed:
        return Typed(f"rt.sq_ascii_case({c.expr(node.this).code}, {upper})", T.ANY)

    return handler


def h_round(c: Compiler, node: exp.Round) -> Typed:
    """round(X) in double arithmetic; round(X, N) through rt.sq_round, which reproduces
    SQLite 3.40's printf-then-atof in long double arithmetic."""
    decimals = node.args.get("decimals")
    x = c.expr(node.this).code
    if decimals is None:
        return Typed(f"rt.sq_round0({x})", T.ANY)
    return Typed(f"rt.sq_round({x}, {c.expr(decimals).code})", T.ANY)


def h_lower_hex(c: Compiler, node: exp.LowerHex) -> Typed:
    return Typed(f"rt.sq_ascii_case(rt.sq_hex({c.expr(node.this).code}), False)", T.TEXT)


def h_trim(c: Compiler, node: exp.Trim) -> Typed:
    where = {"LEADING": "leading", "TRAILING": "trailing"}.get(
        (node.args.get("position") or "").upper(), "both"
    )
    s = c.expr(node.this)
    chars = node.args.get("expression")
    chars_code = c.expr(chars).code if chars is not None else "' '"
    return Typed(f"rt.sq_trim({s.code}, {chars_code}, {where!r})", T.ANY)


def h_extremum(c: Compiler, node: exp.Func) -> Typed:
    args = [c.expr(node.this), *[c.expr(e) for e in node.expressions]]
    if len(args) < 2:
        raise Unsupported("aggregate max()/min()")
    listed = ", ".join(t.code for t in args)
    return Typed(f"rt.sq_minmax({isinstance(node, exp.Greatest)}, {listed})", T.ANY)


def h_coalesce(c: Compiler, node: exp.Coalesce) -> Typed:
    args = [c.expr(node.this), *[c.expr(e) for e in node.expressions]]
    if len(args) < 2:
        raise Unsupported("coalesce() with one argument")
    rest = ", ".join(lazy(t) for t in args[1:])
    return Typed(f"rt.coalesce({args[0].code}, {rest})", T.ANY)


def h_iif(c: Compiler, node: exp.If) -> Typed:
    cond = c.expr(node.this)
    then = c.expr(node.args["true"])
    other = node.args.get("false")
    otherwise = c.expr(other).code if other is not None else "None"
    return Typed(f"({then.code} if {SQLITE.condition(cond)} else {otherwise})", T.ANY)


def h_like(c: Compiler, node: exp.Like) -> Typed:
    s, pattern = c.expr(node.this), c.expr(node.expression)
    code = f"rt.sq_like({s.code}, {pattern.code})"
    return Typed(f"rt.sq_not({code})" if node.args.get("negate") else code, T.INTEGER)


def h_escape(c: Compiler, node: exp.Escape) -> Typed:
    inner = node.this
    if not isinstance(inner, exp.Like):
        raise Unsupported(f"ESCAPE on {type(inner).__name__}")
    s, pattern = c.expr(inner.this), c.expr(inner.expression)
    code = f"rt.sq_like({s.code}, {pattern.code}, {c.expr(node.expression).code})"
    return Typed(f"rt.sq_not({code})" if inner.args.get("negate") else code, T.INTEGER)


def h_now_text(fmt: str) -> Handler:
    def handler(c: Compiler, node: exp.Expression) -> Typed:
        return Typed(f"rt.sq_now_text({fmt!r})", T.ANY)

    return handler


def h_date_fn(c: Compiler, node: exp.Expression) -> Typed:
    """date('now') / datetime('now'): the only forms read (no modifiers)."""
    if isinstance(node, exp.Anonymous):
        name, args = node.name.lower(), node.expressions
    else:
        name, args = "date", [node.this, *node.expressions]
    formats = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%d %H:%M:%S", "time": "%H:%M:%S"}
    literal = args[0] if len(args) == 1 else None
    if name not in formats or not (
        isinstance(literal, exp.Literal) and literal.is_string and literal.this.lower() == "now"
    ):
        raise Unsupported(f"function {name}() other than {name}('now')")
    return Typed(f"rt.sq_now_text({formats[name]!r})", T.ANY)


def json_path(node: exp.Expression | None) -> tuple[str | int, ...]:
    """A JSON path of keys and indexes (`$.a.b[0]`), as sqlglot parsed it."""
    steps = path_steps(node)
    if steps is None:
        raise Unsupported("a JSON path other than constant keys and indexes")
    return steps


def h_json_extract(mode: str) -> Handler:
    def handler(c: Compiler, node: exp.Expression) -> Typed:
        if node.expressions or node.args.get("variant_extract"):
            raise Unsupported("json_extract() with several paths")
        path = json_path(node.expression)
        return Typed(f"rt.sq_json_extract({c.expr(node.this).code}, {path!r}, {mode!r})", T.ANY)

    return handler


def h_arrow(c: Compiler, node: exp.Expression) -> Typed:
    """X -> P gives JSON text; X ->> P and json_extract(X, P) give an SQL value."""
    scalar = isinstance(node, exp.JSONExtractScalar)
    return h_json_extract("sql" if scalar else "json")(c, node)


def h_anonymous(c: Compiler, node: exp.Anonymous) -> Typed:
    if node.name.lower() in ("datetime", "time"):
        return h_date_fn(c, node)
    if node.name.lower() == "randomblob" and len(node.expressions) == 1:
        return Typed(f"rt.sq_randomblob({c.expr(node.expressions[0]).code})", T.ANY)
    if node.name.lower() == "json_valid" and len(node.expressions) == 1:
        return Typed(f"rt.sq_json_valid({c.expr(node.expressions[0]).code})", T.INTEGER)
    raise Unsupported(f"function {node.name.lower()}()")


def _dispatch() -> dict[type, Handler]:
    table = common_dispatch()
    table.update(
        {
            exp.Literal: h_literal,
            exp.Null: h_null,
            exp.Boolean: h_boolean,
            exp.Cast: h_cast,
            exp.Neg: h_neg,
            exp.Coalesce: h_coalesce,
            exp.If: h_iif,
            exp.Abs: _call("sq_abs", "this"),
            exp.Round: h_round,
            exp.Hex: _call("sq_hex", "this"),
            exp.LowerHex: h_lower_hex,
            exp.Upper: h_case_fn("upper"),
            exp.Lower: h_case_fn("lower"),
            exp.Length: _call("sq_length", "this"),
            exp.Substring: _call("sq_substr", "this", "start", "length", required=2),
            exp.Trim: h_trim,
            exp.Replace: _call("sq_replace", "this", "expression", "replacement", required=3),
            exp.StrPosition: _call("sq_instr", "this", "substr", required=2),
            exp.Nullif: _call("sq_nullif", "this", "expression", required=2),
            exp.Greatest: h_extremum,
            exp.Least: h_extremum,
            exp.Like: h_like,
            exp.Escape: h_escape,
            exp.CurrentTimestamp: h_now_text("%Y-%m-%d %H:%M:%S"),
            exp.CurrentDate: h_now_text("%Y-%m-%d"),
            exp.CurrentTime: h_now_text("%H:%M:%S"),
            exp.Date: h_date_fn,
            exp.Anonymous: h_anonymous,
            exp.JSONExtract: h_arrow,
            exp.JSONExtractScalar: h_arrow,
        }
    )
    for kind in _ARITH:
        table[kind] = h_binary
    return table


SQLITE = SqliteDialect(name="sqlite", read="sqlite", dispatch=_dispatch())


def _register() -> None:
    d = "sqlite"
    register_common(d, lambda key: "affinity applied as SQLite does; results 1/0/NULL"
                    if key.startswith(("=", "IS [NOT] D", "BETWEEN", "IN")) else "")  # fmt: skip
    for group, construct, note in (
        ("values", "integer / numeric / string / boolean literals, NULL", "TRUE is 1; 1.5 is REAL"),
        (
            "arithmetic",
            "+ - * / % (integers)",
            "truncating; overflow becomes REAL; / or % by zero is NULL",
        ),
        (
            "arithmetic",
            "+ - * / (real, double precision)",
            "REAL (float) arithmetic; text operands read as numbers",
        ),
        ("arithmetic", "unary -", ""),
        (
            "math functions",
            "round(x), round(numeric, n)",
            "SQLite 3.40's round(X, N), printf in long double",
        ),
        ("math functions", "floor, ceil, ceiling, sign, sqrt, abs, mod", "abs only"),
        (
            "casts",
            "CAST / :: to smallint, integer, bigint",
            "CAST(x AS INTEGER): text prefix, truncation, saturation",
        ),
        ("casts", "CAST / :: to real, double precision", "CAST(x AS REAL)"),
        ("casts", "CAST / :: to text, varchar(n)", "REAL printed as %!.15g"),
        ("casts", "CAST / :: to numeric(p,s)", "CAST(x AS NUMERIC): INTEGER when exact, else REAL"),
        ("casts", "store into the declared type (result_type)", "the column's affinity"),
        ("strings", "||", "numbers converted to text; NULL propagates"),
        ("strings", "upper, lower", "ASCII letters only"),
        (
            "strings",
            "length, char_length, substr, substring(... FROM ... FOR ...)",
            "length, substr (SQLite's negative start rules)",
        ),
        (
            "strings",
            "left, right, trim/btrim/ltrim/rtrim, replace, lpad, rpad",
            "trim, ltrim, rtrim, replace",
        ),
        ("strings", "position(... IN ...), strpos, md5", "instr"),
        ("strings", "hex, lower(hex(...))", "hex(): the blob's or the UTF-8 text's bytes"),
        ("generated values", "randomblob(n)", "seeded by rt.seed(n)"),
        (
            "pattern matching",
            "LIKE, ILIKE, NOT LIKE, ESCAPE",
            "LIKE is ASCII case-insensitive; no default escape",
        ),
        ("conditional", "NULLIF", ""),
        ("conditional", "GREATEST, LEAST", "scalar max()/min(): NULL if any argument is NULL"),
        ("conditional", "IFNULL, IIF", ""),
        (
            "date and time",
            "now(), current_timestamp, current_date, localtimestamp",
            "CURRENT_TIMESTAMP/DATE/TIME and date/datetime/time('now') as UTC text; reads rt.clock",
        ),
    ):
        supports(d, group, construct, note)


_register()
