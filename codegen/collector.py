"""The cyclic collector's one policy for a command: paused for the whole run (`paused`),
running only inside the blocks whose garbage holds cycles (`collecting`).

A run allocates millions of objects that live until the package and caches are written
(statements, the model, plans, texts) and frees nearly all the rest by reference counting
(pglast's trees hold no cycle once read; plans and texts are acyclic): collections found
little and re-walked a heap that grows with the schema, ~5.6% of a cold generate at 5000
and 10,000 tables, and the cache write, run at the default thresholds after the stages,
paid a full collection of the whole heap. sqlglot's trees (the SQLite and MySQL readers)
and black's (blib2to3) link each node to its parent, so their garbage is cyclic: those
blocks collect, over what they make only (everything older is frozen first), or a
2000-table SQLite schema peaked at 550 MiB instead of 305.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_run = [False]  # inside a pause of `paused`'s own: `collecting` may freeze


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector paused while the block runs (left as it is when the caller, or an
    outer stage, paused it). At the end the run's objects go to the oldest generation
    unscanned (`freeze` + `unfreeze`): else the first collection after resuming would
    walk every object the run made that is still alive. A caller that keeps objects
    frozen (`gc.freeze`) gets the pause alone: its frozen objects stay as they are."""
    if not gc.isenabled():
        yield
        return
    own = not gc.get_freeze_count()
    gc.disable()
    outer, _run[0] = _run[0], own
    try:
        yield
    finally:
        _run[0] = outer
        if own:
            gc.freeze()
            gc.unfreeze()
        gc.enable()


@contextlib.contextmanager
def collecting() -> Iterator[None]:
    """Inside `paused`: the collector running for a block whose garbage holds cycles.
    What the run made before is frozen first, so the block's collections walk only what
    it makes, and a last collection frees the rest of its garbage (a block left with
    some would keep it frozen until the run ends). Outside a pause: nothing to do."""
    if not _run[0] or gc.isenabled():
        yield
        return
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        gc.disable()
        gc.collect()
