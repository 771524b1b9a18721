"""Unit tests of single compilations: a tiny input, the exact generated code, one behaviour each."""

from __future__ import annotations

import ast
import importlib.util
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from textwrap import dedent

import pytest

from codegen.model import SqlType
from codegen.sqlexpr import (
    SUPPORTED,
    Compiled,
    compile_expression,
    compile_predicate,
    docs_table,
    load,
    runtime,
    runtime_source,
)
from codegen.sqlexpr.runtime import SqlError

N102 = SqlType("numeric", "numeric(10,2)", precision=10, scale=2)
NUM = SqlType("numeric", "numeric")
INT = SqlType("integer", "integer")
TEXT = SqlType("text", "text")
SQ_INT = SqlType("bigint", "integer", original="INTEGER")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "expressions.md"


def validate_code(compiled: Compiled, expected: str) -> None:
    assert compiled.source == dedent(expected).lstrip("\n")


def pg(sql: str, **columns: SqlType) -> Compiled:
    return compile_expression(sql, "postgres", columns, name="f")


# --------------------------------------------------------------------------- generated code


def test_numeric_times_integer_cast() -> None:
    compiled = compile_expression(
        "(price * (quantity)::numeric)", "postgres", {"price": N102, "quantity": INT},
        name="orders_total_price",
    )  # fmt: skip
    validate_code(
        compiled,
        '''
        def orders_total_price(price: Decimal | None, quantity: int | None) -> Decimal | None:
            """postgres: (price * (quantity)::numeric)"""
            if type(price) is rt.Decimal and price.same_quantum(rt.QUANTA[2]) and type(quantity) is int:
                return rt.positive_zero(rt.dmul(price, quantity))
            return rt.num_mul(price, rt.to_numeric(quantity))
        ''',  # noqa: E501
    )
    assert compiled.params == ("price", "quantity")
    assert compiled.result_type == SqlType("numeric", "numeric")
    assert compiled.unsupported is None


def test_result_type_applies_the_declared_typmod() -> None:
    compiled = compile_expression(
        "price * quantity", "postgres", {"price": N102, "quantity": INT}, name="total",
        result_type=N102,
    )  # fmt: skip
    validate_code(
        compiled,
        '''
        def total(price: Decimal | None, quantity: int | None) -> Decimal | None:
            """postgres: price * quantity"""
            if type(price) is rt.Decimal and price.same_quantum(rt.QUANTA[2]) and type(quantity) is int:
                return rt.digits_check(rt.dmul(price, quantity), 10, 2)
            return rt.to_numeric(rt.num_mul(price, rt.to_numeric(quantity)), 10, 2)
        ''',  # noqa: E501
    )
    assert load(compiled)["total"](Decimal("0.05"), 3) == Decimal("0.15")
    assert load(compiled)["total"](Decimal("0.125"), 1) == Decimal("0.13")  # half away from 0


def test_keyword_and_spaced_names_are_mangled() -> None:
    validate_code(
        compile_expression(
            '"class" + "order total"', "postgres", {"class": INT, "order total": INT}, name="f"
        ),
        '''
        def f(class_: int | None, order_total: int | None) -> int | None:
            """postgres: \\"class\\" + \\"order total\\""""
            return rt.int_add(class_, order_total, 'integer')
        ''',
    )


def test_builtin_and_colliding_names_get_distinct_python_names() -> None:
    compiled = compile_expression(
        '"sum" + "a b" + a_b', "postgres", {"sum": INT, "a b": INT, "a_b": INT}, name="f"
    )
    assert compiled.params == ("sum", "a b", "a_b")
    assert compiled.python_params == ("sum_", "a_b", "a_b_2")
    assert load(compiled)["f"](1, 2, 3) == 6


def test_params_follow_first_appearance_in_the_sql() -> None:
    compiled = pg("CASE WHEN b = 0 THEN NULL ELSE a / b END", a=INT, b=INT)
    assert compiled.params == ("b", "a")
    validate_code(
        compiled,
        '''
        def f(b: int | None, a: int | None) -> int | None:
            """postgres: CASE WHEN b = 0 THEN NULL ELSE a / b END"""
            result: int | None = (None if rt.is_true(rt.eq(b, 0)) else rt.int_div(a, b, 'integer'))
            return result
        ''',
    )


