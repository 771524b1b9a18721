"""SQL functions whose body is one SELECT over tables, run on rows, against PostgreSQL.

hypothesis draws the rows of tests/rpc/schemas/tables.sql (NULLs, members without orders,
orders without members, ties); the same rows go into PostgreSQL, into the generated
in-memory `Database`, and to `RPC.bind_rows`. Every function is then called with the same
arguments three ways: the real function (`RPC.bind(conn)`), `db.rpc(...)` and
`RPC.call(...)` on the bound rows. Same rows (values and scale), or the same SQLSTATE.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import ECOMMERCE, Generated

TABLES = Path(__file__).resolve().parent / "schemas" / "tables.sql"
EXAMPLES = int(os.environ.get("SCHEMAGEN_RPC_EXAMPLES", "40"))
ON_ROWS = [
    "add_member_once", "add_order", "big_spenders", "drop_orders_over", "first_order_of",
    "forget_member", "has_paid_orders", "member_last_order", "member_order_counts",
    "member_order_stats", "member_orders_pl", "member_spend", "member_summary",
    "members_full_using", "members_natural_orders", "members_using_orders", "members_vs_biggest",
    "members_with_orders", "members_with_pl", "order_line", "orders_and_members",
    "orders_by_status", "orders_not_of", "orders_of", "orders_or_unowned", "orders_right_using",
    "orders_with_names", "paid_count", "paid_orders_with", "pay_orders", "quiet_members",
    "same_amount_twice", "spend_by_year", "spend_of", "spend_per_member", "status_range",
    "statuses", "tiers_with_orders", "top_members", "top_orders", "upsert_member",
    "upsert_member_tier",
]  # fmt: skip
UNORDERED = {"pay_orders", "drop_orders_over"}  # RETURNING gives rows in no set order
STATS = {"calls": 0, "errors": 0, "writes": 0}


@pytest.fixture(scope="module")
def pkg(generated: Generated) -> Iterator[ModuleType]:
    module = generated.package("tablebodies", [TABLES])
    yield module
    module.RPC.reset()


@st.composite
def rows(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    member_ids = draw(st.lists(st.integers(1, 9), unique=True, max_size=5))
    members = [
        {
            "id": i,
            "name": draw(st.sampled_from(["ann", "bob", "cy", "dee"])),
            "tier": draw(st.none() | st.integers(1, 3)),
            "joined": draw(st.none() | st.dates(dt.date(2019, 1, 1), dt.date(2024, 12, 31))),
        }
        for i in member_ids
    ]
    order_ids = draw(st.lists(st.integers(1, 40), unique=True, max_size=10))
    orders = [
        {
            "id": i,
            "member_id": draw(st.none() | st.sampled_from(member_ids or [None])),
            "amount": Decimal(draw(st.integers(0, 50_000))).scaleb(-2),
            "qty": draw(st.none() | st.integers(0, 4)),
            "status": draw(st.sampled_from(["new", "paid", "cancelled"])),
        }
        for i in order_ids
    ]
    return members, orders


def _calls(members: list[dict[str, Any]], orders: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    some_member = [m["id"] for m in members[:2]] + [99]
    calls: list[tuple[str, Any]] = [
        ("paid_count", {}),
        ("paid_count", {"p_min": 100}),
        ("top_members", {}),
        ("top_members", {"p_limit": 1}),
        ("top_members", {"p_limit": -1}),
        ("member_order_counts", {}),
        ("tiers_with_orders", {}),
        ("spend_by_year", {}),
        ("big_spenders", {}),
        ("big_spenders", {"p_over": 250}),
        ("quiet_members", {}),
        ("members_vs_biggest", {}),
        ("members_with_orders", {}),
        ("member_last_order", {}),
        ("same_amount_twice", {}),
        ("statuses", {}),
        ("orders_and_members", {}),
        ("orders_with_names", {}),
        ("orders_with_names", {"p_min": 100}),
        ("orders_by_status", {}),
        ("members_using_orders", {}),
        ("members_natural_orders", {}),
        ("members_full_using", {}),
        ("members_full_using", {"p_min": 3}),
        ("orders_right_using", {}),
        ("spend_per_member", {}),
        ("spend_per_member", {"p_min": 200}),
        ("members_with_pl", {"p_tier": 1}),
        ("members_with_pl", {"p_tier": 2}),
        ("member_order_stats", {}),
        ("top_orders", {}),
        ("top_orders", {"p_k": 0}),
    ]
    for m in some_member:
        calls += [
            ("member_spend", {"p_member": m}),
            ("member_summary", {"p_member": m}),
            ("orders_of", {"p_member": m}),
            ("orders_of", {"p_member": m, "p_skip": 1}),
            ("member_orders_pl", {"p_member": m}),
            ("first_order_of", {"p_member": m}),
            ("has_paid_orders", {"p_member": m}),
            ("status_range", {"p_member": m}),
            ("orders_or_unowned", {"p_member": m}),
            ("paid_orders_with", {"p_member": m}),
        ]
    calls += [("order_line", {"id": o["id"]}) for o in orders[:2]] + [("order_line", {"id": 0})]
    for ids in ([], [1, 2], [None, 3], None, some_member):
        calls += [("spend_of", {"p_ids": ids}), ("orders_not_of", {"p_ids": ids})]
    return calls


def _outcome(call: Any, *args: Any) -> Any:
    try:
        return ("ok", _plain(call(*args)))
    except Exception as error:  # the error's SQLSTATE is what is compared
        code = getattr(error, "code", None) or getattr(error, "sqlstate", None)
        if code is None:
            raise
        return ("error", code)


def _rpc(client: Any, name: str, params: dict[str, Any]) -> Any:
    return client.rpc(name, params).execute().data


def _plain(value: Any) -> Any:
    """Values compared with their scale (Decimal('1.50') is not Decimal('1.5'))."""
    if isinstance(value, Decimal):
        return ("numeric", str(value))
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _load(
    pkg: ModuleType,
    pg: psycopg.Connection,
    members: list[dict[str, Any]],
    orders: list[dict[str, Any]],
) -> Any:
    """The same rows in PostgreSQL (the schema made once per database) and in a new
    Database, which is returned."""
    if not getattr(pg, "_tables_made", False):
        pg.execute(TABLES.read_text())
        pg._tables_made = True  # type: ignore[attr-defined]
    _load_pg(pg, members, orders)
    db = pkg.Database()
    db.insert("members", members)
    db.insert("orders", orders)
    return db


def _load_pg(
    pg: psycopg.Connection, members: list[dict[str, Any]], orders: list[dict[str, Any]]
) -> None:
    pg.execute("TRUNCATE orders, members")
    for table, batch in (("members", members), ("orders", orders)):
        for row in batch:
            names = ", ".join(row)
            marks = ", ".join(["%s"] * len(row))
            pg.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_the_table_reading_functions_run_on_rows(pkg: ModuleType) -> None:
    rpc = pkg.rpc
    planned = sorted(n for n, (f,) in rpc.FUNCTIONS.items() if f.query is not None)
    assert planned == ON_ROWS
    reasons = {n: f.reason for n, (f,) in rpc.FUNCTIONS.items() if f.query is None}
    assert reasons == {
        "outer_aggregate": "a subquery out of reach (unsupported function count())",
        "rename_member": "ON CONFLICT DO UPDATE SET other than each column given = EXCLUDED",
        "member_names_pl": "ambiguous reference id (a column and a plpgsql variable)",
        "member_ids_upto": "a WITH query in the body",
        "latest_order_members": "DISTINCT ON in the SELECT",
    }


@SETTINGS
@given(data=rows())
def test_same_rows_as_postgres(
    pkg: ModuleType,
    pg: psycopg.Connection,
    data: tuple[list[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    members, orders = data
    db = _load(pkg, pg, members, orders)
    RPC = pkg.RPC
    for name, params in _calls(members, orders):
        fake = _outcome(db.rpc, name, params)
        RPC.bind_rows({"members": members, "orders": orders})
        bound = _outcome(_rpc, RPC, name, params)
        RPC.bind_rows(None)
        RPC.bind(pg)
        try:
            real = _outcome(_rpc, RPC, name, params)
        finally:
            RPC.bind(None)
        assert fake == real, (name, params)
        assert bound == real, (name, params)
        STATS["calls"] += 1
        STATS["errors"] += real[0] == "error"


@st.composite
def writes(draw: st.DrawFn) -> list[tuple[str, dict[str, Any]]]:
    member = st.none() | st.integers(1, 9)
    name, tier = st.sampled_from(["ann", "bob"]), st.none() | st.integers(1, 3)
    amount = st.decimals(0, 99_999_999, places=3) | st.just(Decimal("123456789.00"))
    calls = st.one_of(
        st.fixed_dictionaries(
            {"p_id": st.integers(1, 45), "p_member": member, "p_amount": amount},
            optional={"p_qty": st.none() | st.integers(0, 4)},
        ).map(lambda p: ("add_order", p)),
        st.fixed_dictionaries({"p_member": member}).map(lambda p: ("pay_orders", p)),
        st.fixed_dictionaries({"p_member": member}).map(lambda p: ("forget_member", p)),
        st.fixed_dictionaries({"p_amount": amount}).map(lambda p: ("drop_orders_over", p)),
        st.fixed_dictionaries({"p_id": st.integers(1, 9), "p_name": name}).map(
            lambda p: ("upsert_member", p)
        ),
        st.fixed_dictionaries({"p_id": st.integers(1, 9), "p_name": name, "p_tier": tier}).map(
            lambda p: ("upsert_member_tier", p)
        ),
        st.fixed_dictionaries({"p_id": st.integers(1, 9), "p_name": name}).map(
            lambda p: ("add_member_once", p)
        ),
    )
    return draw(st.lists(calls, min_size=1, max_size=6))


@SETTINGS
@given(data=rows(), calls=writes())
def test_writes_same_as_postgres(
    pkg: ModuleType,
    pg: psycopg.Connection,
    data: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    calls: list[tuple[str, dict[str, Any]]],
) -> None:
    """Bodies that write, through a Database and in PostgreSQL: same RETURNING rows or
    SQLSTATE after each call, and the same table contents at the end."""
    members, orders = data
    db = _load(pkg, pg, members, orders)
    RPC = pkg.RPC
    for name, params in calls:
        fake = _outcome(db.rpc, name, params)
        RPC.bind(pg)
        try:
            real = _outcome(_rpc, RPC, name, params)
        finally:
            RPC.bind(None)
        if name in UNORDERED and fake[0] == real[0] == "ok":
            fake, real = sorted(map(repr, fake[1])), sorted(map(repr, real[1]))
        assert fake == real, (name, params)
        STATS["writes"] += 1
    for table in ("orders", "members"):
        contents = pg.execute(f"SELECT * FROM {table} ORDER BY id")
        names = [d.name for d in contents.description or ()]
        stored = [dict(zip(names, r, strict=True)) for r in contents.fetchall()]
        assert _plain(db.select(table, order_by="id")) == _plain(stored), table


def test_a_write_needs_a_database(pkg: ModuleType) -> None:
    pkg.RPC.bind_rows({"orders": []})
    try:
        with pytest.raises(Exception, match="a body that writes runs on a Database"):
            pkg.RPC.call("forget_member", p_member=1)
    finally:
        pkg.RPC.reset()


def test_unbound_call_says_how_to_give_rows(pkg: ModuleType) -> None:
    with pytest.raises(NotImplementedError) as info:
        pkg.RPC.call("member_spend", p_member=1)
    assert "RPC.bind_rows({'orders': [...]})" in str(info.value)
    assert "db.rpc(...)" in str(info.value)
    assert pkg.RPC.implementation("member_spend", p_member=1) == "none"
    pkg.RPC.bind_rows({"orders": []})
    try:
        assert pkg.RPC.implementation("member_spend", p_member=1) == "rows"
        assert pkg.RPC.call("member_spend", p_member=1) == Decimal(0)
    finally:
        pkg.RPC.reset()


def test_a_select_reading_tables_only_in_subqueries_needs_rows(pkg: ModuleType) -> None:
    """`SELECT EXISTS (SELECT ... FROM orders ...)` has no FROM of its own: unbound, it
    raises like any body reading tables, instead of answering as if orders were empty."""
    assert pkg.RPC.implementation("has_paid_orders", p_member=1) == "none"
    with pytest.raises(NotImplementedError, match="orders"):
        pkg.RPC.call("has_paid_orders", p_member=1)


def test_bound_rows_are_checked_like_build(pkg: ModuleType) -> None:
    with pytest.raises(KeyError, match="perhaps 'orders'"):
        pkg.RPC.bind_rows({"order": []})
    with pytest.raises(pkg.RowError) as info:
        pkg.RPC.bind_rows({"orders": [{"id": 1, "amount": 1, "stauts": "new"}]})
    assert info.value.code == "42703"
    with pytest.raises(pkg.RowError) as info:
        pkg.RPC.bind_rows({"orders": [{"id": 1, "amount": 1, "status": "paused"}]})
    assert info.value.code == "22P02"
    with pytest.raises(pkg.RowError) as info:
        pkg.RPC.bind_rows({"orders": [{"id": 1, "amount": 1, "qty": 2, "total": 5}]})
    assert (info.value.column, info.value.code) == ("total", "428C9")
    assert "the database computes Decimal('2.00')" in str(info.value)
    pkg.RPC.bind_rows({"orders": [{"id": 1, "amount": 1, "qty": 2, "total": 2}]})  # as stored
    pkg.RPC.bind_rows({"orders": [{"id": 1, "amount": 1.5, "qty": 2, "status": "new"}]})
    try:  # stored as the column stores it (numeric(10,2)), the generated column computed
        assert pkg.RPC.call("paid_count") == 0
        assert pkg.RPC.rows["orders"][0]["total"] == Decimal("3.00")
    finally:
        pkg.RPC.reset()


def test_a_row_without_a_column_the_body_reads(pkg: ModuleType) -> None:
    pkg.RPC.bind_rows({"orders": [{"id": 1, "amount": 1, "status": "paid"}]})
    try:
        with pytest.raises(Exception, match="row 0 of orders has no column 'member_id'"):
            pkg.RPC.call("member_spend", p_member=1)
    finally:
        pkg.RPC.reset()


@pytest.fixture(scope="module")
def ecommerce(generated: Generated) -> ModuleType:
    return generated.package("tablebodies_ecommerce", [ECOMMERCE])


def test_sample_function_through_the_database(ecommerce: ModuleType) -> None:
    """The walkthrough's get_order_summary: one row from the database's orders."""
    db = ecommerce.Database()
    customer = ecommerce.FACTORIES["customers"].build()
    db.insert("customers", {k: v for k, v in customer.items() if k != "email_domain"})
    summary = db.rpc("get_order_summary", {"p_customer_id": str(customer["id"])})
    assert summary == [
        {"total_orders": 0, "total_revenue": Decimal(0), "average_order": Decimal(0)}
    ]
    through_async = ecommerce.AsyncDatabase(db).rpc(
        "get_order_summary", {"p_customer_id": customer["id"]}
    )
    assert asyncio.run(through_async) == summary
    assert db.call("get_order_summary", {"p_customer_id": customer["id"]}).execute().data == (
        summary
    )


@pytest.mark.parametrize("full_name", [None, "", "  ", "Ann Lee", " Bo "])
def test_a_row_parameter_field_as_postgres_reads_it(
    ecommerce: ModuleType, pg: psycopg.Connection, full_name: str | None
) -> None:
    """customer_display_name(c customers): `c.email` is a field of the argument."""
    pg.execute(ECOMMERCE.read_text())
    ecommerce.bind(pg)
    try:
        row = ecommerce.FACTORIES["customers"].create(full_name=full_name)
    finally:
        ecommerce.bind(None)
    (real,) = pg.execute(
        "SELECT customer_display_name(c) FROM customers c WHERE id = %s", [row["id"]]
    ).fetchone()
    assert ecommerce.RPC.implementation("customer_display_name", c=row) == "compiled"
    assert ecommerce.RPC.call("customer_display_name", c=row) == real


HOSTILE = '''
CREATE TABLE "Odd ""T""" ("a.b" integer PRIMARY KEY, "#0" integer, "$0" text, "0.a.b" integer);
CREATE FUNCTION "odd fn"("#0" integer) RETURNS TABLE ("x""y" integer, "#0" integer, "z" text)
    LANGUAGE sql STABLE
    AS $$ SELECT t."a.b", count(*) + t."#0", max(t."$0") FROM "Odd ""T""" t
          WHERE t."0.a.b" >= "odd fn"."#0" GROUP BY t."a.b" ORDER BY 1 DESC $$;
