"""`_sqlruntime.py` (the expression runtime, verbatim) and `_runtime.py` (factory runtime)."""

from __future__ import annotations

from .. import sqlexpr
from ..context import Context

EXPORTS = {"_runtime": ["GenerationError", "bind", "reset", "set_clock"]}


def render(ctx: Context) -> dict[str, str]:
    config = ctx.config
    runtime = ctx.template(
        "runtime.py.j2",
        seed=config.seed,
        locale=config.locale,
        null_ratio=repr(config.null_ratio),
        dialect=ctx.schema.dialect,
    )
    ctx.verbatim("_sqlruntime.py")
    ctx.fingerprint_of("_runtime.py", {"config": config.to_json()})
    ctx.fingerprint_of("_sqlruntime.py", {})
    return {"_sqlruntime.py": sqlexpr.runtime_source(), "_runtime.py": runtime}
