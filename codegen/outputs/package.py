"""`__init__.py`: re-exports what every output kind declared (EXPORTS, or exports(ctx)).

The modules in LAZY are imported on first use of one of their names (PEP 562 `__getattr__`,
with `TYPE_CHECKING` imports for type checkers): importing the package, which every pytest
run pays, then costs what its factories cost, not the in-memory database and RPC runtimes.
"""

from __future__ import annotations

from ..context import Context
from ..render import all_key, isort_key

LAZY = frozenset({"database", "rpc"})


def render(ctx: Context) -> dict[str, str]:
    exports = sorted((m, sorted(set(n), key=isort_key)) for m, n in ctx.exports.items())
    names = sorted({n for _, ns in exports for n in ns}, key=all_key)
    eager = [(m, ns) for m, ns in exports if m not in LAZY]
    lazy = [(m, ns) for m, ns in exports if m in LAZY]
    body = ctx.template("init.py.j2", exports=eager, lazy=lazy, all_names=names)
    return {"__init__.py": body}
