"""The order tables are built in (`plan.foreign_keys.topological`): parents first, in rounds,
schema order within a round. It is computed with counts of parents left (a rescan per round
was quadratic on a chain of 10,000 tables); here it is pinned to the definition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.plan.foreign_keys import topological


@dataclass(frozen=True)
class _Table:
    key: str


@dataclass(frozen=True)
class _Schema:
    tables: tuple[_Table, ...]


@dataclass(frozen=True)
class _Plan:
    key: str
    depends_on: tuple[str, ...]


def _by_definition(schema: _Schema, plans: list[_Plan]) -> tuple[str, ...]:
    """Each round: every table left whose parents are all taken, in schema order; the first
    table left when none is (a cycle, or a parent outside the schema)."""
    deps = {p.key: set(p.depends_on) - {p.key} for p in plans}
    order: list[str] = []
    remaining = [t.key for t in schema.tables]
    while remaining:
        ready = [k for k in remaining if deps[k] <= set(order)] or remaining[:1]
        order.extend(ready)
        remaining = [k for k in remaining if k not in ready]
    return tuple(order)


@st.composite
def _graphs(draw: Any) -> tuple[_Schema, list[_Plan]]:
    size = draw(st.integers(0, 12))
    keys = [f"public.t{i}" for i in range(size)]
    draw(st.randoms()).shuffle(keys)
    names = st.sampled_from([*keys, "public.outside"]) if keys else st.just("public.outside")
    plans = [_Plan(k, tuple(draw(st.lists(names, max_size=4)))) for k in keys]
    return _Schema(tuple(_Table(k) for k in keys)), plans


@settings(max_examples=400, deadline=None)
@given(_graphs())
def test_order_is_the_rounds_definition(graph: tuple[_Schema, list[_Plan]]) -> None:
    schema, plans = graph
    assert topological(schema, plans) == _by_definition(schema, plans)  # type: ignore[arg-type]


def test_a_long_chain_is_parents_first() -> None:
    keys = [f"public.t{i}" for i in range(3000)]
    schema = _Schema(tuple(_Table(k) for k in reversed(keys)))
    plans = [_Plan(k, (keys[i - 1],) if i else ()) for i, k in enumerate(keys)]
    assert topological(schema, plans) == tuple(keys)  # type: ignore[arg-type]
