"""The factories are grouped in modules by a hash of the table's name (outputs/factories.py
`groups`): few modules for a session touching every table, small ones for a test touching a
few, and a one-table change rewrites one module."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

from hypothesis import given
from hypothesis import strategies as st

from codegen.outputs.factories import PER_PART, groups

KEYS = st.lists(st.text(min_size=1, max_size=12), unique=True, max_size=300)


def _count(tables: int) -> int:
    count = 1
    while count * PER_PART < tables:
        count *= 2
    return count


def _plain(keys: list[str]) -> dict[str, list[str]]:
    return groups([(k, {k + "__x"}) for k in keys])  # names of their own: no collisions


@given(KEYS)
def test_every_table_in_one_group_of_a_power_of_two(keys: list[str]) -> None:
    found = _plain(keys)
    assert sorted(k for members in found.values() for k in members) == sorted(keys)
    for members in found.values():  # the plan's order within a group
        assert members == [k for k in keys if k in set(members)]
    assert {int(m.removeprefix("_part")) for m in found} <= set(range(_count(len(keys))))
    assert found == _plain(keys)  # deterministic


@given(KEYS, st.text(min_size=1, max_size=12))
def test_adding_a_table_changes_its_own_group_alone(keys: list[str], new: str) -> None:
    """Unless the count of groups doubles (past 32, 64, 128... tables)."""
    if new in keys or _count(len(keys) + 1) != _count(len(keys)):
        return
    before, after = _plain(keys), _plain([*keys, new])
    (home,) = (m for m, members in after.items() if new in members)
    assert {m: [k for k in v if k != new] for m, v in after.items() if v != [new]} == before
    assert after[home][-1] == new


def test_a_table_whose_names_collide_goes_to_a_group_past_the_others() -> None:
    found = groups([("a", {"a__b__c", "AFactory"}), ("a.b", {"a__b__c", "ABFactory"})])
    assert found == {"_part0": ["a"], "_part1": ["a.b"]}


COLLIDING = """
CREATE SCHEMA a;
CREATE TABLE a.b (id serial PRIMARY KEY, x int NOT NULL, c int GENERATED ALWAYS AS (x + 1) STORED);
CREATE TABLE a (id serial PRIMARY KEY, x int NOT NULL CONSTRAINT b__c CHECK (x > 0));
"""


def test_tables_compiling_the_same_function_name_load_and_build(
    make_package: Callable[..., ModuleType],
) -> None:
    pkg = make_package(sql=COLLIDING)
    tables = pkg.factories._TABLES
    assert tables["a"][0] != tables["a.b"][0]
    assert (tables["a.b"][0], tables["a"][0]) == ("_part0", "_part1")  # one group, and past it
    assert pkg.FACTORIES["a.b"].build(x=4)["c"] == 5
    assert pkg.FACTORIES["a"].build(x=3)["x"] == 3
    assert pkg.CHECKS["a"][0].predicate({"x": 0}) is False
    assert pkg.COMPUTED_COLUMNS["a.b"]["c"]({"x": 1}) == 2
    part = sys.modules[f"{pkg.__name__}.factories.{tables['a'][0]}_tables"]
    assert part.a__b__c(0) is False  # the CHECK's, in the tables module of `a`'s group
