"""`schemagen check`: exit codes, and an explanation in schema terms for each kind of drift."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import codegen.context
from codegen import cli

ROOT = Path(__file__).resolve().parents[2]
BASE = """\
CREATE TYPE order_status AS ENUM ('pending', 'paid');
CREATE TABLE customers (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    phone text
);
CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers,
    price numeric(10,2) NOT NULL CHECK (price >= 0),
    quantity integer NOT NULL DEFAULT 1,
    status order_status NOT NULL DEFAULT 'pending',
    total numeric GENERATED ALWAYS AS (price * quantity) STORED
);
CREATE TABLE notes (id serial PRIMARY KEY, body text);
CREATE FUNCTION calculate_total(price numeric, quantity integer) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$ SELECT price * quantity $$;
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a migrations folder and its freshly generated package in `fakes/`."""
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_init.sql").write_text(BASE)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli.main, ["generate", "migrations", "--out", "fakes"])
    assert result.exit_code == 0, result.output
    return tmp_path


def check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.main, ["check", "migrations", "--out", "fakes", *args])
    return result.exit_code, result.output


def migrate(project: Path, sql: str, name: str = "0002_change.sql") -> None:
    (project / "migrations" / name).write_text(textwrap.dedent(sql))


def test_in_sync_exits_0(project: Path) -> None:
    code, output = check()
    assert code == 0
    assert "fakes: up to date with migrations" in output


def test_in_sync_is_decided_without_parsing_sql(project: Path, monkeypatch) -> None:
    def no_parsing(*args, **kwargs):
        raise AssertionError("the fast path must not parse SQL")

    monkeypatch.setattr("codegen.pipeline.load", no_parsing)
    assert check()[0] == 0


@pytest.mark.parametrize(
    ("sql", "explanation"),
    [
        ("ALTER TABLE orders ADD COLUMN coupon text;",
         "orders: column coupon added (migrations/0002_change.sql:1)"),
        ("ALTER TABLE customers DROP COLUMN phone;", "customers: column phone dropped"),
        ("ALTER TABLE customers RENAME COLUMN phone TO mobile;",
         "customers: column phone renamed to mobile (migrations/0002_change.sql:1)"),
        ("ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;",
         "orders.quantity: type changed from integer to bigint (migrations/0002_change.sql:1)"),
        ("ALTER TABLE customers ALTER COLUMN phone SET NOT NULL;",
         "customers.phone: now NOT NULL (migrations/0002_change.sql:1)"),
        ("ALTER TABLE orders ALTER COLUMN quantity SET DEFAULT 2;",
         "orders.quantity: default changed from 1 to 2 (migrations/0002_change.sql:1)"),
        ("ALTER TABLE orders ADD CONSTRAINT qty_positive CHECK (quantity > 0);",
         "orders: check (quantity > 0) added (migrations/0002_change.sql:1)"),
        ("ALTER TYPE order_status ADD VALUE 'refunded';",
         "enum order_status: value 'refunded' added (migrations/0002_change.sql:1)"),
        ("DROP FUNCTION calculate_total;\n"
         "CREATE FUNCTION calculate_total(price numeric, quantity integer, tax numeric)"
         " RETURNS numeric LANGUAGE sql AS $$ SELECT price * quantity * (1 + tax) $$;",
         "function calculate_total: parameter tax added (migrations/0002_change.sql:2)"),
        ("CREATE TABLE coupons (code text PRIMARY KEY);",
         "coupons: table added (migrations/0002_change.sql:1)"),
        ("DROP TABLE notes;",
         "notes: table dropped (it was defined at migrations/0001_init.sql:15)"),
        ("ALTER TABLE orders DROP COLUMN total, ADD COLUMN total numeric "
         "GENERATED ALWAYS AS (price * quantity * 2) STORED;",
         "orders.total: generated expression changed from price * quantity to "
         "price * quantity * 2 (migrations/0002_change.sql:1)"),
    ],
)  # fmt: skip
def test_each_kind_of_change_is_explained(project: Path, sql: str, explanation: str) -> None:
    migrate(project, sql)
    code, output = check()
    assert code == 1
    assert explanation in output
    assert "Fix: schemagen generate migrations --out fakes" in output


def test_generated_expression_change_names_both_expressions(project: Path) -> None:
    text = BASE.replace("(price * quantity) STORED", "(price * quantity + 1) STORED")
    (project / "migrations" / "0001_init.sql").write_text(text)
    code, output = check()
    assert code == 1
    assert (
        "orders.total: generated expression changed from price * quantity "
        "to price * quantity + 1" in output
    )


def test_hand_edit_fails(project: Path) -> None:
    path = project / "fakes" / "factories" / "_part0.py"  # every table's factory: 3 tables
    path.write_text(path.read_text() + "\nEXTRA = 1\n")
    code, output = check()
    assert code == 1
    assert "factories/_part0.py: edited by hand since schemagen generated it" in output


def test_missing_generated_file_fails(project: Path) -> None:
    (project / "fakes" / "schemas.py").unlink()
    code, output = check()
    assert code == 1
    assert "schemas.py: missing" in output


def test_stale_file_of_a_dropped_table_fails(project: Path) -> None:
    """33 tables make two groups of factories, 32 one: dropping a table leaves the second
    group's module behind."""
    fillers = "".join(f"CREATE TABLE f{i} (id serial PRIMARY KEY);\n" for i in range(30))
    migrate(project, fillers, "0002_fillers.sql")
    result = CliRunner().invoke(cli.main, ["generate", "migrations", "--out", "fakes"])
    assert result.exit_code == 0, result.output
    stale = project / "fakes" / "factories" / "_part1.py"
    assert stale.is_file()
    migrate(project, "DROP TABLE notes;", "0003_drop.sql")
    code, output = check()
    assert code == 1 and stale.is_file()
    assert "factories/_part1.py: left over from something no longer in the schema" in output


