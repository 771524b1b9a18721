# ruff: noqa: E501  (expected messages are quoted whole, as the user sees them)
"""`schemagen inspect` end to end: output formats, options, bad-input messages, exit codes.

CliRunner for options and messages (the expected output inline, as the user sees it), and
one real subprocess of the installed console script for the exit codes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from codegen.cli import main

SMALL = """\
CREATE TYPE status AS ENUM ('new', 'paid');

CREATE TABLE customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE
);

CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers ON DELETE CASCADE,
    price numeric(10,2) NOT NULL CHECK (price >= 0),
    quantity int NOT NULL DEFAULT 1,
    total numeric(12,2) GENERATED ALWAYS AS (price * quantity) STORED,
    status status NOT NULL DEFAULT 'new'
);

GRANT SELECT ON orders TO reader;
"""


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`run(*args, files={name: sql})`: schemagen in tmp_path, as a user would call it."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, files: dict[str, str] | None = None) -> Result:
        for name, text in (files or {}).items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        return CliRunner().invoke(main, list(args))

    return invoke


def assert_bad_input(result: Result, expected: str) -> None:
    """Exit code 2, the located message on stderr (exactly), nothing on stdout."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == textwrap.dedent(expected)
    assert "Traceback" not in result.output


# ------------------------------------------------------------------------- outputs


def test_table_format(run) -> None:
    result = run("inspect", "schema.sql", files={"schema.sql": SMALL})
    assert result.exit_code == 0, result.output
    assert result.stdout == textwrap.dedent("""\
        dialect: postgres

        customers  (schema.sql:3)
          id     bigint  NOT NULL  PK  IDENTITY always
          email  text    NOT NULL
          PRIMARY KEY (id)
          UNIQUE (email)

        orders  (schema.sql:8)
          id           integer        NOT NULL  PK  IDENTITY serial
          customer_id  bigint         NOT NULL
          price        numeric(10,2)  NOT NULL
          quantity     integer        NOT NULL  DEFAULT 1
          total        numeric(12,2)  NULL  GENERATED (price * quantity) STORED
          status       status         NOT NULL  DEFAULT 'new'
          PRIMARY KEY (id)
          FOREIGN KEY (customer_id) -> customers(id) ON DELETE CASCADE
          CHECK (price >= 0)

        enums:
          status: new, paid

        skipped: 1 statement(s) with no schema (--verbose lists them)
    """)


def test_verbose_lists_every_skipped_statement(run) -> None:
    result = run("inspect", "schema.sql", "--verbose", files={"schema.sql": SMALL})
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        "skipped (1):\n  schema.sql:17: GRANT/REVOKE: GRANT SELECT ON orders TO reader\n"
    )


def test_json_format_follows_the_contract(run) -> None:
    result = run("inspect", "schema.sql", "--format", "json", files={"schema.sql": SMALL})
    assert result.exit_code == 0, result.output
    model = json.loads(result.stdout)
    assert list(model)[:6] == ["dialect", "tables", "enums", "domains", "functions", "views"]
    assert "skipped" in model
    orders = model["tables"][1]
    assert {k: orders[k] for k in ("name", "primary_key", "unique", "checks")} == {
        "name": "orders",
        "primary_key": ["id"],
        "unique": [],
        "checks": ["price >= 0"],
    }
    total = orders["columns"][4]
    contract = ("name", "type", "nullable", "default", "generated", "identity")
    assert {k: total[k] for k in contract} == {
        "name": "total",
        "type": "numeric(12,2)",
        "nullable": True,
        "default": None,
        "generated": {"sql": "price * quantity", "stored": True},
        "identity": None,
    }
    (fk,) = orders["foreign_keys"]
    assert {k: fk[k] for k in ("columns", "ref_table", "ref_columns", "on_delete")} == {
        "columns": ["customer_id"],
        "ref_table": "customers",
        "ref_columns": ["id"],
        "on_delete": "CASCADE",
    }
    assert model["skipped"] == [
        {"file": "schema.sql", "line": 17, "sql": "GRANT SELECT ON orders TO reader",
         "reason": "GRANT/REVOKE"}
    ]  # fmt: skip


