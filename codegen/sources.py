"""Find and order the SQL inputs: files, directories (migration folders) and globs.

The rules, documented in docs/inputs.md:
- A file is read as given; files named on the command line keep their order.
- A directory is a migrations folder: every `*.sql` below it, in natural order of the
  path relative to the folder (so `2_x` < `10_x`, `V2__` < `V10__`, Prisma's
  `<timestamp>_name/migration.sql` by folder name). Down migrations are left out:
  golang-migrate `*.down.sql`, Flyway undo `U<n>__*.sql`, diesel's `<version>_name/down.sql`
  (beside its `up.sql`). Flyway repeatable migrations
  (`R__*.sql`) come after the versioned ones, as Flyway applies them.
- A glob is expanded and naturally sorted.
- Inside a file, only the Up part is read: goose `-- +goose Up/Down`, dbmate
  `-- migrate:up/down`, sql-migrate `-- +migrate Up/Down`, tern's
  `---- create above / drop below ----`. Down lines are blanked, not removed, so every
  location still points at the user's line.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .digest import sha256
from .errors import SchemagenError
from .model import Location


@dataclass(frozen=True)
class SourceFile:
    path: str  # as shown in messages: relative to the working directory when below it
    text: str  # the Up part only, line numbers preserved
    digest: str  # sha256 of the file's bytes, for fingerprints


_SKIP_FILE = re.compile(r"(\.down\.sql$)|(^U\d[\w.]*__.*\.sql$)", re.IGNORECASE)
_UP = re.compile(r"^\s*--\s*(\+goose\s+up|migrate:up|\+migrate\s+up)\b", re.IGNORECASE)
_DOWN = re.compile(r"^\s*--\s*(\+goose\s+down|migrate:down|\+migrate\s+down)\b", re.IGNORECASE)
_TERN_SPLIT = re.compile(r"^-{4}\s*create above\s*/\s*drop below\s*-{4}\s*$", re.IGNORECASE)
# any line of the two above, anywhere in a text: most files have none, and skip the scan
_ANY_DOWN = re.compile(f"{_DOWN.pattern}|{_TERN_SPLIT.pattern}", re.IGNORECASE | re.MULTILINE)


def _is_down(path: Path) -> bool:
    """A down migration: by its name, or diesel's `down.sql` beside an `up.sql`."""
    if _SKIP_FILE.search(path.name):
        return True
    return path.name.lower() == "down.sql" and (path.parent / "up.sql").is_file()


def digest(files: Sequence[SourceFile]) -> str:
    """The inputs' fingerprint: sha256 over each file's sha256, in input order."""
    return sha256("\n".join(f.digest for f in files))


def natural_key(path: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders digit runs by value: `2_a` before `10_a`."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", path) if part
    )


_REPEATABLE = re.compile(r"^R__.*\.sql$", re.IGNORECASE)


def _migration_key(path: str) -> tuple[bool, tuple[tuple[int, int | str], ...]]:
    """Natural order, with Flyway's repeatable `R__x.sql` after every versioned file."""
    return bool(_REPEATABLE.match(path.rsplit("/", 1)[-1])), natural_key(path)


def collect(paths: Sequence[str], cwd: str | None = None) -> list[SourceFile]:
    """Resolve PATH arguments into the ordered list of SQL files to read."""
    base = Path(cwd or os.getcwd())
    files: list[Path] = []
    for arg in paths:
        files.extend(_expand(arg, base))
    seen: set[Path] = set()
    out = []
    for file in files:
        resolved = file.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        out.append(read_file(file, base))
    return out


def _expand(arg: str, base: Path) -> Iterable[Path]:
    path = Path(arg) if Path(arg).is_absolute() else base / arg
    if path.is_file():
        return [path]
    if path.is_dir():
        found = [p for p in path.rglob("*.sql") if not _is_down(p)]
        for p in found:
            if not p.is_file() and not p.is_dir():  # a dangling symlink or a symlink loop
                shown = p.relative_to(base).as_posix() if p.is_relative_to(base) else p
                raise SchemagenError(f"{shown}: a symlink to nothing readable (skip it or fix it)")
        found = [p for p in found if p.is_file()]
        if not found:
            raise SchemagenError(f"{arg}: no SQL files (*.sql) in this folder")
        return sorted(found, key=lambda p: _migration_key(p.relative_to(path).as_posix()))
    if glob.has_magic(arg):
        pattern = arg if Path(arg).is_absolute() else str(base / arg)
        matches = [Path(m) for m in glob.glob(pattern, recursive=True)]
        found = [p for p in matches if p.is_file() and not _is_down(p)]
        if found:
            return sorted(found, key=lambda p: _migration_key(p.as_posix()))
        raise SchemagenError(f"{arg}: no SQL files match this pattern")
    raise SchemagenError(f"{arg}: no such file or directory")


def read_file(path: Path, base: Path) -> SourceFile:
    shown = display_path(path, base)
    try:
        data = path.read_bytes()
    except OSError as error:  # unreadable, a symlink loop, removed meanwhile
        raise SchemagenError(f"{shown}: cannot read ({error.strerror or error})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SchemagenError(f"{shown}: not UTF-8 text ({error.reason})") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    nul = text.find("\x00")
    if nul >= 0:  # parsers stop at it (pglast reads C strings), so the rest would vanish
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise SchemagenError(
            "NUL byte in the SQL text (databases refuse it; remove it)",
            Location(shown, line, column),
        )
    return SourceFile(display_path(path, base), up_part(text), sha256(data))


def display_path(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def up_part(text: str) -> str:
    """Blank the Down sections of goose/dbmate/sql-migrate/tern files, keeping line numbers."""
    if not _ANY_DOWN.search(text):
        return text
    lines = text.split("\n")
    up = True
    for i, line in enumerate(lines):
        if _UP.match(line):
            up = True
        elif _DOWN.match(line) or _TERN_SPLIT.match(line):
            up = False
        if not up:
            lines[i] = ""
    return "\n".join(lines)
