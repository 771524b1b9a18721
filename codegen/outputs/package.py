"""`__init__.py`: re-exports what every output kind declared (EXPORTS, or exports(ctx)).

Every name loads the module defining it on first use (PEP 562 `__getattr__`, through
`_lazy.attributes`; type checkers see the names through `TYPE_CHECKING` imports): importing
the package, which every pytest run pays, costs almost nothing, and `from pkg import
OrdersFactory` loads that factory's module, not the other tables' nor the in-memory database.
"""

from __future__ import annotations

from ..context import Context
from ..render import all_key, isort_key


def render(ctx: Context) -> dict[str, str]:
    exports = sorted(
        ((m, sorted(set(n), key=isort_key)) for m, n in ctx.exports.items() if n),
        key=lambda entry: isort_key(entry[0]),
    )
    names = sorted({n for _, ns in exports for n in ns}, key=all_key)
    modules = {n: m for m, ns in exports for n in ns}
    body = ctx.template("init.py.j2", exports=exports, modules=modules, all_names=names)
    return {"__init__.py": body}
