"""The render stage's shortcuts in front of regexes, pinned to the regexes they stand for:
`_not_canonical` (one regex per case, each behind a substring test) says what the single
alternation it replaced said, on text made of the characters those cases look at."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen import render

_NOT_CANONICAL = re.compile(
    r'^\s*(return|[\w.\[\]"]+ =) \((?!$)|^\s*"""[ \t\\"]|[ \t\\"]"""$|^\s*"""(?:(?!""").)*$'
    r"""|(?<![\w.])[bBrRuUfF]+['"]|#[^ ]""",
    re.MULTILINE,
)
_PIECES = st.sampled_from(
    ["return", " = ", "x", "a.b", "(", ")", '"', "'", '"""', " ", "\t", "\\", "\n",
     "#", "# c", "b", "rb", "f", "U", ".", "[0]", "= (", "return (", "é"]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_not_canonical_is_the_alternation(text: str) -> None:
    assert render._not_canonical(text) == bool(_NOT_CANONICAL.search(text))


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_not_canonical_on_any_text(text: str) -> None:
    assert render._not_canonical(text) == bool(_NOT_CANONICAL.search(text))


_IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
_CODE = st.lists(
    st.sampled_from(
        ["rt", "sg", "rt2", "_rt", ".", " ", "\n", "(", "x.rt", "é", "rté", "ört", "1"]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_CODE, st.sampled_from(["rt", "sg", "_rt", "rt2", "é", "ört", "x"]))
def test_identifier_search_is_the_identifier_set(code: str, name: str) -> None:
    """`prune_imports` asks name by name what the set of all identifiers would say."""
    expected = name in set(_IDENTIFIER.findall(code))
    assert render._identifier_of(code)(name) == expected
    assert render._identifier_of(code, names=1000)(name) == expected  # the one-pass set


def test_prune_imports_of_a_module_importing_every_table() -> None:
    """Past `_SEARCHED_NAMES` imports the uses come from one pass: the same imports kept."""
    n = render._SEARCHED_NAMES + 10
    head = "".join(f"from .factories import t{i} as t{i}_functions\n" for i in range(n))
    body = "".join(f"X{i} = t{i}_functions.f\n" for i in range(0, n, 2))
    body += "Y = 't1_functions'  # t3_functions\nZ = a.t5_functions\n"
    kept = "".join(f"from .factories import t{i} as t{i}_functions\n" for i in range(0, n, 2))
    assert render.prune_imports(head + "\n" + body) == kept + "\n" + body


_LEXEMES = st.sampled_from(
    ["x", " = ", "'a'", '"b"', "''", "'''t'''", '"""d"""', "'\\n'", "'\\''", "'\"'", "'é'",
     "# c'd", "f'{x}'", "b'x'", "rb'y'", "Rb'", "if", "xrb", "_b", "é", " ", "\n", "(", ")",
     "'", '"', "\\", "\n    ", "return ", ",", "[", "]", "'\\\n'", "1", "elif'q'",
     "x or'a'", "1 if'a'else 2", "y = rb'z'", "0x1", "2", "b", "{", "}", "\x00", "xb",
     "\r", "\r\n", "1.", "e5", "j"]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(_LEXEMES, max_size=12).map("".join))
def test_black_quotes_lexed_is_tokenized(text: str) -> None:
    """Requoting by a regex says what `tokenize` says, on any text: where the regex may read
    it otherwise (a quote left in the code, an open bracket, a number running into a
    prefix) it asks `tokenize`."""
    assert _outcome(render._black_quotes, text) == _outcome(render._black_quotes_tokenized, text)


def _outcome(requote: Callable[[str], str | None], text: str) -> object:
    try:
        return requote(text)
    except SyntaxError as error:  # a string with a bad escape: both raise
        return type(error)


_MODULE_PIECES = st.sampled_from(
    ["import os\n", "from a import b, c\n", "from x import (\n    y,\n    z,\n)\n", '"""doc"""\n',
     '"""\n', "x = os.f\n", "\n", "  ", "b\n", "# c\n", "y = (\n", ")\n", "__all__ = ['c']\n",
     "from __future__ import annotations\n", "import os", "c", "f'{b}'\n", "z.y\n"]
)  # fmt: skip


def _pruned(source: str) -> str | type[SyntaxError]:
    try:
        return render.prune_imports(source)
    except SyntaxError as error:
        return type(error)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_MODULE_PIECES, max_size=16).map("".join), st.sampled_from([1, 3, 8, 20]))
def test_prune_imports_reads_the_head_and_identifiers_in_pieces(source: str, size: int) -> None:
    """Only the import head is split into lines (prefixes of growing length) and identifiers
    are collected a slice at a time (database.py at 5000 tables: ~300 MB less at the peak):
    the same output as reading the whole text at once."""
    whole = _pruned(source)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "_PREFIX", size)
        patch.setattr(render, "_SLICE", size)
        assert _pruned(source) == whole
        assert render._identifiers(source) == set(_IDENTIFIER.findall(source))


_IMPORTS = ["import os", "import json as _j", "from x import a, b as bb", "from . import rt",
            "from typing import (\n    Any,\n    Callable,\n)"]  # fmt: skip
_BLOCK_CODE = ["a", "bb", "os.sep", "_j", "Any", "rt", "x.rt", "f'{a}'", "'Any'", "# os",
               "__all__ = ['a']", "__all__ = ['os', 'rt']", "Callable", "q", "a = 1",
               "def g(a=1):\n    return bb", "rf'{rt}'", '"""rt"""']  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(st.sampled_from(_IMPORTS), min_size=1, max_size=4, unique=True),
    st.lists(st.sampled_from(_BLOCK_CODE), max_size=2).map("\n".join),
    st.lists(st.lists(st.sampled_from(_BLOCK_CODE), min_size=1, max_size=3).map("\n".join),
             max_size=4),
)  # fmt: skip
def test_format_file_blockwise_is_the_whole_file(
    imports: list[str], head: str, blocks: list[str]
) -> None:
    """`format_file` finds the later blocks' names block by block (memoised between runs):
    the same imports kept as a scan of the whole module, cold and warm."""
    body = '"""Doc."""\n\n' + "\n".join(imports) + "\n\n" + (head or "z = 0")
    text = "".join(f"{render.BLOCK}\n{render.PREFORMATTED}\n{b}\n" for b in [body, *blocks])
    cold = render.Formatter(enabled=False)
    whole = cold.format_block  # the file as formatted blocks, tidied as one text
    parts = [b for b in (whole(b) for b in render._split_blocks(text)) if b]
    joined = parts[0] + "".join(render._separator(p, b) + b for p, b in itertools.pairwise(parts))
    expected = render.tidy(joined + "\n")
    assert cold.format_file(text) == expected
    warm = render.Formatter(cache=cold.memo.entries, enabled=False)
    assert warm.format_file(text) == expected


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.sampled_from(["rt", "a.b", "_x", "x1", "1x", "1.e", ".", "..", " ", "\n", "(", "é",
                         "\t", "#", "=", "\x0b", "\x1c", "\x85", "_", "9", "Q", ".q"]),
        max_size=14,
    ).map("".join)
)  # fmt: skip
def test_identifier_set_is_the_regex(code: str) -> None:
    """The names a block uses, found by blanking and splitting, are the regex's."""
    assert render._identifier_set(code) == set(_IDENTIFIER.findall(code))
