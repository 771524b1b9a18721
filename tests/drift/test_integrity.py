"""Nothing can poison or half-write the generated package, and `check --full` proves it.

Each test replays one attack of issue 15 through the real CLI: a poisoned or foreign cache
entry, a hand edit with the matching manifest edit, a damaged manifest, a nested package or
look-alike user file under --out, a kill at each step and at random moments of a
regenerate, two generates at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from codegen import cachestore, cli, writer
from tests.drift.killchild import KILLABLE

BASE = """\
CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE orders (
    id serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers,
    price numeric(10,2) NOT NULL CHECK (price >= 0),
    quantity integer NOT NULL DEFAULT 1,
    total numeric GENERATED ALWAYS AS (price * quantity) STORED
);
CREATE TABLE notes (id serial PRIMARY KEY, body text);
"""
EXTRA = "CREATE TABLE extra_t (id serial PRIMARY KEY, label text NOT NULL);\n"
POISON = "__import__('os').system('touch PWNED')"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.main, list(args))
    return result.exit_code, result.output


def generate(out: str = "fakes") -> None:
    code, output = run("generate", "migrations", "--out", out)
    assert code == 0, output


def check(*args: str, out: str = "fakes") -> tuple[int, str]:
    return run("check", "migrations", "--out", out, *args)


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrations folder and its package in `fakes/`, generated with a warm cache of its
    own (a cache folder for this test alone)."""
    monkeypatch.setenv(cachestore.ENV, str(tmp_path / "user-cache"))
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_init.sql").write_text(BASE)
    monkeypatch.chdir(tmp_path)
    generate()
    return tmp_path


def cold_tree(project: Path, name: str = "cold") -> dict[str, bytes]:
    """What a run with no cache at all writes (another cache folder, another --out)."""
    env = os.environ[cachestore.ENV]
    os.environ[cachestore.ENV] = str(project / f"{name}-cache")
    try:
        generate(name)
    finally:
        os.environ[cachestore.ENV] = env
    return tree(project / name)


def edit_cache(out: str, name: str, change: Callable[[str], str | None]) -> int:
    """Rewrite each entry of one cache file with `change` (None: leave it), keeping the
    seal as it was: what someone with write access to the file can do without the key."""
    path = cachestore.cache_file(out, name)
    version, entries = cachestore.read_raw(path)
    edited = 0
    for i, (entry, seal, text) in enumerate(entries):
        new = change(text)
        if new is not None and new != text:
            entries[i], edited = (entry, seal, new), edited + 1
    cachestore.write_raw(path, version, entries)
    return edited


# ------------------------------------------------------------------ poisoned caches


def test_a_poisoned_formatted_block_is_a_miss_and_leaves_no_trace(project: Path) -> None:
    edited = edit_cache(
        "fakes", "black", lambda text: text + "\n" + POISON if "def " in text else None
    )
    assert edited > 0
    (project / "migrations" / "0002.sql").write_text(EXTRA)
    generate()
    assert not [rel for rel, data in tree(project / "fakes").items() if b"PWNED" in data]
    assert tree(project / "fakes") == cold_tree(project)
    assert check("--full")[0] == 0


def test_a_poisoned_parse_is_a_miss(project: Path) -> None:
    edited = edit_cache(
        "fakes", "statements", lambda text: text.replace('"quantity"', '"pwned_col"') or None
    )
    assert edited == 1
    generate()
    assert not [rel for rel, data in tree(project / "fakes").items() if b"pwned_col" in data]
    assert check("--full")[0] == 0


def test_entries_sealed_under_another_key_are_misses(project: Path) -> None:
    """A cache folder copied from another machine (or restored from a shared CI cache
    without this user's key), its entries re-sealed by whoever planted them."""
    key = os.urandom(32)
    path = cachestore.cache_file("fakes", "black")
    version, entries = cachestore.read_raw(path)
    resealed = 0
    for i, (entry, _, text) in enumerate(entries):
        if "def " in text:
            text = text + "\n" + POISON
            message = "\0".join(("black", version, entry, text)).encode()
            entries[i] = (entry, hmac.new(key, message, hashlib.sha256).hexdigest(), text)
            resealed += 1
    assert resealed > 0
    cachestore.write_raw(path, version, entries)
    generate()
    assert not [rel for rel, data in tree(project / "fakes").items() if b"PWNED" in data]
    assert cachestore.read_caches("fakes", "postgres").rejected == 0  # re-saved, sealed


