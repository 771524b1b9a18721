"""Names that must never break a factory: `__`, unicode, factory_boy's own parameter
names, `%` with psycopg/PyMySQL, names equal after normalisation, keywords, builtins and
very long names. The package imports, every factory builds, and rows insert."""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Callable
from types import ModuleType
from typing import Any

import factory
import psycopg

from tests.myserver import load_script as load_mysql


def _factory_boy_parameters() -> set[str]:
    """Every parameter name of factory_boy's class methods (cls, size, strategy, ...)."""
    names: set[str] = set()
    for cls in factory.DictFactory.__mro__:
        for attr in vars(cls).values():
            fn = getattr(attr, "__func__", None)
            if fn is not None:
                names |= set(inspect.signature(fn).parameters)
    names |= set(inspect.signature(factory.base.FactoryOptions.instantiate).parameters)
    return {n for n in names if n.isidentifier()}


FACTORY_BOY = sorted(_factory_boy_parameters())
HOSTILE = [
    "foo__bar", "__init__", "_spec", "a__", "naïve_ünïcode", "名前", "ﬁle", "cls", "self",
    "a b", "a_b", "A_B_", "pct%col", "100%", "class", "def", "from", "import", "None", "True",
    "id", "type", "list", "print", "Meta", "Params", "n", "o", "sg", "rt", "factory",
    "Decimal", "_PKG", "build", "create_batch", "reset_sequence", "attributes", "select",
    "order", "x" * 60, "y" * 60 + "z", "Ünïcode_Ω", "semi;colon", "quo\"te", "back`tick",
    "new\nline",
]  # fmt: skip
# SQL compares column names case-blindly: keep the first spelling of each
COLUMNS = list({c.lower(): c for c in reversed([*HOSTILE, *FACTORY_BOY])}.values())[::-1]
TABLES = ["order%s", "naïve table", "class", "a__b"]


def _schema(quote: Callable[[str], str], dialect: str) -> str:
    text = "text" if dialect != "mysql" else "varchar(20)"
    cols = ",\n  ".join(f"{quote(c)} {text}" for c in COLUMNS)
    parent, *others = TABLES
    sql = [f"CREATE TABLE {quote(parent)} (\n  pk integer PRIMARY KEY,\n  {cols}\n);"]
    for name in others:
        sql.append(
            f"CREATE TABLE {quote(name)} (pk integer PRIMARY KEY, {quote('cls')} integer,"
            f" {quote('parent%id')} integer REFERENCES {quote(parent)} (pk));"
        )
    return "\n".join(sql)


def _pg_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _my_quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def test_factory_boy_parameter_names_are_covered() -> None:
    assert {"cls", "size", "strategy", "create", "kwargs", "params", "model_class"} <= set(
        FACTORY_BOY
    )


def _exercise(pkg: ModuleType, connection: Any) -> None:
    """Every factory inserts; an override by exact SQL name reaches that column."""
    pkg.bind(connection)
    try:
        for key, made in pkg.FACTORIES.items():
            assert len(made.create_batch(5)) == 5, key
        main = pkg.FACTORIES[TABLES[0]]
        for column in COLUMNS:
            row = main.build(**{column: "v"})
            assert [c for c, v in row.items() if v == "v"] == [column], column
        row = main.create(**{"a_b": "x1", "a b": "x2", "cls": "x3", "size": "x4"})
        assert (row["a_b"], row["a b"], row["cls"], row["size"]) == ("x1", "x2", "x3", "x4")
    finally:
        pkg.bind(None)


def test_hostile_names_sqlite(
    sqlite: sqlite3.Connection, make_package: Callable[..., ModuleType]
) -> None:
    sql = _schema(_pg_quote, "sqlite")
    sqlite.executescript(sql)
    _exercise(make_package(sql=sql, dialect="sqlite"), sqlite)


def test_hostile_names_postgres(
    pg: psycopg.Connection, make_package: Callable[..., ModuleType]
) -> None:
    sql = _schema(_pg_quote, "postgres")
    pg.execute(sql)  # type: ignore[call-overload]
    _exercise(make_package(sql=sql), pg)


def test_hostile_names_mysql(mysql: Any, make_package: Callable[..., ModuleType]) -> None:
    sql = _schema(_my_quote, "mysql")
    load_mysql(mysql, sql)
    _exercise(make_package(sql=sql, dialect="mysql"), mysql)
