"""The annotations of a compiled function: each parameter and the result typed from its
SqlType, as the dialect's values are (`X | None`: any SQL value may be NULL), and a `return`
that `mypy --strict` can follow: where the runtime call gives `Any`, the value passes
through a name of the declared type first."""

from __future__ import annotations

import ast
import functools
import inspect
from dataclasses import dataclass

from ..dialect import Dialect
from ..model import SqlType
from ..render import LINE_LENGTH
from . import runtime


def optional(annotation: str) -> str:
    """`X | None`; `Any` already holds None."""
    return annotation if annotation == "Any" else f"{annotation} | None"


def value_type(dialect: Dialect, t: SqlType | None) -> str:
    """The annotation of a (nullable) SQL value of type `t`; `Any` when not known."""
    return "Any" if t is None else optional(dialect.python_type(t))


@dataclass(frozen=True)
class Signature:
    name: str
    params: tuple[tuple[str, str], ...]  # (Python name, annotation)
    returns: str

    def header(self) -> str:
        """`def name(...) -> type:` as black lays it out (so the formatter need not run)."""
        params = [f"{p}: {a}" for p, a in self.params]
        one = f"def {self.name}({', '.join(params)}) -> {self.returns}:"
        if len(one) <= LINE_LENGTH:
            return one
        inner, close = f"    {', '.join(params)}", f") -> {self.returns}:"
        if len(inner) <= LINE_LENGTH and len(close) <= LINE_LENGTH:
            return f"def {self.name}(\n{inner}\n{close}"
        return f"def {self.name}(\n" + "".join(f"    {p},\n" for p in params) + close

    def returning(self, code: str) -> str:
        """`return code`, through a typed name where mypy would see `Any`."""
        if self.returns == "Any" or _typed(code, dict(self.params)):
            return f"return {code}"
        local, taken = "result", {p for p, _ in self.params}
        while local in taken:
            local += "_"
        return f"{local}: {self.returns} = {code}\n    return {local}"


def _typed(code: str, params: dict[str, str]) -> bool:
    """Whether mypy knows the type of `code` (a literal, a typed parameter, or a runtime
    function whose result is annotated without `Any`)."""
    try:
        node = ast.parse(code, mode="eval").body
    except (SyntaxError, RecursionError, ValueError):
        return False
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return params.get(node.id, "Any") != "Any"
    func = node.func if isinstance(node, ast.Call) else None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id == "rt" and _runtime_typed(func.attr)
    return False


@functools.cache
def _runtime_typed(name: str) -> bool:
    fn = getattr(runtime, name, None)
    if isinstance(fn, type):
        return True
    if not callable(fn):
        return False
    returns = inspect.get_annotations(fn).get("return")
    return isinstance(returns, str) and "Any" not in returns
