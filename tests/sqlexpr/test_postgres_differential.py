"""Compiled expressions against a real PostgreSQL: same value (type, scale, bits) or same error.

Each case is an expression with typed columns; hypothesis draws rows (NULL, zero,
negatives, .5 boundaries, values at the integer limits, empty and non-ASCII strings) and
every row is evaluated by `SELECT <expr>` with the inputs bound as typed parameters and by
the compiled Python function.
"""

from __future__ import annotations

import os
from datetime import datetime

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.sqlexpr import runtime

from .harness import compile_pg, loaded, pg_compare, pg_select, same, strategy

EXAMPLES = int(os.environ.get("SQLEXPR_EXAMPLES", "40"))  # per construct; raise for soak runs

I2, I4, I8 = "smallint", "integer", "bigint"
N, N102, F8, F4 = "numeric", "numeric(10,2)", "double precision", "real"
TX, B, D, TS, TZ = "text", "boolean", "date", "timestamp", "timestamptz"
SMALL = "integer:small"


def two(t1: str, t2: str | None = None) -> dict[str, str]:
    return {"a": t1, "b": t2 or t1}


C1, C3, J = "char(1)", "char(3)", "jsonb"
CASES: list[tuple[str, dict[str, str]]] = [
    # bpchar: trailing spaces are insignificant when compared, cast to text or measured
    ("a = b", two(C3)), ("a < b", two(C3)), ("a = b", two(C3, TX)), ("a <> b", two(C1, C3)),
    ("a = 'ab'::bpchar", {"a": C3}), ("a = 'ab'", {"a": C3}), ("length(a)", {"a": C3}),
    ("a || 'x'", {"a": C3}), ("a IN ('Y', 'N')", {"a": C1}),
    ("a = ANY (ARRAY['Y'::bpchar, 'N'::bpchar])", {"a": C1}),
    ("CAST(b AS char(2)) = 'ab'", {"b": TX}), ("a = 'Y'::bpchar OR a = 'b'::bpchar", {"a": C1}),
    # JSON operators on jsonb documents
    ("a ->> 'kind'", {"a": J}), ("a -> 'b' ->> 'c'", {"a": J}), ("a #>> '{b,c}'", {"a": J}),
    ("a #>> '{l,0}'", {"a": J}), ("a #> '{b}'", {"a": J}), ("a -> 'l' -> 0", {"a": J}),
    ("a ? 'kind'", {"a": J}), ("a -> 'b' ? 'c'", {"a": J}), ("a -> 0 ->> 'n'", {"a": J}),
    ("jsonb_extract_path_text(a, 'b', 'c')", {"a": J}), ("jsonb_extract_path(a, 'l')", {"a": J}),
    ("(a ->> 'n') = 'a'", {"a": J}), ("a ->> 'kind' IS NULL", {"a": J}),
    # arithmetic on every number type, and mixed
    *[(f"a {op} b", two(t)) for t in (I2, I4, I8, N, F8, F4) for op in "+-*/"],
    *[("a % b", two(t)) for t in (I2, I4, I8, N)],
    ("a + b", two(I2, I8)), ("a * b", two(I4, N)), ("a / b", two(I4, N)),
    ("a - b", two(N, F8)), ("a * b", two(I4, F4)), ("a + b", two(F4, F8)),
    ("a / b", two(N102, I4)), ("a % b", two(I8, N)),
    *[("-a", {"a": t}) for t in (I2, I4, I8, N, F8, F4)],
    ("(price * (quantity)::numeric)", {"price": N102, "quantity": I4}),
    ("round(((price * quantity) * discount) / 100::numeric, 2)",
     {"price": N102, "quantity": I4, "discount": N}),
    ("a + 1", {"a": I4}), ("a * 2.5", {"a": I4}), ("a + '7'", {"a": N}), ("1.5 / a", {"a": N}),
    ("a ^ b", two(F8)), ("power(a, b)", two(I4, F8)),
    # comparisons and logic
    *[(f"a {op} b", two(t1, t2)) for op in ("=", "<>", "<", ">=")
      for t1, t2 in ((I4, N), (I8, F8), (F4, F8), (N, F4), (TX, TX), (F8, F8))],
    ("a = b", two(D, TS)), ("a < b", two(TS, TZ)), ("a > '2000-01-01'", {"a": D}),
    ("a > 0 AND b > 0", two(I4)), ("a > 0 OR b IS NULL", two(I4)), ("NOT (a = b)", two(N)),
    ("a AND b", two(B)), ("a OR b", two(B)), ("NOT a", {"a": B}),
    ("b <> 0 AND a / b > 1", two(I4)), ("a IS TRUE", {"a": B}), ("a IS NOT FALSE", {"a": B}),
    ("a IS NULL", {"a": N}), ("a IS NOT NULL", {"a": TX}),
    ("a IS DISTINCT FROM b", two(I4, N)), ("a IS NOT DISTINCT FROM b", two(F8)),
    ("a BETWEEN b AND c", {"a": I4, "b": I4, "c": N}),
    ("a NOT BETWEEN SYMMETRIC b AND c", {"a": N, "b": N, "c": N}),
    ("a IN (1, 2, NULL)", {"a": I4}), ("a NOT IN (1, 2.5)", {"a": N}),
    ("a IN (b, c)", {"a": TX, "b": TX, "c": TX}), ("a = ANY (ARRAY[1, 2, 3])", {"a": I8}),
    ("a <> ALL (ARRAY[1, NULL])", {"a": I4}),
    ("(a)::text = ANY ((ARRAY['x'::character varying, 'é'::character varying])::text[])",
     {"a": "varchar(5)"}),
    # conditionals
    ("CASE WHEN a > b THEN a ELSE b END", two(I4, N)),
    ("CASE WHEN b = 0 THEN NULL ELSE a / b END", two(I4)),
    ("CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END", {"a": I4}),
    ("coalesce(a, b, 0)", two(I4, N)), ("coalesce(a, b)", two(TX)),
    ("nullif(a, b)", two(I4, N)), ("greatest(a, b, 1)", two(I4, N)),
    ("least(a, b)", two(F8, I4)), ("greatest(a, b)", two(TX)), ("least(a, b)", two(D, TS)),
    # casts
    *[("a::integer", {"a": t}) for t in (N, F8, F4, I8, B)],
    *[("a::smallint", {"a": t}) for t in (I4, N, F8)],
    *[("a::bigint", {"a": t}) for t in (N, F8)],
    *[("a::numeric(5,2)", {"a": t}) for t in (N, F8, F4, I4)],
    *[("a::numeric", {"a": t}) for t in (F8, F4, I8)],
    *[("a::real", {"a": t}) for t in (N, F8, I8)],
    *[("a::double precision", {"a": t}) for t in (N, I8, F4)],
    *[("a::text", {"a": t}) for t in (I4, N, F8, F4, B, D, TS, TZ)],
    ("a::varchar(3)", {"a": TX}), ("a::date", {"a": TS}), ("a::timestamp", {"a": D}),
    ("a::timestamptz", {"a": TS}), ("a::date", {"a": TZ}),
    ("2.5::integer + a", {"a": I4}), ("(-2.5)::integer + a", {"a": I4}),
    # math functions
    ("round(a)", {"a": N}), ("round(a, b)", {"a": N, "b": I4}), ("round(a)", {"a": F8}),
    ("round(a)", {"a": I4}), ("round(a, 2)", {"a": I4}),
    ("trunc(a, b)", {"a": N, "b": I4}), ("trunc(a)", {"a": F8}),
    *[(f"{fn}(a)", {"a": t}) for fn in ("floor", "ceil", "ceiling", "sign", "abs")
      for t in (N, F8, I4)],
    ("abs(a)", {"a": F4}), ("abs(a)", {"a": I2}),
    ("mod(a, b)", two(I4)), ("mod(a, b)", two(N)), ("sqrt(a)", {"a": F8}), ("sqrt(a)", {"a": N}),
    # strings
    ("a || b", two(TX)), ("a || b", two(TX, I4)), ("a || b", two(N, TX)), ("a || b", two(B, TX)),
    ("concat(a, b, c)", {"a": TX, "b": I4, "c": B}), ("concat_ws(',', a, b)", two(TX, N)),
    ("upper(a)", {"a": TX}), ("lower(a)", {"a": TX}), ("length(a)", {"a": TX}),
    ("char_length(a)", {"a": "varchar(5)"}),
    ("substr(a, b)", {"a": TX, "b": I4}), ("substr(a, b, c)", {"a": TX, "b": I4, "c": I4}),
    ("substring(a from b for c)", {"a": TX, "b": I4, "c": I4}),
    ("left(a, b)", {"a": TX, "b": I4}), ("right(a, b)", {"a": TX, "b": I4}),
    ("trim(a)", {"a": TX}), ("btrim(a, b)", two(TX)), ("ltrim(a, 'a ')", {"a": TX}),
    ("rtrim(a)", {"a": TX}), ("trim(leading b from a)", two(TX)),
    ("replace(a, b, 'xy')", two(TX)),
    ("lpad(a, b, c)", {"a": TX, "b": SMALL, "c": TX}), ("rpad(a, b)", {"a": TX, "b": SMALL}),
    ("position(b in a)", two(TX)), ("strpos(a, b)", two(TX)), ("md5(a)", {"a": TX}),
    ("split_part(a, b, c)", {"a": TX, "b": TX, "c": SMALL}),
    ("split_part(a, '@', c)", {"a": TX, "c": SMALL}),
    # patterns
    ("a LIKE b", two(TX)), ("a ILIKE b", two(TX)), ("a NOT LIKE 'a%_'", {"a": TX}),
    ("a LIKE b ESCAPE '!'", two(TX)), ("a ILIKE 'É%'", {"a": TX}),
    ("a ~ '^[a-z]+$'", {"a": TX}), ("a ~* '^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$'", {"a": TX}),
    ("a ~ '\\d{2}|x'", {"a": TX}), ("a !~ '(ab)+c?'", {"a": TX}), ("a ~ '^\\w+$'", {"a": TX}),
    ("a !~* 'é.ß'", {"a": TX}),
    # date and time
    ("a + b", {"a": D, "b": I4}), ("a - b", {"a": D, "b": I4}), ("a - b", two(D)),
    ("a + b", {"a": D, "b": SMALL}),
    ("a + interval '1 month'", {"a": D}), ("a + interval '1 day 02:00:00'", {"a": TS}),
    ("a - '1 mon'::interval", {"a": TS}), ("a + '1 year 2 mons -3 days'::interval", {"a": TZ}),
    ("a - b", two(TS)), ("a - b", two(TZ)),
    *[(f"extract({f} from a)", {"a": t}) for t in (D, TS, TZ)
      for f in ("year", "month", "day", "dow", "isodow", "doy", "week", "quarter", "epoch",
                "century", "decade", "millennium", "isoyear")],
    *[(f"extract({f} from a)", {"a": t}) for t in (TS, TZ)
      for f in ("hour", "minute", "second", "milliseconds", "microseconds")],
    ("extract(hour from a)", {"a": D}),
    *[(f"date_part('{f}', a)", {"a": t}) for t in (D, TS)
      for f in ("year", "second", "epoch", "dow")],
    *[(f"date_trunc('{u}', a)", {"a": t}) for t in (TS, TZ, D)
      for u in ("second", "minute", "hour", "day", "week", "month", "quarter", "year", "decade",
                "century", "millennium")],
]  # fmt: skip