def test_a_cache_planted_in_the_output_folder_is_never_read_and_is_removed(
    project: Path,
) -> None:
    legacy = project / "fakes" / cachestore.LEGACY_DIR
    legacy.mkdir()
    blocks = {"0" * 64: POISON}
    (legacy / "black.json").write_text(json.dumps({"version": "x", "blocks": blocks}))
    shutil.rmtree(cachestore.cache_dir("fakes"))
    generate()
    assert not legacy.exists()
    assert not [rel for rel, data in tree(project / "fakes").items() if b"PWNED" in data]


def test_the_cache_lives_outside_the_repository_with_a_private_key(project: Path) -> None:
    assert not (project / "fakes" / cachestore.LEGACY_DIR).exists()
    folder = cachestore.cache_dir("fakes")
    assert cachestore.cache_file("fakes", "black").is_file()
    assert cachestore.cache_file("fakes", "statements").is_file()
    assert cachestore.cache_file("fakes", "black").parent == folder
    assert project / "user-cache" in folder.parents
    assert (cachestore.cache_root() / "key").stat().st_mode & 0o077 == 0


# ------------------------------------------------------------------ check --full


def test_a_hand_edit_with_its_manifest_edit_fails_check_full(project: Path) -> None:
    out = project / "fakes"
    schemas = out / "schemas.py"
    poisoned = schemas.read_text() + POISON + "\n"
    schemas.write_text(poisoned)
    manifest = json.loads((out / "_manifest.json").read_text())
    manifest["files"]["schemas.py"] = hashlib.sha256(poisoned.encode()).hexdigest()
    (out / "_manifest.json").write_text(json.dumps(manifest))
    assert check()[0] == 0  # the fast path certifies only that manifest and files agree
    code, output = check("--full")
    assert code == 1
    assert "schemas.py: not what the SQL generates" in output
    assert "_manifest.json: not what the SQL generates" in output


def test_check_full_uses_no_cache(project: Path) -> None:
    edit_cache("fakes", "statements", lambda text: text.replace('"quantity"', '"pwned_col"'))
    assert check("--full")[0] == 0
    shutil.rmtree(cachestore.cache_root())
    assert check("--full")[0] == 0
    assert not cachestore.cache_root().exists(), "check never writes a cache"


def test_check_full_fails_on_a_stale_manifest_record(project: Path) -> None:
    (project / "migrations" / "0001_init.sql").write_text(BASE + "-- a comment\n")
    assert check()[0] == 0  # the code is the same: the fast check only notes it
    code, output = check("--full")
    assert code == 1 and "_manifest.json" in output


# ------------------------------------------------------------------ damaged manifest


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],
        lambda text: "[]",
        lambda text: "{}",
        lambda text: "\udcff",
        lambda text: text.replace('"files": {', '"files": {"../../escape.py": "00",', 1),
        lambda text: text.replace('"fingerprint"', '"fingerprynt"', 1),
    ],
    ids=["truncated", "list", "empty", "binary", "bad-path", "no-fingerprint"],
)
def test_a_damaged_manifest_is_drift_and_generate_repairs_it(
    project: Path, damage: Callable[[str], str]
) -> None:
    path = project / "fakes" / "_manifest.json"
    path.write_bytes(damage(path.read_text()).encode("utf-8", "surrogateescape"))
    for args in ((), ("--full",)):
        code, output = check(*args)
        assert code == 1, output
        assert "_manifest.json: damaged" in output
    generate()
    assert check()[0] == 0 and check("--full")[0] == 0


# ------------------------------------------------------------------ what --out owns


def test_nested_packages_and_look_alike_user_files_are_never_removed(project: Path) -> None:
    nested = project / "fakes" / "analytics"
    generate("fakes/analytics")
    look_alike = project / "fakes" / "mine.py"
    look_alike.write_text("# Generated by schemagen, or so it says\nMINE = 1\n")
    nested_before = tree(nested)
    (project / "migrations" / "0002.sql").write_text("DROP TABLE notes;\n")
    code, output = run("generate", "migrations", "--out", "fakes")
    assert code == 0 and "removed" in output
    assert tree(nested) == nested_before
    assert look_alike.read_text().endswith("MINE = 1\n")
    assert "NotesFactory" not in (project / "fakes" / "factories" / "__init__.py").read_text()
    assert check()[0] == 0 and check("--full")[0] == 0
    assert check(out="fakes/analytics")[0] == 1  # its own SQL changed (notes dropped)


def test_a_forged_manifest_cannot_make_generate_remove_a_user_file(project: Path) -> None:
    mine = project / "fakes" / "mine.py"
    mine.write_text("MINE = 1\n")  # no header
    path = project / "fakes" / "_manifest.json"
    manifest = json.loads(path.read_text())
    manifest["files"]["mine.py"] = "0" * 64
    path.write_text(json.dumps(manifest))
    generate()
    assert mine.read_text() == "MINE = 1\n"


