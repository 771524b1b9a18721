"""`computed.py`: compiled computed columns, COMPUTED_COLUMNS, apply_computed, CHECKS and
validate_row."""

from __future__ import annotations

from ..context import Context

EXPORTS = {"computed": ["CHECKS", "COMPUTED_COLUMNS", "apply_computed", "validate_row"]}


def render(ctx: Context) -> dict[str, str]:
    return {"computed.py": ctx.template("computed.py.j2", tables=ctx.plan.tables)}
