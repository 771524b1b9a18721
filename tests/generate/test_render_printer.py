"""The literal printer's shortcuts pinned to the plain algorithm they stand for: `py` gives
up measuring a literal at its line's end (`_fill`) and lays out what the printer that
measured each level's whole flat text laid out."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from codegen import render
from codegen.render import LINE_LENGTH, _flat, _splittable, _width

# wide (two columns), combining (none) and plain characters: columns are not characters
_CHARS = ["a", "b", " ", "'", '"', "\\", "\n", "é", "漢", "\u0301"]
_TEXT = st.text(alphabet=st.sampled_from(_CHARS), max_size=40)
_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | _TEXT
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=8)
        | st.dictionaries(_TEXT, inner, max_size=6)
        | st.lists(inner, max_size=8).map(tuple)
    ),
    max_leaves=60,
)


def _py_measured(value: Any, indent: int = 0, prefix: str = "", suffix: str = "") -> str:
    """`py` as it was: each level's whole flat text measured, then exploded."""
    hopeless = _splittable(value) and indent + len(prefix) + 3 * len(value) > LINE_LENGTH
    if not hopeless:
        flat = prefix + _flat(value) + suffix
        if indent + _width(flat) <= LINE_LENGTH or not _splittable(value):
            return flat
    pad = " " * (indent + 4)
    items: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            items.append(pad + _py_measured(v, indent + 4, _flat(k) + ": ", ","))
        open_, close = "{", "}"
    else:
        for v in value:
            items.append(pad + _py_measured(v, indent + 4, "", ","))
        open_, close = ("[", "]") if isinstance(value, list) else ("(", ")")
    return prefix + open_ + "\n" + "\n".join(items) + "\n" + " " * indent + close + suffix


@settings(max_examples=600, deadline=None)
@given(
    _VALUES,
    st.sampled_from([0, 4, 8, 40, 90, 99, 100, 120]),
    st.sampled_from(["", "X = ", "漢字: "]),
    st.sampled_from(["", ",", ")  # é"]),
)
def test_py_is_the_measured_layout(value: Any, indent: int, prefix: str, suffix: str) -> None:
    assert render.py(value, indent, prefix, suffix) == _py_measured(value, indent, prefix, suffix)


@settings(max_examples=400, deadline=None)
@given(_VALUES, st.integers(-3, 120))
def test_fill_is_the_flat_text_when_it_fits(value: Any, room: int) -> None:
    parts: list[str] = []
    left = render._fill(value, parts, room)
    flat = _flat(value)
    assert (left >= 0) == (_width(flat) <= room)
    if left >= 0:
        assert "".join(parts) == flat
        assert left == room - _width(flat)


def test_an_unsupported_value_still_raises_when_given_up_early() -> None:
    value = ("x" * 200, {1, 2})
    try:
        render.py(value)
    except TypeError as error:
        assert "set" in str(error)
    else:
        raise AssertionError("a set printed")
