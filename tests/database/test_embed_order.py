"""Embedded rows ordered and cut as postgrest-py spells it (`.order(col, foreign_table=...)`,
`.limit(n, foreign_table=...)`, `.range(a, b, foreign_table=...)`): the in-memory Database
and `Database.connect` to PostgreSQL give the same lists, per row, NULLs placed alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest

from .differential import CASES, canon

SHAPES = [
    ("quantity", {"desc": True}, ("limit", 2)),
    ("quantity", {}, ("range", 1, 2)),
    ("status", {"nullsfirst": True}, None),
    ("status", {"desc": True, "nullsfirst": False}, ("limit", 1)),
    ("price", {"desc": True}, ("range", 0, 0)),
    ("notes", {}, None),
    ("notes", {"nullsfirst": True}, ("limit", 2)),
    ("notes", {"desc": True}, None),
    ("notes", {"desc": True, "nullsfirst": False}, ("range", 1, 5)),
]


@pytest.fixture
def pair(pg: psycopg.Connection, sample_package: Callable[..., ModuleType]) -> Iterator[Any]:
    for path in CASES["ecommerce"][0]:
        pg.execute(Path(path).read_text(encoding="utf-8"))  # type: ignore[call-overload]
    pkg = sample_package("ecommerce")
    dbs = pkg.Database(), pkg.Database.connect(pg)
    for db in dbs:
        ann = db.insert("customers", {"email": "ann@example.com"})[0]["id"]
        bob = db.insert("customers", {"email": "bob@example.com"})[0]["id"]
        db.insert("customers", {"email": "cy@example.com"})
        lamp = db.insert("products", {"sku": "S-1", "name": "lamp", "price": "19.5"})[0]["id"]
        rows = [
            (ann, 3, "paid", 10, "b"),
            (ann, 7, "shipped", 12, None),
            (ann, 5, "paid", 11, "a"),
            (bob, 2, "shipped", 30, None),
            (bob, 9, "paid", 5, "c"),
        ]
        for who, quantity, status, price, notes in rows:
            db.insert("orders", {"customer_id": who, "product_id": lamp, "quantity": quantity,
                                 "status": status, "price": price, "notes": notes})  # fmt: skip
    yield dbs


@pytest.mark.parametrize(("column", "how", "window"), SHAPES)
def test_embedded_rows_are_shaped_as_postgres_shapes_them(
    pair: Any, column: str, how: dict[str, Any], window: Any
) -> None:
    results = []
    for db in pair:
        query = db.table("customers").select("email, orders(quantity, status, price, notes)")
        query = query.order("email").order(column, foreign_table="orders", **how)
        # then a column without ties: the orders' keys are random UUIDs on each side
        query = query.order("quantity", foreign_table="orders")
        if window is not None:
            query = getattr(query, window[0])(*window[1:], foreign_table="orders")
        results.append(canon(query.execute().data))
    assert results[0] == results[1]
    assert len(results[0]) == 3 and results[0][2]["orders"] == []
