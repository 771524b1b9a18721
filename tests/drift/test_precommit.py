"""The pre-commit hooks, for real: a temporary git repo's .pre-commit-config.yaml pins a
commit of this checkout, and pre-commit installs the hooks from it, as a user's would."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import precommit

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = "CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL UNIQUE);\n"


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)


@pytest.fixture(scope="module")
def this_checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed copy of the working tree: try-repo installs the repo at a commit."""
    copy = tmp_path_factory.mktemp("schemagen-checkout")
    files = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard").stdout.split()
    for rel in files:
        if (ROOT / rel).is_file():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, copy / rel)
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "x")
    return copy


@precommit.needs_pre_commit
def test_hook_passes_then_fails_after_a_migration(tmp_path: Path, this_checkout: Path) -> None:
    """What `pre-commit try-repo` does, with one store for both runs: try-repo installs
    the hook's environment (pip installs this checkout, the slow part) again at every call."""
    repo = tmp_path / "app"
    (repo / "db" / "migrations").mkdir(parents=True)
    (repo / "db" / "migrations" / "0001_init.sql").write_text(SCHEMA)
    (repo / "pyproject.toml").write_text(
        '[tool.schemagen]\ninputs = ["db/migrations"]\nout = "tests/fakes"\n'
    )
    commit = git(this_checkout, "rev-parse", "HEAD").stdout.strip()
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {json.dumps(str(this_checkout))}\n    rev: {commit}\n"
        "    hooks:\n      - id: schemagen-check\n"
    )
    env = {**precommit.environ(tmp_path / "cache"), "SKIP": ""}
    git(repo, "init", "-q")
    subprocess.run(["schemagen", "generate"], cwd=repo, env=env, check=True, capture_output=True)
    git(repo, "add", "-A")

    def hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*precommit.PRE_COMMIT, "run", "schemagen-check", "--all-files"],
            cwd=repo, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip

    passing = hook()
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout

    (repo / "db" / "migrations" / "0002_phone.sql").write_text(
        "ALTER TABLE customers ADD COLUMN phone text;\n"
    )
    git(repo, "add", "-A")
    failing = hook()
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "customers: column phone added (db/migrations/0002_phone.sql:1)" in failing.stdout
    assert "Fix: schemagen generate" in failing.stdout
