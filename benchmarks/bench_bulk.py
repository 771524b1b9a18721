"""create_batch(n) against executemany of the same rows built beforehand (the issue's goal:
create_batch within 2x), on PostgreSQL, SQLite and MariaDB.

    python benchmarks/bench_bulk.py [ROWS] [REPEATS] [DATABASES] [--code DIR]
    # ROWS 1000, REPEATS 3, DATABASES postgres,sqlite,mysql
    # --code DIR: another checkout's codegen generates the package (an unpacked `git archive`
    # of main), so before and after run on the same machine state

The rows are `orders`, each with its `customers` and `products` parent (the ecommerce sample
for PostgreSQL, its MySQL twin for MariaDB; for SQLite the sqlite sample's first table with
a foreign key, with its parents), into a local server on a unix socket (psycopg, PyMySQL)
or a SQLite file. Each side runs in a fresh database, in one transaction committed at the
end (the commit is timed). Per repetition, each side in turn, wall time:

- executemany: the rows built beforehand (not timed), inserted with the driver's
  executemany, parents first, no RETURNING: the floor of a bulk insert from Python (PyMySQL
  turns it into multi-row INSERTs);
- create_batch(n): builds the rows (Faker, CHECKs, computed columns) and inserts them, and
  its insert phase alone (the rows built, then inserted and committed);
- hand-built + executemany: building n orders with their parents through hand-written
  factory-boy factories (bench_build.py's: every constraint honoured, the same Faker
  providers), plus the executemany above: the floor of "build realistic rows, then insert";
- create() per row (up to 2000 rows): a round trip per row and per parent.

Ratios are to executemany of the same repetition; the median is printed, then each one. The
report is in two parts: (a) the insert phase against executemany (the issue's 2x goal for
what schemagen adds to an insert), (b) the whole call against executemany and against the
hand-written floor, with its build phase (the whole minus the insert phase: Faker, CHECKs,
computed columns, parents). Each line also gives microseconds per inserted row: where
executemany of a row costs less than building a realistic one (SQLite in-process), the
whole call cannot come within 2x of it.
Two measures: wall time, and CPU time (this process's, plus the database server's: the
PostgreSQL backend serving the connection, the whole mariadbd), which a loaded machine
disturbs far less than wall time (on 2 shared cores wall-time ratios vary 2-3x between
repetitions); CPU leaves out the waits of each round trip, which wall time counts.
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _code() -> Path:
    """`--code DIR` (taken out of argv): the checkout whose codegen runs; this one by default."""
    if "--code" not in sys.argv:
        return ROOT
    at = sys.argv.index("--code")
    code = Path(sys.argv[at + 1]).resolve()
    del sys.argv[at : at + 2]
    return code


sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _use(code: Path) -> None:
    """`code`'s codegen, imported now: bench_database puts ROOT first on the path."""
    sys.path.insert(0, str(code))
    import codegen  # noqa: F401


_use(_code())

import bench_build  # noqa: E402
from bench_database import package  # noqa: E402

from codegen import server as pgserver  # noqa: E402

SAMPLES = ROOT / "sample_schemas"
Data = dict[str, list[dict[str, Any]]]


def prebuilt(pkg: Any, key: str, n: int) -> Data:
    """n chains built by the factory, split per table; minus what the database computes."""
    pkg.reset(1)
    out: Data = {}
    for _ in range(n):
        chain = pkg.FACTORIES[key].build_chain()
        for table, row in [*chain.parents, (key, chain.row)]:
            spec = pkg.FACTORIES[table]._spec
            keep = {c: v for c, v in row.items() if c in spec.insert}
            out.setdefault(table, []).append(keep)
    return out


Times = tuple[float, float]  # wall seconds, CPU seconds (client and server)


class Clock:
    """Wall and CPU time; `server` gives the server's CPU seconds so far."""

    def __init__(self, server: Callable[[], float]) -> None:
        self.server = server

    def now(self) -> Times:
        return time.perf_counter(), time.process_time() + self.server()

    def since(self, start: Times) -> Times:
        end = self.now()
        return end[0] - start[0], end[1] - start[1]


