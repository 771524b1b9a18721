"""Progress on a terminal, silence elsewhere."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from codegen.cli import main
from codegen.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_one_line_rewritten_in_place() -> None:
    out = Terminal()
    progress = Progress(out, interval=0)
    count = progress.counter("statements formatted")
    count()
    count()
    progress.clear()
    text = out.getvalue()
    assert "\r1 statements formatted" in text and "\r2 statements formatted" in text
    assert text.endswith("\r") and "\n" not in text


def test_counts_are_throttled() -> None:
    out = Terminal()
    count = Progress(out, interval=3600).counter("x")
    for _ in range(100):
        count()
    assert out.getvalue().count("\r") <= 1


def test_a_pipe_gets_nothing() -> None:
    out = io.StringIO()
    progress = Progress(out, interval=0)
    progress.show("parsing")
    progress.counter("x")()
    progress.clear()
    assert out.getvalue() == ""


def test_generate_is_quiet_when_not_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.sql").write_text("CREATE TABLE t (id serial PRIMARY KEY, n int);\n")
    result = CliRunner().invoke(main, ["generate", "s.sql", "--out", "fakes"])
    assert result.exit_code == 0, result.output
    assert "\r" not in result.output
