"""Translate the common subset of PostgreSQL regular expressions (ARE) to Python's `re`.

`~` only asks whether a match exists, so greedy versus lazy quantifiers cannot change the
answer; what must agree is what each atom matches. The subset: literal characters,
escaped punctuation, `.`, `^`, `$`, groups, `|`, quantifiers (`* + ? {m} {m,} {m,n}`, and
their lazy forms), bracket expressions with ranges and [:digit:]/[:xdigit:], and `\\d \\w`
with their negations. Anything else (back-references, lookahead, word boundaries,
embedded options, collating elements, locale classes such as [:alpha:] and \\s) is
reported as unsupported rather than guessed. Semantics are those of a UTF-8 database
locale: `\\w` is Unicode-aware (Python's `\\w`), `\\d` is ASCII digits only.
"""

from __future__ import annotations

import re

from .core import Unsupported

# Classes whose meaning is the same in a UTF-8 locale (C.UTF-8, en_US.UTF-8) and in
# Python: [:alpha:] and friends follow the locale's iswalpha() and are not translated.
_CLASSES = {
    "digit": "0-9",
    "xdigit": "0-9A-Fa-f",
}
_ESCAPES = {"d": "0-9", "w": "\\w"}
_SPECIAL = set("\\^$.|?*+()[]{}")


def translate(pattern: str) -> str:
    """Python regex source equivalent to the ARE `pattern`, or raise Unsupported."""
    out: list[str] = []
    i, n = 0, len(pattern)
    if pattern.startswith("***"):
        raise Unsupported("regular expression director (***)")
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 1
            if i == n:
                raise Unsupported("regular expression ending in \\")
            out.append(_escape(pattern[i], in_bracket=False))
        elif ch == "[":
            text, i = _bracket(pattern, i)
            out.append(text)
            continue
        elif ch == "(":
            if pattern.startswith("(?:", i):
                out.append("(?:")
                i += 3
                continue
            if pattern.startswith("(?", i):
                raise Unsupported("regular expression lookahead or embedded options")
            out.append("(?:")
        elif ch == "$":
            out.append(r"\Z")
        elif ch == "{":
            m = re.match(r"\{(\d+)(,(\d*))?\}", pattern[i:])
            if not m:
                raise Unsupported("regular expression brace that is not a bound")
            out.append(m.group(0))
            i += len(m.group(0))
            continue
        elif ch in "^.|)*+?":
            out.append(ch)
        else:
            out.append(re.escape(ch))
        i += 1
    result = "".join(out)
    try:
        re.compile(result)
    except re.error as err:
        raise Unsupported(f"regular expression {pattern!r} ({err})") from None
    return result


def _escape(ch: str, in_bracket: bool) -> str:
    if ch in _ESCAPES:
        body = _ESCAPES[ch]
        return body if in_bracket else f"[{body}]"
    if ch.isupper() and ch.lower() in _ESCAPES and not in_bracket:
        return f"[^{_ESCAPES[ch.lower()]}]"
    if not ch.isalnum():
        return re.escape(ch)
    raise Unsupported(f"regular expression escape \\{ch}")


def _bracket(pattern: str, start: int) -> tuple[str, int]:
    """A bracket expression `[...]` starting at `start`; returns (python, next index)."""
    i = start + 1
    out = ["["]
    if i < len(pattern) and pattern[i] == "^":
        out.append("^")
        i += 1
    first = True
    while i < len(pattern):
        ch = pattern[i]
        if ch == "]" and not first:
            out.append("]")
            return "".join(out), i + 1
        first = False
        if pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            name = pattern[i + 2 : end] if end > 0 else ""
            if name not in _CLASSES:
                raise Unsupported(f"bracket class [:{name}:]")
            out.append(_CLASSES[name])
            i = end + 2
            continue
        if pattern.startswith("[.", i) or pattern.startswith("[=", i):
            raise Unsupported("collating element in a bracket expression")
        if ch == "\\":
            if i + 1 >= len(pattern):
                break
            out.append(_escape(pattern[i + 1], in_bracket=True))
            i += 2
            continue
        if (
            ch == "-"
            and out[-1] not in ("[", "^")
            and i + 1 < len(pattern)
            and pattern[i + 1] != "]"
        ):
            out.append("-")
        elif ch in _SPECIAL or ch == "-":
            out.append("\\" + ch)
        else:
            out.append(ch)
        i += 1
    raise Unsupported("unterminated bracket expression")