def test_coalesce_is_lazy() -> None:
    validate_code(
        pg("coalesce(nickname, name, 'anonymous')", nickname=TEXT, name=TEXT),
        '''
        def f(nickname: str | None, name: str | None) -> str | None:
            """postgres: coalesce(nickname, name, 'anonymous')"""
            result: str | None = rt.coalesce(nickname, lambda: name, lambda: 'anonymous')
            return result
        ''',
    )


def test_check_predicate_keeps_three_valued_logic() -> None:
    compiled = compile_predicate(
        "quantity > 0 AND price IS NOT NULL", "postgres", {"price": N102, "quantity": INT},
        name="chk",
    )  # fmt: skip
    validate_code(
        compiled,
        '''
        def chk(quantity: int | None, price: Decimal | None) -> bool | None:
            """postgres: quantity > 0 AND price IS NOT NULL"""
            return rt.and_(rt.gt(quantity, 0), lambda: (price is not None))
        ''',
    )
    chk = load(compiled)["chk"]
    assert (chk(1, Decimal(1)), chk(0, None), chk(None, Decimal(1))) == (True, False, None)


def test_sqlite_division_by_zero_is_null() -> None:
    compiled = compile_expression("a / b", "sqlite", {"a": SQ_INT, "b": SQ_INT}, name="f")
    validate_code(
        compiled,
        '''
        def f(a: int | None, b: int | None) -> Any:
            """sqlite: a / b"""
            return rt.sq_div(a, b)
        ''',
    )
    assert load(compiled)["f"](7, 0) is None
    assert load(compiled)["f"](-7, 2) == -3


def test_mysql_pipes_are_or() -> None:
    validate_code(
        compile_expression("a || b", "mysql", {"a": INT, "b": INT}, name="f"),
        '''
        def f(a: int | None, b: int | None) -> int | None:
            """mysql: a || b"""
            return rt.sq_bool(rt.or_(rt.my_truth(a), lambda: rt.my_truth(b)))
        ''',
    )


def test_constant_casts_are_folded() -> None:
    validate_code(
        pg("2.5::integer"),
        '''
        def f() -> int | None:
            """postgres: 2.5::integer"""
            return 3
        ''',
    )


# --------------------------------------------------------------------------- semantics


@pytest.mark.parametrize(
    ("sql", "expected"),
    [("7 / -2", -3), ("-7 % 3", -1), ("1 / 3::numeric", Decimal("0.33333333333333333333")),
     ("10::numeric / 4", Decimal("2.5000000000000000")), ("round(2.5)", Decimal(3)),
     ("round(2.5::float8)", 2.0), ("round(-0.5)", Decimal(-1)), ("1 || NULL", None),
     ("greatest(1, NULL, 3)", 3), ("1.50 * 2.0", Decimal("3.000")), ("'x' || 1", "x1")],
)  # fmt: skip
def test_postgres_semantics(sql: str, expected: object) -> None:
    compiled = pg(sql)
    if compiled.unsupported:  # `1 || NULL` has no text side
        assert expected is None
        return
    result = load(compiled)["f"]()
    assert result == expected and type(result) is type(expected)
    if isinstance(expected, Decimal):
        assert str(result) == str(expected)


def test_greatest_ignores_nulls_in_postgres_but_not_in_mysql_or_sqlite() -> None:
    assert load(pg("greatest(a, b)", a=INT, b=INT))["f"](None, 2) == 2
    mysql = compile_expression("greatest(a, b)", "mysql", {"a": INT, "b": INT}, name="f")
    assert load(mysql)["f"](None, 2) is None
    sqlite = compile_expression("max(a, b)", "sqlite", {"a": SQ_INT, "b": SQ_INT}, name="f")
    assert load(sqlite)["f"](None, 2) is None


