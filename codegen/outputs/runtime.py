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
        ctx.verbatim(path)
        ctx.fingerprint_of(path, {})
    ctx.fingerprint_of("_settings.py", {"settings": settings})
    return {
        "_settings.py": settings,
        "_sqlruntime.py": sqlexpr.runtime_source(),
        "_runtime.py": runtimes.source("_runtime.py"),
        "_rowcheck.py": runtimes.source("_rowcheck.py"),
        "_errors.py": runtimes.source("_errors.py"),  # APIError: RPCError and DatabaseError
        "_dbapi.py": runtimes.source("_dbapi.py"),  # driver_of: bind() and Database.connect()
        "_lazy.py": runtimes.source("_lazy.py"),  # LazyMap, the package's __getattr__
        "_insert.py": runtimes.source("_insert.py"),  # bind()'s connection, create()'s INSERT
        "_bulk.py": runtimes.source("_bulk.py"),  # create_batch(): parents first, in bulk
        "_bulk_copy.py": runtimes.source("_bulk_copy.py"),  # PostgreSQL: COPY + one SELECT
        "_bulk_mysql.py": runtimes.source("_bulk_mysql.py"),  # MySQL: multi-row INSERTs
        "_bulk_sqlite.py": runtimes.source("_bulk_sqlite.py"),  # SQLite: executemany, by rowid
        "_quickfaker.py": runtimes.source("_quickfaker.py"),  # Faker's draws, faster
    }
