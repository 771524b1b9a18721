"""The statement cache (codegen/parse/cache.py): a warm read is the cold read, only faster.

Every test compares against a cold read (no cache) of the same text: statements, their
locations and errors must be identical whether they were parsed now or come from the JSON
an earlier run saved, wherever the statement moved in its file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen import cachestore, cli, ddl, parse, sources
from codegen.errors import SchemagenError
from codegen.parse import postgres
from codegen.parse.cache import StatementCache
from codegen.sources import SourceFile

REPO = Path(__file__).resolve().parents[2]
INPUTS = [
    ("sample_schemas/ecommerce", "postgres"),
    ("sample_schemas/ecommerce_migrations", "postgres"),
    ("sample_schemas/rental", "postgres"),
    ("tests/fixtures/ecommerce.pg_dump.sql", "postgres"),
    ("tests/fixtures/rental.pg_dump.sql", "postgres"),
    ("tests/rpc/schemas/edge.sql", "postgres"),
    ("tests/golden/safety/schema.sql", "postgres"),
    ("sample_schemas/sqlite", "sqlite"),
    ("sample_schemas/mysql", "mysql"),
]


def read(
    files: list[SourceFile], cache: StatementCache | None = None, dialect: str = "postgres"
) -> list[ddl.Statement]:
    return parse.read_all(files, dialect, cache)


def saved(cache: StatementCache) -> StatementCache:
    """The cache as the next run sees it: through its JSON file."""
    return StatementCache.from_json(cache.dialect, cache.to_json())


def one_file(text: str, path: str = "schema.sql") -> list[SourceFile]:
    return [SourceFile(path, text, "")]


@pytest.mark.parametrize(("inputs", "dialect"), INPUTS)
def test_a_warm_read_equals_a_cold_read(inputs: str, dialect: str) -> None:
    files = sources.collect([inputs], str(REPO))
    first = StatementCache(dialect)
    cold = read(files, first, dialect)
    assert first.misses > 0
    warm_cache = saved(first)
    assert read(files, warm_cache, dialect) == cold == read(files, None, dialect)
    assert warm_cache.misses == 0


SQLITE = """\
CREATE TABLE a (id INTEGER PRIMARY KEY, n TEXT NOT NULL CHECK (length(n) <= 5)) WITHOUT ROWID;
CREATE TABLE b (x UNSIGNED BIG INT REFERENCES a (id), y TEXT DEFAULT 'é');
"""


def test_sqlite_statements_that_moved_are_hits_placed_where_they_now_are() -> None:
    cache = StatementCache("sqlite")
    read(one_file(SQLITE), cache, "sqlite")
    moved = "-- ✓ notes\n\n  " + SQLITE.replace(";\n", ";\n\n")
    again = saved(cache)
    statements = read(one_file(moved), again, "sqlite")
    assert again.misses == 0
    assert statements == read(one_file(moved), None, "sqlite")
    b = [s for s in statements if isinstance(s, ddl.CreateTable)][1]
    y = b.table.column("y")
    assert y is not None and (y.location.line, y.location.column) == (5, 55)


SCHEMA = """\
CREATE TYPE state AS ENUM ('new', 'done');
CREATE TABLE a (
    id serial PRIMARY KEY,
    price numeric(10,2) NOT NULL CHECK (price >= 0),
    status state DEFAULT 'new'
);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id));
"""


def test_a_statement_that_moved_is_a_hit_placed_where_it_now_is() -> None:
    cache = StatementCache("postgres")
    read(one_file(SCHEMA), cache)
    moved = "-- a new first line\n\n/* and a comment */  " + SCHEMA.replace(";\n", ";\n\n\n")
    again = saved(cache)
    statements = read(one_file(moved), again)
    assert again.misses == 0
    assert statements == read(one_file(moved))
    enum = next(s for s in statements if isinstance(s, ddl.CreateEnum))
    assert (enum.origin.location.line, enum.origin.location.column) == (3, 22)
    table_a = next(s for s in statements if isinstance(s, ddl.CreateTable))
    assert (table_a.origin.location.line, table_a.origin.location.column) == (6, 1)
    price = table_a.table.column("price")
    assert price is not None and (price.location.line, price.location.column) == (8, 5)


def test_only_the_changed_statement_is_parsed_again() -> None:
    cache = StatementCache("postgres")
    read(one_file(SCHEMA), cache)
    changed = SCHEMA.replace("a_id int REFERENCES a (id)", "a_id int REFERENCES a (id), note text")
    again = saved(cache)
    read(one_file(changed), again)
    assert again.misses == 1
    # entries no statement used any more are not saved again
    assert len(json.loads(again.to_json())["statements"]) == 3


def test_the_same_text_in_another_file_is_placed_in_that_file() -> None:
    cache = StatementCache("postgres")
    read(one_file(SCHEMA, "one.sql"), cache)
    statements = read(one_file("\n" + SCHEMA, "two.sql"), cache)
    assert cache.misses == 3
    assert {s.origin.location.file for s in statements} == {"two.sql"}
    assert statements == read(one_file("\n" + SCHEMA, "two.sql"))


def test_errors_are_located_in_the_file_whether_cached_or_not() -> None:
    text = "CREATE TABLE ok (id int);\n\n  CREATE TABLE t (id int, PRIMARY KEY USING INDEX i);\n"
    for cache in (None, StatementCache("postgres")):
        with pytest.raises(SchemagenError) as raised:
            read(one_file(text), cache)
        assert raised.value.location is not None
        assert (raised.value.location.file, raised.value.location.line) == ("schema.sql", 3)
        assert raised.value.location.column == 3
        assert "PRIMARY KEY USING INDEX" in str(raised.value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        json.dumps({"version": "another build", "statements": {}}),
        json.dumps({"version": None, "statements": []}),
    ],
)
def test_a_missing_damaged_or_stale_cache_file_is_an_empty_cache(text: str) -> None:
    cache = StatementCache.from_json("postgres", text)
    assert read(one_file(SCHEMA), cache) == read(one_file(SCHEMA))
    assert cache.misses == 3


def test_a_damaged_entry_is_read_again() -> None:
    cache = StatementCache("postgres")
    read(one_file(SCHEMA), cache)
    data = json.loads(cache.to_json())
    for key in data["statements"]:
        data["statements"][key] = {"@": "NoSuchClass", "=": []}
    damaged = StatementCache.from_json("postgres", json.dumps(data))
    assert read(one_file(SCHEMA), damaged) == read(one_file(SCHEMA))
    assert damaged.misses == 3


@settings(max_examples=40, deadline=None)
@given(
    gaps=st.lists(
        st.sampled_from(["", "\n", "\n\n", "-- note ✓\n", "/* x */ ", "  ", "\n-- é\n\n"]),
        min_size=4,
        max_size=4,
    )
)
def test_any_layout_around_cached_statements_reads_as_cold(gaps: list[str]) -> None:
    """Statements separated by any blank lines and comments: a cache filled from one layout
    serves another exactly as a cold read of it would."""
    statements = [s + ";" for s in SCHEMA.split(";") if s.strip()]
    cache = StatementCache("postgres")
    read(one_file("\n".join(statements)), cache)
    layout = "".join(gap + stmt for gap, stmt in zip(gaps, statements, strict=False))
    warm = saved(cache)
    assert read(one_file(layout), warm) == read(one_file(layout))
    assert warm.misses == 0


# ------------------------------------------------------------------- through the CLI


def test_generate_keeps_the_cache_and_a_warm_run_writes_what_a_cold_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    schema = tmp_path / "schema.sql"
    schema.write_text(SCHEMA)
    runner = CliRunner()
    assert runner.invoke(cli.main, ["generate", "schema.sql", "--out", "warm"]).exit_code == 0
    assert cachestore.cache_file(tmp_path / "warm", "statements").is_file()
    assert not (tmp_path / "warm" / cachestore.LEGACY_DIR).exists()

    parsed: list[str] = []
    real = postgres.parser.parse_sql
    monkeypatch.setattr(postgres.parser, "parse_sql", lambda sql: parsed.append(sql) or real(sql))
    schema.write_text(SCHEMA.replace("status state DEFAULT 'new'", "status state, note text"))
    assert runner.invoke(cli.main, ["generate", "schema.sql", "--out", "warm"]).exit_code == 0
    user_statements = [sql for sql in parsed if sql in schema.read_text()]
    assert len(user_statements) == 1 and "note text" in user_statements[0]

    assert runner.invoke(cli.main, ["generate", "schema.sql", "--out", "cold"]).exit_code == 0
    assert tree(tmp_path / "warm") == tree(tmp_path / "cold")


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".schemagen-cache" not in p.parts and "__pycache__" not in p.parts
    }
