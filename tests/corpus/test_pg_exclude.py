"""EXCLUDE constraints: plain columns are modelled whatever their operators, and `=` / `&&`
ones are planned (rows never conflict, on a real PostgreSQL 18 with btree_gist); the
planner warns where it cannot keep rows apart, and expression elements and WHERE
predicates are refused with a located warning that names what stays unmodelled."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from codegen import pipeline
from codegen.model import Exclude
from codegen.server import Server as PgServer

PLANNED = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE bookings (
    id serial PRIMARY KEY,
    room int NOT NULL CHECK (room BETWEEN 1 AND 3),
    during tsrange NOT NULL,
    EXCLUDE USING gist (room WITH =, during WITH &&)
);
CREATE TABLE stays (
    id serial PRIMARY KEY,
    guest text NOT NULL,
    nights daterange NOT NULL,
    spans int8multirange NOT NULL,
    CONSTRAINT stays_no_overlap EXCLUDE USING gist (guest WITH =, nights WITH &&, spans WITH &&)
);
CREATE TABLE seats (
    id serial PRIMARY KEY,
    row_no int NOT NULL,
    seat_no int NOT NULL,
    CONSTRAINT seats_once EXCLUDE (row_no WITH =, seat_no WITH =)
);
CREATE TABLE pairs (
    id serial PRIMARY KEY,
    a int NOT NULL,
    b int NOT NULL,
    CONSTRAINT one_b EXCLUDE USING gist (a WITH =, b WITH <>)
);
"""
REFUSED = """
CREATE TABLE circles (id serial PRIMARY KEY, c circle, EXCLUDE USING gist (c WITH &&));
CREATE TABLE partial (id serial PRIMARY KEY, r int4range,
                      EXCLUDE USING gist (r WITH &&) WHERE (id > 10));
CREATE TABLE lowered (id serial PRIMARY KEY, name text, EXCLUDE (lower(name) WITH =));
CREATE TABLE adjacent (id serial PRIMARY KEY, r int4range, EXCLUDE USING gist (r WITH -|-));
"""


def _load(tmp_path: Path, sql: str) -> pipeline.Built:
    path = tmp_path / "schema.sql"
    path.write_text(sql)
    return pipeline.load([str(path)])


def test_the_plannable_forms_are_modelled_and_follow_renames_and_drops(tmp_path: Path) -> None:
    sql = (
        PLANNED
        + """
    ALTER TABLE seats RENAME COLUMN seat_no TO seat;
    ALTER TABLE stays DROP CONSTRAINT stays_no_overlap;
    ALTER TABLE stays ADD CONSTRAINT stays_spans EXCLUDE USING gist (spans WITH &&);
    ALTER TABLE bookings DROP COLUMN room;
    """
    )
    schema = _load(tmp_path, sql).schema
    excludes = {t.name: t.excludes for t in schema.tables}
    assert excludes["seats"] == (
        Exclude(("row_no", "seat"), ("=", "="), "seats_once", excludes["seats"][0].location,
                made_after=1),  # its index built after the primary key's
    )  # fmt: skip
    assert [(x.name, x.columns, x.operators) for x in excludes["stays"]] == [
        ("stays_spans", ("spans",), ("&&",))
    ]
    assert excludes["bookings"] == ()  # PostgreSQL drops the constraint with its column
    assert excludes["seats"][0].location.line == 20  # the CONSTRAINT line


def test_other_forms_are_refused_with_a_located_warning(
    tmp_path: Path, make_package: Callable[..., ModuleType]
) -> None:
    built = _load(tmp_path, REFUSED)
    assert [t.name for t in built.schema.tables if t.excludes] == ["circles", "adjacent"]
    said = {w.location.line: w.message for w in built.warnings if "EXCLUDE" in w.message}
    assert "is not modelled (a WHERE predicate)" in said[3]
    assert "is not modelled (an expression element)" in said[5]
    assert 6 not in said  # -|- is modelled (the in-memory database evaluates it)
    # circle && circle and r -|- r are read, but nothing keeps the rows apart: generate says so
    planned = [w for w in make_package(REFUSED).WARNINGS if "EXCLUDE" in w.message]
    assert [w.location.line for w in planned] == [2, 6]
    assert "circles: EXCLUDE constraint circles_c_excl is not planned" in planned[0].message
    assert "adjacent: EXCLUDE constraint adjacent_r_excl is not planned" in planned[1].message
    assert all("generated rows may violate it" in w.message for w in planned)


@pytest.mark.postgres
def test_postgres_18_accepts_the_planned_rows(
    tmp_path: Path, pg18_server: PgServer, make_package: Callable[..., ModuleType]
) -> None:
    pkg = make_package(PLANNED, seed=3)
    assert not [w for w in pkg.WARNINGS if "EXCLUDE" in w.message]
    with pg18_server.database() as conn:
        conn.execute(PLANNED)  # type: ignore[call-overload]
        pkg.bind(conn)
        try:
            for name in ("bookings", "stays", "seats", "pairs"):
                assert len(pkg.FACTORIES[name].create_batch(200)) == 200
        finally:
            pkg.bind(None)
        rooms = conn.execute("SELECT count(DISTINCT room) FROM bookings").fetchone()
        names = conn.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'x'"
        ).fetchall()
    assert rooms == (3,)  # rooms repeat: only the ranges keep rows apart
    model = {(t.name, x.name) for t in _load(tmp_path, PLANNED).schema.tables for x in t.excludes}
    assert set(names) == model  # bookings_room_during_excl: named as PostgreSQL names it


COPIED = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE slots (
    room int NOT NULL,
    during int4range NOT NULL,
    CONSTRAINT slots_free EXCLUDE USING gist (room WITH =, during WITH &&)
) PARTITION BY LIST (room);
CREATE TABLE slots_1 PARTITION OF slots FOR VALUES IN (1);
CREATE TABLE slots_2 (room int NOT NULL, during int4range NOT NULL);
ALTER TABLE slots ATTACH PARTITION slots_2 FOR VALUES IN (2);
CREATE TABLE copy (LIKE slots INCLUDING ALL);
CREATE TABLE bare (LIKE slots);
"""


@pytest.mark.postgres
def test_partitions_and_like_copy_them_as_postgres_18_does(
    tmp_path: Path, pg18_server: PgServer
) -> None:
    schema = _load(tmp_path, COPIED).schema
    model = {(t.name, x.name, x.columns) for t in schema.tables for x in t.excludes}
    with pg18_server.database() as conn:
        conn.execute(COPIED)  # type: ignore[call-overload]
        rows = conn.execute(
            "SELECT conrelid::regclass::text, conname, array_agg(a.attname ORDER BY k.i)"
            " FROM pg_constraint c, unnest(c.conkey) WITH ORDINALITY AS k(attnum, i)"
            " JOIN pg_attribute a ON a.attnum = k.attnum"
            " WHERE contype = 'x' AND a.attrelid = c.conrelid GROUP BY 1, 2"
        ).fetchall()
    assert model == {(t, n, tuple(cols)) for t, n, cols in rows}
    assert {t for t, _, _ in model} == {"slots", "slots_1", "slots_2", "copy"}
