"""Insert speed of the generated in-memory Database against the same inserts into a local
PostgreSQL through psycopg (the issue's goal: the fake at least 10x faster).

    python benchmarks/bench_database.py [ROWS] [SOURCE]   # ROWS 2000, SOURCE embedded

Rows come from the ecommerce sample's factories (customers, then products and orders that
reference them). Both sides run the same calls through the same front door
(`Database.insert`): in memory, and `Database.connect(psycopg connection)` into a
PostgreSQL on a unix socket (autocommit, one INSERT ... RETURNING per call), plus raw
psycopg `INSERT` with no front door and no RETURNING at all, the floor of the real side,
in autocommit (a transaction per INSERT) and inside one transaction, on our test server's
settings (fsync, full_page_writes and synchronous_commit off), then in autocommit once more
with PostgreSQL's defaults (durable commits: what a local server is for most users). The
in-memory side runs twice: with the generated one-row inserts, and on the engine's general
path alone (the same-run before/after). Medians per table:
customers (uuid key, UNIQUE email and lower(email), a computed column), products (serial,
three CHECKs, a computed numeric), orders (two foreign keys, a partial UNIQUE index, two
CHECKs, three computed numerics).
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from codegen import pipeline, writer  # noqa: E402
from codegen import server as pgserver  # noqa: E402
from codegen.config import Config  # noqa: E402
from codegen.generate import generate  # noqa: E402

SCHEMA = ROOT / "sample_schemas" / "ecommerce" / "schema.sql"


def package(
    root: Path, schema: Path = SCHEMA, dialect: str = "postgres", name: str = "bench_pkg"
) -> Any:
    """The generated package of `schema`, imported (bench_build and bench_bulk use it too)."""
    built = pipeline.load([str(schema)], dialect)
    config = Config(inputs=(str(schema),), seed=1, dialect=dialect)  # type: ignore[arg-type]
    writer.write(generate(built.schema, config, name), root / name)
    sys.path.insert(0, str(root))
    return importlib.import_module(name)


def settings(server: Any) -> str:
    """How durable the server's commits are (what an INSERT in autocommit waits for)."""
    with server.database() as conn:
        return ", ".join(
            f"{name}={conn.execute(f'SHOW {name}').fetchone()[0]}"  # type: ignore[index]
            for name in ("fsync", "synchronous_commit")
        )


def rows(pkg: Any, n: int) -> dict[str, list[dict[str, Any]]]:
    """n rows per table, minus what the database fills itself (generated, identity)."""
    pkg.reset(1)
    out: dict[str, list[dict[str, Any]]] = {}
    for key in ("customers", "products", "orders"):
        spec = next(t for t in pkg.SCHEMA.tables if t.key == key)
        drop = {c.name for c in spec.columns if c.generated or c.identity}
        out[key] = [{k: v for k, v in pkg.FACTORIES[key].build().items() if k not in drop}
                    for _ in range(n)]  # fmt: skip
    for i, order in enumerate(out["orders"]):
        order["customer_id"] = out["customers"][i]["id"]
    return out


def walk(
    data: dict[str, list[dict[str, Any]]], insert: Callable[[str, dict[str, Any]], Any]
) -> dict[str, list[float]]:
    """Every row, parents first, one `insert(table, row)` each (it returns a product's id);
    microseconds per insert, per table."""
    times: dict[str, list[float]] = {}
    products: list[Any] = []
    for key in ("customers", "products", "orders"):
        for i, row in enumerate(data[key]):
            if key == "orders":
                row = {**row, "product_id": products[i]}
            start = time.perf_counter()
            made = insert(key, row)
            times.setdefault(key, []).append((time.perf_counter() - start) * 1e6)
            if key == "products":
                products.append(made)
    return times


def load(db: Any, data: dict[str, list[dict[str, Any]]]) -> dict[str, list[float]]:
    """Through the front door: Database.insert (INSERT ... RETURNING * on a real one)."""
    return walk(data, lambda key, row: db.insert(key, row)[0].get("id"))


