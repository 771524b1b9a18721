"""Rules the model carries for the in-memory Database, each checked against the real
database it comes from: NULLS NOT DISTINCT (PostgreSQL 15+) and SQLite's AUTOINCREMENT."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest

from .differential import CASES

NND = CASES["nulls_not_distinct"][0][0]


def _outcome(db: Any, call: Callable[[Any], Any]) -> Any:
    try:
        return ("ok", len(call(db)))
    except Exception as error:
        if not hasattr(error, "code"):
            raise
        return ("error", error.code)


@pytest.fixture
def nnd(pg: psycopg.Connection, sample_package: Callable[..., ModuleType]) -> tuple[Any, Any]:
    pg.execute(Path(NND).read_text(encoding="utf-8"))  # type: ignore[call-overload]
    pkg = sample_package("nulls_not_distinct")
    return pkg.Database(), pkg.Database.connect(pg)


@pytest.mark.parametrize(
    ("table", "rows", "code"),
    [
        ("accounts", [{"id": 1}, {"id": 2}], "23505"),  # email: NULL = NULL
        ("accounts", [{"id": 1, "email": "a"}, {"id": 2, "email": "b"}], "23505"),  # (NULL, NULL)
        # nickname is NULLS DISTINCT (spelt out): two NULLs are two values
        ("accounts", [{"id": 1, "email": "a", "code": 1},
                      {"id": 2, "email": "b", "code": 2, "nickname": None}], None),
        ("accounts", [{"id": 1, "email": "a", "region": "eu"},
                      {"id": 2, "email": "b", "region": "eu"}], "23505"),  # (eu, NULL) twice
        ("slots", [{"room": "r", "day": 1}, {"room": "r", "day": 1}], "23505"),
        ("slots", [{"room": "r", "day": 1}, {"room": "r", "day": 2}], "23505"),  # account NULL
    ],
)  # fmt: skip
def test_nulls_not_distinct_is_enforced(
    nnd: tuple[Any, Any], table: str, rows: list[dict[str, Any]], code: str | None
) -> None:
    fake, real = nnd
    fake.reset()
    real.reset()
    want = ("error", code) if code else ("ok", len(rows))
    for db in (fake, real):
        assert _outcome(db, lambda d: d.insert(table, rows)) == want


def test_nulls_not_distinct_upsert_finds_the_null_key(nnd: tuple[Any, Any]) -> None:
    fake, real = nnd
    for db in (fake, real):
        db.reset()
        db.insert("accounts", {"id": 1, "nickname": "x"})
        # ON CONFLICT (email): the row whose email is NULL is the conflicting one
        got = db.upsert("accounts", {"id": 2, "email": None, "nickname": "y"}, "email")
        assert [(r["id"], r["nickname"]) for r in got] == [(2, "y")]
        assert [(r["id"], r["nickname"]) for r in db.select("accounts")] == [(2, "y")]


def test_factories_never_count_on_null_to_stay_distinct(
    pg: psycopg.Connection, sample_package: Callable[..., ModuleType]
) -> None:
    """A composite UNIQUE of small domains: with NULLS DISTINCT the factories turn the last
    digit NULL once the domains are used up; under NULLS NOT DISTINCT that NULL would be a
    duplicate, so they stop with a clear error instead."""
    sql = """
        CREATE TABLE pairs (a boolean, b smallint CHECK (b BETWEEN 1 AND 2),
                            UNIQUE NULLS NOT DISTINCT (a, b));
        CREATE TABLE loose (a boolean, b smallint CHECK (b BETWEEN 1 AND 2), UNIQUE (a, b));
    """
    pg.execute(sql)  # type: ignore[call-overload]
    pkg = sample_package("pairs", sql)
    pkg.bind(pg)
    try:
        assert len(pkg.FACTORIES["loose"].create_batch(8)) == 8
        assert len(pkg.FACTORIES["pairs"].create_batch(4)) == 4
        with pytest.raises(Exception, match="UNIQUE values exhausted"):
            pkg.FACTORIES["pairs"].create()
    finally:
        pkg.bind(None)


AUTOINC = """
CREATE TABLE seq (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT UNIQUE, n TEXT NOT NULL DEFAULT 'x');
CREATE TABLE plain (id INTEGER PRIMARY KEY, v TEXT);
"""


def _sqlite_steps(db: Any) -> list[Any]:
    """Ids as SQLite hands them out: AUTOINCREMENT never reuses one (not after a DELETE of
    the last row, nor one an upsert took and did not insert), a plain rowid alias does."""
    seen: list[Any] = []

    def step(call: Callable[[], Any]) -> None:
        try:
            seen.append([r.get("id") for r in call()])
        except Exception as error:
            seen.append(getattr(error, "code", repr(error)))

    step(lambda: db.insert("seq", {"v": "p"}))
    step(lambda: db.upsert("seq", {"v": "p", "n": "y"}, "v"))  # takes id 2, updates row 1
    step(lambda: db.upsert("seq", {"v": "p"}, "v", ignore_duplicates=True))  # takes 3
    step(lambda: db.insert("seq", {"v": "q", "n": None}))  # fails: the statement is undone
    step(lambda: db.insert("seq", {"id": 10, "v": "r"}))
    step(lambda: db.delete("seq", {"id": 10}))
    step(lambda: db.insert("seq", {"v": "s"}))  # 11: not 2
    step(lambda: db.update("seq", {"id": 50}, {"v": "s"}))
    step(lambda: db.insert("seq", {"v": "t"}))  # 51
    step(lambda: _rolled_back(db, lambda: db.insert("seq", {"v": "u"})))  # takes 52, undone
    step(lambda: db.insert("seq", {"v": "w"}))  # 52 again: sqlite_sequence was rolled back
    step(lambda: db.delete("seq"))
    step(lambda: db.insert("seq", {"v": "z", "id": None}))  # 53
    step(lambda: db.insert("plain", [{"v": "a"}, {"v": "b"}]))
    step(lambda: db.delete("plain", {"id": 2}))
    step(lambda: db.insert("plain", {"v": "c"}))  # 2 again
    return seen


def _rolled_back(db: Any, call: Callable[[], Any]) -> list[Any]:
    class Undo(Exception):
        pass

    try:
        with db.transaction():
            call()
            raise Undo
    except Undo:
        return []


def test_sqlite_autoincrement_never_reuses_an_id(
    sqlite: Any, sample_package: Callable[..., ModuleType]
) -> None:
    pkg = sample_package("autoinc", AUTOINC, "sqlite")
    identity = {t.key: t.columns[0].identity for t in pkg.SCHEMA.tables}
    assert identity == {"seq": "autoincrement", "plain": "rowid"}
    sqlite.executescript(AUTOINC)
    fake, real = pkg.Database(), pkg.Database.connect(sqlite)
    got = _sqlite_steps(fake)
    assert got == _sqlite_steps(real)
    assert got[6] == [11] and got[-1] == [2], got
    assert got[2:4] == [[], "23502"] and got[10] == [52], got
