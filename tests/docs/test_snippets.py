"""Every code snippet in docs/*.md and README.md runs as written (issue 14).

Each page gets a temporary project laid out as the page assumes: the bundled migrations in
`db/migrations`, the page's own `pyproject.toml` snippet (or a plain `[tool.schemagen]`),
the package generated at its `out`. Then its fenced blocks run in order:
- `python` with a path comment on its first line (`# tests/test_orders.py`), or holding
  `def test_...`: written to that path and run by a plain `pytest` (the plugin's fixtures
  on the session's PostgreSQL); the run must pass;
- other `python`: run statement by statement in one namespace per page
  (tests/docs/run_statements.py: stated outcomes in comments are checked);
- `bash`: every command, in the project (`pip install` and this repository's own test
  run are the only commands left out, listed in NOT_RUN_COMMANDS);
- `toml`: parsed; a `[tool.schemagen]` table becomes the project's pyproject.toml;
- `yaml`: parsed; a `.pre-commit-config.yaml` is validated, pinned `rev:`s must be tags of
  this repository, and its hooks run with pre-commit on the project and pass;
- `text`: output and shapes, not code.
A block preceded by `<!-- not-run: why -->` is left out and listed with its reason.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from codegen.server import Server
from tests import precommit

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs").glob("*.md")
PAGES = [*sorted(p.relative_to(ROOT).as_posix() for p in DOCS), "README.md"]
LANGUAGES = ("python", "bash", "toml", "yaml", "text")
MIGRATIONS = ROOT / "sample_schemas" / "ecommerce_migrations"
DEFAULT_PYPROJECT = """\
[tool.schemagen]
inputs = ["db/migrations"]
out = "{out}"

