"""`__init__.py`: re-exports what every output kind declared (EXPORTS, or exports(ctx))."""

from __future__ import annotations

from ..context import Context


def render(ctx: Context) -> dict[str, str]:
    exports = sorted((m, sorted(set(n))) for m, n in ctx.exports.items())
    names = sorted({n for _, ns in exports for n in ns})
    return {"__init__.py": ctx.template("init.py.j2", exports=exports, all_names=names)}
