"""PostgreSQL: static types as the server resolves them, then exact runtime operations.

This module holds the parser tweaks, the dialect's hooks, literals, casts, arithmetic and
the dispatch table; the type rules live in `pg_types.py` and functions in
`pg_functions.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sqlglot import exp
from sqlglot.dialects.postgres import Postgres as _SqlglotPostgres
from sqlglot.tokenizer_core import TokenType

from ..model import SqlType
from . import pg_json, pg_static, runtime
from . import stypes as T
from .compiler import common_dispatch, lazy, register_common
from .core import Compiler, Handler, Typed, Unsupported
from .dialects import Dialect
from .pg_functions import (
    constant_call,
    extremum,
    h_abs,
    h_anonymous,
    h_concat,
    h_concat_ws,
    h_date_trunc,
    h_escape,
    h_extract,
    h_length,
    h_like,
    h_nullif,
    h_pad,
    h_pipe,
    h_regex,
    h_replace,
    h_round,
    h_split_part,
    h_strpos,
    h_substring,
    h_trim,
    h_trunc,
    left_right,
    numeric_or_double,
    text_fn,
)
from .pg_types import (
    CMP_FN,
    COMPARABLE,
    bare,
    cast,
    coerce,
    common_type,
    comparison_type,
    operator_type,
)
from .registry import supports
from .stypes import family, py_literal

# --------------------------------------------------------------------------- parsing


# sqlglot folds some PostgreSQL functions into others with different semantics
# (date_part -> EXTRACT, which returns numeric, not double; div -> a cast; log's argument
# order) and shortens `INTERVAL '1 day 02:00'`. Keep what was written by rewriting tokens
# before parsing, not by subclassing sqlglot's parser: with sqlglotc installed the parser is
# a compiled class that interpreted code cannot subclass.
_KEEP_AS_WRITTEN = {"div", "log", "date_part"}
_PRIVATE = "__schemagen_"


def prepare(sql: str) -> str:
    """The SQL with kept-as-written calls renamed and bare interval literals as casts."""
    tokens = _SqlglotPostgres().tokenize(sql)
    units = _SqlglotPostgres.VALID_INTERVAL_UNITS
    edits: list[tuple[int, int, str]] = []
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            token.text.lower() in _KEEP_AS_WRITTEN
            and following is not None
            and following.token_type == TokenType.L_PAREN
            and sql[token.start : token.end + 1] == token.text
        ):
            edits.append((token.start, token.end + 1, _PRIVATE + token.text.lower()))
        elif (
            token.token_type == TokenType.INTERVAL
            and following is not None
            and following.token_type == TokenType.STRING
        ):
            after = tokens[i + 2].text.upper() if i + 2 < len(tokens) else ""
            if after not in units:
                text = sql[following.start : following.end + 1]
                edits.append((token.start, following.end + 1, f"CAST({text} AS INTERVAL)"))
    for start, end, text in reversed(edits):
        sql = sql[:start] + text + sql[end:]
    return sql


def restore(tree: exp.Expression) -> exp.Expression:
    for node in tree.find_all(exp.Anonymous):
        if isinstance(node.this, str) and node.this.startswith(_PRIVATE):
            node.set("this", node.this[len(_PRIVATE) :])
    return tree


# --------------------------------------------------------------------------- the dialect


class PostgresDialect(Dialect):
    def parse(self, sql: str) -> exp.Expression:
        return restore(super().parse(prepare(sql)))

    def resolve_name(self, name: str, quoted: bool, columns: Mapping[str, SqlType]) -> str | None:
        """PostgreSQL folds unquoted names to lower case; quoted names match exactly."""
        key = name if quoted else name.lower()
        return key if key in columns else None

    def column_type(self, t: SqlType) -> SqlType:
        if t.category in ("json", "jsonb"):
            return t  # read by the JSON operators (pg_json); compared, it is refused
        if family(t) not in COMPARABLE or t.category == "interval":
            raise Unsupported(f"column of type {t.sql}")
        return t

    def column_ref(self, code: str, t: SqlType) -> Typed:
        if t.category == "char":  # bpchar: compared, cast and measured without its padding
            return Typed(f"rt.bpchar({code})", T.TEXT)
        return super().column_ref(code, t)

    def boolean(self, code: str) -> Typed:
        return Typed(code, T.BOOLEAN)

    def condition(self, t: Typed) -> str:
        t = self.as_boolean(t)
        return f"rt.is_true({t.code})"

    def as_boolean(self, t: Typed) -> Typed:
        if t.type.category == "boolean":
            return t
        if T.is_null(t.type) or T.is_unknown(t.type):
            return coerce(t, T.BOOLEAN)
        raise Unsupported(f"{t.type.sql} used as a condition")

    def logic(self, c: Compiler, op: str, items: list[Typed]) -> Typed:
        items = [self.as_boolean(t) for t in items]
        if op == "not":
            return Typed(f"rt.not_({items[0].code})", T.BOOLEAN)
        rest = "".join(", " + lazy(t) for t in items[1:])
        return Typed(f"rt.{op}_({items[0].code}{rest})", T.BOOLEAN)

    def compare(self, c: Compiler, op: str, left: Typed, right: Typed) -> Typed:
        target = comparison_type(left.type, right.type)
        if family(target) not in COMPARABLE:
            raise Unsupported(f"comparison of {target.sql}")
        if target.category == "enum" and op not in ("=", "<>"):
            raise Unsupported(f"enum ordering ({op}) needs the enum's label order")
        a, b = coerce(left, target), coerce(right, target)
        return Typed(f"rt.{CMP_FN[op]}({a.code}, {b.code})", T.BOOLEAN)

    def unify(self, c: Compiler, items: list[Typed], what: str) -> list[Typed]:
        target = common_type([t.type for t in items], what)
        return [coerce(t, target) for t in items]

    def in_list(self, c: Compiler, needle: Typed, items: list[Typed]) -> Typed:
        unified = self.unify(c, [needle, *items], "IN")
        if unified[0].type.category not in ("enum",) and family(unified[0].type) not in COMPARABLE:
            raise Unsupported(f"IN over {unified[0].type.sql}")
        listed = ", ".join(t.code for t in unified[1:])
        return Typed(f"rt.in_list({unified[0].code}, [{listed}])", T.BOOLEAN)

    def distinct(self, c: Compiler, left: Typed, right: Typed, negate: bool) -> Typed:
        target = comparison_type(left.type, right.type)
        a, b = coerce(left, target), coerce(right, target)
        code = f"rt.is_distinct({a.code}, {b.code})"
        return Typed(f"(not {code})" if negate else code, T.BOOLEAN)

    def predicate(self, t: Typed) -> str:
        return self.as_boolean(t).code

    def assign(self, c: Compiler, t: Typed, target: SqlType) -> Typed:
        return cast(c, t, target, explicit=False)

    def static_body(
        self, c: Compiler, tree: exp.Expression, result: SqlType | None, predicate: bool
    ) -> tuple[str, str] | None:
        return pg_static.static_body(c, tree, result, predicate)


# --------------------------------------------------------------------------- values


def h_literal(c: Compiler, node: exp.Literal) -> Typed:
    if node.is_string:
        return Typed(repr(node.this), T.UNKNOWN, value=node.this)
    return number_literal(node.this)


def number_literal(text: str) -> Typed:
    """Integer literals are int4, int8 or numeric by size; any other number is numeric."""
    if re.fullmatch(r"-?\d+", text):
        v = int(text)
        for kind in ("integer", "bigint"):
            lo, hi = runtime.INT_RANGES[kind]
            if lo <= v <= hi:
                return Typed(repr(v), T.simple(kind), value=v)
    value = runtime.num_fix(runtime.Decimal(text))
    return Typed(py_literal(value), T.NUMERIC, value=value)


def h_null(c: Compiler, node: exp.Null) -> Typed:
    return Typed("None", T.NULL, value=None)


def h_boolean(c: Compiler, node: exp.Boolean) -> Typed:
    return Typed(repr(bool(node.this)), T.BOOLEAN, value=bool(node.this))


def h_cast(c: Compiler, node: exp.Cast) -> Typed:
    to = node.args["to"]
    if not isinstance(to, exp.DataType):
        raise Unsupported(f"cast to {to.sql(dialect='postgres')}")
    try:
        target = T.pg_cast_type(to)
    except ValueError:
        target = None
    if target is None:
        raise Unsupported(f"cast to {to.sql(dialect='postgres')}")
    inner = c.expr(node.this)
    typed_input = not (T.is_unknown(inner.type) or T.is_null(inner.type))
    same_enum = inner.type.category == "enum" and inner.type.name == target.name
    if target.category == "enum" and typed_input and not same_enum:
        raise Unsupported(f"cast of {inner.type.sql} to enum {target.name} (labels unknown)")
    return cast(c, inner, target, explicit=True)


# --------------------------------------------------------------------------- arithmetic

_ARITH = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%"}
_ARITH_FN = {"+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod"}


def _settle_unknown(left: Typed, right: Typed, op: str) -> tuple[Typed, Typed]:
    """An untyped operand takes the other operand's type (for numbers)."""
    lu = T.is_null(left.type) or T.is_unknown(left.type)
    ru = T.is_null(right.type) or T.is_unknown(right.type)
    if lu and ru:
        raise Unsupported(f"operator {op} on two untyped literals")
    if lu and family(right.type) in ("int", "numeric", "float"):
        left = coerce(left, bare(right.type))
    elif ru and family(left.type) in ("int", "numeric", "float"):
        right = coerce(right, bare(left.type))
    elif ru and left.type.category in ("timestamp", "timestamptz") and op == "+":
        right = coerce(right, T.INTERVAL)
    elif lu and right.type.category in ("timestamp", "timestamptz") and op == "+":
        left = coerce(left, T.INTERVAL)
    elif lu or ru:
        raise Unsupported(f"operator {op} with an untyped literal")
    return left, right


