"""`codegen.longline`: a long `name = callee(...)` statement split as black splits it.
black itself is the oracle: every layout `split` (or `Formatter.shaped`) gives is compared
with `black.format_str` of the same statement at the same indent."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import black
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from codegen import longline, pipeline
from codegen.config import Config
from codegen.context import Context
from codegen.outputs import factories
from codegen.render import LINE_LENGTH, Formatter, _width, pystr

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_scale import wide_sql

FLAT = black.Mode(line_length=100_000, target_versions={black.TargetVersion.PY311})


def black_at(text: str, indent: int) -> str:
    """What `Formatter._black_statement` returns: black in the room left by `indent`."""
    mode = black.Mode(line_length=LINE_LENGTH - indent, target_versions={black.TargetVersion.PY311})
    out = black.format_str(text + "\n", mode=mode).strip("\n")
    return out.replace("\n", "\n" + " " * indent)


def flat(text: str) -> str | None:
    """`text` as black writes it on one line (None: black keeps it on several, e.g. for a
    magic trailing comma, or it is not Python)."""
    try:
        ast.parse(text)
        out = black.format_str(text + "\n", mode=FLAT).strip("\n")
    except Exception:
        return None
    return None if "\n" in out else out


NAMES = ["a", "o", "x1", "_", "sg", "draw", "value", "created_at", "café", "名前", "A" * 30]
names = st.sampled_from(NAMES) | st.integers(1, 60).map(lambda n: "n" * n)
strings = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
) | st.sampled_from(["'", '"', "\\", "#", "a, b", "(x)", "''' \"\"\"", "東京", "\n", ",)"])
quoted = st.builds(lambda s, single: repr(s) if single else pystr(s), strings, st.booleans())
atoms = (
    names
    | quoted
    | st.integers(-(10**12), 10**12).map(str)
    | st.sampled_from(["None", "True", "False", "1.5", "-2", "o.created_at", "x[1:2]"])
)


def _call(callee: str, args: list[str], kwargs: list[tuple[str, str]]) -> str:
    return f"{callee}({', '.join([*args, *(f'{k}={v}' for k, v in kwargs)])})"


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    kwargs = st.lists(st.tuples(names, inner), max_size=2)
    params = st.lists(names, min_size=1, max_size=3, unique=True).map(", ".join)
    ops = st.sampled_from(["+", "-", "*", "**", "==", "and", "or", "%"])
    return st.one_of(
        st.builds(_call, dotted, st.lists(inner, max_size=3), kwargs),
        st.builds(lambda b: f"lambda: {b}", inner),
        st.builds(lambda p, b: f"lambda {p}: {b}", params, inner),
        st.builds(lambda a, b, c: f"{a} if {b} else {c}", inner, inner, inner),
        st.builds(lambda xs: f"({', '.join(xs)})", st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda x: f"({x},)", inner),
        st.builds(lambda xs: f"[{', '.join(xs)}]", st.lists(inner, max_size=3)),
        st.builds(lambda k, v: f"{{{k}: {v}}}", inner, inner),
        st.builds(lambda a, op, b: f"{a} {op} {b}", inner, ops, inner),
        st.builds(lambda a: f"*{a}", names),
        st.builds(lambda a: f"**{a}", names),
        st.builds(lambda a, b: f"{a} for {b} in {a}", names, names),
        st.builds(lambda x: f"{x}  # note", inner),
        st.builds(lambda x: f"f'{{{x}}}'", names),
    )


dotted = st.lists(names, min_size=1, max_size=3).map(".".join)
expressions = st.recursive(atoms, _extend, max_leaves=8)


@st.composite
def statements(draw: st.DrawFn) -> tuple[str, int]:
    """`name = callee(args)` at indent 0/4/8, its length near the room (by the name's
    length), its arguments' near the room at indent + 4 (by a padding argument), or not."""
    indent = draw(st.sampled_from([0, 4, 8]))
    room = LINE_LENGTH - indent
    callee = draw(dotted | st.just("sg.lazy_function"))
    args = draw(st.lists(expressions, min_size=1, max_size=5))
    body = ", ".join(args)
    if draw(st.booleans()):  # the arguments' line at its limit, give or take
        pad = room - 4 - _width(body) - 2 + draw(st.integers(-3, 3))
        if pad > 0:
            args.append("p" * pad)
    if draw(st.booleans()):  # one argument at its own line's limit, give or take
        args.append("q" * max(1, room - 5 + draw(st.integers(-2, 2))))
    rest = f" = {callee}({', '.join(args)})"
    target = room + draw(st.integers(-2, 40))  # the whole line's width, about
    name_len = max(1, min(200, target - _width(rest)))
    name = draw(st.just("c" + "x" * (name_len - 1)) | names)
    return name + rest, indent


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements())
def test_split_is_blacks_layout(case: tuple[str, int]) -> None:
    text, indent = case
    canonical = flat(text)
    if canonical is None:
        return
    split = longline.split(canonical, LINE_LENGTH - indent, _width)
    expected = black_at(canonical, indent)
    if split is None:
        event("left to black")
        return
    event("split" if split.count("\n") == 2 else "split at commas")
    assert split.replace("\n", "\n" + " " * indent) == expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements())
