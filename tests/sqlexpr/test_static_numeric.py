"""Numeric with static scales (sqlexpr/pg_static.py) against a real PostgreSQL.

Random expressions over numeric(p,s) and integer columns (+ - * /, round to random places,
division by powers of ten and by columns, casts, COALESCE, comparisons) stored as a random
numeric(P,S) or unconstrained: the faster body alone (taken out of the compiled function),
the whole function, and PostgreSQL give the same value (same scale) or the same SQLSTATE.
Inputs sit at the edges: every digit used, zeros, halves at the last place, dividends wide
enough that PostgreSQL's division scale rounds before round() does, NULL and NaN (the
general body's: the guard must send them there).
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.sqlexpr import Compiled, compile_expression, compile_predicate, runtime

from .harness import Outcome, call, pg_select, pg_sqltype, same

EXAMPLES = int(os.environ.get("SQLEXPR_EXAMPLES", "40")) * 5

EXPRESSIONS = [
    "a * n", "a + b", "a - b * n", "-a + b", "a * b * n",
    "round(a * b / 100, {k})", "round(a * n * b / {pow10}, {k})", "round(a / {pow10}, {k})",
    "round(a / b, {k})", "round(a / n, {k})", "a / {pow10}", "a / b", "(a + b) / n",
    "round(a, {k}) - b", "round(a)", "COALESCE(a, 0) * n", "a::numeric({p2},{s2}) + b",
    "n::numeric({p2},{s2}) * a", "round(b * {const} / {int}, {k})", "a * '2.5'::numeric",
    "round('{const}'::numeric({p2},{s2}) * a, {k})",
    "a * n - round(a * n * b / 100, {k})", "(a + b) * (a + b) - (a + b) * n",
]  # fmt: skip
PREDICATES = [
    "a >= 0 AND a <= 100", "a * n > b", "a BETWEEN 0 AND 5", "NOT (a < b) OR n > 3",
    "a + b = {const}", "round(a / {pow10}, {k}) > b",
    # chains of 3+ terms, which the compiler flattens (one fast body for the whole chain)
    "a >= 0 AND a <= 100 AND b > n", "a > b OR n > 3 OR b < {const}",
    "a <= b AND b <= n AND n <= 100", "{const} < a AND a <= b AND b < n AND n <> 0",
    "NOT (a < b) AND n > 3 AND a * n > b OR b = {const} OR a < 0",
    "(a > 0 OR b > 0 OR n > 0) AND n > 1 AND a + b < {const}",
]  # fmt: skip


@st.composite
def numeric_type(draw: st.DrawFn) -> str:
    p = draw(st.sampled_from([1, 2, 3, 5, 10, 12, 20, 30]))
    return f"numeric({p},{draw(st.integers(0, min(p, 12)))})"


@st.composite
def at_scale(draw: st.DrawFn, spelling: str) -> Any:
    """A value of numeric(p,s), at its scale, or NULL/NaN."""
    t = pg_sqltype(spelling)
    p, s = t.precision or 1, t.scale or 0
    top = 10**p - 1
    edges = [e for e in (0, 1, -1, top, -top, 5, -5, 15, 45) if abs(e) <= top]
    unscaled = draw(st.one_of(
        st.integers(-top, top), st.sampled_from(edges),
        st.integers(1 - 10 ** (p // 2), 10 ** (p // 2) - 1).map(lambda n: n * 10 ** (p - p // 2)),
    ))  # fmt: skip
    special = draw(st.sampled_from([None, Decimal("NaN")] + [Decimal(0)] * 12))
    if special is None or special.is_nan():
        return special
    return Decimal(unscaled).scaleb(-s, runtime.NUM)


def _fill(draw: st.DrawFn, template: str, p2: int, s2: int) -> str:
    return template.format(
        k=draw(st.integers(-3, 20)),
        pow10=draw(st.sampled_from(["1", "10", "100", "1000", "100000", "0.1", "0.01", "1.0"])),
        const=draw(st.sampled_from(["0", "1.5", "-2.25", "100", "0.005", "123456789.123"])),
        int=draw(st.sampled_from(["3", "7", "-12", "100"])),
        p2=p2,
        s2=s2,
    )


@st.composite
def cases(draw: st.DrawFn, predicate: bool) -> tuple[str, dict[str, str], str | None, dict]:
    ta, tb = draw(numeric_type()), draw(numeric_type())
    p2 = draw(st.integers(1, 20))
    sql = _fill(draw, draw(st.sampled_from(PREDICATES if predicate else EXPRESSIONS)), p2,
                draw(st.integers(0, p2)))  # fmt: skip
    columns = {"a": ta, "b": tb, "n": "integer"}
    stored = None if predicate else draw(st.one_of(st.none(), numeric_type()))
    if not predicate and "/" in sql and "round" not in sql:  # a quotient's scale is known
        stored = draw(numeric_type())  # once its stored type rounds it
    ints = st.one_of(st.none(), st.sampled_from([0, 1, -1, 7, 2**31 - 1]), st.integers(-999, 999))
    row = {"a": draw(at_scale(ta)), "b": draw(at_scale(tb)), "n": draw(ints)}
    return sql, columns, stored, row


def fast_only(compiled: Compiled) -> Callable[..., Any] | None:
    """The compiled function's faster body alone (its `if guard:` branch), or None."""
    fn = ast.parse(compiled.source).body[0]
    assert isinstance(fn, ast.FunctionDef)
    branch = fn.body[1]
    if not isinstance(branch, ast.If):
        return None
    fn.body = branch.body
    namespace: dict[str, Any] = {"rt": runtime}
    exec(compile(ast.Module([fn], []), "<fast>", "exec"), namespace)
    return namespace[fn.name]  # type: ignore[no-any-return]


