"""The snippet runner checks what a snippet's comments state, and only that."""

from __future__ import annotations

from typing import Any

import pytest

from tests.docs.run_statements import run_block, stated_value


def run(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    run_block(source, 0, namespace)
    return namespace


def test_stated_values_are_checked() -> None:
    run("1 + 1   # 2\n'a.b'.split('.')   # ['a', 'b']: the parts\n")
    run("from decimal import Decimal\nDecimal('1.50') * 2   # Decimal('3.00')\n")
    with pytest.raises(SystemExit, match="line 1: the comment says 3, the value is 2"):
        run("1 + 1   # 3\n")


def test_prose_comments_are_not_values() -> None:
    run("x = 1   # 5: an assignment is not checked\nx   # the same\nx   # client.rpc(...)\n")
    assert stated_value("the same") == (False, None)
    assert stated_value("'example.com': the generated column") == (True, "example.com")


def test_a_stated_error_must_be_raised_with_its_words() -> None:
    run("int('x')\n# ValueError: invalid literal for int()\n#   with base 10: 'x'\n")
    with pytest.raises(SystemExit, match="line 1: expected ValueError: nope"):
        run("int('x')\n# ValueError: nope\n")
    with pytest.raises(SystemExit, match="nothing was raised"):
        run("int('1')\n# ValueError: invalid literal\n")
    with pytest.raises(SystemExit, match="line 2: NameError"):
        run("x = 1\nundefined_name\n")
