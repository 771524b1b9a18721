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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

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
    d = of(sql_dialect)
    key = (predicate, d, sql, result_type)
    body = _recalled(key, columns)
    if body is None:
        reads = _Reads(columns)
        try:
            body = _compiled(sql, d, reads, result_type, predicate)
        except RecursionError:  # depends on the caller's stack depth: never remembered
            body = _too_deep(sql, d, columns, result_type, predicate)
        else:
            if not any(what == "iter" for what, _, _ in reads.log):  # see `_remember`
                _remember(key, reads.log, body)
    return body.named(name)


@dataclass(frozen=True)
class _Body:
    """A compilation without its function's name: the name changes only the `def` line."""

    params: tuple[str, ...]
    signature: tuple[tuple[str, str], ...]  # (Python name, annotation)
    returns: str
    tail: str  # the source after the `def` line
    sql: str
    result_type: SqlType | None
    unsupported: str | None

    def named(self, name: str) -> Compiled:
        header = Signature(name, self.signature, self.returns).header()
        return Compiled(name, self.params, header + self.tail, self.sql, self.result_type,
                        self.unsupported)  # fmt: skip


_Read = tuple[str, Any, Any]  # (what was asked of the columns, of which key, the answer)
_MISSING: Any = object()


class _Reads(Mapping[str, SqlType]):
    """The columns in scope, logging every question a compilation asks of them: the
    compiler reads its columns through this mapping alone, so the same SQL compiled where
    every question gets the same answer compiles to the same code."""

    def __init__(self, columns: Mapping[str, SqlType]) -> None:
        self.columns = columns
        self.log: list[_Read] = []

    def __getitem__(self, key: str) -> SqlType:
        found = self.columns.get(key, _MISSING)
        self.log.append(("get", key, found))
        if found is _MISSING:
            raise KeyError(key)
        return cast(SqlType, found)

    def __contains__(self, key: object) -> bool:
        found = key in self.columns
        self.log.append(("in", key, found))
        return found

    def __iter__(self) -> Iterator[str]:
        keys = tuple(self.columns)
        self.log.append(("iter", None, keys))
        return iter(keys)

    def __len__(self) -> int:
        size = len(self.columns)
        self.log.append(("len", None, size))
        return size


def _answer(columns: Mapping[str, SqlType], read: _Read) -> Any:
    what, key, _ = read
    if what == "get":
        return columns.get(key, _MISSING)
    if what == "in":
        return key in columns
    return tuple(columns) if what == "iter" else len(columns)


# (predicate, dialect, sql, result type) -> the compilations made of it, each with the
# questions it asked of its columns. Schemas repeat their expressions (CHECK (price >= 0),
# DEFAULT now() on every table; the in-memory database compiles the DEFAULTs again): a
# repeat asks the same questions of its own columns and, answered alike, reuses the code.
_MEMO: dict[tuple[bool, SqlDialect, str, SqlType | None], list[tuple[tuple[_Read, ...], _Body]]]
_MEMO = {}
_MEMO_SIZE = 4096  # expressions kept (oldest dropped first)
_VARIANTS = 8  # compilations kept per expression (column types differing by table)


def _recalled(key: tuple[bool, SqlDialect, str, SqlType | None],
              columns: Mapping[str, SqlType]) -> _Body | None:  # fmt: skip
    for reads, body in _MEMO.get(key, ()):
        if all(_answer(columns, read) == read[2] for read in reads):
            return body
    return None


def _remember(key: tuple[bool, SqlDialect, str, SqlType | None], reads: list[_Read],
              body: _Body) -> None:  # fmt: skip
    """Keep a compilation (not one that read every column's name, as a case-insensitive
    match does: it holds for that table's columns alone, and a wide table's names in every
    entry would grow the memo by the table's width)."""
    variants = _MEMO.get(key)
    if variants is None:
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)), None)  # another thread may have dropped it
        variants = _MEMO[key] = []
    elif len(variants) >= _VARIANTS:
        del variants[0]
    variants.append((tuple(reads), body))


def _compiled(
    sql: str,
    sql_dialect: SqlDialect,
    columns: Mapping[str, SqlType],
    result_type: SqlType | None,
    predicate: bool,
) -> _Body:
    dialect = sql_dialect.expressions
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
        signature = _signature(sql_dialect, compiler, out_type, predicate)
        return _unsupported(sql, dialect.name, compiler, signature, out_type, err.part)
    signature = _signature(sql_dialect, compiler, out_type, predicate)
    tail = _tail(signature, sql, dialect.name, body, static=static)
    return _Body(tuple(compiler.params), signature.params, signature.returns, tail, sql,
                 out_type, None)  # fmt: skip


def _too_deep(
    sql: str,
    sql_dialect: SqlDialect,
    columns: Mapping[str, SqlType],
    result_type: SqlType | None,
    predicate: bool,
) -> _Body:
    """The stub of an expression whose compilation ran out of stack."""
    compiler = Compiler(sql_dialect.expressions, columns)
    out_type = T.BOOLEAN if predicate else result_type
    signature = _signature(sql_dialect, compiler, out_type, predicate)
    part = f"an expression nested more than {MAX_NESTING} levels deep"
    return _unsupported(sql, sql_dialect.expressions.name, compiler, signature, out_type, part)


def _signature(
    d: SqlDialect, compiler: Compiler, out_type: SqlType | None, predicate: bool
) -> Signature:
    """The function's parameters and result, named later (`_Body.named`)."""
    params = tuple((py, value_type(d, compiler.columns[c])) for c, py in compiler.params.items())
    return Signature("", params, "bool | None" if predicate else value_type(d, out_type))


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
    """The tree of `sql`, the caller's own: each text is parsed once per process (a compile
    that misses `_MEMO` for another scope or result type parses the same text again). The
    first caller gets the parsed tree itself, later ones a copy of it: a compilation reads
    its tree, never changes its structure (an ARRAY cast's elements wrapped in new casts
    only point their `parent` at those), and a copy costs a tenth of a parse."""
    parsed = _parsed(dialect.name, sql)
    if isinstance(parsed, str):
        raise Unsupported(parsed)
    tree, unused = parsed
    try:
        return unused.pop()  # atomic: one caller gets it
    except IndexError:
        return tree.copy()


@functools.lru_cache(maxsize=4096)
def _parsed(dialect_name: str, sql: str) -> tuple[exp.Expression, list[exp.Expression]] | str:
    """The tree and a list holding it until its first use, or why it is not one
    expression (the Unsupported part)."""
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
    return tree, [tree]


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
) -> _Body:
    message = f"{dialect} expression not supported ({part}): {sql}"
    tail = _tail(signature, sql, dialect, None, f"raise NotImplementedError({message!r})")
    return _Body(tuple(compiler.params), signature.params, signature.returns, tail, sql,
                 out_type, part)  # fmt: skip


def _tail(
    signature: Signature,
    sql: str,
    dialect: str,
    value: str | None,
    raises: str = "",
    static: tuple[str, str] | None = None,
) -> str:
    """The function after its `def` line; with `static` (guard, value), the inputs the
    guard accepts take that faster body first (sqlexpr/pg_static.py)."""
    body = raises if value is None else signature.returning(value)
    if static is not None:
        guard, fast = static
        body = f"if {guard}:\n        return {fast}\n    {body}"  # typed: Decimal or bool
    return f"\n    {docstring(f'{dialect}: {sql}')}\n    {body}\n"


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
