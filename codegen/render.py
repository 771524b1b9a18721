"""Python source text in black's layout, for the output kinds: its one job (above 600 lines
for that): the jinja2 environment, literals/calls/imports laid out as black lays them out,
the `Formatter` that keeps what is already shaped and sends the rest to black, and the
import collector (`tidy`) that leaves users' linters nothing to say.

- `templates(config)`: the jinja2 environment. Templates live in the top-level `templates/`
  directory (shipped in the wheel as `codegen.templates`); `--templates DIR` overrides them
  by file name.
- `py(value)`: a Python literal for a value, laid out exactly as black would lay it out, so
  data blocks (TABLE_SCHEMAS, TABLES) skip black entirely.
- `Formatter`: black with a content-hash cache. A rendered file is a list of top-level
  blocks separated by `BLOCK` marker lines; each block is formatted on its own and cached,
  so a one-table change formats one block. Blocks that start with `PREFORMATTED` are taken
  as they are (they come from `py()`); `SHAPED` blocks are kept when every line fits, and
  their statements went through `Formatter.shaped` (black only for what the templates
  cannot lay out). Its cache is a `Memo` (memo.py), which the plan shares for its compiled
  expressions.

Python names for SQL names (`identifier`, `camel`) are in naming.py.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import io
import itertools
import json
import keyword
import math
import os
import re
import tokenize
import uuid
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2

from . import collector, longline
from .digest import sha256
from .errors import SchemagenError
from .memo import Memo

LINE_LENGTH = 100
BLOCK = "#@schemagen:block"
PREFORMATTED = "#@schemagen:preformatted"
SHAPED = "#@schemagen:shaped"  # in black's layout already, unless a line is too long

# Installed from a wheel, templates/ is the package data `codegen/templates`; in a checkout
# (or an editable install) it is the repository's top-level templates/.
_PACKAGED_TEMPLATES = Path(__file__).resolve().parent / "templates"
_CHECKOUT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def template_dirs(override: str | None) -> list[str]:
    dirs: list[str] = []
    if override:
        path = Path(override)
        if not path.is_dir():
            raise SchemagenError(f"templates: {override} is not a directory")
        dirs.append(str(path))
    builtin = _PACKAGED_TEMPLATES if _PACKAGED_TEMPLATES.is_dir() else _CHECKOUT_TEMPLATES
    if not builtin.is_dir():
        raise SchemagenError(f"schemagen's templates are missing (looked in {builtin})")
    dirs.append(str(builtin))
    return dirs


def environment(override: str | None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dirs(override)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        auto_reload=False,  # a run renders a template once per table: no stat() each time
    )
    env.filters["py"] = py
    env.filters["pystr"] = pystr
    env.filters["comment"] = comment
    env.filters["call"] = call
    env.filters["imports"] = imports
    env.filters["sort_all"] = lambda names: sorted(names, key=all_key)
    env.filters["by_module"] = lambda items: sorted(items, key=lambda t: _natural(t.module.lower()))
    env.globals["SHAPED"] = SHAPED
    env.globals["BLOCK"] = BLOCK
    env.globals["PREFORMATTED"] = PREFORMATTED
    return env


# ------------------------------------------------------------------------- safe source text


@functools.lru_cache(maxsize=1 << 14)  # column names and types repeat across tables
def pystr(text: str) -> str:
    """A string literal quoted the way black would quote it (never breaks out of the quotes)."""
    r = repr(text)
    if r[0] == '"':
        return r  # contains ' but no ": black keeps double quotes
    if '"' not in text:
        return '"' + r[1:-1] + '"'
    # both quote kinds present: black keeps whichever needs fewer backslashes
    if text.count("'") < text.count('"'):
        return r
    body = r[1:-1].replace("\\'", "'").replace('"', '\\"')
    return '"' + body + '"'


def comment(text: str | None, width: int = LINE_LENGTH - 2) -> str:
    """Text as `# ...` comment lines: newlines and control characters can't escape."""
    if not text:
        return ""
    flat = " ".join(re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]", " ", text).split())
    lines: list[str] = []
    while flat:
        cut = flat[:width]
        if len(flat) > width and " " in cut:
            cut = cut[: cut.rindex(" ")]
        lines.append("# " + cut.strip())
        flat = flat[len(cut) :].strip()
    return "\n".join(lines)


# ------------------------------------------------------------------- black-shaped literals


