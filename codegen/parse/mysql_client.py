"""What the mysql client does to a script before the server sees it.

mysqldump output and hand-written migration files rely on two client features:
- `DELIMITER xx` lines: statements end at `xx` instead of `;` until the next DELIMITER,
  so a routine's `BEGIN ... END` body keeps its own semicolons;
- executable comments `/*!50003 CREATE */`: the server runs their content, which is how
  mysqldump writes triggers, views and SET statements (MariaDB's `/*M!...*/` are comments to
  MySQL, and stay comments).

`client_text` rewrites a file into text the tokenizer reads as the server would: DELIMITER
lines and comment markers become spaces, each custom delimiter becomes `;` plus spaces.
Every offset and line number stays where it was, so locations still point at the file.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

_DELIMITER = re.compile(r"^[ \t]*delimiter[ \t]+(\S+)[ \t]*$", re.IGNORECASE | re.MULTILINE)
# `/*!50003 ... */` runs on MySQL from 5.0.3 on; a six-digit version (`/*!999999`) and
# MariaDB's `/*M!...` never run on MySQL 8, which is what schemagen reads scripts as.
_EXECUTABLE = re.compile(r"/\*!(?!\d{6})\d{0,5}")


@dataclass(frozen=True)
class ClientText:
    """The rewritten text, and where custom delimiters were in force.

    Inside a region only the offsets in `ends` end a statement; other semicolons there
    belong to a routine body."""

    text: str
    regions: tuple[tuple[int, int], ...] = ()
    ends: frozenset[int] = field(default_factory=frozenset)

    def ends_statement(self, offset: int) -> bool | None:
        """True/False inside a DELIMITER region, None outside (the usual rules apply)."""
        i = bisect_right(self.regions, (offset, 1 << 62)) - 1
        if i >= 0 and self.regions[i][0] <= offset < self.regions[i][1]:
            return offset in self.ends
        return None


def client_text(text: str) -> ClientText:
    if "/*!" not in text and not _DELIMITER.search(text):
        return ClientText(text)  # the common case: nothing to rewrite
    chars = list(_unwrap(text))
    regions: list[tuple[int, int]] = []
    ends: set[int] = set()
    delimiter, start = ";", 0
    for match in [*_DELIMITER.finditer(text), None]:
        stop = match.start() if match else len(text)
        if delimiter != ";":
            regions.append((start, stop))
            for at in _occurrences("".join(chars[start:stop]), delimiter):
                chars[start + at : start + at + len(delimiter)] = ";" + " " * (len(delimiter) - 1)
                ends.add(start + at)
        if match is None:
            break
        chars[match.start() : match.end()] = " " * (match.end() - match.start())
        delimiter, start = match.group(1), match.end()
    return ClientText("".join(chars), tuple(regions), frozenset(ends))


def _unwrap(text: str) -> str:
    """`/*!50003 CREATE */` -> `         CREATE   `: the server runs what is inside."""
    out = list(text)
    pos = 0
    while True:
        match = _EXECUTABLE.search(text, pos)
        if match is None:
            return "".join(out)
        close = text.find("*/", match.end())
        if close < 0:
            return "".join(out)
        out[match.start() : match.end()] = " " * (match.end() - match.start())
        out[close : close + 2] = "  "
        pos = close + 2


def _occurrences(text: str, delimiter: str) -> list[int]:
    """Offsets of `delimiter` outside quotes and comments, as the mysql client scans."""
    found: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if text.startswith(delimiter, i):
            found.append(i)
            i += len(delimiter)
        elif ch in "'\"`":
            i = _close_quote(text, i)
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close < 0 else close + 2
        elif ch == "#" or (text.startswith("--", i) and text[i + 2 : i + 3] in (" ", "\t", "\n")):
            close = text.find("\n", i)
            i = n if close < 0 else close + 1
        else:
            i += 1
    return found


def _close_quote(text: str, i: int) -> int:
    quote, j = text[i], i + 1
    while j < len(text):
        if text[j] == "\\" and quote != "`":
            j += 2
        elif text[j] == quote:
            if text[j + 1 : j + 2] == quote:
                j += 2
            else:
                return j + 1
        else:
            j += 1
    return j
