"""`computed.py`: COMPUTED_COLUMNS, apply_computed, CHECKS, validate_row and check_row over
the functions each factory group's tables module compiles (see outputs/factories.py)."""

from __future__ import annotations

from ..context import Context

EXPORTS = {
    "computed": ["CHECKS", "COMPUTED_COLUMNS", "apply_computed", "check_row", "validate_row"]
}


def render(ctx: Context) -> dict[str, str]:
    return {"computed.py": ctx.template("computed.py.j2")}