def arithmetic(op: str, left: Typed, right: Typed) -> Typed:
    left, right = _settle_unknown(left, right, op)
    fl, fr = family(left.type), family(right.type)
    if {fl, fr} <= {"int", "numeric", "float"}:
        target = operator_type(left.type, right.type)
        a, b = coerce(left, target), coerce(right, target)
        fam = family(target)
        if fam == "int":
            code = f"rt.int_{_ARITH_FN[op]}({a.code}, {b.code}, {target.category!r})"
        elif fam == "numeric":
            code = f"rt.num_{_ARITH_FN[op]}({a.code}, {b.code})"
        elif op == "%":
            raise Unsupported("operator % on double precision")
        else:
            code = f"rt.float_{_ARITH_FN[op]}({a.code}, {b.code}, {target.category!r})"
        return Typed(code, target)
    return datetime_arithmetic(op, left, right)


def datetime_arithmetic(op: str, left: Typed, right: Typed) -> Typed:
    lc, rc = left.type.category, right.type.category
    small_int = ("smallint", "integer")
    if lc == "date" and rc in small_int and op in "+-":
        fn = "date_add_days" if op == "+" else "date_sub_days"
        return Typed(f"rt.{fn}({left.code}, {right.code})", T.DATE)
    if lc in small_int and rc == "date" and op == "+":
        return Typed(f"rt.date_add_days({right.code}, {left.code})", T.DATE)
    if lc == "date" and rc == "date" and op == "-":
        return Typed(f"rt.date_diff({left.code}, {right.code})", T.INTEGER)
    if lc in T.TIMES and rc == "interval" and op in "+-":
        result = T.TIMESTAMP if lc == "date" else T.simple(lc)
        sign = "" if op == "+" else ", -1"
        return Typed(f"rt.ts_add_interval({left.code}, {right.code}{sign})", result)
    if lc == "interval" and rc in T.TIMES and op == "+":
        result = T.TIMESTAMP if rc == "date" else T.simple(rc)
        return Typed(f"rt.ts_add_interval({right.code}, {left.code})", result)
    if (lc in T.TIMES and rc in T.TIMES and op == "-" and "date" not in (lc, rc)) or (
        {lc, rc} == {"date", "timestamp"} and op == "-"
    ):
        target = common_type([left.type, right.type], "-")
        a, b = coerce(left, target), coerce(right, target)
        return Typed(f"rt.ts_diff({a.code}, {b.code})", T.INTERVAL)
    if lc == rc == "interval" and op in "+-":
        sign = "" if op == "+" else ", -1"
        return Typed(f"rt.interval_add({left.code}, {right.code}{sign})", T.INTERVAL)
    raise Unsupported(f"operator {op} on {left.type.sql} and {right.type.sql}")


