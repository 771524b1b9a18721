"""`schemas.py`: a TypedDict per table (`OrdersRow`: a row as build() returns it),
TABLE_SCHEMAS (table -> column -> SQL type) and TABLES (a `TableInfo` per table)."""

from __future__ import annotations

import json
from typing import Any

from ..context import Context
from ..render import py, typed_dict


def exports(ctx: Context) -> dict[str, list[str]]:
    rows = [t.row_class for t in ctx.plan.tables]
    return {"schemas": ["TABLES", "TABLE_SCHEMAS", "TableInfo", *rows]}


def render(ctx: Context) -> dict[str, str]:
    tables = ctx.plan.tables
    schemas = {t.key: t.schema_entry for t in tables}
    meta = {t.key: t.meta for t in tables}
    text = ctx.template(
        "schemas.py.j2",
        row_types=[typed_dict(t.row_class, t.row_fields) for t in tables],
        table_schemas=_literal(ctx, "TABLE_SCHEMAS: dict[str, dict[str, str]] = ", schemas),
        tables_meta=_literal(ctx, "TABLES: dict[str, TableInfo] = ", meta),
    )
    return {"schemas.py": text}


def _literal(ctx: Context, prefix: str, value: dict[str, Any]) -> str:
    """`py(value)` for a dict of tables, laid out entry by entry (each cached)."""
    whole = py(value, 0, prefix) if len(value) <= 3 else None
    if whole is not None and "\n" not in whole:
        return whole  # fits on one line
    entries = [
        ctx.formatter.memo("py", json.dumps([key, entry], sort_keys=True, default=str),
                           lambda k=key, e=entry: "    " + py(e, 4, py(k) + ": ", ","))  # type: ignore[misc]
        for key, entry in value.items()
    ]  # fmt: skip
    return prefix + "{\n" + "\n".join(entries) + "\n}"