def test_a_file_the_manifest_does_not_list_is_not_the_packages(project: Path) -> None:
    """Even with schemagen's header: --out owns only what its manifest lists."""
    look_alike = project / "fakes" / "factories" / "_part1.py"
    look_alike.write_text((project / "fakes" / "factories" / "_part0.py").read_text())
    assert check()[0] == 0 and check("--full")[0] == 0


def test_a_users_own_file_in_the_package_is_not_drift(project: Path) -> None:
    (project / "fakes" / "conftest.py").write_text("# mine\n")
    assert check()[0] == 0


def test_diff_flag_prints_a_unified_diff(project: Path) -> None:
    migrate(project, "ALTER TABLE orders ADD COLUMN coupon text;")
    code, output = check("--diff")
    assert code == 1
    assert "--- a/schemas.py" in output and "+++ b/schemas.py" in output
    assert '+            ("coupon", "text", True, None, None, None),' in output


def test_no_diff_is_computed_unless_printed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """difflib is superlinear on big files (57 s on a 5000-table schemas.py): `check`
    without --diff must not call it."""
    migrate(project, "ALTER TABLE orders ADD COLUMN coupon text;")

    def no_diff(*args: object, **kwargs: object) -> None:
        raise AssertionError("unified_diff computed without --diff")

    monkeypatch.setattr("codegen.drift.difflib.unified_diff", no_diff)
    code, output = check()
    assert code == 1 and "schemas.py: out of date" in output


def test_comment_only_change_passes_with_a_note(project: Path) -> None:
    migrate(project, "-- nothing but a comment\n")
    code, output = check()
    assert code == 0
    assert "run schemagen generate to refresh the recorded fingerprint" in output


def test_lines_added_above_every_table_are_no_drift(project: Path) -> None:
    # every statement moves down: locations change, the generated code does not
    init = project / "migrations" / "0001_init.sql"
    init.write_text("-- The first migration.\n-- Tables of the shop.\n\n" + init.read_text())
    code, output = check()
    assert code == 0, output
    assert "run schemagen generate to refresh the recorded fingerprint" in output


