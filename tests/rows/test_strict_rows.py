"""Strict rows: build() refuses what the database refuses on INSERT, in its words.

Each bad value is tried twice: through the factory (RowError at build time) and as an
INSERT of an otherwise valid factory row into the real database (the same SQLSTATE, or the
same message for SQLite). Good values that the database coerces (a float for numeric(6,2),
char(3) padding, trailing spaces past a varchar's length) come back from build() as the
database returns them from INSERT ... RETURNING.
"""

from __future__ import annotations

import importlib
import sqlite3
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest

from codegen import pipeline, writer
from codegen.config import Config
from codegen.generate import generate

PG_SCHEMA = """\
CREATE TYPE sub_status AS ENUM ('active', 'canceled');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TABLE plans (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code varchar(32) NOT NULL,
    flag char(3),
    price numeric(6,2) NOT NULL CHECK (price >= 0),
    seats smallint,
    status sub_status NOT NULL DEFAULT 'active',
    users positive_int,
    subtotal_cents integer NOT NULL DEFAULT 0,
    tax_cents integer GENERATED ALWAYS AS (subtotal_cents / 5) STORED,
    starts date,
    ok boolean,
    tags text[],
    ref uuid
);
"""

# override -> SQLSTATE PostgreSQL raises for it
PG_REJECTS: list[tuple[dict[str, Any], str]] = [
    ({"status": "paused"}, "22P02"),
    ({"code": "x" * 40}, "22001"),
    ({"flag": "abcd"}, "22001"),
    ({"price": Decimal("10000")}, "22003"),
    ({"seats": 40000}, "22003"),
    ({"code": None}, "23502"),
    ({"price": Decimal("-1")}, "23514"),
    ({"users": 0}, "23514"),
    ({"tax_cents": 999}, "428C9"),
    ({"id": 5}, "428C9"),
    ({"ok": 1}, "42804"),
    ({"ref": "nope"}, "22P02"),
    ({"starts": "2024-13-01"}, "22008"),
    ({"tags": "notalist"}, "22P02"),
    ({"cod": "x"}, "42703"),
]
PG_COERCES: list[dict[str, Any]] = [
    {"price": 1.5},
    {"price": 7},
    {"code": "x" * 32 + "   "},
    {"flag": "ab"},
    {"seats": "12"},
    {"ok": "yes"},
    {"price": Decimal("1.005")},
]


def _package(root: Path, name: str, sql: str, dialect: str) -> ModuleType:
    path = root / f"{name}.sql"
    path.write_text(sql)
    built = pipeline.load([str(path)], dialect)
    config = Config(inputs=(str(path),), dialect=dialect)
    writer.write(generate(built.schema, config, "test"), root / name)
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(root))


@pytest.fixture(scope="module")
def pgpkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    yield _package(tmp_path_factory.mktemp("rows"), "strictrows_pg", PG_SCHEMA, "postgres")
    for name in [m for m in sys.modules if m.split(".")[0] == "strictrows_pg"]:
        del sys.modules[name]


def _insert(conn: psycopg.Connection, row: dict[str, Any]) -> dict[str, Any]:
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join(["%s"] * len(row))
    with conn.transaction():
        cursor = conn.execute(
            f"INSERT INTO plans ({columns}) VALUES ({marks}) RETURNING *", list(row.values())
        )
        names = [d.name for d in cursor.description or ()]
        return dict(zip(names, cursor.fetchone() or (), strict=True))


def _valid(pkg: ModuleType) -> dict[str, Any]:
    row = pkg.PlansFactory.build()
    return {k: v for k, v in row.items() if k not in ("id", "tax_cents")}


@pytest.mark.parametrize(("override", "sqlstate"), PG_REJECTS)
def test_postgres_rejects_what_build_rejects(
    pgpkg: ModuleType, pg: psycopg.Connection, override: dict[str, Any], sqlstate: str
) -> None:
    pg.execute(PG_SCHEMA)
    with pytest.raises(pgpkg.RowError) as info:
        pgpkg.PlansFactory.build(**override)
    assert info.value.code == sqlstate, str(info.value)
    column = next(iter(override))
    assert info.value.table == "plans" and column in (info.value.column or "")
    with pytest.raises(psycopg.Error) as real:
        _insert(pg, {**_valid(pgpkg), **override})
    assert real.value.sqlstate == sqlstate, str(real.value)
    first_line = str(real.value).splitlines()[0]
    assert info.value.message == first_line.replace("plans.", "") or sqlstate == "42804", (
        info.value.message,
        first_line,
    )
    assert not pgpkg.check_row("plans", _valid(pgpkg))  # the valid row passes


