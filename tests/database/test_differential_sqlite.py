"""The in-memory Database against a real SQLite on the SQLite sample (see differential.py):
type affinity, NULLs in UNIQUE, SQLite's own order of checks."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from types import ModuleType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from .differential import (
    CASES,
    IGNORED,
    LOOSE_REALS,
    SEQUENCES,
    Tally,
    compiled_tables,
    run_sequence,
    uncompiled_tables,
)

TALLY = Tally()


@SEQUENCES
@given(data=st.data())
def test_fake_agrees_with_sqlite(
    sqlite: sqlite3.Connection, sample_package: Callable[..., ModuleType], data: Any
) -> None:
    pkg = sample_package("sqlite")
    LOOSE_REALS[:] = [True]
    IGNORED.add("updated_at")  # set by a trigger on UPDATE: out of the fake's scope
    if not sqlite.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        sqlite.executescript(CASES["sqlite"][0][0].read_text(encoding="utf-8"))
    fake, real = pkg.Database(), pkg.Database.connect(sqlite)
    fake.reset()
    real.reset()
    pkg.reset(data.draw(st.integers(0, 10_000)))
    tables = compiled_tables(pkg)
    run_sequence(pkg, fake, real, data.draw, tables, steps=12, tally=TALLY)


def test_every_sample_table_is_in_the_sequences(
    sample_package: Callable[..., ModuleType],
) -> None:
    """Every computed column of the SQLite sample compiles (round(X, N) included), so no
    table is left out of the differential sequences above."""
    pkg = sample_package("sqlite")
    assert uncompiled_tables(pkg) == {}
    assert len(compiled_tables(pkg)) == len(pkg.SCHEMA.tables)


def teardown_module() -> None:
    LOOSE_REALS.clear()
    print(f"\nsqlite vs SQLite: {TALLY}")
