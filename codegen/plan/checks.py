"""Phase 1 of a table's plan: its CHECKs and its columns' domain CHECKs, compiled to
predicates (rows are validated against them), and the bounds they imply for the value
generators (`codegen.bounds`)."""

from __future__ import annotations

from .. import partitions
from ..bounds import Bounds
from ..bounds import merge as merge_bounds
from ..errors import Diagnostic
from ..model import Column
from ..naming import identifier
from .plans import CheckPlan, CompiledFn
from .scope import Scope, at, resolve


def plan_checks(scope: Scope) -> tuple[dict[str, Bounds], list[CheckPlan]]:
    """Bounds by column, and the compiled CHECKs (the table's, then its domains')."""
    table, compiler = scope.table, scope.compiler
    bounds: dict[str, Bounds] = {}
    checks: list[CheckPlan] = []
    taken_checks: set[str] = {c.name for c in table.checks if c.name}
    # a partition's bound (and a partitioned table's: fit one partition) is a CHECK too
    for check in (*table.checks, *partitions.row_checks(scope.schema, table)):
        for column_name, implied in compiler.bounds(check.sql, scope.types).items():
            merge_bounds(bounds.setdefault(column_name, Bounds()), implied)
        cname = check.name or _unnamed(scope, check.sql, taken_checks)
        compiled = at(
            compiler.predicate(check.sql, scope.types, _function_name(scope, cname)),
            check.location,
        )
        checks.append(CheckPlan(cname, check.sql, tuple(compiled.params), compiled))
        if compiled.unsupported:
            scope.warnings.append(
                Diagnostic(
                    check.location,
                    f"{table.key}: CHECK {cname} is not compiled"
                    f" ({compiled.unsupported}); rows are not validated against it",
                    check.sql,
                )
            )
    for column in table.columns:
        _domain_checks(scope, column, bounds, checks)
    return bounds, checks


def _domain_checks(
    scope: Scope, column: Column, bounds: dict[str, Bounds], checks: list[CheckPlan]
) -> None:
    """The CHECKs of the column's domain (and of the domains it is built on)."""
    schema, compiler, module = scope.schema, scope.compiler, scope.module
    _, domain = resolve(schema, column.type)
    while domain is not None:
        for dcheck in domain.checks:
            sub = compiler.bounds(dcheck.sql, {"value"})
            if "value" in sub:
                merge_bounds(bounds.setdefault(column.name, Bounds()), sub["value"])
            compiled = at(
                compiler.predicate(
                    dcheck.sql,
                    {"value": domain.base},
                    identifier(
                        f"{module}__{column.name}_{dcheck.name or domain.name + '_check'}",
                        scope.taken_fns,
                    ),
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
                scope.warnings.append(
                    Diagnostic(
                        dcheck.location,
                        f"domain {domain.name}: CHECK not compiled ({compiled.unsupported})",
                        dcheck.sql,
                    )
                )
        if not domain.nullable:
            bounds.setdefault(column.name, Bounds()).not_null = True
        domain = schema.domain(domain.base.name or "") if domain.base.category == "domain" else None


def _unnamed(scope: Scope, sql: str, taken: set[str]) -> str:
    """PostgreSQL's name for an unnamed CHECK: `<table>_<column>_check` when it reads one
    column, else `<table>_check` (numbered past the names taken)."""
    table = scope.table
    read = scope.dialect.expression_columns(sql) or set()
    by_lower = {n.lower(): n for n in scope.names}
    columns = {by_lower.get(c.lower(), c) for c in read}
    base = f"{table.name}_{columns.pop()}_check" if len(columns) == 1 else f"{table.name}_check"
    name, i = base, 1
    while name in taken:
        name = f"{base}{i}"
        i += 1
    taken.add(name)
    return name


def _function_name(scope: Scope, constraint: str) -> str:
    """`products__price_positive` for CHECK products_price_positive (or price_positive)."""
    prefix = scope.table.name + "_"
    short = constraint[len(prefix) :] if constraint.startswith(prefix) else constraint
    return identifier(f"{scope.module}__{short or constraint}", scope.taken_fns)


def element_bounds(scope: Scope, column: Column) -> Bounds | None:
    """The bounds an array of a domain's elements keep: its CHECKs' (VALUE > 0). A CHECK
    that gives no bounds (a regex) is not enforced on elements: said in a warning."""
    t = column.type
    if t.category != "array" or t.element is None or t.element.category != "domain":
        return None
    bounds = Bounds()
    domain = scope.schema.domain(t.element.name or "")
    while domain is not None:
        for check in domain.checks:
            implied = scope.compiler.bounds(check.sql, {"value"}).get("value")
            if implied is None:
                scope.warnings.append(Diagnostic(
                    column.location,
                    f"{scope.table.key}.{column.name}: elements of {t.sql} are not checked"
                    f" against domain {domain.name}'s CHECK; rows may be rejected"
                    " (set an override)",
                    check.sql,
                ))  # fmt: skip
                continue
            merge_bounds(bounds, implied)
        base = domain.base
        domain = scope.schema.domain(base.name or "") if base.category == "domain" else None
    return bounds
