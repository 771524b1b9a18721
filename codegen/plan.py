"""The generation plan: per table, the names, the value strategy of every column, FK order.

Everything the output kinds need is decided here, once, from the schema model and the
config; the renderers (`codegen/outputs/`) only lay it out. A column's strategy, in order
of precedence:

    generated (computed)  -> filled after the row is built, from COMPUTED_COLUMNS
    identity / serial     -> the factory's sequence (n + 1); left to the database on INSERT
    user override         -> config: provider / literal / callable
    foreign key           -> SubFactory of the parent (NULL for a nullable self-reference
                             and at the nullable edge that breaks an FK cycle)
    UNIQUE                -> a generator mixing the sequence number into the value
    DEFAULT               -> the default's value (compiled by `codegen.sqlexpr`)
    otherwise             -> name heuristics, then the type registry (`valuegen.py`),
                             within the bounds derived from CHECKs (`bounds.py`)
"""

from __future__ import annotations

import ast
import functools
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlglot
from sqlglot import exp

from . import build_id, sqlexpr
from .bounds import Bounds, analyse
from .bounds import from_json as bounds_from_json
from .bounds import merge as merge_bounds
from .bounds import to_json as bounds_to_json
from .config import Config, Override
from .dialect import Dialect, of
from .errors import Diagnostic
from .model import NOWHERE, Column, Domain, ForeignKey, Location, Schema, SqlType, Table
from .render import camel, identifier, pystr
from .valuegen import FLOATS, INTS, NUMS, TEXT, TIMES, Gen, Want, generator, literal

# Factory-boy's own class attributes, and the names the generated modules use.
RESERVED_ATTRS = {
    "Meta",
    "Params",
    "build",
    "create",
    "stub",
    "generate",
    "simple_generate",
    "build_batch",
    "create_batch",
    "stub_batch",
    "generate_batch",
    "simple_generate_batch",
    "reset_sequence",
    "attributes",
    "declarations",
    "sg",
    "rt",
    "factory",
    "n",
    "o",
    "Decimal",
    "uuid",
}
RESERVED_MODULES = {"__init__", "factory", "factories"}
UUID_DEFAULT_CATEGORIES = {"uuid"}


@dataclass(frozen=True)
class CompiledFn:
    """A compiled SQL expression placed in a generated module."""

    name: str
    params: tuple[str, ...]  # the SQL column names it reads, in call order
    source: str
    sql: str
    unsupported: str | None
    location: Location


@dataclass(frozen=True)
class ColumnPlan:
    name: str
    attr: str
    sql_type: str
    # computed | identity | override | fk | fk_part | null | unique | default | value | unsupported
    kind: str
    decl: str | None  # the factory declaration (None: not declared, e.g. computed)
    regen: str | None  # `lambda o: ...` to regenerate the value when a CHECK fails
    insert: bool  # part of the INSERT (generated and identity-ALWAYS columns are not)
    identity: bool  # left to the database on INSERT unless the caller passed a value
    json: bool
    note: str = ""


@dataclass(frozen=True)
class FkPlan:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    mode: str  # sub | null | external
    factory: str | None  # "module.ClassName" of the parent's factory


@dataclass(frozen=True)
class CheckPlan:
    name: str
    sql: str
    columns: tuple[str, ...]
    fn: CompiledFn
    domain: str | None = None


@dataclass(frozen=True)
class TablePlan:
    key: str
    table: Table
    class_name: str
    module: str
    columns: tuple[ColumnPlan, ...]
    fks: tuple[FkPlan, ...]
    checks: tuple[CheckPlan, ...]
    computed: tuple[tuple[str, CompiledFn], ...]
    default_fns: tuple[CompiledFn, ...]
    sql_name: tuple[str, ...]
    schema_entry: dict[str, str]
    meta: dict[str, Any]
    depends_on: tuple[str, ...]  # parent table keys (SubFactory targets)


@dataclass(frozen=True)
class Plan:
    dialect: str
    tables: tuple[TablePlan, ...]
    order: tuple[str, ...]  # table keys, parents first
    warnings: tuple[Diagnostic, ...] = ()