@pytest.mark.parametrize("override", PG_COERCES)
def test_build_stores_what_postgres_stores(
    pgpkg: ModuleType, pg: psycopg.Connection, override: dict[str, Any]
) -> None:
    pg.execute(PG_SCHEMA)
    built = pgpkg.PlansFactory.build(**override)
    stored = _insert(pg, {**_valid(pgpkg), **override})
    for column in override:
        assert built[column] == stored[column] and type(built[column]) is type(stored[column])


def test_create_refuses_an_identity_always_value_as_postgres_does(
    pgpkg: ModuleType, pg: psycopg.Connection
) -> None:
    """create() as build(): 428C9 in PostgreSQL's words, nothing inserted; inside
    `overriding_system_value()` the value is inserted, as INSERT ... OVERRIDING SYSTEM VALUE."""
    pg.execute(PG_SCHEMA)
    pgpkg.bind(pg)
    try:
        with pytest.raises(pgpkg.RowError) as info:
            pgpkg.PlansFactory.create(id=41, users=1)
        with pytest.raises(psycopg.Error) as real:
            _insert(pg, {**_valid(pgpkg), "id": 41})
        assert (info.value.code, info.value.message) == (
            real.value.sqlstate,
            str(real.value).splitlines()[0],
        )
        assert info.value.hint == real.value.diag.message_hint
        assert pg.execute("SELECT count(*) FROM plans").fetchone() == (0,)
        with pgpkg.PlansFactory.overriding_system_value():
            row = pgpkg.PlansFactory.create(id=41, users=1)
            built = pgpkg.PlansFactory.build(id=42)
        assert row["id"] == 41 and built["id"] == 42
        assert pg.execute("SELECT id FROM plans").fetchall() == [(41,)]
        with pytest.raises(pgpkg.RowError):  # the block is over
            pgpkg.PlansFactory.build(id=43)
        assert pgpkg.PlansFactory.create(users=1)["id"] == 1  # the sequence, untouched
    finally:
        pgpkg.bind(None)


def test_validate_row_lists_every_kind_and_check_row_raises(pgpkg: ModuleType) -> None:
    row = {**_valid(pgpkg), "status": "paused", "emial": 1}
    found = pgpkg.validate_row("plans", row)
    assert [(e.column, e.code) for e in found] == [("emial", "42703"), ("status", "22P02")]
    assert found[0].hint == ""  # nothing close to "emial" in plans
    checks = pgpkg.validate_row("plans", {**_valid(pgpkg), "price": Decimal(-1), "users": 0})
    assert sorted(e.constraint for e in checks) == ["plans_price_check", "positive_int_check"]
    assert 'value for domain positive_int violates check constraint "positive_int_check"' in [
        e.message for e in checks
    ]
    with pytest.raises(pgpkg.RowError, match='column "emial" of relation "plans" does not exist'):
        pgpkg.check_row("plans", row)  # the first, as the INSERT fails on the first
    assert pgpkg.validate_row("plans", _valid(pgpkg)) == []


def test_a_typo_raises_with_a_did_you_mean(pgpkg: ModuleType) -> None:
    with pytest.raises(pgpkg.RowError) as info:
        pgpkg.PlansFactory.build(prise=Decimal(1))
    assert info.value.hint == "Perhaps you meant 'price'."
    assert 'column "prise" of relation "plans" does not exist' in str(info.value)


# ---------------------------------------------------------------------------------- SQLite

SQLITE_SCHEMA = """\
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    code VARCHAR(32) NOT NULL,
    price NUMERIC NOT NULL CHECK (price >= 0),
    subtotal_cents INTEGER NOT NULL DEFAULT 0,
    tax_cents INTEGER GENERATED ALWAYS AS (subtotal_cents / 5) STORED
);
"""


@pytest.fixture(scope="module")
def litepkg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("rowslite")
    yield _package(root, "strictrows_lite", SQLITE_SCHEMA, "sqlite")
    for name in [m for m in sys.modules if m.split(".")[0] == "strictrows_lite"]:
        del sys.modules[name]