def py(value: Any, indent: int = 0, prefix: str = "", suffix: str = "") -> str:
    """`value` as Python source, laid out as black lays out a literal.

    The result is the text of one logical line `prefix + literal + suffix` (prefix starts at
    column `indent`), exploded one element per line with trailing commas when it does not
    fit in LINE_LENGTH, recursively. Supports None, bool, int, float, str, list, tuple, dict.
    """
    # n elements take at least 3n columns flat: a big table's literal is never laid out flat
    # only to be measured and exploded (that made the layout quadratic in its depth)
    splittable = _splittable(value)
    hopeless = splittable and indent + len(prefix) + 3 * len(value) > LINE_LENGTH
    if not hopeless:
        room = LINE_LENGTH - indent - _width(prefix) - _width(suffix)
        parts: list[str] = []
        if _fill(value, parts, room) >= 0:
            return prefix + "".join(parts) + suffix
        if not splittable:
            return prefix + _flat(value) + suffix
    pad = " " * (indent + 4)
    items: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            items.append(pad + py(v, indent + 4, _flat(k) + ": ", ","))
        open_, close = "{", "}"
    else:
        for v in value:
            items.append(pad + py(v, indent + 4, "", ","))
        open_, close = ("[", "]") if isinstance(value, list) else ("(", ")")
    return prefix + open_ + "\n" + "\n".join(items) + "\n" + " " * indent + close + suffix


def call(name: str, args: list[str], indent: int = 0, suffix: str = "") -> str:
    """`name(arg, ...)` + suffix as black lays out a call whose arguments each fit on a line:
    flat; else the arguments on one line of their own; else one per line with a trailing
    comma. An argument that does not fit is left to black (the flat text is returned)."""
    flat = f"{name}({', '.join(args)}){suffix}"
    if indent + _width(flat) <= LINE_LENGTH or not args:
        return flat
    split = longline.bracketed(f"{name}(", args, LINE_LENGTH - indent, _width, " " * indent)
    return flat if split is None else split + suffix


ISORT_LINE_LENGTH = 88  # ruff's isort wraps at its default line length, not at ours


def typed_dict(name: str, fields: Iterable[tuple[str, str]]) -> str:
    """`Name = TypedDict("Name", {"key": annotation, ...})` in black's layout: the functional
    form, so any SQL name is a key."""
    body = "".join(f"        {pystr(key)}: {annotation},\n" for key, annotation in fields)
    if not body:
        return f"{name} = TypedDict({pystr(name)}, {{}})"
    return f"{name} = TypedDict(\n    {pystr(name)},\n    {{\n{body}    }},\n)"


def imports(names: list[str], module: str, indent: int = 0) -> str:
    """`from module import a, b` as isort and black agree to lay it out: parenthesised, one
    name per line and a trailing comma (which black keeps) beyond isort's line length.
    `indent`: the columns of an enclosing block (`if TYPE_CHECKING:`), counted in the width."""
    pad = " " * indent
    flat = f"{pad}from {module} import {', '.join(names)}"
    if _width(flat) <= ISORT_LINE_LENGTH:
        return flat
    lines = "".join(f"{pad}    {n},\n" for n in names)
    return f"{pad}from {module} import (\n{lines}{pad})"


def isort_key(name: str) -> tuple[int, list[str | int]]:
    """Where isort (ruff's I001, order-by-type) puts an imported name: CONSTANTS, Classes,
    then the rest, each group case-blind and in natural order (t2 before t10)."""
    return _kind(name), _natural(name.lower())


def all_key(name: str) -> tuple[int, list[str | int]]:
    """Where ruff's RUF022 puts a name in `__all__`: the same groups, case-sensitive."""
    return _kind(name), _natural(name)


def _kind(name: str) -> int:
    if len(name) > 1 and name.isupper():
        return 0
    return 1 if name[:1].isupper() else 2


def _natural(text: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text)]


def tidy(source: str) -> str:
    """What users' linters would otherwise ask for: unused imports dropped, `__all__` sorted.
    (Doubled parentheses around a sole `x is None` argument, ruff's UP034, go before
    formatting: `_unparen`.)"""
    return _sort_all(prune_imports(source))


def _unparen(source: str) -> str:
    return (
        _IS_NONE_ARG.sub(_single_parens, source)
        if "is None))" in source or ("is not None))" in source)
        else source
    )


# `f((x is None))`: the expression compiler parenthesises IS NULL tests for any context
_IS_NONE_ARG = re.compile(r"(?<=[\w)])\(\(([A-Za-z_][\w.]*) is (not )?None\)\)")


def _single_parens(match: re.Match[str]) -> str:
    line_start = match.string.rfind("\n", 0, match.start()) + 1
    before = match.string[line_start : match.start()]
    if before.count('"') % 2 or before.count("'") % 2 or "#" in before:
        return match.group(0)  # inside a string or a comment: not code
    return f"({match.group(1)} is {match.group(2) or ''}None)"


def _sort_all(source: str) -> str:
    start = source.find("\n__all__ = [")
    if start < 0:
        return source
    end = source.find("]\n", start)
    try:
        names = ast.literal_eval(source[start + 11 : end + 1])
    except (ValueError, SyntaxError):
        return source
    if not isinstance(names, list) or names == sorted(names, key=all_key):
        return source
    return source[: start + 1] + py(sorted(names, key=all_key), 0, "__all__ = ") + source[end + 1 :]


