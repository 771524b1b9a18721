"""A warm `generate` (every memo of the run before it, persisted and read back) writes
byte for byte what a cold one writes, after random one-table edits: the memoised per-table
outputs are keyed by everything they read. hypothesis draws schemas of a few tables (FKs,
self-references, enums, domains, CHECKs, generated columns, partial and expression unique
indexes, DEFAULTs) and one edit each: a column added, retyped, made NOT NULL, a CHECK
added, a table inserted before it or dropped, the enum or the domain changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen import pipeline
from codegen.config import Config, Override
from codegen.generate import Package, generate
from codegen.memo import Taken, key_of
from codegen.outputs.factories import PER_PART
from codegen.plan import build
from codegen.render import Formatter

PREAMBLE = [
    "CREATE TYPE mood AS ENUM ('ok', 'meh');",
    "CREATE DOMAIN posint AS integer CHECK (VALUE > 0);",
]
COLUMNS = [
    "text", "text NOT NULL", "varchar(8) UNIQUE", "integer CHECK ({c} BETWEEN 1 AND 9)",
    "numeric(6,2) NOT NULL DEFAULT 1.5", "mood DEFAULT 'ok'", "posint", "jsonb",
    "boolean NOT NULL DEFAULT true", "timestamptz DEFAULT now()", "text[]",
    "integer GENERATED ALWAYS AS (id * 2) STORED",
]  # fmt: skip
EXTRAS = [
    "CREATE UNIQUE INDEX ON {t} (lower({c}));",
    "CREATE UNIQUE INDEX ON {t} ({c}) WHERE {c} IS NOT NULL;",
    "ALTER TABLE {t} ADD CHECK ({c} IS NOT NULL OR id > 0);",
]


@st.composite
def table(draw: Any, i: int) -> dict[str, Any]:
    columns = [
        draw(st.sampled_from(COLUMNS)).format(c=f"c{j}") for j in range(draw(st.integers(1, 4)))
    ]
    parent = draw(st.none() | st.integers(0, i)) if i else draw(st.none() | st.just(0))
    extra = draw(st.none() | st.sampled_from(EXTRAS))
    return {"name": f"t{i}", "columns": columns, "parent": parent, "extra": extra}


def sql_of(tables: list[dict[str, Any]], preamble: list[str]) -> str:
    out = list(preamble)
    names = [t["name"] for t in tables]
    for t in tables:
        cols = ["id serial PRIMARY KEY"] + [f"c{j} {c}" for j, c in enumerate(t["columns"])]
        if t["parent"] is not None and t["parent"] < len(names):
            cols.append(f"parent integer REFERENCES {names[t['parent']]} (id)")
        out.append(f"CREATE TABLE {t['name']} ({', '.join(cols)});")
        if t["extra"] and t["columns"] and "text" in t["columns"][0]:
            out.append(t["extra"].format(t=t["name"], c="c0"))
    return "\n".join(out) + "\n"


def edit(draw: Any, tables: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """One table changed (or one inserted, or the schema-wide types): the new tables."""
    k = draw(st.integers(0, len(tables) - 1))
    tables = [dict(t, columns=list(t["columns"])) for t in tables]
    preamble = list(PREAMBLE)
    kind = draw(st.sampled_from(["add", "retype", "not null", "check", "insert", "drop",
                                 "enum", "domain", "parent"]))  # fmt: skip
    t = tables[k]
    if kind == "add":
        t["columns"].append(draw(st.sampled_from(COLUMNS)).format(c=f"c{len(t['columns'])}"))
    elif kind == "retype" and t["columns"]:
        t["columns"][0] = draw(st.sampled_from(COLUMNS)).format(c="c0")
    elif kind == "not null" and t["columns"] and "NOT NULL" not in t["columns"][-1]:
        t["columns"][-1] += " NOT NULL"
    elif kind == "check":
        t["columns"].append(f"integer CHECK (c{len(t['columns'])} > {k})")
    elif kind == "insert":  # a new table before it: later places and names move
        tables.insert(k, {"name": "t_new", "columns": ["text"], "parent": None, "extra": None})
        for u in tables:  # the others keep their parents: only places and names move
            if u["parent"] is not None and u["parent"] >= k:
                u["parent"] += 1
    elif kind == "drop" and all(u["parent"] != k for u in tables if u is not t):
        del tables[k]
        for u in tables:
            if u["parent"] is not None and u["parent"] > k:
                u["parent"] -= 1
    elif kind == "enum":
        preamble[0] = "CREATE TYPE mood AS ENUM ('ok', 'meh', 'wow');"
    elif kind == "domain":
        preamble[1] = "CREATE DOMAIN posint AS integer NOT NULL CHECK (VALUE > 1);"
    elif kind == "parent":
        t["parent"] = None if t["parent"] is not None else k
    return tables, preamble


@st.composite
def schemas(draw: Any) -> tuple[str, str]:
    n = draw(st.integers(1, 4))
    tables = [draw(table(i)) for i in range(n)]
    edited, preamble = edit(draw, tables)
    return sql_of(tables, PREAMBLE), sql_of(edited, preamble)


@st.composite
def large_schemas(draw: Any) -> tuple[str, str]:
    """Past `factories.PER_PART` tables (several group modules), so most of a warm run's
    groups are memo hits: one edit, each table drawn as above."""
    n = draw(st.integers(PER_PART + 1, 2 * PER_PART + 8))
    tables = [draw(table(i)) for i in range(n)]
    edited, preamble = edit(draw, tables)
    return sql_of(tables, PREAMBLE), sql_of(edited, preamble)


def _package(sql: str, path: Path, formatter: Formatter) -> Package:
    path.write_text(sql, encoding="utf-8")
    cfg = Config(inputs=(str(path),), seed=1)
    built = pipeline.load([str(path)])
    return generate(built.schema, cfg, built.sources_digest, formatter)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pair=schemas())
def test_warm_generate_writes_what_cold_writes(pair: tuple[str, str], tmp_path: Path) -> None:
    _warm_equals_cold(pair, tmp_path)


def _warm_equals_cold(pair: tuple[str, str], tmp_path: Path) -> None:
    before, after = pair
    path = tmp_path / "schema.sql"
    first = Formatter(enabled=False)
    _package(before, path, first)
    warm_formatter = Formatter.from_json(first.to_json())
    warm_formatter.enabled = False
    warm = _package(after, path, warm_formatter)
    cold = _package(after, path, Formatter(enabled=False))
    assert warm.files == cold.files
    assert [str(w) for w in warm.warnings] == [str(w) for w in cold.warnings]


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(pair=large_schemas())
def test_warm_equals_cold_with_groups_from_the_memo(pair: tuple[str, str], tmp_path: Path) -> None:
    """The same with most factory groups' modules taken from the memo (headers included)."""
    _warm_equals_cold(pair, tmp_path)


