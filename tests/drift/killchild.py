"""Run `schemagen generate migrations --out fakes` and SIGKILL this process at the Nth
file-system step inside `writer.write` (the kill tests of test_integrity.py).

A real process, not a fork of the test session: forking a pytest process that runs threads
(psycopg, the plugin's background clones) can leave the child waiting on a lock forever.

    python killchild.py KILL_AT EXCHANGE STEPS
KILL_AT 0 never kills; EXCHANGE 0 runs as on a system without renameat2; STEPS is a
comma-separated list of the `os` functions that count as steps. The number of steps taken
is written to $STEPS_FILE.

    python killchild.py serve
The same, many times over: this process imports what `generate` needs once (most of a
child's second) and, for each `KILL_AT EXCHANGE STEPS` line read from stdin, forks a child
that runs as above; it says `ready` once imported, then answers each line with `pid N`
and `exit CODE` (-9: killed). It runs no thread
and no `generate` of its own, so each child starts as a fresh process would after its
imports, and is killed for real.
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


def serve() -> int:
    import codegen.pipeline  # noqa: F401  (what a generate imports, before any fork)

    print("ready", flush=True)
    for line in sys.stdin:
        kill_at, exchange, steps = line.split()
        pid = os.fork()
        if pid == 0:  # the child: its output is not this protocol's
            code = 70
            try:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.dup2(null, 2)
                code = main(int(kill_at), exchange == "1", tuple(steps.split(",")))
            finally:
                os._exit(code)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {os.waitstatus_to_exitcode(status)}", flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        sys.exit(serve())
    sys.exit(main(int(sys.argv[1]), sys.argv[2] == "1", tuple(sys.argv[3].split(","))))
