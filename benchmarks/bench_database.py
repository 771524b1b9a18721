"""Insert speed of the generated in-memory Database against the same inserts into a local
PostgreSQL through psycopg (the issue's goal: the fake at least 10x faster).

    python benchmarks/bench_database.py [ROWS] [SOURCE]   # ROWS 2000, SOURCE embedded

Rows come from the ecommerce sample's factories (customers, then products and orders that
reference them). Both sides run the same calls through the same front door
(`Database.insert`): in memory, and `Database.connect(psycopg connection)` into a
PostgreSQL on a unix socket (autocommit, one INSERT ... RETURNING per call), plus raw
psycopg `INSERT` with no front door at all, the floor of the real side.
"""

from __future__ import annotations

import importlib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from codegen import pipeline, writer  # noqa: E402
from codegen import server as pgserver  # noqa: E402
from codegen.config import Config  # noqa: E402
from codegen.generate import generate  # noqa: E402

SCHEMA = ROOT / "sample_schemas" / "ecommerce" / "schema.sql"


def package(root: Path) -> Any:
    built = pipeline.load([str(SCHEMA)], "postgres")
    config = Config(inputs=(str(SCHEMA),), seed=1)
    writer.write(generate(built.schema, config, "bench"), root / "bench_pkg")
    sys.path.insert(0, str(root))
    return importlib.import_module("bench_pkg")


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


def load(db: Any, data: dict[str, list[dict[str, Any]]]) -> list[float]:
    """Insert every row, one call each; returns microseconds per insert."""
    times = []
    products: list[Any] = []
    for key in ("customers", "products", "orders"):
        for i, row in enumerate(data[key]):
            if key == "orders":
                row = {**row, "product_id": products[i]}
            start = time.perf_counter()
            stored = db.insert(key, row)
            times.append((time.perf_counter() - start) * 1e6)
            if key == "products":
                products.append(stored[0]["id"])
    return times


def raw(conn: Any, data: dict[str, list[dict[str, Any]]]) -> list[float]:
    """The customers alone through psycopg's cursor.execute: no front door at all."""
    times = []
    for row in data["customers"]:
        cols = ", ".join(f'"{c}"' for c in row)
        sql = f"INSERT INTO customers ({cols}) VALUES ({', '.join('%s' for _ in row)})"
        start = time.perf_counter()
        conn.execute(sql, list(row.values()))
        times.append((time.perf_counter() - start) * 1e6)
    return times


def show(what: str, us: list[float]) -> float:
    median = statistics.median(us)
    print(f"  {what:<40} median {median:8.1f} us   p90 {sorted(us)[int(len(us) * 0.9)]:8.1f} us"
          f"   ({len(us)} inserts)")  # fmt: skip
    return median


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    source = sys.argv[2] if len(sys.argv) > 2 else "embedded"
    with tempfile.TemporaryDirectory() as tmp:
        pkg = package(Path(tmp))
        data = rows(pkg, n)
        server = pgserver.find_server(order=(source,))
        try:
            print(f"ecommerce sample, {n} rows per table; PostgreSQL {server.version()} ({source})")
            fake = show("in-memory Database.insert", load(pkg.Database(), data))
            with server.database() as conn:
                conn.execute(SCHEMA.read_text(encoding="utf-8"))  # type: ignore[call-overload]
                real = show("Database.connect(psycopg).insert",
                            load(pkg.Database.connect(conn), data))  # fmt: skip
            with server.database() as conn:
                conn.execute(SCHEMA.read_text(encoding="utf-8"))  # type: ignore[call-overload]
                floor = show("psycopg INSERT (customers only)", raw(conn, data))
        finally:
            server.stop()
    print(f"  speed-up: {real / fake:.1f}x over the same front door, {floor / fake:.1f}x over"
          " raw psycopg (goal: >= 10x)")


if __name__ == "__main__":
    main()
