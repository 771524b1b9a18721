"""The collector's policy over a run (`codegen.collector`): paused for the whole command,
collecting only inside the blocks whose garbage is cyclic, over what they make; the
caller's own settings (collector off, objects frozen) left as they were."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlglot

from codegen import collector, pipeline


class Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture(autouse=True)
def _clean_collector() -> Iterator[None]:
    gc.collect()
    assert gc.isenabled() and not gc.get_freeze_count()
    yield
    gc.enable()
    gc.unfreeze()


def test_paused_for_the_run_and_resumed_with_nothing_left_to_walk() -> None:
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():  # an inner stage: left paused
            assert not gc.isenabled()
        assert not gc.isenabled()
        kept = [[i] for i in range(100_000)]  # tracked objects the run keeps
    assert gc.isenabled() and not gc.get_freeze_count()
    # the run's objects went to the oldest generation unscanned: the young one is empty
    assert gc.get_count()[0] < 1000 and len(kept) == 100_000


def test_a_caller_that_paused_the_collector_keeps_it_paused() -> None:
    gc.disable()
    with collector.paused():
        garbage = weakref.ref(Node())
        with collector.collecting():  # not this module's pause: nothing to do
            assert not gc.isenabled()
    assert not gc.isenabled() and garbage() is not None


def test_a_callers_frozen_objects_stay_frozen() -> None:
    gc.freeze()
    frozen = gc.get_freeze_count()
    with collector.paused(), collector.collecting():
        assert not gc.isenabled()  # the pause alone: collecting would freeze the run
        assert gc.get_freeze_count() == frozen
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_collecting_frees_the_cycles_its_block_makes_and_only_there() -> None:
    with collector.paused():
        before = weakref.ref(Node())
        with collector.collecting():
            assert gc.isenabled()
            inside = weakref.ref(Node())
        assert not gc.isenabled()
        assert inside() is None  # collected at the block's end
        assert before() is not None  # made in the pause: frozen, not walked


def test_a_sqlite_read_leaves_no_sqlglot_tree_behind(tmp_path: Path) -> None:
    """sqlglot links each node to its parent: a paused run without the reader's
    collecting block kept every statement's tree (a 2000-table schema: 305 -> 550 MiB)."""
    sql = tmp_path / "s.sql"
    tables = (
        f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, a TEXT CHECK (a <> ''));" for i in range(50)
    )
    sql.write_text("\n".join(tables))
    with collector.paused():
        built = pipeline.load([str(sql)], "sqlite")
        trees = [o for o in gc.get_objects() if isinstance(o, sqlglot.exp.Expression)]
    assert len(built.schema.tables) == 50 and trees == []
