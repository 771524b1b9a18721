"""What the pytest plugin's fixtures cost, on the bundled PostgreSQL samples.

    python benchmarks/bench_plugin.py [SOURCE ...]     # embedded (default), binaries, url

Measures: session start-up (server start, then the template built from each sample's SQL
as written), the per-test overhead of `db` (begin + rollback + leak check; goal <= 5 ms)
and of `transactional_db` (goal <= 150 ms) for tests that commit one row and run 0, 50 or
200 ms: what the test waits for at its start and end, the test's own time taken out.
Beside it, serially, the two ways to a clean database: a new clone (CREATE + DROP
DATABASE) and a reset in place (codegen/dbreset.py). Median and p90.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from codegen import dbreset, sources, testdb  # noqa: E402
from codegen import server as pgserver  # noqa: E402

SAMPLES = {  # sample -> the row a test commits
    "sample_schemas/ecommerce/schema.sql": "INSERT INTO customers (email) VALUES ('a@b.c')",
    "sample_schemas/ecommerce_migrations":
        "INSERT INTO customers (email, phone) VALUES ('a@b.c', '1')",
    "sample_schemas/rental/schema.sql": "INSERT INTO store (name, city) VALUES ('a', 'b')",
}  # fmt: skip
ROLLBACKS, CLONES = 300, 20


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def show(what: str, ms: list[float], goal: float | None = None) -> None:
    median, p90 = statistics.median(ms), sorted(ms)[int(len(ms) * 0.9)]
    verdict = "" if goal is None else ("  ok" if median <= goal else f"  OVER the {goal} ms goal")
    print(f"  {what:<34} median {median:8.2f} ms   p90 {p90:8.2f} ms{verdict}")


WORK = (0.0, 0.05, 0.2)  # how long the benchmark's tests run, in seconds


def bench(source: str) -> None:
    start = time.perf_counter()
    server = pgserver.find_server(order=(source,))
    print(f"{source}: PostgreSQL {server.version()}, started in "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")  # fmt: skip
    table: list[str] = []
    try:
        for sample, write in SAMPLES.items():
            files = sources.collect([sample], str(ROOT))
            start = time.perf_counter()
            backend = testdb.PostgresBackend(server, files)
            took = (time.perf_counter() - start) * 1000
            print(f" {sample}: template + session clone {took:.0f} ms")

            def rollback(backend: testdb.PostgresBackend = backend) -> None:
                conn = backend.begin()
                conn.execute("SELECT 1")
                assert backend.end(conn)

            def serial(backend: testdb.PostgresBackend = backend) -> None:  # the clone alone
                name = server.create_database(backend.template)
                server.connect(name).close()
                server.drop_database(name)

            show("db (rollback) per test", timed(rollback, ROLLBACKS), 5)
            show("clone + drop, serial", timed(serial, CLONES))
            show("reset in place, serial", resets(backend, write))
            cells = {}
            for reuse in (False, True):  # a clone per test (before), a reset database (now)
                cloning = testdb.PostgresBackend(server, files, reuse=reuse)
                for work in WORK:
                    ms = per_test(cloning, write, work)
                    label = "reset" if reuse else "clone per test"
                    show(f"transactional_db, {label}, {work * 1000:.0f} ms tests", ms, 150)
                    cells[reuse, work] = statistics.median(ms)
                cloning.close()
            row = [f"{cells[False, w]:.0f} -> {cells[True, w]:.0f} ms" for w in WORK]
            table.append(f"| {Path(sample).parts[1]} | " + " | ".join(row) + " |")
            backend.close()
            server.drop_database(backend.template)
    finally:
        server.stop()
    print("\ntransactional_db per test, median, clone per test -> reset (tests commit one row)")
    print("| sample | " + " | ".join(f"{w * 1000:.0f} ms tests" for w in WORK) + " |")
    print("|---|" + "---|" * len(WORK))
    print(*table, sep="\n")


def per_test(backend: testdb.PostgresBackend, write: str, work: float) -> list[float]:
    """What a test that commits one row and runs `work` seconds waits for, beyond its work.
    The first call (the pool's first clone, made at the session's first such test) is left
    out: it is session start-up."""

    def test() -> None:
        conn, cleanup = backend.clone()
        conn.execute(write)
        conn.commit()
        time.sleep(work)  # the test's own work, while the last database is reset
        cleanup()

    test()
    return [t - work * 1000 for t in timed(test, CLONES)]


def resets(backend: testdb.PostgresBackend, write: str) -> list[float]:
    """A reset in place after a committed row, alone (no pool, no overlap with a test)."""
    name = backend.server.create_database(backend.template)
    times = []
    with backend.server.connect(name) as admin:
        base = dbreset.baseline(admin)
        for _ in range(CLONES):
            since = dbreset.mark(admin)
            with backend.server.connect(name) as conn:
                conn.execute(write)
            start = time.perf_counter()
            assert dbreset.reset(admin, base, since)
            times.append((time.perf_counter() - start) * 1000)
    backend.server.drop_database(name)
    return times


def main() -> None:
    for source in sys.argv[1:] or ["embedded"]:
        bench(source)


if __name__ == "__main__":
    main()
