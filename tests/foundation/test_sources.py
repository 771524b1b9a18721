"""Finding and ordering the inputs: files, migration folders, globs (codegen/sources.py).

Each test builds a tiny folder in tmp_path the way a migration tool lays it out and checks
which files are read, in which order, and what text of each is kept.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from codegen import pipeline, sources
from codegen.errors import SchemagenError


def paths(folder: Path, *args: str) -> list[str]:
    return [f.path for f in sources.collect(list(args), str(folder))]


def up_text(folder: Path, name: str) -> str:
    (source,) = sources.collect([name], str(folder))
    return source.text


# ------------------------------------------------------------------------- ordering


def test_numbered_files_sort_by_number_not_by_text(write) -> None:
    folder = write({f"db/{n}_step.sql": "SELECT 1;" for n in (1, 2, 10, 9, 100)})
    assert paths(folder, "db") == [
        "db/1_step.sql",
        "db/2_step.sql",
        "db/9_step.sql",
        "db/10_step.sql",
        "db/100_step.sql",
    ]


def test_zero_padded_numbers_sort_like_their_values(write) -> None:
    folder = write({"db/0010_c.sql": "", "db/0002_b.sql": "", "db/0001_a.sql": ""})
    assert paths(folder, "db") == ["db/0001_a.sql", "db/0002_b.sql", "db/0010_c.sql"]


def test_flyway_versions_sort_naturally(write) -> None:
    folder = write({"sql/V10__ten.sql": "", "sql/V2__two.sql": "", "sql/V1__one.sql": ""})
    assert paths(folder, "sql") == ["sql/V1__one.sql", "sql/V2__two.sql", "sql/V10__ten.sql"]


def test_flyway_undo_migrations_are_skipped(write) -> None:
    folder = write({"sql/V1__init.sql": "", "sql/U1__init.sql": "", "sql/V2__more.sql": ""})
    assert paths(folder, "sql") == ["sql/V1__init.sql", "sql/V2__more.sql"]


def test_flyway_repeatable_migrations_run_after_versioned_ones(write) -> None:
    folder = write({"sql/R__views.sql": "", "sql/V1__init.sql": "", "sql/V2__more.sql": ""})
    assert paths(folder, "sql") == ["sql/V1__init.sql", "sql/V2__more.sql", "sql/R__views.sql"]


def test_timestamped_files_sort_in_time_order(write) -> None:
    folder = write({
        "m/20240105093000_add_orders.sql": "",
        "m/20231231235959_init.sql": "",
        "m/20240105090000_add_customers.sql": "",
    })  # fmt: skip
    assert paths(folder, "m") == [
        "m/20231231235959_init.sql",
        "m/20240105090000_add_customers.sql",
        "m/20240105093000_add_orders.sql",
    ]


def test_order_does_not_depend_on_the_filesystem_listing(write, monkeypatch) -> None:
    names = [f"db/{n:04d}_x.sql" for n in range(1, 13)]
    folder = write(dict.fromkeys(random.Random(7).sample(names, len(names)), ""))
    listing = list(Path.rglob(folder / "db", "*.sql"))
    for seed in range(3):
        shuffled = random.Random(seed).sample(listing, len(listing))
        monkeypatch.setattr(Path, "rglob", lambda self, pattern, s=shuffled: iter(s))
        assert paths(folder, "db") == names


def test_files_named_on_the_command_line_keep_their_order(write) -> None:
    folder = write({"b.sql": "", "a.sql": ""})
    assert paths(folder, "b.sql", "a.sql") == ["b.sql", "a.sql"]


def test_a_file_named_twice_is_read_once(write) -> None:
    folder = write({"db/1_a.sql": "", "db/2_b.sql": ""})
    assert paths(folder, "db/1_a.sql", "db") == ["db/1_a.sql", "db/2_b.sql"]


def test_only_sql_files_of_a_folder_are_read(write) -> None:
    folder = write({"db/1_a.sql": "", "db/README.md": "", "db/atlas.sum": "", "db/2_b.txt": ""})
    assert paths(folder, "db") == ["db/1_a.sql"]


# ----------------------------------------------------------------- migration layouts


def test_golang_migrate_reads_up_files_and_skips_down_files(write) -> None:
    folder = write({
        "migrations/1_init.up.sql": "CREATE TABLE a (id int);",
        "migrations/1_init.down.sql": "DROP TABLE a;",
        "migrations/2_more.up.sql": "CREATE TABLE b (id int);",
        "migrations/2_more.down.sql": "DROP TABLE b;",
    })  # fmt: skip
    assert paths(folder, "migrations") == ["migrations/1_init.up.sql", "migrations/2_more.up.sql"]


def test_diesel_reads_up_sql_and_skips_down_sql(write) -> None:
    folder = write({
        "migrations/2024-02-01-000000_add_b/up.sql": "CREATE TABLE b (id int);",
        "migrations/2024-02-01-000000_add_b/down.sql": "DROP TABLE b;",
        "migrations/2024-01-01-000000_create_a/down.sql": "DROP TABLE a;",
        "migrations/2024-01-01-000000_create_a/up.sql": "CREATE TABLE a (id int);",
        "migrations/00000000000000_diesel_initial_setup/up.sql": "",
        "migrations/00000000000000_diesel_initial_setup/down.sql": "",
    })  # fmt: skip
    assert paths(folder, "migrations") == [
        "migrations/00000000000000_diesel_initial_setup/up.sql",
        "migrations/2024-01-01-000000_create_a/up.sql",
        "migrations/2024-02-01-000000_add_b/up.sql",
    ]
    assert paths(folder, "migrations/*/*.sql") == paths(folder, "migrations")


def test_a_down_sql_without_an_up_sql_is_an_ordinary_file(write) -> None:
    folder = write({"db/down.sql": "CREATE TABLE d (id int);"})
    assert paths(folder, "db") == ["db/down.sql"]


def test_prisma_reads_each_migration_folder_in_order(write) -> None:
    folder = write({
        "prisma/migrations/20240110120000_add_orders/migration.sql": "",
        "prisma/migrations/20240101120000_init/migration.sql": "",
        "prisma/migrations/migration_lock.toml": 'provider = "postgresql"',
    })  # fmt: skip
    assert paths(folder, "prisma/migrations") == [
        "prisma/migrations/20240101120000_init/migration.sql",
        "prisma/migrations/20240110120000_add_orders/migration.sql",
    ]


def test_supabase_migrations_folder(write) -> None:
    folder = write({
        "supabase/migrations/20240201000000_profiles.sql": "",
        "supabase/migrations/20240115000000_init.sql": "",
        "supabase/config.toml": "",
    })  # fmt: skip
    assert paths(folder, "supabase/migrations") == [
        "supabase/migrations/20240115000000_init.sql",
        "supabase/migrations/20240201000000_profiles.sql",
    ]


def test_goose_reads_only_the_up_section(write) -> None:
    folder = write({
        "00001_init.sql": """
            -- +goose Up
            -- +goose StatementBegin
            CREATE TABLE a (id int);
            -- +goose StatementEnd

            -- +goose Down
            DROP TABLE a;
        """,
    })  # fmt: skip
    assert up_text(folder, "00001_init.sql") == (
        "-- +goose Up\n"
        "-- +goose StatementBegin\n"
        "CREATE TABLE a (id int);\n"
        "-- +goose StatementEnd\n"
        "\n"
        "\n"
        "\n"
    )


def test_dbmate_reads_only_the_up_section(write) -> None:
    folder = write({
        "20240101000000_init.sql": """
            -- migrate:up
            CREATE TABLE a (id int);

            -- migrate:down
            DROP TABLE a;
        """,
    })  # fmt: skip
    assert up_text(folder, "20240101000000_init.sql") == (
        "-- migrate:up\nCREATE TABLE a (id int);\n\n\n\n"
    )


def test_sql_migrate_reads_only_the_up_section(write) -> None:
    folder = write({
        "1_init.sql": """
            -- +migrate Up
            CREATE TABLE a (id int);
            -- +migrate Down
            DROP TABLE a;
        """,
    })  # fmt: skip
    assert up_text(folder, "1_init.sql") == "-- +migrate Up\nCREATE TABLE a (id int);\n\n\n"


def test_tern_reads_what_is_above_the_split_line(write) -> None:
    folder = write({
        "001_init.sql": """
            CREATE TABLE a (id int);
            ---- create above / drop below ----
            DROP TABLE a;
        """,
    })  # fmt: skip
    assert up_text(folder, "001_init.sql") == "CREATE TABLE a (id int);\n\n\n"


def test_up_markers_are_case_insensitive(write) -> None:
    folder = write({"1.sql": "-- +GOOSE UP\nCREATE TABLE a (id int);\n-- +GOOSE DOWN\nDROP a;\n"})
    assert up_text(folder, "1.sql") == "-- +GOOSE UP\nCREATE TABLE a (id int);\n\n\n"


def test_down_lines_are_blanked_so_locations_still_point_at_the_file(write) -> None:
    folder = write({
        "db/1_init.sql": """
            -- +goose Up
            CREATE TABLE a (id int);
            -- +goose Down
            DROP TABLE a;
            DROP TABLE b;
        """,
        "db/2_more.sql": """
            -- migrate:up
            CREATE TABLE b (id int);

            CREATE TABLE c (id int);
            -- migrate:down
            DROP TABLE c;
        """,
    })  # fmt: skip
    files = sources.collect(["db"], str(folder))
    for file in files:
        original = (folder / file.path).read_text()
        assert file.text.count("\n") == original.count("\n")
    schema = pipeline.load(["db"], cwd=str(folder)).schema
    assert [(t.name, str(t.location)) for t in schema.tables] == [
        ("a", "db/1_init.sql:2"),
        ("b", "db/2_more.sql:2"),
        ("c", "db/2_more.sql:4"),
    ]


def test_windows_line_endings_and_a_bom_are_read(write, tmp_path) -> None:
    (tmp_path / "win.sql").write_bytes(b"\xef\xbb\xbfCREATE TABLE a (id int);\r\nSELECT 1;\r\n")
    assert up_text(tmp_path, "win.sql") == "CREATE TABLE a (id int);\nSELECT 1;\n"


# ---------------------------------------------------------------------- globs, errors


def test_a_glob_is_expanded_and_sorted_naturally(write) -> None:
    folder = write({"m/10_c.sql": "", "m/2_b.sql": "", "m/1_a.sql": "", "m/notes.txt": ""})
    assert paths(folder, "m/*.sql") == ["m/1_a.sql", "m/2_b.sql", "m/10_c.sql"]


def test_a_glob_leaves_out_down_migrations(write) -> None:
    folder = write({"m/1_a.up.sql": "", "m/1_a.down.sql": ""})
    assert paths(folder, "m/*.sql") == ["m/1_a.up.sql"]


def test_a_recursive_glob(write) -> None:
    folder = write({"a/x/1_a.sql": "", "a/y/2_b.sql": "", "a/3_c.sql": ""})
    assert paths(folder, "a/**/*.sql") == ["a/3_c.sql", "a/x/1_a.sql", "a/y/2_b.sql"]


def test_a_missing_path_is_bad_input(write) -> None:
    folder = write({})
    with pytest.raises(SchemagenError, match=r"^nope\.sql: no such file or directory$"):
        sources.collect(["nope.sql"], str(folder))


def test_a_glob_matching_nothing_is_bad_input(write) -> None:
    folder = write({"m/readme.md": ""})
    with pytest.raises(SchemagenError, match=r"m/\*\.sql: no SQL files match this pattern"):
        sources.collect(["m/*.sql"], str(folder))


def test_a_file_that_is_not_utf8_is_bad_input(tmp_path) -> None:
    (tmp_path / "latin1.sql").write_bytes("COMMENT ON TABLE t IS 'caf\xe9';".encode("latin-1"))
    with pytest.raises(SchemagenError, match=r"latin1\.sql: not UTF-8 text"):
        sources.collect(["latin1.sql"], str(tmp_path))


def test_paths_outside_the_working_directory_are_shown_as_given(write, tmp_path) -> None:
    folder = write({"db/1_a.sql": ""})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert paths(elsewhere, str(folder / "db")) == [(folder / "db/1_a.sql").as_posix()]