def raw(conn: Any, data: dict[str, list[dict[str, Any]]]) -> dict[str, list[float]]:
    """The same rows through psycopg's cursor.execute: no front door at all, no RETURNING
    (but the products' ids)."""

    def insert(key: str, row: dict[str, Any]) -> Any:
        cols = ", ".join(f'"{c}"' for c in row)
        sql = f"INSERT INTO {key} ({cols}) VALUES ({', '.join('%s' for _ in row)})"
        values = [json.dumps(v) if isinstance(v, (dict, list)) else v for v in row.values()]
        if key != "products":
            return conn.execute(sql, values)
        return conn.execute(sql + " RETURNING id", values).fetchone()[0]

    times = walk(data, insert)
    if not conn.autocommit:
        conn.commit()
    return times


def general(pkg: Any) -> Any:
    """The same Database without the generated one-row inserts: the engine's general path
    (what every insert took before; it still takes what those hand on)."""
    engine = importlib.import_module(f"{pkg.__name__}._database").Engine
    return pkg.Database(engine(dataclasses.replace(pkg.SCHEMA, inserts=None)))


def durable(server: Any) -> None:
    """Back to PostgreSQL's defaults (fsync, full_page_writes, synchronous_commit on): what
    a local server is for most users; our test servers turn durability off."""
    with server.connect() as conn:
        for key in ("fsync", "full_page_writes", "synchronous_commit"):
            conn.execute(f"ALTER SYSTEM RESET {key}")  # type: ignore[arg-type]
        conn.execute("SELECT pg_reload_conf()")
    deadline = time.monotonic() + 10
    while "fsync=on" not in settings(server) and time.monotonic() < deadline:
        time.sleep(0.05)  # the postmaster rereads the file asynchronously


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    source = sys.argv[2] if len(sys.argv) > 2 else "embedded"
    sql = SCHEMA.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        pkg = package(Path(tmp))
        data = rows(pkg, n)
        server = pgserver.find_server(order=(source,))
        try:
            print(f"ecommerce sample, {n} rows per table; PostgreSQL {server.version()} ({source}),"
                  f" unix socket, {settings(server)}")  # fmt: skip
            sides = {
                "in-memory Database.insert": load(pkg.Database(), data),
                "(the general path: no generated inserts)": load(general(pkg), data),
            }
            with server.database() as conn:
                conn.execute(sql)  # type: ignore[call-overload]
                sides["Database.connect(psycopg), autocommit"] = load(
                    pkg.Database.connect(conn), data
                )
            for autocommit in (True, False):
                with server.database() as conn:
                    conn.execute(sql)  # type: ignore[call-overload]
                    conn.autocommit = autocommit
                    what = "autocommit" if autocommit else "one transaction"
                    sides[f"psycopg INSERT, {what}"] = raw(conn, data)
            durable(server)
            print(f"  then PostgreSQL's defaults: {settings(server)}")
            with server.database() as conn:
                conn.execute(sql)  # type: ignore[call-overload]
                conn.autocommit = True
                sides["psycopg INSERT, autocommit, default server"] = raw(conn, data)
        finally:
            server.stop()
    report(sides)


def report(sides: dict[str, dict[str, list[float]]]) -> None:
    """Median microseconds per insert, per table; the fake's speed-up over each real side."""
    tables = ("customers", "products", "orders")
    print(f"  {'median us per insert':<50}" + "".join(f"{t:>11}" for t in tables))
    medians = {side: [statistics.median(times[t]) for t in tables] for side, times in sides.items()}
    for side, values in medians.items():
        print(f"  {side:<50}" + "".join(f"{v:11.1f}" for v in values))
    fake = medians["in-memory Database.insert"]
    for side, values in medians.items():
        if not side.startswith("in-memory"):
            ratios = "".join(f"{v / f:10.1f}x" for v, f in zip(values, fake, strict=True))
            print(f"  {'speed-up over ' + side.strip('()'):<50}{ratios}")
    print("  (goal: the fake at least 10x faster than the same insert into PostgreSQL)")


if __name__ == "__main__":
    main()