[tool.pytest.ini_options]
pythonpath = ["."]
"""
# Where the page's package lives when it has no pyproject.toml snippet of its own.
OUT = {"docs/database.md": "myapp/testing/db"}
# The user's own files a page refers to (its project's, not the snippets').
PROJECT_FILES = {
    "docs/walkthrough.md": {
        "db/auth_stub.sql": "CREATE TABLE storage.objects (id uuid PRIMARY KEY, name text);\n",
        "myapp/__init__.py": "",
        "myapp/testing.py": "import itertools\n\n_numbers = itertools.count(1)\n\n\n"
        "def make_phone():\n    return f'+1 555 {next(_numbers):04d}'\n",
    },
}
# Commands of bash blocks that are not run, and why (keep this short).
NOT_RUN_COMMANDS = {
    "pip install": "installs into the environment these tests already run in",
    "python -m pytest": "runs this repository's own test suite",
}
_FENCE = re.compile(r"^\s*```(\S*)\s*$")  # indented too (a block inside a list item)
_PATH = re.compile(r"^# ([\w./-]+\.(?:py|toml|ya?ml))\b")
_NOT_RUN = re.compile(r"^<!-- not-run: (.+?) -->$")
_PLACEHOLDER = re.compile(r"^<[^<>]+>$")


@dataclass(frozen=True)
class Block:
    page: str
    line: int  # of the opening fence
    lang: str
    text: str
    not_run: str | None  # the reason given in <!-- not-run: ... -->

    @property
    def path(self) -> str | None:
        match = _PATH.match(self.text)
        return match.group(1) if match else None

    def __str__(self) -> str:
        return f"{self.page}:{self.line}"


def blocks(page: str) -> list[Block]:
    lines = (ROOT / page).read_text(encoding="utf-8").split("\n")
    found: list[Block] = []
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        start = index
        index += 1
        while lines[index].strip() != "```":
            index += 1
        before = next((line for line in reversed(lines[:start]) if line.strip()), "")
        marked = _NOT_RUN.match(before.strip())
        reason = marked.group(1) if marked else None
        text = textwrap.dedent("\n".join(lines[start + 1 : index]) + "\n")
        found.append(Block(page, start + 1, match.group(1), text, reason))
        index += 1
    return found


ALL = [block for page in PAGES for block in blocks(page)]


def test_every_block_says_what_it_is() -> None:
    """An unlabelled block would be silently left out of the sweep."""
    unlabelled = [f"{b} ```{b.lang}" for b in ALL if b.lang not in LANGUAGES]
    assert not unlabelled, f"label these {LANGUAGES}: {unlabelled}"


def test_the_blocks_left_out_are_few_and_say_why() -> None:
    left_out = [f"{b}: {b.not_run}" for b in ALL if b.not_run]
    code = [b for b in ALL if b.lang != "text"]
    print(f"\n{len(code)} code blocks, {len(left_out)} not run:", *left_out, sep="\n  ")
    print("commands not run:", *(f"{k!r}: {v}" for k, v in NOT_RUN_COMMANDS.items()), sep="\n  ")
    assert len(left_out) <= 3


# ------------------------------------------------------------------------- the projects


class Project:
    """A page's temporary project and the commands that run its snippets there."""

    def __init__(self, page: str, root: Path, url: str) -> None:
        self.page = page
        self.root = root
        plain = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        self.env = precommit.environ(root.parent / "pre-commit-home", plain)
        self.env["SCHEMAGEN_DATABASE_URL"] = url
        self.statements: list[Block] = []
        self.skipped: list[str] = []

    def run(self, *argv: str, shell: bool = False) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv[0] if shell else argv, shell=shell, cwd=self.root, env=self.env,
            capture_output=True, text=True, timeout=600, check=False,
            executable="/bin/bash" if shell else None,
        )  # fmt: skip

    def write(self, path: str, text: str) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def pytest(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A plain `pytest` (its script does not put the working directory on sys.path,
        `python -m pytest` would): what users type."""
        code = "import sys, pytest; sys.exit(pytest.main())"
        return self.run(sys.executable, "-P", "-c", code, "-q", "-p", "no:cacheprovider", *args)


def _setup(page: str, root: Path, url: str) -> Project:
    project = Project(page, root, url)
    if page == "README.md":  # run from a checkout: the bundled samples are there
        shutil.copytree(ROOT / "sample_schemas", root / "sample_schemas")
        return project
    shutil.copytree(MIGRATIONS, root / "db" / "migrations")
    for path, text in PROJECT_FILES.get(page, {}).items():
        project.write(path, text)
    tomls = [b for b in blocks(page) if b.lang == "toml" and "[tool.schemagen]" in b.text]
    pyproject = (
        tomls[0].text if tomls else DEFAULT_PYPROJECT.format(out=OUT.get(page, "tests/dbfakes"))
    )
    project.write("pyproject.toml", pyproject)
    done = project.run("schemagen", "generate")
    assert done.returncode == 0, f"{page}: schemagen generate in its project:\n{done.stderr}"
    return project


# --------------------------------------------------------------------------- the blocks


def _python(project: Project, block: Block) -> None:
    path = block.path
    if path is None and "def test_" not in block.text:
        project.statements.append(block)
        return
    path = path or f"tests/test_snippet_{block.line}.py"
    project.write(path, block.text)
    is_test = Path(path).name.startswith("test_")
    done = project.pytest(path if is_test else ".")
    ok = (0,) if is_test else (0, 5)  # a conftest alone may find no tests yet
    assert done.returncode in ok, f"{block}: pytest {path}\n{done.stdout}\n{done.stderr}"


def _statements(project: Project) -> None:
    if not project.statements:
        return
    listing = [{"line": b.line, "text": b.text} for b in project.statements]
    (project.root.parent / "blocks.json").write_text(json.dumps(listing), encoding="utf-8")
    runner = Path(__file__).with_name("run_statements.py")
    done = project.run(sys.executable, str(runner), str(project.root.parent / "blocks.json"))
    assert done.returncode == 0, f"{project.page}: {done.stderr}{done.stdout}"


def commands(text: str) -> Iterator[str]:
    """The block's commands: continuation lines joined, comment lines dropped."""
    for line in text.replace("\\\n", " ").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield line


def _bash(project: Project, block: Block) -> None:
    for command in commands(block.text):
        parts = [p.strip() for p in command.split(" && ")]
        kept = [p for p in parts if not any(p.startswith(c) for c in NOT_RUN_COMMANDS)]
        project.skipped += [f"{block}: {p}" for p in parts if p not in kept]
        if not kept:
            continue
        done = project.run(" && ".join(kept), shell=True)
        assert done.returncode == 0, f"{block}: {command}\n{done.stdout}\n{done.stderr}"


def _toml(project: Project, block: Block) -> None:
    tomllib.loads(block.text)  # the project's own (written at setup) is this one, if any


def _yaml(project: Project, block: Block) -> None:
    config = yaml.safe_load(block.text)
    if block.path != ".pre-commit-config.yaml":
        return
    for repo in config["repos"]:
        rev = repo.get("rev")
        if rev is None:
            continue
        if _PLACEHOLDER.match(str(rev)):  # `rev: <a commit>`: the page must say what to write
            prose = (ROOT / block.page).read_text(encoding="utf-8").replace(block.text, "")
            assert rev in prose, f"{block}: the placeholder rev {rev!r} is not explained"
            continue
        tags = subprocess.run(["git", "tag", "-l", str(rev)], cwd=ROOT, capture_output=True,
                              text=True, check=False).stdout.split()  # fmt: skip
        assert rev in tags, f"{block}: rev {rev!r} is not a tag of schemagen's repository"
    project.write(".pre-commit-config.yaml", block.text)
    if not precommit.INSTALLED:
        assert not os.environ.get("CI"), "pre-commit (a test dependency) is not installed"
        project.skipped.append(f"{block}: pre-commit run (pre-commit is not installed)")
        return
    for argv in (["git", "init", "-q"], ["git", "add", "-A"]):
        project.run(*argv)
    checked = project.run(*precommit.PRE_COMMIT, "validate-config", ".pre-commit-config.yaml")
    assert checked.returncode == 0, f"{block}: {checked.stdout}{checked.stderr}"
    if any(repo["repo"] not in ("local", "meta") for repo in config["repos"]):
        return  # running them would fetch repositories from the network
    hooks = project.run(*precommit.PRE_COMMIT, "run", "--all-files")
    assert hooks.returncode == 0, f"{block}: the hooks fail:\n{hooks.stdout}{hooks.stderr}"


RUNNERS = {"python": _python, "bash": _bash, "toml": _toml, "yaml": _yaml}


@pytest.mark.parametrize("page", [p for p in PAGES if any(b.lang in RUNNERS for b in blocks(p))])
def test_the_snippets_of_a_page_run_as_written(
    page: str, tmp_path: Path, pg_server: Server
) -> None:
    project = _setup(page, tmp_path / "project", pg_server.dsn())
    for block in blocks(page):
        if block.not_run is None and block.lang in RUNNERS:
            RUNNERS[block.lang](project, block)
    _statements(project)
    assert len(project.skipped) <= 3, project.skipped
