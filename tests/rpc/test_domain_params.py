"""Domain-typed RPC parameters: an argument is cast to its domain on each call, so its NOT
NULL and CHECKs (and those of the domains under it) run before the body, compiled or
registered. Compared with PostgreSQL: same value, or the same SQLSTATE and words."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import psycopg
import pytest

from .conftest import Generated

SCHEMA = """
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN small_posint AS posint CONSTRAINT below_100 CHECK (VALUE < 100);
CREATE DOMAIN word AS text NOT NULL CHECK (length(VALUE) > 0) CHECK (VALUE ~ '^[a-z]+$');

CREATE FUNCTION double_it(n posint) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT n * 2 $$;
CREATE FUNCTION small(n small_posint, m integer DEFAULT 1) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT n + m $$;
CREATE FUNCTION shout(w word) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT upper(w) || '!' $$;
CREATE FUNCTION opaque(n posint) RETURNS integer
    LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0); RETURN n; END $$;
"""

CALLS: list[tuple[str, dict[str, Any]]] = [
    *[("double_it", {"n": n}) for n in (1, 7, 0, -3, None)],
    *[("small", {"n": n}) for n in (1, 99, 100, 0, None)],
    ("small", {"n": 5, "m": -10}),
    *[("shout", {"w": w}) for w in ("hey", "", "Hey", None)],
]


@pytest.fixture(scope="module")
def pkg(generated: Generated) -> Iterator[ModuleType]:
    module = generated.package("domainparams", [generated.sql("domainparams", SCHEMA)])
    yield module
    module.RPC.reset()


def _outcome(client: Any, name: str, params: dict[str, Any]) -> Any:
    try:
        return ("ok", client.rpc(name, params).execute().data)
    except Exception as error:
        code = getattr(error, "code", None)
        if code is None:
            raise
        return ("error", code, str(getattr(error, "message", error)).splitlines()[0])


def test_domain_typed_bodies_compile(pkg: ModuleType) -> None:
    compiled = sorted(n for n, (f,) in pkg.rpc.FUNCTIONS.items() if f.impl is not None)
    assert compiled == ["double_it", "shout", "small"]


@pytest.mark.parametrize(("name", "params"), CALLS)
def test_same_as_postgres(
    pkg: ModuleType, pg: psycopg.Connection, name: str, params: dict[str, Any]
) -> None:
    pg.execute(SCHEMA)
    fake = _outcome(pkg.RPC, name, params)
    pkg.RPC.bind(pg)
    try:
        real = _outcome(pkg.RPC, name, params)
    finally:
        pkg.RPC.bind(None)
    assert fake == real


def test_a_registered_implementation_gets_only_what_the_domain_allows(pkg: ModuleType) -> None:
    seen: list[int] = []
    with pkg.RPC.override("opaque", lambda n: seen.append(n) or n):
        assert pkg.RPC.call("opaque", n=3) == 3
        with pytest.raises(pkg.RPCError) as info:
            pkg.RPC.call("opaque", n=0)
    assert info.value.code == "23514"
    assert info.value.message == 'value for domain posint violates check constraint "posint_check"'
    assert seen == [3]