def _ids() -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for sql, cols in CASES:
        key = f"{sql} [{','.join(cols.values())}]"
        seen[key] = seen.get(key, 0) + 1
        out.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return out


@pytest.mark.parametrize(("sql", "columns"), CASES, ids=_ids())
def test_matches_postgres(pgdb: psycopg.Connection, sql: str, columns: dict[str, str]) -> None:
    compiled = compile_pg(sql, columns)
    fn = loaded(compiled)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow,
                                     HealthCheck.filter_too_much])  # fmt: skip
    @given(st.fixed_dictionaries({name: strategy(t) for name, t in columns.items()}))
    def check(row: dict[str, object]) -> None:
        db, py = pg_compare(pgdb, sql, columns, row, compiled, fn)
        assert same(db, py), f"{sql} with {row}: postgres {db!r}, python {py!r}"

    check()


CHECKS = [
    ("price >= 0", {"price": N102}),
    ("quantity > 0 AND quantity < 1000", {"quantity": I4}),
    ("status IN ('pending', 'paid')", {"status": TX}),
    ("discount IS NULL OR discount BETWEEN 0 AND 100", {"discount": N}),
    ("email ~* '^[^@]+@[^@]+$'", {"email": TX}),
]


@pytest.mark.parametrize(("sql", "columns"), CHECKS)
def test_check_predicate_matches_postgres(
    pgdb: psycopg.Connection, sql: str, columns: dict[str, str]
) -> None:
    """A CHECK returns True/False/None exactly as the database evaluates the condition."""
    compiled = compile_pg(sql, columns, predicate=True)
    fn = loaded(compiled)

    @settings(max_examples=EXAMPLES, deadline=None, database=None)
    @given(st.fixed_dictionaries({name: strategy(t) for name, t in columns.items()}))
    def check(row: dict[str, object]) -> None:
        db, py = pg_compare(pgdb, sql, columns, row, compiled, fn)
        assert same(db, py), f"{sql} with {row}: postgres {db!r}, python {py!r}"

    check()


