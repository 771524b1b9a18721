"""MySQL's CHECK failures and ON UPDATE CURRENT_TIMESTAMP, the in-memory Database against
MariaDB through `Database.connect`.

A failed CHECK is refused by both with 23514 (Database.connect maps MariaDB's error 4025,
and MySQL 8's 3819, to it). The fake words it as MySQL 8 does (ER_CHECK_CONSTRAINT_VIOLATED:
"Check constraint 'name' is violated.", SQLSTATE HY000 on MySQL 8); MariaDB says
"CONSTRAINT `name` failed for `db`.`table`" (SQLSTATE 23000). Named constraints carry the
same name in both; unnamed ones are named as MySQL 8 names them (`table_chk_1`, ...), where
MariaDB says `table.column` for a column's CHECK and `CONSTRAINT_n` for a table's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

from tests.myserver import load

SQL = """
CREATE TABLE pr (
  id int PRIMARY KEY,
  quality tinyint CHECK (quality BETWEEN 1 AND 5),
  a int, b int,
  CHECK (a < b),
  CONSTRAINT small_b CHECK (b < 100),
  note varchar(20),
  updated_at datetime DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP
) DEFAULT CHARSET=utf8mb4
"""
ROWS = [
    ({"id": 1, "quality": 9, "a": 1, "b": 2}, "pr_chk_1", "pr.quality"),
    ({"id": 2, "quality": 3, "a": 5, "b": 1}, "pr_chk_2", "CONSTRAINT_1"),
    ({"id": 3, "quality": 3, "a": 1, "b": 200}, "small_b", "small_b"),
]


@pytest.fixture(scope="module")
def pair(my_server: Any, sample_package: Callable[..., ModuleType]) -> Iterator[Any]:
    pkg = sample_package("mysql_checks", SQL, "mysql")
    with my_server.database() as conn:
        load(conn, SQL)
        with conn.cursor() as cur:  # NOW() reads the package's clock, as the fake's does
            cur.execute("SET timestamp = %s", [pkg._runtime.now().timestamp()])
        yield pkg, pkg.Database(), pkg.Database.connect(conn)


def _refusal(db: Any, row: dict[str, Any]) -> Any:
    db.reset()
    with pytest.raises(Exception) as raised:
        db.insert("pr", row)
    return raised.value


@pytest.mark.parametrize(("row", "mysql_name", "mariadb_name"), ROWS)
def test_a_failed_check_is_worded_as_mysql_words_it(
    pair: Any, row: dict[str, Any], mysql_name: str, mariadb_name: str
) -> None:
    _, fake, real = pair
    got, want = _refusal(fake, row), _refusal(real, row)
    assert got.code == want.code == "23514"
    assert got.message == f"Check constraint '{mysql_name}' is violated."
    assert re.fullmatch(rf"CONSTRAINT `{re.escape(mariadb_name)}` failed for `\w+`\.`pr`",
                        want.message), want.message  # fmt: skip


def test_on_update_current_timestamp_is_the_same_on_both(pair: Any) -> None:
    """Set when an UPDATE changes the row (to the pinned clock), untouched when it does not."""
    pkg, *dbs = pair
    seen = []
    for db in dbs:
        db.reset()
        db.insert("pr", {"id": 1, "quality": 2, "a": 1, "b": 2, "note": "x"})
        same = db.update("pr", {"note": "x"}, {"id": 1})[0]["updated_at"]
        changed = db.update("pr", {"note": "y"}, {"id": 1})[0]["updated_at"]
        seen.append((same, changed, db.select("pr")[0]["updated_at"]))
    clock = pkg._runtime.now().astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    assert seen[0] == seen[1] == (None, clock, clock)
