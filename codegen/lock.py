"""One writer at a time per output folder: `generate` holds an exclusive lock, `check` a
shared one, so a check never reads a package half-way through its switch and two generates
end whole-A or whole-B, one after the other.

The lock is `flock` on the output folder's parent directory: the output folder itself is
replaced by a directory swap (a lock on it would be a lock on the old inode), and a lock
file would be one more untracked file in the user's repository. Locks are re-entrant
within a process (the CLI locks the whole run, `writer.write` locks again). Where `fcntl`
does not exist (Windows) runs are not serialized.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import SchemagenError

_held: dict[str, int] = {}  # parent directory -> nesting depth, in this process


@contextlib.contextmanager
def held(
    out: str | os.PathLike[str], *, exclusive: bool, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the lock of `out` (creating its parent if needed); call `on_wait` with a
    message first when another process holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    parent = os.path.dirname(os.path.realpath(out)) or "."
    if _held.get(parent):
        _held[parent] += 1
        try:
            yield
        finally:
            _held[parent] -= 1
        return
    try:
        Path(parent).mkdir(parents=True, exist_ok=True)
        fd = os.open(parent, os.O_RDONLY)
    except OSError as error:
        raise SchemagenError(f"{out}: cannot lock its folder {parent} ({error.strerror})") from None
    try:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait(
                    f"{out}: another schemagen run is writing here (lock on {parent}); waiting"
                    " for it to finish..."
                )
            fcntl.flock(fd, mode)
        _held[parent] = 1
        try:
            yield
        finally:
            del _held[parent]
    finally:
        os.close(fd)  # releases the lock
