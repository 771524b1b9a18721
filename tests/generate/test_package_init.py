"""The package loads on demand (PEP 562): `import pkg`, which every pytest run pays, loads no
table; a factory loads its own module, and its parents' when a row needs them. FACTORIES,
TABLE_SCHEMAS and TABLES are read-only mappings that build an entry on first access, equal
to the plan's dicts, in its order. Every name in `__all__` stays importable, and type
checkers see each one through the `TYPE_CHECKING` imports."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from codegen import pipeline, plan
from codegen.config import Config
from tests.generate.genlib import SAMPLES

SQL = """
CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer_id int NOT NULL REFERENCES customers(id),
    total numeric(10,2) NOT NULL CHECK (total >= 0)
);
CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM orders $$;
"""

DIALECTS = {"mysql": "mysql", "sqlite": "sqlite"}


def _loaded(pkg: ModuleType) -> set[str]:
    prefix = pkg.__name__ + "."
    return {m.removeprefix(prefix) for m in sys.modules if m.startswith(prefix)}


def test_import_loads_no_table(make_package: Callable[..., ModuleType]) -> None:
    pkg = make_package(sql=SQL)  # and reset(): the factory runtime, which any row needs
    loaded = _loaded(pkg)
    assert not {"factories", "computed", "schemas", "rows", "database", "rpc"} & loaded
    assert not any(m.startswith("factories.") for m in loaded)


def _module_of(pkg: ModuleType, table: str) -> str:
    return "factories." + pkg.factories._TABLES[table][0]


# clients, orders and 70 unrelated tables: 4 groups, clients and orders in different ones
GROUPED = SQL.replace("customers", "clients") + "".join(
    f"CREATE TABLE f{i} (id serial PRIMARY KEY);\n" for i in range(70)
)


def test_a_factory_loads_its_group_then_its_parents_group_when_building(
    make_package: Callable[..., ModuleType],
) -> None:
    pkg = make_package(sql=GROUPED)
    orders_module, clients_module = _module_of(pkg, "orders"), _module_of(pkg, "clients")
    assert orders_module != clients_module  # else this test shows nothing
    assert len({m for m, _ in pkg.factories._TABLES.values()}) == 4
    orders = pkg.OrdersFactory
    assert orders is sys.modules[f"{pkg.__name__}.{orders_module}"].OrdersFactory
    assert {m for m in _loaded(pkg) if m.startswith("factories.")} == {orders_module}
    row = orders.build()  # each table's compiled functions and spec: its group's tables module
    assert row["total"] >= 0 and row["customer_id"] == 1
    assert {m for m in _loaded(pkg) if m.startswith("factories.")} == {
        orders_module,
        orders_module + "_tables",
        clients_module,
        clients_module + "_tables",
    }
    assert not {"schemas", "rows", "database", "rpc"} & _loaded(pkg)


def test_a_tables_module_name_gives_its_groups_tables_module(
    make_package: Callable[..., ModuleType],
) -> None:
    """What database.py reads the compiled functions through, whatever the grouping."""
    pkg = make_package(sql=GROUPED)
    orders_module = _module_of(pkg, "orders") + "_tables"
    names: dict[str, object] = {}
    exec(f"from {pkg.__name__}.factories import orders", names)
    assert names["orders"] is sys.modules[f"{pkg.__name__}.{orders_module}"]
    clients_module = _module_of(pkg, "clients") + "_tables"
    assert pkg.factories.clients is sys.modules[f"{pkg.__name__}.{clients_module}"]
    assert names["orders"].orders__total_check(-1) is False  # type: ignore[attr-defined]


def test_mappings_build_nothing_until_an_entry_is_read(
    make_package: Callable[..., ModuleType],
) -> None:
    pkg = make_package(sql=SQL)
    factories = pkg.FACTORIES
    assert list(factories) == ["customers", "orders"] and len(factories) == 2
    assert "orders" in factories and "nope" not in factories
    assert not any(m.startswith("factories.") for m in _loaded(pkg))
    assert factories["orders"] is pkg.OrdersFactory
    assert factories.get("nope") is None
    with pytest.raises(KeyError, match="nope"):
        factories["nope"]
    with pytest.raises(TypeError):
        factories["nope"] = pkg.OrdersFactory  # type: ignore[index]
    assert pkg.TABLE_SCHEMAS["orders"] == {
        "id": "integer",
        "customer_id": "integer",
        "total": "numeric(10,2)",
    }
    assert "rows" not in _loaded(pkg)


def test_a_schema_without_tables(make_package: Callable[..., ModuleType]) -> None:
    pkg = make_package(sql="CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;")
    assert dict(pkg.FACTORIES) == {} and dict(pkg.TABLES) == {} and dict(pkg.CHECKS) == {}
    assert pkg.rpc.RPC is pkg.RPC


def test_tables_named_like_the_loaders_globals(make_package: Callable[..., ModuleType]) -> None:
    """A submodule, once imported, becomes an attribute of its package: tables named like
    what factories/__init__.py uses must not replace it."""
    names = ("importlib", "attributes", "imported", "LazyMap", "_TABLES", "FACTORIES")
    sql = "".join(f'CREATE TABLE "{n}" (id serial PRIMARY KEY);\n' for n in names)
    pkg = make_package(sql=sql)
    assert [f.build()["id"] for f in pkg.FACTORIES.values()] == [1] * len(names)
    assert [f.build()["id"] for f in pkg.FACTORIES.values()] == [2] * len(names)
    assert list(pkg.FACTORIES) == list(names)


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()))
def test_mappings_equal_the_plan(sample: str, make_package: Callable[..., ModuleType]) -> None:
    folder = SAMPLES / sample
    paths = [folder / "schema.sql"] if (folder / "schema.sql").is_file() else [folder]
    dialect = DIALECTS.get(sample, "postgres")
    pkg = make_package(paths=paths, dialect=dialect)
    inputs = tuple(str(p) for p in paths)
    config = Config(inputs=inputs, dialect=dialect)
    tables = plan.build(pipeline.load(inputs, config.sql_dialect).schema, config).tables
    schemas = {t.key: t.schema_entry for t in tables}
    table_schemas, metas = pkg.TABLE_SCHEMAS, pkg.TABLES
    assert table_schemas == schemas and schemas == table_schemas  # both sides' __eq__
    assert [list(c) for c in table_schemas.values()] == [list(c) for c in schemas.values()]
    assert metas == {t.key: t.meta for t in tables}
    assert list(metas) == list(schemas)
    assert [(k, f.__name__) for k, f in pkg.FACTORIES.items()] == [
        (t.key, t.class_name) for t in tables
    ]
    rows = {t.row_class: [name for name, _ in t.row_fields] for t in tables}
    assert {name: list(getattr(pkg, name).__annotations__) for name in rows} == rows


def test_every_exported_name_resolves(make_package: Callable[..., ModuleType]) -> None:
    pkg = make_package(sql=SQL)
    names: dict[str, object] = {}
    exec(f"from {pkg.__name__} import *", names)  # the star import users write
    assert set(pkg.__all__) <= set(names)
    assert names["Database"] is sys.modules[f"{pkg.__name__}.database"].Database
    assert names["RPC"] is pkg.rpc.RPC
    assert names["OrdersRow"] is pkg.rows.OrdersRow
    assert {"Database", "RPC", "OrdersFactory", "TABLES"} <= set(dir(pkg))
    assert set(pkg.factories.__all__) <= set(dir(pkg.factories))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        pkg.Nope  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        pkg.factories.Nope  # noqa: B018


USER_TEST = """
from sample import FACTORIES, TABLE_SCHEMAS, TABLES, OrdersFactory, OrdersRow

row: OrdersRow = OrdersFactory.build()
reveal_type(row["total"])
reveal_type(FACTORIES["orders"])
reveal_type(TABLE_SCHEMAS["orders"])
reveal_type(TABLES["orders"]["columns"])
"""


def test_type_checkers_see_every_name(make_package: Callable[..., ModuleType]) -> None:
    """The names mypy sees are the TYPE_CHECKING imports (`__getattr__` is hidden from it),
    so a misspelt name is an error, not Any."""
    pkg = make_package(sql=SQL)
    root = Path(pkg.__file__).parent.parent
    (root / "sample").symlink_to(Path(pkg.__file__).parent)
    (root / "user.py").write_text(USER_TEST + "from sample import OrdersFactroy\n")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "user.py"],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    out = done.stdout
    assert 'Revealed type is "decimal.Decimal"' in out, out
    assert 'Revealed type is "type[factory.base.Factory[Any]]"' in out, out
    assert 'Revealed type is "dict[str, str]"' in out, out
    assert 'Revealed type is "dict[str, TypedDict(sample.schemas.ColumnInfo' in out, out
    assert 'Module "sample" has no attribute "OrdersFactroy"' in out, out
    assert out.count("error:") == 1, out
