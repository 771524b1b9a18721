"""`uuidv7()` DEFAULTs (PostgreSQL 18): build() makes RFC 9562 version-7 UUIDs, ordered by
time and the same under the same seed, and PostgreSQL 18 stores them and reads their time."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import ModuleType

import pytest

from codegen.server import Server as PgServer

pytestmark = pytest.mark.postgres

SCHEMA = """
CREATE TABLE events (
    id uuid PRIMARY KEY DEFAULT uuidv7(),
    earlier uuid NOT NULL DEFAULT uuidv7('-1 hour'::interval),
    v4 uuid NOT NULL DEFAULT uuidv4(),
    note text
);
"""
CLOCK = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def _v7_time(value: uuid.UUID) -> datetime:
    return datetime.fromtimestamp((value.int >> 80) / 1000, UTC)


def test_uuidv7_defaults_are_version_7_time_ordered_and_seeded(
    make_package: Callable[..., ModuleType],
) -> None:
    pkg = make_package(SCHEMA, seed=11)
    pkg.reset(11)
    pkg.set_clock(CLOCK)
    rows = pkg.FACTORIES["events"].build_batch(300)
    ids = [r["id"] for r in rows]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in ids)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)  # strictly increasing
    assert abs(_v7_time(ids[0]) - CLOCK) < timedelta(milliseconds=1)
    assert abs(_v7_time(rows[0]["earlier"]) - (CLOCK - timedelta(hours=1))) < timedelta(seconds=1)
    assert all(r["v4"].version == 4 for r in rows)
    pkg.reset(11)
    pkg.set_clock(CLOCK)
    assert [r["id"] for r in pkg.FACTORIES["events"].build_batch(300)] == ids


def test_postgres_18_accepts_them_and_reads_their_time(
    pg18_server: PgServer, make_package: Callable[..., ModuleType]
) -> None:
    pkg = make_package(SCHEMA, seed=5)
    with pg18_server.database() as conn:
        conn.execute(SCHEMA)  # type: ignore[call-overload]
        pkg.bind(conn)
        try:
            rows = pkg.FACTORIES["events"].create_batch(200)
        finally:
            pkg.bind(None)
        assert len(rows) == 200
        checked = conn.execute(
            "SELECT uuid_extract_version(id), uuid_extract_timestamp(id),"
            " uuid_extract_timestamp(earlier) FROM events ORDER BY id"
        ).fetchall()
        server_v7 = conn.execute("SELECT uuidv7()").fetchone()
    assert {version for version, _, _ in checked} == {7}
    stamps = [stamp for _, stamp, _ in checked]
    assert stamps == sorted(stamps)
    assert all(timedelta(minutes=59) < a - b < timedelta(minutes=61) for _, a, b in checked)
    assert server_v7 is not None and server_v7[0].version == 7  # the same kind of value
