"""The package's `__init__` imports the factories eagerly and the in-memory database and RPC
modules on first use (PEP 562), so `import pkg`, which every pytest run pays, skips them,
while every name in `__all__` stays importable from the package."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

import pytest

SQL = """
CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer_id int NOT NULL REFERENCES customers(id),
    total numeric(10,2) NOT NULL CHECK (total >= 0)
);
CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM orders $$;
"""


def test_import_leaves_database_and_rpc_unloaded(make_package: Callable[..., ModuleType]) -> None:
    pkg = make_package(sql=SQL)
    assert f"{pkg.__name__}.factories" in sys.modules
    assert f"{pkg.__name__}.database" not in sys.modules
    assert f"{pkg.__name__}.rpc" not in sys.modules
    assert pkg.OrdersFactory.build()["total"] >= 0


def test_every_exported_name_resolves(make_package: Callable[..., ModuleType]) -> None:
    pkg = make_package(sql=SQL)
    names: dict[str, object] = {}
    exec(f"from {pkg.__name__} import *", names)  # the star import users write
    assert set(pkg.__all__) <= set(names)
    assert names["Database"] is sys.modules[f"{pkg.__name__}.database"].Database
    assert names["RPC"] is pkg.rpc.RPC
    assert {"Database", "RPC", "OrdersFactory"} <= set(dir(pkg))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        pkg.Nope  # noqa: B018