@pytest.mark.parametrize(
    "sql", ["now()", "CURRENT_TIMESTAMP", "current_date", "localtimestamp",
            "now() + interval '1 day'", "extract(year from now())", "current_date - 1"]
)  # fmt: skip
def test_clock_functions_read_the_injected_clock(pgdb: psycopg.Connection, sql: str) -> None:
    """With rt.clock set to the server's transaction time, both agree exactly."""
    compiled = compile_pg(sql, {})
    fn = loaded(compiled)
    with pgdb.cursor() as cur:
        cur.execute(f"SELECT now(), ({sql})")
        row = cur.fetchone()
    assert row is not None
    server_now, expected = row
    saved = runtime.clock
    runtime.clock = lambda: server_now
    try:
        assert fn() == expected
        assert type(fn()) is type(expected)
    finally:
        runtime.clock = saved
    assert isinstance(server_now, datetime) and server_now.tzinfo is not None


def test_random_uuid_is_a_v4_uuid_like_the_server(pgdb: psycopg.Connection) -> None:
    compiled = compile_pg("gen_random_uuid()", {})
    fn = loaded(compiled)
    theirs = pg_select(pgdb, "gen_random_uuid()", {}, {}).value
    runtime.seed(7)
    ours = fn()
    assert type(ours) is type(theirs)
    assert ours.version == theirs.version == 4 and ours.variant == theirs.variant
    runtime.seed(7)
    assert fn() == ours


