"""Database.connect over names that are SQL's own punctuation: a `%` in a name must not pose
as a parameter marker for psycopg or PyMySQL, a quote must not end the name."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import psycopg

from tests.myserver import load

PG = 'CREATE TABLE "50%_off" (id int PRIMARY KEY, "a%sb" text, "q""t" text);'
MY = "CREATE TABLE `50%_off` (id int PRIMARY KEY, `a%sb` text, `q``t` text);"
ROW = {"id": 1, "a%sb": "x", 'q"t': "y"}
MY_ROW = {"id": 1, "a%sb": "x", "q`t": "y"}


def _round_trip(db: Any, row: dict[str, Any]) -> list[Any]:
    table = "50%_off"
    return [
        db.insert(table, row),
        db.select(table),
        db.count(table),
        db.update(table, {"a%sb": "z"}, {"id": 1}),
        db.delete(table, {"id": 1}),
    ]


def test_postgres_names_with_percent_and_quotes(
    pg: psycopg.Connection, sample_package: Callable[..., ModuleType]
) -> None:
    pkg = sample_package("percent_names", PG)
    pg.execute(PG)  # type: ignore[call-overload]
    assert _round_trip(pkg.Database.connect(pg), ROW) == _round_trip(pkg.Database(), ROW)


def test_mysql_names_with_percent_and_backticks(
    my_server: Any, sample_package: Callable[..., ModuleType]
) -> None:
    pkg = sample_package("percent_names_mysql", MY, "mysql")
    with my_server.database() as conn:
        load(conn, MY)
        real = _round_trip(pkg.Database.connect(conn), MY_ROW)
    assert real == _round_trip(pkg.Database(), MY_ROW)
