"""`rpc.real()`: a SQL function called in the database, answered in PostgREST's shapes."""

from __future__ import annotations

import psycopg
import pytest

from codegen.errors import SchemagenError
from codegen.testrpc import call

FUNCTIONS = """
CREATE FUNCTION scalar(x int DEFAULT 1) RETURNS int LANGUAGE sql AS 'SELECT x + 1';
CREATE FUNCTION one_row(OUT a int, OUT b text) LANGUAGE sql AS $$ SELECT 1, 'x' $$;
CREATE FUNCTION no_row(OUT a int, OUT b text) LANGUAGE sql AS $$ SELECT 1, 'x' WHERE false $$;
CREATE FUNCTION many() RETURNS SETOF int LANGUAGE sql AS 'SELECT generate_series(1, 2)';
CREATE FUNCTION nothing() RETURNS void LANGUAGE sql AS '';
CREATE SCHEMA api;
CREATE FUNCTION api."Double"(x int) RETURNS int LANGUAGE sql AS 'SELECT x * 2';
"""


def test_shapes(pg: psycopg.Connection) -> None:
    pg.execute(FUNCTIONS)
    assert call(pg, "postgres", "scalar", (), {}) == 2
    assert call(pg, "postgres", "scalar", (), {"x": 41}) == 42
    assert call(pg, "postgres", "one_row", (), {}) == {"a": 1, "b": "x"}
    assert call(pg, "postgres", "no_row", (), {}) is None
    assert call(pg, "postgres", "many", (), {}) == [{"many": 1}, {"many": 2}]
    assert call(pg, "postgres", "nothing", (), {}) in (None, "")
    assert call(pg, "postgres", "api.Double", (21,), {}) == 42


def test_unknown_function_and_other_dialects(pg: psycopg.Connection) -> None:
    with pytest.raises(SchemagenError, match="no function 'nope'"):
        call(pg, "postgres", "nope", (), {})
    with pytest.raises(SchemagenError, match="this project is sqlite"):
        call(pg, "sqlite", "scalar", (), {})
