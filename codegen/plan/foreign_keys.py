"""Foreign keys: how each is filled (a SubFactory of its parent, or NULL where that breaks a
cycle or a self-reference), and the order tables are built in, parents first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..errors import Diagnostic
from ..model import ForeignKey, Schema, Table
from .plans import FkMode, FkPlan, TablePlan


def ref_columns(schema: Schema, fk: ForeignKey) -> tuple[str, ...]:
    if fk.ref_columns:
        return fk.ref_columns
    parent = schema.table(fk.ref_table)
    if parent is not None and parent.primary_key is not None:
        return parent.primary_key.columns
    return ()


def _fk_nullable(table: Table, fk: ForeignKey) -> bool:
    return any((c := table.column(name)) is None or c.nullable for name in fk.columns)


def fk_modes_of(schema: Schema, warnings: list[Diagnostic]) -> dict[tuple[str, int], FkMode]:
    """(table key, fk index) -> sub | null | external: break cycles at nullable edges."""
    modes: dict[tuple[str, int], FkMode] = {}
    graph: dict[str, list[tuple[str, int, str]]] = {t.key: [] for t in schema.tables}
    for table in schema.tables:
        for i, fk in enumerate(table.foreign_keys):
            parent = schema.table(fk.ref_table)
            if parent is None or not ref_columns(schema, fk):
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
    graph: Mapping[str, list[tuple[str, int, str]]], modes: Mapping[tuple[str, int], FkMode]
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


def topological(schema: Schema, plans: Iterable[TablePlan]) -> tuple[str, ...]:
    """Tables parents first, in rounds: each round takes, in schema order, every table whose
    parents earlier rounds took (the first one left when none is ready: cycles were cut, but
    be safe). Counts of parents left, not a rescan of every table per round: a chain of
    10,000 tables is 10,000 rounds."""
    deps = {p.key: set(p.depends_on) - {p.key} for p in plans}
    keys = [t.key for t in schema.tables]
    position = {k: i for i, k in enumerate(keys)}
    waiting = {k: len(deps[k]) for k in keys}
    children: dict[str, list[str]] = {}
    for k in keys:
        for parent in deps[k]:
            children.setdefault(parent, []).append(k)
    order: list[str] = []
    done: set[str] = set()
    ready = [k for k in keys if not waiting[k]]
    first = 0  # keys[:first] are all done: where the fallback looks for the first one left
    while len(order) < len(keys):
        if not ready:
            while keys[first] in done:
                first += 1
            ready = [keys[first]]
        after: list[str] = []
        for k in ready:
            order.append(k)
            done.add(k)
        for k in ready:
            for child in children.get(k, ()):
                waiting[child] -= 1
                if not waiting[child] and child not in done:
                    after.append(child)
        ready = sorted(after, key=position.__getitem__)
    return tuple(order)


def table_fks(
    schema: Schema,
    table: Table,
    fk_modes: Mapping[tuple[str, int], FkMode],
    classes: Mapping[str, str],
) -> tuple[list[FkPlan], dict[str, tuple[int, FkPlan]], list[str]]:
    """Phase 3 of a table's plan: its foreign keys' plans, the FK (and position in it) of
    each FK column, and the parent tables built first."""
    fks: list[FkPlan] = []
    fk_of: dict[str, tuple[int, FkPlan]] = {}
    depends_on: list[str] = []
    for i, fk in enumerate(table.foreign_keys):
        mode = fk_modes.get((table.key, i), "external")
        ref_cols = ref_columns(schema, fk)
        target = classes[fk.ref_table] if mode == "sub" else None
        plan = FkPlan(tuple(fk.columns), fk.ref_table, ref_cols, mode, target)
        fks.append(plan)
        if mode == "sub":
            depends_on.append(fk.ref_table)
        for k, name in enumerate(fk.columns):
            if name not in fk_of and mode != "external":
                fk_of[name] = (k, plan)
    return fks, fk_of, depends_on