def _check(conn: psycopg.Connection, case: tuple[str, dict[str, str], str | None, dict]) -> None:
    sql, columns, stored, row = case
    types = {n: pg_sqltype(t) for n, t in columns.items()}
    if stored is None and any(w in sql for w in ("AND", "OR", ">", "<", "=")):
        compiled = compile_predicate(sql, "postgres", types, name="check")
    else:
        result = pg_sqltype(stored) if stored else None
        compiled = compile_expression(sql, "postgres", types, name="expr", result_type=result)
    assert compiled.unsupported is None, compiled.source
    namespace: dict[str, Any] = {"rt": runtime}
    exec(compile(compiled.source, "<expr>", "exec"), namespace)
    whole, fast = namespace[compiled.name], fast_only(compiled)
    # none only where a constant cannot be stored in its cast's type (raised at run time)
    assert fast is not None or "rt.invalid(" in compiled.source, compiled.source
    args = [row[p] for p in compiled.params]
    db = pg_select(conn, sql, {p: columns[p] for p in compiled.params}, row,
                   f"{{}}::{stored}" if stored else "{}")  # fmt: skip
    py = call(whole, args)
    assert same(db, py), f"{sql} as {stored} with {row}: postgres {db!r}, python {py!r}"
    finite = (isinstance(v, int) or (isinstance(v, Decimal) and v.is_finite()) for v in args)
    if fast is not None and all(finite):
        quick = call(fast, args)
        assert same(db, quick), f"{sql} as {stored}, {row}: postgres {db!r}, fast {quick!r}"


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(case=cases(predicate=False))
def test_static_scales_match_postgres(pgdb: psycopg.Connection, case: Any) -> None:
    _check(pgdb, case)


