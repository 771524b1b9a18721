"""The schema-terms explanation of `check`, on models built from small SQL inputs."""

from __future__ import annotations

from pathlib import Path

from codegen import modeldiff, pipeline


def _model(tmp_path: Path, name: str, sql: str):
    path = tmp_path / f"{name}.sql"
    path.write_text(sql)
    return pipeline.load([str(path)]).schema


def test_overloads_are_told_apart_by_signature(tmp_path: Path) -> None:
    base = "CREATE FUNCTION f(a int) RETURNS int RETURN a;\n"
    old = _model(tmp_path, "old", base)
    new = _model(tmp_path, "new", base + "CREATE FUNCTION f(a text) RETURNS text RETURN a;\n")
    assert [c.subject + ": " + c.what for c in modeldiff.diff(old, new)] == [
        "function f(text): function added"
    ]


def test_a_single_function_is_known_by_name(tmp_path: Path) -> None:
    old = _model(tmp_path, "old", "CREATE FUNCTION f(a int) RETURNS int RETURN a;\n")
    new = _model(tmp_path, "new", "CREATE FUNCTION f(a int, b int) RETURNS int RETURN a + b;\n")
    assert [c.subject + ": " + c.what for c in modeldiff.diff(old, new)] == [
        "function f: parameter b added",
        "function f: body changed",
    ]
