"""A statement too long for its line, split as black splits it, without black: what a
wide table's factory sends to the formatter (`c1002 = sg.lazy_function(lambda: ...)`, one
per column; black took ~2 ms each, most of a cold run at 10,000 columns).

Only one form, whose layout black decides by its right-hand split alone: `name =
callee(arguments)` on one line, `callee` a dotted name whose call ends the statement.
black keeps the assignment's optional parentheses invisible (nothing before `=` has a
bracket, and `callee(...)` has no delimiter of its own), splits at the call's brackets,
and then either keeps the arguments on one line of their own at indent + 4, or, when they
do not fit there, splits them at their top-level commas, one per line with a trailing
comma added (its delimiter split), each line again kept when it fits. Anything else, or
any doubt (comments, magic trailing commas, `**`, comprehensions, f-strings, a line that
does not fit after the split), is None: black lays it out (`render.Formatter`).

`tests/generate/test_longline.py` compares this with `black.format_str` over generated
statements (names of random lengths, hostile strings, nested calls and lambdas, widths
around the limit at several indents).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable

# one token of a statement (already in black's spacing and quotes: `render._canonical`)
_TOKEN = re.compile(
    r"""(?P<string>[A-Za-z]{0,2}(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'))"""
    r"|(?P<name>[^\W\d]\w*)"
    r"|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<comma>,)|(?P<colon>:=?)"
    r"|(?P<doubt>\*\*|[#\\;\"']|\s(?<! ))"  # a comment, `\`, `;`, `**`, a tab or newline
    r"|(?P<other>\d[\w.]*|[^\s\w(\[{)\]},:#\\;\"'*]+|\*| +)"
)
_PLAIN_PREFIXES = frozenset({"", "r", "u", "b", "br", "rb"})
_HEAD = re.compile(r"([^\W\d]\w*) = ([^\W\d]\w*(?:\.[^\W\d]\w*)*)\(")
_MAGIC_COMMA = re.compile(r",\s*[)\]}]")


def split(text: str, room: int, width: Callable[[str], int] = len) -> str | None:
    """`text` laid out by black in `room` columns (its first line as written, the others
    indented from column 0 of the statement); None when it fits, or when it is not the
    one form this knows (the module's docstring)."""
    if width(text) <= room or '"""' in text or "'''" in text:
        return None
    head = _HEAD.match(text)
    if head is None or any(keyword.iskeyword(n) for n in (head[1], *head[2].split("."))):
        return None
    args = _arguments(text, head.end())
    if args is None or width(head[0]) > room:
        return None
    return bracketed(head[0], args, room, width)


def bracketed(
    head: str, args: list[str], room: int, width: Callable[[str], int] = len, pad: str = ""
) -> str | None:
    """`head` (up to its open bracket), `args` and the closing bracket as black splits them
    when they do not fit on one line of `room` columns: the arguments on a line of their own
    at +4, else one per line with a trailing comma; None when an argument does not fit
    either (or holds a line end). `pad`: the indent of lines after the first."""
    body, inner = ", ".join(args), pad + "    "
    if 4 + width(body) <= room:
        return f"{head}\n{inner}{body}\n{pad})"
    if len(args) < 2 or any(5 + width(a) > room or "\n" in a for a in args):
        return None
    return head + "".join(f"\n{inner}{a}," for a in args) + f"\n{pad})"


def _arguments(text: str, start: int) -> list[str] | None:
    """The call's arguments from `start` (just past its `(`) split at its top-level
    commas; None when its `)` does not end `text`, or when black might lay it out in a
    way other than `split` assumes (a comprehension among them, a doubt of `_TOKEN`)."""
    if _MAGIC_COMMA.search(text, start):
        return None  # perhaps a magic trailing comma (black explodes those)
    depth, pos = 1, start
    lambdas: list[int] = []  # the depths of lambdas whose parameters are being read
    commas: list[int] = []
    end = len(text)
    while pos < end:
        token = _TOKEN.match(text, pos)
        if token is None or token.lastgroup == "doubt":
            return None
        kind, value, pos = token.lastgroup, token.group(), token.end()
        if kind == "string" and value[: value.index(value[-1])].lower() not in _PLAIN_PREFIXES:
            return None  # an f-string (black may read inside it) or a name glued to a string
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth == 0:
                if pos != end:
                    return None
                starts = [start, *(c + 1 for c in commas)]
                return [text[a:b].strip() for a, b in zip(starts, [*commas, pos - 1], strict=True)]
        elif kind == "name" and value == "lambda":
            lambdas.append(depth)  # its parameters' commas are not the call's
        elif kind == "colon" and value == ":" and lambdas and lambdas[-1] == depth:
            lambdas.pop()
        elif kind == "comma" and depth == 1 and not (lambdas and lambdas[-1] == 1):
            commas.append(pos - 1)
        elif kind == "name" and depth == 1 and value in ("for", "async"):
            return None  # a generator argument: black splits before its `for` first
    return None
