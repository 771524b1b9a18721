"""The generated Database's two front doors on the ecommerce sample, in memory: one
behaviour per test (the differential tests check them against real databases)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest


@pytest.fixture
def pkg(sample_package: Callable[..., ModuleType]) -> ModuleType:
    return sample_package("ecommerce")


@pytest.fixture
def db(pkg: ModuleType) -> Any:
    return pkg.Database()


def _shop(db: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    customer = db.insert("customers", {"email": "ann@example.com"})[0]
    product = db.insert("products", {"sku": "S-1", "name": "lamp", "price": "19.5"})[0]
    return customer, product


def _order(customer: dict[str, Any], product: dict[str, Any], **values: Any) -> dict[str, Any]:
    return {"customer_id": customer["id"], "product_id": product["id"], "price": 10,
            "quantity": 3, **values}  # fmt: skip


def test_insert_returns_the_stored_row(db: Any) -> None:
    customer, product = _shop(db)
    order = db.insert("orders", _order(customer, product, discount=10))[0]
    assert order["total_price"] == Decimal("30.00")
    assert order["final_price"] == Decimal("27.00")
    assert order["status"] == "pending" and order["order_number"] == 1
    assert product["price"] == Decimal("19.50") and str(product["price"]) == "19.50"
    assert customer["email_domain"] == "example.com"


@pytest.mark.parametrize(
    ("values", "code", "words"),
    [
        ({"quantity": 0}, "23514", 'violates check constraint "orders_quantity_check"'),
        ({"price": None}, "23502", 'null value in column "price" of relation "orders"'),
        ({"status": "lost"}, "22P02", 'invalid input value for enum order_status: "lost"'),
        ({"total_price": 1}, "428C9", 'non-DEFAULT value into column "total_price"'),
        ({"order_number": 7}, "428C9", 'non-DEFAULT value into column "order_number"'),
        ({"product_id": 99}, "23503", 'violates foreign key constraint "orders_product_id_fkey"'),
        ({"nope": 1}, "42703", 'column "nope" of relation "orders" does not exist'),
        ({"quantity": 2**40}, "22003", "integer out of range"),
        ({"price": Decimal("123456789.1")}, "22003", "numeric field overflow"),
    ],
)
def test_a_bad_row_fails_with_the_sqlstate(db: Any, pkg: ModuleType, values: dict[str, Any],
                                           code: str, words: str) -> None:  # fmt: skip
    customer, product = _shop(db)
    with pytest.raises(pkg.DatabaseError) as caught:
        db.insert("orders", _order(customer, product, **values))
    assert caught.value.code == code
    assert words in caught.value.message
    assert db.count("orders") == 0


def test_duplicate_key_names_the_key(db: Any, pkg: ModuleType) -> None:
    _shop(db)
    with pytest.raises(pkg.APIError) as caught:
        db.insert("customers", {"email": "ann@example.com"})
    assert caught.value.code == "23505"
    assert caught.value.details == "Key (email)=(ann@example.com) already exists."
    assert caught.value.json()["code"] == "23505"


def test_expression_unique_index(db: Any, pkg: ModuleType) -> None:
    _shop(db)
    with pytest.raises(pkg.DatabaseError, match="customers_lower_idx"):
        db.insert("customers", {"email": "ANN@example.com"})


def test_partial_unique_index(db: Any, pkg: ModuleType) -> None:
    customer, product = _shop(db)
    db.insert("orders", _order(customer, product))
    db.insert("orders", _order(customer, product, status="paid"))
    with pytest.raises(pkg.DatabaseError) as caught:
        db.insert("orders", _order(customer, product))
    assert caught.value.code == "23505"


def test_multi_row_insert_is_all_or_nothing(db: Any, pkg: ModuleType) -> None:
    with pytest.raises(pkg.DatabaseError):
        db.insert("customers", [{"email": "a@x"}, {"email": "b@x"}, {"email": "a@x"}])
    assert db.count("customers") == 0


def test_sequences_are_not_rolled_back(db: Any, pkg: ModuleType) -> None:
    db.insert("products", {"sku": "A", "name": "a", "price": 1})
    with pytest.raises(pkg.DatabaseError):
        db.insert("products", {"sku": "A", "name": "again", "price": 1})
    assert db.insert("products", {"sku": "B", "name": "b", "price": 1})[0]["id"] == 3


def test_delete_cascades_and_sets_null(db: Any) -> None:
    customer, product = _shop(db)
    friend = db.insert("customers", {"email": "bob@x", "referred_by": customer["id"]})[0]
    db.insert("orders", _order(customer, product))
    deleted = db.delete("customers", {"id": customer["id"]})
    assert [r["email"] for r in deleted] == ["ann@example.com"]
    assert db.count("orders") == 0  # ON DELETE CASCADE
    assert db.select("customers", {"id": friend["id"]})[0]["referred_by"] is None  # SET NULL


def test_restrict_keeps_the_parent(db: Any, pkg: ModuleType) -> None:
    customer, product = _shop(db)
    db.insert("orders", _order(customer, product))
    with pytest.raises(pkg.DatabaseError) as caught:
        db.delete("products", {"id": product["id"]})
    assert caught.value.code == "23503"
    assert "is still referenced from table" in (caught.value.details or "")
    assert db.count("products") == 1


def test_update_recomputes_and_checks(db: Any, pkg: ModuleType) -> None:
    customer, product = _shop(db)
    order = db.insert("orders", _order(customer, product))[0]
    updated = db.update("orders", {"quantity": 5}, {"id": order["id"]})
    assert updated[0]["total_price"] == Decimal("50.00")
    with pytest.raises(pkg.DatabaseError, match="can only be updated to DEFAULT"):
        db.update("orders", {"total_price": 1}, {"id": order["id"]})


def test_upsert_on_conflict(db: Any) -> None:
    db.insert("products", {"sku": "A", "name": "a", "price": 1})
    rows = db.upsert("products", {"sku": "A", "name": "renamed", "price": 2}, on_conflict="sku")
    assert rows[0]["id"] == 1 and rows[0]["name"] == "renamed"
    assert db.upsert("products", {"sku": "A", "name": "x", "price": 3}, "sku", True) == []
    assert db.count("products") == 1


def test_select_where_order_limit(db: Any) -> None:
    for sku, price in (("A", 3), ("B", 1), ("C", 2)):
        db.insert("products", {"sku": sku, "name": "n", "price": price})
    assert [r["sku"] for r in db.select("products", order_by="-price", limit=2)] == ["A", "C"]
    assert [r["sku"] for r in db.select("products", {"price": 1})] == ["B"]
    assert db.select("products", columns=["sku"], order_by="sku", offset=2) == [{"sku": "C"}]


def test_execute_query_is_the_mock_clients_entry_point(db: Any) -> None:
    db.execute_query("products", "insert", {"sku": "A", "name": "n", "price": 1})
    assert db.execute_query("products", "count") == 1
    assert db.execute_query("products", "select", filters={"sku": "A"})[0]["name"] == "n"
    with pytest.raises(ValueError, match="operation must be one of"):
        db.execute_query("products", "merge")


def test_unknown_table(db: Any, pkg: ModuleType) -> None:
    with pytest.raises(pkg.DatabaseError) as caught:
        db.select("nope")
    assert caught.value.code == "42P01"


def test_builder(db: Any) -> None:
    for sku, price in (("A", 3), ("B", 1), ("C", 2)):
        db.table("products").insert({"sku": sku, "name": "n", "price": price}).execute()
    response = (db.table("products").select("sku, price", count="exact").gte("price", 2)
                .order("price", desc=True).limit(1).execute())  # fmt: skip
    assert response.data == [{"sku": "A", "price": Decimal("3.00")}] and response.count == 2
    assert db.table("products").select("*").eq("sku", "B").single().execute().data["price"] == 1
    assert db.table("products").select("*").eq("sku", "Z").maybe_single().execute().data is None
    assert [r["sku"] for r in db.table("products").select("sku").in_("sku", ["A", "C"])
            .order("sku").range(1, 1).execute().data] == ["C"]  # fmt: skip
    assert db.table("products").select("sku").ilike("sku", "a").execute().data == [{"sku": "A"}]
    changed = db.table("products").update({"name": "m"}).lt("price", 3).execute()
    assert sorted(r["sku"] for r in changed.data) == ["B", "C"]
    assert len(db.table("products").delete().is_("description", None).execute().data) == 3


def test_builder_single_raises_like_postgrest(db: Any, pkg: ModuleType) -> None:
    with pytest.raises(pkg.APIError) as caught:
        db.table("products").select("*").single().execute()
    assert caught.value.code == "PGRST116"


def test_transaction_rolls_back_and_nests(db: Any) -> None:
    with db.transaction():
        db.insert("products", {"sku": "A", "name": "n", "price": 1})
        try:
            with db.transaction():
                db.insert("products", {"sku": "B", "name": "n", "price": 1})
                raise RuntimeError
        except RuntimeError:
            pass
    assert [r["sku"] for r in db.select("products")] == ["A"]
    with pytest.raises(RuntimeError), db.transaction():
        db.insert("products", {"sku": "C", "name": "n", "price": 1})
        raise RuntimeError
    assert db.count("products") == 1


def test_an_error_aborts_the_transaction_as_in_postgresql(db: Any, pkg: ModuleType) -> None:
    with db.transaction():
        db.insert("products", {"sku": "A", "name": "n", "price": 1})
        with pytest.raises(pkg.DatabaseError):
            db.insert("products", {"sku": "A", "name": "n", "price": 1})
        with pytest.raises(pkg.DatabaseError) as caught:
            db.count("products")
        assert caught.value.code == "25P02"
    assert db.count("products") == 0  # the block ended in ROLLBACK


def test_reset(db: Any) -> None:
    _shop(db)
    db.reset()
    assert db.count("customers") == 0
    assert db.insert("products", {"sku": "A", "name": "n", "price": 1})[0]["id"] == 1


def test_rpc_runs_the_compiled_function(db: Any) -> None:
    assert db.rpc("calculate_total", {"price": 10, "quantity": 2}) == Decimal("20.00")


def test_rpc_unknown_function(db: Any, pkg: ModuleType) -> None:
    with pytest.raises(pkg.DatabaseError) as caught:
        db.rpc("no_such_function", {})
    assert caught.value.code == "PGRST202"


def test_one_error_class_for_rpc_and_database(db: Any, pkg: ModuleType) -> None:
    """RPCError and DatabaseError are both the package's APIError (postgrest-py's shape)."""
    assert issubclass(pkg.RPCError, pkg.APIError)
    assert issubclass(pkg.DatabaseError, pkg.APIError)
    calls = (lambda: pkg.RPC.rpc("no_such_function", {}).execute(),
             lambda: db.insert("nope", {}))  # fmt: skip
    for call in calls:
        with pytest.raises(pkg.APIError) as caught:
            call()
        assert caught.value.json()["code"] in ("PGRST202", "42P01")


def test_async_methods_are_the_sync_ones_awaitable(pkg: ModuleType) -> None:
    for name in ("insert", "upsert", "select", "update", "delete", "count", "rpc", "reset"):
        method = getattr(pkg.AsyncDatabase, name)
        assert asyncio.iscoroutinefunction(method), name
        assert method.__doc__ == getattr(pkg.Database, name).__doc__


def test_async_database(pkg: ModuleType) -> None:
    async def scenario() -> tuple[int, int]:
        db = pkg.AsyncDatabase()
        await db.insert("products", {"sku": "A", "name": "n", "price": 1})
        try:
            async with db.transaction():
                await db.insert("products", {"sku": "B", "name": "n", "price": 1})
                raise RuntimeError
        except RuntimeError:
            pass
        response = await db.table("products").select("*", count="exact").execute()
        return await db.count("products"), response.count

    assert asyncio.run(scenario()) == (1, 1)


def test_the_factories_rows_go_in(db: Any, pkg: ModuleType) -> None:
    """A factory row minus what the database fills itself (generated, identity ALWAYS)."""
    for key in ("customers", "products", "orders"):
        row = pkg.FACTORIES[key].build()
        spec = next(t for t in pkg.SCHEMA.tables if t.key == key)
        for column in spec.columns:
            if column.generated or column.identity == "always":
                row.pop(column.name)
        if key == "orders":
            row["customer_id"] = db.select("customers")[0]["id"]
            row["product_id"] = db.select("products")[0]["id"]
        assert db.insert(key, row)


def test_embedded_select_follows_foreign_keys(db: Any, pkg: ModuleType) -> None:
    """postgrest-py's select("*, customers(*)"): the row a foreign key points at (an object)
    and the rows pointing at it (a list)."""
    customer, product = _shop(db)
    db.insert(
        "orders", [_order(customer, product), _order(customer, product, quantity=5, status="paid")]
    )
    orders = db.table("orders").select("id, customers(email), products(sku)").execute().data
    assert [o["customers"] for o in orders] == [{"email": "ann@example.com"}] * 2
    assert orders[0]["products"] == {"sku": "S-1"}
    shop = db.table("customers").select("email, orders(quantity)").execute().data
    assert [c["email"] for c in shop] == ["ann@example.com"]
    assert sorted(o["quantity"] for o in shop[0]["orders"]) == [3, 5]
    few = db.table("customers").select("*, orders!inner(*)").eq("orders.quantity", 9).execute()
    assert few.data == []
    with pytest.raises(pkg.APIError) as caught:
        db.table("orders").select("*, nowhere(*)").execute()
    assert caught.value.code == "PGRST200"


def test_embedded_rows_are_ordered_and_cut_per_row(db: Any, pkg: ModuleType) -> None:
    """postgrest-py's `.order(col, foreign_table=...)` and `.limit(n, foreign_table=...)`:
    each row's embedded list sorted and cut (PostgREST's lateral join), not the whole."""
    customer, product = _shop(db)
    other = db.insert("customers", {"email": "bob@example.com"})[0]
    db.insert("orders", [_order(customer, product, quantity=q, status="paid") for q in (3, 7, 5)]
              + [_order(other, product, quantity=q, status="paid") for q in (2, 9)])  # fmt: skip
    query = db.table("customers").select("email, orders(quantity)").order("email")
    shop = query.order("quantity", desc=True, foreign_table="orders").limit(
        2, foreign_table="orders").execute().data  # fmt: skip
    assert [[o["quantity"] for o in c["orders"]] for c in shop] == [[7, 5], [9, 2]]
    query = db.table("customers").select("email, orders(quantity)").order("email")
    shop = query.order("quantity", reference_table="orders").range(
        1, 1, reference_table="orders").execute().data  # fmt: skip
    assert [[o["quantity"] for o in c["orders"]] for c in shop] == [[5], [9]]
    with pytest.raises(pkg.APIError) as caught:
        db.table("customers").select("*").limit(1, foreign_table="orders").execute()
    assert caught.value.code == "PGRST108"
