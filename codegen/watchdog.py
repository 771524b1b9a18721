"""Stop a database server when the process that started it dies, however it dies: atexit
runs on neither SIGTERM nor SIGKILL nor a crash, so a killed test run used to leave its
PostgreSQL (and the tests' MariaDB) running.

`guard()` starts this file as a small process of its own, in its own session (a signal to
the test run's process group does not reach it), holding the read end of a pipe whose write
end only the owner holds. When the owner dies the kernel closes that end; the watchdog reads
end-of-file, waits until no other process it was told about still uses the server (pytest-
xdist workers share one), sends the server its signal (SIGQUIT: PostgreSQL's immediate
shutdown; SIGTERM, then SIGKILL, for another), and removes its directory. `Guard.release()`,
after the owner stopped the server itself, sends the watchdog away.

Standard library only: it runs by path (`python -I watchdog.py`), importing no schemagen.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Guard:
    """The owner's side: the pipe's write end and the watchdog process."""

    fd: int | None
    process: subprocess.Popen[bytes] | None

    def release(self) -> None:
        """The server is stopped: the watchdog leaves without touching anything."""
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        with contextlib.suppress(OSError):
            os.write(fd, b"x")
        os.close(fd)
        if self.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)


def guard(
    marker: str,
    *,
    pid: int | None = None,
    pid_file: Path | None = None,
    sig: int = signal.SIGTERM,
    remove: Path | None = None,
    holders: Path | None = None,
) -> Guard:
    """Watch the calling process for the server whose process is `pid` (or the first line of
    `pid_file`, read when the owner dies) and whose command line holds `marker` (its data
    directory: a pid reused by another process is never signalled); `holders`: a JSON list
    of the pids sharing the server."""
    if os.name != "posix":
        return Guard(None, None)
    spec = {"owner": os.getpid(), "marker": marker, "pid": pid, "signal": int(sig),
            "pid_file": str(pid_file) if pid_file else None,
            "remove": str(remove) if remove else None,
            "holders": str(holders) if holders else None}  # fmt: skip
    read, write = os.pipe()  # neither end is inherited by other children (O_CLOEXEC)
    try:
        spec["fd"] = read
        process = subprocess.Popen(
            [sys.executable, "-I", __file__, json.dumps(spec)],
            pass_fds=(read,), start_new_session=True, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    except BaseException:
        os.close(write)
        raise
    finally:
        os.close(read)
    return Guard(write, process)


# ---------------------------------------------------------------------- the watchdog's side


def _alive(pid: int) -> bool:
    """The process runs (a zombie, exited but not yet reaped by its parent, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rpartition(")")[2].split()[0] not in ("Z", "X")
    return True


def _cmdline(pid: int) -> str | None:
    """The process's command line (None where /proc does not say)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return raw.replace(b"\0", b" ").decode(errors="replace")


def _others(spec: dict[str, object]) -> list[int]:
    """The processes besides the dead owner still using a shared server."""
    if not spec["holders"]:
        return []
    try:
        pids = json.loads(Path(str(spec["holders"])).read_text())
    except (OSError, ValueError):
        return []
    return [p for p in pids if isinstance(p, int) and p != spec["owner"] and _alive(p)]


def _server_pid(spec: dict[str, object]) -> int | None:
    if isinstance(spec["pid"], int):
        return spec["pid"]
    try:
        first = Path(str(spec["pid_file"])).read_text().split("\n", 1)[0]
    except (OSError, TypeError):
        return None
    return int(first) if first.strip().isdigit() else None


def _stop(spec: dict[str, object]) -> None:
    pid = _server_pid(spec)
    line = _cmdline(pid) if pid is not None else None
    if pid is not None and _alive(pid) and (line is None or str(spec["marker"]) in line):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, int(str(spec["signal"])))
        deadline = time.monotonic() + 15
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    if spec["remove"]:
        shutil.rmtree(str(spec["remove"]), ignore_errors=True)


def main(spec: dict[str, object]) -> None:
    fd = int(str(spec["fd"]))
    try:
        released = os.read(fd, 1)
    except OSError:
        released = b""
    if released:
        return
    while _others(spec):
        time.sleep(0.5)
    _stop(spec)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's ^C is for the test run
    main(json.loads(sys.argv[1]))
