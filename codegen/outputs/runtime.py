"""The runtimes, copied verbatim from `codegen/runtimes/` (`_runtime.py`, the factory runtime,
with `_insert.py` and `_bulk*.py` putting its rows into a bound database and `_quickfaker.py`
its quick Faker; `_sqlruntime.py`, the expression runtime; `_lazy.py`, loading on first use),
and `_settings.py`, the config they read."""

from __future__ import annotations

from .. import runtimes, sqlexpr
from ..context import Context

EXPORTS = {"_runtime": ["GenerationError", "RowError", "bind", "reset", "set_clock"]}
VERBATIM = ("_runtime.py", "_rowcheck.py", "_sqlruntime.py", "_errors.py", "_dbapi.py", "_lazy.py",
            "_insert.py", "_bulk.py", "_bulk_copy.py", "_bulk_mysql.py", "_bulk_sqlite.py",
            "_quickfaker.py")  # fmt: skip


def render(ctx: Context) -> dict[str, str]:
    config = ctx.config
    settings = ctx.template(
        "settings.py.j2",
        seed=config.seed,
        locale=config.locale,
        null_ratio=repr(config.null_ratio),
        dialect=ctx.schema.dialect,
        strict=repr(config.strict_rpc),
    )
    for path in VERBATIM:
        ctx.keep_layout(path)
        ctx.fingerprint_of(path, {})
    ctx.fingerprint_of("_settings.py", {"settings": settings})
    return {
        "_settings.py": settings,
        "_sqlruntime.py": sqlexpr.runtime_source(),  # here only a stand-in for type checking
        **{path: runtimes.source(path) for path in VERBATIM if path != "_sqlruntime.py"},
    }