def test_a_warm_run_takes_the_tables_blocks_from_the_memo(tmp_path: Path) -> None:
    """The memo is used: a warm run on the same schema computes no table's block again."""
    sql = sql_of([{"name": f"t{i}", "columns": ["text", "posint"], "parent": i - 1 if i else None,
                   "extra": None} for i in range(3)], PREAMBLE)  # fmt: skip
    first = Formatter(enabled=False)
    cold = _package(sql, tmp_path / "s.sql", first)
    entries = [k for k in first.memo.kept() if k.startswith("database-table:")]
    assert len(entries) == 3
    warm = Formatter.from_json(first.to_json())
    warm.enabled = False
    stored = dict(warm.memo.entries)
    for k in entries:  # a hit hands back the stored block: mark each, to see it in the output
        warm.memo.entries[k] = stored[k].replace("TableSpec(", "TableSpec(  # from the memo")
    files = _package(sql, tmp_path / "s.sql", warm).files
    assert files["database.py"].count("# from the memo") == 3
    assert cold.files["database.py"].count("# from the memo") == 0


def test_taken_replays_only_when_every_answer_holds() -> None:
    taken = Taken()
    taken.log = []
    assert "a" not in taken
    taken.add("a")
    log, taken.log = taken.log, None
    other = Taken({"b"})
    assert other.replay(log) and other == {"a", "b"}
    clash = Taken({"a"})  # `a` is given out already: the computation would pick `a_2`
    assert not clash.replay(log) and clash == {"a"}