def h_arith(c: Compiler, node: exp.Binary) -> Typed:
    return arithmetic(_ARITH[type(node)], c.expr(node.this), c.expr(node.expression))


def h_neg(c: Compiler, node: exp.Neg) -> Typed:
    if isinstance(node.this, exp.Literal) and not node.this.is_string:
        return number_literal("-" + node.this.this)  # the parser folds -constant
    t = c.expr(node.this)
    if T.is_unknown(t.type) or T.is_null(t.type):
        raise Unsupported("unary minus on an untyped literal")
    fam = family(t.type)
    if fam == "int":
        return Typed(f"rt.int_neg({t.code}, {t.type.category!r})", bare(t.type))
    if fam == "numeric":
        return Typed(f"rt.num_neg({t.code})", T.NUMERIC)
    if fam == "float":
        return Typed(f"rt.float_neg({t.code})", bare(t.type))
    if fam == "interval":
        return Typed(f"rt.interval_neg({t.code})", T.INTERVAL)
    raise Unsupported(f"unary minus on {t.type.sql}")


def h_pow(c: Compiler, node: exp.Pow) -> Typed:
    a, b = c.expr(node.this), c.expr(node.expression)
    a, b = _settle_unknown(a, b, "^")
    if family(a.type) == "numeric" or family(b.type) == "numeric":
        raise Unsupported("power() of numeric")
    if not {family(a.type), family(b.type)} <= {"int", "float"}:
        raise Unsupported(f"power() of {a.type.sql}, {b.type.sql}")
    a, b = coerce(a, T.DOUBLE), coerce(b, T.DOUBLE)
    return Typed(f"rt.float_power({a.code}, {b.code})", T.DOUBLE)


