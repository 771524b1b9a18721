"""Compile SQL expressions to Python source with the database's exact semantics.

One engine serves computed columns, CHECK constraints, DEFAULTs and simple SQL function
bodies. `compile_expression` / `compile_predicate` return a `Compiled`: a `def` whose body
calls the runtime (`runtime.py`, copied verbatim into generated packages) as `rt.<fn>`.
Whatever the compiler does not model compiles to a function raising NotImplementedError
that quotes the SQL and names the unsupported part: it never guesses.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import keyword
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlglot import exp
from sqlglot.errors import SqlglotError

from ..dialect import Dialect as SqlDialect
from ..dialect import of
from ..model import SqlType
from . import runtime
from . import stypes as T
from .annotate import Signature, value_type
from .core import Compiler, Typed, Unsupported
from .dialects import Dialect as Semantics
from .docs import docs_table
from .registry import SUPPORTED

__all__ = [
    "SUPPORTED",
    "Compiled",
    "compile_expression",
    "compile_predicate",
    "docs_table",
    "load",
    "runtime_source",
]


@dataclass(frozen=True)
class Compiled:
    name: str  # python function name given by caller
    params: tuple[str, ...]  # SQL names referenced, in order of first appearance
    source: str  # `def name(p1, p2):` source; calls the runtime as `rt.<fn>`
    sql: str  # the SQL text compiled
    result_type: SqlType | None
    unsupported: str | None  # None if fully supported, else the unsupported part

    @property
    def python_params(self) -> tuple[str, ...]:
        """The Python parameter names, in the order of `params` (mangled where needed)."""
        header = ast.parse(self.source).body[0]
        assert isinstance(header, ast.FunctionDef)
        return tuple(arg.arg for arg in header.args.args)


def compile_expression(
    sql: str,
    dialect: str | SqlDialect,
    columns: Mapping[str, SqlType],
    *,
    name: str,
    result_type: SqlType | None = None,
) -> Compiled:
    """Compile a value expression; with `result_type`, the result is stored as that type."""
    return _compile(sql, dialect, columns, name, result_type, predicate=False)


def compile_predicate(
    sql: str, dialect: str | SqlDialect, columns: Mapping[str, SqlType], *, name: str
) -> Compiled:
    """Compile a CHECK: the function returns True, False or None (a CHECK fails only on False)."""
    return _compile(sql, dialect, columns, name, None, predicate=True)


def load(compiled: Compiled | Sequence[Compiled]) -> dict[str, Callable[..., Any]]:
    """Exec compiled sources with the runtime bound as `rt`; returns name -> function."""
    items = [compiled] if isinstance(compiled, Compiled) else list(compiled)
    namespace: dict[str, Any] = {"rt": runtime}
    for item in items:
        exec(compile(item.source, f"<sqlexpr {item.name}>", "exec"), namespace)
    return {item.name: namespace[item.name] for item in items}


def runtime_source() -> str:
    """The runtime module's text, to copy into a generated package as `_sqlruntime.py`."""
    return Path(runtime.__file__).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- internals


def _compile(
    sql: str,
    sql_dialect: str | SqlDialect,
    columns: Mapping[str, SqlType],
    name: str,
    result_type: SqlType | None,
    predicate: bool,
) -> Compiled:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"not a valid Python function name: {name!r}")
    dialect = of(sql_dialect).expressions
    compiler = Compiler(dialect, columns)
    out_type = T.BOOLEAN if predicate else result_type
    try:
        tree = _parse(dialect, sql)
        _declare_params(compiler, tree)
        typed = compiler.expr(tree)
        if predicate:
            body = dialect.predicate(typed)
        else:
            if result_type is not None:
                typed = dialect.assign(compiler, typed, result_type)
            else:
                out_type = _public_type(typed)
            body = typed.code
        if _nesting(body) > MAX_NESTING:
            raise Unsupported(f"an expression nested more than {MAX_NESTING} levels deep")
        static = None if typed.is_const else dialect.static_body(compiler, tree, result_type,
                                                                 predicate)  # fmt: skip
    except Unsupported as err:
        signature = _signature(sql_dialect, compiler, name, out_type, predicate)
        return _unsupported(sql, dialect.name, compiler, signature, out_type, err.part)
    except RecursionError:
        part = f"an expression nested more than {MAX_NESTING} levels deep"
        compiler = Compiler(dialect, columns)
        signature = _signature(sql_dialect, compiler, name, out_type, predicate)
        return _unsupported(sql, dialect.name, compiler, signature, out_type, part)
    source = _render(_signature(sql_dialect, compiler, name, out_type, predicate), sql,
                     dialect.name, body, static=static)  # fmt: skip
    return Compiled(name, tuple(compiler.params), source, sql, out_type, None)