def test_version_only_change_is_reported_not_failed(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_init.sql").write_text(BASE)
    monkeypatch.chdir(tmp_path)
    with monkeypatch.context() as old:
        old.setattr(codegen.context, "__version__", "0.0.1")
        result = CliRunner().invoke(cli.main, ["generate", "migrations", "--out", "fakes"])
        assert result.exit_code == 0, result.output
    assert "schemagen 0.0.1" in (tmp_path / "fakes" / "schemas.py").read_text()
    code, output = check()
    assert code == 0
    assert "generated by schemagen 0.0.1" in output and "only the headers differ" in output
    code, output = check("--strict-version")
    assert code == 1
    assert "schemas.py: out of date" in output
    code, output = check("--full")  # every byte compared, the manifest's too
    assert code == 0 and "only the headers differ" in output
    assert check("--full", "--strict-version")[0] == 1


def test_missing_output_directory_exits_2(project: Path) -> None:
    result = CliRunner().invoke(cli.main, ["check", "migrations", "--out", "nowhere"])
    assert result.exit_code == 2
    assert "nowhere: output directory does not exist" in result.output
    assert "(run schemagen generate first)" in result.output


def test_bad_sql_exits_2_with_location(project: Path) -> None:
    migrate(project, "ALTER TABLE orders ADD COLUMN;\n")
    code, output = check()
    assert code == 2
    assert "migrations/0002_change.sql:1:" in output
    assert "Traceback" not in output


def test_bad_config_exits_2(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.schemagen]\ndialect = 'oracle'\n")
    code, output = check()
    assert code == 2
    assert "dialect 'oracle' is not one of" in output


def test_check_reads_the_same_config_as_generate(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "schema.sql").write_text(BASE)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.schemagen]\ninputs = ["db"]\nout = "tests/fakes"\nseed = 7\n'
    )
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # config paths are relative to the pyproject
    runner = CliRunner()
    assert runner.invoke(cli.main, ["generate"]).exit_code == 0
    result = runner.invoke(cli.main, ["check"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli.main, ["check", "--seed", "8"])
    assert result.exit_code == 1
    assert "Fix: schemagen generate" in result.output


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".schemagen-cache" not in p.parts
    }


def test_output_does_not_depend_on_file_order_on_disk(tmp_path: Path) -> None:
    migrations = sorted((ROOT / "sample_schemas" / "ecommerce_migrations").glob("*.sql"))
    trees = []
    for name, order in (("a", migrations), ("b", list(reversed(migrations)))):
        project = tmp_path / name
        (project / "migrations").mkdir(parents=True)
        for path in order:  # create the files in a different order: directory order differs
            shutil.copy(path, project / "migrations" / path.name)
        env = {**os.environ, "PYTHONHASHSEED": "1" if name == "a" else "2"}
        subprocess.run(
            [sys.executable, "-c", "from codegen.cli import main; main()",
             "generate", "migrations", "--out", "fakes"],
            cwd=project, env=env, check=True, capture_output=True,
        )  # fmt: skip
        trees.append(_tree(project / "fakes"))
    assert trees[0] == trees[1]


# kills during generate: tests/drift/test_integrity.py (at each step and at random)


@pytest.mark.parametrize("change", [None, "ALTER TABLE orders ADD COLUMN coupon text;", "bad"])
def test_real_subprocess_exit_codes(project: Path, change: str | None) -> None:
    expected = 0
    if change == "bad":
        migrate(project, "CREATE TABLE (;\n")
        expected = 2
    elif change:
        migrate(project, change)
        expected = 1
    done = subprocess.run(
        [sys.executable, "-c", "from codegen.cli import main; main()",
         "check", "migrations", "--out", "fakes"],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == expected, done.stderr
    assert "Traceback" not in done.stderr
