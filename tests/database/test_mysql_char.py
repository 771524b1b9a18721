"""MySQL reads CHAR(n) back without its trailing spaces (unless PAD_CHAR_TO_FULL_LENGTH, not
modelled): the in-memory Database and the factory rows follow MySQL, not PostgreSQL, checked
against MariaDB through `Database.connect`."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from tests.myserver import load

SQL = """CREATE TABLE codes (
  id INT NOT NULL PRIMARY KEY,
  code CHAR(5) NOT NULL,
  label VARCHAR(5),
  pad CHAR(3) NOT NULL DEFAULT 'a  '
);"""

VALUES = ["ab", "ab   ", "  ab", "abcde", "", "a b", "abcde   "]


@pytest.fixture
def pkg(sample_package: Callable[..., ModuleType]) -> ModuleType:
    return sample_package("mysql_char", SQL, "mysql")


def _rows(db: Any) -> list[tuple[Any, ...]]:
    return [(r["id"], r["code"], r["label"], r["pad"]) for r in db.select("codes", order_by="id")]


def test_char_read_back_matches_mariadb(mysql: Any, pkg: ModuleType) -> None:
    load(mysql, SQL)
    fake, real = pkg.Database(), pkg.Database.connect(mysql)
    for db in (fake, real):
        for i, value in enumerate(VALUES):
            db.insert("codes", {"id": i, "code": value, "label": value[:5]})
    assert _rows(fake) == _rows(real)
    assert _rows(fake)[1][1] == "ab"  # the padding is not read back
    assert {r[3] for r in _rows(fake)} == {"a"}  # nor a DEFAULT's
    fake.update("codes", {"code": "z  "}, {"id": 0})
    real.update("codes", {"code": "z  "}, {"id": 0})
    assert _rows(fake) == _rows(real)


def test_factory_char_matches_mariadb(mysql: Any, pkg: ModuleType) -> None:
    load(mysql, SQL)
    for i, value in enumerate(VALUES):
        built = pkg.CodesFactory.build(id=100 + i, code=value)
        with mysql.cursor() as cur:
            cur.execute("INSERT INTO codes (id, code) VALUES (%s, %s)", [100 + i, value])
            cur.execute("SELECT code FROM codes WHERE id = %s", [100 + i])
            (stored,) = cur.fetchone()
        assert built["code"] == stored, value