def prune_imports(source: str, later: frozenset[str] | None = None, tail: str = "") -> str:
    """`source` without the top-level imports it never uses (the import collector: templates
    import what a module may need; users' linters see only what it does use). Names in
    `__all__` count as used; a pruned block keeps single blank lines between its sections.

    Only the import block is parsed; uses are the identifiers of the rest with strings and
    comments masked (a regex, not a parse: ast.parse of every file cost more than black).
    `later`: the identifiers of `tail`, the module's code after `source` (which holds the
    whole import block), found block by block (`Formatter._later`)."""
    lines, rest = _import_head(source)
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return source  # reported by the formatter or the tests, not here
    code = rest or ""
    if later is not None and not _may_hold_fstring(code):
        own = set(_IDENTIFIER.findall(_masked(code)))
        used = own.union(later).__contains__
        exported = _all_names(code if "__all__ = [" in code else tail)
        return _pruned(lines, rest, tree, used, exported)
    if later is not None:  # an f-string: the whole module parsed, as below
        return prune_imports(source + tail)[: -len(tail)]
    if _may_hold_fstring(code):  # names inside f-strings: only a parse finds them
        tree_names = ast.walk(ast.parse(source))
        loads = {
            n.id for n in tree_names if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
        in_code: Callable[[str], bool] = loads.__contains__
    else:
        bound = sum(len(n.names) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom))
        in_code = _identifier_of(_masked(code), bound)
    return _pruned(lines, rest, tree, in_code, _all_names(code))


def _pruned(
    lines: list[str],
    rest: str | None,
    tree: ast.Module,
    in_code: Callable[[str], bool],
    exported: set[str],
) -> str:
    """`lines` (the head), then `rest`, without the imports of `tree` that nothing uses."""
    edits: list[tuple[int, int, str | None]] = []
    for node in tree.body:
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        keep = [
            a
            for a in node.names
            if (name := (a.asname or a.name).split(".")[0]) in exported or in_code(name)
        ]
        if len(keep) == len(node.names):
            continue
        text = None
        if keep:
            shown = [a.name + (f" as {a.asname}" if a.asname else "") for a in keep]
            if isinstance(node, ast.ImportFrom):
                text = imports(shown, "." * node.level + (node.module or ""))
            else:
                text = f"import {', '.join(shown)}"
        edits.append((node.lineno - 1, node.end_lineno or node.lineno, text))
    for start, stop, text in reversed(edits):
        lines[start:stop] = [] if text is None else text.split("\n")
        if text is None and 0 < start < len(lines) and not lines[start - 1] and not lines[start]:
            del lines[start]  # a section emptied: its blank line goes with it
    return "\n".join(lines if rest is None else [*lines, rest])


def _import_head(source: str) -> tuple[list[str], str | None]:
    """The lines of `source`'s docstring and import block, and the text after them (None:
    there is none). Only the head is split into lines: a list of every line of database.py
    cost ~85 MB at 5000 tables. Prefixes of growing length are tried: an end found before
    a prefix's last (possibly cut) line is the end in the whole text too."""
    size = _PREFIX
    while True:
        lines = source[:size].split("\n")
        end = _import_block_end(lines)
        if size >= len(source):
            return (
                (lines, None) if end >= len(lines) else (lines[:end], source[_offset(lines, end) :])
            )
        if end < len(lines) - 1:
            return lines[:end], source[_offset(lines, end) :]
        size *= 4


_PREFIX = 1 << 16


def _offset(lines: list[str], end: int) -> int:
    return sum(len(line) + 1 for line in lines[:end])


_STRING_OR_COMMENT = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*',
    re.DOTALL,
)
_FSTRING = re.compile(r"""(?<![\w"'])[rRbB]?[fF][rR]?["']""")
_FSTRING_PREFIX = re.compile(r"""[fF][rR]?["']""")
_ASSIGNED = re.compile(r"^[ \t]*[A-Za-z_]\w*(?=[ \t]*=[^=])", re.MULTILINE)


def _masked(code: str) -> str:
    """`code` with strings and comments blanked and names being assigned dropped: what is
    left names what it uses (the block-by-block and whole-module scans must agree)."""
    return _ASSIGNED.sub("", _STRING_OR_COMMENT.sub(" ", code))


def _identifier_of(code: str, names: int = 1) -> Callable[[str], bool]:
    """Is a name one of `code`'s identifiers (ASCII letter or `_` first, not after a dot)?
    Found name by name: a module of thousands of tables has millions of identifiers and
    a dozen imports. Unless it has thousands of imports too (`database.py` imports each
    table's module): then each search runs to its table's block, quadratic (12 s of 35 MB
    at 5000 tables), and one pass collecting every identifier costs less than a second."""
    if names > _SEARCHED_NAMES:
        return _identifiers(code).__contains__

    def found(name: str) -> bool:
        if not _NAME.fullmatch(name):
            return False
        start = code.find(name)
        while start >= 0:
            end = start + len(name)
            before = code[start - 1] if start else " "
            after = code[end] if end < len(code) else " "
            if not _word(before) and before != "." and not _word(after):
                return True
            start = code.find(name, start + 1)
        return False

    return found


