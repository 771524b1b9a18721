"""`factories/<table>.py`: one factory-boy factory per table, and `factories/__init__.py`.

One module per table, so a one-table schema change re-renders (and re-formats) one file,
and the files of dropped tables can be removed.
"""

from __future__ import annotations

from typing import Any

from ..context import Context
from ..plan import TablePlan


def exports(ctx: Context) -> dict[str, list[str]]:
    return {"factories": ["FACTORIES", *(t.class_name for t in ctx.plan.tables)]}


def render(ctx: Context) -> dict[str, str]:
    files = {}
    for t in ctx.plan.tables:
        path = f"factories/{t.module}.py"
        files[path] = ctx.template("factory.py.j2", t=t, **_spec(t))
        ctx.fingerprint_of(
            path, {"table": ctx.table_json(t.key), "targets": [f.factory for f in t.fks]}
        )
    files["factories/__init__.py"] = ctx.template("factories_init.py.j2", tables=ctx.plan.tables)
    return files


def _spec(t: TablePlan) -> dict[str, Any]:
    return {
        "renamed": {c.attr: c.name for c in t.columns if c.attr != c.name},
        "columns": tuple(c.name for c in t.columns),
        "regen": tuple(c.name for c in t.columns if c.regen),
        "identity": tuple(c.name for c in t.columns if c.identity and c.insert),
        "always": tuple(c.name for c in t.columns if not c.insert and c.kind != "computed"),
        "json_columns": tuple(c.name for c in t.columns if c.json),
        "fks": tuple((f.columns, f.ref_columns) for f in t.fks if f.mode == "sub"),
    }