def test_shaped_statement_is_blacks_layout(case: tuple[str, int]) -> None:
    """Through the formatter, as the templates call it: single-quoted strings (the
    expression compiler writes repr()) requoted first."""
    text, indent = case
    canonical = flat(text)
    if canonical is None or flat(canonical) != canonical:
        return
    formatter = Formatter()
    assert formatter.shaped(canonical, indent) == black_at(canonical, indent)
    event("no black" if formatter.formatted_blocks == 0 else "black")


NULL_OR = "lambda: None if sg.draw_null() else "
WIDE = [
    f'c1002 = sg.lazy_function({NULL_OR}sg.random_text("sentence", maxlen=80))',
    f"c2 = sg.lazy_function({NULL_OR}sg.random_decimal(100, 100000, scale=2))",
    f"c4 = sg.lazy_function({NULL_OR}sg.random_timestamp(-31536000, 0, tz=True))",
    "x = factory.SubFactory(" + ", ".join(f"argument_{i}='v{i}'" for i in range(9)) + ")",
]


@pytest.mark.parametrize("text", WIDE)
@pytest.mark.parametrize("indent", [0, 4, 8])
def test_common_long_forms_need_no_black(text: str, indent: int) -> None:
    formatter = Formatter()
    assert formatter.shaped(text, indent) == black_at(flat(text) or "", indent)
    assert formatter.formatted_blocks == 0


@pytest.mark.parametrize(
    "text",
    [
        "x = f(aaaa, " + "b" * 90 + ",)",  # a magic trailing comma
        "x = f(a)(" + "b" * 120 + ")",  # not the call of a dotted name
        "x = f(" + "b" * 120 + ")  # c",  # a comment
        "x = f(y for y in " + "b" * 120 + ")",  # a generator argument
        "x = f(a ** " + "b" * 120 + ")",  # black hugs simple powers
        "x = f(f'{a}', " + "b" * 120 + ")",  # an f-string
        "x[0] = f(a, " + "b" * 120 + ")",  # brackets before `=`
        "x = f(" + "b" * 120 + ")",  # one argument too long for any line
        "x = f(a)",  # fits: black keeps it
    ],
)
def test_what_only_black_knows_is_left_to_it(text: str) -> None:
    assert longline.split(text, LINE_LENGTH, _width) is None


def test_a_wide_tables_factories_need_no_black(tmp_path: Path) -> None:
    """bench_scale's wide table: every long declaration split by construction, and the
    module a black fixed point (before: one black call per declaration over 96 columns)."""
    path = tmp_path / "wide.sql"
    path.write_text(wide_sql(300), encoding="utf-8")
    built = pipeline.load([str(path)], "postgres")
    formatter = Formatter()
    ctx = Context(built.schema, Config(inputs=(str(path),)), built.sources_digest, formatter)
    modules = [body for name, body in factories.render(ctx).items() if "/_part" in name]
    assert sum(text.count("sg.lazy_function(\n") for text in modules) > 100
    assert formatter.formatted_blocks == 0
    mode = black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion.PY311})
    for text in modules:
        assert black.format_str(text, mode=mode) == text
