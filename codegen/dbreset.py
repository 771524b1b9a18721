"""Put a used test database back into its template's state, or say that it cannot.

`transactional_db` used to clone the template for every test (a `CREATE DATABASE` plus a
`DROP DATABASE`: 160-340 ms). Most tests only write rows, so a database is reused instead,
as pytest-django's TransactionTestCase flushes its tables, but checked rather than trusted:

- `mark()` before the test allocates a transaction id X; every row the test inserts or
  updates (in any table, in any catalog) has an `xmin` at or after X, and a row it deletes
  lowers its relation's row count. So a relation is unchanged iff its count is the
  template's and no row is newer than X: no fingerprint to store, one scan per relation.
- Catalogs (DDL, grants, comments, large objects, `ALTER DATABASE ... SET`) or a
  materialized view changed: `reset()` answers False and the caller drops the database.
- Tables changed: their rows are deleted and the template's own rows (seed data the
  migrations inserted) are copied back, with triggers and foreign keys off
  (`session_replication_role = replica`, which needs a superuser).
- Sequences: set back to the template's values.
- Sessions the test left open on the database are terminated first (a session that used
  temporary tables leaves its empty `pg_temp_N` schema behind: not counted).

Roles and `ALTER ROLE ... SET` are cluster-wide: a clone per test did not isolate them
either. `Baseline.unsupported` says why a database cannot be reset in place (then the
caller clones per test, as before).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from psycopg import sql

# A relation's rows, and how many of them were written at or after transaction %(x)s.
_COUNT = "SELECT count(*), count(*) FILTER (WHERE age(xmin) <= age(%(x)s::xid8::xid))"
_RELATIONS = """
SELECT c.oid::int, n.nspname, c.relname,
       c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE (c.relkind = 'r' OR c.relkind = 'm' AND c.relispopulated)  -- an empty matview: no scan
  AND c.relpersistence <> 't' AND NOT c.relisshared
  AND n.nspname NOT LIKE 'pg\\_toast%%'
  AND c.oid NOT IN ('pg_statistic'::regclass, 'pg_statistic_ext_data'::regclass)
ORDER BY c.oid
"""
# Shared catalogs hold rows of this database too: its own row and its default settings.
_SHARED = (
    "pg_catalog.pg_database WHERE datname = current_database()",
    "pg_catalog.pg_db_role_setting WHERE setdatabase ="
    " (SELECT oid FROM pg_database WHERE datname = current_database())",
)
_SEQUENCES = """
SELECT c.oid::int, pg_sequence_last_value(c.oid), s.seqstart
FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
WHERE c.relkind = 'S' AND c.relpersistence <> 't' ORDER BY c.oid
"""
# Triggers and rules that fire under session_replication_role = replica (ALWAYS, REPLICA).
_ALWAYS = """
SELECT tgname FROM pg_trigger WHERE tgenabled IN ('A', 'R') AND NOT tgisinternal
UNION ALL SELECT rulename::text FROM pg_rewrite WHERE ev_enabled IN ('A', 'R')
"""
_OTHERS = """
FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
  AND backend_type = 'client backend'