# ------------------------------------------------------------------------ compile memo

Memo = Callable[[str, str, Callable[[], str]], str]


class _Compiler:
    """The plan's SQL work (sqlexpr compiles, CHECK bounds, DEFAULT literals), memoised
    through the formatter's cache: warm runs parse no SQL for unchanged expressions."""

    def __init__(self, dialect: str, memo: Memo | None) -> None:
        self.dialect = dialect
        self.memo = memo
        self._scopes: dict[int, tuple[Mapping[str, SqlType], str]] = {}

    def _memo(self, kind: str, key: list[Any], compute: Callable[[], str]) -> str:
        if self.memo is None:
            return compute()
        text = json.dumps([kind, self.dialect, build_id(), *key], sort_keys=True)
        return self.memo(kind, text, compute)

    def _run(
        self,
        kind: str,
        sql: str,
        columns: Mapping[str, SqlType],
        name: str,
        result_type: SqlType | None,
    ) -> CompiledFn:

        def compute() -> str:
            if kind == "predicate":
                c = sqlexpr.compile_predicate(sql, self.dialect, columns, name=name)
            else:
                c = sqlexpr.compile_expression(
                    sql, self.dialect, columns, name=name, result_type=result_type
                )
            return json.dumps([c.name, list(c.params), c.source, c.sql, c.unsupported])

        scope = self._scopes.get(id(columns))
        if scope is None or scope[0] is not columns:  # one table's columns: serialised once
            text_of = json.dumps({k: t.to_json() for k, t in columns.items()}, sort_keys=True)
            scope = self._scopes[id(columns)] = (columns, text_of)
        key = [kind, sql, name, scope[1], result_type.to_json() if result_type else None]
        text = self._memo("sqlexpr", key, compute)
        fn_name, params, source, fn_sql, unsupported = json.loads(text)
        return CompiledFn(fn_name, tuple(params), source, fn_sql, unsupported, NOWHERE)

    def predicate(self, sql: str, columns: Mapping[str, SqlType], name: str) -> CompiledFn:
        return self._run("predicate", sql, columns, name, None)

    def expression(
        self,
        sql: str,
        columns: Mapping[str, SqlType],
        name: str,
        result_type: SqlType | None = None,
    ) -> CompiledFn:
        return self._run("expression", sql, columns, name, result_type)

    def bounds(self, sql: str, columns: Collection[str]) -> dict[str, Bounds]:
        """The bounds CHECK `sql` implies on `columns` (fresh objects: callers merge them)."""

        def compute() -> str:
            return bounds_to_json(analyse(sql, self.dialect, columns))

        return bounds_from_json(self._memo("bounds", [sql, sorted(columns)], compute))

    def default_literal(self, sql: str, t: SqlType) -> str | None:
        """Python source of DEFAULT `sql` when it is a constant of type `t` ("None" for
        DEFAULT NULL); None when it is an expression to compile."""

        def compute() -> str:
            value = _default_literal(sql, t, of(self.dialect))
            return json.dumps(None if value is _NOPE else literal(value))

        source: str | None = json.loads(self._memo("default", [sql, t.to_json()], compute))
        return source


# ---------------------------------------------------------------------------------- entry


def build(schema: Schema, config: Config, memo: Memo | None = None) -> Plan:
    compiler = _Compiler(schema.dialect, memo)
    warnings: list[Diagnostic] = []
    modules: dict[str, str] = {}
    classes: dict[str, str] = {}
    taken_modules: set[str] = set(RESERVED_MODULES)
    taken_classes: set[str] = {"rowfactory"}
    for table in schema.tables:
        modules[table.key] = identifier(table.key.replace(".", "__").lower(), taken_modules)
        classes[table.key] = identifier(camel(table.key) + "Factory", taken_classes)
    edges = _fk_modes(schema, warnings)
    plans = tuple(
        _table_plan(schema, config, compiler, table, modules, classes, edges, warnings)
        for table in schema.tables
    )
    order = _topological(schema, plans)
    return Plan(schema.dialect, plans, order, tuple(warnings))


