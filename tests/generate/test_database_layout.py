"""`database.py` is laid out in black's style by construction: a black fixed point whose
SCHEMA black never formats as a whole (at 1000 tables that one call took ~39 s)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import black
import pytest
from hypothesis import HealthCheck, given, settings

from codegen import pipeline
from codegen.config import Config
from codegen.context import Context
from codegen.outputs import database
from codegen.render import LINE_LENGTH, Formatter
from tests.generate.genlib import build_package
from tests.generate.test_hostile_names import _my_quote, _pg_quote
from tests.generate.test_hostile_names import _schema as hostile_schema
from tests.generate.test_random_schemas import schema as random_schema
from tests.golden.test_golden import NOT_COMPARED

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_generate import synthetic_sql

MODE = black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion.PY311})
LONG = "a_really_long_table_name_that_goes_on_and_on_and_on_for_sixty"
EDGE_POSTGRES = f"""
CREATE TYPE mood AS ENUM ('happy', 'sad', 'ok', 'very_long_label_number_one',
  'very_long_label_number_two', 'x');
CREATE DOMAIN posint AS integer NOT NULL CHECK (VALUE > 0);
CREATE TABLE empty_one ();
CREATE TABLE {LONG} (id int PRIMARY KEY);
CREATE TABLE one (id int);
CREATE TABLE t (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  a_really_long_column_name_that_goes_on_and_on_and_on_for_sixty_ numeric(12, 4)
    NOT NULL DEFAULT 1.5,
  m mood NOT NULL DEFAULT 'ok',
  tags text[] DEFAULT '{{}}',
  p posint,
  ref int REFERENCES {LONG} (id) ON DELETE CASCADE ON UPDATE SET NULL
    DEFERRABLE INITIALLY DEFERRED,
  e varchar(20) DEFAULT lower('ABC'),
  g int GENERATED ALWAYS AS (p * 2) STORED,
  CHECK (p > 1), CHECK (p > 2), CHECK (p > 3), CHECK (p > 4), CHECK (p > 5), CHECK (p > 6),
  CHECK (p > 7), CHECK (p > 8), CHECK (p > 9), CHECK (p > 10), CHECK (p > 11), CHECK (p > 12)
);
CREATE UNIQUE INDEX t_expr ON t (lower(e), (p + 1));
CREATE UNIQUE INDEX t_x ON t ((p + 2), (p + 3));
CREATE UNIQUE INDEX t_y ON t ((p + 4)) WHERE p > 0;
CREATE UNIQUE INDEX t_expr_one_with_a_rather_long_index_name ON t (lower(e), m)
  WHERE p > 3 AND e IS NOT NULL;
"""
EDGE_POSTGRES += """CREATE TABLE "weird ""name"" 'x'" ("col ""q"" " text DEFAULT 'it''s "q"',"""
EDGE_POSTGRES += """ UNIQUE ("col ""q"" "));"""
EDGE_SQLITE = f"""
CREATE TABLE {LONG * 3} (id INTEGER PRIMARY KEY, {LONG * 2} TEXT NOT NULL DEFAULT 'x' UNIQUE);
CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES {LONG * 3} (id),
  CHECK (p > 0), CHECK (p < 100));
"""


def render(sql: str, dialect: str, tmp: Path) -> tuple[str, int]:
    """database.py as generate writes it, and the black calls its formatting made."""
    path = tmp / f"schema_{dialect}.sql"
    path.write_text(sql, encoding="utf-8")
    built = pipeline.load([str(path)], dialect)
    formatter = Formatter()
    config = Config(inputs=(str(path),), dialect=dialect)  # type: ignore[arg-type]
    ctx = Context(built.schema, config, built.sources_digest, formatter)
    body = database.render(ctx)["database.py"]
    before = formatter.formatted_blocks
    text = formatter.format_file(body)
    return text, formatter.formatted_blocks - before


@pytest.mark.parametrize(
    ("sql", "dialect", "calls"),
    [
        (EDGE_POSTGRES, "postgres", 0),
        # the DEFAULT function's `def` line of a 300-character name is too long for black
        # too: black laid it out once (`shaped`), its block is not measured and formatted again
        (EDGE_SQLITE, "sqlite", 0),
        (hostile_schema(_pg_quote, "postgres"), "postgres", 0),
        (hostile_schema(_my_quote, "mysql"), "mysql", 0),
        (synthetic_sql(30), "postgres", 0),
    ],
    ids=["edge-postgres", "edge-sqlite", "hostile-postgres", "hostile-mysql", "synthetic"],
)
def test_database_py_is_a_black_fixed_point_formatted_per_table(
    sql: str, dialect: str, calls: int, tmp_path: Path
) -> None:
    text, black_calls = render(sql, dialect, tmp_path)
    assert black.format_str(text, mode=MODE) == text
    assert black_calls == calls


def test_synthetic_tables_need_no_black_at_all(tmp_path: Path) -> None:
    """The shape of the scale benchmark: not even a table or a DEFAULT goes to black."""
    path = tmp_path / "s.sql"
    path.write_text(synthetic_sql(40), encoding="utf-8")
    built = pipeline.load([str(path)], "postgres")
    formatter = Formatter()
    ctx = Context(built.schema, Config(inputs=(str(path),)), built.sources_digest, formatter)
    formatter.format_file(database.render(ctx)["database.py"])
    assert formatter.formatted_blocks == 0


def test_the_synthetic_package_needs_black_once(tmp_path: Path) -> None:
    """Every file of the scale benchmark's package is in black's layout by construction,
    each one a fixed point; black formats one statement, the same in every table (a factory
    declaration whose lambdas only black can break): once, whatever the count of tables."""
    path = tmp_path / "s.sql"
    path.write_text(synthetic_sql(40), encoding="utf-8")
    formatter = Formatter()
    package = build_package([path], formatter=formatter)
    assert formatter.formatted_blocks == 1
    for name, text in package.files.items():
        if name.endswith(".py") and name not in NOT_COMPARED:  # the runtimes: copied as written
            assert black.format_str(text, mode=MODE) == text, name


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sql=random_schema())
def test_random_schemas_database_py_is_a_black_fixed_point(sql: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        text, black_calls = render(sql, "postgres", Path(tmp))
    assert black.format_str(text, mode=MODE) == text
    assert black_calls == 0
