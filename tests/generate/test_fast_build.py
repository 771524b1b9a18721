"""build() without factory-boy's resolver (`_runtime._fast_build`) gives, row for row, what
factory-boy's own path gives: same values, same sequence numbers, same random draws, same
errors; factories it cannot build that way (traits, post-generation hooks, `parent__field`
overrides, declarations of other kinds) go through factory-boy."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import factory
import pytest

from tests.generate.genlib import REPO, SAMPLES

Make = Callable[..., ModuleType]

CASES = {
    "ecommerce": ([SAMPLES / "ecommerce" / "schema.sql"], "postgres"),
    "rental": ([SAMPLES / "rental" / "schema.sql"], "postgres"),
    "sqlite": ([SAMPLES / "sqlite" / "schema.sql"], "sqlite"),
    "mysql": ([SAMPLES / "mysql" / "schema.sql"], "mysql"),
    "safety": ([REPO / "tests" / "golden" / "safety" / "schema.sql"], "postgres"),
}


def _rows(pkg: ModuleType, per_table: int) -> list[Any]:
    """Rows of every factory, chains and overrides by column name included; an error is
    kept as its text, so both paths must fail alike."""
    pkg.reset(7)
    out: list[Any] = []
    for key, factory_class in pkg.FACTORIES.items():
        for _ in range(per_table):
            try:
                out.append((key, factory_class.build()))
            except Exception as error:
                out.append((key, type(error).__name__, str(error)))
        chain = factory_class.build_chain()
        out.append((key, chain.row, chain.parents))
        first = pkg.SCHEMA.tables[[t.key for t in pkg.SCHEMA.tables].index(key)].columns[0]
        if not (first.generated or first.identity):
            try:
                out.append((key, factory_class.build(**{first.name: None})))
            except Exception as error:
                out.append((key, type(error).__name__, str(error)))
    return out


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[ModuleType], None]]:
    def force(pkg: ModuleType) -> None:
        monkeypatch.setattr(pkg._runtime, "_plan_of", lambda cls: None)

    yield force


@pytest.mark.parametrize("case", sorted(CASES))
def test_fast_build_gives_factory_boys_rows(
    case: str, make_package: Make, slow: Callable[[ModuleType], None]
) -> None:
    paths, dialect = CASES[case]
    pkg = make_package(paths=paths, dialect=dialect, seed=3)
    fast = _rows(pkg, 15)
    planned = {k: vars(f).get("_sg_plan") for k, f in pkg.FACTORIES.items()}
    assert all(p is not None and p[0] is not None for p in planned.values()), planned
    slow(pkg)
    assert repr(_rows(pkg, 15)) == repr(fast)  # the columns in the same order too


def test_fast_create_inserts_the_same_rows(
    make_package: Make, slow: Callable[[ModuleType], None], tmp_path: Path
) -> None:
    pkg = make_package(paths=[SAMPLES / "sqlite" / "schema.sql"], dialect="sqlite", seed=3)
    sql = (SAMPLES / "sqlite" / "schema.sql").read_text(encoding="utf-8")

    def created(name: str) -> list[Any]:
        conn = sqlite3.connect(tmp_path / name)
        conn.executescript(sql)
        pkg.bind(conn)
        pkg.reset(5)
        try:
            return [f.create_chain() for f in pkg.FACTORIES.values() for _ in range(5)]
        finally:
            pkg.bind(None)
            conn.close()

    fast = created("fast.db")
    slow(pkg)
    assert created("slow.db") == fast


ECOM = [SAMPLES / "ecommerce" / "schema.sql"]


def test_user_subclasses_keep_factory_boy_semantics(make_package: Make) -> None:
    pkg = make_package(paths=ECOM)
    base = pkg.FACTORIES["orders"]

    class WithTrait(base):  # type: ignore[misc, valid-type]
        class Params:
            big = factory.Trait(quantity=20)

    class WithHook(base):  # type: ignore[misc, valid-type]
        @factory.post_generation
        def mark(obj: dict[str, Any], create: bool, extracted: Any, **kw: Any) -> None:
            obj["notes"] = "hooked"

    class LaterReference(base):  # type: ignore[misc, valid-type]
        notes = factory.LazyAttribute(lambda o: f"{o.quantity} x {o.status}")
        quantity = 4  # declared before `notes` in the parent: values are resolved lazily

    assert WithTrait.build(big=True)["quantity"] == 20
    assert WithHook.build()["notes"] == "hooked"
    assert pkg._runtime._plan_of(WithTrait) is None
    assert pkg._runtime._plan_of(WithHook) is None
    assert LaterReference.build()["notes"] == "4 x pending"
    assert pkg._runtime._plan_of(LaterReference) is not None
    parent_email = base.build(customer_id__email="a@b.example")  # through factory-boy
    assert parent_email["customer_id"] is not None


def test_cycles_and_factory_parent_as_in_factory_boy(make_package: Make) -> None:
    pkg = make_package(paths=ECOM)
    base = pkg.FACTORIES["orders"]

    class Cyclic(base):  # type: ignore[misc, valid-type]
        notes = factory.LazyAttribute(lambda o: o.shipped_at)
        shipped_at = factory.LazyAttribute(lambda o: o.notes)

    class Child(pkg.FACTORIES["customers"]):  # type: ignore[misc, name-defined]
        full_name = factory.LazyAttribute(
            lambda o: "inside" if o.factory_parent is not None else "alone"
        )

    class Parent(base):  # type: ignore[misc, valid-type]
        customer_id = factory.SubFactory(Child)

    with pytest.raises(factory.errors.CyclicDefinitionError):
        Cyclic.build()
    assert Child.build()["full_name"] == "alone"
    assert Parent.build_chain().of("customers")[0]["full_name"] == "inside"


def test_after_postgeneration_runs_and_can_be_swapped(make_package: Make) -> None:
    """factory-boy calls _after_postgeneration for every row; pytest-factoryboy swaps it for
    a plain function around a call (and makes a class per fixture)."""
    pkg = make_package(paths=ECOM)
    seen: list[tuple[str, bool]] = []

    class Hooked(pkg.FACTORIES["orders"]):  # type: ignore[misc, name-defined]
        @classmethod
        def _after_postgeneration(cls, instance: Any, create: bool, results: Any = None) -> None:
            seen.append((cls.__name__, create))

    Hooked.build()
    assert seen == [("Hooked", False)]
    fixture_class = type("Factory", (pkg.FACTORIES["orders"],), {})
    original = fixture_class._after_postgeneration
    fixture_class._after_postgeneration = lambda *args, **kwargs: None
    try:
        assert fixture_class.build(quantity=2)["quantity"] == 2
    finally:
        fixture_class._after_postgeneration = original
    assert fixture_class.build(quantity=3)["quantity"] == 3
    assert "_sg_plan" not in vars(pkg._runtime.RowFactory)  # decided per class, not shared