STORED = [
    ("price * quantity", {"price": N102, "quantity": I4}, "numeric(10,2)"),
    ("a / b", two(N), "numeric(6,3)"), ("a * b", two(I4), "smallint"), ("a / b", two(N), "integer"),
    ("a * 1.5", {"a": F8}, "bigint"), ("a || b", two(TX), "varchar(4)"), ("a", {"a": I8}, "text"),
    ("a + b", two(F8), "real"), ("a", {"a": N}, "double precision"),
    ("a - 1", {"a": D}, "timestamp"),
]  # fmt: skip


@pytest.mark.parametrize(("sql", "columns", "declared"), STORED)
def test_generated_column_store_matches_postgres(
    pgdb: psycopg.Connection, sql: str, columns: dict[str, str], declared: str
) -> None:
    """result_type applies the assignment cast a STORED generated column applies."""
    from codegen.sqlexpr import compile_expression

    from .harness import Outcome, call, pg_sqltype

    compiled = compile_expression(
        sql, "postgres", {n: pg_sqltype(t) for n, t in columns.items()}, name="gen",
        result_type=pg_sqltype(declared),
    )  # fmt: skip
    fn = loaded(compiled)
    cols = ", ".join(f'"{n}" {t}' for n, t in columns.items())
    pgdb.execute("DROP TABLE IF EXISTS g")
    pgdb.execute(f"CREATE TABLE g ({cols}, x {declared} GENERATED ALWAYS AS ({sql}) STORED)")
    read = "x::float8" if declared == "real" else "x"
    insert = (
        f"INSERT INTO g ({', '.join(chr(34) + n + chr(34) for n in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) RETURNING {read}"
    )

    @settings(max_examples=EXAMPLES, deadline=None, database=None)
    @given(st.fixed_dictionaries({name: strategy(t) for name, t in columns.items()}))
    def check(row: dict[str, object]) -> None:
        try:
            fetched = pgdb.execute(insert, [row[n] for n in columns]).fetchone()
            assert fetched is not None
            db = Outcome(fetched[0])
        except psycopg.errors.DataError as err:
            db = Outcome(error=err.sqlstate)
        py = call(fn, [row[p] for p in compiled.params])
        assert same(db, py), f"{sql} as {declared} with {row}: postgres {db!r}, python {py!r}"

    check()
