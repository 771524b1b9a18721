"""`_lazy.load_module`: a generated package's modules load with the cyclic collector paused,
and leave it as the caller had it, raising or not."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from codegen.runtimes._lazy import load_module


@pytest.fixture
def package(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "lazyprobe"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "probe.py").write_text("import gc\n\nENABLED = gc.isenabled()\n")
    (root / "broken.py").write_text("import gc\n\nENABLED = gc.isenabled()\nraise ValueError(1)\n")
    sys.path.insert(0, str(tmp_path))
    try:
        yield "lazyprobe"
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.split(".")[0] == "lazyprobe"]:
            del sys.modules[name]


def test_a_module_loads_with_the_collector_paused_then_resumed(package: str) -> None:
    assert gc.isenabled()
    assert load_module(".probe", package).ENABLED is False
    assert gc.isenabled()


def test_a_failing_import_resumes_the_collector(package: str) -> None:
    with pytest.raises(ValueError):
        load_module(".broken", package)
    assert gc.isenabled()


def test_a_collector_the_caller_paused_stays_paused(package: str) -> None:
    gc.disable()
    try:
        assert load_module(".probe", package).ENABLED is False
        assert not gc.isenabled()
    finally:
        gc.enable()