def _signature(
    sql_dialect: str | SqlDialect,
    compiler: Compiler,
    name: str,
    out_type: SqlType | None,
    predicate: bool,
) -> Signature:
    d = of(sql_dialect)
    params = tuple((py, value_type(d, compiler.columns[c])) for c, py in compiler.params.items())
    return Signature(name, params, "bool | None" if predicate else value_type(d, out_type))


# Python's parser stops at 200 nested brackets, and black slows down sharply well before:
# deeper compiled code (a chain of ~100 `+`, each a runtime call) becomes a raising stub.
MAX_NESTING = 100
_STRINGS = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"")


def _nesting(code: str) -> int:
    """The deepest bracket nesting of Python source (string literals left out)."""
    depth = deepest = 0
    for ch in _STRINGS.sub("", code):
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    return deepest


def _parse(dialect: Semantics, sql: str) -> exp.Expression:
    """The tree of `sql`, the caller's own copy: each text is parsed once per process, since
    schemas repeat theirs (DEFAULT now(), CHECK (price >= 0) on every table; the table's
    DEFAULT again in the in-memory database) and a copy costs a tenth of a parse."""
    tree = _parsed(dialect.name, sql)
    if isinstance(tree, str):
        raise Unsupported(tree)
    return tree.copy()


@functools.lru_cache(maxsize=4096)
def _parsed(dialect_name: str, sql: str) -> exp.Expression | str:
    """The tree, or why it is not one expression (the Unsupported part)."""
    try:
        tree = of(dialect_name).expressions.parse(sql)
    except Unsupported as err:
        return err.part
    except SqlglotError as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        return f"syntax the parser does not read ({first})"
    if tree is None or not isinstance(tree, exp.Expression):
        return "empty expression"
    if isinstance(tree, (exp.Select, exp.Query)) and not isinstance(tree, exp.Subquery):
        return "subquery"
    return tree


def _declare_params(compiler: Compiler, tree: exp.Expression) -> None:
    """Parameters follow the order of first appearance in the SQL text."""
    for node in tree.walk(bfs=False):
        if isinstance(node, exp.Column) and isinstance(node.this, exp.Identifier):
            ident = node.this
            with contextlib.suppress(Unsupported):  # reported when the compiler reaches it
                compiler.column(ident.name, bool(ident.args.get("quoted")))


def _public_type(t: Typed) -> SqlType | None:
    if T.is_unknown(t.type):
        return T.TEXT
    if T.is_null(t.type) or t.type.category == "any":
        return None
    return t.type


def _unsupported(
    sql: str,
    dialect: str,
    compiler: Compiler,
    signature: Signature,
    out_type: SqlType | None,
    part: str,
) -> Compiled:
    message = f"{dialect} expression not supported ({part}): {sql}"
    source = _render(signature, sql, dialect, None, f"raise NotImplementedError({message!r})")
    return Compiled(signature.name, tuple(compiler.params), source, sql, out_type, part)


def _render(
    signature: Signature,
    sql: str,
    dialect: str,
    value: str | None,
    raises: str = "",
    static: tuple[str, str] | None = None,
) -> str:
    """The function; with `static` (guard, value), the inputs the guard accepts take that
    faster body first (sqlexpr/pg_static.py)."""
    body = raises if value is None else signature.returning(value)
    if static is not None:
        guard, fast = static
        body = f"if {guard}:\n        return {fast}\n    {body}"  # typed: Decimal or bool
    return f"{signature.header()}\n    {docstring(f'{dialect}: {sql}')}\n    {body}\n"


def docstring(text: str) -> str:
    """A triple-quoted literal for `text` (lines indented): quotes, backslashes and control
    characters are escaped, so no SQL can end the string early or inject code."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\n    ")
        elif ch == "\t" or (ch.isprintable() and ch not in "\u2028\u2029"):
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
    return '"""' + "".join(out) + '"""'