@pytest.mark.parametrize(
    "override",
    [{"code": None}, {"price": -1}, {"tax_cents": 3}, {"cod": "x"}],
)
def test_sqlite_rejects_what_build_rejects_in_its_words(
    litepkg: ModuleType, override: dict[str, Any]
) -> None:
    with pytest.raises(litepkg.RowError) as info:
        litepkg.PlansFactory.build(**override)
    conn = sqlite3.connect(":memory:")
    conn.executescript(SQLITE_SCHEMA)
    row = {k: v for k, v in litepkg.PlansFactory.build().items() if k != "tax_cents"}
    row.update(override)
    row = {k: str(v) if isinstance(v, Decimal) else v for k, v in row.items()}
    with pytest.raises(sqlite3.Error) as real:
        conn.execute(
            f"INSERT INTO plans ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    assert info.value.message == str(real.value)


def test_sqlite_takes_a_long_varchar_and_so_does_build(litepkg: ModuleType) -> None:
    assert litepkg.PlansFactory.build(code="x" * 40)["code"] == "x" * 40  # type affinity


# ------------------------------------------------------------------------ the parent chain

CHAIN_SCHEMA = """\
CREATE TABLE orgs (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE users (id INTEGER PRIMARY KEY, org_id INTEGER NOT NULL REFERENCES orgs(id));
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
                    title TEXT NOT NULL);
"""


def test_build_chain_returns_the_parents_it_built(tmp_path: Path) -> None:
    pkg = _package(tmp_path, "strictrows_chain", CHAIN_SCHEMA, "sqlite")
    try:
        chain = pkg.FACTORIES["posts"].build_chain(title="hello")
        assert chain.row["title"] == "hello"
        assert [table for table, _ in chain.parents] == ["orgs", "users"]
        (user,) = chain.of("users")
        assert chain.row["user_id"] == user["id"] and user["org_id"] == chain.of("orgs")[0]["id"]
        conn = sqlite3.connect(":memory:")
        conn.executescript(CHAIN_SCHEMA)
        pkg.bind(conn)
        try:
            stored = pkg.FACTORIES["posts"].create_chain()
        finally:
            pkg.bind(None)
        assert conn.execute("SELECT count(*) FROM orgs").fetchone() == (1,)
        assert stored.of("orgs")[0] == dict(
            zip(("id", "name"), conn.execute("SELECT * FROM orgs").fetchone(), strict=True)
        )
    finally:
        for name in [m for m in sys.modules if m.split(".")[0] == "strictrows_chain"]:
            del sys.modules[name]


# ---------------------------------------------------------------------------------- MariaDB

MYSQL_SCHEMA = """\
CREATE TABLE plans (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    code VARCHAR(8) NOT NULL,
    status ENUM('active', 'canceled') NOT NULL,
    seats SMALLINT
);
"""


# the last three: text MySQL cuts after its leading number (PostgreSQL 16+'s spellings too)
REFUSED_BY_MARIADB = [{"status": "paused"}, {"code": "x" * 20}, {"code": None}, {"seats": 40000},
                      {"seats": "1_000"}, {"seats": "0x1F"}, {"seats": " 7x"}]  # fmt: skip


@pytest.mark.parametrize("override", REFUSED_BY_MARIADB)
def test_mariadb_rejects_what_build_rejects_in_its_words(
    tmp_path: Path, mysql: Any, override: dict[str, Any]
) -> None:
    pkg = _package(tmp_path, "strictrows_my", MYSQL_SCHEMA, "mysql")
    try:
        with pytest.raises(pkg.RowError) as info:
            pkg.PlansFactory.build(**override)
        row = {k: v for k, v in pkg.PlansFactory.build().items() if k != "id"}
        row.update(override)
        with mysql.cursor() as cursor:
            cursor.execute(MYSQL_SCHEMA)
            with pytest.raises(Exception) as real:
                cursor.execute(
                    f"INSERT INTO plans ({', '.join(row)}) VALUES ({', '.join(['%s'] * len(row))})",
                    list(row.values()),
                )
        assert info.value.message == real.value.args[1]
    finally:
        for name in [m for m in sys.modules if m.split(".")[0] == "strictrows_my"]:
            del sys.modules[name]
