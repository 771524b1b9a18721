"""`Memo`: texts computed from a key, cached by the key's digest across runs.

The plan memoises compiled SQL expressions, CHECK bounds and DEFAULT literals here, the
schemas output its table literals, and the `Formatter` its black-formatted blocks: one
store, so one cache file beside the package covers them all. Only the entries a run used
are kept when it is saved, so dropped tables do not accumulate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .digest import sha256


class Memo:
    def __init__(self, entries: Mapping[str, str] | None = None) -> None:
        self.entries: dict[str, str] = dict(entries or {})
        self.used: set[str] = set()

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
        return self.entries.get(digest)

    def put(self, digest: str, text: str) -> str:
        self.entries[digest] = text
        return text

    def kept(self) -> dict[str, str]:
        """The entries this run used, sorted: what is worth saving."""
        return {k: v for k, v in sorted(self.entries.items()) if k in self.used}
