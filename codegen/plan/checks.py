"""Phase 1 of a table's plan: its CHECKs and its columns' domain CHECKs, compiled to
predicates (rows are validated against them), and the bounds they imply for the value
generators (`codegen.bounds`)."""

from __future__ import annotations

from ..bounds import Bounds
from ..bounds import merge as merge_bounds
from ..errors import Diagnostic
from ..model import Column, Table
from ..naming import identifier
from .plans import CheckPlan, CompiledFn
from .scope import Scope, at, resolve


def plan_checks(scope: Scope) -> tuple[dict[str, Bounds], list[CheckPlan]]:
    """Bounds by column, and the compiled CHECKs (the table's, then its domains')."""
    table, compiler, module = scope.table, scope.compiler, scope.module
    bounds: dict[str, Bounds] = {}
    checks: list[CheckPlan] = []
    taken_checks: set[str] = {c.name for c in table.checks if c.name}
    for check in table.checks:
        for column_name, implied in compiler.bounds(check.sql, scope.names).items():
            merge_bounds(bounds.setdefault(column_name, Bounds()), implied)
        compiled = at(
            compiler.predicate(
                check.sql, scope.types, identifier(f"{module}__check", scope.taken_fns)
            ),
            check.location,
        )
        cname = _check_name(table, check.sql, check.name, compiled.params or ("",), taken_checks)
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
                    identifier(f"{module}__domain_check", scope.taken_fns),
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
