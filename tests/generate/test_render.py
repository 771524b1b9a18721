"""Literals laid out as black lays them out; names and comments that can't break the code."""

from __future__ import annotations

import black
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.naming import identifier
from codegen.render import LINE_LENGTH, Formatter, comment, py, pystr

MODE = black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion.PY311})
scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=30)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=6)
        | st.dictionaries(st.text(max_size=15), inner, max_size=6)
        | st.tuples(inner, inner)
    ),
    max_leaves=40,
)


@settings(max_examples=150, deadline=None)
@given(values)
def test_py_literals_are_black_stable_and_round_trip(value: object) -> None:
    source = py({"k": value}, 0, "X = ") + "\n"
    assert black.format_str(source, mode=MODE) == source
    namespace: dict[str, object] = {}
    exec(source, namespace)
    assert namespace["X"] == {"k": value}


@given(st.text())
def test_pystr_round_trips(text: str) -> None:
    assert eval(pystr(text)) == text


def test_identifiers_and_comments_are_safe() -> None:
    taken: set[str] = set()
    assert identifier("class", taken) == "class_"
    assert identifier("order total", taken) == "order_total"
    assert identifier("Order Total", taken) == "Order_Total_2"  # case-blind (file systems)
    assert identifier("1st", taken) == "c_1st"
    assert comment('a """\nb\r\nimport os') == '# a """ b import os'


def test_formatter_caches_blocks() -> None:
    f = Formatter()
    text = "x  =  1\n#@schemagen:block\ny=[1,\n2]\n"
    assert f.format_file(text) == "x = 1\n\n\ny = [1, 2]\n"
    f.format_file(text)
    assert f.formatted_blocks == 2
    again = Formatter.from_json(f.to_json())
    again.format_file(text)
    assert again.formatted_blocks == 0


def test_literal_spells_dates_as_the_module_imports_them() -> None:
    import datetime as dt
    import uuid
    from decimal import Decimal

    from codegen.render import literal

    when = dt.datetime(2024, 1, 2, 3, 4, 5)
    assert literal(when) == 'datetime.fromisoformat("2024-01-02T03:04:05")'
    assert literal(when.date(), dates="_dt.") == '_dt.date.fromisoformat("2024-01-02")'
    assert literal(dt.time(1, 2), dates="_dt.") == '_dt.time.fromisoformat("01:02:00")'
    assert literal([Decimal("1.50"), None]) == '[Decimal("1.50"), None]'
    assert literal({"a": [1, 2.5, float("inf")]}) == '{"a": [1, 2.5, float("inf")]}'
    assert literal(uuid.UUID(int=1)) == 'UUID("00000000-0000-0000-0000-000000000001")'
    assert literal(object()) is None
    assert literal([object()]) is None
