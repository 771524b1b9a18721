"""Run a command with room for deeply nested SQL.

The parsers and the expression compiler walk SQL trees recursively: sqlglot spends about
25 Python frames per level of parentheses, pglast's deparser a few per operator of a long
`a || b || ...` chain. Python's default limit (1,000 frames, an 8 MiB main-thread stack)
gives out at 40 nested `coalesce(...)` or 200 `||` terms, sizes real schemas reach. So
commands run in a thread with a large stack and a raised recursion limit; what still does
not fit is reported, located, by the stage that was reading it (see `TOO_DEEP`).

Documented limit (docs/inputs.md): an expression may nest up to about 1,000 levels of
parentheses or function calls and chain up to `MAX_CHAIN` (10,000) operators; the
compiler folds such chains without recursing (sqlexpr/core.py), the readers refuse longer
ones, located.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

STACK_BYTES = 512 * 1024 * 1024  # reserved address space; pages are used only when touched
RECURSION_LIMIT = 200_000
MAX_CHAIN = 10_000  # operators in one left-deep chain (`a + b + ...`) an expression may hold
TOO_DEEP = (
    "expression nested too deeply for schemagen (the limit is about 1,000 levels of"
    " parentheses or function calls, 10,000 chained operators)"
)


def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """fn(*args, **kwargs) in a thread with a deep stack; its exception is re-raised here."""
    result: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(fn(*args, **kwargs))
        except BaseException as error:  # re-raised in the caller thread
            failure.append(error)

    previous_stack = threading.stack_size(STACK_BYTES)
    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, RECURSION_LIMIT))
    try:
        worker = threading.Thread(target=target, name="schemagen")
        worker.start()
        worker.join()
    finally:
        threading.stack_size(previous_stack)
        sys.setrecursionlimit(previous_limit)
    if failure:
        raise failure[0]
    return result[0]
