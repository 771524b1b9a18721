"""The compiler's moving parts shared by every dialect: typed code fragments and the walk.

A handler turns one sqlglot node into a `Typed`: a Python expression (source text) plus its
static SQL type. Handlers live in dispatch tables keyed by sqlglot expression class; a
dialect is its table plus its semantic hooks (see `dialects.py`).
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from ..deep import MAX_CHAIN
from ..model import SqlType

if TYPE_CHECKING:
    from .dialects import Dialect

_NO_VALUE: Any = object()


@dataclass(frozen=True)
class Typed:
    """A compiled fragment: Python source, its SQL type and, for constants, the value."""

    code: str
    type: SqlType
    value: Any = _NO_VALUE  # the constant's Python value, when the fragment is a literal
    affinity: str | None = None  # SQLite: the column affinity a comparison may apply

    @property
    def is_const(self) -> bool:
        return self.value is not _NO_VALUE


class Unsupported(Exception):
    """Raised by a handler for a construct (or a use of it) the compiler does not model."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.part = part


Handler = Callable[["Compiler", Any], Typed]


def describe(node: exp.Expression) -> str:
    """Name the unsupported part the way a user would recognise it."""
    if isinstance(node, exp.Anonymous):
        return f"function {node.name.lower()}()"
    if isinstance(node, (exp.Subquery, exp.Select, exp.Exists)):
        return "subquery"
    if isinstance(node, exp.Binary):
        return f"operator {type(node).__name__} in `{node.sql()}`"
    if isinstance(node, exp.Func):
        return f"function {node.sql_name().lower()}()"
    return f"{type(node).__name__} expression `{node.sql()}`"


_BUILTINS = set(dir(builtins))
# and the names compiled annotations use (a parameter must not hide its own type)
_RESERVED = {"rt", "self", "None", "True", "False", "Any", "Decimal", "UUID", "date", "datetime",
             "time", "timedelta"}  # fmt: skip


def python_name(sql_name: str, taken: set[str]) -> str:
    """A safe, readable Python identifier for a SQL name (`class` -> `class_`)."""
    name = re.sub(r"\W+", "_", sql_name, flags=re.ASCII).strip("_") or "p"
    if name[0].isdigit():
        name = "p_" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in _BUILTINS:
        name += "_"
    if name in _RESERVED:
        name += "_"
    base, n = name, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


# A left-deep chain of binary operators (`a || b || ...`, `a + b - c ...`) at least this long
# compiles as a fold over its terms: nested calls would nest as deep as the chain is long, and
# Python's parser stops at 200 nested brackets. AND/OR are flattened by their own handlers.
LONG_CHAIN = 8
_STEP = re.compile(r"(rt\.\w+)\(_a, (.*)\)", re.DOTALL)


def chain_spine(node: exp.Expression, limit: int | None = None) -> list[exp.Expression]:
    """The binary operators of a left-deep chain, outermost first, walked without recursion
    (at most `limit` of them)."""
    spine: list[exp.Expression] = []
    while (
        isinstance(node, exp.Binary)
        and not isinstance(node, (exp.And, exp.Or))
        and (limit is None or len(spine) < limit)
    ):
        spine.append(node)
        node = node.this
    return spine


def _inert(t: Typed) -> bool:
    """A constant or a plain parameter: evaluating it early cannot raise or change a result."""
    return t.is_const or t.code.isidentifier()


@dataclass
class Compiler:
    """One compilation: the dialect, the names in scope, and the parameters used so far."""

    dialect: Dialect
    columns: Mapping[str, SqlType]
    params: dict[str, str] = field(default_factory=dict)  # SQL name -> Python name
    _temps: int = 0
    _bound: dict[int, Typed] = field(default_factory=dict)  # node id -> already compiled
    # node id -> what it compiled to (type, constant value), for a second reading of the
    # same tree that compiles nothing again (pg_static.py)
    typed: dict[int, Typed] = field(default_factory=dict)

    def expr(self, node: exp.Expression) -> Typed:
        bound = self._bound.get(id(node))
        if bound is not None:
            return bound
        if len(chain_spine(node, LONG_CHAIN)) >= LONG_CHAIN:
            spine = chain_spine(node)
            if len(spine) > MAX_CHAIN:
                raise Unsupported(f"a chain of {len(spine)} operators (the limit is {MAX_CHAIN})")
            return self._fold(spine)
        typed = self._dispatch(node)
        self.typed[id(node)] = typed
        return typed

    def _dispatch(self, node: exp.Expression) -> Typed:
        handler = self.dialect.dispatch.get(type(node))
        if handler is None:
            raise Unsupported(describe(node))
        return handler(self, node)

    def _fold(self, spine: list[exp.Expression]) -> Typed:
        """A long chain, step by step: each operator's own handler compiles it with the
        result so far bound as `_a`, so types and semantics are exactly the nested ones.
        `rt.fold(fn, a, b, ...)` when every step is one call, else `rt.chain` of lambdas."""
        acc = self.expr(spine[-1].this)
        first = ""
        steps: list[tuple[str, Typed]] = []  # (the step's code on `_a`, its right operand)
        for node in reversed(spine):
            right = self.expr(node.expression)
            self._bound[id(node.expression)] = right
            self._bound[id(node.this)] = (
                acc if not first else Typed("_a", acc.type, affinity=acc.affinity)
            )
            try:
                acc = self._dispatch(node)
            finally:
                del self._bound[id(node.this)], self._bound[id(node.expression)]
            if not first:
                first = acc.code
            else:
                steps.append((acc.code, right))
        calls = {m[1] for m in (_STEP.fullmatch(s) for s, _ in steps) if m}
        fn = next(iter(calls)) if len(calls) == 1 else ""
        if fn and all(s == f"{fn}(_a, {r.code})" and _inert(r) for s, r in steps):
            rest = "".join(f", {r.code}" for _, r in steps)
            return Typed(f"rt.fold({fn}, {first}{rest})", acc.type, affinity=acc.affinity)
        lambdas = "".join(f", lambda _a: {s}" for s, _ in steps)
        return Typed(f"rt.chain({first}{lambdas})", acc.type, affinity=acc.affinity)

    def temp(self) -> str:
        self._temps += 1
        return f"_v{self._temps}"

    def column(self, name: str, quoted: bool) -> tuple[str, SqlType]:
        """Resolve a column/parameter name as the dialect folds identifiers."""
        key = self.dialect.resolve_name(name, quoted, self.columns)
        if key is None:
            raise Unsupported(f"column {name} (not in scope)")
        if key not in self.params:
            self.params[key] = python_name(key, set(self.params.values()))
        return self.params[key], self.columns[key]
