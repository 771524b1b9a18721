"""A cache file re-saved by `write_caches` keeps the seals that held when it was read (no
HMAC per unchanged entry), and seals anew whatever is new or changed: every entry the next
run reads still holds, and a text changed under a kept key is not vouched for by its old
seal. Entries are read when asked for: a run holds the index, not the texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen import cachestore


@pytest.fixture
def out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An output folder whose caches live in a cache root of this test's own."""
    monkeypatch.setenv(cachestore.ENV, str(tmp_path / "cache"))
    return tmp_path / "fakes"


def test_kept_new_and_changed_entries_all_hold_after_a_resave(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cachestore.read_caches(out, "postgres")
    for key, text in (("a", "kept"), ("b", "changed"), ("c", "dropped")):
        first.formatter.memo(key, key, lambda text=text: text)
    cachestore.write_caches(out, first)

    second = cachestore.read_caches(out, "postgres")
    assert second.rejected == 0 and len(second.stores["black"].index) == 3
    memo = second.formatter.memo
    kept, changed = (next(k for k in memo.entries if k.startswith(f"{p}:")) for p in "ab")
    memo.get(kept)
    memo.put(changed, "changed again")
    memo.get(changed)
    memo("new", "n", lambda: "new")
    sealed: list[str] = []
    real = cachestore._mac
    monkeypatch.setattr(cachestore, "_mac", lambda *a: sealed.append(a[3]) or real(*a))
    cachestore.write_caches(out, second)
    assert sorted(e.split(":")[0] for e in sealed) == ["b", "new"]  # the kept one: copied

    third = cachestore.read_caches(out, "postgres")
    assert third.rejected == 0
    assert dict(third.formatter.memo.entries) == {
        kept: "kept",
        changed: "changed again",
        **{k: "new" for k in third.formatter.memo.entries if k.startswith("new:")},
    }


def test_a_cache_file_whose_text_is_the_same_is_left_alone(out: Path) -> None:
    """A run that used the same entries as the file holds, none computed anew, rewrites
    neither file."""
    first = cachestore.read_caches(out, "postgres")
    first.formatter.memo("k", "a", lambda: "A")
    cachestore.write_caches(out, first)
    files = sorted(cachestore.cache_dir(out).glob("*.cache"))
    assert len(files) == 2
    before = [f.stat().st_ino for f in files]  # atomic_write replaces the inode

    second = cachestore.read_caches(out, "postgres")
    second.formatter.memo("k", "a", lambda: "recomputed")
    cachestore.write_caches(out, second)
    assert [f.stat().st_ino for f in files] == before

    third = cachestore.read_caches(out, "postgres")
    third.formatter.memo("k", "b", lambda: "B")  # a different entry used: rewritten
    cachestore.write_caches(out, third)
    assert files[0].stat().st_ino != before[0]
    assert dict(cachestore.read_caches(out, "postgres").formatter.memo.entries) == {
        k: "B" for k in third.formatter.memo.used
    }


def test_entries_are_read_when_asked_for_and_a_damaged_one_is_a_miss(out: Path) -> None:
    first = cachestore.read_caches(out, "postgres")
    for key in "abc":
        first.formatter.memo(key, key, lambda key=key: key.upper() * 3)
    cachestore.write_caches(out, first)
    path = cachestore.cache_file(out, "black")
    version, entries = cachestore.read_raw(path)
    entries = [(e, s, "BBX" if t == "BBB" else t) for e, s, t in entries]  # same length
    cachestore.write_raw(path, version, entries)

    second = cachestore.read_caches(out, "postgres")
    store = second.stores["black"]
    assert not store.held and not store.failed  # the index only
    memo = second.formatter.memo
    assert memo("a", "a", lambda: "miss") == "AAA" and store.held == {
        e for e in store.index if e.startswith("a:")
    }
    assert memo("b", "b", lambda: "recomputed") == "recomputed"  # its seal fails
    assert second.rejected == 1
    cachestore.write_caches(out, second)  # b sealed anew, c (unused) dropped
    third = cachestore.read_caches(out, "postgres")
    assert third.rejected == 0 and sorted(third.formatter.memo.entries.values()) == [
        "AAA",
        "recomputed",
    ]


@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage\n", b"schemagen-cache 2 999999\n", b"schemagen-cache 2 5\nversion\nab"],
)
def test_a_broken_file_is_a_miss_not_an_error(out: Path, damage: bytes) -> None:
    cachestore.write_caches(out, cachestore.read_caches(out, "postgres"))  # the key, files
    path = cachestore.cache_file(out, "black")
    path.write_bytes(damage)
    caches = cachestore.read_caches(out, "postgres")
    assert caches.formatter.memo("a", "a", lambda: "computed") == "computed"
    cachestore.write_caches(out, caches)
    assert dict(cachestore.read_caches(out, "postgres").formatter.memo.entries) == {
        next(iter(caches.formatter.memo.used)): "computed"
    }