def process_cpu(pid: int) -> float:
    """CPU seconds a process has used (user and system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def executemany(conn: Any, data: Data, mark: str, quote: str, clock: Clock) -> Times:
    start = clock.now()
    cursor = conn.cursor()
    for table, rows in data.items():
        names = list(rows[0])
        columns = ", ".join(f"{quote}{c}{quote}" for c in names)
        marks = ", ".join(mark for _ in names)
        sql = f"INSERT INTO {quote}{table}{quote} ({columns}) VALUES ({marks})"
        cursor.executemany(sql, [[_plain(row[c]) for c in names] for row in rows])
    conn.commit()
    return clock.since(start)


def _plain(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, (dict, list)) else value


def through(
    pkg: Any, conn: Any, key: str, n: int, batch: bool, clock: Clock
) -> tuple[Times, Times]:
    """The whole call (commit included), and create_batch's insert phase."""
    flush, inserting = pkg._runtime._flush, [0.0, 0.0]

    def timed(pending: Any) -> Any:  # the insert phase: rows already built
        start = clock.now()
        try:
            return flush(pending)
        finally:
            spent = clock.since(start)
            inserting[0] += spent[0]
            inserting[1] += spent[1]

    pkg.bind(conn)
    pkg.reset(1)
    pkg._runtime._flush = timed
    try:
        start = clock.now()
        if batch:
            pkg.FACTORIES[key].create_batch(n)
        else:
            for _ in range(n):
                pkg.FACTORIES[key].create()
        done = clock.now()
        conn.commit()
        whole = clock.since(start)
        commit = clock.since(done)
        return whole, (inserting[0] + commit[0], inserting[1] + commit[1])
    finally:
        pkg.bind(None)
        pkg._runtime._flush = flush


def hand_built(n: int) -> Times:
    """n orders with their parents from the hand-written factory-boy factories."""
    bench_build.fake.seed_instance(1)
    bench_build.rng.seed(1)
    clock = Clock(lambda: 0.0)
    start = clock.now()
    for _ in range(n):
        bench_build.HandOrders()
    return clock.since(start)


class Target:
    """One database: how to open a fresh one with the schema loaded, and its SQL marks."""

    def __init__(self, name: str, schema: Path, dialect: str, mark: str, quote: str) -> None:
        self.name, self.schema, self.dialect = name, schema, dialect
        self.mark, self.quote = mark, quote
        self.fresh: Callable[[], Any] = lambda: None
        self.stop: Callable[[], None] = lambda: None
        self.server_cpu: Callable[[Any], Callable[[], float]] = lambda conn: lambda: 0.0


def postgres() -> Target:
    target = Target("PostgreSQL", SAMPLES / "ecommerce" / "schema.sql", "postgres", "%s", '"')
    server = pgserver.find_server(order=("embedded",))
    sql = target.schema.read_text(encoding="utf-8")

    def fresh() -> Iterator[Any]:
        with server.database() as conn:
            conn.execute(sql)  # type: ignore[call-overload]
            conn.autocommit = False
            yield conn

    target.name = f"PostgreSQL {server.version()} (embedded, unix socket)"
    target.fresh, target.stop = fresh, server.stop
    target.server_cpu = lambda conn: lambda: process_cpu(conn.info.backend_pid)
    return target


def sqlite() -> Target:
    target = Target("SQLite", SAMPLES / "sqlite" / "schema.sql", "sqlite", "?", '"')
    sql = target.schema.read_text(encoding="utf-8")
    tmp = tempfile.TemporaryDirectory()
    count = [0]

    def fresh() -> Iterator[Any]:
        count[0] += 1
        conn = sqlite3.connect(Path(tmp.name) / f"{count[0]}.db")
        conn.executescript(sql)
        conn.execute("PRAGMA foreign_keys=ON")
        try:
            yield conn
        finally:
            conn.close()

    target.name = f"SQLite {sqlite3.sqlite_version} (a file)"
    target.fresh, target.stop = fresh, tmp.cleanup
    return target


def mysql() -> Target:
    from tests.myserver import MyServer, load

    target = Target("MariaDB", SAMPLES / "mysql" / "schema.sql", "mysql", "%s", "`")
    server = MyServer.start()
    sql = target.schema.read_text(encoding="utf-8")

    def fresh() -> Iterator[Any]:
        with server.database() as conn:
            load(conn, sql)
            yield conn

    with server.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT VERSION()")
        target.name = f"MariaDB {cursor.fetchone()[0]} (PyMySQL, unix socket)"
    target.fresh, target.stop = fresh, server.stop
    assert server.process is not None
    pid = server.process.pid
    target.server_cpu = lambda conn: lambda: process_cpu(pid)
    return target


