"""A test run killed with SIGTERM (a CI timeout, `kill`) or SIGKILL leaves no database server
running: atexit does not run then, so a watchdog (`codegen/watchdog.py`) stops it.

Each test starts a real pytest subprocess whose test holds a server (the plugin's PostgreSQL
from each source, the tests' MariaDB), kills it once the server is up, and watches the
server's process go and its directory be removed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from codegen.watchdog import _alive
from tests.myserver import MyUnavailable, _binary

ROOT = Path(__file__).resolve().parents[2]

# the plugin's session database; the test reports where its server keeps its data and waits
PLUGIN_TEST = """
    import time
    from pathlib import Path


    def test_hold_the_server(db):
        data = db.execute("SELECT setting FROM pg_settings WHERE name = 'data_directory'")
        Path("server.txt").write_text(data.fetchone()[0])
        time.sleep(120)
"""

MARIADB_TEST = """
    import time
    from pathlib import Path

    from tests.myserver import MyServer


    def test_hold_the_server():
        server = MyServer.start()
        Path("server.txt").write_text(f"{server.base} {server.process.pid}")
        time.sleep(120)
"""


def _run(
    tmp_path: Path, test: str, env: dict[str, str], *args: str
) -> tuple[str, subprocess.Popen[bytes]]:
    """Start pytest on `test` and wait until it wrote server.txt: what it wrote, the run."""
    (tmp_path / "test_hold.py").write_text(textwrap.dedent(test))
    run = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, "test_hold.py"],
        cwd=tmp_path, env={**os.environ, **env}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, start_new_session=True,  # its own process group
    )  # fmt: skip
    marker = tmp_path / "server.txt"
    deadline = time.monotonic() + 180
    while not marker.exists() or not marker.read_text():
        if run.poll() is not None or time.monotonic() > deadline:
            run.kill()
            output = run.communicate()[0].decode(errors="replace")
            pytest.fail(f"the run did not start its server:\n{output[-3000:]}")
        time.sleep(0.1)
    return marker.read_text(), run


def _kill(run: subprocess.Popen[bytes], sig: int, group: bool = False) -> None:
    """`sig` to the run (`group`: to every process of it, xdist's workers too)."""
    if group:
        os.killpg(run.pid, sig)
    else:
        run.send_signal(sig)
    run.communicate(timeout=30)
    assert run.returncode == -sig


def _gone(pid: int, directory: Path) -> None:
    deadline = time.monotonic() + 20
    while (_alive(pid) or directory.exists()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid), f"server {pid} still runs after the test run was killed"
    assert not directory.exists(), f"{directory} left behind"


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("source", "sig", "args"),
    [
        ("embedded", signal.SIGTERM, ()),
        ("binaries", signal.SIGTERM, ()),
        ("binaries", signal.SIGKILL, ()),
        ("embedded", signal.SIGKILL, ("-n", "2")),  # xdist's workers share one server: all
        # of them are killed (the group), none stops it
    ],
)
def test_plugin_postgres_dies_with_the_run(
    tmp_path: Path, source: str, sig: int, args: tuple[str, ...]
) -> None:
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (id int PRIMARY KEY);\n")
    (tmp_path / "pyproject.toml").write_text('[tool.schemagen]\ninputs = ["schema.sql"]\n')
    env = {"SCHEMAGEN_PG_SOURCES": source, "SCHEMAGEN_DATABASE_URL": ""}
    data, run = _run(tmp_path, PLUGIN_TEST, env, *args)
    pid = int((Path(data) / "postmaster.pid").read_text().split("\n", 1)[0])
    assert _alive(pid)
    _kill(run, sig, group=bool(args))
    # embedded keeps its data in the folder it removes; binaries in base/data
    _gone(pid, Path(data) if source == "embedded" else Path(data).parent)


@pytest.mark.mysql
def test_tests_mariadb_dies_with_the_run(tmp_path: Path) -> None:
    try:
        _binary("mariadbd")
    except MyUnavailable as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(error))
    env = {"PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    text, run = _run(tmp_path, MARIADB_TEST, env)
    _kill(run, signal.SIGTERM)
    base, pid = text.split(" ")
    _gone(int(pid), Path(base))


# The watchdog alone, on a stand-in server (`sleep`): no database needed.

OWNER = """
import os, sys
from pathlib import Path
from codegen import watchdog

server, marker, directory, release = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), sys.argv[4]
guard = watchdog.guard(marker, pid=server, remove=directory)
print(guard.process.pid, flush=True)
if release == "yes":
    guard.release()
os._exit(0)  # no atexit, no cleanup: as a killed process
"""


def _stand_in(tmp_path: Path, marker: str, release: bool) -> tuple[subprocess.Popen[bytes], int]:
    """A `sleep` standing in for a server, guarded by a process that then dies at once."""
    server = subprocess.Popen(["sleep", "60"], start_new_session=True)
    (tmp_path / "data").mkdir()
    owner = subprocess.run(
        [sys.executable, "-c", OWNER, str(server.pid), marker, str(tmp_path / "data"),
         "yes" if release else "no"],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    return server, int(owner.stdout.split()[0])


def _ended(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


def test_the_watchdog_stops_the_server_of_a_dead_owner(tmp_path: Path) -> None:
    server, watchdog = _stand_in(tmp_path, "60", release=False)
    assert server.wait(timeout=10) == -signal.SIGTERM
    assert _ended(watchdog) and not (tmp_path / "data").exists()


def test_a_released_watchdog_leaves_at_once(tmp_path: Path) -> None:
    server, watchdog = _stand_in(tmp_path, "60", release=True)
    try:
        assert _ended(watchdog)
        assert server.poll() is None and (tmp_path / "data").exists()
    finally:
        server.kill()
        server.wait()


def test_a_pid_now_held_by_another_program_is_not_signalled(tmp_path: Path) -> None:
    """The server's pid is signalled only while its command line holds the marker (its
    data directory): never a process that got the pid after the server ended."""
    server, watchdog = _stand_in(tmp_path, "not-in-its-command-line", release=False)
    try:
        assert _ended(watchdog)
        assert server.poll() is None and not (tmp_path / "data").exists()
    finally:
        server.kill()
        server.wait()
