"""The generated package passes its users' linters: `ruff check` with ruff's default rules and
`mypy --strict`, so a tests folder that holds it needs no exclusions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codegen.writer import write
from tests.generate.genlib import SAMPLES, build_package

DIALECTS = {"mysql": "mysql", "sqlite": "sqlite"}


def _generate(sample: str, out: Path) -> Path:
    folder = SAMPLES / sample
    inputs = [folder / "schema.sql"] if (folder / "schema.sql").is_file() else [folder]
    package = build_package(inputs, DIALECTS.get(sample, "postgres"), seed=1)
    write(package, out / sample)
    return out / sample


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()))
def test_ruff_default_rules_find_nothing(sample: str, tmp_path: Path) -> None:
    _generate(sample, tmp_path)
    done = _run(["ruff", "check", "--isolated", "--output-format", "concise", sample], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


RUNTIMES = ["_runtime.py", "_rpcruntime.py", "_relruntime.py", "_sqlruntime.py", "_settings.py"]
TYPED = [*RUNTIMES, "schemas.py", "factories/__init__.py"]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate("ecommerce", tmp_path_factory.mktemp("lint"))


def test_mypy_strict_passes_on_the_runtimes_and_tables(shop: Path) -> None:
    files = [f"{shop.name}/{rel}" for rel in TYPED]
    done = _run(["mypy", "--strict", "--follow-imports=silent", *files], shop.parent)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()))
def test_mypy_strict_passes_on_the_whole_package(sample: str, tmp_path: Path) -> None:
    """Compiled functions annotated, rows typed (a TypedDict per table), factory
    declarations typed: users type-check their tests folder with the package inside."""
    _generate(sample, tmp_path)
    done = _run(["mypy", "--strict", "--no-incremental", sample], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


# SQL names that are the annotations' own names: a parameter must not hide its type
SHADOWING = """
CREATE TABLE "date" (
    id serial PRIMARY KEY,
    "date" date NOT NULL,
    "time" time,
    "Decimal" numeric(8,2),
    "UUID" uuid,
    "result" integer CHECK ("result" > 0),
    "Any" text DEFAULT 'x',
    "datetime" timestamptz DEFAULT now(),
    later date GENERATED ALWAYS AS ("date" + 1) STORED,
    total numeric GENERATED ALWAYS AS (COALESCE("Decimal", 0) * "result") STORED,
    CONSTRAINT "no good name!" CHECK ("time" IS NULL OR "Decimal" > 0)
);
CREATE FUNCTION next_day("date" date) RETURNS date LANGUAGE sql IMMUTABLE
    AS $$ SELECT "date" + 1 $$;
CREATE FUNCTION pick("result" integer) RETURNS TABLE("date" date, "Decimal" numeric)
    LANGUAGE sql AS $$ SELECT current_date, 1.0 $$;
"""


@pytest.mark.parametrize("case", ["safety", "shadowing"])
def test_mypy_strict_passes_with_hostile_names(case: str, tmp_path: Path) -> None:
    """Keywords, spaces, `__`, quotes, and the names of the annotations' own types."""
    schema = Path(__file__).parents[1] / "golden" / "safety" / "schema.sql"
    if case == "shadowing":
        schema = tmp_path / "schema.sql"
        schema.write_text(SHADOWING, encoding="utf-8")
    write(build_package([schema], "postgres", seed=1), tmp_path / case)
    for args in (["mypy", "--strict", "--no-incremental"], ["ruff", "check", "--isolated"]):
        done = _run([*args, case], tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
