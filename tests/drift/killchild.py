"""Run `schemagen generate migrations --out fakes` and SIGKILL this process at the Nth
file-system step inside `writer.write` (the kill tests of test_integrity.py).

A real process, not a fork of the test session: forking a pytest process that runs threads
(psycopg, the plugin's background clones) can leave the child waiting on a lock forever.

    python killchild.py KILL_AT EXCHANGE STEPS
KILL_AT 0 never kills; EXCHANGE 0 runs as on a system without renameat2; STEPS is a
comma-separated list of the `os` functions that count as steps. The number of steps taken
is written to $STEPS_FILE.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from click.testing import CliRunner

from codegen import cli, writer

KILLABLE = ("replace", "rename", "link", "open", "unlink", "rmdir", "mkdir", "chmod")


def main(kill_at: int, exchange: bool, steps: tuple[str, ...]) -> int:
    taken = [0]
    active = [False]
    if not exchange:
        writer._renameat2 = lambda: None

    def counted(name: str, real: Any) -> Any:
        def step(*args: Any, **kwargs: Any) -> Any:
            if active[0] and name in steps:
                taken[0] += 1
                if taken[0] == kill_at:
                    os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        return step

    for name in KILLABLE:
        setattr(os, name, counted(name, getattr(os, name)))
    writer._exchange = counted("exchange", writer._exchange)
    real_write = writer.write

    def write(*args: Any, **kwargs: Any) -> Any:
        active[0] = True
        result = real_write(*args, **kwargs)
        active[0] = False
        with open(os.environ["STEPS_FILE"], "w") as handle:
            handle.write(str(taken[0]))
        return result

    writer.write = write
    return CliRunner().invoke(cli.main, ["generate", "migrations", "--out", "fakes"]).exit_code


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), sys.argv[2] == "1", tuple(sys.argv[3].split(","))))
