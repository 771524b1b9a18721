"""Fixtures for the generate tests: build a package from SQL text or paths and import it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.generate.genlib import package_maker


@pytest.fixture
def make_package(tmp_path: Path) -> Iterator[Callable[..., ModuleType]]:
    """make_package(sql=... | paths=[...], dialect=..., **config) -> the imported package."""
    yield from package_maker(tmp_path)
