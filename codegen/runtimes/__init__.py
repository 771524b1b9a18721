"""The runtimes copied verbatim into every generated package, kept here as real modules so
ruff and `mypy --strict` check them like the rest of schemagen.

A module here keeps the name it has in the generated package (`_runtime.py`,
`_rpcruntime.py`), so its relative imports mean the same thing in both places:
`_settings.py` here holds defaults for type checking (each package gets its own, rendered
from the config by `outputs/runtime.py`), and `_sqlruntime.py` here stands in for the
package's copy of `codegen/sqlexpr/runtime.py`.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def source(name: str) -> str:
    """The text of runtime module `name` (e.g. "_runtime.py"), to copy into a package."""
    return (_HERE / name).read_text(encoding="utf-8")
