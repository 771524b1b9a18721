"""Golden JSON models: `schemagen inspect --format json` of each sample, kept in
tests/golden/model/<sample>.json and reviewed like code.

Regenerate after an intended change with `SCHEMAGEN_UPDATE_GOLDENS=1 pytest
tests/foundation/test_golden_model.py`, then read the diff: every changed line is a change
in what schemagen understood from the sample.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from codegen.cli import main
from codegen.model import Schema

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "model"
UPDATE = os.environ.get("SCHEMAGEN_UPDATE_GOLDENS") == "1"

SAMPLES = {
    "ecommerce": ("sample_schemas/ecommerce/schema.sql", "postgres"),
    "ecommerce_migrations": ("sample_schemas/ecommerce_migrations", "postgres"),
    "sqlite": ("sample_schemas/sqlite/schema.sql", "sqlite"),
    "mysql": ("sample_schemas/mysql/schema.sql", "mysql"),
    "rental": ("sample_schemas/rental/schema.sql", "postgres"),
}


def inspect_json(path: str, dialect: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(ROOT)  # file names in the model are relative to the working directory
    result = CliRunner().invoke(main, ["inspect", path, "--dialect", dialect, "--format", "json"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("sample", SAMPLES)
def test_model_matches_golden_json(sample: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path, dialect = SAMPLES[sample]
    actual = inspect_json(path, dialect, monkeypatch)
    golden = GOLDEN / f"{sample}.json"
    if UPDATE:
        golden.write_text(actual)
    assert golden.exists(), f"missing {golden.name}: run with SCHEMAGEN_UPDATE_GOLDENS=1"
    assert actual == golden.read_text(), (
        f"{golden.relative_to(ROOT)} differs; review, then SCHEMAGEN_UPDATE_GOLDENS=1"
    )


@pytest.mark.parametrize("sample", SAMPLES)
def test_golden_json_reads_back_into_the_same_json(sample: str) -> None:
    """The JSON contract is closed: what `inspect` writes, `Schema.from_json` reads whole."""
    data = json.loads((GOLDEN / f"{sample}.json").read_text())
    assert Schema.from_json(data).to_json() == data


def test_every_golden_has_a_sample() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(SAMPLES)
