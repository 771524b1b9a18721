"""The mock RPC client's contract: result shapes, PostgREST-like validation, overloads,
unsafe names, registered implementations and their isolation, strict mode, determinism.

No database here: what is checked is the generated package against the SQL signatures
(the values of compiled bodies are checked against PostgreSQL in test_differential.py).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import ECOMMERCE, Generated

EDGE = Path(__file__).resolve().parent / "schemas" / "edge.sql"
CUSTOMER = "6f1c6f3e-1d2b-4c5d-8e9f-0a1b2c3d4e5f"


@pytest.fixture(scope="module")
def shop(generated: Generated) -> ModuleType:
    return generated.package("rpcshape_shop", [ECOMMERCE], strict_rpc=False)  # fakes on


@pytest.fixture(scope="module")
def edge(generated: Generated) -> ModuleType:
    return generated.package("rpcshape_edge", [EDGE], strict_rpc=False)


@pytest.fixture(autouse=True)
def _isolated(shop: ModuleType, edge: ModuleType) -> Iterator[None]:
    """What a project's conftest does: every test starts with no registrations."""
    yield
    shop.RPC.reset()
    edge.RPC.reset()


def error_of(pkg: ModuleType, call: Any) -> Any:
    with pytest.raises(pkg.RPCError) as info:
        call()
    return info.value


# ------------------------------------------------------------------------------ shapes


def test_setof_table_is_rows_built_by_the_tables_factory(shop: ModuleType) -> None:
    rows = shop.RPC.call("get_product_recommendations", p_customer_id=CUSTOMER)
    assert isinstance(rows, list) and len(rows) == shop.RPC.fake_rows
    columns = list(shop.TABLE_SCHEMAS["products"])
    for row in rows:
        assert list(row) == columns
        assert isinstance(row["price"], Decimal) and isinstance(row["created_at"], datetime)
        assert row["id"] is not None and row["sku"]


def test_returns_table_is_rows_with_exactly_those_columns(shop: ModuleType) -> None:
    rows = shop.RPC.call("get_order_summary", p_customer_id=CUSTOMER)
    assert isinstance(rows, list) and rows
    for row in rows:
        assert list(row) == ["total_orders", "total_revenue", "average_order"]
        assert isinstance(row["total_orders"], int)
        assert isinstance(row["total_revenue"], Decimal)


def test_out_parameters_are_one_row(shop: ModuleType) -> None:
    row = shop.RPC.call("order_totals", p_order_id=CUSTOMER)
    assert list(row) == ["subtotal", "discount_amount", "total"]
    assert all(isinstance(v, Decimal) for v in row.values())


def test_void_is_none(shop: ModuleType) -> None:
    assert shop.RPC.call("refresh_customer_metrics", p_customer_id=CUSTOMER) is None
    assert (
        shop.RPC.rpc("refresh_customer_metrics", {"p_customer_id": CUSTOMER}).execute().data is None
    )


def test_scalar_fake_has_the_declared_type(shop: ModuleType) -> None:
    name = shop.RPC.call("customer_display_name", c={"full_name": "Ada", "email": "a@x.org"})
    assert isinstance(name, str)


@pytest.mark.parametrize(
    ("name", "params", "check"),
    [
        ("f_setrec", {"n": 3}, lambda v: [list(r) for r in v] == [["i", "sq"]] * 3),
        ("f_setint", {"n": 3}, lambda v: len(v) == 3 and all(type(x) is int for x in v)),
        ("f_twoout", {"x": 1}, lambda v: list(v) == ["lo", "hi"] and type(v["lo"]) is int),
        ("f_table", {"n": 2}, lambda v: all(list(r) == ["k", "label"] for r in v)),
        ("f_row", {"i": 1}, lambda v: list(v) == ["id", "name", "price", "mood"]),
        ("f_items", {}, lambda v: all(list(r) == ["id", "name", "price", "mood"] for r in v)),
        ("f_pair", {"p": {"a": 1, "b": "x"}}, lambda v: list(v) == ["a", "b"]),
        ("f_arr", {"xs": [1, 2]}, lambda v: isinstance(v, list) and all(type(x) is int for x in v)),
        ("f_domain", {"d": 4}, lambda v: type(v) is int),
        ("f_uuid", {}, lambda v: isinstance(v, uuid.UUID)),
        ("f_void", {"x": 1}, lambda v: v is None),
        ("f_out1", {"a": 21}, lambda v: v == 42),
        ("f_mood", {"m": None}, lambda v: v == "ok"),
    ],
)  # fmt: skip
def test_every_shape(edge: ModuleType, name: str, params: dict[str, Any], check: Any) -> None:
    value = edge.RPC.call(name, **params)
    assert check(value), value
    if name != "f_uuid":  # its DEFAULT gen_random_uuid() differs per call, and so does the fake
        assert edge.RPC.rpc(name, params).execute().data == value  # fakes are deterministic