@pytest.mark.parametrize(
    ("sql", "message"),
    [("a / 0", "division by zero"), ("a * 100000", "integer out of range"),
     ("a::smallint", "smallint out of range")],
)  # fmt: skip
def test_postgres_errors_raise_sql_error(sql: str, message: str) -> None:
    with pytest.raises(SqlError, match=message):
        load(pg(sql, a=INT))["f"](2**30)


def test_clock_is_injectable() -> None:
    fixed = datetime(2024, 2, 29, 23, 30, tzinfo=UTC)
    saved = runtime.clock
    runtime.clock = lambda: fixed
    try:
        assert load(pg("now()"))["f"]() == fixed
        assert str(load(pg("current_date + 1"))["f"]()) == "2024-03-01"
    finally:
        runtime.clock = saved


def test_seed_makes_uuids_reproducible() -> None:
    f = load(pg("gen_random_uuid()"))["f"]
    runtime.seed(42)
    first = f()
    runtime.seed(42)
    assert f() == first and first.version == 4


# --------------------------------------------------------------------------- unsupported


@pytest.mark.parametrize(
    ("sql", "part"),
    [("ln(price)", "function ln()"), ("(SELECT 1)", "subquery"),
     ("nextval('seq'::regclass)", "function nextval()"), ("price @> 1", "ArrayContainsAll"),
     ("missing + 1", "column missing (not in scope)"), ("name ~ 'a\\1'", "escape \\1"),
     ("price::numeric ^ 2", "power() of numeric")],
)  # fmt: skip
def test_unsupported_compiles_to_a_raising_function(sql: str, part: str) -> None:
    compiled = pg(sql, price=N102, name=TEXT)
    assert compiled.unsupported is not None and part in compiled.unsupported
    with pytest.raises(NotImplementedError) as info:
        load(compiled)["f"](*[None] * len(compiled.params))
    assert sql in str(info.value) and part in str(info.value)


def test_unsupported_keeps_the_parameters() -> None:
    compiled = pg("ln(price) + quantity", price=N102, quantity=INT)
    assert compiled.params == ("price", "quantity")
    assert compiled.source.startswith("def f(price: Decimal | None, quantity: int | None) -> Any:")


# --------------------------------------------------------------------------- injection


HOSTILE_SQL = [
    '\'"""; import os; os.system("echo hacked") #\' || name',
    "'\\' || name || '\\\\'",
    'name || \'\n"""\nraise SystemExit\n"""\'',
    "name || E'\\x00' -- \"\"\" ) ; __import__('os')",
    '"na""me""""" || \'x\'',
    "'\u2028\u2029\r\x0b' || name",
]


@pytest.mark.parametrize("sql", HOSTILE_SQL)
def test_no_sql_text_can_inject_code(sql: str) -> None:
    columns = {"name": TEXT, 'na"me""': TEXT}
    compiled = compile_expression(sql, "postgres", columns, name="f")
    tree = ast.parse(compiled.source)
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef)
    fn = tree.body[0]
    assert ast.get_docstring(fn, clean=False) is not None
    assert sql.replace("\n", "\n    ") in (ast.get_docstring(fn, clean=False) or "")
    assert len(fn.body) == 2 and isinstance(fn.body[1], (ast.Return, ast.Raise))
    for node in ast.walk(fn.body[1]):
        if isinstance(node, ast.Call):
            func = node.func
            ok = (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, (ast.Name, ast.Attribute))
                and ast.unparse(func).startswith("rt.")
            ) or (isinstance(func, ast.Name) and func.id == "NotImplementedError")
            assert ok, ast.unparse(node)
        assert not isinstance(node, (ast.Import, ast.ImportFrom))
    load(compiled)


def test_hostile_function_name_is_refused() -> None:
    with pytest.raises(ValueError):
        compile_expression("1", "postgres", {}, name="f(): pass\nimport os\ndef g")


# --------------------------------------------------------------------------- runtime and docs


