"""`transactional_db` reuses databases: whatever a test commits, the next test must find the
template's state exactly (rows, seed rows, sequences, schema, settings), whether the
database was reset in place or, after DDL, replaced by a new clone."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from codegen.server import Server
from codegen.sources import SourceFile
from codegen.testdb import PostgresBackend

SCHEMA = """
CREATE TABLE kinds (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text UNIQUE);
INSERT INTO kinds (name) VALUES ('book'), ('disc');
CREATE TABLE items (
    id serial PRIMARY KEY,
    kind_id int NOT NULL REFERENCES kinds,
    price numeric(8,2) NOT NULL,
    doubled numeric GENERATED ALWAYS AS (price * 2) STORED
);
CREATE TABLE audit (id bigserial PRIMARY KEY, what text NOT NULL);
CREATE FUNCTION log_it() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO audit (what) VALUES (TG_OP || ' ' || TG_TABLE_NAME); RETURN NULL; END $$;
CREATE TRIGGER items_log AFTER INSERT OR DELETE ON items FOR EACH ROW EXECUTE FUNCTION log_it();
CREATE TRIGGER kinds_log AFTER INSERT OR DELETE ON kinds FOR EACH ROW EXECUTE FUNCTION log_it();
CREATE SEQUENCE tickets START 100;
CREATE TABLE events (at int NOT NULL, note text) PARTITION BY RANGE (at);
CREATE TABLE events_low PARTITION OF events FOR VALUES FROM (0) TO (100);
CREATE MATERIALIZED VIEW kind_names AS SELECT name FROM kinds;
"""
ALWAYS = "ALTER TABLE items ENABLE ALWAYS TRIGGER items_log;\n"

_STATE = """
SELECT c.oid::regclass::text, c.relkind FROM pg_class c
WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1
"""


def state(conn: psycopg.Connection) -> dict[str, Any]:
    """Everything a test could see of the database: relations, columns, rows, sequences,
    functions, comments, the database's settings."""
    out: dict[str, Any] = {"relations": conn.execute(_STATE).fetchall()}
    for name, kind in out["relations"]:
        if kind in ("r", "m", "p"):
            out[name] = sorted(map(repr, conn.execute(f"SELECT * FROM {name}").fetchall()))
        if kind == "S":
            out[name] = conn.execute(f"SELECT last_value, is_called FROM {name}").fetchone()
    out["columns"] = conn.execute(
        "SELECT attrelid::regclass::text, attname FROM pg_attribute a JOIN pg_class c"
        " ON c.oid = attrelid WHERE relnamespace = 'public'::regnamespace ORDER BY 1, 2"
    ).fetchall()
    out["functions"] = conn.execute(
        "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1"
    ).fetchall()
    out["comments"] = conn.execute("SELECT count(*) FROM pg_description").fetchone()
    out["settings"] = conn.execute("SHOW work_mem").fetchone()
    return out


def _backend(pg_server: Server, sql: str) -> Iterator[PostgresBackend]:
    digest = hashlib.sha256(sql.encode()).hexdigest()
    backend = PostgresBackend(pg_server, [SourceFile("schema.sql", sql, digest)])
    try:
        yield backend
    finally:
        backend.close()
        pg_server.drop_database(backend.template)


@pytest.fixture
def backend(pg_server: Server) -> Iterator[PostgresBackend]:
    yield from _backend(pg_server, SCHEMA)


def _commit(*statements: str) -> Callable[[psycopg.Connection, Server], None]:
    def run(conn: psycopg.Connection, server: Server) -> None:
        for statement in statements:
            conn.execute(statement)
        conn.commit()

    return run


def _left_open(conn: psycopg.Connection, server: Server) -> None:
    """The test's code opened its own connections and never closed them."""
    dbname = conn.info.dbname
    committed = server.connect(dbname)
    committed.execute("INSERT INTO items (kind_id, price) VALUES (1, 3)")
    pending = server.connect(dbname, autocommit=False)
    pending.execute("DELETE FROM kinds WHERE id = 2")
    _left_open.keep = (committed, pending)  # type: ignore[attr-defined]


def _temp_table(conn: psycopg.Connection, server: Server) -> None:
    conn.execute("CREATE TEMP TABLE scratch AS SELECT * FROM kinds")
    conn.commit()


