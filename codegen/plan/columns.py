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
        return f"sg.sequence(lambda n: {expr})"
    if gen.needs_o:
        return f"sg.lazy_attribute(lambda o: {expr})"
    if is_constant(expr):
        return expr
    if expr.endswith("()") and expr[:-2].isidentifier():
        return f"sg.lazy_function({expr[:-2]})"
    if expr in _EMPTY:  # a fresh one per row, without a lambda (ruff PIE807)
        return f"sg.lazy_function({_EMPTY[expr]})"
    return f"sg.lazy_function(lambda: {expr})"


_EMPTY = {"{}": "dict", "[]": "list"}


@functools.lru_cache(maxsize=4096)  # generator expressions repeat across columns and tables
def is_constant(expr: str) -> bool:
    try:
        node = ast.parse(expr, mode="eval").body
    except (SyntaxError, ValueError):
        return False
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Decimal":
        return all(isinstance(a, ast.Constant) for a in node.args) and not node.keywords
    return isinstance(node, ast.Constant) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)
    )


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
