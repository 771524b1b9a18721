"""PostgreSQL numeric expressions with static scales: a second, faster body.

A numeric(p,s) value has exactly s places, and PostgreSQL's scale rules make every step's
scale a constant from there: + and - take the larger scale, * the sum, round(x, k) max(k, 0),
a cast to numeric(p,s) s. Only / has a scale known with its value (select_div_scale), so a
quotient is taken only where a round() or the stored type rounds it to a known scale at once.
For such an expression (numeric(p,s) and integer inputs; + - * /, unary -, round, COALESCE,
casts to numeric, comparisons, AND/OR/NOT, BETWEEN; text and enum inputs compared for
equality) the compiled function first tests its inputs: each numeric a finite Decimal with
its declared places (`same_quantum`), each integer an int, each text a str. Those inputs
take the context's exact Decimal steps, whose exponents are the scales above, with no
normalising per step (a zero's sign is fixed once, at the end); any other input (NULL, NaN,
another scale, another type) takes the general body. Every input reaches one of the two
bodies, so the function's values are the general body's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlglot import exp

from ..model import SqlType
from . import stypes as T
from .compiler import COMPARISONS, _flatten
from .core import Compiler, Typed
from .runtime import NUM
from .stypes import family

MAX_SCALE = 1000  # beyond this PostgreSQL caps scales: the general body models that
_PY_OPS = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class NotStatic(Exception):
    """The expression (or an input) has no static scales: the general body alone."""


@dataclass(frozen=True)
class Static:
    """A compiled node: `code` gives a finite Decimal with `scale` places (an int when
    `integer`), or a bool (`kind` "bool"), or, for "div", the operands of a quotient still
    to be rounded."""

    code: str
    kind: str = "num"  # "num", "bool" or "div"
    compared: tuple[str, str, str] = ("", "", "")  # a comparison's (left, operator, right)
    scale: int = 0
    integer: bool = False
    operands: tuple[Static, ...] = ()
    value: int | Decimal | None = None  # a constant's value


@dataclass
class _Walk:
    c: Compiler
    guards: dict[str, str]  # Python parameter -> the test its value must pass
    steps: list[str] = field(default_factory=list)  # the + - * steps' code, as made

    def node(self, node: exp.Expression) -> Static:
        handler = _HANDLERS.get(type(node))
        if handler is None or id(node) not in self.c.typed:
            raise NotStatic(type(node).__name__)
        return handler(self, node)

    def number(self, node: exp.Expression) -> Static:
        """A numeric or integer value (not a quotient still to round)."""
        out = self.node(node)
        if out.kind != "num":
            raise NotStatic("not a number")
        return out

    def value(self, node: exp.Expression) -> Static:
        """A number, or a quotient still to round."""
        out = self.node(node)
        if out.kind not in ("num", "div"):
            raise NotStatic(f"a {out.kind} where a number goes")
        return out

    def type(self, node: Any) -> SqlType:
        return self.c.typed[id(node)].type

    def compiled(self, node: Any) -> Typed:
        """What the general body compiled `node` to (its constant's value): not again."""
        return self.c.typed[id(node)]


def _numeric_node(w: _Walk, node: Any) -> None:
    """Only numeric-typed operators run here: integer arithmetic checks its own range."""
    if family(w.type(node)) != "numeric":
        raise NotStatic(f"{w.type(node).sql} arithmetic")


def _column(w: _Walk, node: exp.Column) -> Static:
    ident = node.this
    if not isinstance(ident, exp.Identifier):
        raise NotStatic("column")
    py, t = w.c.column(ident.name, bool(ident.args.get("quoted")))
    if t.category in T.INTS:
        w.guards[py] = f"type({py}) is int"
        return Static(py, integer=True)
    if t.category in ("text", "varchar", "enum"):  # compared for equality only (char pads)
        w.guards[py] = f"type({py}) is str"
        return Static(py, kind="text")
    if t.category == "numeric" and t.precision is not None and (t.scale or 0) in range(40):
        s = t.scale or 0
        w.guards[py] = f"type({py}) is rt.Decimal and {py}.same_quantum(rt.QUANTA[{s}])"
        return Static(py, scale=s)
    raise NotStatic(f"a {t.sql} input")


def _literal(w: _Walk, node: exp.Expression) -> Static:
    """A number (the compiler's own reading of it: int4, int8 or numeric by its text)."""
    t = w.compiled(node)
    if t.is_const and isinstance(t.value, str):
        return Static(repr(t.value), kind="text")
    if not t.is_const or not isinstance(t.value, (int, Decimal)) or isinstance(t.value, bool):
        raise NotStatic("a literal other than a number or a string")
    return _constant(t.value)


def _constant(value: int | Decimal) -> Static:
    if isinstance(value, int):
        return Static(repr(value), integer=True, value=value)
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or -exponent > MAX_SCALE:
        raise NotStatic("constant")
    return Static(T.py_literal(value), scale=max(-exponent, 0), value=value)


def _power_of_ten(value: int | Decimal | None) -> int | None:
    """e where value == 10**e (e may be below 0), else None."""
    if value is None or value <= 0:
        return None
    _, digits, exponent = Decimal(value).normalize(NUM).as_tuple()
    return exponent if digits == (1,) and isinstance(exponent, int) else None


def _paren(w: _Walk, node: exp.Paren) -> Static:
    return w.node(node.this)


def _neg(w: _Walk, node: exp.Neg) -> Static:
    if isinstance(node.this, exp.Literal):
        return _literal(w, node)
    _numeric_node(w, node)
    x = w.number(node.this)
    return Static(f"rt.dminus({x.code})", scale=x.scale)


_STEPS = {exp.Add: "rt.dadd", exp.Sub: "rt.dsub", exp.Mul: "rt.dmul"}


def _arith(w: _Walk, node: exp.Binary) -> Static:
    _numeric_node(w, node)
    a, b = w.number(node.this), w.number(node.expression)
    scale = a.scale + b.scale if isinstance(node, exp.Mul) else max(a.scale, b.scale)
    if scale > MAX_SCALE:
        raise NotStatic("scale")
    code = f"{_STEPS[type(node)]}({a.code}, {b.code})"
    w.steps.append(code)
    return Static(code, scale=scale)


def _div(w: _Walk, node: exp.Div) -> Static:
    _numeric_node(w, node)
    a, b = w.number(node.this), w.number(node.expression)
    return Static("", kind="div", operands=(a, b))


def _exact_below(sa: int, sb: int, e: int) -> int:
    """The largest a.adjusted() for which a / 10**e, exact with sa + e places, is exact
    at PostgreSQL's division scale too: that scale is at least
    max(16 - 4 * (a.adjusted() // 4 - e // 4), sa, sb) (select_div_scale, its weights)."""
    places = sa + e
    if places > MAX_SCALE:
        return -(10**9)  # never: the division scale stops at 1000
    if places <= max(sa, sb, 0):
        return 10**9  # any a: no dividend has so many digits
    # 16 - 4 * (w - e // 4) >= places  <=>  w <= (16 + 4 * (e // 4) - places) // 4
    return 4 * ((16 + 4 * (e // 4) - places) // 4) + 3


def rounded(x: Static, k: int) -> Static:
    """x rounded half away from zero to k places (max(k, 0) places after)."""
    if x.kind == "div":
        a, b = x.operands
        e = _power_of_ten(b.value)
        if e is not None and abs(e) <= MAX_SCALE:
            code = f"rt.Decimal({a.code})" if a.integer else a.code
            most = _exact_below(a.scale, b.scale, e)
            return Static(f"rt.div_round_pow10({code}, {e}, {k}, {most}, {a.scale}, {b.scale})",
                          scale=max(k, 0))  # fmt: skip
        return Static(f"rt.div_round({a.code}, {a.scale}, {b.code}, {b.scale}, {k})",
                      scale=max(k, 0))  # fmt: skip
    if x.integer:
        raise NotStatic("round of an integer")
    return Static(f"rt.num_round_to({x.code}, {k})", scale=max(k, 0))


def _places(node: exp.Expression | None) -> int:
    """round()'s constant second argument."""
    if node is None:
        return 0
    negative = isinstance(node, exp.Neg)
    inner = node.this if negative else node
    if not isinstance(inner, exp.Literal) or inner.is_string or not inner.is_int:
        raise NotStatic("round() to a computed number of places")
    k = -int(inner.this) if negative else int(inner.this)
    if abs(k) > MAX_SCALE:
        raise NotStatic("places")
    return k


def _round(w: _Walk, node: exp.Round) -> Static:
    _numeric_node(w, node)
    return rounded(w.value(node.this), _places(node.args.get("decimals")))


def typmod(x: Static, precision: int, scale: int) -> Static:
    """x stored as numeric(precision, scale): rounded, then its digits checked."""
    if x.kind == "div":
        x = rounded(x, scale)
    if x.scale == scale and not x.integer:
        return Static(f"rt.digits_check({x.code}, {precision}, {scale})", scale=scale)
    code = f"rt.Decimal({x.code})" if x.integer else x.code  # a negative scale keeps 0 places
    return Static(f"rt.numeric_typmod({code}, {precision}, {scale})", scale=max(scale, 0))


def _cast(w: _Walk, node: exp.Cast) -> Static:
    to = node.args["to"]
    try:
        target = T.pg_cast_type(to) if isinstance(to, exp.DataType) else None
    except ValueError:
        target = None
    if target is None or target.category != "numeric":
        raise NotStatic("cast")
    folded = w.compiled(node)  # '1.5'::numeric(5,2): the compiler's constant
    if folded.is_const and isinstance(folded.value, Decimal) and folded.value.is_finite():
        return _constant(folded.value)
    x = w.value(node.this)
    if target.precision is None:
        if x.kind == "div":
            raise NotStatic("an unrounded quotient")
        return x
    return typmod(x, target.precision, target.scale or 0)


def _coalesce(w: _Walk, node: exp.Coalesce) -> Static:
    """Every value here is not NULL: COALESCE is its first argument (PostgreSQL does not
    evaluate the rest either)."""
    if family(w.type(node)) != "numeric":
        raise NotStatic("COALESCE")
    return w.number(node.this)


def _compare(w: _Walk, node: exp.Binary) -> Static:
    op = _PY_OPS[COMPARISONS[type(node)]]
    a, b = w.node(node.this), w.node(node.expression)
    if a.kind == b.kind == "text" and op in ("==", "!="):  # code points: deterministic
        return Static(f"{a.code} {op} {b.code}", kind="bool")
    if a.kind != "num" or b.kind != "num":
        raise NotStatic("not a number")
    return Static(f"{a.code} {op} {b.code}", kind="bool", compared=(a.code, op, b.code))


def _between(w: _Walk, node: exp.Between) -> Static:
    if node.args.get("symmetric"):
        raise NotStatic("BETWEEN SYMMETRIC")
    x, lo, hi = (w.number(node.args[k]) for k in ("this", "low", "high"))
    return Static(f"{lo.code} <= {x.code} <= {hi.code}", kind="bool")


def _condition(out: Static) -> str:
    if out.kind != "bool":
        raise NotStatic("not a condition")
    return f"({out.code})"


def _logic(w: _Walk, node: exp.Expression) -> Static:
    """NOT, and AND / OR over all the terms of a chain the compiler flattened (its inner
    nodes are not typed: `a AND b AND c` is one call of the general body)."""
    if isinstance(node, exp.Not):
        return Static(f"not {_condition(w.node(node.this))}", kind="bool")
    terms = [w.node(n) for n in _flatten(node, type(node))]
    conditions = [_condition(t) for t in terms]
    if isinstance(node, exp.Or):
        return Static(" or ".join(conditions), kind="bool")
    parts = [conditions[0]]
    for before, term, condition in zip(terms, terms[1:], conditions[1:], strict=False):
        if _links(before, term):  # `x <= y and y <= z` as `x <= y <= z`
            parts[-1] = f"{parts[-1][:-1]} {term.compared[1]} {term.compared[2]})"
        else:
            parts.append(condition)
    code = " and ".join(parts)
    return Static(code[1:-1] if len(parts) == 1 else code, kind="bool")


def _links(a: Static, b: Static) -> bool:
    """Whether `a and b` chains as `x <= y <= z` (ruff's PLR1716 asks it of users' code): a's
    right side is b's left, a name or a constant (evaluated once or twice, the same value)."""
    y, y2 = a.compared[2], b.compared[0]
    return bool(y) and y == y2 and (y.isidentifier() or y.lstrip("-").isdigit())


_HANDLERS: dict[type, Callable[[_Walk, Any], Static]] = {
    exp.Column: _column,
    exp.Literal: _literal,
    exp.Paren: _paren,
    exp.Neg: _neg,
    exp.Add: _arith,
    exp.Sub: _arith,
    exp.Mul: _arith,
    exp.Div: _div,
    exp.Round: _round,
    exp.Cast: _cast,
    exp.Coalesce: _coalesce,
    exp.Between: _between,
    exp.And: _logic,
    exp.Or: _logic,
    exp.Not: _logic,
    **dict.fromkeys(COMPARISONS, _compare),
}


def static_body(
    c: Compiler, tree: exp.Expression, result: SqlType | None, predicate: bool
) -> tuple[str, str] | None:
    """(the guard on the inputs, the body's value) for static scales, or None."""
    if sum(1 for _ in tree.walk()) > 64:
        return None  # a long expression: the general body (folded chains, deep nesting)
    w = _Walk(c, {})
    try:
        out = w.node(tree)
        code = _result(out, result, predicate)
    except NotStatic:
        return None
    if all(g.endswith("is int") for g in w.guards.values()) or out.code.isidentifier():
        return None  # integers alone: their comparisons are already plain
    guard = " and ".join(w.guards[py] for py in c.params.values() if py in w.guards)
    return guard, code if out.kind == "bool" else shared(code, w.steps)


def shared(code: str, steps: list[str]) -> str:
    """A step written twice (`price * quantity - round(price * quantity * ...)`) computed
    once: named where it is first evaluated (`(_s1 := ...)`), read after. A value's code
    is nested calls only, evaluated left to right, so the first text is the first run."""
    n = 0
    for step in sorted(set(steps), key=len, reverse=True):
        if code.count(step) < 2:
            continue
        n += 1
        first = code.index(step) + len(step)
        code = code[:first].replace(step, f"(_s{n} := {step})") + code[first:].replace(
            step, f"_s{n}"
        )
    return code


def _result(out: Static, result: SqlType | None, predicate: bool) -> str:
    if predicate or out.kind == "bool":
        if not predicate or out.kind != "bool":
            raise NotStatic("a boolean")
        return out.code
    if result is not None and result.category != "numeric":
        raise NotStatic(f"stored as {result.sql}")
    if result is not None and result.precision is not None:
        return typmod(out, result.precision, result.scale or 0).code
    if out.kind == "div" or out.integer:
        raise NotStatic("an unrounded quotient or an integer")
    return f"rt.positive_zero({out.code})"
