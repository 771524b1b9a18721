"""MySQL semantics, for the subset whose behaviour does not depend on collation or sql_mode
beyond the default strict mode: numbers, logic, conditionals and concatenation.

This follows MySQL 8's documentation, checked against the MariaDB server the test suite
starts (tests/generate/test_mysql_rows.py, the corpus), and is deliberately narrow: text
comparison beyond ASCII (accent- and case-insensitive by default), lenient casts (see
mysql_cast), case mapping and floats printed as text are reported as unsupported. Division
and modulo by zero raise, as storing such a value does in strict mode
(ERROR_FOR_DIVISION_BY_ZERO).
"""

from __future__ import annotations

import re
from decimal import Decimal

from sqlglot import exp

from ..model import SqlType
from ..mysqltypes import mysql_limits
from . import mysql_text
from . import stypes as T
from .compiler import common_dispatch, lazy, register_common
from .core import Compiler, Handler, Typed, Unsupported
from .dialects import Dialect
from .mysql_cast import UNSIGNED, h_cast
from .mysql_cast import fsp as _fsp
from .registry import supports
from .stypes import family, py_literal

_NUMBER_FAMILIES = ("int", "numeric", "float")


def _families(items: list[Typed]) -> set[str]:
    return {family(t.type) for t in items if not T.is_null(t.type)}


def scale_of(t: SqlType) -> int:
    """The static scale of an exact number (plain DECIMAL is DECIMAL(10,0) in MySQL)."""
    return (t.scale or 0) if t.category == "numeric" else 0


def decimal(scale: int) -> SqlType:
    return T.numeric(65, min(scale, 30))


def numeric_type(items: list[Typed], what: str) -> SqlType:
    """MySQL's result type for numbers: DOUBLE if any float, else DECIMAL, else BIGINT."""
    fams = _families(items)
    if not fams <= set(_NUMBER_FAMILIES):
        raise Unsupported(f"{what} on {', '.join(sorted(t.type.sql for t in items))}")
    if "float" in fams:
        return T.DOUBLE
    if "numeric" in fams:
        return decimal(max(scale_of(t.type) for t in items))
    return T.BIGINT


def _as(t: Typed, target: SqlType) -> Typed:
    """Convert a number to the aggregated type (int -> Decimal, anything -> float)."""
    if T.is_null(t.type) or family(t.type) == family(target):
        return Typed(t.code, target, t.value)
    if target.category == "double":
        return Typed(f"rt.my_float({t.code})", target)
    return Typed(f"rt.my_decimal({t.code})", target)