def _identifiers(code: str) -> set[str]:
    """`set(_IDENTIFIER.findall(code))`, found a slice at a time, each ending at a line
    end (no identifier spans one, and the lookbehind sees the line end before a slice):
    one findall listed every identifier of database.py at once (~150 MB at 5000 tables)."""
    found: set[str] = set()
    start = 0
    while start < len(code):
        end = code.find("\n", start + _SLICE)
        end = len(code) if end < 0 else end + 1
        found.update(_identifier_set(code[start:end]))
        start = end
    return found


_SLICE = 1 << 20


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what `\w` matches


_NAME = re.compile(r"[A-Za-z_]\w*")
_IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
_SEARCHED_NAMES = 64  # more imported names than this: one pass over the code instead


def _names_text(block: str) -> str:
    """A block's identifiers as `prune_imports` finds them (keywords aside: no import binds
    one), after "f" when the block may hold an f-string, else "-": a memo's text."""
    if _may_hold_fstring(block):
        return "f"
    found = _identifier_set(_masked(block))
    return " ".join(["-", *sorted(n for n in found if not keyword.iskeyword(n))])


def _identifier_set(code: str) -> set[str]:
    """`set(_IDENTIFIER.findall(code))`: for ASCII, the dotted names left when everything
    else is blanked (`str.translate`, `split`: C, a third of the regex's time), each one's
    first part unless it starts with a digit (the rest follow a dot)."""
    if not code.isascii():
        return set(_IDENTIFIER.findall(code))
    found = set()
    for dotted in set(code.translate(_BLANK_NON_NAMES).split()):
        first = dotted.split(".", 1)[0]
        if first and not first[0].isdigit():
            found.add(first)
    return found


_BLANK_NON_NAMES = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not (c.isalnum() or c in "_.")}
)


def _may_hold_fstring(text: str) -> bool:
    """`_FSTRING.search(text)`, after a test without its lookbehind, which makes the regex
    try every position (0.4 s over a 1000-table package; the test costs a seventh)."""
    return _FSTRING_PREFIX.search(text) is not None and _FSTRING.search(text) is not None


def _import_block_end(lines: list[str]) -> int:
    """The index of the first line after the module's leading docstring and imports."""
    seen_import = False
    depth = 0
    first = 0
    if lines and lines[0].startswith('"""') and lines[0].count('"""') == 1:
        first = next((i + 1 for i, x in enumerate(lines[1:], 1) if '"""' in x), len(lines))
    for i, line in enumerate(lines[first:], first):
        if depth:
            depth += line.count("(") - line.count(")")
            continue
        if line.startswith(("import ", "from ")):
            seen_import = True
            depth = line.count("(") - line.count(")")
        elif seen_import and line and not line.startswith((" ", "#")):
            return i
    return len(lines)


def _all_names(text: str) -> set[str]:
    start = text.find("__all__ = [")
    if start < 0:
        return set()
    try:
        names = ast.literal_eval(text[start + 10 : text.find("]", start) + 1])
    except (ValueError, SyntaxError):
        return set()
    return {n for n in names if isinstance(n, str)} if isinstance(names, list) else set()


def decimal_literal(value: Decimal) -> str:
    """`Decimal(...)` source: from an int when that is the same value and scale (ruff's
    FURB157 asks for `Decimal(0)`, not `Decimal("0")`), else from its exact string."""
    text = str(value)
    if text.lstrip("-").isdigit() and text != "-0":
        return f"Decimal({text})"
    return f"Decimal({pystr(text)})"


def literal(value: Any, dates: str = "") -> str | None:
    """Python source for a constant value (Decimal, dates, UUIDs and lists included); None
    when there is none. `dates` is how the module names datetime's classes: "" after
    `from datetime import date, datetime, time` (rpc.py), "_dt." after `import datetime as
    _dt` (factories). Plain values (JSON defaults, overrides) are laid out by `py`."""
    if isinstance(value, Decimal):
        return decimal_literal(value)
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({pystr(repr(value))})"
    for kind in (dt.datetime, dt.date, dt.time):  # datetime first: it is a date too
        if isinstance(value, kind):
            return f"{dates}{kind.__name__}.fromisoformat({pystr(value.isoformat())})"
    if isinstance(value, uuid.UUID):
        return f"UUID({pystr(str(value))})"
    if isinstance(value, list) and not _plain(value):
        items = [literal(v, dates) for v in value]
        return None if None in items else "[" + ", ".join(i or "" for i in items) + "]"
    return py(value) if _plain(value) else None


