"""Where `generate` keeps its caches between runs, and why a cache cannot change the output.

The caches (black's formatted blocks and compile memos, the statements already parsed)
live in the user's cache directory, never in the repository: `$SCHEMAGEN_CACHE_DIR`, else
`$XDG_CACHE_HOME/schemagen` (`~/.cache/schemagen`; `~/Library/Caches/schemagen` on macOS,
`%LOCALAPPDATA%/schemagen/Cache` on Windows), one folder per output directory.

Every entry is sealed with an HMAC-SHA256 under a random per-user key (`key`, mode 0600,
made on first use): an entry this user's own runs did not write (a file copied from another
machine, a checkout or a shared cache, or one edited by hand) fails its seal and is a miss,
never output. Entries are keyed by a digest of their exact input, and each file is valid for
one `codegen.build_id()` only. The seal is per entry so that one damaged entry costs one
miss, not the whole cache. The CI mode (`check --full`) uses no cache at all.

An earlier schemagen kept the caches in `<out>/.schemagen-cache/`; that folder is never
read, and `generate` removes it.

A cache file holds an index (entry, seal, length) and then the entries' texts: a run reads
the index alone and each text when it is asked for (its seal checked then), so the texts a
run does not need never reach memory, and an unchanged entry is copied to the next file as
it is (one JSON document of every entry, read whole, was ~110 MB held for a whole run at
5000 tables, and ~280 MB while it was decoded).

The directory is bounded (`prune`, at each save): a user generating into temp folders would
otherwise keep a folder of caches per folder forever.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import build_id
from .parse.cache import StatementCache
from .render import Formatter
from .writer import TEMP_FILE, atomic_write, remove_orphan_temp_files, stage

ENV = "SCHEMAGEN_CACHE_DIR"
LEGACY_DIR = ".schemagen-cache"  # inside --out: written by earlier versions, never read
_KEY_FILE = "key"
_KEY_BYTES = 32
_FORMATTER = "black"
_STATEMENTS = "statements"
_SUFFIX = ".cache"
_OLD_SUFFIX = ".json"  # one JSON document per file, written by earlier versions: removed
_MAGIC = b"schemagen-cache 2"
_SPACE = re.compile(r"\s")  # what str.isspace finds: an entry holding it has no index line
Record = tuple[str, str, int]  # entry, seal, length of its text in bytes
# How far the cache directory grows (`prune`, at each save): least recently used first
MAX_AGE_DAYS = 30  # an output folder's caches unused this long are removed
MAX_FOLDERS = 256  # at most this many output folders' caches ...
MAX_BYTES = 1 << 30  # ... and this many bytes of them (a 5000-table schema's take ~110 MB)
_FOLDER = re.compile(r"[0-9a-f]{32}")  # `cache_dir`'s names: nothing else there is touched
_OURS = re.compile(  # what a cache folder holds: its files, earlier versions', a save's temps
    rf"(?:{_FORMATTER}|{_STATEMENTS})(?:{re.escape(_SUFFIX)}|{re.escape(_OLD_SUFFIX)})"
    rf"|{TEMP_FILE.pattern}"
)


def cache_root() -> Path:
    """The user's schemagen cache directory (outside any repository)."""
    override = os.environ.get(ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(local) / "schemagen" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "schemagen"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "schemagen"


def cache_dir(out: str | os.PathLike[str]) -> Path:
    """The folder of one output directory's caches: named by a digest of its real path."""
    real = os.path.realpath(out)
    return cache_root() / hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def cache_file(out: str | os.PathLike[str], name: str) -> Path:
    """The file of one cache (`black`, `statements`) of an output directory."""
    return cache_dir(out) / f"{name}{_SUFFIX}"


class Store(MutableMapping[str, str]):
    """One cache file's entries, each text read (and its seal checked) when asked for;
    what this run computes is kept in memory (`new`) until it is saved."""

    def __init__(self, name: str, version: str, key: bytes | None = None) -> None:
        self.name, self.version, self._key = name, version, key
        self.new: dict[str, str] = {}
        self.index: dict[str, tuple[int, int, str]] = {}  # entry -> offset, length, seal
        self.held: set[str] = set()  # entries read whose seal held
        self.failed: set[str] = set()  # entries whose seal failed: misses
        self.damaged = False  # the file's layout is broken: no entry read
        self.loaded = False  # an index of this version was read
        self._fd: int | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------ the mapping
    def __getitem__(self, entry: str) -> str:
        text = self.new.get(entry)
        if text is None and entry in self.index and entry not in self.failed:
            data = self._sealed(entry)
            if data is not None:
                text = data.decode("utf-8", "surrogatepass")
        if text is None:
            raise KeyError(entry)
        return text

    def __contains__(self, entry: object) -> bool:  # without reading the text
        return entry in self.new or (entry in self.index and entry not in self.failed)

    def __setitem__(self, entry: str, text: str) -> None:
        self.new[entry] = text

    def __delitem__(self, entry: str) -> None:
        if self.new.pop(entry, None) is None and self.index.pop(entry, None) is None:
            raise KeyError(entry)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted({*self.new, *(e for e in self.index if e not in self.failed)}))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    # ------------------------------------------------------------ the file
    def open(self, path: Path) -> None:
        """Read `path`'s index (its texts stay on disk until asked for)."""
        if self._key is None:
            return
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        except OSError:
            return
        with open(fd, "rb", closefd=False) as handle:
            index = _read_index(handle, self.version)
        self.damaged, self.loaded = index is None, index is not None
        if not index:
            os.close(fd)
            return
        self.index, self._fd = index, fd

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.close()

    def rejected(self) -> int:
        """How many entries fail their seal (every entry checked now: for tests)."""
        for entry in self.index:
            if entry not in self.held and entry not in self.failed:
                self._sealed(entry)
        return len(self.failed) + self.damaged

    def _read(self, offset: int, length: int) -> bytes:
        if self._fd is None:
            return b""
        with self._lock:
            if hasattr(os, "pread"):
                return os.pread(self._fd, length, offset)
            os.lseek(self._fd, offset, os.SEEK_SET)
            return os.read(self._fd, length)

    def _sealed(self, entry: str) -> bytes | None:
        """The entry's bytes when its seal holds (else None, and it is a miss from now on)."""
        offset, length, seal = self.index[entry]
        data = self._read(offset, length)
        if (
            len(data) == length
            and self._key is not None
            and hmac.compare_digest(seal, _mac(self._key, self.name, self.version, entry, data))
        ):
            self.held.add(entry)
            return data
        self.failed.add(entry)
        return None

    # ------------------------------------------------------------ saving
    def save(self, path: Path, key: bytes, used: Iterable[str], fresh: Mapping[str, str]) -> None:
        """Write the `used` entries to `path` (whole or not at all): `fresh` texts sealed
        anew (each encoded once: its seal and the file take the same bytes), entries whose
        seal held when read copied with it; left alone (its time touched: used) when that
        is what the file holds already."""
        plan: list[tuple[Record, bytes | None]] = []  # (record, fresh bytes or None: copy)
        for entry in sorted(used):
            if _SPACE.search(entry):
                continue  # no place in the index: never saved
            text = fresh.get(entry)
            if text is not None:
                data = text.encode("utf-8", "surrogatepass")
                plan.append(
                    ((entry, _mac(key, self.name, self.version, entry, data), len(data)), data)
                )
            elif (
                entry in self.index
                and key == self._key
                and (entry in self.held or self._sealed(entry) is not None)
            ):
                plan.append(((entry, self.index[entry][2], self.index[entry][1]), None))
        if (
            self.loaded
            and all(data is None for _, data in plan)
            and [record[0] for record, _ in plan] == list(self.index)
        ):
            try:
                os.utime(path)  # the same entries, copied as they are: the same bytes
            except OSError:
                pass  # removed meanwhile (another run's prune): written again below
            else:
                self.close()
                return
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = stage(path, self._layout(plan))
        self.close()  # before the rename (Windows renames no open file)
        os.replace(temp, path)

    def _layout(self, plan: list[tuple[Record, bytes | None]]) -> Iterator[bytes]:
        yield from _head(self.version, [record for record, _ in plan])
        for (entry, _, length), data in plan:
            yield self._read(self.index[entry][0], length) if data is None else data