class MysqlDialect(Dialect):
    def parse(self, sql: str) -> exp.Expression:
        bare = re.sub(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\"", "''", sql)
        if re.search(r"!(?!=)", bare):
            raise Unsupported("the ! operator")  # sqlglot drops it
        return super().parse(sql)

    def column_type(self, t: SqlType) -> SqlType:
        if t.category in ("enum", "set"):  # read as its label(s) in a string context
            return SqlType("varchar", t.sql)
        if "unsigned" in t.sql.lower() and family(t) == "int":
            return UNSIGNED  # integer arithmetic on it is BIGINT UNSIGNED: never below 0
        # (DECIMAL and DOUBLE UNSIGNED only refuse negatives when stored: `a - b` may be < 0)
        if family(t) not in (*_NUMBER_FAMILIES, "text", "boolean", *_MOMENTS):
            raise Unsupported(f"column of type {t.sql}")
        if t.category == "boolean":
            return T.BIGINT
        return t

    def boolean(self, code: str) -> Typed:
        return Typed(f"rt.sq_bool({code})", T.BIGINT)

    def condition(self, t: Typed) -> str:
        self.numbers([t], "condition")
        return f"rt.is_true(rt.my_truth({t.code}))"

    def numbers(self, items: list[Typed], what: str) -> SqlType:
        return numeric_type(items, what)

    def logic(self, c: Compiler, op: str, items: list[Typed]) -> Typed:
        self.numbers(items, op.upper())
        if op == "not":
            return Typed(f"rt.sq_bool(rt.not_(rt.my_truth({items[0].code})))", T.BIGINT)
        first = f"rt.my_truth({items[0].code})"
        rest = "".join(f", lambda: rt.my_truth({t.code})" for t in items[1:])
        return Typed(f"rt.sq_bool(rt.{op}_({first}{rest}))", T.BIGINT)

    def compare(self, c: Compiler, op: str, left: Typed, right: Typed) -> Typed:
        if mysql_text.is_text([left, right]):
            return mysql_text.compare(op, left, right)
        if {family(t.type) for t in (left, right)} & set(_MOMENTS):
            return _compare_moments(op, left, right)
        target = self.numbers([left, right], "comparison")
        a, b = _as(left, target), _as(right, target)
        fn = {"=": "eq", "<>": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}[op]
        return Typed(f"rt.sq_bool(rt.{fn}({a.code}, {b.code}))", T.BIGINT)

    def unify(self, c: Compiler, items: list[Typed], what: str) -> list[Typed]:
        fams = _families(items)
        if fams <= {"text"}:
            return [Typed(t.code, T.TEXT, t.value) for t in items]
        target = self.numbers(items, what)
        converted = [_as(t, target) for t in items]
        if target.category == "numeric":
            scale = scale_of(target)
            return [Typed(f"rt.my_scale({t.code}, {scale})", target) for t in converted]
        return converted

    def in_list(self, c: Compiler, needle: Typed, items: list[Typed]) -> Typed:
        if mysql_text.is_text([needle, *items]):
            return mysql_text.in_list(needle, items)
        target = self.numbers([needle, *items], "IN")
        listed = ", ".join(_as(t, target).code for t in items)
        return Typed(f"rt.sq_bool(rt.in_list({_as(needle, target).code}, [{listed}]))", T.BIGINT)

    def distinct(self, c: Compiler, left: Typed, right: Typed, negate: bool) -> Typed:
        target = self.numbers([left, right], "<=>")
        code = f"rt.is_distinct({_as(left, target).code}, {_as(right, target).code})"
        return Typed(f"int(not {code})" if negate else f"int({code})", T.BIGINT)

    def predicate(self, t: Typed) -> str:
        self.numbers([t], "CHECK")
        return f"rt.check_result(rt.my_truth({t.code}))"

    def assign(self, c: Compiler, t: Typed, target: SqlType) -> Typed:
        """The value as the column stores it (MySQL 8 in strict mode): see my_store_*."""
        fam = family(t.type)
        special = _STORE.get(target.category)
        if special is not None:
            return special(t, target)
        if not T.is_null(t.type) and fam not in (*_NUMBER_FAMILIES, "text"):
            raise Unsupported(f"storing {t.type.sql} into {target.sql}")
        limits = mysql_limits(target)
        if target.category in ("numeric",) and target.precision is not None:
            unsigned = limits is not None and limits.lo == 0
            args = f"{target.precision}, {target.scale or 0}, {unsigned}"
            return self._store(t, f"rt.my_store_decimal({t.code}, {args})", target, fam)
        if limits is not None and limits.lo is not None and limits.hi is not None:
            code = f"rt.my_store_int({t.code}, {limits.lo}, {limits.hi})"
            return self._store(t, code, T.BIGINT, fam)
        if target.category == "bit" and fam == "int":  # BIT(n) holds 0 .. 2**n - 1
            return Typed(f"rt.my_store_int({t.code}, 0, {2 ** (target.length or 1) - 1})", T.BIGINT)
        if target.category == "double":
            return self._store(t, f"rt.my_store_double({t.code})", T.DOUBLE, fam)
        if target.category in ("varchar", "char", "text") and fam != "float":
            length = target.length if target.category != "text" else None
            fn = "my_store_char" if target.category == "char" else "my_store_text"
            return Typed(f"rt.{fn}({t.code}, {length!r})", T.TEXT)
        raise Unsupported(f"storing {t.type.sql} into {target.sql}")

    def _store(self, t: Typed, code: str, result: SqlType, fam: str) -> Typed:
        if fam == "text" and not (t.is_const and _NUMBER_TEXT.fullmatch(str(t.value))):
            raise Unsupported("storing text into a number column")  # MySQL's lenient parse
        return Typed(code, result)


# text that reads as the same number in MySQL and in Python (DEFAULT '0' of a TINYINT)
_NUMBER_TEXT = re.compile(r"-?\d+(\.\d+)?")


_MOMENTS = ("date", "timestamp", "timestamptz")


def _compare_moments(op: str, left: Typed, right: Typed) -> Typed:
    """DATE/DATETIME against each other (a DATE is its midnight) or against a text
    constant, which MySQL reads as a date; anything else is not modelled."""
    sides = []
    for t in (left, right):
        fam = family(t.type)
        if fam == "text" and t.is_const:
            t = Typed(f"rt.my_store_moment({t.code}, 'timestamp', 6)", T.TIMESTAMP)
        elif fam not in _MOMENTS and not T.is_null(t.type):
            raise Unsupported(f"comparison of {left.type.sql} with {right.type.sql}")
        sides.append(t.code)
    return Typed(f"rt.sq_bool(rt.my_moment_cmp({op!r}, {sides[0]}, {sides[1]}))", T.BIGINT)