def _plain(value: Any) -> bool:
    """None, bool, int, float, str, or lists/tuples/dicts of them: what `py` writes."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _width(text: str) -> int:
    """Columns as black counts them (East Asian wide characters take two)."""
    if text.isascii():
        return len(text)
    from black.strings import str_width

    return int(str_width(text))


def _splittable(value: Any) -> bool:
    return isinstance(value, (dict, list, tuple)) and len(value) > 0


def _fill(value: Any, parts: list[str], room: int) -> int:
    """`_flat(value)`'s pieces appended to `parts` while they fit in `room` columns; the
    columns left, negative when they do not fit (`parts` then holds a prefix). A literal
    too wide for its line is given up at the line's end: measuring each level's whole flat
    text before exploding it made the printer quadratic in the literal's depth. (Columns
    add up: black counts a text's width character by character.)"""
    if isinstance(value, str):
        text = pystr(value)
    elif isinstance(value, tuple):
        if len(value) == 1:
            parts.append("(")
            room = _fill(value[0], parts, room - 3)
            parts.append(",)")
            return room
        return _fill_items(value, parts, room, "(", ")")
    elif isinstance(value, list):
        return _fill_items(value, parts, room, "[", "]")
    elif isinstance(value, dict):
        parts.append("{")
        room -= 2
        for i, (k, v) in enumerate(value.items()):
            if i:
                parts.append(", ")
                room -= 2
            room = _fill(k, parts, room)
            if room < 0:
                return room
            parts.append(": ")
            room = _fill(v, parts, room - 2)
            if room < 0:
                return room
        parts.append("}")
        return room
    else:
        text = _flat(value)
    parts.append(text)
    return room - (len(text) if text.isascii() else _width(text))


def _fill_items(value: tuple[Any, ...] | list[Any], parts: list[str], room: int,
                open_: str, close: str) -> int:  # fmt: skip
    parts.append(open_)
    room -= 2
    for i, v in enumerate(value):
        if i:
            parts.append(", ")
            room -= 2
        if type(v) is str:  # most items: written here, not by a call of _fill
            text = pystr(v)
            parts.append(text)
            room -= len(text) if text.isascii() else _width(text)
        else:
            room = _fill(v, parts, room)
        if room < 0:
            return room
    parts.append(close)
    return room


def _flat(value: Any) -> str:
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        text = repr(value)
        return text if text not in ("inf", "-inf", "nan") else f'float("{text}")'
    if isinstance(value, str):
        return pystr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flat(k)}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    if isinstance(value, tuple):
        if len(value) == 1:
            return "(" + _flat(value[0]) + ",)"
        return "(" + ", ".join(_flat(v) for v in value) + ")"
    raise TypeError(f"py(): unsupported literal {type(value).__name__}")


# --------------------------------------------------------------------------------- black


def _mode() -> Any:
    import black

    return black.Mode(line_length=LINE_LENGTH, target_versions={black.TargetVersion.PY311})