# ------------------------------------------------------------------------- foreign keys


def _ref_columns(schema: Schema, fk: ForeignKey) -> tuple[str, ...]:
    if fk.ref_columns:
        return fk.ref_columns
    parent = schema.table(fk.ref_table)
    if parent is not None and parent.primary_key is not None:
        return parent.primary_key.columns
    return ()


def _fk_nullable(table: Table, fk: ForeignKey) -> bool:
    return any((c := table.column(name)) is None or c.nullable for name in fk.columns)


def _fk_modes(schema: Schema, warnings: list[Diagnostic]) -> dict[tuple[str, int], str]:
    """(table key, fk index) -> sub | null | external: break cycles at nullable edges."""
    modes: dict[tuple[str, int], str] = {}
    graph: dict[str, list[tuple[str, int, str]]] = {t.key: [] for t in schema.tables}
    for table in schema.tables:
        for i, fk in enumerate(table.foreign_keys):
            parent = schema.table(fk.ref_table)
            if parent is None or not _ref_columns(schema, fk):
                modes[(table.key, i)] = "external"
            elif fk.ref_table == table.key:
                modes[(table.key, i)] = "null"
                if not _fk_nullable(table, fk):
                    warnings.append(
                        Diagnostic(
                            fk.location,
                            f"{table.key}: NOT NULL self-reference {fk.columns} is left NULL;"
                            " pass it to the factory",
                        )
                    )
            else:
                modes[(table.key, i)] = "sub"
                graph[table.key].append((fk.ref_table, i, table.key))
    # break cycles: repeatedly find a cycle among "sub" edges, cut a nullable edge in it
    while True:
        cycle = _find_cycle(graph, modes)
        if cycle is None:
            return modes
        nullable = [
            (child, i)
            for child, i in cycle
            if _fk_nullable(_table(schema, child), _table(schema, child).foreign_keys[i])
        ]
        cut = nullable[0] if nullable else cycle[0]
        modes[cut] = "null"
        if not nullable:
            fk = _table(schema, cut[0]).foreign_keys[cut[1]]
            warnings.append(
                Diagnostic(
                    fk.location,
                    f"{cut[0]}: foreign key {fk.columns} is part of a cycle of NOT NULL foreign"
                    " keys; it is left NULL (pass it to the factory, or make one edge nullable"
                    " or DEFERRABLE)",
                )
            )


def _table(schema: Schema, key: str) -> Table:
    table = schema.table(key)
    assert table is not None
    return table


def _find_cycle(
    graph: Mapping[str, list[tuple[str, int, str]]], modes: Mapping[tuple[str, int], str]
) -> list[tuple[str, int]] | None:
    state: dict[str, int] = {}
    stack: list[tuple[str, int]] = []

    def visit(node: str) -> list[tuple[str, int]] | None:
        state[node] = 1
        for parent, i, child in graph.get(node, []):
            if modes.get((child, i)) != "sub":
                continue
            stack.append((child, i))
            if state.get(parent) == 1:
                start = next(k for k, (c, _) in enumerate(stack) if c == parent)
                return stack[start:]
            if parent not in state:
                found = visit(parent)
                if found:
                    return found
            stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def _topological(schema: Schema, plans: Iterable[TablePlan]) -> tuple[str, ...]:
    deps = {p.key: set(p.depends_on) - {p.key} for p in plans}
    order: list[str] = []
    done: set[str] = set()
    remaining = [t.key for t in schema.tables]
    while remaining:
        progress = [k for k in remaining if deps[k] <= done]
        if not progress:  # cycles were cut, but be safe
            progress = remaining[:1]
        for k in progress:
            order.append(k)
            done.add(k)
        remaining = [k for k in remaining if k not in done]
    return tuple(order)


# ------------------------------------------------------------------------------- tables


