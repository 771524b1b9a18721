"""The in-memory Database against a real MariaDB (standing in for MySQL) on the MySQL sample
(see differential.py)."""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.myserver import load

from .differential import CASES, Tally, compiled_tables, run_sequence

EXAMPLES = int(os.environ.get("SCHEMAGEN_DB_EXAMPLES", "20"))
TALLY = Tally()


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)  # fmt: skip
@given(data=st.data())
def test_fake_agrees_with_mariadb(
    mysql: Any, sample_package: Callable[..., ModuleType], data: Any
) -> None:
    pkg = sample_package("mysql")
    with mysql.cursor() as cur:
        cur.execute("SHOW TABLES")
        loaded = bool(cur.fetchall())
    if not loaded:
        load(mysql, CASES["mysql"][0][0].read_text(encoding="utf-8"))
    fake, real = pkg.Database(), pkg.Database.connect(mysql)
    fake.reset()
    real.reset()
    pkg.reset(data.draw(st.integers(0, 10_000)))
    run_sequence(pkg, fake, real, data.draw, compiled_tables(pkg), steps=12, tally=TALLY)


def teardown_module() -> None:
    print(f"\nmysql vs MariaDB: {TALLY}")