class Formatter:
    """black with a content-hash cache of formatted blocks (in memory; the CLI persists it)."""

    def __init__(self, *, cache: Mapping[str, str] | None = None, enabled: bool = True) -> None:
        # formatted blocks by digest, and the plan's memoised texts by kind and digest: one
        # store, persisted as one cache beside the package
        self.memo = Memo(cache)
        self.enabled = enabled
        self.formatted_blocks = 0  # black calls made (for tests and benchmarks)
        self.on_format: Callable[[], None] | None = None  # progress: called per black call
        self._mode: Any = None

    @staticmethod
    def version_key() -> str:
        """black's version, read from its metadata: importing black costs a run that formats
        nothing with it (the templates shape every block) a tenth of a second."""
        from importlib import metadata

        try:
            version = metadata.version("black")
        except metadata.PackageNotFoundError:  # not installed as a distribution
            import black

            version = black.__version__
        return f"black-{version}-{LINE_LENGTH}"

    def prefetch(self, texts: Iterable[str], workers: int | None = None) -> None:
        """Format the uncached blocks of `texts` in parallel (cold runs on many tables)."""
        if not self.enabled:
            return
        todo: dict[str, str] = {}
        for text in texts:
            for block in _split_blocks(text):
                block = _unparen(block.strip("\n"))
                if block.startswith(SHAPED):
                    block = block[len(SHAPED) :].strip("\n")
                    if _fits(block):
                        continue
                if block.strip() and not block.startswith(PREFORMATTED):
                    key = sha256(block)
                    if key not in self.memo.entries:
                        todo[key] = block
        cpus = workers or min(os.cpu_count() or 1, 8)
        if len(todo) < 64 or cpus < 2:
            return  # not worth the processes: format_block does them one by one
        import concurrent.futures

        keys = sorted(todo)
        chunks = [keys[i::cpus] for i in range(cpus)]
        with concurrent.futures.ProcessPoolExecutor(cpus) as pool:
            results = pool.map(_format_many, [[todo[k] for k in chunk] for chunk in chunks])
            for chunk, formatted in zip(chunks, results, strict=True):
                for key, done in zip(chunk, formatted, strict=True):
                    if done is not None:
                        self.memo.put(key, done)
                        self.formatted_blocks += 1

    def format_file(self, text: str) -> str:
        blocks = [b for b in (self.format_block(b) for b in _split_blocks(text)) if b]
        if not blocks:
            return ""
        parts = [blocks[0]]
        for prev, block in itertools.pairwise(blocks):
            parts.append(_separator(prev, block))
            parts.append(block)
        later = self._later(blocks)
        if later is None:
            return tidy("".join(parts) + "\n")
        tail = "".join(parts[1:]) + "\n"  # never empty: a separator at least
        return _sort_all(prune_imports(blocks[0], later, tail) + tail)

    def _later(self, blocks: list[str]) -> frozenset[str] | None:
        """The identifiers the blocks after the first use (as `prune_imports` finds them),
        each block's memoised by its text, so a warm run scans only the blocks that changed
        (the whole of `database.py` was half of a warm generate's formatting); None when
        the first block's imports may run on, or a block may hold an f-string (whose
        names only a parse of the whole module finds)."""
        head = blocks[0].split("\n")
        if len(blocks) < 2 or _import_block_end(head) >= len(head):
            return None
        names: set[str] = set()
        for block in blocks[1:]:
            found = self.memo("names", block, lambda b=block: _names_text(b))  # type: ignore[misc]
            if found.startswith("f"):
                return None
            names.update(found.split()[1:])
        return frozenset(names)

    def format_block(self, block: str) -> str:
        block = _unparen(block.strip("\n"))
        if not block.strip():
            return ""
        if block.startswith(PREFORMATTED):
            return block[len(PREFORMATTED) :].strip("\n")
        if block.startswith(SHAPED):
            block = block[len(SHAPED) :].strip("\n")
            if _fits(block):
                return block
        if not self.enabled:
            return block
        key = sha256(block)
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        import black

        if self._mode is None:
            self._mode = _mode()
        try:
            with collector.collecting():  # black's trees link nodes to parents: cycles
                formatted = str(black.format_str(block + "\n", mode=self._mode)).strip("\n")
        except Exception as error:  # a template override produced invalid Python
            raise SchemagenError(
                f"generated code is not valid Python ({error}):\n{block[:2000]}"
            ) from None
        self._formatted()
        return self.memo.put(key, formatted)

    def shaped(self, source: str, indent: int = 0) -> str:
        """One statement (or def) written at column `indent`, in black's layout: kept as it is
        when it already is, else formatted by black alone (cached). The templates emit black's
        style by construction; this catches what only black can lay out (long expressions),
        so a cold run formats a few statements instead of every file (tests prove the output
        is a black fixed point)."""
        text = _unparen(source.strip("\n"))
        if "'" in text:  # requoting tokenizes: remembered between runs like black's output
            return self.memo("shape", f"{indent}:{text}", lambda: self._shape(text, indent))
        return self._shape(text, indent)

    def fitted(self, source: str, indent: int = 0) -> str:
        """One statement written in black's layout by construction (database.py's inserts
        and TableSpecs; tests prove them black fixed points): kept when its lines fit, else
        formatted by black (cached). `shaped` also asks whether black would requote or
        respace it: half a cold run's formatting of database.py, for text that never is."""
        text = _unparen(source.strip("\n"))
        if _fits(text, indent) or not self.enabled:
            return text
        return self.memo("stmt", f"{indent}:{text}", lambda: self._black_statement(text, indent))

    def _shape(self, text: str, indent: int) -> str:
        laid_out = _laid_out(text, indent)
        if laid_out is not None:
            return laid_out
        if not self.enabled:
            return text
        return self.memo("stmt", f"{indent}:{text}", lambda: self._black_statement(text, indent))

    def _black_statement(self, text: str, indent: int) -> str:
        import black

        mode = black.Mode(
            line_length=LINE_LENGTH - indent, target_versions={black.TargetVersion.PY311}
        )
        try:
            with collector.collecting():  # black's trees link nodes to parents: cycles
                formatted = str(black.format_str(text + "\n", mode=mode)).strip("\n")
        except Exception as error:
            raise SchemagenError(
                f"generated code is not valid Python ({error}):\n{text[:2000]}"
            ) from None
        self._formatted()
        return formatted.replace("\n", "\n" + " " * indent) if indent else formatted

    def _formatted(self) -> None:
        self.formatted_blocks += 1
        if self.on_format is not None:
            self.on_format()

    def to_json(self) -> str:
        return json.dumps({"version": self.version_key(), "blocks": self.memo.kept()})

    @classmethod
    def from_json(cls, text: str) -> Formatter:
        try:
            data = json.loads(text)
        except ValueError:
            return cls()
        if not isinstance(data, dict) or data.get("version") != cls.version_key():
            return cls()
        blocks = data.get("blocks")
        return cls(cache=blocks if isinstance(blocks, dict) else {})


