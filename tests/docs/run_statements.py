"""Run a page's Python snippets as written, in one namespace, in the user's project (the
current directory), in a process of their own: `python run_statements.py blocks.json`.

A snippet's comments are checked where they state an outcome:
- `# SomeError: message` on the lines after a statement: the statement must raise an
  exception of that class whose text starts with the message (whitespace folded, so a
  message wrapped over `#   ` continuation lines still compares);
- `expression   # value` where the comment starts with a Python literal (`True`,
  `'example.com'`, `['a', 'b']`, `Decimal('59.97')`): the expression must equal it.
Any other comment is prose. Exit 1 with `line N: what went wrong` at the first failure.
"""

from __future__ import annotations

import ast
import io
import json
import re
import sys
import tokenize
from decimal import Decimal
from typing import Any

_RAISES = re.compile(r"^(\w+(?:Error|Exception)): (.*)$")
_VALUE_CALLS = {"Decimal": Decimal}


def comments(source: str) -> dict[int, str]:
    """Line number -> the comment on that line, `#` included."""
    return {
        token.start[0]: token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    }


def expected_raise(stmt: ast.stmt, after: int, notes: dict[int, str]) -> tuple[str, str] | None:
    """`# Name: message` (and `#   ...` continuation lines) right after the statement."""
    line = stmt.end_lineno or stmt.lineno
    if line + 1 >= after:  # the next statement's own comment
        return None
    match = _RAISES.match(notes.get(line + 1, "#")[1:].strip())
    if match is None:
        return None
    message = [match.group(2)]
    for number in range(line + 2, after):
        text = notes.get(number, "")
        if not text.startswith("#   "):
            break
        message.append(text[1:])
    return match.group(1), " ".join(" ".join(message).split())


def stated_value(comment: str) -> tuple[bool, Any]:
    """(True, value) when the comment starts with a literal: the longest prefix, up to a
    `:` or the end, that reads as one."""
    cuts = [len(comment)] + [i for i, c in enumerate(comment) if c == ":"]
    for cut in sorted(cuts, reverse=True):
        text = comment[:cut].strip()
        try:
            tree = ast.parse(text, mode="eval").body
        except SyntaxError:
            continue
        if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name):
            if tree.func.id in _VALUE_CALLS and all(isinstance(a, ast.Constant) for a in tree.args):
                return True, _VALUE_CALLS[tree.func.id](*(a.value for a in tree.args))  # type: ignore[union-attr]
            continue
        try:
            return True, ast.literal_eval(tree)
        except ValueError:
            continue
    return False, None


def run_block(source: str, first_line: int, namespace: dict[str, Any]) -> None:
    tree = ast.parse(source)
    notes = comments(source)
    statements = tree.body
    for index, stmt in enumerate(statements):
        where = f"line {first_line + stmt.lineno}"
        after = statements[index + 1].lineno if index + 1 < len(statements) else 10**9
        raises = expected_raise(stmt, after, notes)
        code = ast.Module(body=[stmt], type_ignores=[])
        if raises is not None:
            name, message = raises
            try:
                exec(compile(code, "<snippet>", "exec"), namespace)
            except Exception as error:  # the stated one, checked below
                got = " ".join(str(error).split())
                if type(error).__name__ != name or not got.startswith(message):
                    sys.exit(
                        f"{where}: expected {name}: {message}\n got {type(error).__name__}: {got}"
                    )
                continue
            sys.exit(f"{where}: expected {name}: {message}, nothing was raised")
        try:
            if not isinstance(stmt, ast.Expr):
                exec(compile(code, "<snippet>", "exec"), namespace)
                continue
            value = eval(compile(ast.Expression(stmt.value), "<snippet>", "eval"), namespace)
        except Exception as error:
            sys.exit(f"{where}: {type(error).__name__}: {error}")
        comment = notes.get(stmt.end_lineno or stmt.lineno, "#")[1:].strip()
        stated, expected = stated_value(comment)
        if stated and value != expected:
            sys.exit(f"{where}: the comment says {expected!r}, the value is {value!r}")


def main() -> None:
    sys.path.insert(0, ".")  # the project, as `pythonpath = ["."]` puts it
    namespace: dict[str, Any] = {"__name__": "__snippet__"}
    with open(sys.argv[1], encoding="utf-8") as listing:
        blocks = json.load(listing)
    for block in blocks:
        run_block(block["text"], block["line"], namespace)


if __name__ == "__main__":
    main()
