"""The in-memory Database against a real MariaDB (standing in for MySQL) on the MySQL sample
(see differential.py)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.myserver import load

from .differential import CASES, IGNORED, SEQUENCES, Tally, compiled_tables, run_sequence

TALLY = Tally()


@SEQUENCES
@given(data=st.data())
def test_fake_agrees_with_mariadb(
    mysql: Any, sample_package: Callable[..., ModuleType], data: Any
) -> None:
    pkg = sample_package("mysql")
    # ON UPDATE CURRENT_TIMESTAMP compared too: both clocks are pinned (below)
    IGNORED.discard("updated_at")
    with mysql.cursor() as cur:
        cur.execute("SHOW TABLES")
        loaded = bool(cur.fetchall())
    if not loaded:
        load(mysql, CASES["mysql"][0][0].read_text(encoding="utf-8"))
    fake, real = pkg.Database(), pkg.Database.connect(mysql)
    fake.reset()
    real.reset()
    pkg.reset(data.draw(st.integers(0, 10_000)))
    with mysql.cursor() as cur:  # NOW() (ON UPDATE CURRENT_TIMESTAMP) reads the fake's clock
        cur.execute("SET timestamp = %s", [pkg._runtime.now().timestamp()])
    run_sequence(pkg, fake, real, data.draw, compiled_tables(pkg), steps=12, tally=TALLY)


def teardown_module() -> None:
    print(f"\nmysql vs MariaDB: {TALLY}")