# What black would change in a statement whose lines fit: parentheses it drops after
# `return`/`=`, docstrings it trims or pads (whitespace, quotes, backslashes at the ends,
# several lines), string prefixes, a comment it would respace. One regex per case, each
# tried only when a substring it cannot match without is there: the single alternation
# tried every alternative at every position (7% of a warm generate).
_DROPPED_PARENS = re.compile(r'^\s*(return|[\w.\[\]"]+ =) \((?!$)', re.MULTILINE)
_DOCSTRING = re.compile(r'^\s*"""[ \t\\"]|[ \t\\"]"""$|^\s*"""(?:(?!""").)*$', re.MULTILINE)
_PREFIX_BEFORE_QUOTE = re.compile(r"""[bBrRuUfF]['"]""")
_STRING_PREFIX = re.compile(r"""(?<![\w.])[bBrRuUfF]+['"]""")
_COMMENT_UNSPACED = re.compile(r"#[^ ]")


def _not_canonical(text: str) -> bool:
    return bool(
        _on_lines(_DROPPED_PARENS, text, "= (")
        or _on_lines(_DROPPED_PARENS, text, "return (")
        or _on_lines(_DOCSTRING, text, '"""')
        or (_PREFIX_BEFORE_QUOTE.search(text) and _STRING_PREFIX.search(text))
        or ("#" in text and _COMMENT_UNSPACED.search(text))
    )


def _on_lines(pattern: re.Pattern[str], text: str, needle: str) -> bool:
    """`pattern.search(text)`, for a pattern whose every match holds `needle` on one line
    (`^\\s*` may start it lines before, but then it matches from the needle's line too),
    asked of the lines holding `needle` alone: a table's insert is a hundred lines, a few
    of them holding it."""
    start = text.find(needle)
    while start >= 0:
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if pattern.search(text, text.rfind("\n", 0, start) + 1, end):
            return True
        start = text.find(needle, end)
    return False


def _fits(text: str, indent: int = 0) -> bool:
    """Does every line fit, the first after `indent` columns?"""
    lines = text.split("\n")
    if text.isascii():
        return len(lines[0]) + indent <= LINE_LENGTH and max(map(len, lines)) <= LINE_LENGTH
    return _width(lines[0]) + indent <= LINE_LENGTH and all(
        _width(line) <= LINE_LENGTH for line in lines
    )


def _laid_out(text: str, indent: int) -> str | None:
    """`text` as black writes it, when that takes no layout decision black alone makes (None
    otherwise): requoted as black quotes strings (the expression compiler writes repr()),
    kept when every line fits, else split as black splits a too-long statement when
    `longline` is certain of black's layout (a wide table's `column = sg.lazy_function(...)`:
    black took ~2 ms for each)."""
    requoted = _black_quotes(text) if "'" in text else text
    if requoted is None or _not_canonical(requoted):
        return None
    if _fits(requoted, indent):
        return requoted
    split = longline.split(requoted, LINE_LENGTH - indent, _width)
    return split.replace("\n", "\n" + " " * indent) if split and indent else split


def _black_quotes(text: str) -> str | None:
    """String literals requoted as black quotes them (None when a literal has a prefix or
    more than one line: black decides those). Lexed by a regex (strings and comments are
    all a requoting needs; `tokenize` in pure Python was a fifth of a cold generate), by
    `tokenize` where the regex may read the text otherwise (`_plain_strings`). (An
    `ast.parse` asked that of every statement: 1.2 s of a cold generate at 1000 tables.)"""
    plain = _plain_strings(text)
    if plain is None:
        return _black_quotes_tokenized(text)
    out: list[str] = []
    pos = 0
    for match in plain:
        lexeme = match.group()
        if lexeme.startswith("'" * 3) or "\n" in lexeme:
            return None
        body = lexeme[1:-1]
        out += (
            text[pos : match.start()],
            pystr(body if "\\" not in body else ast.literal_eval(lexeme)),
        )
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def _plain_strings(text: str) -> list[re.Match[str]] | None:
    """The '-strings without a prefix, as `tokenize` reads `text`; None where a regex may
    read it otherwise, or `tokenize` stops: a quote left in the code (an unterminated
    string), an empty string before a quote (an unterminated triple-quoted one), a number
    running into a prefix, an f-string (its fields hold strings from 3.12), a NUL or a
    lone carriage return (a line end to `tokenize`, not to the regex), a bracket left
    open, a dedent to no enclosing indent."""
    if "\x00" in text or "\r" in text or _may_hold_fstring(text):
        return None
    plain: list[re.Match[str]] = []
    end = 0
    depth: int | None = 0
    starts = [0]  # where logical lines start
    for match in _STRING_OR_COMMENT.finditer(text):
        lexeme = match.group()
        depth = _code(text, end, match.start(), depth, starts)
        if depth is None or (lexeme in _EMPTY and text.startswith(lexeme[0], match.end())):
            return None
        end = match.end()
        if lexeme[0] == "'":
            prefixed = _prefixed(text, match.start())
            if prefixed is None:
                return None
            if not prefixed:
                plain.append(match)
    depth = _code(text, end, len(text), depth, starts)
    if depth != 0 or text.rstrip(" \t\n").endswith("\\") or not _indents_match(text, starts):
        return None
    return plain