def test_a_table_outside_the_default_schema_is_named_with_its_schema(run) -> None:
    result = run(
        "inspect", "s.sql", "--format", "json",
        files={"s.sql": "CREATE TABLE public.a (x int); CREATE TABLE billing.b (x int);"},
    )  # fmt: skip
    assert [t["name"] for t in json.loads(result.stdout)["tables"]] == ["a", "billing.b"]


def test_dialect_sqlite(run) -> None:
    result = run(
        "inspect", "s.sql", "--dialect", "sqlite",
        files={"s.sql": "CREATE TABLE main.t (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == textwrap.dedent("""\
        dialect: sqlite

        t  (s.sql:1)
          id    integer  NULL  PK  IDENTITY rowid
          name  text     NOT NULL
          PRIMARY KEY (id)
    """)


def test_dialect_mysql(run) -> None:
    result = run(
        "inspect", "m.sql", "--dialect", "mysql",
        files={"m.sql": """\
            CREATE TABLE `t` (
              `id` int unsigned NOT NULL AUTO_INCREMENT,
              `kind` enum('a','b') NOT NULL DEFAULT 'a',
              PRIMARY KEY (`id`)
            ) ENGINE=InnoDB;
        """},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == textwrap.dedent("""\
        dialect: mysql

        t  (m.sql:1)
          id    int unsigned   NOT NULL  PK  IDENTITY auto_increment
          kind  enum('a','b')  NOT NULL  DEFAULT 'a'
          PRIMARY KEY (id)

        enums:
          t.kind: a, b
    """)


def test_a_migrations_folder(run) -> None:
    result = run(
        "inspect", "migrations",
        files={
            "migrations/2_more.sql": "ALTER TABLE t ADD COLUMN b text;",
            "migrations/1_init.sql": "CREATE TABLE t (a int);",
        },
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "  a  integer  NULL\n  b  text     NULL\n" in result.stdout


def test_warnings_go_to_stderr(run) -> None:
    result = run("inspect", "s.sql", files={"s.sql": "CREATE TABLE t (u uuid REFERENCES users);"})
    assert result.exit_code == 0
    assert result.stderr == (
        'warning: s.sql:1:24: table "users" is referenced but not defined by any input; kept as'
        " an external table (declare it with --external FILE or [tool.schemagen] external)\n"
    )
    assert "FOREIGN KEY (u) -> users() ON DELETE NO ACTION [external]" in result.stdout


def test_external_stub_file(run) -> None:
    result = run(
        "inspect", "s.sql", "--external", "stub.sql",
        files={
            "s.sql": "CREATE TABLE t (u uuid REFERENCES users);",
            "stub.sql": "CREATE TABLE users (id uuid PRIMARY KEY);",
        },
    )  # fmt: skip
    assert (result.exit_code, result.stderr) == (0, "")
    assert "FOREIGN KEY (u) -> users(id) ON DELETE NO ACTION [external]" in result.stdout
    assert "users  (stub.sql:1; external)" in result.stdout


# ----------------------------------------------------------------------- bad input


def test_unparsable_sql(run) -> None:
    result = run("inspect", "bad.sql", files={"bad.sql": """\
        CREATE TABLE a (id int PRIMARY KEY);

        CREATE TABLE b (x int,, y int);
    """})  # fmt: skip
    assert_bad_input(
        result,
        """\
        error: bad.sql:3:23: cannot parse SQL: syntax error at or near "," (expected a valid PostgreSQL statement)
            CREATE TABLE b (x int,, y int);
    """,
    )


def test_sql_that_ends_mid_statement(run) -> None:
    # PostgreSQL reports no position for "at end of input": it is the end of the file
    result = run("inspect", "cut.sql", files={"cut.sql": """\
        CREATE TABLE a (id int PRIMARY KEY);
        CREATE TABLE b (x int"""})  # fmt: skip
    assert_bad_input(
        result,
        """\
        error: cut.sql:2:22: cannot parse SQL: syntax error at end of input (expected a valid PostgreSQL statement)
            CREATE TABLE b (x int
    """,
    )


def test_unparsable_sql_in_sqlite(run) -> None:
    result = run("inspect", "bad.sql", "--dialect", "sqlite", files={"bad.sql": """\
        CREATE TABLE a (id INTEGER PRIMARY KEY);

        CREATE TABLE b (x INTEGER, CHECK (x >));
    """})  # fmt: skip
    assert_bad_input(
        result,
        """\
        error: bad.sql:3:38: cannot parse SQL: Required keyword: 'expression' missing for <class 'sqlglot.expressions.core.GT'> (expected a valid sqlite statement)
            CREATE TABLE b (x INTEGER, CHECK (x >))
    """,
    )


def test_alter_of_a_missing_table(run) -> None:
    result = run("inspect", "m.sql", files={"m.sql": """\
        CREATE TABLE customers (id int);
        ALTER TABLE custmers ADD COLUMN email text;
    """})  # fmt: skip
    assert_bad_input(
        result,
        """\
        error: m.sql:2:1: table "custmers" does not exist (expected one of the tables defined before this statement: customers)
            ALTER TABLE custmers ADD COLUMN email text
    """,
    )


def test_foreign_key_column_count_mismatch(run) -> None:
    result = run("inspect", "fk.sql", files={"fk.sql": """\
        CREATE TABLE p (a int, b int, PRIMARY KEY (a, b));

        CREATE TABLE c (
            id int,
            p_a int REFERENCES p
        );
    """})  # fmt: skip
    assert_bad_input(
        result,
        """\
        error: fk.sql:5:13: foreign key on "c" has 1 column(s) but references 2 column(s) of "p" (expected the same number)
            p_a int REFERENCES p
    """,
    )


def test_unknown_column_in_primary_key(run) -> None:
    result = run("inspect", "pk.sql", files={"pk.sql": """\
        CREATE TABLE t (
          a int,
          PRIMARY KEY (a, nope)
        );
    """})  # fmt: skip
    assert_bad_input(
        result,
        """\
        error: pk.sql:3:3: column "nope" of table "t" does not exist (expected one of: a)
            PRIMARY KEY (a, nope)
    """,
    )


def test_unknown_column_in_an_alter(run) -> None:
    result = run("inspect", "a.sql", files={"a.sql": """\
        CREATE TABLE t (a int, b int);
        ALTER TABLE t ALTER COLUMN c SET NOT NULL;
    """})  # fmt: skip
    assert_bad_input(
        result,
        """\
        error: a.sql:2:1: column "c" of table "t" does not exist (expected one of: a, b)
            ALTER TABLE t ALTER COLUMN c SET NOT NULL
    """,
    )


def test_missing_file(run) -> None:
    assert_bad_input(run("inspect", "nope.sql"), "error: nope.sql: no such file or directory\n")


def test_no_paths_is_a_usage_error(run) -> None:
    result = run("inspect")
    assert result.exit_code == 2
    assert "Missing argument 'PATHS...'" in result.stderr


# --------------------------------------------------------------- real subprocess


def test_installed_console_script_exit_codes(tmp_path: Path) -> None:
    script = shutil.which("schemagen")
    command = [script] if script else [sys.executable, "-c", "from codegen.cli import main; main()"]
    (tmp_path / "ok.sql").write_text("CREATE TABLE t (id int PRIMARY KEY);\n")
    (tmp_path / "bad.sql").write_text("CREATE TABLE t (id int,, x int);\n")

    ok = subprocess.run([*command, "inspect", "ok.sql", "--format", "json"], cwd=tmp_path,
                        capture_output=True, text=True, timeout=60)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["tables"][0]["name"] == "t"

    bad = subprocess.run([*command, "inspect", "bad.sql"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: bad.sql:1:24: cannot parse SQL")
    assert "Traceback" not in bad.stderr and bad.stdout == ""


def test_sql_format(run) -> None:
    """The model as PostgreSQL DDL (that it loads into PostgreSQL with the same catalog is
    test_catalog_differential's); a SQLite or MySQL model has no DDL writer: exit 2."""
    result = run("inspect", "schema.sql", "--format", "sql", files={"schema.sql": SMALL})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("CREATE TYPE status AS ENUM ('new', 'paid');\n")
    assert "GRANT" not in result.stdout
    files = {"s.sql": "CREATE TABLE t (id integer);"}
    assert_bad_input(
        run("inspect", "s.sql", "--dialect", "sqlite", "--format", "sql", files=files),
        "error: --format sql writes PostgreSQL DDL; these inputs are read as sqlite\n",
    )