'''


def _odd_rows(pkg: ModuleType, pg: psycopg.Connection, sql: str, n: int) -> Any:
    """n rows of the odd table in PostgreSQL (its schema `sql`) and in a new Database."""
    rows = [{"a.b": i, "#0": i * 10, "$0": f"v{i}", "0.a.b": i % 3} for i in range(1, n + 1)]
    pg.execute(sql)
    pg.cursor().executemany(
        'INSERT INTO "Odd ""T""" VALUES (%s, %s, %s, %s)', [list(r.values()) for r in rows]
    )
    db = pkg.Database()
    db.insert('Odd "T"', rows)
    return db


def _real(pkg: ModuleType, pg: psycopg.Connection, name: str, params: dict[str, Any]) -> Any:
    pkg.RPC.bind(pg)
    try:
        return _rpc(pkg.RPC, name, params)
    finally:
        pkg.RPC.bind(None)


def test_hostile_identifiers_as_postgres(generated: Generated, pg: psycopg.Connection) -> None:
    pkg = generated.package("tablebodies_hostile", [generated.sql("hostile", HOSTILE)])
    db = _odd_rows(pkg, pg, HOSTILE, 6)
    for arg in (0, 1, 2, 5):
        real = _real(pkg, pg, "odd fn", {"#0": arg})
        assert db.rpc("odd fn", {"#0": arg}) == real and (real or arg == 5)


STARS = '''
CREATE TABLE "Odd ""T""" ("a.b" integer PRIMARY KEY, "#0" integer, "$0" text, "0.a.b" integer);
CREATE FUNCTION every_odd() RETURNS SETOF "Odd ""T""" LANGUAGE sql STABLE
    AS $$ SELECT * FROM "Odd ""T""" ORDER BY 1 $$;
