"""The PostgreSQL reader's shortcuts through pglast give pglast's own results.

`postgres.parse_unchecked` builds the trees `parser.parse_sql` builds (same node classes,
attribute values of the same types, locations), without the per-attribute checks.

`postgres.deparse` prints exactly what pglast's own `RawStream()(node)` prints.

The reader sets the nodes' ancestors itself (pglast's `populate_ancestors` builds a class
per call) and clears them after printing (so a parsed statement holds no reference cycle):
the oracle is pglast's printer on an independent parse of the same SQL, for every node of
every statement of the repository's SQL files, errors included.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pglast import ast, parser
from pglast.stream import RawStream

from codegen.parse import postgres

ROOT = Path(__file__).resolve().parents[2]
SQL_FILES = sorted(
    p for p in ROOT.rglob("*.sql") if ".git" not in p.parts and "mysql" not in p.parts
)


def _nodes(value: Any) -> Iterator[Any]:
    if isinstance(value, ast.Node):
        yield value
        for member in value:
            yield from _nodes(getattr(value, member))
    elif isinstance(value, tuple):
        for item in value:
            yield from _nodes(item)


def _printed(print_: Any, node: Any) -> tuple[str, str | None]:
    try:
        return "ok", str(print_(node))
    except Exception as error:  # the same failure counts as agreement
        return type(error).__name__, None


def _statements(path: Path) -> Any:
    try:
        return parser.parse_sql(path.read_text())
    except parser.ParseError:
        return None  # a file of deliberately bad SQL


def test_corpus_is_not_empty() -> None:
    assert len(SQL_FILES) > 20


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_deparse_matches_pglast(path: Path) -> None:
    ours, theirs = _statements(path), _statements(path)
    if ours is None:
        pytest.skip("not PostgreSQL this parser reads")
    for mine, oracle in zip(ours, theirs, strict=True):
        pairs = zip(_nodes(mine.stmt), _nodes(oracle.stmt), strict=True)
        for node, same in pairs:
            expected = _printed(lambda n: RawStream()(n), same)
            assert _printed(postgres.deparse, node) == expected, (path, type(node).__name__)


def test_deparse_leaves_no_cycle() -> None:
    """The printed tree is freed by reference counting alone: no collector run needed."""
    stmt = parser.parse_sql("CREATE TABLE t (a int CHECK (a > 0 AND a < coalesce(b, 3)))")[0]
    check = stmt.stmt.tableElts[0].constraints[0].raw_expr
    assert postgres.deparse(check) == "a > 0 AND a < COALESCE(b, 3)"
    assert all(node.ancestors is None for node in _nodes(check))
    was = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        del stmt, check
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()


def _same_tree(ours: Any, theirs: Any) -> None:
    assert type(ours) is type(theirs)
    if isinstance(ours, ast.Node):
        for member in theirs:
            _same_tree(getattr(ours, member), getattr(theirs, member))
    elif isinstance(ours, tuple):
        assert len(ours) == len(theirs)
        for mine, same in zip(ours, theirs, strict=True):
            _same_tree(mine, same)
    else:
        assert ours == theirs


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_unchecked_parse_matches_pglast(path: Path) -> None:
    theirs = _statements(path)
    if theirs is None:
        pytest.skip("not PostgreSQL this parser reads")
    ours = postgres.parse_unchecked(path.read_text())
    assert ours == theirs  # pglast's own comparison, then every value's type and location
    _same_tree(ours, theirs)


def test_unchecked_parse_restores_the_checks() -> None:
    """Hand-built trees are checked again after a parse, and after a failed one."""
    postgres.parse_unchecked("SELECT 1")
    with pytest.raises(parser.ParseError):
        postgres.parse_unchecked("SELEC 1")
    with pytest.raises(ValueError, match="Bad value"):
        ast.String(sval=1.5)  # not an int: ints take the checks even while parsing


_MANY = "; ".join(
    f"CREATE TABLE t{i} (a int CHECK (a > {i}) NOT NULL, b text DEFAULT 'x', c bool)"
    for i in range(300)
)


def test_nodes_built_by_hand_during_a_parse_keep_their_checks() -> None:
    """A parse in one thread leaves pglast's classes alone: a node built by hand in another
    thread meanwhile is checked (the parse once swapped `Node.__setattr__` itself,
    process-wide, for its length)."""
    done = threading.Event()

    def parse() -> None:
        try:
            for _ in range(6):
                postgres.parse_unchecked(_MANY)
        finally:
            done.set()

    worker = threading.Thread(target=parse)
    worker.start()
    tries = unchecked = 0
    while not done.is_set():
        tries += 1
        try:
            ast.String(sval=1.5)
        except ValueError:
            continue
        unchecked += 1
    worker.join()
    assert tries > 10 and unchecked == 0, (tries, unchecked)
    assert parser.ast is ast


def test_parses_in_threads_at_once_are_pglasts() -> None:
    """No lock: parses running together each give pglast's tree, and leave its parser
    reading its own classes. (This pglast takes the quick builders: a pglast that reads its
    classes otherwise would parse checked, slower, and fail here to say so.)"""
    assert postgres._quick_ast() is not None
    theirs = parser.parse_sql(_MANY)
    results: list[Any] = []

    def parse() -> None:
        results.extend(postgres.parse_unchecked(_MANY) for _ in range(3))

    workers = [threading.Thread(target=parse) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(results) == 12
    for ours in results:
        _same_tree(ours, theirs)
    assert parser.ast is ast