# ------------------------------------------------------------------ kills

KILLCHILD = Path(__file__).with_name("killchild.py")


class Children:
    """killchild.py's `serve`: one process that has imported what `generate` needs and
    forks a new child per run, which runs `generate` and SIGKILLs itself at its `kill_at`th
    file-system step inside `writer.write` (None: never); without `exchange`, as on a
    system with no renameat2. Started after the test's chdir and environment."""

    def __init__(self) -> None:
        self.server = subprocess.Popen(
            [sys.executable, str(KILLCHILD), "serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self._answer("ready")  # imported: a run's time from now on is the child's own

    def start(
        self, kill_at: int | None = None, exchange: bool = True, steps: tuple[str, ...] = KILLABLE
    ) -> int:
        """Fork a child; its pid."""
        assert self.server.stdin is not None
        self.server.stdin.write(f"{kill_at or 0} {int(exchange)} {','.join(steps)}\n")
        self.server.stdin.flush()
        return int(self._answer("pid"))

    def wait(self) -> int:
        """The child's exit code (-9 when killed)."""
        return int(self._answer("exit"))

    def run(
        self, kill_at: int | None = None, exchange: bool = True, steps: tuple[str, ...] = KILLABLE
    ) -> int:
        self.start(kill_at, exchange, steps)
        return self.wait()

    def _answer(self, word: str) -> str:
        assert self.server.stdout is not None
        line = self.server.stdout.readline()
        assert line.split()[:1] == [word], f"killchild.py serve said {line!r}"
        return line.split()[-1]

    def close(self) -> None:
        assert self.server.stdin is not None
        self.server.stdin.close()
        assert self.server.wait(timeout=60) == 0


def _state(project: Path, old: dict[str, bytes], new: dict[str, bytes]) -> str:
    if not (project / "fakes").exists():
        return "moved aside"
    now = {rel: data for rel, data in tree(project / "fakes").items() if not rel.endswith(".tmp")}
    if now == old:
        return "old"
    if now == new:
        return "new"
    return "mixed"


@pytest.fixture
def regenerate(project: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The issue's case: a warm cache and one new migration (a new table), with the old
    package kept to reset to, and the new one to compare with."""
    out = project / "fakes"
    with_user_file = False

    def setup(user_file: bool) -> tuple[dict[str, bytes], dict[str, bytes]]:
        nonlocal with_user_file
        with_user_file = user_file
        if user_file:
            (out / "conftest_helpers.py").write_text("HELPER = 1\n")
        shutil.copytree(out, project / "pristine")
        (project / "migrations" / "0002_extra.sql").write_text(EXTRA)
        new = cold_tree(project, "expected")
        if user_file:
            new["conftest_helpers.py"] = b"HELPER = 1\n"
        return tree(project / "pristine"), new

    def reset() -> None:
        shutil.rmtree(out)
        for leftover in project.glob(".fakes.schemagen-*"):
            shutil.rmtree(leftover)
        shutil.copytree(project / "pristine", out)

    monkeypatch.setenv("STEPS_FILE", str(project / "steps"))
    return setup, reset


@pytest.fixture
def children(regenerate: Any) -> Iterator[Children]:
    """Generate runs to kill, in this test's project (after `regenerate` set it up)."""
    server = Children()
    try:
        yield server
    finally:
        server.close()


def _after_kill(project: Path, state: str, new: dict[str, bytes], full: bool = True) -> None:
    """What `check` says of a killed run, and that the next `generate` repairs it: the
    package is then byte for byte what a run with no cache writes (`new`), with nothing
    left beside it. With `full`, `check --full` says so too (it compares those same bytes,
    so once per state is enough)."""
    code, output = check()
    if state == "moved aside":  # between the two renames of a swap without renameat2
        assert code == 2 and "killed while swapping the package in" in output
    elif state == "old":
        assert code == 1 and "extra_t: table added" in output, output
    elif state == "new":
        assert code == 0, output
    else:
        assert code == 1 and "killed while switching" in output, output
    generate()
    assert tree(project / "fakes") == new
    assert not list(project.glob(".fakes.schemagen-*"))
    if full:
        assert check("--full")[0] == 0


@pytest.mark.parametrize("user_file", [False, True], ids=["swap", "in-place"])
def test_a_kill_at_each_step_leaves_old_or_new_and_generate_repairs_it(
    project: Path, regenerate: Any, children: Children, user_file: bool
) -> None:
    setup, reset = regenerate
    old, new = setup(user_file)
    assert children.run(None) == 0
    steps = int((project / "steps").read_text())
    assert steps > 5
    seen: dict[str, int] = {}
    for kill_at in range(1, steps + 1):
        reset()
        assert children.run(kill_at) == -signal.SIGKILL
        state = _state(project, old, new)
        if not user_file:
            assert state in ("old", "new"), f"killed at step {kill_at} of {steps}: {state}"
        elif state == "mixed":  # only while the journal says a switch is under way
            assert (project / "fakes" / writer.JOURNAL).is_file()
        _after_kill(project, state, new, full=state not in seen)
        seen[state] = seen.get(state, 0) + 1
    assert seen.get("old") and seen.get("mixed" if user_file else "new")


def test_kills_at_random_moments_leave_old_or_new(
    project: Path, regenerate: Any, children: Children
) -> None:
    """SIGKILL at a random moment of a whole `generate` (reading, rendering, writing): the
    child has its imports already, so every moment drawn falls inside the run itself."""
    setup, reset = regenerate
    old, new = setup(False)
    reset()
    started = time.monotonic()
    assert children.run(None) == 0
    duration = time.monotonic() - started
    rng = random.Random(15)
    seen: dict[str, int] = {}
    for _ in range(30):
        reset()
        pid = children.start(None)
        time.sleep(rng.uniform(0, duration * 1.1))
        with contextlib.suppress(ProcessLookupError):  # it finished and was reaped
            os.kill(pid, signal.SIGKILL)
        children.wait()
        state = _state(project, old, new)
        seen[state] = seen.get(state, 0) + 1
        assert state in ("old", "new")
    reset()
    _after_kill(project, "old", new)
    assert sum(seen.values()) == 30


# ------------------------------------------------------------------ one at a time

HOLD = """
import sys
from codegen import lock
with lock.held(sys.argv[1], exclusive=True):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_a_second_generate_waits_for_the_first_and_says_so(project: Path) -> None:
    """The lock is held until the test lets go: the second run says it waits, is still
    waiting (its package unwritten) a second later, and finishes once let go."""
    (project / "migrations" / "0002_extra.sql").write_text(EXTRA)
    before = tree(project / "fakes")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, "fakes"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline() == "held\n"
        second = subprocess.Popen(
            [sys.executable, "-c", "from codegen.cli import main; main()",
             "generate", "migrations", "--out", "fakes"],
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert second.stderr is not None
        said = ""
        while "waiting" not in said:  # what it says before it blocks on the lock
            line = second.stderr.readline()
            assert line, f"it finished without waiting: {said}"
            said += line
        assert "another schemagen run is writing here" in said
        time.sleep(1.0)
        assert second.poll() is None and tree(project / "fakes") == before
    finally:
        holder.stdin.close()
        holder.wait()
    assert second.wait() == 0, second.stderr.read()
    assert check("--full")[0] == 0


def test_two_generates_at_once_end_whole(project: Path) -> None:
    (project / "migrations" / "0002_extra.sql").write_text(EXTRA)
    command = [sys.executable, "-c", "from codegen.cli import main; main()", "generate",
               "migrations", "--out", "fakes"]  # fmt: skip
    both = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for process in both:
        assert process.wait() == 0
    assert check("--full")[0] == 0


def test_writer_records_what_it_owns(project: Path) -> None:
    state = writer.read_state(project / "fakes")
    assert state.damaged is None and not state.interrupted and not state.leftovers
    assert "schemas.py" in state.files and "_manifest.json" not in state.files


def test_the_docs_ci_section_uses_check_full(project: Path) -> None:
    walkthrough = (Path(__file__).resolve().parents[2] / "docs" / "walkthrough.md").read_text()
    ci = walkthrough[walkthrough.index("## 7. In CI") :]
    commands = [
        line.split("#")[0].split() for line in ci.splitlines() if line.startswith("schemagen")
    ]
    assert commands and all(command[:3] == ["schemagen", "check", "--full"] for command in commands)
    for command in commands:
        assert check(*command[2:])[0] == 0


def test_a_kill_during_a_swap_without_renameat2_is_finished_by_the_next_run(
    project: Path, regenerate: Any, children: Children
) -> None:
    """Two renames (macOS, old kernels): killed between them, --out is missing until the
    next run, which moves the complete new package in; at no step is it a mix."""
    setup, reset = regenerate
    old, new = setup(False)
    assert children.run(None, exchange=False, steps=("rename",)) == 0
    steps = int((project / "steps").read_text())
    assert steps == 3  # old aside, new in, old to the staging name
    seen = set()
    for kill_at in range(1, steps + 1):
        reset()
        children.run(kill_at, exchange=False, steps=("rename",))
        state = _state(project, old, new)
        assert state in ("old", "new", "moved aside")
        _after_kill(project, state, new, full=state not in seen)
        seen.add(state)
    assert "moved aside" in seen and "new" in seen
