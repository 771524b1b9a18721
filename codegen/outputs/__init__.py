"""Output kinds: one module per kind, each exposing `render(ctx) -> dict[str, str]`.

Adding an output kind is one entry in `REGISTRY` (and the module). A kind may declare
`EXPORTS = {"module": ["Name", ...]}`: the names the package's `__init__.py` re-exports
from its generated module (dotted for a submodule: "factories.orders"), each loaded on first
use; `package` (last) collects them. The kinds are imported here,
statically, so the import graph shows them (see tests/foundation/test_import_graph.py).
"""

from __future__ import annotations

from types import ModuleType

from . import computed, database, factories, package, rpc, runtime, schemas

REGISTRY: dict[str, ModuleType] = {
    "runtime": runtime,
    "schemas": schemas,
    "computed": computed,
    "factories": factories,
    "rpc": rpc,
    "database": database,
    "package": package,  # last: re-exports what the kinds above declared in EXPORTS
}
