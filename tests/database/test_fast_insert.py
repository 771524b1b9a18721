"""The generated one-row inserts (`SchemaSpec.inserts`) against the engine's general path:
random operation sequences (the differential's, broken rows included) and rows with odd
values run on two in-memory databases, one with the generated inserts and one without;
every operation must return the same rows or raise the same SQLSTATE with the same words,
and the tables, their keys and the sequences must end the same."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .differential import SEQUENCES, Generator, Op, canon

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "fast_insert.sql"
CASES = ["ecommerce", "rental", "nulls_not_distinct", "fast_insert"]
CLOCK = dt.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=dt.UTC)
ODD = [None, "", "abc", "12", " 7 ", "1.5", "2024-02-30", "2024-01-01", "true", 0, 1, -1,
       2**31, 2**63, 1.5, float("nan"), True, Decimal("1.234"), Decimal("12345678.9"),
       Decimal("-0.00"), "x" * 300, uuid.UUID(int=5), str(uuid.UUID(int=6)),
       dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.date(2024, 1, 1),
       [], ["a"], {}, {"k": [1]}, b"x"]  # fmt: skip


@pytest.fixture(params=CASES)
def pair(
    request: pytest.FixtureRequest, sample_package: Callable[..., ModuleType]
) -> tuple[ModuleType, Any, Any]:
    if request.param == "fast_insert":
        pkg = sample_package("fast_insert", FIXTURE.read_text(encoding="utf-8"))
    else:
        pkg = sample_package(request.param)
    engine = importlib.import_module(f"{pkg.__name__}._database").Engine
    general = engine(dataclasses.replace(pkg.SCHEMA, inserts=None))
    return pkg, pkg.Database(), pkg.Database(general)


def test_every_table_gets_one(pair: tuple[ModuleType, Any, Any]) -> None:
    """Every table of these PostgreSQL schemas is covered (the general path is the other)."""
    pkg, fast, general = pair
    assert set(fast.backend._fast) == {t.key for t in pkg.SCHEMA.tables}
    assert not general.backend._fast


def _result(db: Any, op: Op, rt: Any, seed: int) -> tuple[str, Any]:
    """What the operation gave: rows (canonical JSON) or the error's whole text."""
    rt.seed(seed)
    try:
        result = op.run(db)
    except Exception as error:
        code = getattr(error, "code", None)
        if code is None:
            return "raised", f"{type(error).__name__}: {error}"
        return "error", (code, str(error), getattr(error, "details", None))
    data = getattr(result, "data", result)
    return "ok", canon(data)


def _state(db: Any) -> Any:
    engine = db.backend
    tables = {
        key: (canon(list(t.rows.items())), canon(sorted(t.row_keys.items())), t.next_rowid)
        for key, t in engine.tables.items()
    }
    return tables, sorted(engine._sequences.items()), engine._aborted, len(engine._log)


def _odd_row(gen: Generator, draw: Any, table: str) -> dict[str, Any]:
    """A row from the factories with one to three values swapped for odd ones."""
    row = gen.row(table)
    names = [c.name for c in gen.specs[table].columns]
    for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3)):
        row[name] = draw(st.sampled_from(ODD))
    if draw(st.booleans()):
        row.pop(draw(st.sampled_from(names)), None)
    return row


@SEQUENCES
@given(data=st.data())
def test_generated_inserts_agree_with_the_general_path(
    pair: tuple[ModuleType, Any, Any], data: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg, fast, general = pair
    rt = pkg._sqlruntime
    monkeypatch.setattr(rt, "clock", lambda: CLOCK)
    fast.reset()
    general.reset()
    pkg.reset(data.draw(st.integers(0, 10_000)))
    tables = [t.key for t in pkg.SCHEMA.tables]
    gen = Generator(pkg, fast, data.draw, tables)
    for step in range(16):
        if data.draw(st.integers(0, 2)) == 0:
            table = gen.pick(gen.tables)
            row = _odd_row(gen, data.draw, table)
            op = Op(f"insert({table!r}, {row!r})", lambda db, t=table, r=row: db.insert(t, r))
        else:
            op = gen.op()
        got, want = _result(fast, op, rt, step), _result(general, op, rt, step)
        assert got == want, f"{op.text}\n  generated: {got}\n  general:   {want}"
        assert _state(fast) == _state(general), op.text


def test_valid_rows_take_the_generated_insert(sample_package: Callable[..., ModuleType]) -> None:
    """The factories' rows (parents first) are inserted by the generated code, not handed on."""
    pkg = sample_package("ecommerce")
    db = pkg.Database()
    taken: list[str] = []
    for key, fast in list(db.backend._fast.items()):

        def spy(row: Any, key: str = key, fast: Any = fast) -> Any:
            out = fast(row)
            taken.append(key if out is not None else f"{key}: handed on")
            return out

        db.backend._fast[key] = spy
    pkg.reset(3)

    def build(key: str, **links: Any) -> dict[str, Any]:
        spec = next(t for t in pkg.SCHEMA.tables if t.key == key)
        drop = {c.name for c in spec.columns if c.generated or c.identity}
        return {**{k: v for k, v in pkg.FACTORIES[key].build().items() if k not in drop}, **links}

    customer = db.insert("customers", build("customers"))[0]
    product = db.insert("products", build("products"))[0]
    db.insert("orders", build("orders", customer_id=customer["id"], product_id=product["id"]))
    assert taken == ["customers", "products", "orders"]