@settings(max_examples=EXAMPLES // 2, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(case=cases(predicate=True))
def test_static_predicates_match_postgres(pgdb: psycopg.Connection, case: Any) -> None:
    _check(pgdb, case)


def test_a_constant_its_cast_cannot_hold_raises_22003(pgdb: psycopg.Connection) -> None:
    """'100'::numeric(1,0) overflows for every input: the call raises PostgreSQL's SQLSTATE
    (hypothesis 6.170 found it given as 22000)."""
    row = {"a": None, "b": None, "n": None}
    columns = {"a": "numeric(1,0)", "b": "numeric(1,0)", "n": "integer"}
    _check(pgdb, ("round('100'::numeric(1,0) * a, 0)", columns, None, row))


def test_double_rounding_of_a_wide_quotient(pgdb: psycopg.Connection) -> None:
    """PostgreSQL rounds a / 100 at its division scale (6 places here: a's) before
    round(., 2) does: .45499950 becomes .455000, then .46 (one rounding would give .45)."""
    sql, columns = "round(a / 100, 2)", {"a": "numeric(30,6)"}
    compiled = compile_expression(sql, "postgres", {"a": pg_sqltype(columns["a"])}, name="e")
    fast = fast_only(compiled)
    assert fast is not None
    a = Decimal("123456789012345.499950")
    db = pg_select(pgdb, sql, columns, {"a": a})
    assert db == Outcome(Decimal("1234567890123.46")) and same(db, call(fast, [a]))


def test_off_scale_inputs_take_the_general_body() -> None:
    """A value with other places, NaN or a bool fails the guard: the general body's answer
    (1.5 * 3 stored as numeric(12,2) is 4.50 either way; 1.555 * 3 is 4.67; a bool is
    refused as before). -0.00 passes the guard: the fast body's digits_check drops its sign."""
    types = {"a": pg_sqltype("numeric(10,2)"), "n": pg_sqltype("integer")}
    compiled = compile_expression("a * n", "postgres", types, name="e",
                                  result_type=pg_sqltype("numeric(12,2)"))  # fmt: skip
    namespace: dict[str, Any] = {"rt": runtime}
    exec(compile(compiled.source, "<e>", "exec"), namespace)
    fn = namespace["e"]
    assert str(fn(Decimal("1.555"), 3)) == "4.67" and str(fn(Decimal("1.5"), 3)) == "4.50"
    assert str(fn(Decimal("-0.00"), 3)) == "0.00" and fn(Decimal("NaN"), 3).is_nan()
    assert fn(None, 3) is None and fn(Decimal("1.50"), None) is None
    with pytest.raises(TypeError):
        fn(Decimal("1.50"), True)


TEXT_CASES = ["s = t", "s <> 'ab'", "s = 'x' AND t <> s", "s = t OR a > 0", "e = 'paid'"]


@pytest.mark.parametrize("sql", TEXT_CASES)
def test_text_equality_matches_postgres(pgdb: psycopg.Connection, sql: str) -> None:
    """Text, varchar and enum values compared for equality: code points, as the server."""
    from .harness import compile_pg, pg_compare, strategy

    columns = {"s": "text", "t": "varchar(3)", "a": "numeric(5,2)", "e": "text"}
    compiled = compile_pg(sql, columns, predicate=True)
    assert fast_only(compiled) is not None, compiled.source
    namespace: dict[str, Any] = {"rt": runtime}
    exec(compile(compiled.source, "<t>", "exec"), namespace)
    fn = namespace[compiled.name]

    @settings(max_examples=EXAMPLES // 4, deadline=None, database=None)
    @given(row=st.fixed_dictionaries({name: strategy(t) for name, t in columns.items()}))
    def check(row: dict[str, Any]) -> None:
        db, py = pg_compare(pgdb, sql, columns, row, compiled, fn)
        assert same(db, py), f"{sql} with {row}: postgres {db!r}, python {py!r}"

    check()


@pytest.mark.parametrize(
    ("sql", "body"),
    [
        ("a >= 0 AND a <= 100 AND b > n", "a >= 0 and a <= 100 and b > n"),
        ("a <= b AND b <= n AND n <= 100", "a <= b <= n <= 100"),
        ("b < a AND a <= 5 AND n > 1 AND n < 9", "b < a <= 5 and n > 1 and n < 9"),
        ("a > b OR n > 3 OR b < 1", "a > b or n > 3 or b < 1"),
        ("a > 0 AND (b > 0 AND n > 0) AND a < b", "a > 0 and (b > 0 and n > 0) and a < b"),
    ],
)
def test_a_chain_of_three_or_more_terms_has_one_fast_body(sql: str, body: str) -> None:
    """The compiler flattens `x AND y AND z` (its inner AND is never typed): the fast body
    takes the flattened terms, chaining comparisons that share a side."""
    types = {"a": pg_sqltype("numeric(10,2)"), "b": pg_sqltype("numeric(5,1)"),
             "n": pg_sqltype("integer")}  # fmt: skip
    compiled = compile_predicate(sql, "postgres", types, name="check")
    fn = ast.parse(compiled.source).body[0]
    assert isinstance(fn, ast.FunctionDef) and isinstance(fn.body[1], ast.If), compiled.source
    returned = fn.body[1].body[0]
    assert isinstance(returned, ast.Return) and returned.value is not None
    assert ast.unparse(returned.value) == ast.unparse(ast.parse(body)), compiled.source


def test_each_node_is_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast body reads what the general body compiled (types, a cast's constant): a
    cast's subtree compiled again there made nested casts quadratic (17 nodes, 61 compiles
    at four levels)."""
    from codegen.sqlexpr.core import Compiler

    compiles: list[int] = []
    dispatch = Compiler._dispatch
    monkeypatch.setattr(
        Compiler, "_dispatch", lambda c, node: compiles.append(id(node)) or dispatch(c, node)
    )
    types = {"a": pg_sqltype("numeric(10,2)"), "n": pg_sqltype("integer")}
    sql = "a"
    for level in range(4):
        sql = f"({sql} * n)::numeric({12 + 2 * level},2)"
    sql = f"round('1.5'::numeric(3,1) * {sql}, 1)"
    compiled = compile_expression(sql, "postgres", types, name="e",
                                  result_type=pg_sqltype("numeric(30,2)"))  # fmt: skip
    assert fast_only(compiled) is not None, compiled.source
    assert "rt.dmul(rt.DECIMAL['1.5'], " in compiled.source, compiled.source  # a folded cast
    assert len(compiles) == len(set(compiles)) == 22