def _code(text: str, start: int, end: int, depth: int | None, starts: list[int]) -> int | None:
    """The bracket depth after `text[start:end]`, code between lexemes, from `depth` before
    it; the logical lines starting in it added to `starts`. None: a quote is left in it."""
    code = text[start:end]
    if depth is None or "'" in code or '"' in code:
        return None
    if "\n" not in code:
        return depth + _depth(code)
    pos = start
    for line in code.split("\n")[:-1]:
        depth += _depth(line)
        pos += len(line) + 1
        if depth == 0 and not line.endswith("\\"):
            starts.append(pos)
    return depth + _depth(text[pos:end])


def _indents_match(text: str, starts: list[int]) -> bool:
    """Does every logical line dedent to an enclosing indent (else `tokenize` raises)?
    Indents holding tabs or form feeds are not measured: False."""
    indents = [0]
    for start in starts:
        stop = text.find("\n", start)
        line = text[start:] if stop < 0 else text[start:stop]
        body = line.lstrip(" ")
        if body[:1] in ("\t", "\f"):
            return False
        if not body or body[0] in "#\r":
            continue  # blank or a comment: no indent
        column = len(line) - len(body)
        if column > indents[-1]:
            indents.append(column)
        while column < indents[-1]:
            indents.pop()
        if column != indents[-1]:
            return False
    return True


def _depth(code: str) -> int:
    return (
        code.count("(") + code.count("[") + code.count("{")
        - code.count(")") - code.count("]") - code.count("}")
    )  # fmt: skip


_EMPTY = frozenset({"''", '""'})


_PREFIXES = frozenset({"r", "u", "b", "br", "rb", "f", "fr", "rf"})


def _prefixed(text: str, start: int) -> bool | None:
    """Is the string at `start` prefixed (`b'x'`, `Rb'x'`), as the tokenizer reads it: the
    word before the quote is a prefix (in `if'x'` it is a keyword, the string is plain)?
    None when the word starts with a digit or follows one and a dot: the tokenizer ends a
    number inside it (`2b'x'` is a number and a prefixed string, `0x1b'x'` one and a plain
    string, `1.e5b'x'` a float and a prefixed string)."""
    if not start or not _word(text[start - 1]):
        return False
    first = start - 1
    while first and _word(text[first - 1]):
        first -= 1
    if text[first].isdigit() or (
        first > 1 and text[first - 1] == "." and text[first - 2].isdigit()
    ):
        return None
    return start - first <= 2 and text[first:start].lower() in _PREFIXES


def _black_quotes_tokenized(text: str) -> str | None:
    """`_black_quotes` by `tokenize`, for text that does not parse (and the tests' oracle)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    offsets = [0]
    for line in text.split("\n"):
        offsets.append(offsets[-1] + len(line) + 1)
    out: list[str] = []
    pos = 0
    for tok in tokens:
        if tok.type != tokenize.STRING or tok.string[0] != "'":
            continue
        if tok.start[0] != tok.end[0] or tok.string.startswith("'" * 3):
            return None
        start = offsets[tok.start[0] - 1] + tok.start[1]
        out.append(text[pos:start])
        body = tok.string[1:-1]
        value = body if "\\" not in body else ast.literal_eval(tok.string)
        out.append(pystr(value))
        pos = start + len(tok.string)
    out.append(text[pos:])
    return "".join(out)


_STATEMENT_START = re.compile(r"^[^\s)\]}#]")
_DEF = re.compile(r"^(def |class |async def |@|#)")


def _separator(prev: str, block: str) -> str:
    """Blank lines between two formatted blocks, as black puts them: two, except one after
    an import block when no def/class follows."""
    starts = [line for line in prev.split("\n") if _STATEMENT_START.match(line)]
    last = starts[-1] if starts else ""
    if (last.startswith("import ") or last.startswith("from ")) and not _DEF.match(block):
        return "\n\n"
    return "\n\n\n"


def _format_many(blocks: list[str]) -> list[str | None]:
    import black

    mode = _mode()
    out: list[str | None] = []
    with collector.collecting():  # in a worker forked from a paused run
        for block in blocks:
            try:
                out.append(str(black.format_str(block + "\n", mode=mode)).strip("\n"))
            except Exception:
                out.append(None)  # reported with context by format_block
    return out


_BLOCK_LINE = re.compile(rf"^[ \t]*{re.escape(BLOCK)}[ \t]*$", re.MULTILINE)


def _split_blocks(text: str) -> list[str]:
    """The blocks between `BLOCK` marker lines (the markers' own line ends dropped)."""
    return [block.strip("\n") for block in _BLOCK_LINE.split(text)]
