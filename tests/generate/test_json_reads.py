"""Columns read as JSON hold documents with the paths read: one reader (`jsonread`) for
SQLite's and MySQL's functions and PostgreSQL's operators, checked by PostgreSQL itself."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import psycopg
import pytest

from codegen.jsonread import json_reads


@pytest.mark.parametrize(
    ("sql", "paths"),
    [
        ("payload ? 'kind'", {"payload": (("kind",),)}),
        ("payload ?| ARRAY['a', 'b']", {"payload": (("a",), ("b",))}),
        ("payload ?& array['c']", {"payload": (("c",),)}),
        ("data #>> '{owner,id}'", {"data": (("owner", "id"),)}),
        ("data #> '{\"a b\", 0}'", {"data": (("a b", "0"),)}),
        ("jsonb_extract_path_text(data, 'a', 'b')", {"data": (("a", "b"),)}),
        ("jsonb_extract_path(data, 'a.b')", {"data": (("a.b",),)}),
        ("json_extract_path_text(data, 'x')", {"data": (("x",),)}),
        ("data -> 'a' ->> 'b'", {"data": (("a", "b"),)}),
        ("(data::jsonb -> 'l') -> 0 ->> 'k'", {"data": (("l", 0, "k"),)}),
        ("(\"Doc\" ->> 'n')::int > 0", {"doc": (("n",),)}),
        ("jsonb_extract_path_text(data, k)", {}),
        ("data ->> 'a.b'", {"data": (("a.b",),)}),
    ],
)
def test_postgres_json_reads(sql: str, paths: dict[str, tuple[tuple[str | int, ...], ...]]) -> None:
    assert json_reads([sql], "postgres") == paths


def test_sqlite_json_reads_keep_their_paths() -> None:
    sqls = ["json_extract(payload, '$.a.b[1]')", "json_valid(other)"]
    assert json_reads(sqls, "sqlite") == {"payload": (("a", "b", 1),), "other": ()}


JSON_TABLE = """
CREATE TABLE docs (
    id int PRIMARY KEY,
    payload jsonb NOT NULL CHECK (payload ? 'kind' AND payload ?& ARRAY['v']),
    meta json NOT NULL CHECK (json_extract_path_text(meta, 'owner', 'id') IS NOT NULL),
    body text NOT NULL,
    kind text GENERATED ALWAYS AS (payload ->> 'kind') STORED,
    deep text GENERATED ALWAYS AS (payload -> 'a' -> 'b' ->> 'c') STORED,
    CHECK (jsonb_extract_path_text(body::jsonb, 'title') <> '')
);
CREATE INDEX docs_owner ON docs ((payload #>> '{owner,name}'));
"""


@pytest.mark.postgres
def test_documents_hold_what_postgres_reads(
    pg: psycopg.Connection, make_package: Callable[..., ModuleType]
) -> None:
    pg.execute(JSON_TABLE)  # type: ignore[call-overload]
    pkg = make_package(JSON_TABLE, seed=3)
    pkg.bind(pg)
    try:
        rows = pkg.FACTORIES["docs"].create_batch(50)
    finally:
        pkg.bind(None)
    assert all(r["kind"] is not None and r["deep"] is not None for r in rows)
    owners = pg.execute("SELECT count(*) FROM docs WHERE payload #>> '{owner,name}' IS NULL")
    assert owners.fetchone() == (0,)
