"""A column's strategy: the ladder in plan/__init__.py, one rung at a time, and how the
chosen generator becomes a factory declaration."""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping

from ..bounds import Bounds
from ..config import Override
from ..errors import Diagnostic
from ..jsonread import json_reads
from ..model import Column, SqlType, Table
from ..naming import identifier
from ..render import pystr
from ..valuegen import Gen, Want, generator, literal
from .checks import element_bounds
from .compiler import Compiler
from .plans import UUID_DEFAULT_CATEGORIES, CompiledFn, FkPlan
from .scope import Col, Scope, at, attributes, expressions, labels
from .unique import Uniques


def strategies(
    scope: Scope,
    bounds: Mapping[str, Bounds],
    uniques: Uniques,
    fk_of: Mapping[str, tuple[int, FkPlan]],
) -> tuple[list[tuple[str, CompiledFn]], list[CompiledFn]]:
    """Phase 4 of a table's plan: each column's rung of the ladder, set on its `Col`.
    Returns the compiled computed columns and the compiled DEFAULT expressions."""
    computed: list[tuple[str, CompiledFn]] = []
    default_fns: list[CompiledFn] = []
    table = scope.table
    # columns the expressions (CHECKs, computed columns, index parts) read as JSON hold JSON
    json_read = json_reads(expressions(table), scope.dialect.sqlglot)
    for name, c in scope.cols.items():
        _strategy(scope, name, c, bounds.get(name, Bounds()), uniques, fk_of, computed,
                  default_fns, json_read.get(name.lower()))  # fmt: skip
    return computed, default_fns


def _nullable(table: Table, columns: tuple[str, ...]) -> bool:
    return any((c := table.column(name)) is None or c.nullable for name in columns)


def _strategy(
    scope: Scope,
    name: str,
    c: Col,
    b: Bounds,
    uniques: Uniques,
    fk_of: Mapping[str, tuple[int, FkPlan]],
    computed: list[tuple[str, CompiledFn]],
    default_fns: list[CompiledFn],
    json_paths: tuple[tuple[str | int, ...], ...] | None,
) -> None:
    table, module, compiler = scope.table, scope.module, scope.compiler
    column = c.column
    override = scope.config.override(table.key, name)
    carriers, digits, unique_single = uniques.carriers, uniques.digits, uniques.single
    want = Want(
        table.key,
        name,
        c.type,
        b,
        unique=name in unique_single or name in carriers or name in digits,
        wrap_unique=(name in carriers or name in digits)
        and name not in unique_single
        and digits.get(name, ("n", True))[1],
        seq=digits.get(name, ("n", True))[0],
        null_past_end=name in uniques.null_past_end,
        labels=labels(scope.schema, c.type),
        dialect=scope.dialect,
        json_paths=json_paths,
        element_bounds=element_bounds(scope, column),
        attributes=attributes(scope.schema, c.type),
        lead=uniques.leads.get(name, 0),
    )
    if column.generated is not None:
        computed.append((name, _computed(scope, c)))
        c.kind = "computed"
        return
    if column.identity is not None:
        c.kind = "identity"
        c.gen = Gen("n + 1", needs_n=True)
        return
    if override is not None:
        c.kind = "override"
        c.gen = _override(override)
        return
    if name in fk_of:
        k, fkp = fk_of[name]
        if fkp.mode == "sub":
            c.kind = "fk" if k == 0 else "fk_part"
            c.decl = f'sg.sub_factory(_PKG + ".{fkp.factory}")' if k == 0 else "None"
            if k == 0 and scope.config.null_ratio > 0 and _nullable(table, fkp.columns):
                # a nullable reference is NULL in the configured share of rows
                c.decl = f"sg.maybe(sg.lazy_function(sg.draw_set_ref), {c.decl}, None)"
        else:
            c.kind = "null"
            c.decl = "None"
            c.note = "self-reference / FK cycle: NULL by default"
        return
    gen = generator(want)
    if (column.default is not None and not want.unique) or (
        column.default is not None and c.type.category in UUID_DEFAULT_CATEGORIES
    ):
        value = _default(compiler, column, c.type, module, c.attr, scope.taken_fns, default_fns)
        if value is not None:
            c.kind = "default"
            c.gen = value
            return
    if not gen.supported:
        _no_generator(scope, name, c)
        return
    c.kind = "unique" if want.unique else "value"
    c.gen = gen
    c.nullable_ratio = (
        column.nullable and not want.unique and not b.not_null and name not in uniques.pk
    )


def _computed(scope: Scope, c: Col) -> CompiledFn:
    """A generated column's expression, compiled (a warning when it is not supported)."""
    column, table = c.column, scope.table
    assert column.generated is not None
    compiled = at(
        scope.compiler.expression(
            column.generated.sql,
            scope.types,
            identifier(f"{scope.module}__{c.attr}", scope.taken_fns),
            column.type,
        ),
        column.location,
    )
    if compiled.unsupported:
        scope.warnings.append(
            Diagnostic(
                column.location,
                f"{table.key}.{column.name}: computed column not compiled"
                f" ({compiled.unsupported}); built rows hold None",
                column.generated.sql,
            )
        )
    return compiled


def _no_generator(scope: Scope, name: str, c: Col) -> None:
    """No generator for the column's type: NULL when it may be, else a raising call."""
    column, table = c.column, scope.table
    sql_type = column.type.sql
    if column.nullable:
        c.kind, c.decl = "null", "None"
        c.note = f"no generator for {sql_type}: NULL"
        scope.warnings.append(
            Diagnostic(
                column.location,
                f"{table.key}.{name}: no generator for type"
                f" {sql_type}; the column is left NULL (set an override)",
            )
        )
    else:
        c.kind = "unsupported"
        c.gen = Gen(f"sg.unsupported({pystr(table.key)}, {pystr(name)}, {pystr(sql_type)})")
        scope.warnings.append(
            Diagnostic(
                column.location,
                f"{table.key}.{name}: no generator for type"
                f" {sql_type}; set [tool.schemagen.overrides.{table.key}] {name} = ...",
            )
        )


