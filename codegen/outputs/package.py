"""`__init__.py`: re-exports what every output kind declared (EXPORTS, or exports(ctx))."""

from __future__ import annotations

from ..context import Context
from ..render import all_key, isort_key


def render(ctx: Context) -> dict[str, str]:
    exports = sorted((m, sorted(set(n), key=isort_key)) for m, n in ctx.exports.items())
    names = sorted({n for _, ns in exports for n in ns}, key=all_key)
    return {"__init__.py": ctx.template("init.py.j2", exports=exports, all_names=names)}
