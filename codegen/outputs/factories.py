"""`factories/<table>.py`: one factory-boy factory per table, with its table's computed
columns and CHECKs compiled (computed.py reads them from there), and `factories/__init__.py`.

One module per table, so a one-table schema change re-renders (and re-formats) one file,
the files of dropped tables can be removed, and a test loads only the tables it uses:
`factories/__init__.py` imports none of them (FACTORIES loads each on first access).
"""

from __future__ import annotations

from typing import Any

from .. import dialect
from ..context import Context
from ..model import Schema
from ..plan import TablePlan
from ..rowtypes import col_of, col_source


def exports(ctx: Context) -> dict[str, list[str]]:
    """FACTORIES, and each factory from its own module (the package imports it from there)."""
    tables = {f"factories.{t.module}": [t.class_name] for t in ctx.plan.tables}
    return {"factories": ["FACTORIES"], **tables}


def render(ctx: Context) -> dict[str, str]:
    files = {}
    for t in ctx.plan.tables:
        path = f"factories/{t.module}.py"
        types = _types(ctx.schema, t)
        named = _named(t)
        files[path] = ctx.template("factory.py.j2", t=t, **_spec(t), types=types, named=named)
        ctx.fingerprint_of(
            path,
            {
                "table": ctx.table_json(t.key),
                "targets": [f.factory for f in t.fks],
                "types": types,
                "compiled": [fn.source for _, fn in t.computed] + [c.fn.source for c in t.checks],
                "named": sorted(named),
                "null_ratio": ctx.config.null_ratio,
                "overrides": {c: o.to_json() for c, o in dict(ctx.config.overrides).get(t.key, ())},
            },
        )
    files["factories/__init__.py"] = ctx.template("factories_init.py.j2", tables=ctx.plan.tables)
    return files


def _named(t: TablePlan) -> set[str]:
    """The CHECKs named in the SQL (the others got a name from schemagen; SQLite's messages
    quote their SQL instead)."""
    return {c.name for c in t.table.checks if c.name} | {c.name for c in t.checks if c.domain}


def _types(schema: Schema, t: TablePlan) -> dict[str, str]:
    """column -> `sg.Col(...)` source: what the runtime checks the column's values against."""
    return {c.name: col_source(col_of(schema, c)) for c in t.table.columns if c.generated is None}


def _spec(t: TablePlan) -> dict[str, Any]:
    return {
        "renamed": {c.attr: c.name for c in t.columns if c.attr != c.name},
        "columns": tuple(c.name for c in t.columns),
        "regen": tuple(c.name for c in t.columns if c.regen),
        "identity": tuple(c.name for c in t.columns if c.identity and c.insert),
        "always": tuple(c.name for c in t.columns if not c.insert and c.kind != "computed"),
        "json_columns": tuple(c.name for c in t.columns if c.json),
        "fks": tuple((f.columns, f.ref_columns) for f in t.fks if f.mode == "sub"),
        "keys": _keys(t),
        "padded": _padded(t),
        "residues": {c: (k, what) for c, k, what in t.residues},
    }


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