# -------------------------------------------------------------------------- validation


def test_unknown_function_suggests_the_closest_names(shop: ModuleType) -> None:
    err = error_of(shop, lambda: shop.RPC.call("calculate_totals", price=1, quantity=1))
    assert err.code == "PGRST202"
    assert (
        err.message
        == "Could not find the function calculate_totals(price, quantity) in the schema cache"
    )
    assert err.hint == "Perhaps you meant to call the function calculate_total"
    assert err.json()["code"] == "PGRST202"


def test_unknown_parameter(shop: ModuleType) -> None:
    err = error_of(shop, lambda: shop.RPC.rpc("calculate_total", {"price": 1, "qty": 2}).execute())
    assert err.code == "PGRST202"
    assert "unknown parameter 'qty'" in err.details
    assert "missing parameter 'quantity'" in err.details
    assert err.hint == "Perhaps you meant 'quantity'"


def test_missing_parameter_without_default(shop: ModuleType) -> None:
    err = error_of(shop, lambda: shop.RPC.call("calculate_total", price=1))
    assert "missing parameter 'quantity' (it has no default)" in err.details
    assert (
        "calculate_total(price numeric, quantity integer, discount numeric DEFAULT 0)"
        in err.details
    )
    assert shop.RPC.call("calculate_total", price=1, quantity=2) == Decimal("2.00")  # discount 0


def test_invalid_argument_is_the_databases_error(shop: ModuleType) -> None:
    err = error_of(shop, lambda: shop.RPC.call("calculate_total", price="ten", quantity=1))
    assert (err.code, err.message) == ("22P02", 'invalid input syntax for type numeric: "ten"')
    err = error_of(shop, lambda: shop.RPC.call("calculate_total", price=1, quantity=2.5))
    assert (err.code, err.message) == ("22P02", 'invalid input syntax for type integer: "2.5"')


def test_trigger_functions_and_procedures_are_left_out(edge: ModuleType) -> None:
    assert "touch" not in edge.rpc.FUNCTIONS and "cleanup" not in edge.rpc.FUNCTIONS
    assert edge.rpc.NOT_CALLABLE == {"touch": "trigger function", "cleanup": "procedure"}
    err = error_of(edge, lambda: edge.RPC.call("touch"))
    assert err.details == "touch is a trigger function: it cannot be called through RPC"


def test_database_errors_come_back_as_rpc_errors(edge: ModuleType) -> None:
    err = error_of(edge, lambda: edge.RPC.call("f_div", a=1, b=0))
    assert (err.code, err.message) == ("22012", "division by zero")


# ------------------------------------------------------------------ overloads and names


def test_overloads_are_told_apart_by_parameter_names(edge: ModuleType) -> None:
    assert edge.RPC.call("f_over", a=1) == 1
    assert edge.RPC.call("f_over", a=1, b=2) == 3
    assert edge.rpc.f_over__a(5) == 5 and edge.rpc.f_over__a_b(5, 6) == 11
    err = error_of(edge, lambda: edge.RPC.call("f_over", b=1))
    assert err.code == "PGRST202" and "f_over(a); f_over(a, b)" in err.details


def test_overloads_that_both_fit_are_ambiguous(edge: ModuleType) -> None:
    err = error_of(edge, lambda: edge.RPC.call("f_amb", a=1))
    assert err.code == "PGRST203"
    assert edge.RPC.call("f_amb", a=1, b=2) is not None  # only the second takes b


def test_unnamed_parameters_are_positional(shop: ModuleType) -> None:
    assert shop.RPC.call("format_price", Decimal("1.005"), "EUR") == "EUR 1.01"
    assert shop.RPC.rpc("format_price", [Decimal("3"), "USD"]).execute().data == "USD 3.00"
    assert shop.rpc.format_price(Decimal("2"), "CHF") == "CHF 2.00"
    assert shop.RPC.call("format_price", None, "EUR") is None  # STRICT: NULL in, NULL out
    err = error_of(shop, lambda: shop.RPC.call("format_price", amount=1, currency="EUR"))
    assert "missing parameter '$1'" in err.details


def test_a_single_unnamed_json_parameter_takes_the_whole_body(edge: ModuleType) -> None:
    with edge.RPC.override("f_json", lambda body: body):
        assert edge.RPC.rpc("f_json", {"a": 1, "b": [2]}).execute().data == {"a": 1, "b": [2]}


def test_parameters_named_like_python_keywords(edge: ModuleType) -> None:
    assert edge.RPC.call("f_kw", **{"from": 1, "class": "c"}) == "c1"
    assert edge.RPC.call("f_kw", **{"from": 7}) == "x'y7"
    assert edge.rpc.f_kw(from_=2) == "x'y2"


