"""[tool.schemagen.overrides] checked against the schema at generate: exit 2, located."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from codegen import cli

SCHEMA = """\
CREATE TYPE tier AS ENUM ('free', 'gold');
CREATE TABLE customers (
    id serial PRIMARY KEY,
    email varchar(20) NOT NULL,
    level tier NOT NULL DEFAULT 'free',
    age integer CHECK (age >= 18),
    total integer GENERATED ALWAYS AS (age * 2) STORED
);
"""


def _project(tmp_path: Path, overrides: str) -> Path:
    (tmp_path / "schema.sql").write_text(SCHEMA)
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [project]
            name = "app"

            [tool.schemagen]
            inputs = ["schema.sql"]
            out = "fakes"

            """
        )
        + textwrap.dedent(overrides)
    )
    return tmp_path


CASES = [
    (
        '[tool.schemagen.overrides.custmers]\nemail = "a@b.c"\n',
        8,
        "[tool.schemagen.overrides.custmers]: no table 'custmers' in the schema"
        " (did you mean 'customers'?)",
    ),
    (
        '[tool.schemagen.overrides.customers]\nemial = { provider = "email" }\n',
        9,
        "[tool.schemagen.overrides.customers]: table customers has no column 'emial'"
        " (did you mean 'email'?)",
    ),
    (
        '[tool.schemagen.overrides.customers]\nlevel = "platinum"\n',
        9,
        "customers.level = 'platinum': invalid input value for enum tier: \"platinum\" (22P02)",
    ),
    (
        '[tool.schemagen.overrides.customers]\nemail = "' + "x" * 30 + '"\n',
        9,
        "customers.email = '" + "x" * 30 + "': value too long for type character varying(20)"
        " (22001)",
    ),
    (
        "[tool.schemagen.overrides.customers]\nage = 12\n",
        9,
        "customers.age = 12: violates CHECK customers_age_check (age >= 18)",
    ),
    (
        "[tool.schemagen.overrides.customers]\nlevel = { value = 3 }\n",
        9,
        "customers.level = 3: column is of type tier but expression is of type integer (42804)",
    ),
    (
        "[tool.schemagen.overrides.customers]\ntotal = 4\n",
        9,
        "customers.total is a generated column",
    ),
]


@pytest.mark.parametrize(("overrides", "line", "message"), CASES)
def test_a_bad_override_is_exit_2_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, overrides: str, line: int, message: str
) -> None:
    monkeypatch.chdir(_project(tmp_path, overrides))
    result = CliRunner().invoke(cli.main, ["generate"])
    assert result.exit_code == 2, result.output
    assert f"pyproject.toml:{line}:1: " in result.output
    assert message in result.output


def test_good_overrides_generate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(
        _project(
            tmp_path,
            '[tool.schemagen.overrides.customers]\nlevel = "gold"\nage = 40\n'
            'email = { provider = "email" }\n',
        )
    )
    result = CliRunner().invoke(cli.main, ["generate"])
    assert result.exit_code == 0, result.output


def test_changing_one_override_changes_the_headers_of_the_files_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = SCHEMA + "CREATE TABLE notes (id serial PRIMARY KEY, body text);\n"
    project = _project(tmp_path, '[tool.schemagen.overrides.customers]\nlevel = "gold"\n')
    (project / "schema.sql").write_text(schema)
    monkeypatch.chdir(project)
    assert CliRunner().invoke(cli.main, ["generate"]).exit_code == 0
    out = project / "fakes"
    before = {p.relative_to(out): p.read_text() for p in out.rglob("*.py")}
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"gold"', '"free"'))
    assert CliRunner().invoke(cli.main, ["generate"]).exit_code == 0
    after = {p.relative_to(out): p.read_text() for p in out.rglob("*.py")}
    changed = {str(p) for p in before if before[p] != after[p]}
    assert changed == {"factories/_part0.py"}  # the group holding customers (of 2 tables)
    body = {str(p) for p in before if before[p].split("\n", 2)[2] != after[p].split("\n", 2)[2]}
    assert body == changed  # the header changed only where the output did
