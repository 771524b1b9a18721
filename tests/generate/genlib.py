"""Helpers shared by tests/generate and tests/golden: build a generated package."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

from codegen import pipeline
from codegen.config import Config
from codegen.generate import Package, generate
from codegen.render import Formatter

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_schemas"
_counter = itertools.count()


def build_package(
    paths: Sequence[str | Path],
    dialect: str = "postgres",
    formatter: Formatter | None = None,
    **config: object,
) -> Package:
    inputs = [str(p) for p in paths]
    built = pipeline.load(inputs, dialect)
    cfg = Config(inputs=tuple(inputs), dialect=dialect, **config)  # type: ignore[arg-type]
    return generate(built.schema, cfg, built.sources_digest, formatter)
