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
