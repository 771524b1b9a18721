"""Each folder here is a case: `case.toml` (inputs relative to the repo root, or SQL files in
the folder itself, plus dialect and seed) and `expected/`, the package schemagen generates.

Adding a case is adding a folder. Review golden diffs like code.
"""

from __future__ import annotations

import json
import os
import shutil
import tomllib
from pathlib import Path

import black
import pytest
from genlib import REPO, build_package

from codegen.render import LINE_LENGTH

HERE = Path(__file__).resolve().parent
CASES = sorted(p.name for p in HERE.iterdir() if (p / "case.toml").is_file())
NOT_COMPARED = {"_sqlruntime.py"}  # a verbatim copy of codegen/sqlexpr/runtime.py


def _generate(case: str) -> dict[str, str]:
    folder = HERE / case
    spec = tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))
    inputs = spec.get("inputs") or sorted(
        p.relative_to(REPO).as_posix() for p in folder.glob("*.sql")
    )
    missing = [i for i in inputs if not (REPO / i).exists()]
    if missing or not inputs:
        pytest.skip(f"{case}: inputs not there yet: {missing or 'none'}")
    cwd = os.getcwd()
    os.chdir(REPO)  # inputs are shown relative to the repo root in headers
    try:
        package = build_package(inputs, spec.get("dialect", "postgres"), seed=spec.get("seed", 0))
    finally:
        os.chdir(cwd)
    files = {p: t for p, t in package.files.items() if p not in NOT_COMPARED}
    manifest = json.loads(files["_manifest.json"])
    manifest["files"]["_sqlruntime.py"] = "<sha256 of codegen/sqlexpr/runtime.py: not compared>"
    files["_manifest.json"] = json.dumps(manifest, indent=2) + "\n"
    return files


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, update_goldens: bool) -> None:
    files = _generate(case)
    expected = HERE / case / "expected"
    if update_goldens:
        shutil.rmtree(expected, ignore_errors=True)
        for rel, text in files.items():
            (expected / rel).parent.mkdir(parents=True, exist_ok=True)
            (expected / rel).write_text(text, encoding="utf-8")
        return
    have = {p.relative_to(expected).as_posix() for p in expected.rglob("*") if p.is_file()}
    assert have == set(files), "files differ; rerun with SCHEMAGEN_UPDATE_GOLDENS=1 and review"
    for rel, text in files.items():
        assert (expected / rel).read_text(
            encoding="utf-8"
        ) == text, (
            f"{case}/{rel} differs; rerun with SCHEMAGEN_UPDATE_GOLDENS=1 and review the diff"
        )


@pytest.mark.parametrize("case", CASES)
def test_golden_files_are_black_stable(case: str) -> None:
    """Blocks are formatted one by one (and data literals laid out by hand): the joined
    file must still be exactly what black makes of it."""
    mode = black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion.PY311})
    for rel, text in _generate(case).items():
        if rel.endswith(".py"):
            assert black.format_str(text, mode=mode) == text, rel
