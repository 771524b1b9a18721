"""No import cycle anywhere in `codegen/`: the graph is read from the source (every
`import`, including ones inside functions), so a lazy import cannot hide a loop.

Imports under `if TYPE_CHECKING:` are left out: they never run. `importlib` is not allowed
in `codegen/` (an edge it makes is invisible here).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "codegen"


def modules(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module under `package`."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _runtime_nodes(tree: ast.AST) -> Iterable[ast.AST]:
    """Every node except those under `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def imports_of(name: str, path: Path, known: Mapping[str, Path]) -> set[str]:
    """The modules of `known` that module `name` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    edges = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            edges |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            module = [node.module] if node.module else []
            target = ".".join([*base, *module] if node.level else module)
            subs = {f"{target}.{alias.name}" for alias in node.names}
            edges |= subs & known.keys()
            if subs - known.keys():  # a name defined in `target` itself
                edges.add(target)
    return {e for e in edges if e in known and e != name}


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def import_graph() -> dict[str, set[str]]:
    known = modules(PACKAGE)
    return {name: imports_of(name, path, known) for name, path in known.items()}


def test_codegen_has_no_import_cycle() -> None:
    assert cycles(import_graph()) == []


RUNTIMES = PACKAGE / "runtimes"  # run inside the generated package, which they import by name
# imports the user's generated package (not a codegen module) for the pytest fixtures
TEST_PACKAGE = PACKAGE / "testpackage.py"
BY_NAME = ("import_module(", "__import__(")


def test_codegen_does_not_import_by_name() -> None:
    """`importlib.import_module` would make edges this test cannot see. The runtimes are
    exempt: they are copied into generated packages and import within those."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in modules(PACKAGE).values()
        if RUNTIMES not in path.parents
        and path != TEST_PACKAGE
        and any(call in path.read_text(encoding="utf-8") for call in BY_NAME)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "files, expected",
    [
        # a lazy import inside a function still closes the loop
        ({"a.py": "import p.b\n", "b.py": "def f():\n    from . import a\n"}, [["p.a", "p.b"]]),
        # the package __init__ importing a submodule that imports a sibling: no loop
        ({"__init__.py": "from . import a\n", "a.py": "from . import b\n", "b.py": ""}, []),
        # a name (not a submodule) from the package: an edge to __init__, which imports a
        ({"__init__.py": "from .a import f\n", "a.py": "from . import g\n"}, [["p", "p.a"]]),
        # TYPE_CHECKING imports never run
        (
            {
                "a.py": "import typing\nif typing.TYPE_CHECKING:\n    from .b import B\n",
                "b.py": "from .a import A\n",
            },
            [],
        ),
    ],
)
def test_cycle_finder(tmp_path: Path, files: dict[str, str], expected: list[list[str]]) -> None:
    """The finder itself: loops it must see and non-loops it must not report."""
    package = tmp_path / "p"
    package.mkdir()
    for rel, text in {"__init__.py": "", **files}.items():
        (package / rel).write_text(text)
    known = modules(package)
    graph = {name: imports_of(name, path, known) for name, path in known.items()}
    assert cycles(graph) == expected
