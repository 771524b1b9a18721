"""`computed.py`: compiled computed columns, COMPUTED_COLUMNS, apply_computed, CHECKS and
validate_row."""

from __future__ import annotations

from ..context import Context

EXPORTS = {
    "computed": ["CHECKS", "COMPUTED_COLUMNS", "apply_computed", "check_row", "validate_row"]
}


def render(ctx: Context) -> dict[str, str]:
    named = {
        t.key: {c.name for c in t.table.checks if c.name} | {c.name for c in t.checks if c.domain}
        for t in ctx.plan.tables
    }  # the others got a name from schemagen; SQLite's messages quote their SQL instead
    return {"computed.py": ctx.template("computed.py.j2", tables=ctx.plan.tables, named=named)}
