"""Write docs/expressions.md from the compiler's registry: `python -m codegen.sqlexpr.docs`."""

from __future__ import annotations

import sys
from pathlib import Path

from . import docs_table

DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "expressions.md"


def main(argv: list[str] | None = None) -> int:
    target = Path(argv[0]) if argv else DOCS_PATH
    target.write_text(docs_table(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
