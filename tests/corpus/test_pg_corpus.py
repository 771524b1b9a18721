"""The PostgreSQL corpus: schemas shaped like what real projects ship (tests/corpus/postgres/
<entry>/, each a `schema.sql` or a `migrations/` folder, with an optional `external.sql`
declaring what the project only references, as Supabase's auth schema).

For every entry, on the machine's PostgreSQL (the oldest supported) and on PostgreSQL 18:
the model equals pg_catalog (tables, columns, NOT NULL, PK, UNIQUE, FK and CHECK names),
and every table accepts 200 rows through `create()`, except the tables in `EXPLAINED`,
whose reason generate must itself give as a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import psycopg
import pytest

from codegen import pipeline, sources
from codegen.dialect import POSTGRES
from codegen.model import Schema
from codegen.server import Server as PgServer
from tests.corpus import pgshape

pytestmark = pytest.mark.postgres

CORPUS = Path(__file__).resolve().parent / "postgres"
ENTRIES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
ROWS = 200

# (entry, table) -> a part of the generate warning that explains why its rows are refused
EXPLAINED: dict[tuple[str, str], str] = {
    ("extension_types", "document_slugs"): "elements of slug[] are not checked",
}

_EXTENSION = re.compile(r'CREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([\w-]+)"?', re.I)


def _inputs(entry: Path) -> tuple[list[str], list[str]]:
    schema = entry / "migrations" if (entry / "migrations").is_dir() else entry / "schema.sql"
    external = [str(entry / "external.sql")] if (entry / "external.sql").exists() else []
    return [str(schema)], external


def _load(conn: psycopg.Connection, paths: list[str]) -> None:
    for file in sources.collect(paths):
        conn.execute(file.text)  # type: ignore[call-overload]
    conn.execute("RESET search_path")  # pg_dump's `SET search_path = ''` lasts the session


def _skip_without_extensions(conn: psycopg.Connection, paths: list[str], server: str) -> None:
    wanted = {m.lower() for f in sources.collect(paths) for m in _EXTENSION.findall(f.text)}
    available = {r[0] for r in conn.execute("SELECT name FROM pg_available_extensions")}
    missing = sorted(wanted - available)
    if missing:
        pytest.skip(f"{server} lacks the extension(s) {', '.join(missing)}")


def _server_lacks(conn: psycopg.Connection, schema: Schema) -> set[str]:
    """Tables with an xml column, when the server was built without libxml (the embedded
    PostgreSQL 18 is): it refuses every XML value, whatever schemagen generates."""
    try:
        conn.execute("SELECT '<a/>'::xml")
    except psycopg.errors.FeatureNotSupported:
        return {t.key for t in schema.tables if any(c.type.sql == "xml" for c in t.columns)}
    return set()


@pytest.mark.parametrize("entry", ENTRIES)
def test_corpus_entry(
    entry: str, any_pg_server: PgServer, make_package: Callable[..., ModuleType]
) -> None:
    inputs, external = _inputs(CORPUS / entry)
    version = any_pg_server.version() // 10000
    built = pipeline.load(inputs, POSTGRES.at_version(version), external=external)
    with any_pg_server.database() as conn:
        _skip_without_extensions(conn, [*external, *inputs], f"PostgreSQL {version}")
        if (CORPUS / entry / "PG18").exists() and version < 18:
            pytest.skip(f"{entry} uses PostgreSQL 18 syntax")
        _load(conn, [*external, *inputs])
        catalog = {k: v for k, v in pgshape.from_catalog(conn).items()
                   if k not in built.schema.external_tables}  # fmt: skip
        problems = pgshape.differences(pgshape.from_model(built.schema), catalog)
        assert not problems, "\n".join(problems)
        pkg = make_package(paths=inputs, seed=7, external=external, postgres_version=version)
        server_lacks = _server_lacks(conn, built.schema)
        messages = [w.message for w in (*built.warnings, *pkg.WARNINGS)]
        pkg.bind(conn)
        refused: dict[str, str] = {}
        explained: list[str] = []
        try:
            for key, factory in pkg.FACTORIES.items():
                if key in built.schema.external_tables:
                    continue
                reason = EXPLAINED.get((entry, key))
                if key in server_lacks:
                    continue
                if reason is not None:
                    assert any(reason in m for m in messages), (key, reason, messages)
                    explained.append(key)
                    continue
                try:
                    assert len(factory.create_batch(ROWS)) == ROWS
                except Exception as exc:
                    refused[key] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        finally:
            pkg.bind(None)
        tables = [k for k in pkg.FACTORIES if k not in built.schema.external_tables]
        accepted = len(tables) - len(refused) - len(explained) - len(server_lacks)
        print(f"\n{entry} on PostgreSQL {version}: {accepted}/{len(tables)} tables accept"
              f" {ROWS} rows; explained by a warning: {explained};"
              f" server lacks XML: {sorted(server_lacks)}")  # fmt: skip
        assert not refused, "\n".join(f"{k}: {v}" for k, v in refused.items())
