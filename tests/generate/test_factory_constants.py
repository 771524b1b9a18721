"""What a factory module states as constants rather than code (issue 16, import with every
factory touched): a table's spec is one literal read on first use, and a column whose
generator takes constants names it and its arguments instead of a lambda. Both must give
what the code they replace gave."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from codegen.plan.columns import bound_call, declaration
from codegen.valuegen import Gen

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


@pytest.mark.parametrize(
    ("expr", "numbered", "bound"),
    [
        ("sg.random_int(1, 20)", False, "sg.random_int, 1, 20"),
        ('sg.random_text("name", maxlen=80)', False, 'sg.random_text, "name", maxlen=80'),
        ("sg.random_float(-1.5, 2)", False, "sg.random_float, -1.5, 2"),
        ('sg.random_set(("a", "b"))', False, 'sg.random_set, ("a", "b")'),
        ('sg.random_choice((Decimal("1.5"),))', False, 'sg.random_choice, (Decimal("1.5"),)'),
        ("sg.random_inet()", False, "sg.random_inet"),
        ('sg.unique_text(n, "email")', True, 'sg.unique_text, "email"'),
        ("sg.unique_int(n, 1, 9, 'k')", True, "sg.unique_int, 1, 9, 'k'"),
        ('sg.unique_text(n + 1, "email")', True, None),  # n not the first argument
        ('sg.unique_text("email", n)', True, None),
        ("sg.random_array(lambda: sg.random_int(1, 2))", False, None),  # a function argument
        ("sg.random_json_doc([1], True)", False, None),  # a list: a fresh one per row
        ("sg.random_json({})", False, None),
        ("sg.random_int(*bounds)", False, None),
        ("sg.random_int(**bounds)", False, None),
        ("sg.random_int(lo, 2)", False, None),  # a name, read per row
        ("sg.fake_word()", False, None),  # rebound when Faker loads: read per row
        ("sg.faker('name')", False, None),
        ("rt.random_int(1, 2)", False, None),
        ("sg.random_int(1, 2) + 1", False, None),
        ("sg.random_int(1, (2", False, None),
    ],
)
def test_bound_call_binds_constant_arguments_of_generators_only(
    expr: str, numbered: bool, bound: str | None
) -> None:
    assert bound_call(expr, numbered) == bound


@pytest.mark.parametrize(
    ("expr", "needs_n", "decl"),
    [
        ("n + 1", True, "sg.offset(1)"),
        ("n + 1000", True, "sg.offset(1000)"),
        ("n * 2", True, "sg.sequence(lambda n: n * 2)"),
        ('sg.unique_text(n, "e")', True, 'sg.numbered(sg.unique_text, "e")'),
        ("sg.random_int(1, 2)", False, "sg.lazy_call(sg.random_int, 1, 2)"),
        ("sg.random_uuid()", False, "sg.lazy_function(sg.random_uuid)"),
        (
            "None if sg.draw_null() else sg.random_int(1, 2)",
            False,
            "sg.lazy_call_or_null(sg.random_int, 1, 2)",
        ),
        (
            "None if sg.draw_null(0.5) else sg.random_int(1, 2)",
            False,
            "sg.lazy_function(lambda: None if sg.draw_null(0.5) else sg.random_int(1, 2))",
        ),
        ("sg.sqlite_value(sg.random_int(1, 2))", False, None),
    ],
)
def test_declarations_name_bound_generators(expr: str, needs_n: bool, decl: str | None) -> None:
    made = declaration(expr, Gen(expr, needs_n=needs_n))
    assert made == (decl or f"sg.lazy_function(lambda: {expr})")


@pytest.fixture
def pkg(make_package: Callable[..., ModuleType]) -> ModuleType:
    return make_package(sql=SQL)


def _lambda_of(decl: str) -> Callable[..., Any]:
    """The lambda a bound declaration stands for, as the writer used to write it."""
    call = ast.parse(decl, mode="eval").body
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
    fn, *rest = (ast.unparse(a) for a in call.args)
    given = [*rest, *(f"{k.arg}={ast.unparse(k.value)}" for k in call.keywords)]
    kind = call.func.attr
    source = {
        "lazy_call": f"lambda: {fn}({', '.join(given)})",
        "lazy_call_or_null": f"lambda: None if sg.draw_null() else {fn}({', '.join(given)})",
        "numbered": f"lambda n: {fn}({', '.join(['n', *given])})",
        "offset": f"lambda n: n + {fn}",
    }[kind]
    return eval(source)  # type: ignore[no-any-return]


def test_bound_declarations_draw_what_their_lambdas_drew(pkg: ModuleType) -> None:
    """Each bound column of the generated factories against the lambda it replaces: the
    same values in the same order from the same seed (the draws are the lambda's)."""
    sg = pkg._runtime
    found = 0
    for factory in pkg.FACTORIES.values():
        module = inspect.getmodule(factory)
        for line in inspect.getsource(factory).splitlines():
            attr, _, decl = line.strip().partition(" = ")
            kinds = ("sg.lazy_call(", "sg.lazy_call_or_null(", "sg.numbered(", "sg.offset(")
            if not decl.startswith(kinds):
                continue
            found += 1
            bound = factory._meta.declarations[attr]
            wrapped = _lambda_of(decl)
            wrapped.__globals__.update(sg=sg)  # eval'd here: give it the package's runtime
            takes_n = decl.startswith(("sg.numbered(", "sg.offset("))
            draws = []
            for fn in (bound.function, wrapped):
                pkg.reset(3)
                draws.append([fn(n) if takes_n else fn() for n in range(30)])
            assert draws[0] == draws[1], (module, decl)
    assert found >= 5


def test_a_table_is_built_from_its_constant_on_first_use(pkg: ModuleType) -> None:
    child = pkg.FACTORIES["child"]
    assert "_spec" not in vars(child)  # loading the factory built nothing
    assert isinstance(vars(child)["_table"], tuple)
    spec = child._spec
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
