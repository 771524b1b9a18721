"""numeric NaN and ±Infinity through / and %, against real PostgreSQL (found by the RPC
differential run: the runtime raised Python's ValueError instead of answering as PG does)."""

from __future__ import annotations

import re
from decimal import Decimal

import psycopg
import pytest

from codegen import sqlexpr
from codegen.types import pg_type

NUMERIC = pg_type(["pg_catalog", "numeric"], [], 0, "numeric")
SPECIALS = ["NaN", "Infinity", "-Infinity", "0", "2", "-2.50"]


@pytest.fixture(scope="module")
def conn(pg_server):
    with pg_server.connect() as connection:
        yield connection


@pytest.mark.parametrize("op", ["/", "%"])
def test_specials_match_postgres(conn, op: str) -> None:
    compiled = sqlexpr.compile_expression(
        f"a {op} b", "postgres", {"a": NUMERIC, "b": NUMERIC}, name="f"
    )
    fn = sqlexpr.load(compiled)["f"]
    for a in SPECIALS:
        for b in SPECIALS:
            try:
                expected = conn.execute(
                    f"SELECT %s::numeric {op.replace('%', '%%')} %s::numeric", (a, b)
                ).fetchone()[0]
            except psycopg.Error as error:
                with pytest.raises(sqlexpr.runtime.SqlError) as raised:
                    fn(Decimal(a), Decimal(b))
                assert raised.value.sqlstate == error.sqlstate
                continue
            got = fn(Decimal(a), Decimal(b))
            assert str(got) == str(expected), (a, op, b)


@pytest.mark.parametrize(
    "call", ["sqrt(a)", "sign(a)", "floor(a)", "ceil(a)", "abs(a)", "-a", "round(a)",
             "round(a, 1)", "trunc(a)", "trunc(a, 1)"],
)  # fmt: skip
def test_unary_functions_of_specials_match_postgres(conn, call: str) -> None:
    """sqrt and sign of NaN and the infinities answer as PostgreSQL does (sqrt raised
    Python's ValueError/OverflowError, sign gave 1 for NaN)."""
    compiled = sqlexpr.compile_expression(call, "postgres", {"a": NUMERIC}, name="f")
    fn = sqlexpr.load(compiled)["f"]
    for a in SPECIALS:
        try:
            expected = conn.execute("SELECT " + re.sub(r"\ba\b", "%s::numeric", call), (a,))
            want = str(expected.fetchone()[0])
        except psycopg.Error as error:
            with pytest.raises(sqlexpr.runtime.SqlError) as raised:
                fn(Decimal(a))
            got = (raised.value.sqlstate, str(raised.value))
            assert got == (error.sqlstate, error.diag.message_primary), (call, a)
            continue
        assert str(fn(Decimal(a))) == want, (call, a)