def run(target: Target, n: int, repeats: int, tmp: Path) -> None:
    pkg = package(tmp, target.schema, target.dialect, f"bulk_{target.dialect}")
    key = (
        "orders"
        if "orders" in pkg.FACTORIES
        else next(k for k, f in pkg.FACTORIES.items() if f._spec.fks)
    )
    data = prebuilt(pkg, key, n)
    rows = sum(len(r) for r in data.values())
    sides = ["executemany", "create_batch", "create_batch: its insert phase",
             "create_batch: its build phase", "hand-built + executemany",
             "hand-built: building alone"]  # fmt: skip
    sides += ["create() per row"] if n <= 2000 else []
    times: dict[str, list[Times]] = {side: [] for side in sides}
    for _ in range(repeats):
        for side in sides:
            if side.startswith(("create_batch: its", "hand-built")):
                continue
            fresh = target.fresh()
            conn = next(fresh)
            clock = Clock(target.server_cpu(conn))
            try:
                if side == "executemany":
                    many = executemany(conn, data, target.mark, target.quote, clock)
                    times[side].append(many)
                    hand = hand_built(n)
                    times["hand-built + executemany"].append((hand[0] + many[0], hand[1] + many[1]))
                    times["hand-built: building alone"].append(hand)
                else:
                    whole, inserting = through(pkg, conn, key, n, side == "create_batch", clock)
                    times[side].append(whole)
                    if side == "create_batch":
                        times["create_batch: its insert phase"].append(inserting)
                        build = (whole[0] - inserting[0], whole[1] - inserting[1])
                        times["create_batch: its build phase"].append(build)
            finally:
                fresh.close()
    print(f"{target.name}: {n} {key} with their parents, {rows} rows, one transaction")
    for measure, index in (("wall", 0), ("CPU", 1)):
        show(measure, rows, {side: [t[index] for t in each] for side, each in times.items()})


# The report's two questions, each side against executemany of the same prebuilt rows:
# (a) what schemagen does to put built rows in and read them back; (b) the whole call, and
# the hand-written floor of building realistic rows and inserting them.
PARTS = {
    "(a) insert phase": ["create_batch: its insert phase"],
    "(b) whole": [
        "create_batch",
        "create_batch: its build phase",
        "hand-built + executemany",
        "hand-built: building alone",
        "create() per row",
    ],
}


def show(measure: str, rows: int, times: dict[str, list[float]]) -> None:
    floor = times["executemany"]
    line(measure, "executemany", rows, floor, floor)
    for part, sides in PARTS.items():
        print(f"  {measure:>4} {part}")
        for side in (s for s in sides if s in times):
            line(measure, side, rows, times[side], floor)
    whole, hand = times["create_batch"], times["hand-built + executemany"]
    ratios = [w / h for w, h in zip(whole, hand, strict=True)]
    each = ", ".join(f"{r:.2f}" for r in ratios)
    print(f"  {measure:>4} create_batch / hand-built + executemany:"
          f" {statistics.median(ratios):.2f}x ({each})")  # fmt: skip


def line(measure: str, side: str, rows: int, seconds: list[float], floor: list[float]) -> None:
    ratios = [s / f for s, f in zip(seconds, floor, strict=True)]
    each = ", ".join(f"{r:.2f}" for r in ratios)
    middle = statistics.median(seconds)
    print(f"  {measure:>4} {side:<32} {middle:7.3f} s {middle / rows * 1e6:7.1f} us/row"
          f"  {statistics.median(ratios):5.2f}x executemany ({each})")  # fmt: skip


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    chosen = sys.argv[3].split(",") if len(sys.argv) > 3 else ["postgres", "sqlite", "mysql"]
    makers = {"postgres": postgres, "sqlite": sqlite, "mysql": mysql}
    print(f"codegen of {Path(pgserver.__file__).resolve().parent.parent}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in chosen:
            target = makers[name]()
            try:
                run(target, n, repeats, Path(tmp))
            finally:
                target.stop()


if __name__ == "__main__":
    main()
