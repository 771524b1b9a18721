"""RPC.bind over names that are SQL's own punctuation: a `%` in a function's or a parameter's
name must not pose as a psycopg parameter marker, a quote must not end the name."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import psycopg
import pytest

from .conftest import Generated

SCHEMA = """
CREATE FUNCTION "add_50%"("a%sb" integer, "q""t" integer DEFAULT 1) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT $1 + $2 + 50 $$;
"""


@pytest.fixture(scope="module")
def pkg(generated: Generated) -> Iterator[ModuleType]:
    module = generated.package("bindnames", [generated.sql("bindnames", SCHEMA)])
    yield module
    module.RPC.reset()


def test_bound_call_with_percent_and_quotes_in_names(
    pkg: ModuleType, pg: psycopg.Connection
) -> None:
    pg.execute(SCHEMA)  # type: ignore[call-overload]
    params = {"a%sb": 3, 'q"t': 4}
    fake = pkg.RPC.rpc("add_50%", params).execute().data
    pkg.RPC.bind(pg)
    try:
        real = pkg.RPC.rpc("add_50%", params).execute().data
    finally:
        pkg.RPC.bind(None)
    assert fake == real == 57