def test_runtime_is_stdlib_only_and_runs_standalone(tmp_path: Path) -> None:
    source = runtime_source()
    allowed = {"__future__", "calendar", "hashlib", "json", "math", "random", "re", "struct",
               "uuid", "collections", "datetime", "decimal", "fractions", "typing"}  # fmt: skip
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            assert {a.name.split(".")[0] for a in node.names} <= allowed
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0 and (node.module or "").split(".")[0] in allowed
    path = tmp_path / "_sqlruntime.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("_sqlruntime", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["_sqlruntime"] = module
    try:
        spec.loader.exec_module(module)
        namespace = {"rt": module}
        exec(pg("round(a / 3::numeric, 2)", a=INT).source, namespace)
        assert namespace["f"](10) == Decimal("3.33")  # type: ignore[operator]
    finally:
        del sys.modules["_sqlruntime"]


def test_docs_match_the_registry() -> None:
    """docs/expressions.md is generated: `python -m codegen.sqlexpr.docs` refreshes it."""
    assert DOCS.read_text(encoding="utf-8") == docs_table()


def test_registry_covers_every_dialect() -> None:
    dialects = {d for notes in SUPPORTED.values() for d in notes}
    assert dialects == {"postgres", "sqlite", "mysql"}


# ------------------------------------------------------------- MySQL (documented semantics)

MY_DEC = SqlType("numeric", "decimal(10,2)", precision=10, scale=2)


@pytest.mark.parametrize(
    ("sql", "row", "expected"),
    [
        ("1 / 3", {}, Decimal("0.3333")),  # div_precision_increment = 4
        ("p / a", {"p": Decimal("2.00"), "a": 3}, Decimal("0.666667")),
        ("a DIV 2", {"a": -7}, -3),
        ("a MOD 3", {"a": -7}, -1),
        ("CASE WHEN a > 0 THEN 1 ELSE p END", {"a": 1, "p": Decimal("2.50")}, Decimal("1.00")),
        ("concat('x', a, NULL)", {"a": 1}, None),
        ("concat_ws('-', 'x', a, NULL, p)", {"a": 1, "p": Decimal("2.50")}, "x-1-2.50"),
        ("ROUND(p, 1)", {"p": Decimal("2.25")}, Decimal("2.3")),
        ("a <=> NULL", {"a": None}, 1),
    ],
)
def test_mysql_semantics(sql: str, row: dict[str, object], expected: object) -> None:
    compiled = compile_expression(sql, "mysql", {"a": INT, "p": MY_DEC}, name="f")
    assert compiled.unsupported is None, compiled.source
    result = load(compiled)["f"](*[row[p] for p in compiled.params])
    assert result == expected and type(result) is type(expected)
    if isinstance(expected, Decimal):
        assert str(result) == str(expected)


def test_mysql_division_by_zero_raises_as_strict_mode_storing_does() -> None:
    f = load(compile_expression("a / 0", "mysql", {"a": INT}, name="f"))["f"]
    with pytest.raises(SqlError, match="Division by 0"):
        f(1)


def test_mysql_text_comparison_follows_the_collation() -> None:
    """MySQL 8's default utf8mb4_0900_ai_ci ignores case and is NO PAD; MariaDB's and
    older ones (general_ci, unicode_ci) are PAD SPACE; what is not modelled raises."""
    default = load(compile_expression("s = 'x'", "mysql", {"s": TEXT}, name="f"))["f"]
    assert (default("X"), default("x "), default(None)) == (1, 0, None)
    with pytest.raises(NotImplementedError, match="utf8mb4_0900_ai_ci"):
        default("é")
    general = SqlType("varchar", "varchar(5) collate utf8mb4_general_ci", length=5)
    padded = load(compile_expression("s = 'x'", "mysql", {"s": general}, name="f"))["f"]
    assert (padded("X  "), padded("y")) == (1, 0)
    binary = SqlType("varchar", "varchar(5) collate utf8mb4_bin", length=5)
    exact = load(compile_expression("s < 'b'", "mysql", {"s": binary}, name="f"))["f"]
    assert (exact("B"), exact("a\t"), exact("\u00e9")) == (1, 1, 0)
    cs = SqlType("varchar", "varchar(5) collate utf8mb4_0900_as_cs", length=5)
    compiled = compile_expression("s = 'x'", "mysql", {"s": cs}, name="f")
    assert compiled.unsupported == "comparison under collation utf8mb4_0900_as_cs"