def _head(version: str, records: list[Record]) -> Iterator[bytes]:
    """The file up to the texts: magic and index size, version, one line per entry."""
    index = "".join(f"{entry} {seal} {length}\n" for entry, seal, length in records).encode()
    yield b"%s %d\n" % (_MAGIC, len(index))
    yield version.encode("utf-8", "surrogatepass") + b"\n"
    yield index


def _read_index(handle: Any, version: str) -> dict[str, tuple[int, int, str]] | None:
    """entry -> (offset, length, seal) of a cache file; {} when it is for another
    version (stale, not damaged), None when its layout is broken."""
    magic, _, size = handle.readline(64).rstrip(b"\n").rpartition(b" ")
    if magic != _MAGIC or not size.isdigit():
        return None
    if handle.readline(4096) != version.encode("utf-8", "surrogatepass") + b"\n":
        return {}
    data = handle.read(int(size))
    offset = handle.tell()
    index: dict[str, tuple[int, int, str]] = {}
    for line in data.split(b"\n")[:-1]:
        parts = line.split(b" ")
        if len(parts) != 3 or not parts[2].isdigit():
            return None
        length = int(parts[2])
        index[parts[0].decode("utf-8", "replace")] = (
            offset,
            length,
            parts[1].decode("ascii", "replace"),
        )
        offset += length
    return index if len(data) == int(size) else None