def h_mod_fn(c: Compiler, node: exp.Mod) -> Typed:
    left, right = c.expr(node.this), c.expr(node.expression)
    if family(left.type) == "float" or family(right.type) == "float":
        raise Unsupported("mod() of double precision")
    return arithmetic("%", left, right)


# --------------------------------------------------------------------------- the table


def _dispatch() -> dict[type, Handler]:
    table = common_dispatch()
    table.update(
        {
            exp.Literal: h_literal,
            exp.Null: h_null,
            exp.Boolean: h_boolean,
            exp.Cast: h_cast,
            exp.Neg: h_neg,
            exp.Add: h_arith,
            exp.Sub: h_arith,
            exp.Mul: h_arith,
            exp.Div: h_arith,
            exp.Mod: h_mod_fn,
            exp.Pow: h_pow,
            exp.Round: h_round,
            exp.Trunc: h_trunc,
            exp.Floor: numeric_or_double("floor"),
            exp.Ceil: numeric_or_double("ceil"),
            exp.Sign: numeric_or_double("sign"),
            exp.Sqrt: numeric_or_double("sqrt"),
            exp.Abs: h_abs,
            exp.DPipe: h_pipe,
            exp.Concat: h_concat,
            exp.ConcatWs: h_concat_ws,
            exp.Upper: text_fn("upper", "upper"),
            exp.Lower: text_fn("lower", "lower"),
            exp.Length: h_length,
            exp.Substring: h_substring,
            exp.Left: left_right("left"),
            exp.Right: left_right("right"),
            exp.Trim: h_trim,
            exp.Replace: h_replace,
            exp.Pad: h_pad,
            exp.StrPosition: h_strpos,
            exp.SplitPart: h_split_part,
            exp.MD5: text_fn("md5", "md5"),
            exp.Greatest: extremum("greatest"),
            exp.Least: extremum("least"),
            exp.Nullif: h_nullif,
            exp.Like: h_like,
            exp.ILike: h_like,
            exp.Escape: h_escape,
            exp.RegexpLike: h_regex,
            exp.RegexpILike: h_regex,
            exp.Extract: h_extract,
            exp.TimestampTrunc: h_date_trunc,
            exp.CurrentTimestamp: constant_call("rt.now()", T.TIMESTAMPTZ),
            exp.CurrentDate: constant_call("rt.current_date()", T.DATE),
            exp.Localtimestamp: constant_call("rt.local_now()", T.TIMESTAMP),
            exp.Uuid: constant_call("rt.random_uuid()", T.UUID),
            exp.Anonymous: h_anonymous,
            **pg_json.DISPATCH,
        }
    )
    return table


POSTGRES = PostgresDialect(name="postgres", read="postgres", dispatch=_dispatch())