@dataclass
class _Col:
    column: Column
    attr: str
    type: SqlType  # domain resolved
    kind: str = "value"
    gen: Gen | None = None
    decl: str | None = None
    nullable_ratio: bool = False
    note: str = ""
    depends: set[str] = field(default_factory=set)


def _resolve(schema: Schema, t: SqlType) -> tuple[SqlType, Domain | None]:
    if t.category == "domain" and t.name:
        domain = schema.domain(t.name)
        if domain is not None:
            base, _ = _resolve(schema, domain.base)
            return base, domain
    return t, None


def _labels(schema: Schema, t: SqlType) -> tuple[str, ...]:
    while t.category == "array" and t.element is not None:
        t = t.element
    if t.category == "enum" and t.name:
        enum = schema.enum(t.name)
        if enum is not None:
            return enum.labels
    return ()


def _is_json(t: SqlType) -> bool:
    return t.category in ("json", "jsonb")


def _check_name(
    table: Table, sql: str, given: str | None, columns: tuple[str, ...], taken: set[str]
) -> str:
    if given:
        return given
    base = f"{table.name}_{columns[0]}_check" if len(columns) == 1 else f"{table.name}_check"
    name, i = base, 1
    while name in taken:
        name = f"{base}{i}"
        i += 1
    taken.add(name)
    return name


def _at(fn: CompiledFn, location: Location) -> CompiledFn:
    return CompiledFn(fn.name, fn.params, fn.source, fn.sql, fn.unsupported, location)


