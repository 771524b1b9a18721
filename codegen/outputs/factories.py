"""`factories/_part<n>.py`: factory-boy factories, a group of tables per module;
`factories/_part<n>_tables.py`: what the runtime checks those tables' rows against (each
table's computed columns and CHECKs compiled, and its spec: `sg.table_of`), which only a
factory's first use loads (a session touching every factory pays for the classes alone);
and `factories/__init__.py`, which maps each table to its module and imports none of them
(FACTORIES and the package's names load a table's module on first access). A table's
module name stays a name of `factories`, for its group's tables module: database.py reads
the compiled functions through it (`from .factories import orders as orders_functions`),
so nothing else depends on the grouping.

Groups, not one module per table: a session touching every table paid ~60 us of import
machinery per module, about what a hand-written factory costs whole. A table's group is a
hash of its name, so adding or dropping a table rewrites its group's file alone (and the
layout only when the count of groups doubles); groups hold 16-32 tables on average, so a
test of a few tables loads a few groups. A group's modules are memoised whole, formatted, by
its tables' plans (`_memoised`): a one-table change renders and formats one group.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence, Set
from functools import partial
from typing import Any

from .. import dialect
from ..context import Context
from ..digest import sha256
from ..memo import packed, unpacked
from ..model import Schema
from ..plan import TablePlan
from ..render import isort_key
from ..rowtypes import col_of, col_spec

PER_PART = 32  # at most this many tables per module on average
TABLES = "_tables"  # `_part<k>_tables.py`: the tables of `_part<k>.py`'s factories


def exports(ctx: Context) -> dict[str, list[str]]:
    """FACTORIES and every factory, from `factories` (which loads each one's module)."""
    return {"factories": ["FACTORIES", *(t.class_name for t in ctx.plan.tables)]}


def render(ctx: Context) -> dict[str, str]:
    files = {}
    parts = partition(ctx.plan.tables)
    overrides = dict(ctx.config.overrides)
    shared = [ctx.templates_key, ctx.config.fingerprint(), ctx.schema_wide]
    for module, tables in parts.items():
        plans = [ctx.plan_key(t) for t in tables]
        made = {
            module: partial(_part, ctx, module, tables, overrides),
            module + TABLES: partial(_tables, ctx, module, tables),
        }
        for name, make in made.items():
            path = _path(name)
            key = json.dumps([shared, name, plans])  # a group's two modules name each other
            files[path] = _memoised(ctx, path, key, make)
            ctx.keep_layout(path)  # formatted here, once per change of its tables
    module_of = {t.key: module for module, tables in parts.items() for t in tables}
    imported = [
        (m, sorted((t.class_name for t in tables), key=isort_key)) for m, tables in parts.items()
    ]
    aliases = sorted(  # a table's module name: its group's tables (compiled functions)
        ((module_of[t.key] + TABLES, t.module) for t in ctx.plan.tables),
        key=lambda pair: (isort_key(pair[0]), isort_key(pair[1])),
    )
    files["factories/__init__.py"] = ctx.template(
        "factories_init.py.j2",
        tables=ctx.plan.tables,
        module_of=module_of,
        imported=imported,
        aliases=aliases,
        tables_suffix=TABLES,
    )
    return files


def _memoised(ctx: Context, path: str, key: str, part: Callable[[], str]) -> str:
    """A group's module (either of its two), formatted, memoised (deflated: `memo.packed`)
    by `key`: its name, the plans of its tables (`Context.plan_key`), every template's
    text, the config and the schema-wide types (`_types` reads them from the schema; so
    far every change of them that matters changes a plan too), which are all it reads. A
    hit also sets the header's fingerprint and keeps the memo entries the module's
    rendering asked for (the black-formatted statements of its tables), so a later change
    of one of its tables finds them still."""
    memo = ctx.formatter.memo
    digest = f"factories-part:{sha256(key)}"
    hit = memo.replayed(digest)
    if hit is not None:
        fingerprint, text = hit.split(" ", 1)
        ctx.fingerprints[path] = fingerprint
        return unpacked(text)
    with memo.recorded() as asked_for:
        text = ctx.formatter.format_file(part())
    memo.keep(digest, asked_for, f"{ctx.fingerprints[path]} {packed(text)}")
    return text


def _path(module: str) -> str:
    return f"factories/{module}.py"


def _part(ctx: Context, module: str, tables: list[TablePlan], overrides: dict[str, Any]) -> str:
    """A group's module of factory classes, rendered (not yet formatted), and its header's
    fingerprint. Each class names its table's entry in the group's tables module."""
    where = module + TABLES
    bodies = [
        ctx.template("factory.py.j2", t=t, spec=(where, t.key), renamed=_renamed(t)) for t in tables
    ]
    rows = sorted((t.row_class for t in tables), key=isort_key)
    depends_on = [
        {
            "table": ctx.table_json(t.key),
            "targets": [f.factory for f in t.fks],
            "types": _types(ctx.schema, t),
            "overrides": {c: o.to_json() for c, o in overrides.get(t.key, ())},
        }
        for t in tables
    ]
    ctx.fingerprint_of(_path(module), {"tables": depends_on, "null_ratio": ctx.config.null_ratio})
    return ctx.template(
        "factories_part.py.j2", tables=tables, rows=rows, bodies=bodies, tables_module=where
    )


def _tables(ctx: Context, module: str, tables: list[TablePlan]) -> str:
    """A group's tables module (each table's compiled functions and its spec, which only a
    factory's first use reads), rendered (not yet formatted), and its header's fingerprint."""
    bodies = [ctx.template("factory_table.py.j2", t=t) for t in tables]
    specs = {t.key: _spec(t, _types(ctx.schema, t), _named(t)) for t in tables}
    depends_on = [
        {
            "table": ctx.table_json(t.key),
            "spec": specs[t.key],
            "compiled": [fn.source for _, fn in t.computed] + [c.fn.source for c in t.checks],
        }
        for t in tables
    ]
    ctx.fingerprint_of(_path(module + TABLES), {"tables": depends_on})
    return ctx.template("factories_tables.py.j2", module=module, bodies=bodies, specs=specs)


def partition(tables: tuple[TablePlan, ...]) -> dict[str, list[TablePlan]]:
    """module -> its tables, in the plan's order (see `groups`)."""
    by_key = {t.key: t for t in tables}
    found = groups([(t.key, _top_level(t)) for t in tables])
    return {module: [by_key[key] for key in keys] for module, keys in found.items()}


def groups(tables: Sequence[tuple[str, Set[str]]]) -> dict[str, list[str]]:
    """module -> its tables' keys, in their order. A table (key, the names its code defines
    at the top level of the module) goes to `_part<k>`, k its key's hash modulo a power of
    two (the fewest groups of PER_PART tables on average). One whose names a table already
    in its group defines (`a.b` and `a` with a CHECK named `b__c` both compile `a__b__c`)
    goes to a group of its own past those."""
    count = 1
    while count * PER_PART < len(tables):
        count *= 2
    found: dict[int, list[str]] = {}
    names: dict[int, set[str]] = {}
    extra = count
    for key, own in tables:
        k = int(sha256(key)[:8], 16) % count
        if names.get(k, set()) & own:
            k, extra = extra, extra + 1
        found.setdefault(k, []).append(key)
        names.setdefault(k, set()).update(own)
    return {f"_part{k}": found[k] for k in sorted(found)}


def _top_level(t: TablePlan) -> set[str]:
    """The names a table's code defines at the top level of its group's module."""
    fns = [fn.name for fn in t.default_fns] + [fn.name for _, fn in t.computed]
    return {*fns, *(c.fn.name for c in t.checks), t.class_name, t.row_class}


def _named(t: TablePlan) -> set[str]:
    """The CHECKs named in the SQL (the others got a name from schemagen; SQLite's messages
    quote their SQL instead)."""
    return {c.name for c in t.table.checks if c.name} | {c.name for c in t.checks if c.domain}


def _types(schema: Schema, t: TablePlan) -> dict[str, tuple[object, ...]]:
    """column -> its `Col` as a constant: what the runtime checks the column's values against."""
    return {c.name: col_spec(col_of(schema, c)) for c in t.table.columns if c.generated is None}


def _spec(t: TablePlan, types: dict[str, tuple[object, ...]], named: set[str]) -> tuple[Any, ...]:
    """The table's spec, the arguments of the runtime's `Table` as one literal of constants
    (`sg.table_of` reads it on the factory's first use): the compiler folds it into a single
    constant, where the calls building a Table at import were half of a factory's bytecode."""
    checks = []
    for c in t.checks:
        rest = (c.domain, False) if c.name not in named else (c.domain,) if c.domain else ()
        checks.append((c.name, c.sql, tuple(c.columns), c.fn.name, tuple(c.fn.params), *rest))
    return (
        t.key,
        tuple(t.sql_name),
        tuple(c.name for c in t.columns),
        tuple((column, fn.name, tuple(fn.params)) for column, fn in t.computed),
        tuple(checks),
        tuple(c.name for c in t.columns if c.regen),
        tuple(_renamed(t).items()),
        tuple(c.name for c in t.columns if c.identity and c.insert),
        tuple(c.name for c in t.columns if not c.insert and c.kind != "computed"),
        tuple(c.name for c in t.columns if c.json),
        tuple((tuple(f.columns), tuple(f.ref_columns)) for f in t.fks if f.mode == "sub"),
        _keys(t),
        tuple(_padded(t).items()),
        tuple(types.items()),
        tuple((c, k, what) for c, k, what in t.residues),
    )


def _renamed(t: TablePlan) -> dict[str, str]:
    """factory attribute -> column, where they differ (a column named like a keyword)."""
    return {c.attr: c.name for c in t.columns if c.attr != c.name}


def _padded(t: TablePlan) -> dict[str, int]:
    """Columns stored right-padded with 0x00 to their width (MySQL's BINARY(n))."""
    limits_of = dialect.of(t.table.dialect).type_limits
    return {
        c.name: limits.max_bytes
        for c in t.table.columns
        if (limits := limits_of(c.type)) is not None and limits.fixed_bytes and limits.max_bytes
    }


def _keys(t: TablePlan) -> tuple[tuple[str, ...], ...]:
    """Keys that find a stored row again: the primary key, then plain UNIQUE keys."""
    table = t.table
    if not dialect.of(table.dialect).reselects_rows:
        return ()  # INSERT ... RETURNING: nothing to find again
    keys = [table.primary_key.columns] if table.primary_key else []
    keys += [u.columns for u in table.uniques if u.columns and not u.expressions and not u.where]
    return tuple(dict.fromkeys(tuple(k) for k in keys))