def test_every_golden_plan_has_a_memo_key() -> None:
    """`key_of` raises on a value it does not know; no golden schema's plan holds one."""
    golden = Path(__file__).resolve().parents[1] / "golden"
    cases = sorted(p for p in golden.glob("*/schema.sql"))
    assert cases
    for sql in cases:
        built = pipeline.load([str(sql)])
        for plan in build(built.schema, Config(inputs=(str(sql),))).tables:
            assert key_of(plan)


def _warm(first: Formatter) -> Formatter:
    warm = Formatter.from_json(first.to_json())
    warm.enabled = False
    return warm


def _generate(sql: str, path: Path, formatter: Formatter, **options: Any) -> Package:
    path.write_text(sql, encoding="utf-8")
    built = pipeline.load([str(path)])
    cfg = Config(inputs=(str(path),), seed=1, **options)
    return generate(built.schema, cfg, built.sources_digest, formatter)


SMALL_COLUMNS = ["text", "integer CHECK (c1 BETWEEN 1 AND 9)"]
SMALL = sql_of(
    [{"name": f"t{i}", "columns": SMALL_COLUMNS, "parent": i - 1 if i else None, "extra": None}
     for i in range(3)],
    PREAMBLE,
)  # fmt: skip


def test_a_factory_group_is_memoised_by_the_templates(tmp_path: Path) -> None:
    """A --templates folder edited between runs: the groups' modules are rendered again
    (their memo key holds every template's text)."""
    folder = tmp_path / "templates"
    folder.mkdir()
    builtin = Path(__file__).resolve().parents[2] / "templates" / "factory.py.j2"
    template = builtin.read_text(encoding="utf-8")
    (folder / "factory.py.j2").write_text(template, encoding="utf-8")
    first = Formatter(enabled=False)
    _generate(SMALL, tmp_path / "s.sql", first, templates=str(folder))
    edited = template.replace("once bind() is called", "made when first used")
    assert edited != template
    (folder / "factory.py.j2").write_text(edited, encoding="utf-8")
    warm = _generate(SMALL, tmp_path / "s.sql", _warm(first), templates=str(folder))
    cold = _generate(SMALL, tmp_path / "s.sql", Formatter(enabled=False), templates=str(folder))
    assert warm.files == cold.files
    assert any("made when first used" in text for text in warm.files.values())


@pytest.mark.parametrize(
    "options",
    [{"null_ratio": 0.5}, {"overrides": (("t1", (("c0", Override("value", value="x")),)),)}],
)
def test_a_factory_group_is_memoised_by_the_config(tmp_path: Path, options: dict[str, Any]) -> None:
    """A setting the factories read changed between runs (its headers' fingerprints too)."""
    first = Formatter(enabled=False)
    _generate(SMALL, tmp_path / "s.sql", first)
    warm = _generate(SMALL, tmp_path / "s.sql", _warm(first), **options)
    cold = _generate(SMALL, tmp_path / "s.sql", Formatter(enabled=False), **options)
    assert warm.files == cold.files


def test_a_memoised_group_keeps_what_its_rendering_asked_for(tmp_path: Path) -> None:
    """A hit on a group's module keeps the memo entries rendering it asked for (a formatted
    statement, each block's names), so the next change of one of its tables finds them."""
    first = Formatter(enabled=False)
    _generate(SMALL, tmp_path / "s.sql", first)
    kept = first.memo.kept()
    inner = {k for k in kept if not k.startswith(("factories-part:", "database-table:"))}
    second = _warm(first)
    _generate(SMALL, tmp_path / "s.sql", second)
    assert any(k.startswith("factories-part:") for k in second.memo.kept())
    assert inner <= set(second.memo.kept())


def _warm_cold(before: str, after: str, tmp_path: Path) -> None:
    first = Formatter(enabled=False)
    _generate(before, tmp_path / "s.sql", first)
    warm = _generate(after, tmp_path / "s.sql", _warm(first))
    cold = _generate(after, tmp_path / "s.sql", Formatter(enabled=False))
    assert warm.files == cold.files


