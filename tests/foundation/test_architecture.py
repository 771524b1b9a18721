"""docs/architecture.md matches the code: every module of codegen/ is named there once, and
no module of a stage imports a module of a later stage (data flows one way)."""

from __future__ import annotations

import re

from tests.foundation.test_import_graph import ROOT, import_graph

DOC = ROOT / "docs" / "architecture.md"


def _unit(module: str) -> str:
    """`codegen.plan.unique` -> `plan`; `codegen` -> `codegen`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _tables() -> tuple[list[tuple[str, set[str]]], set[str]]:
    """The stages in order (name, modules) and the modules beside them, from the doc."""
    stages: list[tuple[str, set[str]]] = []
    beside: set[str] = set()
    section = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:]
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 2 or set(cells[0]) <= set("-#"):
            continue
        if section == "The stages" and cells[0].isdigit():
            stages.append((cells[1], set(re.findall(r"`(\w+)`", cells[2]))))
        elif section == "Beside the stages" and cells[0] != "modules":
            beside |= set(re.findall(r"`(\w+)`", cells[0]))
    return stages, beside


def test_every_module_is_named_once() -> None:
    stages, beside = _tables()
    named = [m for _, modules in stages for m in modules] + sorted(beside)
    assert len(named) == len(set(named)), "a module is named twice"
    assert set(named) == {_unit(m) for m in import_graph()}


def test_no_stage_imports_a_later_stage() -> None:
    stages, _ = _tables()
    stage_of = {m: i for i, (_, modules) in enumerate(stages) for m in modules}
    backwards = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if _unit(module) in stage_of
        and _unit(target) in stage_of
        and stage_of[_unit(target)] > stage_of[_unit(module)]
    )
    assert backwards == []


def test_the_doc_is_read() -> None:
    """The parser above finds the tables (so the two tests compare something)."""
    stages, beside = _tables()
    assert [name for name, _ in stages][:3] == ["sources", "parse", "catalog"]
    assert {"model", "dialect", "config"} <= beside