def test_names_that_are_not_identifiers(edge: ModuleType) -> None:
    assert edge.RPC.call("Weird Name", x=1) == 2
    assert edge.rpc.Weird_Name(1) == 2
    assert edge.RPC.call("api.f_schema", x=2) == 20 and edge.rpc.api__f_schema(3) == 30


def test_defaults(edge: ModuleType) -> None:
    assert edge.RPC.call("f_defaults") == Decimal("6.5")  # 2 + 3 and 1.50::numeric(5,1)
    assert edge.rpc.f_defaults(y=Decimal("0.25")) == Decimal("5.25")
    assert edge.RPC.call("f_now") is True  # DEFAULT now(), evaluated per call
    seen: dict[str, Any] = {}
    edge.RPC.register("f_setting", lambda **kw: seen.update(kw) or "s")
    edge.RPC.call("f_setting")  # its DEFAULT is not compiled: left out, not guessed
    assert seen == {}


# ------------------------------------------------------------- registered implementations


def test_a_registered_implementation_answers(shop: ModuleType) -> None:
    shop.RPC.register("calculate_total", lambda price, quantity, discount: Decimal("42"))
    assert shop.RPC.call("calculate_total", price=1, quantity=1) == Decimal("42")
    assert shop.RPC.implementation("calculate_total", price=1, quantity=1) == "registered"


def test_the_next_test_does_not_see_it(shop: ModuleType) -> None:
    assert shop.RPC.call("calculate_total", price=1, quantity=1) == Decimal("1.00")
    assert shop.RPC.implementation("calculate_total", price=1, quantity=1) == "compiled"
    assert shop.RPC.implementation("get_order_summary", p_customer_id=CUSTOMER) == "fake"


def test_registered_implementations_get_coerced_arguments_and_defaults(shop: ModuleType) -> None:
    seen: dict[str, Any] = {}

    @shop.RPC.implement("get_product_recommendations")
    def recommend(p_customer_id: uuid.UUID, p_limit: int) -> list[dict[str, Any]]:
        seen.update(p_customer_id=p_customer_id, p_limit=p_limit)
        return []

    assert (
        shop.RPC.rpc("get_product_recommendations", {"p_customer_id": CUSTOMER}).execute().data
        == []
    )
    assert seen == {"p_customer_id": uuid.UUID(CUSTOMER), "p_limit": 5}
    assert shop.RPC.calls[-1].args == seen


def test_override_restores_what_was_there(shop: ModuleType) -> None:
    shop.RPC.register("discounted_price", lambda **kw: "outer")
    with shop.RPC.override("discounted_price", lambda **kw: "inner"):
        assert shop.RPC.call("discounted_price", price=1, discount_percent=0) == "inner"
    assert shop.RPC.call("discounted_price", price=1, discount_percent=0) == "outer"
    shop.RPC.unregister("discounted_price")
    assert shop.RPC.call("discounted_price", price=10, discount_percent=10) == Decimal("9.00")


def test_registering_an_unknown_function_fails_at_once(shop: ModuleType) -> None:
    err = error_of(shop, lambda: shop.RPC.register("calculate_totl", lambda **kw: 0))
    assert err.hint == "Perhaps you meant to call the function calculate_total"


def test_the_async_client_shares_registrations(shop: ModuleType) -> None:
    shop.AsyncRPC.register("get_order_summary", lambda p_customer_id: [{"total_orders": 2}])

    async def run() -> Any:
        response = await shop.AsyncRPC.rpc(
            "get_order_summary", {"p_customer_id": CUSTOMER}
        ).execute()
        return response.data, await shop.AsyncRPC.call("get_order_summary", p_customer_id=CUSTOMER)

    assert asyncio.run(run()) == ([{"total_orders": 2}], [{"total_orders": 2}])
    assert shop.RPC.call("get_order_summary", p_customer_id=CUSTOMER) == [{"total_orders": 2}]


# ------------------------------------------------------------------ strict mode, fakes


def test_strict_mode_raises_for_unimplemented_functions(shop: ModuleType) -> None:
    shop.RPC.strict = True
    with pytest.raises(NotImplementedError, match="ON CONFLICT") as info:
        shop.RPC.call("refresh_customer_metrics", p_customer_id=CUSTOMER)
    assert "RPC.register('refresh_customer_metrics', lambda p_customer_id: ...)" in str(info.value)
    assert "Not compiled: LANGUAGE plpgsql." in str(info.value)
    with pytest.raises(NotImplementedError, match="no rows are bound") as info:
        shop.RPC.call("get_product_recommendations", p_customer_id=CUSTOMER)
    assert "lambda p_customer_id, p_limit: ..." in str(info.value)
    assert shop.RPC.call("calculate_total", price=2, quantity=2) == Decimal("4.00")  # compiled
    with shop.RPC.override("get_product_recommendations", lambda **kw: []):
        assert shop.RPC.call("get_product_recommendations", p_customer_id=CUSTOMER) == []