def _store_moment(t: Typed, target: SqlType) -> Typed:
    """Into DATETIME/TIMESTAMP(n), DATE or TIME: a moment rounded to the column's digits,
    or ISO text (MySQL's other spellings, and zero dates, are not modelled)."""
    fam = family(t.type)
    if t.is_const and isinstance(t.value, str) and t.value.startswith("0000-00-00"):
        raise Unsupported("a zero date (Python has no year 0)")
    if not T.is_null(t.type) and fam not in ("text", "timestamp", "timestamptz", "date"):
        raise Unsupported(f"storing {t.type.sql} into {target.sql}")
    kind = "date" if target.category == "date" else target.category.replace("tz", "")
    result = {"date": T.DATE, "time": SqlType("time", "time")}.get(kind, T.TIMESTAMP)
    return Typed(f"rt.my_store_moment({t.code}, {kind!r}, {_fsp(target)})", result)


def _store_member(t: Typed, target: SqlType) -> Typed:
    """Into ENUM/SET: the member as declared (matched ignoring case), a SET's in order."""
    if not T.is_null(t.type) and family(t.type) != "text":
        raise Unsupported(f"storing {t.type.sql} into {target.sql}")
    members = tuple(m.replace("''", "'") for m in re.findall(r"'((?:[^']|'')*)'", target.sql))
    is_set = target.category == "set"
    return Typed(f"rt.my_store_member({t.code}, {members!r}, {is_set})", T.TEXT)


_STORE = {
    "timestamp": _store_moment,
    "timestamptz": _store_moment,
    "date": _store_moment,
    "time": _store_moment,
    "enum": _store_member,
    "set": _store_member,
}


# --------------------------------------------------------------------------- handlers


def h_literal(c: Compiler, node: exp.Literal) -> Typed:
    if node.is_string:
        return Typed(repr(node.this), T.TEXT, value=node.this)
    text = node.this
    if re.fullmatch(r"\d+", text):
        value: int | Decimal | float = int(text)
        if value >= 2**63:
            raise Unsupported("integer literal beyond BIGINT")
        return Typed(py_literal(value), T.BIGINT, value=value)
    if re.fullmatch(r"\d*\.\d*", text):
        value = Decimal(text)
        return Typed(py_literal(value), decimal(-int(value.as_tuple().exponent)), value=value)
    value = float(text)
    return Typed(py_literal(value), T.DOUBLE, value=value)


def h_bits(c: Compiler, node: exp.Expression) -> Typed:
    """b'0101' and x'1F' as the numbers they are in a number context (a BIT DEFAULT)."""
    value = int(str(node.this), 2 if isinstance(node, exp.BitString) else 16)
    return Typed(repr(value), T.BIGINT, value=value)


def h_null(c: Compiler, node: exp.Null) -> Typed:
    return Typed("None", T.NULL, value=None)


def h_boolean(c: Compiler, node: exp.Boolean) -> Typed:
    return Typed(repr(int(bool(node.this))), T.BIGINT, value=int(bool(node.this)))


_OPS: dict[type, str] = {
    exp.Add: "add",
    exp.Sub: "sub",
    exp.Mul: "mul",
    exp.Div: "div",
    exp.Mod: "mod",
    exp.IntDiv: "intdiv",
}


def h_arith(c: Compiler, node: exp.Binary) -> Typed:
    left, right = c.expr(node.this), c.expr(node.expression)
    target = numeric_type([left, right], type(node).__name__)
    op = _OPS[type(node)]
    s1, s2 = scale_of(left.type), scale_of(right.type)
    result = target
    extra = ""
    if op == "intdiv":
        result = T.BIGINT
    elif target.category == "double":
        pass
    elif op == "div":
        result = decimal(s1 + 4)  # div_precision_increment
        extra = f", {scale_of(result)}"
    elif op == "mul":
        result = decimal(s1 + s2) if target.category == "numeric" else target
    a, b = (left, right) if op == "intdiv" else (_as(left, target), _as(right, target))
    code = f"rt.my_{op}({a.code}, {b.code}{extra})"
    if result == T.BIGINT and op in ("add", "sub", "mul") and UNSIGNED in (left.type, right.type):
        return Typed(f"rt.my_unsigned({code})", UNSIGNED)
    return Typed(code, result)


def h_neg(c: Compiler, node: exp.Neg) -> Typed:
    t = c.expr(node.this)
    numeric_type([t], "unary -")
    return Typed(f"rt.my_neg({t.code})", t.type)


