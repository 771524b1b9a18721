"""This interpreter's pre-commit, run with this interpreter's bin first on PATH.

A hook with `language: system` runs whatever `schemagen` PATH finds first: a pyenv shim
or another virtualenv ahead of this interpreter's bin would run another Python's schemagen
(another version, another checkout). The tests that run hooks use these.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
PRE_COMMIT = (sys.executable, "-m", "pre_commit")
INSTALLED = importlib.util.find_spec("pre_commit") is not None
# pre-commit is a test dependency: under CI its tests run (and fail) rather than skip
needs_pre_commit = pytest.mark.skipif(
    not INSTALLED and not os.environ.get("CI"), reason="pre-commit is not installed"
)


def environ(home: Path, base: Mapping[str, str] = os.environ) -> dict[str, str]:
    """`base` with this interpreter's bin first on PATH and pre-commit's store (the hook
    environments it installs) in `home`."""
    return {
        **base,
        "PATH": f"{BIN}{os.pathsep}{base.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(home),
    }