def _table_plan(
    schema: Schema,
    config: Config,
    compiler: _Compiler,
    table: Table,
    modules: Mapping[str, str],
    classes: Mapping[str, str],
    fk_modes: Mapping[tuple[str, int], str],
    warnings: list[Diagnostic],
) -> TablePlan:
    dialect = of(schema.dialect)
    module = modules[table.key]
    if table.partition_of is not None:
        warnings.append(
            Diagnostic(
                table.location,
                f"{table.key}: rows of a partition's factory may be rejected (its key is not"
                f" kept within {table.partition_bound}); insert through the factory of"
                f" {table.partition_of}",
            )
        )
    taken_attrs: set[str] = {name.lower() for name in RESERVED_ATTRS}
    cols: dict[str, _Col] = {}
    for column in table.columns:
        base, _ = _resolve(schema, column.type)
        cols[column.name] = _Col(column, identifier(column.name, taken_attrs, RESERVED_ATTRS), base)
    types = {c.name: _resolve(schema, c.type)[0] for c in table.columns}
    names = set(types)

    # ---- CHECKs: compiled predicates, and bounds for the generators
    bounds: dict[str, Bounds] = {}
    checks: list[CheckPlan] = []
    taken_checks: set[str] = {c.name for c in table.checks if c.name}
    taken_fns: set[str] = set()
    for check in table.checks:
        for column_name, implied in compiler.bounds(check.sql, names).items():
            merge_bounds(bounds.setdefault(column_name, Bounds()), implied)
        compiled = _at(
            compiler.predicate(check.sql, types, identifier(f"{module}__check", taken_fns)),
            check.location,
        )
        cname = _check_name(table, check.sql, check.name, compiled.params or ("",), taken_checks)
        checks.append(CheckPlan(cname, check.sql, tuple(compiled.params), compiled))
        if compiled.unsupported:
            warnings.append(
                Diagnostic(
                    check.location,
                    f"{table.key}: CHECK {cname} is not compiled"
                    f" ({compiled.unsupported}); rows are not validated against it",
                    check.sql,
                )
            )
    for column in table.columns:
        _, domain = _resolve(schema, column.type)
        while domain is not None:
            for dcheck in domain.checks:
                sub = compiler.bounds(dcheck.sql, {"value"})
                if "value" in sub:
                    merge_bounds(bounds.setdefault(column.name, Bounds()), sub["value"])
                compiled = _at(
                    compiler.predicate(
                        dcheck.sql,
                        {"value": domain.base},
                        identifier(f"{module}__domain_check", taken_fns),
                    ),
                    dcheck.location,
                )
                fn = compiled
                fn = CompiledFn(
                    fn.name,
                    (column.name,) if fn.params else (),
                    fn.source,
                    fn.sql,
                    fn.unsupported,
                    fn.location,
                )
                cname = dcheck.name or f"{domain.name}_check"
                checks.append(CheckPlan(cname, dcheck.sql, fn.params, fn, domain=domain.name))
                if compiled.unsupported:
                    warnings.append(
                        Diagnostic(
                            dcheck.location,
                            f"domain {domain.name}: CHECK not compiled ({compiled.unsupported})",
                            dcheck.sql,
                        )
                    )
            if not domain.nullable:
                bounds.setdefault(column.name, Bounds()).not_null = True
            domain = (
                schema.domain(domain.base.name or "") if domain.base.category == "domain" else None
            )

    # ---- UNIQUE: single columns, and a carrier column for each composite
    pk = table.primary_key.columns if table.primary_key else ()
    rules: list[tuple[str, ...]] = [pk] if pk else []
    for u in table.uniques:
        cols_of = tuple(u.columns)
        for expression in u.expressions:
            cols_of += tuple(_expr_columns(expression, dialect, names))
        if cols_of:
            rules.append(tuple(dict.fromkeys(cols_of)))
    fk_first = {
        fk.columns[0]
        for i, fk in enumerate(table.foreign_keys)
        if fk_modes.get((table.key, i)) == "sub"
    }
    unique_single = {r[0] for r in rules if len(r) == 1}
    carriers: set[str] = set()
    digits: dict[str, tuple[str, bool]] = {}  # column -> (sequence expression, wraps)
    null_past_end: set[str] = set()
    for rule in rules:
        if len(rule) == 1 or set(rule) & unique_single:
            continue
        best = _carrier(rule, cols, bounds, fk_first)
        if best is not None and _capacity(best, cols, bounds, schema) is not None:
            # a column with unbounded values carries better than a small domain
            unbounded = tuple(
                n for n in rule
                if n != best and n in cols and _capacity(n, cols, bounds, schema) is None
            )  # fmt: skip
            best = (_carrier(unbounded, cols, bounds, fk_first) if unbounded else None) or best
        if best is not None:
            carriers.add(best)
            found = _radix(best, rule, cols, bounds, schema, set(pk))
            digits.update(found)
            null_past_end.update(n for n, (_, wraps) in found.items() if not wraps
                                 and cols[n].column.nullable and n not in pk)  # fmt: skip

    # ---- strategies
    fks: list[FkPlan] = []
    fk_of: dict[str, tuple[int, FkPlan]] = {}
    depends_on: list[str] = []
    for i, fk in enumerate(table.foreign_keys):
        mode = fk_modes.get((table.key, i), "external")
        ref_cols = _ref_columns(schema, fk)
        target = f"{modules[fk.ref_table]}.{classes[fk.ref_table]}" if mode == "sub" else None
        plan = FkPlan(tuple(fk.columns), fk.ref_table, ref_cols, mode, target)
        fks.append(plan)
        if mode == "sub":
            depends_on.append(fk.ref_table)
        for k, name in enumerate(fk.columns):
            if name not in fk_of and mode != "external":
                fk_of[name] = (k, plan)

    computed: list[tuple[str, CompiledFn]] = []
    default_fns: list[CompiledFn] = []
    for name, c in cols.items():
        column = c.column
        b = bounds.get(name, Bounds())
        override = config.override(table.key, name)
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
            null_past_end=name in null_past_end,
            labels=_labels(schema, c.type),
            dialect=dialect,
        )
        if column.generated is not None:
            compiled = _at(
                compiler.expression(
                    column.generated.sql,
                    types,
                    identifier(f"{module}__{c.attr}", taken_fns),
                    column.type,
                ),
                column.location,
            )
            computed.append((name, compiled))
            c.kind = "computed"
            if compiled.unsupported:
                warnings.append(
                    Diagnostic(
                        column.location,
                        f"{table.key}.{name}: computed column not compiled"
                        f" ({compiled.unsupported}); built rows hold None",
                        column.generated.sql,
                    )
                )
            continue
        if column.identity is not None:
            c.kind = "identity"
            c.gen = Gen("n + 1", needs_n=True)
            continue
        if override is not None:
            c.kind = "override"
            c.gen = _override(override)
            continue
        if name in fk_of:
            k, fkp = fk_of[name]
            if fkp.mode == "sub":
                c.kind = "fk" if k == 0 else "fk_part"
                c.decl = f'factory.SubFactory(_PKG + ".{fkp.factory}")' if k == 0 else "None"
            else:
                c.kind = "null"
                c.decl = "None"
                c.note = "self-reference / FK cycle: NULL by default"
            continue
        gen = generator(want)
        if (column.default is not None and not want.unique) or (
            column.default is not None and c.type.category in UUID_DEFAULT_CATEGORIES
        ):
            value = _default(compiler, column, c.type, module, c.attr, taken_fns, default_fns)
            if value is not None:
                c.kind = "default"
                c.gen = value
                continue
        if not gen.supported:
            sql_type = column.type.sql
            if column.nullable:
                c.kind, c.decl = "null", "None"
                c.note = f"no generator for {sql_type}: NULL"
                warnings.append(
                    Diagnostic(
                        column.location,
                        f"{table.key}.{name}: no generator for type"
                        f" {sql_type}; the column is left NULL (set an override)",
                    )
                )
            else:
                c.kind = "unsupported"
                c.gen = Gen(f"sg.unsupported({pystr(table.key)}, {pystr(name)}, {pystr(sql_type)})")
                warnings.append(
                    Diagnostic(
                        column.location,
                        f"{table.key}.{name}: no generator for type"
                        f" {sql_type}; set [tool.schemagen.overrides.{table.key}] {name} = ...",
                    )
                )
            continue
        c.kind = "unique" if want.unique else "value"
        c.gen = gen
        c.nullable_ratio = column.nullable and not want.unique and not b.not_null and name not in pk

    # ---- column-to-column CHECKs and created_at <= updated_at: one column follows the other
    pairs: list[tuple[str, str, bool]] = []  # (low, high, strict): low <= high
    for name, b in bounds.items():
        for other, strict in b.lo_cols:
            pairs.append((other, name, strict))
        for other, strict in b.hi_cols:
            pairs.append((name, other, strict))
    created = next(
        (n for n in cols if n.lower() in ("created_at", "created", "inserted_at", "created_on")),
        None,
    )
    later = ("updated_at", "modified_at", "updated", "modified", "updated_on")
    for n in cols:
        if created and n.lower() in later and cols[n].type.category == cols[created].type.category:
            pairs.append((created, n, False))
    for low, high, strict in pairs:
        if low not in cols or high not in cols:
            continue
        lo_c, hi_c = cols[low], cols[high]
        if (
            hi_c.kind == "value"
            and hi_c.gen
            and not hi_c.gen.needs_n
            and not _reaches(cols, low, high)
        ):
            hi_c.gen = Gen(
                f"sg.after(o.{lo_c.attr}, lambda: {hi_c.gen.expr}, {strict})", needs_o=True
            )
            hi_c.depends.add(low)
        elif (
            lo_c.kind == "value"
            and lo_c.gen
            and not lo_c.gen.needs_n
            and not _reaches(cols, high, low)
        ):
            lo_c.gen = Gen(
                f"sg.after(o.{hi_c.attr}, lambda: {lo_c.gen.expr}, {strict}, upper=True)",
                needs_o=True,
            )
            lo_c.depends.add(high)

    ratio = config.null_ratio
    column_plans: list[ColumnPlan] = []
    for name, c in cols.items():
        column = c.column
        decl, regen = c.decl, None
        if c.gen is not None:
            expr = c.gen.expr
            if (
                dialect.type_affinity  # the value as SQLite stores it (its storage class)
                and c.kind in ("value", "unique", "override")
                and not _is_constant(expr)
            ):
                expr = f"sg.sq({expr})"
            if c.nullable_ratio and ratio > 0:
                expr = f"None if sg.g_null() else {expr}"
            decl = _declaration(expr, c.gen)
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
                json=_is_json(c.type),
                note=c.note,
            )
        )

    schema_entry = {c.name: c.type.sql for c in table.columns}
    meta = _meta(table, fks, checks)
    return TablePlan(
        table.key,
        table,
        classes[table.key],
        module,
        tuple(column_plans),
        tuple(fks),
        tuple(checks),
        tuple(computed),
        tuple(default_fns),
        (table.schema, table.name) if table.schema and table.key != table.name else (table.name,),
        schema_entry,
        meta,
        tuple(dict.fromkeys(depends_on)),
    )


