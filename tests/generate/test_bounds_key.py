"""CHECK bounds keyed and analysed by the columns the CHECK spells, not by all of the
table's (a table of n columns and n CHECKs was quadratic): the same bounds either way."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.bounds import Names, analyse, spelled_in, to_json
from codegen.plan.compiler import Compiler

POOL = [
    "price", "Price2", "qty", "a$b", "x1", "名前", "Ünïcode", 'odd "name', "with space",
    "sel`ect", "br]acket", "c", "cc", "c10", "lower", "LENGTH", "in", "value", "status",
]  # fmt: skip


def spell(name: str, how: str) -> str:
    """A reference to column `name` as one dialect or another writes it."""
    if how == "quoted":
        return '"' + name.replace('"', '""') + '"'
    if how == "backtick":
        return "`" + name.replace("`", "``") + "`"
    if how == "upper" and name.isidentifier() and name.isascii():
        return name.upper()
    if name.isidentifier() and name.isascii():
        return name
    return '"' + name.replace('"', '""') + '"'


@st.composite
def checks(draw: st.DrawFn) -> tuple[str, list[str], str]:
    dialect = draw(st.sampled_from(["postgres", "sqlite", "mysql"]))
    columns = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=12, unique_by=str.lower))
    how = st.sampled_from(["bare", "upper", "backtick" if dialect == "mysql" else "quoted"])
    ref = st.builds(spell, st.sampled_from([*columns, "missing", "Other"]), how)
    const = st.sampled_from(["0", "10", "-3.5", "'a'", "'price'", "'it''s \"x'", "NULL"])
    atom = st.one_of(
        st.builds("{} {} {}".format, ref, st.sampled_from([">", ">=", "<=", "=", "<>"]), const),
        st.builds("{} BETWEEN {} AND {}".format, ref, const, const),
        st.builds("{} IN ({}, {})".format, ref, const, const),
        st.builds("length({}) <= {}".format, ref, const),
        st.builds("{} IS NOT NULL".format, ref),
        st.builds("{} > {}".format, ref, ref),
        st.builds("{} IS NULL OR {} > {}".format, ref, ref, const),
    )
    parts = draw(st.lists(atom, min_size=1, max_size=3))
    return " AND ".join(f"({p})" for p in parts), columns, dialect


@settings(max_examples=300, deadline=None)
@given(checks())
def test_the_columns_a_check_spells_give_the_bounds_of_all(
    case: tuple[str, list[str], str],
) -> None:
    sql, columns, dialect = case
    read = spelled_in(sql, Names.of(columns))
    assert set(read) <= set(columns)
    assert to_json(analyse(sql, dialect, read)) == to_json(analyse(sql, dialect, columns))


def test_a_check_is_keyed_by_what_it_reads() -> None:
    """The memo key of a CHECK's bounds names its own columns only: a table that gains a
    column (a one-column change of a wide table) finds every other CHECK's bounds again."""
    keys: list[str] = []

    def memo(kind: str, text: str, compute: object) -> str:
        keys.append(text)
        return compute()  # type: ignore[operator,no-any-return]

    compiler = Compiler("postgres", memo)
    columns = {f"c{i}": None for i in range(1000)}
    assert compiler.bounds("c3 >= 0", columns)["c3"].lo == 0
    compiler.bounds("c3 >= 0", {**columns, "c1000": None})
    assert keys[0] == keys[1]
    assert json.loads(keys[0])[-1] == ["c3"]


def test_an_escape_reads_every_column() -> None:
    names = Names.of(["a", "b"])
    assert spelled_in('U&"\\0061" > 0', names) == ["a", "b"]
    assert spelled_in("a > 0", names) == ["a"]
    assert spelled_in("a & 1 = 0", names) == ["a"]  # a bitwise AND is no escape