def h_xor(c: Compiler, node: exp.Xor) -> Typed:
    a, b = c.expr(node.this), c.expr(node.expression)
    numeric_type([a, b], "XOR")
    return Typed(f"rt.my_xor({a.code}, {b.code})", T.BIGINT)


def h_coalesce(c: Compiler, node: exp.Coalesce) -> Typed:
    args = MYSQL.unify(c, [c.expr(node.this), *[c.expr(e) for e in node.expressions]], "COALESCE")
    rest = "".join(", " + lazy(t) for t in args[1:])
    return Typed(f"rt.coalesce({args[0].code}{rest})", args[0].type)


def h_if(c: Compiler, node: exp.If) -> Typed:
    cond = c.expr(node.this)
    other = node.args.get("false")
    branches = [c.expr(node.args["true"]), c.expr(other) if other is not None else None]
    unified = MYSQL.unify(c, [b for b in branches if b is not None], "IF")
    otherwise = unified[1].code if len(unified) > 1 else "None"
    return Typed(
        f"({unified[0].code} if {MYSQL.condition(cond)} else {otherwise})", unified[0].type
    )


def h_nullif(c: Compiler, node: exp.Nullif) -> Typed:
    a, b = c.expr(node.this), c.expr(node.expression)
    target = numeric_type([a, b], "NULLIF")
    return Typed(f"rt.nullif({_as(a, target).code}, {_as(b, target).code})", a.type)


def h_extremum(c: Compiler, node: exp.Func) -> Typed:
    args = MYSQL.unify(c, [c.expr(node.this), *[c.expr(e) for e in node.expressions]], "GREATEST")
    fn = "greatest" if isinstance(node, exp.Greatest) else "least"
    listed = ", ".join(t.code for t in args)
    return Typed(f"rt.my_strict_{fn}({listed})", args[0].type)


def _concat_arg(t: Typed) -> str:
    fam = family(t.type)
    if T.is_null(t.type) or fam == "text":
        return t.code
    if fam in ("int", "numeric"):
        return f"rt.my_text({t.code})"
    raise Unsupported(f"CONCAT of {t.type.sql}")


def h_concat(c: Compiler, node: exp.Concat) -> Typed:
    args = ", ".join(_concat_arg(c.expr(e)) for e in node.expressions)
    return Typed(f"rt.my_concat({args})", T.TEXT)


def h_concat_ws(c: Compiler, node: exp.ConcatWs) -> Typed:
    args = ", ".join(_concat_arg(c.expr(e)) for e in node.expressions)
    return Typed(f"rt.concat_ws({args})", T.TEXT)


def h_abs(c: Compiler, node: exp.Abs) -> Typed:
    x = c.expr(node.this)
    numeric_type([x], "ABS")
    return Typed(f"rt.my_abs({x.code})", x.type)


def h_round(c: Compiler, node: exp.Round) -> Typed:
    """ROUND: exact values half away from zero, approximate values half to even."""
    x = c.expr(node.this)
    kind = numeric_type([x], "ROUND")
    n = c.expr(node.args["decimals"]) if node.args.get("decimals") is not None else None
    if n is not None and not (n.is_const and isinstance(n.value, int)):
        raise Unsupported("ROUND with a non-constant precision")
    digits = n.value if n is not None else 0
    if kind.category == "double":
        if digits:
            raise Unsupported("ROUND(double, n)")
        return Typed(f"rt.float_round({x.code})", T.DOUBLE)
    if kind.category == "bigint" and digits >= 0:
        return x
    result = decimal(max(digits, 0)) if kind.category == "numeric" else kind
    return Typed(f"rt.my_round({x.code}, {digits})", result)


def h_now(c: Compiler, node: exp.Expression) -> Typed:
    """NOW([fsp]) / CURRENT_TIMESTAMP[([fsp])]: the clock, with fsp digits of a second."""
    args = [node.this] if isinstance(node.this, exp.Expression) else []
    if isinstance(node, exp.Anonymous):
        if node.name.lower() not in ("now", "current_timestamp", "localtime", "localtimestamp"):
            raise Unsupported(f"function {node.name.lower()}()")
        args = list(node.expressions)
    digits = c.expr(args[0]) if args else Typed("0", T.BIGINT, value=0)
    if not (digits.is_const and isinstance(digits.value, int) and 0 <= digits.value <= 6):
        raise Unsupported("NOW(fsp) with fsp other than 0..6")
    return Typed(f"rt.my_now({digits.value})", T.TIMESTAMP)


def h_today(c: Compiler, node: exp.Expression) -> Typed:
    return Typed("rt.current_date()", T.DATE)


