"""A cache file re-saved by `write_caches` keeps the seals that held when it was read (no
HMAC per unchanged entry), and seals anew whatever is new or changed: every entry the next
run reads still holds, and a text changed under a kept key is not vouched for by its old
seal."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen import cachestore


def test_kept_new_and_changed_entries_all_hold_after_a_resave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cachestore.ENV, str(tmp_path / "cache"))
    out = tmp_path / "fakes"
    first = cachestore.read_caches(out, "postgres")
    for key, text in (("a", "kept"), ("b", "changed"), ("c", "dropped")):
        first.formatter.memo(key, key, lambda text=text: text)
    cachestore.write_caches(out, first)

    second = cachestore.read_caches(out, "postgres")
    assert second.rejected == 0 and len(second.seals["black"]) == 3
    memo = second.formatter.memo
    kept, changed = (next(k for k in memo.entries if k.startswith(f"{p}:")) for p in "ab")
    memo.get(kept)
    memo.put(changed, "changed again")
    memo.get(changed)
    memo("new", "n", lambda: "new")
    cachestore.write_caches(out, second)

    third = cachestore.read_caches(out, "postgres")
    assert third.rejected == 0
    assert third.formatter.memo.entries == {
        kept: "kept",
        changed: "changed again",
        **{k: "new" for k in third.formatter.memo.entries if k.startswith("new:")},
    }


def test_a_cache_file_whose_text_is_the_same_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The caches remember a digest of each file as read (not its text, which would stay
    in memory all run): a run that used the same entries rewrites neither file."""
    monkeypatch.setenv(cachestore.ENV, str(tmp_path / "cache"))
    out = tmp_path / "fakes"
    first = cachestore.read_caches(out, "postgres")
    first.formatter.memo("k", "a", lambda: "A")
    cachestore.write_caches(out, first)
    files = sorted(cachestore.cache_dir(out).glob("*.json"))
    assert len(files) == 2
    before = [f.stat().st_ino for f in files]  # atomic_write replaces the inode

    second = cachestore.read_caches(out, "postgres")
    assert all(len(d or "") == 64 for d in second.on_disk.values())
    second.formatter.memo("k", "a", lambda: "recomputed")
    cachestore.write_caches(out, second)
    assert [f.stat().st_ino for f in files] == before

    third = cachestore.read_caches(out, "postgres")
    third.formatter.memo("k", "b", lambda: "B")  # a different entry used: rewritten
    cachestore.write_caches(out, third)
    assert files[0].stat().st_ino != before[0]