def test_strict_by_default_fakes_only_when_asked(generated: Generated, tmp_path: Path) -> None:
    sql = generated.sql(
        "strict",
        "CREATE FUNCTION f(x integer) RETURNS integer\n"
        "LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0); RETURN x; END $$;",
    )
    pkg = generated.package("rpcshape_strict", [sql])
    assert pkg.RPC.strict is True
    assert pkg.RPC.implementation("f", x=1) == "none"
    with pytest.raises(NotImplementedError, match=r"RPC f: no implementation\. Not compiled"):
        pkg.RPC.call("f", x=1)
    with pytest.raises(NotImplementedError):
        pkg.RPC.rpc("f", {"x": 1}).execute()
    assert isinstance(pkg.RPC.fake("f", x=1), int)  # one call, asked for by name
    with pkg.RPC.fakes("f"):
        assert pkg.RPC.implementation("f", x=1) == "fake"
        assert pkg.RPC.rpc("f", {"x": 1}).execute().data == pkg.RPC.fake("f", x=1)
    with pytest.raises(NotImplementedError):
        pkg.RPC.call("f", x=1)  # the block is over
    with pytest.raises(pkg.RPCError, match="PGRST202"), pkg.RPC.fakes("g"):
        pass  # a misspelt name is an error, not a silent no-op
    pkg.RPC.strict = False
    assert isinstance(pkg.RPC.call("f", x=1), int)
    pkg.RPC.reset()
    assert pkg.RPC.strict is True
    loose = generated.package("rpcshape_loose", [sql], strict_rpc=False)
    assert loose.RPC.strict is False and isinstance(loose.RPC.call("f", x=1), int)


def test_fakes_are_deterministic_and_follow_the_seed(shop: ModuleType) -> None:
    first = shop.RPC.call("get_order_summary", p_customer_id=CUSTOMER)
    assert shop.RPC.call("get_order_summary", p_customer_id=CUSTOMER) == first
    other = shop.RPC.call("get_order_summary", p_customer_id=str(uuid.UUID(int=1)))
    assert other != first  # the arguments are part of the seed
    shop.RPC.seed = 99
    assert shop.RPC.call("get_order_summary", p_customer_id=CUSTOMER) != first
    shop.RPC.reset()
    assert shop.RPC.call("get_order_summary", p_customer_id=CUSTOMER) == first


def test_fakes_leave_the_factories_random_streams_alone(shop: ModuleType) -> None:
    shop.reset(5)
    expected = shop.CustomersFactory.build()
    shop.reset(5)
    shop.RPC.call("get_product_recommendations", p_customer_id=CUSTOMER)
    shop.RPC.call("get_order_summary", p_customer_id=CUSTOMER)
    assert shop.CustomersFactory.build() == expected


def test_row_fakes_do_not_depend_on_or_advance_factory_sequences(shop: ModuleType) -> None:
    shop.reset(5)
    first = shop.RPC.call("get_product_recommendations", p_customer_id=CUSTOMER)
    assert [r["id"] for r in first] == [1, 2, 3]
    built = shop.ProductsFactory.build_batch(4)
    assert shop.RPC.call("get_product_recommendations", p_customer_id=CUSTOMER) == first
    assert shop.ProductsFactory.build()["id"] == built[-1]["id"] + 1


# ---------------------------------------------------------------- postgrest-py modifiers


def test_filters_and_modifiers_apply_to_rows(edge: ModuleType) -> None:
    rows = [{"k": 1, "label": "a"}, {"k": 2, "label": "b"}, {"k": 3, "label": None}]
    edge.RPC.register("f_table", lambda n: rows)
    rpc = edge.RPC.rpc
    assert rpc("f_table", {"n": 3}).select("k").gte("k", 2).execute().data == [{"k": 2}, {"k": 3}]
    assert rpc("f_table", {"n": 3}).order("k", desc=True).limit(1).execute().data == [rows[2]]
    assert rpc("f_table", {"n": 3}).eq("label", "b").single().execute().data == rows[1]
    assert rpc("f_table", {"n": 3}, count="exact").execute().count == 3
    assert rpc("f_table", {"n": 3}).eq("k", 9).maybe_single().execute().data is None
    err = error_of(edge, lambda: rpc("f_table", {"n": 3}).single().execute())
    assert err.code == "PGRST116"
    err = error_of(edge, lambda: rpc("f_out1", {"a": 1}).eq("x", 1).execute())
    assert err.code == "PGRST100"
