"""A factory's table stated as constants rather than code (issue 16, import with every
factory touched): one literal in its group's tables module, with the table's compiled
functions, loaded and built into the runtime's Table on the factory's first use."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

import pytest

SQL = """
CREATE TYPE mood AS ENUM ('ok', 'meh');
CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
CREATE TABLE parent (id serial PRIMARY KEY, code text UNIQUE NOT NULL);
CREATE TABLE child (
    id bigserial PRIMARY KEY,
    parent_id integer REFERENCES parent (id),
    "class" varchar(20),
    n positive NOT NULL,
    price numeric(8,2) CHECK (price >= 0),
    tags text[],
    mood mood NOT NULL DEFAULT 'ok',
    total numeric(10,2) GENERATED ALWAYS AS (price * n) STORED,
    CONSTRAINT small CHECK (n < 1000)
);
"""


@pytest.fixture
def pkg(make_package: Callable[..., ModuleType]) -> ModuleType:
    return make_package(sql=SQL)


def test_a_table_is_built_from_its_constant_on_first_use(pkg: ModuleType) -> None:
    child = pkg.FACTORIES["child"]
    assert "_spec" not in vars(child)  # loading the factory built nothing
    module, key = vars(child)["_table"]
    assert key == "child" and module.endswith("_tables")
    tables = f"{pkg.__name__}.factories.{module}"
    assert tables not in sys.modules  # nor loaded its compiled functions
    spec = child._spec
    assert tables in sys.modules
    assert vars(child)["_spec"] is spec  # kept: the next read is a plain attribute
    assert spec.key == "child" and "total" in spec.computed
    assert spec.types["n"].kind == "integer" and not spec.types["n"].nullable
    assert spec.types["tags"].element is not None
    assert spec.types["mood"].labels == ("ok", "meh")
    names = {c.name for c in spec.checks}
    assert {"small", "child_price_check", "positive_check"} <= names
    assert next(c for c in spec.checks if c.name == "positive_check").domain == "positive"
    assert spec.fks == ((("parent_id",), ("id",)),)
    row = child.build(n=3, price=pkg._runtime.Decimal("2.50"))
    assert row["total"] == pkg._runtime.Decimal("7.50")
    with pytest.raises(pkg.RowError):
        child.build(n=5000)  # CHECK small, compiled by name from the module


def test_a_subclass_reads_its_parents_table(pkg: ModuleType) -> None:
    class Mine(pkg.FACTORIES["parent"]):  # type: ignore[misc,name-defined]
        pass

    assert Mine._spec is pkg.FACTORIES["parent"]._spec
    assert Mine.build()["code"]
