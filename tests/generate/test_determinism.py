"""Two generate runs in separate processes (different hash seeds) give byte-identical
files; the generated package imports with the standard library, factory-boy and Faker only."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.generate.genlib import REPO, SAMPLES

SCRIPT = """
import sys, json
from tests.generate.genlib import build_package
pkg = build_package([{path!r}], seed=5)
json.dump(pkg.files, sys.stdout, sort_keys=True)
"""


def _run(hashseed: str) -> str:
    code = SCRIPT.format(path=str(SAMPLES / "ecommerce" / "schema.sql"))  # run in REPO
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=True
    ).stdout


def test_generate_is_byte_identical_across_processes() -> None:
    assert _run("1") == _run("4242")


ALLOWED = {"factory", "faker"}


def test_generated_imports_only_stdlib_factory_boy_and_faker(tmp_path: Path) -> None:
    from codegen.writer import write
    from tests.generate.genlib import build_package

    package = build_package([SAMPLES / "ecommerce" / "schema.sql"], seed=1)
    for rel, text in package.files.items():
        if not rel.endswith(".py"):
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or top in ALLOWED, f"{rel} imports {name}"
    write(package, tmp_path / "shopfakes")
    # run it with schemagen and its other dependencies made unimportable
    blocker = textwrap.dedent("""
        import sys
        BLOCKED = {"codegen", "sqlglot", "pglast", "jinja2", "black", "click"}
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError("blocked: " + name)
        sys.meta_path.insert(0, Block())
        sys.path.insert(0, TMP_PATH)
        import shopfakes
        shopfakes.reset(3)
        rows = shopfakes.OrdersFactory.build_batch(5)
        assert len(rows) == 5 and rows[0]["total_price"] == rows[0]["price"] * rows[0]["quantity"]
        print("ok")
        """).replace("TMP_PATH", repr(str(tmp_path)))
    out = subprocess.run(
        [sys.executable, "-c", blocker], capture_output=True, text=True, cwd=tmp_path
    )
    assert out.stdout.strip() == "ok", out.stderr
