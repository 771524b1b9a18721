"""The sample schema's functions used the way our users' code calls them today.

The code under test receives a supabase / postgrest-py client and calls
`client.rpc("calculate_total", params).execute().data` (or awaits `.execute()` on the async
client). In tests it gets the generated `RPC` / `AsyncRPC` instead of a hand-written fake
whose numbers drift from the SQL (see the "Strategy E" mock users write today: it returned
a dict for get_order_summary, which returns TABLE rows, and made up the total's formula).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

from .conftest import ECOMMERCE, Generated

# ----------------------------------------------------------- the application's code (as is)


def order_total(client: Any, price: float, quantity: int, discount: float = 0) -> Any:
    params = {"price": price, "quantity": quantity, "discount": discount}
    return client.rpc("calculate_total", params).execute().data


async def order_total_async(client: Any, price: float, quantity: int) -> Any:
    response = await client.rpc("calculate_total", {"price": price, "quantity": quantity}).execute()
    return response.data


def customer_dashboard(client: Any, customer_id: uuid.UUID) -> dict[str, Any]:
    summary = client.rpc("get_order_summary", {"p_customer_id": str(customer_id)}).execute().data
    picks = (
        client.rpc("get_product_recommendations", {"p_customer_id": str(customer_id), "p_limit": 3})
        .execute()
        .data
    )
    first = summary[0]
    return {
        "orders": first["total_orders"],
        "spent": first["total_revenue"],
        "picks": [p["name"] for p in picks],
    }


async def customer_dashboard_async(client: Any, customer_id: uuid.UUID) -> list[str]:
    response = await client.rpc(
        "get_product_recommendations", {"p_customer_id": str(customer_id)}
    ).execute()
    return [p["sku"] for p in response.data]


# --------------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def shop(generated: Generated) -> ModuleType:
    return generated.package("rpcusage_shop", [ECOMMERCE])


@pytest.fixture
def client(shop: ModuleType) -> Iterator[Any]:
    """What a project's conftest hands the code under test instead of the supabase client."""
    yield shop.RPC
    shop.RPC.reset()


def test_calculate_total_is_the_sqls_arithmetic(client: Any) -> None:
    # round(price * quantity * (1 - discount / 100), 2): a percent discount, money scale
    assert order_total(client, 19.99, 3) == Decimal("59.97")
    assert order_total(client, 19.99, 3, discount=10) == Decimal("53.97")
    assert order_total(client, 0.1, 3) == Decimal("0.30")  # JSON 0.1 is numeric 0.1, not a float
    with pytest.raises(Exception, match="invalid input syntax for type integer") as info:
        order_total(client, 10, 1.5)
    assert info.value.code == "22P02"


def test_calculate_total_async(shop: ModuleType) -> None:
    assert asyncio.run(order_total_async(shop.AsyncRPC, 2.5, 4)) == Decimal("10.00")


def test_dashboard_raises_until_the_test_says_what_the_functions_return(client: Any) -> None:
    with pytest.raises(NotImplementedError, match="RPC get_order_summary: no implementation"):
        customer_dashboard(client, uuid.uuid4())


def test_dashboard_with_fakes_of_the_right_shape(client: Any) -> None:
    with client.fakes():  # asked for: every function without an implementation is faked
        dashboard = customer_dashboard(client, uuid.uuid4())
    assert isinstance(dashboard["orders"], int)
    assert isinstance(dashboard["spent"], Decimal)
    assert len(dashboard["picks"]) == client.fake_rows and all(dashboard["picks"])


def test_dashboard_with_the_tests_own_answers(shop: ModuleType, client: Any) -> None:
    customer = uuid.uuid4()
    shop.reset(7)
    products = [shop.ProductsFactory.build(name=n) for n in ("Lamp", "Desk", "Chair")]

    @client.implement("get_order_summary")
    def summary(p_customer_id: uuid.UUID) -> list[dict[str, Any]]:
        assert p_customer_id == customer  # the string the code sent, as the database reads it
        return [
            {
                "total_orders": 4,
                "total_revenue": Decimal("120.00"),
                "average_order": Decimal("30.00"),
            }
        ]

    with client.override(
        "get_product_recommendations", lambda p_customer_id, p_limit: products[:p_limit]
    ):
        assert customer_dashboard(client, customer) == {
            "orders": 4,
            "spent": Decimal("120.00"),
            "picks": ["Lamp", "Desk", "Chair"],
        }
    assert [c.name for c in client.calls] == ["get_order_summary", "get_product_recommendations"]
    assert client.calls[1].args == {"p_customer_id": customer, "p_limit": 3}


def test_recommendations_async(shop: ModuleType) -> None:
    with shop.AsyncRPC.fakes("get_product_recommendations"):
        skus = asyncio.run(customer_dashboard_async(shop.AsyncRPC, uuid.uuid4()))
    assert len(skus) == shop.RPC.fake_rows and all(isinstance(s, str) for s in skus)


def test_a_typo_in_the_application_fails_like_postgrest(client: Any) -> None:
    with pytest.raises(Exception) as info:
        client.rpc("get_order_summery", {"p_customer_id": str(uuid.uuid4())}).execute()
    assert info.value.code == "PGRST202"
    assert info.value.hint == "Perhaps you meant to call the function get_order_summary"
    with pytest.raises(Exception) as info:
        client.rpc("get_order_summary", {"customer_id": str(uuid.uuid4())}).execute()
    assert "unknown parameter 'customer_id'" in info.value.details