def _reaches(cols: Mapping[str, _Col], start: str, target: str) -> bool:
    """Does `start` (transitively) depend on `target`? Then target can't depend on start."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        cur = todo.pop()
        if cur == target:
            return True
        if cur in seen or cur not in cols:
            continue
        seen.add(cur)
        todo.extend(cols[cur].depends)
    return False


def _carrier(
    rule: tuple[str, ...],
    cols: Mapping[str, _Col],
    bounds: Mapping[str, Bounds],
    fk_first: set[str],
) -> str | None:
    """The column of a composite UNIQUE that carries the sequence number."""
    rank = {
        **dict.fromkeys(TEXT, 0),
        **dict.fromkeys(INTS | NUMS, 1),
        "date": 2,
        **dict.fromkeys(TIMES, 2),
        **dict.fromkeys(FLOATS, 3),
        "bytes": 3,
        "inet": 3,
        "json": 4,
        "jsonb": 4,
        "array": 4,
        "uuid": 8,
        "enum": 10,
        "boolean": 11,
    }
    best: tuple[int, int, str] | None = None
    for i, name in enumerate(rule):
        c = cols.get(name)
        if c is None or c.column.generated is not None:
            continue
        if c.column.identity is not None or name in fk_first:
            return None  # already distinct per row
        score = rank.get(c.type.category, 9) + (4 if c.column.default is not None else 0)
        if (b := bounds.get(name)) is not None and (
            b.choices or (b.hi is not None and b.lo is not None)
        ):
            score += 6  # a CHECK leaves few distinct values
        if best is None or (score, i) < best[:2]:
            best = (score, i, name)
    return best[2] if best else None


def _capacity(
    name: str, cols: Mapping[str, _Col], bounds: Mapping[str, Bounds], schema: Schema
) -> int | None:
    """How many distinct non-NULL values a column can take, when that is small and known."""
    c = cols.get(name)
    if c is None or c.column.generated is not None or c.column.identity is not None:
        return None
    b = bounds.get(name)
    if b is not None and b.choices:
        return len(b.choices)
    if c.type.category == "boolean":
        return 2
    if c.type.category == "enum":
        return len(_labels(schema, c.type)) or None
    if c.type.category in INTS and b is not None and b.lo is not None and b.hi is not None:
        return int(b.hi) - int(b.lo) + 1
    return None


def _radix(
    carrier: str,
    rule: tuple[str, ...],
    cols: Mapping[str, _Col],
    bounds: Mapping[str, Bounds],
    schema: Schema,
    pk: set[str],
) -> dict[str, tuple[str, bool]]:
    """Mixed-radix digits of the row number for a composite UNIQUE of small domains.

    When even the best carrier has few values (a CHECK-bounded int, a boolean), the other
    enumerable columns of the rule take the next digits, so rows stay distinct for the
    product of the domains; the last digit raises a clear error past that.
    """
    capacity = _capacity(carrier, cols, bounds, schema)
    if capacity is None:
        return {}
    members = [carrier, *(n for n in rule if n != carrier and _capacity(n, cols, bounds, schema))]
    # a nullable member goes last: past the product of the domains it turns NULL
    nullable = [n for n in members[1:] if cols[n].column.nullable and n not in pk]
    if nullable:
        members = [n for n in members if n != nullable[0]] + [nullable[0]]
    out: dict[str, tuple[str, bool]] = {}
    stride = 1
    for i, name in enumerate(members):
        cap = _capacity(name, cols, bounds, schema) or 1
        last = i == len(members) - 1
        digit = "n" if stride == 1 else f"n // {stride}"
        out[name] = (digit if last else f"({digit}) % {cap}", not last)
        stride *= cap
    return out


def _expr_columns(sql: str, dialect: Dialect, names: set[str]) -> list[str]:
    try:
        tree = sqlglot.parse_one(sql, read=dialect.sqlglot)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError, ValueError):
        return []
    found = [c.name for c in tree.find_all(exp.Column) if c.name in names]
    return found if len(set(found)) == 1 else []


def _declaration(expr: str, gen: Gen) -> str:
    if gen.needs_n and gen.needs_o:
        return f"factory.LazyAttributeSequence(lambda o, n: {expr})"
    if gen.needs_n:
        return f"factory.Sequence(lambda n: {expr})"
    if gen.needs_o:
        return f"factory.LazyAttribute(lambda o: {expr})"
    if _is_constant(expr):
        return expr
    if expr.endswith("()") and expr[:-2].isidentifier():
        return f"factory.LazyFunction({expr[:-2]})"
    if expr in _EMPTY:  # a fresh one per row, without a lambda (ruff PIE807)
        return f"factory.LazyFunction({_EMPTY[expr]})"
    return f"factory.LazyFunction(lambda: {expr})"


_EMPTY = {"{}": "dict", "[]": "list"}


@functools.lru_cache(maxsize=4096)  # generator expressions repeat across columns and tables
def _is_constant(expr: str) -> bool:
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
    compiler: _Compiler,
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
    compiled = _at(
        compiler.expression(
            column.default, {}, identifier(f"{module}__{attr}_default", taken_fns), column.type
        ),
        column.location,
    )
    if compiled.unsupported:
        return None  # generate a value instead: it is what gets inserted, so it is what is stored
    default_fns.append(compiled)
    return Gen(f"{compiled.name}()")


_NOPE: Any = object()


def _default_literal(sql: str, t: SqlType, dialect: Dialect) -> Any:
    try:
        node = sqlglot.parse_one(sql, read=dialect.sqlglot)
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError, ValueError):
        return _NOPE
    while isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    neg = False
    if isinstance(node, exp.Neg):
        neg, node = True, node.this
    if isinstance(node, exp.Null):
        return None
    cat = t.category
    if isinstance(node, exp.Boolean):
        if cat == "boolean":
            return bool(node.this) if dialect.native_booleans else int(bool(node.this))
        return _NOPE
    if not isinstance(node, exp.Literal):
        return _NOPE
    text = str(node.this)
    if node.is_string:
        if cat in TEXT or cat == "enum":
            return text if t.length is None or len(text) <= t.length else _NOPE
        if cat in ("json", "jsonb"):
            try:
                return json.loads(text)
            except ValueError:
                return _NOPE
        if cat == "array" and text.strip() == "{}":
            return []
        if dialect.type_affinity and cat not in INTS | NUMS | FLOATS:
            return text
        return _NOPE
    try:
        number = Decimal(text)
    except InvalidOperation:
        return _NOPE
    number = -number if neg else number
    if cat in INTS:
        return int(number) if number == number.to_integral_value() else _NOPE
    if cat in NUMS:
        if t.scale is not None and dialect.exact_numeric_literals:
            return number.quantize(Decimal(1).scaleb(-t.scale))
        return (
            number
            if dialect.exact_numeric_literals
            else (int(number) if number == number.to_integral_value() else float(number))
        )
    if cat in FLOATS:
        return float(number)
    if cat == "boolean" and not dialect.native_booleans:
        return int(number)
    if dialect.type_affinity:
        return int(number) if number == number.to_integral_value() else float(number)
    return _NOPE


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


def _meta(table: Table, fks: Iterable[FkPlan], checks: Iterable[CheckPlan]) -> dict[str, Any]:
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
