"""`Memo`: texts computed from a key, cached by the key's digest across runs.

The plan memoises each table's plan (plan/stored.py), compiled SQL expressions, CHECK
bounds and DEFAULT literals here, the schemas output its table literals, the database
output each table's specs and the factories output each group's module (keyed by what
their plans were made from, or `key_of` the plans), and the `Formatter` its black-formatted
blocks and the names each block uses: one store, so one cache file beside the package
covers them all. Only the entries a run used are kept when it is saved, so dropped tables
do not accumulate; an entry memoising a computation keeps the digests it asked for
(`recorded`), which its hits mark used.
"""

from __future__ import annotations

import base64
import contextlib
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import fields, is_dataclass
from decimal import Decimal
from typing import Any

from .digest import sha256
from .model import Location


class Memo:
    def __init__(self, entries: Mapping[str, str] | None = None) -> None:
        # a cache store (MutableMapping) is kept as it is: it reads its entries on demand
        self.entries: MutableMapping[str, str] = (
            entries if isinstance(entries, MutableMapping) else dict(entries or {})
        )
        self.used: set[str] = set()
        self.log: list[str] | None = None  # the digests asked for, while `recorded` runs

    @contextlib.contextmanager
    def recorded(self) -> Iterator[list[str]]:
        """The digests asked for inside the block: an entry memoising a computation keeps
        them, so a hit marks them used too (kept for the next miss, not dropped)."""
        outer, self.log = self.log, []
        try:
            yield self.log
        finally:
            if outer is not None:
                outer += self.log
            self.log = outer

    def mark_used(self, digests: Iterable[str]) -> None:
        self.used.update(digests)

    def replayed(self, digest: str) -> str | None:
        """The text of a memoised computation (`keep`), or None; a hit marks the entries
        the computation asked for used, so the next miss finds them."""
        hit = self.get(digest)
        if hit is None:
            return None
        asked, text = hit.split(_ASKED_END, 1)
        self.mark_used(asked.split())
        return text

    def keep(self, digest: str, asked: Iterable[str], text: str) -> str:
        """Store a computation's `text` with the digests it asked for (`recorded`)."""
        return self.put(digest, " ".join(dict.fromkeys(asked)) + _ASKED_END + text)

    def __call__(self, kind: str, key: str, compute: Callable[[], str]) -> str:
        """The text for (`kind`, `key`), computed on a miss."""
        digest = f"{kind}:{sha256(key)}"
        hit = self.get(digest)
        if hit is None:
            hit = self.put(digest, compute())
        return hit

    def get(self, digest: str) -> str | None:
        """The entry stored under `digest` (marked used, so it is kept), or None."""
        self.used.add(digest)
        if self.log is not None:
            self.log.append(digest)
        return self.entries.get(digest)

    def put(self, digest: str, text: str) -> str:
        self.entries[digest] = text
        return text

    def kept(self) -> dict[str, str]:
        """The entries this run used, sorted: what is worth saving."""
        return {k: v for k, v in sorted(self.entries.items()) if k in self.used}


_ASKED_END = "\x00"  # after the asked digests: they hold none, nor do JSON or base64 texts


def packed(text: str) -> str:
    """`text` deflated, as ASCII: for a memoised text read back whole (a module: ~10x
    smaller in the cache file and in memory); `unpacked` reverses it."""
    return base64.b64encode(zlib.compress(text.encode("utf-8", "surrogatepass"))).decode("ascii")


def unpacked(text: str) -> str:
    return zlib.decompress(base64.b64decode(text)).decode("utf-8", "surrogatepass")


def key_of(value: Any) -> str:
    """A deterministic text of a plan's value (frozen dataclasses, tuples, dicts, scalars),
    without its `Location`s: a memo key that a change elsewhere in the file, which moves
    every later line, leaves alone. Locations reach output only through warnings, which
    the memoised outputs do not keep. A value of any other kind raises (TypeError): a key
    that missed part of its input would hand back a wrong text."""
    out: list[str] = []
    _key_parts(value, out)
    return "".join(out)


def _key_parts(value: Any, out: list[str]) -> None:
    kind = type(value)
    if kind in _SCALARS:
        out.append(repr(value))
    elif kind is tuple or kind is list:
        out.append("[")
        for item in value:
            _key_parts(item, out)
            out.append(",")
        out.append("]")
    elif kind is dict:
        out.append("{")
        for k, v in value.items():
            _key_parts(k, out)
            out.append(":")
            _key_parts(v, out)
            out.append(",")
        out.append("}")
    elif kind is frozenset or kind is set:
        out.append("<" + ",".join(sorted(key_of(v) for v in value)) + ">")
    elif kind is Location:
        out.append("@")
    elif is_dataclass(value):
        out.append(kind.__qualname__ + "(")
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = tuple(f.name for f in fields(value))
        for name in names:
            _key_parts(getattr(value, name), out)
            out.append(",")
        out.append(")")
    else:
        raise TypeError(f"no memo key for a {kind.__qualname__}")


_SCALARS = frozenset({str, int, float, bool, type(None), Decimal})


_FIELDS: dict[type, tuple[str, ...]] = {}


class Taken(set[str]):
    """The names given out so far (`naming.identifier`'s `taken`), able to record what a
    computation asked of it and added to it, so that a memoised result can be replayed:
    `replay` applies the adds only when every question gets the answer it got then, which
    is when the computation would give out the same names again."""

    log: list[tuple[str, bool | None]] | None = None  # (name, answer), or (name, None): added

    def __contains__(self, name: object) -> bool:
        found = super().__contains__(name)
        if self.log is not None:
            self.log.append((str(name), found))
        return found

    def add(self, name: str) -> None:
        if self.log is not None:
            self.log.append((name, None))
        super().add(name)

    def replay(self, log: Sequence[Sequence[Any]]) -> bool:
        """Apply a recorded `log`; False (and nothing changed) when an answer differs."""
        added: list[str] = []
        for name, answer in log:
            present = super().__contains__(name)
            if answer is None:
                if not present:
                    added.append(name)
                    super().add(name)
            elif present != answer:
                self.difference_update(added)
                return False
        return True