@pytest.mark.parametrize("second", ["ab", "a_b", "ab_"])
def test_a_plan_is_memoised_by_its_names(second: str, tmp_path: Path) -> None:
    """Two tables whose names mangle alike ("aB" and ab: module and factory class; "aB"
    and a_b, or ab_: the class alone, compared case-insensitively): dropping the first
    renames the second's (and the class its child's SubFactory names), their tables
    unchanged. Fails with the class left out of the plan's key; no drop or insert renames
    a module alone (modules that collide have classes that collide), so the module's part
    of the key, which `table_plan` reads, cannot be shown needed this way."""
    tables = [
        'CREATE TABLE "aB" (id serial PRIMARY KEY);',
        f"CREATE TABLE {second} (id serial PRIMARY KEY, a integer CHECK (a > 0));",
        f"CREATE TABLE c (id serial PRIMARY KEY, t integer NOT NULL REFERENCES {second} (id));",
    ]
    _warm_cold("\n".join(tables), "\n".join(tables[1:]), tmp_path)


def test_a_plan_is_memoised_by_its_parents_keys(tmp_path: Path) -> None:
    """A foreign key naming no columns references the parent's primary key: a change of
    that key changes the child's plan, the child's table unchanged."""
    child = "CREATE TABLE c (id serial PRIMARY KEY, p integer REFERENCES p);"
    before = f"CREATE TABLE p (id serial PRIMARY KEY, k integer UNIQUE);\n{child}"
    after = f"CREATE TABLE p (id serial UNIQUE, k integer PRIMARY KEY);\n{child}"
    _warm_cold(before, after, tmp_path)


def test_inserts_are_named_after_their_tables(tmp_path: Path) -> None:
    """A table's generated insert is named after its table, not its place (so a table
    inserted before it leaves its memoised specs valid): unique where long names share
    their first characters, and each `def` line fits."""
    long = "a" * 60
    sql = "\n".join(f"CREATE TABLE {long}{c} (id serial PRIMARY KEY, v text);" for c in "xy")
    source = _generate(sql + "\nCREATE TABLE t (id serial PRIMARY KEY);", tmp_path / "s.sql",
                       Formatter(enabled=False)).files["database.py"]  # fmt: skip
    defs = [line for line in source.splitlines() if line.startswith("def insert_")]
    assert [d.split("(")[0] for d in defs] == [
        f"def insert_{'a' * 32}",
        f"def insert_{'a' * 32}_2",
        "def insert_t",
    ]
    assert all(len(d) <= 100 for d in defs)
    compile(source, "database.py", "exec")


def test_a_table_whose_plan_warns_warns_again(tmp_path: Path) -> None:
    """Planning that warns is not memoised (warnings carry locations): a warm run, with the
    table moved down a line, gives the warning again, at its new line."""
    table = "CREATE TABLE w (id serial PRIMARY KEY, x point NOT NULL);"
    first = Formatter(enabled=False)
    _generate(table, tmp_path / "s.sql", first)
    warm = _generate("\n" + table, tmp_path / "s.sql", _warm(first))
    cold = _generate("\n" + table, tmp_path / "s.sql", Formatter(enabled=False))
    assert [str(w) for w in warm.warnings] == [str(w) for w in cold.warnings]
    assert any("no generator for type point" in str(w) for w in warm.warnings)


def test_a_partition_is_planned_from_its_siblings(tmp_path: Path) -> None:
    """A DEFAULT partition takes what its siblings do not: a sibling added changes its
    CHECKs, its own table unchanged (partitions are planned every run)."""
    parent = "CREATE TABLE p (id integer NOT NULL, k integer NOT NULL) PARTITION BY LIST (k);"
    parts = [
        "CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);",
        "CREATE TABLE pd PARTITION OF p DEFAULT;",
        "CREATE TABLE p2 PARTITION OF p FOR VALUES IN (2);",
    ]
    _warm_cold("\n".join([parent, *parts[:2]]), "\n".join([parent, *parts]), tmp_path)
