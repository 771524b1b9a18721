"""The README's test command is the one CI runs (.ci/run's TEST_CMD), word for word."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def ci_test_command() -> str:
    found = re.findall(r'^TEST_CMD="([^"]+)"$', (ROOT / ".ci" / "run").read_text(), re.M)
    assert len(found) == 1, f".ci/run sets TEST_CMD {len(found)} times"
    return found[0]


def test_the_readme_runs_the_tests_as_ci_does() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    runs = [line for line in first_block.splitlines() if "pytest" in line and "#" not in line]
    assert runs == [f"pip install -e '.[test]' && {ci_test_command()}"]
