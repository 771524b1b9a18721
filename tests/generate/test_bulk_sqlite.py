"""create_batch on SQLite: one executemany per table, the rows read back by the rowids SQLite
gave them (`_bulk_sqlite.py`), only where those are the rows' own; elsewhere an INSERT ...
RETURNING per row. Against real SQLite: the rows returned and the tables after are those of
create() one by one (same seed), and a refused row raises its own error after the rows
before it went in, as create() one by one leaves them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

Make = Callable[..., ModuleType]

SCHEMA = """
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, weight REAL, note TEXT);
CREATE TABLE plain (id INTEGER PRIMARY KEY AUTOINCREMENT,
    tag_id INTEGER NOT NULL REFERENCES tags (id), label TEXT NOT NULL, price NUMERIC(8,2),
    total NUMERIC GENERATED ALWAYS AS (price * 2) VIRTUAL);
CREATE TABLE hidden_rowid (tag_id INTEGER REFERENCES tags (id), label TEXT NOT NULL);
CREATE TABLE logged (id INTEGER PRIMARY KEY AUTOINCREMENT,
    tag_id INTEGER NOT NULL REFERENCES tags (id), label TEXT NOT NULL, seen TEXT);
CREATE TRIGGER logged_seen AFTER INSERT ON logged
BEGIN UPDATE logged SET seen = 'after' WHERE id = NEW.id; END;
CREATE TABLE touched (id INTEGER PRIMARY KEY, label TEXT NOT NULL, seen TEXT);
CREATE TRIGGER touched_seen AFTER UPDATE ON touched
BEGIN UPDATE touched SET seen = 'updated' WHERE id = NEW.id AND seen IS NULL; END;
CREATE TABLE pairs (a TEXT NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE TABLE replaced (id INTEGER PRIMARY KEY, code TEXT UNIQUE, v INTEGER);
CREATE TABLE "rowid" (rowid TEXT, label TEXT NOT NULL);
"""
# schemagen does not read ON CONFLICT clauses: the database has one the package never saw
DATABASE = SCHEMA.replace("code TEXT UNIQUE", "code TEXT UNIQUE ON CONFLICT REPLACE")
# tables whose rows the executemany path takes (no INSERT ... RETURNING for them)
FAST = {"tags", "plain", "hidden_rowid", "touched"}


def _connect(path: Path, autocommit: bool) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None if autocommit else "")
    conn.executescript(DATABASE)
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _made(pkg: ModuleType, conn: sqlite3.Connection, batch: bool) -> tuple[Any, Any, list[str]]:
    """Every factory's rows (create_batch, or create() one by one), the tables after, and
    the INSERT statements SQLite ran."""
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    pkg.bind(conn)
    pkg.reset(9)
    try:
        made = {
            key: f.create_batch(7) if batch else [f.create() for _ in range(7)]
            for key, f in pkg.FACTORIES.items()
        }
    finally:
        pkg.bind(None)
        conn.set_trace_callback(None)
    tables = {
        key: sorted(map(tuple, conn.execute(f'SELECT * FROM "{key}"').fetchall()), key=repr)
        for key in made
    }
    return made, tables, [s for s in statements if s.lstrip().upper().startswith("INSERT")]


@pytest.mark.parametrize("autocommit", [False, True], ids=["transaction", "autocommit"])
def test_batch_equals_create_one_by_one(
    tmp_path: Path, make_package: Make, autocommit: bool
) -> None:
    pkg = make_package(sql=SCHEMA, dialect="sqlite", seed=4)
    results = []
    for batch in (True, False):
        conn = _connect(tmp_path / f"{batch}.db", autocommit)
        try:
            results.append(_made(pkg, conn, batch))
        finally:
            conn.close()
    (batch_rows, batch_tables, inserts), (single_rows, single_tables, _) = results
    assert batch_rows == single_rows
    assert batch_tables == single_tables
    assert "after" not in {row["seen"] for row in batch_rows["logged"]}  # before the trigger
    assert {row[-1] for row in batch_tables["logged"]} == {"after"}
    returning = {
        key for key in batch_rows if any(f'"{key}"' in s and "RETURNING" in s for s in inserts)
    }
    if autocommit:  # no transaction holds other writers off: row by row after the first
        assert returning == set(batch_rows)
    else:
        assert returning == set(batch_rows) - FAST


def test_refused_row_raises_its_own_error(tmp_path: Path, make_package: Make) -> None:
    """The third row repeats a name already stored: SQLite's error for that row, and the
    two rows before it stored (and the caller's transaction still open), as create() one
    by one leaves them."""
    pkg = make_package(sql=SCHEMA, dialect="sqlite", seed=4)
    outcomes = []
    for batch in (True, False):
        conn = _connect(tmp_path / f"refused_{batch}.db", autocommit=False)
        pkg.reset(3)
        names = [row["name"] for row in pkg.FACTORIES["tags"].build_batch(4)]
        conn.execute("INSERT INTO tags (id, name) VALUES (100, ?)", [names[2]])
        pkg.bind(conn)
        pkg.reset(3)
        try:
            with pytest.raises(sqlite3.IntegrityError) as failed:
                if batch:
                    pkg.FACTORIES["tags"].create_batch(4)
                else:
                    [pkg.FACTORIES["tags"].create() for _ in range(4)]
        finally:
            pkg.bind(None)
        assert conn.in_transaction
        rows = conn.execute("SELECT * FROM tags ORDER BY rowid").fetchall()
        outcomes.append((str(failed.value), rows))
        conn.close()
    assert outcomes[0] == outcomes[1]
    assert "UNIQUE constraint failed: tags.name" in outcomes[0][0]
    assert [row[1] for row in outcomes[0][1]] == [names[2], names[0], names[1]]
