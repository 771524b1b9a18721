"""hypothesis: random small schemas with random constraints -> every row accepted by PostgreSQL."""

from __future__ import annotations

import importlib
import itertools
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from codegen.render import Formatter
from codegen.writer import write
from tests.generate.genlib import build_package
from tests.pgserver import PgServer

_names = itertools.count()
TYPES = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**40), 2**40),
    "numeric(6,2)": (-9999, 9999),
    "numeric(3,0)": (-999, 999),
    "real": (-1000, 1000),
    "double precision": (-1e6, 1e6),
    "text": None,
    "varchar(4)": None,
    "char(2)": None,
    "boolean": None,
    "date": None,
    "timestamp": None,
    "timestamptz": None,
    "uuid": None,
    "jsonb": None,
    "bytea": None,
    "text[]": None,
    "mood": None,
}


@st.composite
def column(draw: Any, i: int) -> tuple[str, str]:
    sql_type = draw(st.sampled_from(sorted(TYPES)))
    name = f"c{i}"
    parts = [name, sql_type]
    if draw(st.booleans()):
        parts.append("NOT NULL")
    unique = draw(st.integers(0, 3)) == 0 and sql_type not in (
        "boolean",
        "jsonb",
        "text[]",
        "mood",
        "char(2)",
    )
    if unique:
        parts.append("UNIQUE")
    bounds = TYPES[sql_type]
    if bounds and not unique and draw(st.booleans()):
        lo = draw(st.integers(int(bounds[0]), int(bounds[1])))
        hi = draw(st.integers(lo, int(bounds[1])))
        kind = draw(st.sampled_from(["between", "gt", "lt", "in"]))
        if kind == "between":
            parts.append(f"CHECK ({name} BETWEEN {lo} AND {hi})")
        elif kind == "gt" and lo < bounds[1] - 1:
            parts.append(f"CHECK ({name} > {lo})")
        elif kind == "lt" and hi > bounds[0] + 1:
            parts.append(f"CHECK ({name} < {hi})")
        else:
            parts.append(f"CHECK ({name} IN ({lo}, {hi}))")
    if sql_type in ("text", "varchar(4)") and draw(st.booleans()):
        parts.append(f"CHECK (length({name}) >= {draw(st.integers(0, 3))})")
    return name, " ".join(parts)


@st.composite
def schema(draw: Any) -> str:
    statements = ["CREATE TYPE mood AS ENUM ('ok', 'meh');"]
    for t in range(draw(st.integers(1, 3))):
        pk = draw(
            st.sampled_from(
                [
                    "id serial PRIMARY KEY",
                    "id uuid PRIMARY KEY DEFAULT gen_random_uuid()",
                    "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
                    "id text PRIMARY KEY",
                ]
            )
        )
        cols = [pk] + [draw(column(i))[1] for i in range(draw(st.integers(1, 5)))]
        if t > 0 and draw(st.booleans()):
            parent = draw(st.integers(0, t - 1))
            null = draw(st.sampled_from(["", " NOT NULL"]))
            ref_type = statements[parent + 1].split("(", 1)[1].split(" ")[1]
            ref_type = {"serial": "integer"}.get(ref_type, ref_type)
            cols.append(f"parent {ref_type}{null} REFERENCES t{parent} (id)")

        def few_valued(col: str) -> bool:
            # a boolean, an enum, or a CHECK (c IN (a, b)): two NOT NULL few-valued columns
            # hold 4 distinct rows in any database, fewer than the batches asked for below
            return col.split()[1] in ("boolean", "mood", "char(2)") or " IN (" in col

        if len(cols) > 2 and draw(st.booleans()) and not all(map(few_valued, cols[1:3])):
            a, b = cols[1].split()[0], cols[2].split()[0]
            cols.append(f"UNIQUE ({a}, {b})")
        statements.append(f"CREATE TABLE t{t} ({', '.join(cols)});")
    return "\n".join(statements)


@pytest.fixture(scope="module")
def conn(pg_server: PgServer) -> Any:
    name = pg_server.create_database()
    with pg_server.connect(name) as connection:
        connection.prepare_threshold = None  # the schema is recreated between examples
        yield connection
    pg_server.drop_database(name)


@settings(
    max_examples=int(os.environ.get("SCHEMAGEN_RANDOM_SCHEMAS", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # the failing SQL is in the message
)
@given(sql=schema())
def test_random_schema_rows_are_accepted(sql: str, conn: Any, tmp_path: Path) -> None:
    conn.execute("DROP SCHEMA public CASCADE")
    conn.execute("CREATE SCHEMA public")
    conn.execute(sql)
    file = tmp_path / f"s{next(_names)}.sql"
    file.write_text(sql)
    package = build_package([file], formatter=Formatter(enabled=False), seed=1)
    name = f"rnd_{next(_names)}"
    write(package, tmp_path / name)
    sys.path.insert(0, str(tmp_path))
    try:
        pkg = importlib.import_module(name)
    finally:
        sys.path.remove(str(tmp_path))
    pkg.bind(conn)
    try:
        for key, factory in pkg.FACTORIES.items():
            assert len(factory.create_batch(20)) == 20, (key, sql)
    finally:
        pkg.bind(None)
        sys.modules.pop(name, None)
