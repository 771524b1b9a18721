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
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import build_id
from .digest import sha256
from .parse.cache import StatementCache
from .render import Formatter
from .writer import atomic_write

ENV = "SCHEMAGEN_CACHE_DIR"
Seals = dict[str, tuple[str, str]]  # entry -> (text, seal) of entries whose seal held
LEGACY_DIR = ".schemagen-cache"  # inside --out: written by earlier versions, never read
_KEY_FILE = "key"
_KEY_BYTES = 32
_FORMATTER = "black"
_STATEMENTS = "statements"


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


@dataclass
class Caches:
    """What one run hands the next: formatted blocks and memos, and statements already read."""

    formatter: Formatter
    statements: StatementCache
    on_disk: dict[str, str | None] = field(default_factory=dict)  # file -> sha256 of its text
    seals: dict[str, Seals] = field(default_factory=dict)  # file -> the seals that held
    rejected: int = 0  # entries whose seal failed (damaged or foreign): misses


def no_caches(dialect: str) -> Caches:
    """Empty caches: every block formatted, every statement parsed (`check --full`)."""
    return Caches(Formatter(), StatementCache(dialect))


def read_caches(out: str | os.PathLike[str], dialect: str) -> Caches:
    """The caches earlier runs on `out` left; only entries whose seal holds."""
    folder = cache_dir(out)
    key = _key(create=False)
    on_disk = {name: _read_text(folder / f"{name}.json") for name in (_FORMATTER, _STATEMENTS)}
    seals: dict[str, Seals] = {_FORMATTER: {}, _STATEMENTS: {}}
    blocks, bad_blocks = _unseal(
        key, _FORMATTER, _version(_FORMATTER), on_disk[_FORMATTER], seals[_FORMATTER]
    )
    texts, bad_texts = _unseal(
        key, _STATEMENTS, _version(_STATEMENTS), on_disk[_STATEMENTS], seals[_STATEMENTS]
    )
    # a digest of each file, not its text, is what `write_caches` compares against: the
    # texts (100 MB at 5000 tables) would otherwise stay in memory for the whole run
    digests = {name: None if text is None else sha256(text) for name, text in on_disk.items()}
    return Caches(
        Formatter(cache=blocks),
        StatementCache(dialect, texts),
        digests,
        seals,
        bad_blocks + bad_texts,
    )


def write_caches(out: str | os.PathLike[str], caches: Caches) -> None:
    """Save the entries this run used, sealed; leave a file alone when its text is the same.
    Also remove the in-repository cache folder of earlier versions."""
    _remove_legacy(Path(out))
    key = _key(create=True)
    if key is None:
        return  # no usable cache directory: the cache is an optimisation, never a failure
    folder = cache_dir(out)
    for name, entries in (
        (_FORMATTER, caches.formatter.memo.kept()),
        (_STATEMENTS, caches.statements.saved()),
    ):
        text = _seal(key, name, _version(name), entries, caches.seals.get(name, {}))
        if sha256(text) != caches.on_disk.get(name):
            with contextlib.suppress(OSError):
                folder.mkdir(parents=True, exist_ok=True)
                atomic_write(folder / f"{name}.json", text.encode("utf-8"))


def _version(name: str) -> str:
    """What a cache file is valid for: this schemagen build, and black for formatted blocks."""
    return f"{build_id()} {Formatter.version_key()}" if name == _FORMATTER else build_id()


# ------------------------------------------------------------------------------ sealing


def _mac(key: bytes, name: str, version: str, entry: str, text: str) -> str:
    message = "\0".join((name, version, entry, text)).encode("utf-8", "surrogatepass")
    return hmac.digest(key, message, "sha256").hex()  # one-shot: no HMAC object per entry


def _seal(key: bytes, name: str, version: str, entries: Mapping[str, str], held: Seals) -> str:
    """The cache file of `entries`; an entry read with a seal that held (`held`, same text,
    same key and version) keeps that seal instead of being hashed again."""
    sealed = {}
    for k, v in sorted(entries.items()):
        old = held.get(k)
        mac = old[1] if old is not None and old[0] == v else _mac(key, name, version, k, v)
        sealed[k] = [mac, v]
    return json.dumps({"version": version, "entries": sealed}, separators=(",", ":"))


def _unseal(
    key: bytes | None, name: str, version: str, text: str | None, held: Seals | None = None
) -> tuple[dict[str, str], int]:
    """The entries of a cache file whose seal holds, and how many did not; `held` hears
    each good entry's text and seal (under this `key` and `version`)."""
    if key is None or not text:
        return {}, 0
    try:
        data = json.loads(text)
    except ValueError:
        return {}, 1
    if not isinstance(data, dict) or data.get("version") != version:
        return {}, 0  # another schemagen build: stale, not damaged
    entries = data.get("entries")
    if not isinstance(entries, dict):
        return {}, 1
    good: dict[str, str] = {}
    for entry, sealed in entries.items():
        if (
            isinstance(sealed, list)
            and len(sealed) == 2
            and all(isinstance(part, str) for part in sealed)
            and hmac.compare_digest(sealed[0], _mac(key, name, version, entry, sealed[1]))
        ):
            good[entry] = sealed[1]
            if held is not None:
                held[entry] = (sealed[1], sealed[0])
    return good, len(entries) - len(good)


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


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _remove_legacy(out: Path) -> None:
    legacy = out / LEGACY_DIR
    if legacy.is_dir() and not legacy.is_symlink():
        shutil.rmtree(legacy, ignore_errors=True)
