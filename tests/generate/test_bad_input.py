"""Hostile and broken input: exit 2 with file:line:col, a warning, or bounded work; never a
traceback, never silence. Each case runs as a real `schemagen` process under a time and
memory bound (the figures are printed with -s)."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from codegen import sources
from codegen.cli import main
from codegen.errors import SchemagenError

SCHEMAGEN = [str(Path(sys.executable).parent / "schemagen")]
TIME_LIMIT = 60.0  # seconds per case, far above what each takes
MEMORY_LIMIT = 1024 * 1024 * 1024  # 1 GiB of address space per case


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT + 512 * 1024 * 1024,) * 2)


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(
        [*SCHEMAGEN, *args], cwd=cwd, capture_output=True, text=True, timeout=TIME_LIMIT,
        preexec_fn=_limit,
    )  # fmt: skip
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"{' '.join(args)}: exit {done.returncode}, {seconds:.2f} s, peak {peak // 1024} MiB"
          f"{' (or less)' if peak == before else ''}")  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    return done


def _nested(depth: int) -> str:
    expr = "a"
    for _ in range(depth):
        expr = f"coalesce({expr}, 1)"
    return expr


# (name, file text, dialect, expected exit, text expected in stderr)
CASES: list[tuple[str, Callable[[], str], str, int, str]] = [
    ("nul", lambda: "CREATE TABLE a (id int);\x00\nCREATE TABLE b (id int);\n", "postgres", 2,
     "s.sql:1:25: NUL byte in the SQL text"),
    ("coalesce40", lambda: f"CREATE TABLE t (a int, b int GENERATED ALWAYS AS ({_nested(40)})"
     " STORED);\n", "postgres", 0, ""),
    ("coalesce40_sqlite", lambda: f"CREATE TABLE t (a int, b int GENERATED ALWAYS AS"
     f" ({_nested(40)}) STORED);\n", "sqlite", 0, ""),
    ("concat200", lambda: "CREATE TABLE t (a text, b text GENERATED ALWAYS AS ("
     + " || ".join(["a"] * 200) + ") STORED);\n", "postgres", 0, ""),
    ("plus2000", lambda: "CREATE TABLE t (a int, b int GENERATED ALWAYS AS ("
     + " + ".join(["a"] * 2000) + ") STORED);\n", "postgres", 0, ""),
    ("plus2000_mysql", lambda: "CREATE TABLE t (a int, b int AS ("
     + " + ".join(["a"] * 2000) + ") STORED);\n", "mysql", 0, ""),
    ("chain10001", lambda: "CREATE TABLE t (a int,\n b int GENERATED ALWAYS AS ("
     + " + ".join(["a"] * 10_002) + ") STORED);\n", "sqlite", 2,
     "s.sql:1:1: expression nested too deeply for schemagen"),
    ("or1000", lambda: "CREATE TABLE t (a int CHECK ("
     + " OR ".join(f"a = {i}" for i in range(1000)) + "));\n", "postgres", 0, ""),
    ("or1000_mysql", lambda: "CREATE TABLE t (a int CHECK ("
     + " OR ".join(f"a = {i}" for i in range(1000)) + "));\n", "mysql", 0, ""),
    ("parens20000", lambda: "CREATE TABLE t (a int, b int GENERATED ALWAYS AS ("
     + "(" * 20000 + "a" + ")" * 20000 + ") STORED);\n", "sqlite", 2,
     "s.sql:1:1: expression nested too deeply for schemagen"),
    ("sqlglot_log", lambda: "CREATE TABLE t (a int);\nALTER TABLE t DISABLE KEYS;\n"
     "OPTIMIZE TABLE t;\nCALL foo(1);\n", "mysql", 0, ""),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_bounded_and_located(
    case: tuple[str, Callable[[], str], str, int, str], tmp_path: Path
) -> None:
    _, make, dialect, code, message = case
    (tmp_path / "s.sql").write_text(make(), encoding="utf-8")
    done = _run(["generate", "--dialect", dialect, "--out", "out", "s.sql"], tmp_path)
    assert done.returncode == code, done.stderr[-2000:]
    assert message in done.stderr
    assert "Falling back" not in done.stderr and "unsupported syntax" not in done.stderr
    if code == 0 and not message:  # everything compiled: no stub, no warning
        assert "not compiled" not in done.stderr, done.stderr[-2000:]
    if code == 0:  # the package imports
        check = _run(["check", "--dialect", dialect, "--out", "out", "s.sql"], tmp_path)
        assert check.returncode == 0, check.stderr[-2000:]


def test_check_exits_2_not_1_on_input_too_deep(tmp_path: Path) -> None:
    (tmp_path / "s.sql").write_text("CREATE TABLE t (a int);\n", encoding="utf-8")
    assert (
        _run(["generate", "--dialect", "sqlite", "--out", "out", "s.sql"], tmp_path).returncode == 0
    )
    deep = "(" * 20000 + "a" + ")" * 20000
    (tmp_path / "s.sql").write_text(
        f"CREATE TABLE t (a int, b int GENERATED ALWAYS AS ({deep}) STORED);\n", encoding="utf-8"
    )
    done = _run(["check", "--dialect", "sqlite", "--out", "out", "s.sql"], tmp_path)
    assert done.returncode == 2 and "s.sql:1:1: expression nested too deeply" in done.stderr


def _invoke(args: list[str], cwd: Path) -> tuple[int, str]:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args)
    finally:
        os.chdir(old)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_folder_without_sql_is_bad_input_like_an_empty_glob(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "README.md").write_text("notes\n")
    assert _invoke(["inspect", "migrations"], tmp_path) == (
        2, "error: migrations: no SQL files (*.sql) in this folder\n"
    )  # fmt: skip
    code, output = _invoke(["inspect", "migrations/*.sql"], tmp_path)
    assert code == 2 and "no SQL files match" in output


def test_dangling_symlink_and_loop_in_migrations(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "1_init.sql").write_text("CREATE TABLE a (id int);\n")
    (folder / "loop").symlink_to(folder)  # a loop of folders: not followed, not an error
    assert _invoke(["inspect", "migrations"], tmp_path)[0] == 0
    (folder / "2_gone.sql").symlink_to(tmp_path / "nowhere.sql")
    assert _invoke(["inspect", "migrations"], tmp_path) == (
        2, "error: migrations/2_gone.sql: a symlink to nothing readable (skip it or fix it)\n"
    )  # fmt: skip
    (folder / "2_gone.sql").unlink()
    (folder / "3_self.sql").symlink_to(folder / "3_self.sql")  # a symlink loop
    code, output = _invoke(["inspect", "migrations"], tmp_path)
    assert code == 2 and "3_self.sql: a symlink to nothing readable" in output


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.sql"
    path.write_text("CREATE TABLE a (id int);\n")
    path.chmod(0)
    try:
        code, output = _invoke(["inspect", "secret.sql"], tmp_path)
    finally:
        path.chmod(0o644)
    assert code == 2 and "secret.sql: cannot read (Permission denied)" in output


def test_a_file_that_cannot_be_read_is_bad_input(tmp_path: Path) -> None:
    """The OS refuses the read (here: a folder where a file was expected)."""
    (tmp_path / "x.sql").mkdir()
    with pytest.raises(SchemagenError, match=r"^x.sql: cannot read \(Is a directory\)$"):
        sources.read_file(tmp_path / "x.sql", tmp_path)


# Statements sqlglot reads only by "falling back to parsing as a 'Command'", which it logs
LOGGED_BY_SQLGLOT = [
    "CREATE TABLE p (a int) PARTITION BY HASH(a) PARTITIONS 4",
    "CREATE SPATIAL INDEX s ON t (g)",
    "CREATE USER u",
    "ALTER TABLE t DISABLE KEYS",
    "CALL foo(1)",
]
_LOCATED = re.compile(r"warning: s\.sql:\d+:\d+: \S.*|    \S.*")


def test_sqlglot_log_lines_never_reach_the_user(tmp_path: Path) -> None:
    """sqlglot logs these statements (checked first, so the test cannot pass vacuously);
    the command's stderr holds only schemagen's located warnings and their SQL lines."""
    import logging

    import sqlglot

    logger = logging.getLogger("sqlglot")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    try:
        for statement in LOGGED_BY_SQLGLOT:
            sqlglot.parse(statement, read="mysql")
    finally:
        logger.setLevel(level)
        logger.removeHandler(handler)
    assert len([r for r in records if "Falling back" in r.getMessage()]) == len(LOGGED_BY_SQLGLOT)

    text = "CREATE TABLE t (a int, g int);\n" + ";\n".join(LOGGED_BY_SQLGLOT) + ";\n"
    (tmp_path / "s.sql").write_text(text, encoding="utf-8")
    done = _run(["generate", "--dialect", "mysql", "--out", "out", "s.sql"], tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines and all(_LOCATED.fullmatch(line) for line in lines), done.stderr
    assert "warning: s.sql:3:1: CREATE statement that sqlglot cannot parse" in done.stderr