def read_raw(path: Path) -> tuple[str, list[tuple[str, str, str]]]:
    """A cache file's version and (entry, seal, text) of each entry, no seal checked: what
    anyone with access to the file sees (the tests edit caches as an attacker would)."""
    with path.open("rb") as handle:
        handle.readline()
        version = handle.readline().rstrip(b"\n").decode("utf-8", "surrogatepass")
        handle.seek(0)
        index = _read_index(handle, version) or {}
        entries = []
        for entry, (offset, length, seal) in index.items():
            handle.seek(offset)
            entries.append((entry, seal, handle.read(length).decode("utf-8", "surrogatepass")))
    return version, entries


def write_raw(path: Path, version: str, entries: list[tuple[str, str, str]]) -> None:
    """`read_raw`'s inverse: the file of these entries, with the seals given."""
    data = [text.encode("utf-8", "surrogatepass") for _, _, text in entries]
    records = [(entry, seal, len(d)) for (entry, seal, _), d in zip(entries, data, strict=True)]
    atomic_write(path, b"".join([*_head(version, records), *data]))


@dataclass
class Caches:
    """What one run hands the next: formatted blocks and memos, and statements already read."""

    formatter: Formatter
    statements: StatementCache
    stores: dict[str, Store]  # cache name -> its file's entries

    @property
    def rejected(self) -> int:
        """Entries whose seal fails (damaged or foreign: misses); reads every entry."""
        return sum(store.rejected() for store in self.stores.values())

    def close(self) -> None:
        for store in self.stores.values():
            store.close()


def no_caches(dialect: str) -> Caches:
    """Empty caches: every block formatted, every statement parsed (`check --full`)."""
    stores = {name: Store(name, _version(name)) for name in (_FORMATTER, _STATEMENTS)}
    return Caches(
        Formatter(cache=stores[_FORMATTER]), StatementCache(dialect, stores[_STATEMENTS]), stores
    )


def read_caches(out: str | os.PathLike[str], dialect: str) -> Caches:
    """The caches earlier runs on `out` left: their indexes; each entry is read (and its
    seal checked) when a run asks for it."""
    key = _key(create=False)
    stores = {name: Store(name, _version(name), key) for name in (_FORMATTER, _STATEMENTS)}
    for name, store in stores.items():
        store.open(cache_file(out, name))
    return Caches(
        Formatter(cache=stores[_FORMATTER]), StatementCache(dialect, stores[_STATEMENTS]), stores
    )


