"""A one-line progress display for long runs: on a terminal only (pipes, CI logs and pre-commit
stay quiet), rewritten in place at most a few times a second."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, interval: float = 0.2) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval
        self._last = 0.0
        self._width = 0

    @classmethod
    def off(cls) -> Progress:
        """A display that shows nothing (library calls, tests)."""
        progress = cls()
        progress.enabled = False
        return progress

    def show(self, text: str, force: bool = True) -> None:
        """Replace the status line with `text` (when not forced, only every `interval`)."""
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def counter(self, label: str) -> Counter:
        return Counter(self, label)

    def clear(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


class Counter:
    """A callable that counts events and shows `<n> <label>` (throttled)."""

    def __init__(self, progress: Progress, label: str) -> None:
        self.progress = progress
        self.label = label
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        self.progress.show(f"{self.count} {self.label}", force=False)
