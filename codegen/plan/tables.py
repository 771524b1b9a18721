"""One table's plan: the phases in order, each in its own module, and the `ColumnPlan`s
they add up to.

    checks.plan_checks        CHECK and domain bounds, compiled predicates
    unique.plan_unique        UNIQUE carriers and radix digits
    foreign_keys.table_fks    how each FK is filled, parents first
    columns.strategies        each column's rung of the ladder (see plan/__init__.py)
    ordering.order_pairs      columns generated after the column they must follow
    _column_plans             the factory declaration of every column
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import partitions
from ..config import Config
from ..dialect import of
from ..digest import sha256
from ..errors import Diagnostic
from ..memo import key_of
from ..model import Column, Schema, Table
from ..naming import attribute
from .checks import plan_checks
from .columns import declaration, is_constant, strategies
from .compiler import Compiler
from .foreign_keys import table_fks
from .function_types import row_fields
from .ordering import order_pairs
from .plans import RESERVED_ATTRS, CheckPlan, ColumnPlan, CompiledFn, FkMode, FkPlan, TablePlan
from .scope import Col, Scope, is_json, resolve
from .unique import plan_unique


def table_plan(
    schema: Schema,
    config: Config,
    compiler: Compiler,
    table: Table,
    modules: Mapping[str, str],
    classes: Mapping[str, str],
    fk_modes: Mapping[tuple[str, int], FkMode],
    warnings: list[Diagnostic],
    *,
    memo_key: str = "",
) -> TablePlan:
    """`table`'s plan; `memo_key`: the digest of its inputs when it is memoised."""
    scope = _scope(schema, config, compiler, table, modules[table.key], warnings)
    bounds, checks = plan_checks(scope)
    uniques = plan_unique(scope, bounds, fk_modes)
    fks, fk_of, depends_on = table_fks(schema, table, fk_modes, classes)
    computed, default_fns = strategies(scope, bounds, uniques, fk_of)
    order_pairs(scope.cols, bounds)
    return assemble(
        schema,
        table,
        classes[table.key],
        scope.module,
        _column_plans(scope),
        tuple(fks),
        tuple(checks),
        tuple(computed),
        tuple(default_fns),
        tuple(dict.fromkeys(depends_on)),
        tuple((c, k, what) for c, (k, what) in uniques.residues.items()),
        memo_key=memo_key,
    )


def with_reads(memo_key: str, fields: tuple[tuple[str, str], ...], start: int) -> str:
    """A plan's `memo_key`: what its parts were made from, and what `assemble` reads of
    other tables (row types, a partition's offset)."""
    return sha256(key_of([memo_key, fields, start]))


def assemble(
    schema: Schema,
    table: Table,
    class_name: str,
    module: str,
    columns: tuple[ColumnPlan, ...],
    fks: tuple[FkPlan, ...],
    checks: tuple[CheckPlan, ...],
    computed: tuple[tuple[str, CompiledFn], ...],
    default_fns: tuple[CompiledFn, ...],
    depends_on: tuple[str, ...],
    residues: tuple[tuple[str, int, str], ...],
    *,
    memo_key: str = "",
) -> TablePlan:
    """The `TablePlan` of what the phases decided, with what it reads straight off the
    table and the rest of the schema (names, types, partition offset, row type), which a
    replayed plan (plan/stored.py) reads again. `memo_key`: a digest of what the parts were
    made from; the plan's own adds what is read here of other tables."""
    fields = row_fields(schema, table)
    start = partitions.sequence_start(schema, table)
    return TablePlan(
        table.key,
        table,
        class_name,
        module,
        columns,
        fks,
        checks,
        computed,
        default_fns,
        (table.schema, table.name) if table.schema and table.key != table.name else (table.name,),
        {c.name: c.type.sql for c in table.columns},
        meta_of(table, fks, checks),
        depends_on,
        start,
        residues,
        fields,
        memo_key and with_reads(memo_key, fields, start),
    )


def _scope(
    schema: Schema,
    config: Config,
    compiler: Compiler,
    table: Table,
    module: str,
    warnings: list[Diagnostic],
) -> Scope:
    """The table's columns with their Python names and resolved types (and the warning a
    partition whose bound is not modelled deserves: HASH)."""
    if table.partition_of is not None and not partitions.row_checks(schema, table):
        warnings.append(
            Diagnostic(
                table.location,
                f"{table.key}: rows of a partition's factory may be rejected (its bound"
                f" {table.partition_bound} is not modelled); insert through the factory of"
                f" {table.partition_of}",
            )
        )
    taken_attrs: set[str] = {name.lower() for name in RESERVED_ATTRS}
    cols: dict[str, Col] = {}
    for column in table.columns:
        base, _ = resolve(schema, column.type)
        cols[column.name] = Col(column, attribute(column.name, taken_attrs, RESERVED_ATTRS), base)
    types = {c.name: resolve(schema, c.type)[0] for c in table.columns}
    return Scope(schema, config, compiler, table, module, of(schema.dialect), cols, types, warnings)


def _column_plans(scope: Scope) -> tuple[ColumnPlan, ...]:
    """Phase 6: each column's factory declaration (and how to regenerate it when a CHECK
    rejects the row)."""
    ratio = scope.config.null_ratio
    column_plans: list[ColumnPlan] = []
    for name, c in scope.cols.items():
        column = c.column
        decl, regen = c.decl, None
        if c.gen is not None:
            expr = c.gen.expr
            if (
                scope.dialect.type_affinity  # the value as SQLite stores it (its storage class)
                and c.kind in ("value", "unique", "override")
                and not is_constant(expr)
            ):
                expr = f"sg.sqlite_value({expr})"
            if c.nullable_ratio and ratio > 0:
                expr = f"None if sg.draw_null() else {expr}"
            decl = declaration(expr, c.gen)
            if not c.gen.needs_n and c.kind in ("value", "default", "override"):
                regen = f"lambda o: {expr}"
        insert = column.generated is None and column.identity != "always"
        column_plans.append(
            ColumnPlan(
                name,
                c.attr,
                column.type.sql,
                c.kind,
                decl,
                regen,
                insert,
                identity=column.identity is not None,
                json=is_json(c.type),
                note=c.note,
            )
        )
    return tuple(column_plans)


def _column_meta(c: Column, pk: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": c.type.sql, "nullable": c.nullable}
    if c.name in pk:
        out["primary_key"] = True
    if c.default is not None:
        out["default"] = c.default
    if c.generated is not None:
        out["generated"] = c.generated.sql
    if c.identity is not None:
        out["identity"] = c.identity
    return out


def meta_of(table: Table, fks: Iterable[FkPlan], checks: Iterable[CheckPlan]) -> dict[str, Any]:
    pk = list(table.primary_key.columns) if table.primary_key else []
    return {
        "schema": table.schema,
        "name": table.name,
        # type and nullable always; primary_key / default / generated / identity when set
        "columns": {c.name: _column_meta(c, pk) for c in table.columns},
        "primary_key": pk,
        "foreign_keys": [
            {
                "columns": list(f.columns),
                "ref_table": f.ref_table,
                "ref_columns": list(f.ref_columns),
            }
            for f in fks
        ],
        "unique": [list(u.columns) for u in table.uniques if u.is_plain],
        "checks": [{"name": c.name, "sql": c.sql} for c in checks],
    }
