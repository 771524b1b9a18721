"""Golden packages: `pytest tests/golden --update-goldens` (or SCHEMAGEN_UPDATE_GOLDENS=1)
rewrites the expected files instead of comparing them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", default=False,
        help="rewrite tests/golden/<case>/expected from the current generator",
    )  # fmt: skip


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    try:
        flag = bool(request.config.getoption("--update-goldens"))
    except ValueError:  # this conftest was not an initial one: the option is unknown
        flag = False
    return flag or os.environ.get("SCHEMAGEN_UPDATE_GOLDENS") == "1"
