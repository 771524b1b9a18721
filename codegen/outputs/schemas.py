"""`schemas.py`: TABLE_SCHEMAS (table -> column -> SQL type) and TABLES (a `TableInfo` per
table), built on first access from one compact tuple per table; `rows.py`: a TypedDict per
table (`OrdersRow`: a row as build() returns it), loaded only when a name is imported at run
time (the factories name their row type for type checkers alone)."""

from __future__ import annotations

import json
from typing import Any

from ..context import Context
from ..render import py, typed_dict


def exports(ctx: Context) -> dict[str, list[str]]:
    rows = [t.row_class for t in ctx.plan.tables]
    return {"schemas": ["TABLES", "TABLE_SCHEMAS", "TableInfo"], "rows": rows}


def render(ctx: Context) -> dict[str, str]:
    tables = ctx.plan.tables
    compact = {t.key: _compact(t.meta) for t in tables}
    rows = [typed_dict(t.row_class, t.row_fields) for t in tables]
    return {
        "schemas.py": ctx.template(
            "schemas.py.j2", tables=_literal(ctx, "_TABLES: dict[str, _Table] = ", compact)
        ),
        "rows.py": ctx.template("rows.py.j2", row_types=rows),
    }


def _compact(meta: dict[str, Any]) -> tuple[Any, ...]:
    """A table's `TableInfo` as the tuple schemas.py stores (see its comment): a constant,
    so loading the module builds nothing until a table is looked up."""
    columns = tuple(
        (name, c["type"], c["nullable"], c.get("default"), c.get("generated"), c.get("identity"))
        for name, c in meta["columns"].items()
    )
    fks = tuple(
        (tuple(f["columns"]), f["ref_table"], tuple(f["ref_columns"])) for f in meta["foreign_keys"]
    )
    return (
        meta["schema"],
        meta["name"],
        columns,
        tuple(meta["primary_key"]),
        fks,
        tuple(tuple(u) for u in meta["unique"]),
        tuple((c["name"], c["sql"]) for c in meta["checks"]),
    )


def _literal(ctx: Context, prefix: str, value: dict[str, Any]) -> str:
    """`py(value)` for a dict of tables, laid out entry by entry (each cached: the key's
    kind says tuples, which JSON would not tell from lists)."""
    whole = py(value, 0, prefix) if len(value) <= 3 else None
    if whole is not None and "\n" not in whole:
        return whole  # fits on one line
    entries = [
        ctx.formatter.memo("py-tuples", json.dumps([key, entry], sort_keys=True, default=str),
                           lambda k=key, e=entry: "    " + py(e, 4, py(k) + ": ", ","))  # type: ignore[misc]
        for key, entry in value.items()
    ]  # fmt: skip
    return prefix + "{\n" + "\n".join(entries) + "\n}"