# what the test does -> whether the database can be reset in place (else a new clone)
CASES: dict[str, tuple[Callable[[psycopg.Connection, Server], None], bool]] = {
    "rows": (_commit("INSERT INTO items (kind_id, price) VALUES (1, 9.5), (2, 1)"), True),
    "seed rows deleted and changed": (
        _commit(
            "DELETE FROM items",
            "DELETE FROM kinds WHERE name = 'disc'",
            "UPDATE kinds SET name = 'tome'",
            "INSERT INTO kinds (name) VALUES ('x')",
        ),
        True,
    ),
    "sequences": (
        _commit(
            "SELECT nextval('tickets')",
            "SELECT nextval('tickets')",
            "SELECT setval('items_id_seq', 40)",
        ),
        True,
    ),
    "partitions": (_commit("INSERT INTO events VALUES (5, 'a')"), True),
    "nothing": (_commit(), True),
    "rolled back": (lambda conn, server: conn.execute("DELETE FROM kinds"), True),
    "connections left open": (_left_open, True),
    "temporary table": (_temp_table, True),
    "create table": (_commit("CREATE TABLE extra (x int)", "INSERT INTO extra VALUES (1)"), False),
    "add column": (_commit("ALTER TABLE items ADD COLUMN note text"), False),
    "function": (_commit("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'"), False),
    "comment": (_commit("COMMENT ON TABLE items IS 'x'"), False),
    "grant": (_commit("GRANT SELECT ON items TO PUBLIC"), False),
    "truncate": (_commit("TRUNCATE kinds CASCADE"), False),
    "refreshed view": (_commit("DELETE FROM kinds", "REFRESH MATERIALIZED VIEW kind_names"), False),
    "large object": (_commit("SELECT lo_create(0)"), False),
    "database setting": (
        lambda conn, server: _commit(f"ALTER DATABASE {conn.info.dbname} SET work_mem = '7MB'")(
            conn, server
        ),
        False,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_nothing_a_test_commits_reaches_the_next_test(
    backend: PostgresBackend, pg_server: Server, case: str
) -> None:
    action, in_place = CASES[case]
    conn, cleanup = backend.clone()
    first = conn.info.dbname
    with pg_server.connect(first) as look:
        pristine = state(look)
    action(conn, pg_server)
    cleanup()
    conn, cleanup = backend.clone()  # the other database of the pool
    cleanup()
    conn, cleanup = backend.clone()
    try:
        with pg_server.connect(conn.info.dbname) as fresh:
            assert state(fresh) == pristine
        assert (conn.info.dbname == first) is in_place
        assert conn.execute("SELECT count(*) FROM audit").fetchone() == (0,)  # no trigger ran
    finally:
        cleanup()
        for leaked in getattr(_left_open, "keep", ()):
            leaked.close()


def clones_per_test(server: Server, sql: str, why: str) -> None:
    """A schema (or a user) the reset cannot serve: every test gets a new clone, isolated."""
    for backend in _backend(server, sql):
        conn, cleanup = backend.clone()
        first = conn.info.dbname
        _commit("INSERT INTO items (kind_id, price) VALUES (1, 9.5)")(conn, server)
        cleanup()
        for _ in range(2):
            conn, cleanup = backend.clone()
            assert conn.info.dbname != first
            assert conn.execute("SELECT count(*) FROM items").fetchone() == (0,)
            cleanup()
        assert backend._baseline is not None
        assert why in str(backend._baseline.unsupported)


@pytest.mark.parametrize("mode", ["ALWAYS", "REPLICA"])
def test_triggers_that_fire_on_replicas_mean_a_clone_per_test(pg_server: Server, mode: str) -> None:
    clones_per_test(pg_server, SCHEMA + ALWAYS.replace("ALWAYS", mode), "items_log")


def test_a_user_that_is_not_a_superuser_gets_a_clone_per_test(pg_server: Server) -> None:
    role = f"sg_plain_{uuid.uuid4().hex[:8]}"
    with pg_server.connect() as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN CREATEDB")
    try:
        plain = Server("url", make_conninfo(pg_server.conninfo, user=role))
        clones_per_test(plain, SCHEMA, "not a superuser")
    finally:
        with pg_server.connect() as admin:
            admin.execute(f"DROP ROLE {role}")