CREATE FUNCTION odd_from("#0" integer) RETURNS SETOF "Odd ""T""" LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT t.* FROM "Odd ""T""" t WHERE t."#0" >= odd_from."#0" ORDER BY 1;
    IF NOT FOUND THEN
        RETURN QUERY SELECT t.* FROM "Odd ""T""" t ORDER BY 1 DESC LIMIT 1;
    END IF;
END $$;
'''


def test_a_column_list_is_written_once(generated: Generated, pg: psycopg.Connection) -> None:
    """`SELECT *` of one table in three queries: its column list is one constant of rpc.py,
    which every plan names; the results are PostgreSQL's."""
    pkg = generated.package("tablebodies_stars", [generated.sql("stars", STARS)])
    source = Path(pkg.__file__).with_name("rpc.py").read_text(encoding="utf-8")
    assert source.count('"0.a.b"') == 1 and "_COLUMNS_Odd__T = (" in source
    assert "rel.columns(0, _COLUMNS_Odd__T)" in source
    db = _odd_rows(pkg, pg, STARS, 4)
    for name, params in [("every_odd", {}), ("odd_from", {"#0": 25}), ("odd_from", {"#0": 99})]:
        real = _real(pkg, pg, name, params)
        assert db.rpc(name, params) == real and real


DISJOINT = """
CREATE TABLE xs (x integer PRIMARY KEY);
CREATE TABLE ys (y integer PRIMARY KEY);
CREATE FUNCTION natural_left() RETURNS TABLE (x integer, y integer) LANGUAGE sql STABLE
    AS $$ SELECT * FROM xs NATURAL LEFT JOIN ys ORDER BY x, y $$;
CREATE FUNCTION natural_inner() RETURNS TABLE (x integer, y integer) LANGUAGE sql STABLE
    AS $$ SELECT * FROM xs NATURAL JOIN ys ORDER BY x, y $$;
"""


@pytest.mark.parametrize("ys", [[], [7, 8]])
def test_a_natural_join_of_nothing_in_common(
    generated: Generated, pg: psycopg.Connection, ys: list[int]
) -> None:
    """No column in common: NATURAL JOIN is a cross join, NATURAL LEFT JOIN one ON TRUE
    (the left rows stay when the right has none)."""
    name = f"tablebodies_disjoint_{len(ys)}"
    pkg = generated.package(name, [generated.sql(name, DISJOINT)])
    pg.execute(DISJOINT)
    db = pkg.Database()
    db.insert("xs", [{"x": 1}, {"x": 2}])
    pg.execute("INSERT INTO xs VALUES (1), (2)")
    if ys:
        db.insert("ys", [{"y": y} for y in ys])
        pg.execute("INSERT INTO ys VALUES (7), (8)")
    for fn in ("natural_left", "natural_inner"):
        assert db.rpc(fn, {}) == _real(pkg, pg, fn, {})


def test_what_plpgsql_finds_ambiguous_stays_uncompiled(
    pkg: ModuleType, pg: psycopg.Connection
) -> None:
    """SQL would read the column; plpgsql raises 42702 at the call, so no plan runs."""
    pg.execute(TABLES.read_text())
    with pytest.raises(psycopg.Error) as real:
        pg.execute("SELECT * FROM member_names_pl()")
    assert real.value.sqlstate == "42702"
    with pytest.raises(NotImplementedError, match="ambiguous reference id"):
        pkg.RPC.call("member_names_pl")


@pytest.mark.parametrize("seed", range(4))
def test_sample_recommendations_as_postgres(
    ecommerce: ModuleType, pg: psycopg.Connection, seed: int
) -> None:
    """get_product_recommendations (plpgsql: RETURN QUERY with IN / NOT IN subqueries, then
    IF NOT FOUND RETURN QUERY) on the same factory rows in a Database and in PostgreSQL."""
    pg.execute(ECOMMERCE.read_text())
    ecommerce.reset(seed)
    db, real_db = ecommerce.Database(), ecommerce.Database.connect(pg)
    factories = ecommerce.FACTORIES

    def given(table: str, **values: Any) -> dict[str, Any]:
        spec = factories[table]._spec
        row = factories[table].build(**values)
        return {k: v for k, v in row.items() if k not in spec.computed and k not in spec.always}

    customers = [given("customers") for _ in range(3)]
    products = [
        given("products", id=i, category=["books", "games", "tools"][i % 3],
              is_active=i % 4 != 0, rating=Decimal(i % 5), reviews_count=i % 3)
        for i in range(1, 9)
    ]  # fmt: skip
    orders = [
        given("orders", customer_id=customers[i % 2]["id"], product_id=1 + (i * 5) % 8,
              status="shipped")
        for i in range(4)
    ]  # fmt: skip
    for target in (db, real_db):
        target.insert("customers", customers)
        target.insert("products", products)
        target.insert("orders", orders)
    for customer in customers:
        for params in (
            {"p_customer_id": customer["id"]},
            {"p_customer_id": customer["id"], "p_limit": 2},
        ):
            fake = db.rpc("get_product_recommendations", params)
            ecommerce.RPC.bind(pg)
            try:
                real = ecommerce.RPC.rpc("get_product_recommendations", params).execute().data
            finally:
                ecommerce.RPC.bind(None)
            assert [r["id"] for r in fake] == [r["id"] for r in real]
            assert _plain(fake) == _plain(real)
            assert _plain(real_db.rpc("get_product_recommendations", params)) == _plain(real)
        summary = {"p_customer_id": customer["id"]}  # Database.connect: the same shapes
        assert db.rpc("get_order_summary", summary) == real_db.rpc("get_order_summary", summary)


def test_the_in_memory_database_answers_from_its_rows_when_rpc_is_bound(pkg: ModuleType) -> None:
    db = pkg.Database()
    db.insert("members", {"id": 1, "name": "ann"})
    db.insert("orders", {"id": 1, "member_id": 1, "amount": 2})
    pkg.RPC.bind(object())  # a connection it must not use
    try:
        assert db.rpc("member_spend", {"p_member": 1}) == Decimal("2.00")
        assert pkg.RPC.implementation("member_spend", p_member=1) == "database"
    finally:
        pkg.RPC.reset()
        pkg.RPC.bind(None)