def write_caches(out: str | os.PathLike[str], caches: Caches) -> None:
    """Save the entries this run used, sealed; leave a file alone when its text is the same.
    Then bound the cache directory (`prune`). Also remove the in-repository cache folder,
    and cache files, of earlier versions."""
    _remove_legacy(Path(out))
    key = _key(create=True)
    if key is None:
        caches.close()
        return  # no usable cache directory: the cache is an optimisation, never a failure
    memo, statements = caches.formatter.memo, caches.statements
    for name, used, fresh in (
        (_FORMATTER, memo.used, caches.stores[_FORMATTER].new),
        (_STATEMENTS, statements.used, statements.saved(fresh_only=True)),
    ):
        path = cache_file(out, name)
        with contextlib.suppress(OSError):
            caches.stores[name].save(path, key, used, fresh)
        with contextlib.suppress(OSError):
            path.with_suffix(_OLD_SUFFIX).unlink()
    caches.close()
    prune(cache_dir(out))


def prune(keep: Path, now: float | None = None) -> None:
    """Bound the cache directory, which holds a folder per output folder ever generated
    (CI jobs, tox and pytest's tmp_path each leave one): the other folders unused for
    `MAX_AGE_DAYS` go, then the least recently used ones until at most `MAX_FOLDERS`
    and `MAX_BYTES` are left. `keep` (this run's) stays, without the temp files a killed
    save left (generate holds the output folder's lock: no save of it is running). A
    folder's last use is its newest file's time (a save that leaves a file alone touches
    it). Runs at each save, never in `check`: a stat per file, ~5 ms for 250 folders."""
    now = time.time() if now is None else now
    try:
        names = [
            entry.name
            for entry in os.scandir(keep.parent)
            if _FOLDER.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)
        ]
    except OSError:
        return
    remove_orphan_temp_files(keep, [f"{n}{_SUFFIX}" for n in (_FORMATTER, _STATEMENTS)])
    total = (_usage(keep) or (0.0, 0))[1]
    usages = ((_usage(keep.parent / n), n) for n in names if n != keep.name)
    others = sorted((usage, n) for usage, n in usages if usage is not None)
    over = False
    for count, ((used, size), name) in enumerate(reversed(others), start=2):  # newest first
        total += size
        over = over or now - used > MAX_AGE_DAYS * 86400 or total > MAX_BYTES
        if over or count > MAX_FOLDERS:
            shutil.rmtree(keep.parent / name, ignore_errors=True)


def _usage(folder: Path) -> tuple[float, int] | None:
    """When a folder of caches was last used (its own or its newest file's time), and
    its size in bytes; None when it holds anything but schemagen's cache files (a
    folder of another tool's that happens to have a cache folder's name)."""
    used, size = 0.0, 0
    with contextlib.suppress(OSError):
        used = folder.stat().st_mtime
        for entry in os.scandir(folder):
            if not _OURS.fullmatch(entry.name) or not entry.is_file(follow_symlinks=False):
                return None
            stat = entry.stat(follow_symlinks=False)
            used, size = max(used, stat.st_mtime), size + stat.st_size
    return used, size


def _version(name: str) -> str:
    """What a cache file is valid for: this schemagen build, and black for formatted blocks."""
    return f"{build_id()} {Formatter.version_key()}" if name == _FORMATTER else build_id()


def _mac(key: bytes, name: str, version: str, entry: str, data: bytes) -> str:
    message = b"\0".join((name.encode(), version.encode("utf-8", "surrogatepass"),
                          entry.encode("utf-8", "surrogatepass"), data))  # fmt: skip
    return hmac.digest(key, message, "sha256").hex()  # one-shot: no HMAC object per entry


def _key(create: bool) -> bytes | None:
    """This user's sealing key; made (mode 0600) when `create` and missing."""
    path = cache_root() / _KEY_FILE
    with contextlib.suppress(OSError):
        key = path.read_bytes()
        if len(key) == _KEY_BYTES:
            return key
    if not create:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(path.parent, 0o700)
        atomic_write(path, os.urandom(_KEY_BYTES), mode=0o600)
        return path.read_bytes() if path.stat().st_size == _KEY_BYTES else None
    except OSError:
        return None


def _remove_legacy(out: Path) -> None:
    legacy = out / LEGACY_DIR
    if legacy.is_dir() and not legacy.is_symlink():
        shutil.rmtree(legacy, ignore_errors=True)
