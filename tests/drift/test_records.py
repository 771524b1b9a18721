"""`_model.json` records the model compactly and reads back into the same model."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from codegen import drift, pipeline, records
from codegen.model import Schema
from codegen.modeldiff import diff

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_MODELS = sorted((ROOT / "tests" / "golden" / "model").glob("*.json"))
CORPUS = [
    (path, dialect)
    for dialect in ("postgres", "mysql", "sqlite")
    for path in sorted((ROOT / "tests" / "corpus" / dialect).glob("*.sql"))
]


def recorded(data: dict) -> dict:
    """The model JSON `check` reads back from the `_model.json` of `data`."""
    return records.read(records.text({k: v for k, v in data.items() if k != "skipped"}))


@pytest.mark.parametrize("golden", GOLDEN_MODELS, ids=lambda p: p.stem)
def test_a_golden_model_reads_back_whole(golden: Path) -> None:
    data = json.loads(golden.read_text())
    data.pop("skipped", None)
    assert Schema.from_json(recorded(data)).to_json() == Schema.from_json(data).to_json()


@pytest.mark.parametrize("path,dialect", CORPUS, ids=lambda v: getattr(v, "name", v))
def test_a_corpus_model_reads_back_whole(path: Path, dialect: str) -> None:
    schema = pipeline.load([str(path)], dialect).schema
    data = {k: v for k, v in schema.to_json().items() if k != "skipped"}
    assert Schema.from_json(recorded(data)) == Schema.from_json(data)


def test_the_record_is_compact() -> None:
    """No column nulls, no type spelled twice, locations as file:line:col."""
    data = json.loads((ROOT / "tests" / "golden" / "model" / "ecommerce.json").read_text())
    text = records.text(data)
    tables = text.split('"tables"')[1].split('"enums"')[0]
    assert '"default": null' not in tables and '"collation": null' not in tables
    assert '"type": ' not in tables
    assert '"location": {' not in text
    assert len(text) < len(json.dumps(data, separators=(",", ":"))) * 0.8
    assert len(text) < len(json.dumps(data, indent=2)) * 0.5


def test_one_line_per_table() -> None:
    data = json.loads((ROOT / "tests" / "golden" / "model" / "ecommerce.json").read_text())
    lines = records.text(data).splitlines()
    for table in data["tables"]:
        assert sum(f'"name": {json.dumps(table["name"])}, "schema"' in x for x in lines) == 1


def test_locations_with_colons_in_the_file_name() -> None:
    loc = {"file": "C:/db/a:b.sql", "line": 3, "column": 7}
    assert records.expand(records.compact({"location": loc})) == {"location": loc}


def _moved(value: object, lines: int) -> object:
    """`value` with every location `lines` further down (what an edit above it does)."""
    if isinstance(value, dict):
        if set(value) == {"file", "line", "column"}:
            return {**value, "line": value["line"] + lines}
        return {k: _moved(v, lines) for k, v in value.items()}
    if isinstance(value, list):
        return [_moved(v, lines) for v in value]
    return value


def _edited(data: dict, seed: int) -> dict:
    """A few random schema edits of a model JSON, every location moved as well."""
    rng = random.Random(seed)
    out = _moved(data, rng.randint(0, 3))
    assert isinstance(out, dict)
    tables = out["tables"]
    for _ in range(rng.randint(0, 3)):
        if not tables:
            break
        table = rng.choice(tables)
        edit = rng.randrange(5)
        if edit == 0:
            tables.remove(table)
        elif edit == 1 and table["columns"]:
            column = rng.choice(table["columns"])
            column["nullable"] = not column["nullable"]
        elif edit == 2 and table["columns"]:
            table["columns"].remove(rng.choice(table["columns"]))
        elif edit == 3:
            table["comment"] = f"edited {seed}"
        else:
            name = f"{table['name']}_copy{seed}"  # a table is known by both fields
            tables.append({**table, "name": name, "table": name})
    return out


@pytest.mark.parametrize("path,dialect", CORPUS, ids=lambda v: getattr(v, "name", v))
def test_check_explains_from_the_changed_tables_what_the_whole_models_say(
    path: Path, dialect: str
) -> None:
    """`check` decodes only the tables whose record differs beyond locations: the same
    changes as diffing the two whole recorded models."""
    schema = pipeline.load([str(path)], dialect).schema
    data = {k: v for k, v in schema.to_json().items() if k != "skipped"}
    for seed in range(6):
        before, after = records.text(data), records.text(_edited(data, seed))
        whole = diff(Schema.from_json(records.read(before)), Schema.from_json(records.read(after)))
        assert drift._explained(before, after, schema) == whole
        assert drift._explained(after, before, schema) == diff(
            Schema.from_json(records.read(after)), Schema.from_json(records.read(before))
        )
