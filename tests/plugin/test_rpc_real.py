"""`rpc.real()`: a SQL function called in the database through the RPC runtime's
`call_database` (one implementation with a bound `RPC`), the call checked as `call()` is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import psycopg
import pytest

from tests.rpc.conftest import Generated

FUNCTIONS = """
CREATE FUNCTION scalar(x int DEFAULT 1) RETURNS int LANGUAGE sql AS 'SELECT x + 1';
CREATE FUNCTION one_row(OUT a int, OUT b text) LANGUAGE sql AS $$ SELECT 1, 'x' $$;
CREATE FUNCTION no_row(OUT a int, OUT b text) LANGUAGE sql AS $$ SELECT 1, 'x' WHERE false $$;
CREATE FUNCTION many() RETURNS SETOF int LANGUAGE sql AS 'SELECT generate_series(1, 2)';
CREATE FUNCTION pairs() RETURNS TABLE (n int, s text) LANGUAGE sql
    AS $$ SELECT i, i::text FROM generate_series(1, 2) i $$;
CREATE FUNCTION nothing() RETURNS void LANGUAGE sql AS '';
CREATE SCHEMA api;
CREATE FUNCTION api."Double"(x int) RETURNS int LANGUAGE sql AS 'SELECT x * 2';
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    generated = Generated(tmp_path_factory.mktemp("rpcreal"))
    try:
        path: Path = generated.sql("functions", FUNCTIONS)
        yield generated.package("rpcreal_pkg", [path])
    finally:
        generated.close()


def test_shapes(pg: psycopg.Connection, package: ModuleType) -> None:
    pg.execute(FUNCTIONS)
    rpc = package.RPC
    with rpc.override("scalar", lambda x: -1):  # registered: the mock's, never real()'s
        assert rpc.real(pg, "scalar") == 2
    assert rpc.real(pg, "scalar", x=41) == 42
    assert rpc.real(pg, "one_row") == {"a": 1, "b": "x"}
    assert rpc.real(pg, "no_row") is None
    assert rpc.real(pg, "many") == [1, 2]
    assert rpc.real(pg, "pairs") == [{"n": 1, "s": "1"}, {"n": 2, "s": "2"}]
    assert rpc.real(pg, "nothing") is None
    assert rpc.real(pg, "api.Double", x=21) == 42
    assert rpc.calls == []  # real() calls are not the mock's calls


def test_unknown_functions_and_parameters_fail_as_postgrest_does(
    pg: psycopg.Connection, package: ModuleType
) -> None:
    with pytest.raises(package.RPCError, match="nope") as info:
        package.RPC.real(pg, "nope")
    assert info.value.code == "PGRST202"
    with pytest.raises(package.RPCError, match="unknown parameter 'y'"):
        package.RPC.real(pg, "scalar", y=1)
