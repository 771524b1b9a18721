"""The cache directory stays bounded: each save removes other output folders' caches unused
for `MAX_AGE_DAYS`, then the least recently used until `MAX_FOLDERS` and `MAX_BYTES` hold;
the folder being saved stays, and nothing but cache folders is ever touched. `check` never
prunes (it writes no cache)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from codegen import cachestore
from codegen.cli import main

DAY = 86400.0


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cachestore.ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def _folder(root: Path, name: str, size: int, age_days: float) -> Path:
    """A cache folder named like `cache_dir`'s, one file of `size` bytes, last used
    `age_days` ago."""
    folder = root / (name * 32)[:32]
    folder.mkdir(parents=True)
    file = folder / "black.cache"
    file.write_bytes(b"x" * size)
    when = time.time() - age_days * DAY
    os.utime(file, (when, when))
    os.utime(folder, (when, when))
    return folder


def test_folders_unused_too_long_go_and_the_rest_stays(root: Path) -> None:
    keep = _folder(root, "a", 10, age_days=400)  # this run's: stays however old
    recent = _folder(root, "b", 10, age_days=cachestore.MAX_AGE_DAYS - 1)
    old = _folder(root, "c", 10, age_days=cachestore.MAX_AGE_DAYS + 1)
    (root / "key").write_bytes(b"k" * 32)
    stranger = root / "notes"  # not a cache folder's name: never touched
    stranger.mkdir()
    (stranger / "f").write_text("x")
    os.utime(stranger, (0, 0))
    lookalike = _folder(root, "d", 10, age_days=cachestore.MAX_AGE_DAYS + 1)
    (lookalike / "notes.txt").write_text("a cache folder's name, not only its files")
    for path in (lookalike / "notes.txt", lookalike):
        os.utime(path, (0, 0))
    cachestore.prune(keep)
    assert sorted(p.name for p in root.iterdir()) == sorted(
        [keep.name, recent.name, "key", "notes", lookalike.name]
    )
    assert not old.exists() and (stranger / "f").exists()
    assert (lookalike / "notes.txt").exists() and (lookalike / "black.cache").exists()


def test_past_the_size_cap_the_least_recently_used_go_first(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cachestore, "MAX_BYTES", 1000)
    keep = _folder(root, "a", 600, age_days=5)
    newer = _folder(root, "b", 300, age_days=1)
    middle = _folder(root, "c", 50, age_days=2)
    oldest = _folder(root, "d", 50, age_days=3)  # would fit in what is left: goes all the same
    older = _folder(root, "e", 300, age_days=2.5)
    cachestore.prune(keep)
    assert keep.exists() and newer.exists() and middle.exists()
    assert not older.exists() and not oldest.exists()


def test_past_the_folder_cap_the_least_recently_used_go_first(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cachestore, "MAX_FOLDERS", 3)
    folders = [_folder(root, n, 1, age_days=i) for i, n in enumerate("abcdef")]
    cachestore.prune(folders[-1])  # this run's, the oldest: stays
    assert [f.exists() for f in folders] == [True, True, False, False, False, True]


def test_this_runs_folder_stays_alone_over_the_cap(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cachestore, "MAX_BYTES", 10)
    keep = _folder(root, "a", 100, age_days=0)
    other = _folder(root, "b", 1, age_days=0)
    cachestore.prune(keep)
    assert keep.exists() and not other.exists()


def test_a_killed_saves_temp_file_is_removed_from_this_runs_folder(root: Path) -> None:
    keep = _folder(root, "a", 1, age_days=0)
    other = _folder(root, "b", 1, age_days=0)
    for folder in (keep, other):
        (folder / ".black.cache.x1y2.tmp").write_bytes(b"half")
    (keep / ".mine.tmp").write_bytes(b"not a save's")
    cachestore.prune(keep)
    assert sorted(p.name for p in keep.iterdir()) == [".mine.tmp", "black.cache"]
    assert (other / ".black.cache.x1y2.tmp").exists()  # another run's: maybe saving now


def test_a_save_that_leaves_the_file_alone_marks_it_used(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "fakes"
    first = cachestore.read_caches(out, "postgres")
    first.formatter.memo("k", "a", lambda: "A")
    cachestore.write_caches(out, first)
    file = cachestore.cache_file(out, "black")
    inode, old = file.stat().st_ino, time.time() - 100 * DAY
    os.utime(file, (old, old))
    second = cachestore.read_caches(out, "postgres")
    second.formatter.memo("k", "a", lambda: "A")
    cachestore.write_caches(out, second)
    assert file.stat().st_ino == inode and file.stat().st_mtime > time.time() - DAY


def test_a_cache_removed_during_the_run_is_written_again(root: Path, tmp_path: Path) -> None:
    """Another run's prune may remove this run's folder while it runs: the save that would
    have left the file alone writes it again from what it holds open."""
    out = tmp_path / "fakes"
    first = cachestore.read_caches(out, "postgres")
    first.formatter.memo("k", "a", lambda: "A")
    cachestore.write_caches(out, first)
    second = cachestore.read_caches(out, "postgres")
    assert second.formatter.memo("k", "a", lambda: "not read") == "A"
    cachestore.cache_file(out, "black").unlink()
    cachestore.write_caches(out, second)
    third = cachestore.read_caches(out, "postgres")
    assert third.formatter.memo("k", "a", lambda: "lost") == "A"


def test_generate_prunes_and_check_does_not(root: Path, tmp_path: Path) -> None:
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (id int PRIMARY KEY, name text);\n")
    runner = CliRunner()

    def run(*args: str) -> None:
        cwd = os.getcwd()
        os.chdir(tmp_path)
        try:
            result = runner.invoke(main, [*args, "schema.sql", "--out", "fakes"])
        finally:
            os.chdir(cwd)
        assert result.exit_code == 0, result.output

    run("generate")
    stale = _folder(root, "f", 10, age_days=cachestore.MAX_AGE_DAYS + 5)
    before = {p.name: p.stat().st_mtime for p in root.iterdir()}
    run("check")
    assert stale.exists()
    assert {p.name: p.stat().st_mtime for p in root.iterdir()} == before
    run("generate")
    assert not stale.exists() and cachestore.cache_dir(tmp_path / "fakes").is_dir()