"""


@dataclass(frozen=True)
class Relation:
    oid: int  # 0: this database's rows of a shared catalog
    name: sql.Composable  # schema-qualified, quoted (and which rows count)
    rows: int  # in the template
    table: bool  # a user table (its rows can be put back); else a catalog or matview


@dataclass(frozen=True)
class Baseline:
    """What a fresh clone of the template holds, read once (every clone has the same oids)."""

    relations: tuple[Relation, ...]
    seeds: tuple[tuple[int, sql.Composable, bytes], ...]  # table oid, COPY target, rows
    sequences: tuple[tuple[int, int | None, int], ...]  # oid, last value (None: unused), start
    scan: sql.Composable
    unsupported: str | None = None  # why a database cannot be reset in place


def baseline(conn: Any) -> Baseline:
    """Read a pristine clone (autocommit connection) of the template."""
    why = _unsupported(conn)
    if why is not None:  # and a plain user may not read every catalog
        return Baseline((), (), (), sql.SQL(""), why)
    rels = []
    for oid, schema, name, table in conn.execute(_RELATIONS).fetchall():
        ident: sql.Composable = sql.Identifier(schema, name)
        if (schema, name) == ("pg_catalog", "pg_namespace"):
            ident = sql.SQL("{} WHERE nspname !~ '^pg_(toast_)?temp_'").format(ident)
        rels.append(Relation(oid, ident, _count(conn, ident), table))
    for shared in map(sql.SQL, _SHARED):
        rels.append(Relation(0, shared, _count(conn, shared), False))
    seeds = tuple(_copy_out(conn, rel) for rel in rels if rel.table and rel.rows)
    sequences = tuple(conn.execute(_SEQUENCES).fetchall())
    one = sql.SQL(_COUNT + " FROM ONLY {}")
    scan = sql.SQL(" UNION ALL ").join(one.format(rel.name) for rel in rels)
    return Baseline(tuple(rels), seeds, sequences, scan)


def _count(conn: Any, relation: sql.Composable) -> int:
    return int(conn.execute(sql.SQL("SELECT count(*) FROM ONLY {}").format(relation)).fetchone()[0])


def _unsupported(conn: Any) -> str | None:
    if conn.execute("SHOW is_superuser").fetchone() != ("on",):
        return "the server's user is not a superuser (session_replication_role)"
    always = [row[0] for row in conn.execute(_ALWAYS).fetchall()]
    if always:
        return f"{always[0]}: a trigger or rule enabled ALWAYS or REPLICA fires on restore"
    return None


def _copy_out(conn: Any, rel: Relation) -> tuple[int, sql.Composable, bytes]:
    """The template's rows of a seeded table, in COPY's binary format (generated columns
    left out: the database computes them again)."""
    columns = [
        row[0]
        for row in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0"
            " AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
            (rel.oid,),
        ).fetchall()
    ]
    target = sql.SQL("{} ({})").format(rel.name, sql.SQL(", ").join(map(sql.Identifier, columns)))
    data = bytearray()
    with conn.cursor().copy(sql.SQL("COPY {} TO STDOUT (FORMAT binary)").format(target)) as copy:
        for chunk in copy:
            data += chunk
    return rel.oid, target, bytes(data)


def mark(conn: Any) -> str:
    """A transaction id allocated now: what the next test writes is newer."""
    return str(conn.execute("SELECT pg_current_xact_id()::text").fetchone()[0])


def reset(conn: Any, base: Baseline, since: str, timeout: float = 10.0) -> bool:
    """Put the database (autocommit superuser connection) back as `base` found it, undoing
    what happened after `since`; False when only a new clone can (schema changed)."""
    _end_sessions(conn, timeout)
    counts = conn.execute(base.scan, {"x": since}).fetchall()
    changed = [
        rel
        for rel, (rows, new) in zip(base.relations, counts, strict=True)
        if new or rows != rel.rows
    ]
    if any(not rel.table for rel in changed):
        return False
    if changed:
        _restore(conn, base, changed)
    _rewind_sequences(conn, base)
    return True


def _end_sessions(conn: Any, timeout: float) -> None:
    """Terminate connections the test left open (they could still write) and wait for them
    to go (a closing session drops its temporary tables from the catalogs)."""
    ended = conn.execute(sql.SQL("SELECT count(pg_terminate_backend(pid)) " + _OTHERS))
    if not ended.fetchone()[0]:
        return
    deadline = time.monotonic() + timeout
    while conn.execute(sql.SQL("SELECT count(*) " + _OTHERS)).fetchone()[0]:
        if time.monotonic() > deadline:
            raise TimeoutError("sessions of the test database did not end")
        time.sleep(0.002)


def _restore(conn: Any, base: Baseline, changed: list[Relation]) -> None:
    seeds = {oid: (target, data) for oid, target, data in base.seeds}
    with conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        for rel in changed:
            conn.execute(sql.SQL("DELETE FROM ONLY {}").format(rel.name))
            if rel.oid in seeds:
                target, data = seeds[rel.oid]
                query = sql.SQL("COPY {} FROM STDIN (FORMAT binary)").format(target)
                with conn.cursor().copy(query) as copy:
                    copy.write(data)


def _rewind_sequences(conn: Any, base: Baseline) -> None:
    now = {oid: last for oid, last, _ in conn.execute(_SEQUENCES).fetchall()}
    for oid, last, start in base.sequences:
        if now.get(oid) != last:
            if last is None:
                conn.execute("SELECT setval(%s::oid::regclass, %s, false)", (oid, start))
            else:
                conn.execute("SELECT setval(%s::oid::regclass, %s, true)", (oid, last))