def declaration(expr: str, gen: Gen) -> str:
    if gen.needs_n and gen.needs_o:
        return f"sg.lazy_attribute_sequence(lambda o, n: {expr})"
    if gen.needs_n:
        if (step := _offset(expr)) is not None:
            return f"sg.offset({step})"
        if (bound := bound_call(expr, numbered=True)) is not None:
            return f"sg.numbered({bound})"
        return f"sg.sequence(lambda n: {expr})"
    if gen.needs_o:
        return f"sg.lazy_attribute(lambda o: {expr})"
    if is_constant(expr):
        return expr
    if (bound := bound_call(expr)) is not None:
        return f"sg.lazy_call({bound})" if "," in bound else f"sg.lazy_function({bound})"
    if expr.startswith(_OR_NULL) and (bound := bound_call(expr[len(_OR_NULL) :])) is not None:
        return f"sg.lazy_call_or_null({bound})"
    if expr.endswith("()") and expr[:-2].isidentifier():
        return f"sg.lazy_function({expr[:-2]})"
    if expr in _EMPTY:  # a fresh one per row, without a lambda (ruff PIE807)
        return f"sg.lazy_function({_EMPTY[expr]})"
    return f"sg.lazy_function(lambda: {expr})"


_EMPTY = {"{}": "dict", "[]": "list"}
_OR_NULL = "None if sg.draw_null() else "
_BOUND = ("random_", "unique_")  # generator functions: never rebound at run time


@functools.lru_cache(maxsize=4096)  # generator expressions repeat across columns and tables
def bound_call(expr: str, numbered: bool = False) -> str | None:
    """`sg.f(a, k=b)` (`sg.f(n, a, k=b)` if numbered) as `sg.f, a, k=b` when f is a value
    generator and every argument an immutable literal: the runtime binds those once per
    column (sg.lazy_call, sg.numbered), where a lambda cost every factory's import a code
    object to load and a function to make, one per column. None for anything else."""
    node = _parsed(expr)
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "sg"
        and node.func.attr.startswith(_BOUND)
    ):
        return None
    args = node.args
    if numbered:
        if not args or not isinstance(args[0], ast.Name) or args[0].id != "n":
            return None
        args = args[1:]
    if any(k.arg is None for k in node.keywords):
        return None
    if not all(_frozen(a) for a in [*args, *(k.value for k in node.keywords)]):
        return None
    given = [ast.get_source_segment(expr, a) or "" for a in args]
    given += [f"{k.arg}={ast.get_source_segment(expr, k.value)}" for k in node.keywords]
    return ", ".join([f"sg.{node.func.attr}", *given])


def _frozen(node: ast.expr) -> bool:
    """A literal whose value no call can change: shared by every row safely."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return isinstance(node.operand, ast.Constant)
    if isinstance(node, ast.Tuple):
        return all(_frozen(e) for e in node.elts)
    return is_constant(ast.unparse(node))  # Decimal("...")


@functools.lru_cache(maxsize=4096)
def _offset(expr: str) -> int | None:
    """k for `n + k` (a key counting from k + 1), else None."""
    node = _parsed(expr)
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Add)
        and isinstance(node.left, ast.Name)
        and node.left.id == "n"
        and isinstance(node.right, ast.Constant)
        and type(node.right.value) is int
    ):
        return node.right.value
    return None


@functools.lru_cache(maxsize=4096)  # generator expressions repeat across columns and tables
def is_constant(expr: str) -> bool:
    node = _parsed(expr)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Decimal":
        return all(isinstance(a, ast.Constant) for a in node.args) and not node.keywords
    return isinstance(node, ast.Constant) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)
    )


def _parsed(expr: str) -> ast.expr | None:
    """The expression's tree; None if it does not parse as one."""
    try:
        return ast.parse(expr, mode="eval").body
    except (SyntaxError, ValueError):
        return None


def _override(o: Override) -> Gen:
    if o.kind == "provider":
        args = [literal(a) for a in o.args] + [f"{k}={literal(v)}" for k, v in o.kwargs]
        return Gen(f"sg.faker({', '.join([pystr(o.provider or ''), *args])})")
    if o.kind == "callable":
        return Gen(f"sg.call({pystr(o.path or '')})")
    return Gen(literal(o.value))


def _default(
    compiler: Compiler,
    column: Column,
    t: SqlType,
    module: str,
    attr: str,
    taken_fns: set[str],
    default_fns: list[CompiledFn],
) -> Gen | None:
    """The value of a DEFAULT: a literal, or a call of the compiled expression."""
    assert column.default is not None
    source = compiler.default_literal(column.default, t)
    if source == "None":
        return None  # DEFAULT NULL is no default: generate a value
    if source is not None:
        return Gen(source)  # dict/list literals are rebuilt per row by LazyFunction
    compiled = at(
        compiler.expression(
            column.default, {}, identifier(f"{module}__{attr}_default", taken_fns), column.type
        ),
        column.location,
    )
    if compiled.unsupported:
        return None  # generate a value instead: it is what gets inserted, so it is what is stored
    default_fns.append(compiled)
    if t.category == "interval":  # the runtime's Interval is no value a driver can send
        return Gen(f"rt.interval_param({compiled.name}())")
    return Gen(f"{compiled.name}()")
