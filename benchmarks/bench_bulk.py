"""create_batch(n) against executemany of the same rows built beforehand (the issue's goal:
create_batch within 2x), and against create() one row at a time.

    python benchmarks/bench_bulk.py [ROWS] [SOURCE]   # ROWS 2000, SOURCE embedded

The rows are the ecommerce sample's `orders`, each with its `customers` and `products`
parent, into a local PostgreSQL on a unix socket through psycopg, and into a SQLite file.
Each side runs in a fresh database, in one transaction committed at the end (the commit is
timed); the server's fsync and synchronous_commit settings are printed.

- create_batch(n): builds the rows (Faker, CHECKs, computed columns) and inserts them:
  one pipelined executemany ... RETURNING * per table, parents first;
- executemany: the same rows built beforehand (not timed), inserted with psycopg's
  executemany, parents first, no RETURNING: the floor of a bulk insert from Python;
- create() per row: an INSERT ... RETURNING * round trip per row and per parent.

create_batch's insert phase (the rows built, then inserted and committed) is printed
apart: building the rows (Faker above all) costs more than inserting them.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_database import package, settings  # noqa: E402

from codegen import server as pgserver  # noqa: E402

SCHEMA = ROOT / "sample_schemas" / "ecommerce" / "schema.sql"
SQLITE_SCHEMA = ROOT / "sample_schemas" / "sqlite" / "schema.sql"
TABLES = ("customers", "products", "orders")


def prebuilt(pkg: Any, key: str, n: int) -> dict[str, list[dict[str, Any]]]:
    """n chains built by the factory, split per table; minus what the database computes."""
    pkg.reset(1)
    out: dict[str, list[dict[str, Any]]] = {}
    for _ in range(n):
        chain = pkg.FACTORIES[key].build_chain()
        for table, row in [*chain.parents, (key, chain.row)]:
            spec = pkg.FACTORIES[table]._spec
            keep = {c: v for c, v in row.items() if c in spec.insert}
            out.setdefault(table, []).append(keep)
    return out


def executemany(conn: Any, data: dict[str, list[dict[str, Any]]], mark: str) -> float:
    start = time.perf_counter()
    cursor = conn.cursor()
    for table, rows in data.items():
        names = list(rows[0])
        columns = ", ".join(f'"{c}"' for c in names)
        sql = f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join(mark for _ in names)})'
        cursor.executemany(sql, [[_plain(row[c]) for c in names] for row in rows])
    conn.commit()
    return time.perf_counter() - start


def _plain(value: Any) -> Any:
    import json

    return json.dumps(value) if isinstance(value, (dict, list)) else value


def through(pkg: Any, conn: Any, key: str, n: int, batch: bool) -> tuple[float, float]:
    """Seconds of the whole call (commit included), and of create_batch's insert phase."""
    flush, inserting = pkg._runtime._flush, [0.0]

    def timed(pending: Any) -> Any:  # the insert phase: rows already built
        start = time.perf_counter()
        try:
            return flush(pending)
        finally:
            inserting[0] += time.perf_counter() - start

    pkg.bind(conn)
    pkg.reset(1)
    pkg._runtime._flush = timed
    try:
        start = time.perf_counter()
        if batch:
            pkg.FACTORIES[key].create_batch(n)
        else:
            for _ in range(n):
                pkg.FACTORIES[key].create()
        done = time.perf_counter()
        conn.commit()
        end = time.perf_counter()
        return end - start, inserting[0] + end - done
    finally:
        pkg.bind(None)
        pkg._runtime._flush = flush


def postgres(pkg: Any, n: int, source: str) -> None:
    server = pgserver.find_server(order=(source,))
    sql = SCHEMA.read_text(encoding="utf-8")
    try:
        print(f"PostgreSQL {server.version()} ({source}), unix socket, {settings(server)};"
              f" orders with their 2 parents, {n} each")  # fmt: skip
        data = prebuilt(pkg, "orders", n)
        times: dict[str, float] = {}
        for what in ("executemany", "create_batch", "create"):
            with server.database() as conn:
                conn.execute(sql)  # type: ignore[call-overload]
                conn.autocommit = False
                if what == "executemany":
                    times[what] = executemany(conn, data, "%s")
                else:
                    whole, inserting = through(pkg, conn, "orders", n, what == "create_batch")
                    times[what] = whole
                    if what == "create_batch":
                        times["create_batch: its insert phase"] = inserting
        show(times, 3 * n)
    finally:
        server.stop()


def sqlite(pkg: Any, n: int) -> None:
    print(f"SQLite {sqlite3.sqlite_version} (a file, one transaction); {n} rows per factory")
    sql = SQLITE_SCHEMA.read_text(encoding="utf-8")
    key = next(k for k, f in pkg.FACTORIES.items() if f._spec.fks)
    data = prebuilt(pkg, key, n)
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for what in ("executemany", "create_batch", "create"):
            conn = sqlite3.connect(Path(tmp) / f"{what}.db")
            conn.executescript(sql)
            conn.execute("PRAGMA foreign_keys=ON")
            try:
                if what == "executemany":
                    times[what] = executemany(conn, data, "?")
                else:
                    whole, inserting = through(pkg, conn, key, n, what == "create_batch")
                    times[what] = whole
                    if what == "create_batch":
                        times["create_batch: its insert phase"] = inserting
            finally:
                conn.close()
    show(times, sum(len(rows) for rows in data.values()), f"({key} with its parents)")


def show(times: dict[str, float], rows: int, what: str = "") -> None:
    floor = times["executemany"]
    for name, seconds in times.items():
        print(f"  {name:<40} {seconds:7.3f} s  {rows / seconds:9.0f} rows/s"
              f"  {seconds / floor:5.2f}x executemany {what}")  # fmt: skip


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    source = sys.argv[2] if len(sys.argv) > 2 else "embedded"
    with tempfile.TemporaryDirectory() as tmp:
        postgres(package(Path(tmp), SCHEMA, "postgres", "bulk_pg"), n, source)
        sqlite(package(Path(tmp), SQLITE_SCHEMA, "sqlite", "bulk_lite"), n)


if __name__ == "__main__":
    main()
