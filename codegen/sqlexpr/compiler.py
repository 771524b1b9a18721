"""Walk a sqlglot tree and emit Python: the structural handlers every dialect shares.

Handlers are looked up in the dialect's dispatch table by sqlglot expression class (see
`Compiler.expr`). The ones here only arrange evaluation (laziness, three-valued logic) and
ask the dialect's hooks for typing and comparison; arithmetic, literals, casts and
functions are per dialect (`postgres.py`, `sqlite.py`, `mysql.py`).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from . import stypes as T
from .core import Compiler, Handler, Typed, Unsupported
from .registry import supports

COMPARISONS: dict[type, str] = {
    exp.EQ: "=",
    exp.NEQ: "<>",
    exp.LT: "<",
    exp.LTE: "<=",
    exp.GT: ">",
    exp.GTE: ">=",
}


def lazy(t: Typed) -> str:
    """A thunk, so AND/OR/COALESCE evaluate later operands only when needed (as PG does)."""
    return f"lambda: {t.code}"


def h_paren(c: Compiler, node: exp.Paren) -> Typed:
    return c.expr(node.this)


def h_column(c: Compiler, node: exp.Column) -> Typed:
    ident = node.this
    if not isinstance(ident, exp.Identifier):
        raise Unsupported(f"column reference `{node.sql()}`")
    py, sql_type = c.column(ident.name, bool(ident.args.get("quoted")))
    return c.dialect.column_ref(py, sql_type)


def _flatten(
    node: exp.Expression, kind: type[exp.Expression], unparen: bool = False
) -> list[exp.Expression]:
    """The operands of `a AND b AND ...` in order, walked without recursion; `unparen`:
    through parentheses too (`a OR (b OR c)`: three operands, as CHECK bounds read it)."""
    out: list[exp.Expression] = []
    stack = [node]
    while stack:
        item = stack.pop()
        while unparen and isinstance(item, exp.Paren):
            item = item.this
        if isinstance(item, kind):
            stack += [item.expression, item.this]
        else:
            out.append(item)
    return out


def h_and(c: Compiler, node: exp.And) -> Typed:
    return c.dialect.logic(c, "and", [c.expr(n) for n in _flatten(node, exp.And)])


def h_or(c: Compiler, node: exp.Or) -> Typed:
    return c.dialect.logic(c, "or", [c.expr(n) for n in _flatten(node, exp.Or)])


def h_not(c: Compiler, node: exp.Not) -> Typed:
    return c.dialect.logic(c, "not", [c.expr(node.this)])


def h_compare(c: Compiler, node: exp.Binary) -> Typed:
    op = COMPARISONS[type(node)]
    right_node = node.expression
    quantifier = _quantifier(right_node)
    if quantifier is not None:
        return _quantified(c, node, op, *quantifier)
    return c.dialect.compare(c, op, c.expr(node.this), c.expr(right_node))


def _quantifier(node: exp.Expression) -> tuple[str, exp.Expression] | None:
    """ANY/SOME/ALL (...) on the right of a comparison (sqlglot reads ALL as a function)."""
    if isinstance(node, exp.Any):
        return "any", node.this
    if isinstance(node, exp.All):
        return "all", node.this
    if isinstance(node, exp.Anonymous) and len(node.expressions) == 1:
        name = node.name.lower()
        if name in ("any", "some", "all"):
            return ("all" if name == "all" else "any"), node.expressions[0]
    return None


def _array_items(node: exp.Expression) -> list[exp.Expression] | None:
    """The elements of ARRAY[...], through parentheses and array casts (cast element-wise)."""
    if isinstance(node, exp.Paren):
        return _array_items(node.this)
    if isinstance(node, exp.Array):
        return list(node.expressions)
    if isinstance(node, exp.Cast):
        to = node.args["to"]
        if isinstance(to, exp.DataType) and to.this == exp.DataType.Type.ARRAY and to.expressions:
            items = _array_items(node.this)
            if items is not None:
                return [exp.Cast(this=e, to=to.expressions[0].copy()) for e in items]
    return None


def _quantified(c: Compiler, node: exp.Binary, op: str, kind: str, array: exp.Expression) -> Typed:
    """`x = ANY (ARRAY[...])` is IN; `x <> ALL (ARRAY[...])` is NOT IN (pg_dump's spelling)."""
    elements = _array_items(array)
    if elements is None:
        return _quantified_array(c, node, op, kind, array)
    needle = c.expr(node.this)
    items = [c.expr(e) for e in elements]
    if op == "=" and kind == "any":
        return c.dialect.in_list(c, needle, items)
    if op == "<>" and kind == "all":
        return c.dialect.logic(c, "not", [c.dialect.in_list(c, needle, items)])
    raise Unsupported(f"`{node.sql()}` (only = ANY and <> ALL)")


def _quantified_array(
    c: Compiler, node: exp.Binary, op: str, kind: str, array: exp.Expression
) -> Typed:
    """`x = ANY (ids)`, `x <> ALL (ids)` for a column or parameter `ids` holding a
    one-dimensional array of the needle's own type: a NULL array gives NULL, an empty one
    FALSE. Arrays are read here only: no other operator takes one."""
    while isinstance(array, exp.Paren):
        array = array.this
    if not isinstance(array, exp.Column) or not isinstance(array.this, exp.Identifier):
        raise Unsupported(
            f"`{node.sql()}` (only ANY/ALL over an ARRAY[...] list or an array column)"
        )
    code, t = c.column(array.this.name, bool(array.this.args.get("quoted")))
    needle = c.expr(node.this)
    element = t.element if t.category == "array" else None
    if element is not None:
        c.dialect.column_type(element)  # an element type the compiler compares
    if (
        element is None
        or element.category == "array"
        or (op, kind) not in (("=", "any"), ("<>", "all"))
        or (element.category != needle.type.category and not {element.category,
            needle.type.category} <= {"smallint", "integer", "bigint"})
    ):  # fmt: skip
        raise Unsupported(f"`{node.sql()}` (only = ANY / <> ALL over an array of the same type)")
    found = Typed(f"rt.any_eq({needle.code}, {code})", T.BOOLEAN)
    return found if op == "=" else c.dialect.logic(c, "not", [found])


def h_is(c: Compiler, node: exp.Is) -> Typed:
    """IS [NOT] NULL / TRUE / FALSE: never NULL itself."""
    value = c.expr(node.this)
    target = node.expression
    negate = bool(node.args.get("negate"))
    if isinstance(target, exp.Null):
        test = f"{value.code} is {'not ' if negate else ''}None"
        return c.dialect.boolean(f"({test})")
    if isinstance(target, exp.Boolean):
        cond = (
            c.dialect.condition(value)
            if target.this
            else c.dialect.condition(c.dialect.logic(c, "not", [value]))
        )
        return c.dialect.boolean(f"(not {cond})" if negate else f"({cond})")
    raise Unsupported(f"`{node.sql()}`")


def h_distinct(c: Compiler, node: exp.Binary) -> Typed:
    left, right = c.expr(node.this), c.expr(node.expression)
    return c.dialect.distinct(c, left, right, isinstance(node, exp.NullSafeEQ))


def h_between(c: Compiler, node: exp.Between) -> Typed:
    """x BETWEEN a AND b is x >= a AND x <= b (each comparison typed on its own)."""
    value, low, high = c.expr(node.this), c.expr(node.args["low"]), c.expr(node.args["high"])
    forward = c.dialect.logic(
        c, "and", [c.dialect.compare(c, ">=", value, low), c.dialect.compare(c, "<=", value, high)]
    )
    if not node.args.get("symmetric"):
        return forward
    backward = c.dialect.logic(
        c, "and", [c.dialect.compare(c, ">=", value, high), c.dialect.compare(c, "<=", value, low)]
    )
    return c.dialect.logic(c, "or", [forward, backward])


def h_in(c: Compiler, node: exp.In) -> Typed:
    if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
        raise Unsupported("subquery")
    needle = c.expr(node.this)
    return c.dialect.in_list(c, needle, [c.expr(e) for e in node.expressions])


def h_case(c: Compiler, node: exp.Case) -> Typed:
    """CASE evaluates only the branch it takes: a Python conditional expression."""
    ifs = node.args.get("ifs") or []
    default_node = node.args.get("default")
    operand = node.this
    subject: Typed | None = None
    temp = ""
    if operand is not None:
        compiled = c.expr(operand)
        temp = c.temp()
        subject = Typed(temp, compiled.type, affinity=compiled.affinity)
    conditions: list[str] = []
    values: list[Typed] = []
    for branch in ifs:
        when = c.expr(branch.this)
        if subject is not None:
            when = c.dialect.compare(c, "=", subject, when)
        conditions.append(c.dialect.condition(when))
        values.append(c.expr(branch.args["true"]))
    default = c.expr(default_node) if default_node is not None else None
    unified = c.dialect.unify(c, [*values, *([default] if default else [])], "CASE")
    result_type = unified[0].type
    code = unified[-1].code if default is not None else "None"
    for cond, value in reversed(list(zip(conditions, unified[: len(values)], strict=True))):
        code = f"{value.code} if {cond} else {code}"
    code = f"({code})"
    if subject is not None:
        code = f"(lambda {temp}: {code})({compiled.code})"
    return Typed(code, result_type)


def h_coalesce(c: Compiler, node: exp.Coalesce) -> Typed:
    args = [c.expr(node.this), *[c.expr(e) for e in node.expressions]]
    unified = c.dialect.unify(c, args, "COALESCE")
    rest = ", ".join(lazy(t) for t in unified[1:])
    return Typed(f"rt.coalesce({unified[0].code}{', ' + rest if rest else ''})", unified[0].type)


def common_dispatch() -> dict[type, Handler]:
    table: dict[type, Handler] = {
        exp.Paren: h_paren,
        exp.Column: h_column,
        exp.And: h_and,
        exp.Or: h_or,
        exp.Not: h_not,
        exp.Is: h_is,
        exp.NullSafeEQ: h_distinct,
        exp.NullSafeNEQ: h_distinct,
        exp.Between: h_between,
        exp.In: h_in,
        exp.Case: h_case,
        exp.Coalesce: h_coalesce,
    }
    for kind in COMPARISONS:
        table[kind] = h_compare
    return table


def register_common(dialect: str, notes: Callable[[str], str] | None = None) -> None:
    """Record the shared constructs for `dialect` in the registry."""
    note = notes or (lambda key: "")
    for group, construct in (
        ("values", "column / parameter reference"),
        ("logic", "AND, OR, NOT (three-valued, short-circuit)"),
        ("logic", "IS [NOT] NULL"),
        ("logic", "IS [NOT] TRUE / FALSE"),
        ("comparison", "= <> != < <= > >="),
        ("comparison", "IS [NOT] DISTINCT FROM"),
        ("comparison", "BETWEEN [SYMMETRIC]"),
        ("comparison", "IN (list), NOT IN (list)"),
        ("conditional", "CASE WHEN ... (searched and simple)"),
        ("conditional", "COALESCE"),
    ):
        supports(dialect, group, construct, note(construct))
