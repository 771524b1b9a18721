"""Helpers for the foundation tests: write small SQL trees into tmp_path and load them."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from codegen import pipeline
from codegen.catalog import Built

Write = Callable[[dict[str, str]], Path]
Load = Callable[..., Built]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write `{relative path: SQL}` below tmp_path (dedented); returns tmp_path."""

    def write_files(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"))
        return tmp_path

    return write_files


@pytest.fixture
def load(tmp_path: Path) -> Load:
    """`load(sql, dialect=..., external={name: sql})`: the model of one schema.sql file."""

    def load_sql(
        sql: str,
        dialect: str = "postgres",
        external: dict[str, str] | None = None,
        paths: Sequence[str] = ("schema.sql",),
    ) -> Built:
        (tmp_path / "schema.sql").write_text(textwrap.dedent(sql).lstrip("\n"))
        for name, text in (external or {}).items():
            (tmp_path / name).write_text(textwrap.dedent(text).lstrip("\n"))
        return pipeline.load(list(paths), dialect, list(external or {}), cwd=str(tmp_path))

    return load_sql
