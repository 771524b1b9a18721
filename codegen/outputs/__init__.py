"""Output kinds: one module per kind, each exposing `render(ctx) -> dict[str, str]`.

Adding an output kind is one line in `REGISTRY` (and the module). A kind may declare
`EXPORTS = {"module": ["Name", ...]}`: the names the package's `__init__.py` re-exports
from its generated module; `package` (last) collects them.
"""

from __future__ import annotations

REGISTRY: tuple[str, ...] = (
    "runtime",
    "schemas",
    "computed",
    "factories",
    "rpc",
    "database",
    "package",  # last: re-exports what the kinds above declared in EXPORTS
)