def _dispatch() -> dict[type, Handler]:
    table = common_dispatch()
    table.update(
        {
            exp.Literal: h_literal,
            exp.Null: h_null,
            exp.BitString: h_bits,
            exp.Boolean: h_boolean,
            exp.Neg: h_neg,
            exp.Xor: h_xor,
            exp.Coalesce: h_coalesce,
            exp.If: h_if,
            exp.Nullif: h_nullif,
            exp.Greatest: h_extremum,
            exp.Least: h_extremum,
            exp.Concat: h_concat,
            exp.ConcatWs: h_concat_ws,
            exp.Abs: h_abs,
            exp.Round: h_round,
            exp.Cast: h_cast,
            exp.CurrentTimestamp: h_now,
            exp.CurrentDate: h_today,
            exp.Anonymous: h_now,
        }
    )
    for kind in _OPS:
        table[kind] = h_arith
    table.update(mysql_text.dispatch())
    return table


MYSQL = MysqlDialect(name="mysql", read="mysql", dispatch=_dispatch())


def _register() -> None:
    d = "mysql"
    numbers = "text under the column's collation (see below)"
    register_common(
        d, lambda key: numbers if key.startswith(("=", "IS [NOT] D", "BETWEEN", "IN")) else ""
    )
    for group, construct, note in (
        (
            "values",
            "integer / numeric / string / boolean literals, NULL",
            "1.5 is DECIMAL, 1e3 DOUBLE",
        ),
        ("logic", "XOR", ""),
        (
            "arithmetic",
            "+ - * / % (integers)",
            "BIGINT overflow raises; / gives DECIMAL (scale + 4); DIV truncates",
        ),
        ("arithmetic", "+ - * / % (numeric)", "exact DECIMAL; / adds 4 to the dividend's scale"),
        ("arithmetic", "+ - * / (real, double precision)", "DOUBLE"),
        ("arithmetic", "unary -", ""),
        (
            "math functions",
            "round(x), round(numeric, n)",
            "DECIMAL half away from zero, DOUBLE half to even",
        ),
        ("math functions", "floor, ceil, ceiling, sign, sqrt, abs, mod", "abs, MOD"),
        (
            "strings",
            "concat, concat_ws",
            "CONCAT is NULL if any argument is; integers and decimals only",
        ),
        (
            "strings",
            "length, char_length, substr, substring(... FROM ... FOR ...)",
            "LENGTH (bytes in the column's character set), CHAR_LENGTH, SUBSTRING, SUBSTR",
        ),
        ("strings", "upper, lower", "ASCII (other text raises: the collation maps case)"),
        (
            "strings",
            "left, right, trim/btrim/ltrim/rtrim, replace, lpad, rpad",
            "TRIM removes a whole string; LPAD/RPAD with '' give NULL",
        ),
        ("strings", "split_part", "SUBSTRING_INDEX"),
        (
            "pattern matching",
            "LIKE, ILIKE, NOT LIKE, ESCAPE",
            "LIKE, NOT LIKE, ESCAPE: case-insensitive under _ci collations (ASCII)",
        ),
        ("generated values", "gen_random_uuid(), uuid_generate_v4()", "UUID() (version 1 text)"),
        ("logic", "|| as OR", "default sql_mode"),
        ("conditional", "NULLIF", "numbers"),
        (
            "casts",
            "CAST / :: to smallint, integer, bigint",
            "CAST/CONVERT AS SIGNED / UNSIGNED: DECIMAL half away from zero, integers wrap"
            " mod 2^64, text only as a plain integer numeral",
        ),
        (
            "casts",
            "CAST / :: to numeric(p,s)",
            "AS DECIMAL(p,s) (plain: (10,0)): half away from zero; text as a plain numeral;"
            " clipping beyond p digits raises",
        ),
        ("casts", "CAST / :: to real, double precision", "AS DOUBLE (not FLOAT)"),
        (
            "casts",
            "CAST / :: to text, varchar(n)",
            "AS CHAR[(n)]: numbers, DATE, DATETIME(n) as MySQL prints them; cutting raises",
        ),
        (
            "casts",
            "CAST / :: to boolean, date, timestamp, timestamptz, uuid, enum",
            "AS DATE / DATETIME(n) from dates, datetimes, ISO text; n digits rounded",
        ),
        ("conditional", "GREATEST, LEAST", "NULL if any argument is NULL"),
        ("conditional", "IFNULL, IIF", "IFNULL, IF()"),
        (
            "date and time",
            "now(), current_timestamp, current_date, localtimestamp",
            "NOW(), CURRENT_TIMESTAMP: UTC, whole seconds",
        ),
    ):
        supports(d, group, construct, note)


_register()
