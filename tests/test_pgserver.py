"""The throwaway PostgreSQL server and the `pg` / `sqlite` fixtures work as promised."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from tests.pgserver import PgServer

TABLE = "pgserver_isolation_probe"


def test_server_answers(pg_server: PgServer) -> None:
    with pg_server.connect() as conn:
        row = conn.execute("SELECT version()").fetchone()
    assert row is not None
    assert row[0].startswith("PostgreSQL ")
    assert "host=" in pg_server.dsn() and "dbname=postgres" in pg_server.dsn()


def test_server_listens_only_on_its_socket(pg_server: PgServer) -> None:
    with pg_server.connect() as conn:
        settings = dict(
            conn.execute(
                "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
                (["listen_addresses", "fsync", "unix_socket_directories"],),
            ).fetchall()
        )
    assert settings["listen_addresses"] == ""
    assert settings["fsync"] == "off"
    assert settings["unix_socket_directories"] == str(pg_server.socket_dir)


def test_pg_is_autocommit_and_can_create_tables(pg: psycopg.Connection) -> None:
    assert pg.autocommit
    pg.execute(f"CREATE TABLE {TABLE} (id serial PRIMARY KEY, note text NOT NULL)")
    pg.execute(f"INSERT INTO {TABLE} (note) VALUES ('a'), ('b')")
    assert pg.execute(f"SELECT count(*) FROM {TABLE}").fetchone() == (2,)


@pytest.mark.parametrize("attempt", [1, 2])
def test_each_test_gets_an_empty_database(pg: psycopg.Connection, attempt: int) -> None:
    # Both runs create the same table: the second would fail if databases leaked.
    assert pg.execute("SELECT to_regclass(%s)", (TABLE,)).fetchone() == (None,)
    pg.execute(f"CREATE TABLE {TABLE} (id int)")


def test_create_and_drop_database(pg_server: PgServer) -> None:
    name, other = pg_server.create_database(), pg_server.create_database()
    assert name != other
    pg_server.drop_database(other)
    with pg_server.connect(name) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == (name,)
    pg_server.drop_database(name)
    with pg_server.connect() as conn:
        row = conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,))
        assert row.fetchone() == (0,)


def test_postgres_marker_applied(request: pytest.FixtureRequest, pg: psycopg.Connection) -> None:
    assert request.node.get_closest_marker("postgres") is not None


def test_sqlite_enforces_foreign_keys(sqlite: sqlite3.Connection) -> None:
    sqlite.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    sqlite.execute("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id REFERENCES parent(id))")
    with pytest.raises(sqlite3.IntegrityError):
        sqlite.execute("INSERT INTO child (parent_id) VALUES (42)")