# What the PostgreSQL compiler supports beyond the common constructs (docs/expressions.md):
# (group, construct, note), one row each.
SUPPORTED_CONSTRUCTS: tuple[tuple[str, str, str], ...] = (
    ("values", "integer / numeric / string / boolean literals, NULL", "1 is integer, 1.5 numeric"),
    ("values", "typed literals 'x'::type, DATE '...', INTERVAL '...'",
     "ISO dates/timestamps; common interval spellings"),
    ("comparison", "= ANY (ARRAY[...]), <> ALL (ARRAY[...])", "pg_dump's spelling of IN"),
    ("comparison", "text ordering (< > on text)", "code-point order (C / C.UTF-8 collation)"),
    ("comparison", "enum = / <> / IN", "ordering needs the label order: unsupported"),
    ("comparison", "char(n) / bpchar columns and 'x'::bpchar",
     "trailing spaces insignificant, as bpchareq; casts truncate or raise 22001"),
    ("strings", "json: -> ->> #> #>> ? and json(b)_extract_path[_text] with constant keys",
     "->> prints as jsonb does; a missing key or JSON null is NULL"),
    ("arithmetic", "+ - * / % (integers)", "truncating; smallint/integer/bigint overflow raises"),
    ("arithmetic", "+ - * / % (numeric)",
     "exact Decimal; PostgreSQL result scales (select_div_scale); numeric(p,s) and integer "
     "inputs take a faster body with the scales known when compiling (same values)"),
    ("arithmetic", "+ - * / (real, double precision)",
     "float4 results rounded to float32; overflow/underflow raise"),
    ("arithmetic", "unary -", ""),
    ("arithmetic", "^ / power()", "double precision only (numeric power unsupported)"),
    ("math functions", "round(x), round(numeric, n)",
     "numeric half away from zero; double half to even"),
    ("math functions", "trunc(x), trunc(numeric, n)", ""),
    ("math functions", "floor, ceil, ceiling, sign, sqrt, abs, mod", ""),
    ("casts", "CAST / :: to smallint, integer, bigint",
     "numeric rounds half away from zero, double half to even; range checked"),
    ("casts", "CAST / :: to numeric(p,s)",
     "rounds half away from zero; numeric field overflow raises"),
    ("casts", "CAST / :: to real, double precision",
     "float → numeric via 15 (real: 6) significant digits"),
    ("casts", "CAST / :: to text, varchar(n)",
     "values printed as PostgreSQL prints them; varchar(n) truncates"),
    ("casts", "CAST / :: to boolean, date, timestamp, timestamptz, uuid, enum",
     "text input: ISO dates only"),
    ("casts", "store into the declared type (result_type)",
     "assignment casts: varchar(n) too long raises"),
    ("strings", "||", "a non-text side is cast to text"),
    ("strings", "concat, concat_ws", "NULLs skipped; booleans print t/f"),
    ("strings", "upper, lower", "per-character Unicode mapping (UTF-8 locale)"),
    ("strings", "length, char_length, substr, substring(... FROM ... FOR ...)", ""),
    ("strings", "left, right, trim/btrim/ltrim/rtrim, replace, lpad, rpad", ""),
    ("strings", "position(... IN ...), strpos, md5", ""),
    ("strings", "split_part", ""),
    ("pattern matching", "LIKE, ILIKE, NOT LIKE, ESCAPE", ""),
    ("pattern matching", "~, ~*, !~, !~*", "literal patterns in a common ARE subset only"),
    ("conditional", "NULLIF", ""),
    ("conditional", "GREATEST, LEAST", "NULLs ignored"),
    ("date and time", "date ± integer, date − date", ""),
    ("date and time", "date/timestamp/timestamptz ± interval, timestamp − timestamp",
     "session time zone UTC"),
    ("date and time", "extract(field FROM x), date_part('field', x)",
     "extract → numeric, date_part → double"),
    ("date and time", "date_trunc('unit', x)", "session time zone UTC"),
    ("date and time", "now(), current_timestamp, current_date, localtimestamp", "reads rt.clock"),
    ("generated values", "gen_random_uuid(), uuid_generate_v4()", "seeded by rt.seed(n)"),
    ("generated values", "uuidv4(), uuidv7([interval])",
     "PostgreSQL 18; seeded by rt.seed(n), uuidv7 reads rt.clock"),
)  # fmt: skip


def _register() -> None:
    register_common("postgres")
    for group, construct, note in SUPPORTED_CONSTRUCTS:
        supports("postgres", group, construct, note)


_register()
