"""The dialect object: one per database, and code asks it instead of comparing its name."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from codegen import dialect
from codegen.config import Config
from codegen.errors import SchemagenError

CODEGEN = Path(__file__).resolve().parents[2] / "codegen"
NAME = re.compile(r"""["'](postgres|sqlite|mysql)["']""")
# Allowed to test the name: the runtimes, which run inside the generated package (standard
# library only, no dialect object there) and read the dialect's name from its _settings.py.
RUNTIMES = "runtimes/"


def name_tests(path: Path) -> list[str]:
    """`dialect == "sqlite"`-style comparisons in one module, as `line: source`."""
    source = path.read_text(encoding="utf-8")
    if "dialect" not in source or not NAME.search(source):
        return []  # nothing to compare: no need to parse
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        # The node's whole lines first: get_source_segment splits the whole file on every
        # call (35 s over codegen/), and these lines hold the node's text.
        around = "\n".join(lines[node.lineno - 1 : node.end_lineno])
        if "dialect" not in around or not NAME.search(around):
            continue
        text = ast.get_source_segment(source, node) or ""
        if "dialect" in text and NAME.search(text):
            found.append(f"{node.lineno}: {text}")
    return found


def test_no_code_compares_a_dialect_name() -> None:
    offenders = {
        rel: found
        for path in sorted(CODEGEN.rglob("*.py"))
        if not (rel := path.relative_to(CODEGEN).as_posix()).startswith(RUNTIMES)
        and (found := name_tests(path))
    }
    assert offenders == {}


def test_the_finder_sees_a_name_test(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('def f(d):\n    return 1 if d.dialect != "mysql" else 2\n')
    assert name_tests(module) == ['2: d.dialect != "mysql"']


def test_one_object_per_name() -> None:
    assert [d.name for d in dialect.DIALECTS.values()] == list(dialect.NAMES)
    assert dialect.of("sqlite") is dialect.SQLITE is dialect.of(dialect.SQLITE)
    assert Config(dialect="mysql").sql_dialect is dialect.MYSQL
    assert {d.default_schema for d in dialect.DIALECTS.values()} == {"public", "main", ""}


def test_unknown_name_is_a_clear_error() -> None:
    with pytest.raises(SchemagenError, match=r"unknown dialect 'oracle' \(expected one of"):
        dialect.of("oracle")
