"""`pipeline.generate` and `drift.check` run one sequence: what generate writes is exactly
what check rebuilds, and the model's warnings come before the plan's."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from codegen import drift, pipeline
from codegen.config import Config, Run
from codegen.errors import Diagnostic

SQL = """
CREATE TABLE parts (id serial PRIMARY KEY, price numeric(8,2) CHECK (price > 0));
GRANT SELECT ON parts TO someone;
CREATE TABLE events (id int, at timestamptz) PARTITION BY HASH (id);
CREATE TABLE events_0 PARTITION OF events FOR VALUES WITH (MODULUS 1, REMAINDER 0);
"""


def _run(tmp_path: Path) -> Run:
    (tmp_path / "schema.sql").write_text(SQL)
    config = Config(inputs=(str(tmp_path / "schema.sql"),))
    return Run(config, config.inputs, None, str(tmp_path / "out"), ())


def test_generate_writes_what_build_makes_and_check_agrees(tmp_path: Path) -> None:
    run = _run(tmp_path)
    heard: list[Sequence[Diagnostic]] = []
    made, result = pipeline.generate(run, warn=heard.append)
    on_disk = {p: (tmp_path / "out" / p).read_text() for p in made.package.files}
    assert on_disk == made.package.files
    assert sorted(result.written) == sorted(made.package.files)
    assert heard == [made.built.warnings, made.package.warnings]  # model first, then plan
    assert any("partition" in str(w) for w in made.package.warnings)
    assert pipeline.build(run).package.files == made.package.files
    assert drift.check(run).in_sync
