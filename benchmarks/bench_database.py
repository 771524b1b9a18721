"""Insert speed of the generated in-memory Database against the same inserts into a local
PostgreSQL through psycopg (the issue's goal: the fake at least 10x faster).

    python benchmarks/bench_database.py [ROWS] [SOURCE]   # ROWS 2000, SOURCE embedded

Rows come from the ecommerce sample's factories (customers, then products and orders that
reference them). Both sides run the same calls through the same front door
(`Database.insert`): in memory, and `Database.connect(psycopg connection)` into a
PostgreSQL on a unix socket (autocommit, one INSERT ... RETURNING per call), plus raw
psycopg `INSERT` with no front door and no RETURNING at all, the floor of the real side,
in autocommit (a transaction per INSERT) and inside one transaction. Medians per table:
customers (uuid key, UNIQUE email and lower(email), a computed column), products (serial,
three CHECKs, a computed numeric), orders (two foreign keys, a partial UNIQUE index, two
CHECKs, three computed numerics).
"""

from __future__ import annotations

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


class Floor:
    """The least an enforcing insert can do in Python, fused by hand for these rows: copy
    the row, test each value's type, compute the generated columns, NOT NULL, CHECKs, probe
    and fill the UNIQUE indexes, probe the parents, return a copy. No defaults, sequences,
    undo log, SQLSTATE messages or front door: a floor, not a database."""

    def __init__(self, pkg: Any) -> None:
        engine = pkg.Database().backend
        self.tables = engine.tables
        for table in self.tables.values():
            table.identity = [c.name for c in table.spec.columns if c.identity]

    def insert(self, key: str, row: dict[str, Any]) -> list[dict[str, Any]]:
        table = self.tables[key]
        new = dict(row)
        for name, value in new.items():
            accept = table.stored_as_is[name]
            if value is not None and accept is not None and not accept(value):
                raise TypeError(name)
        rowid = table.next_rowid
        for name in table.identity:
            new.setdefault(name, rowid)
        for name, fn in table.computed.items():
            new[name] = fn(new)
        for name in table.not_null:
            if new.get(name) is None:
                raise ValueError(name)
        for check in table.checks:
            if check.predicate(new) is False:
                raise ValueError(check.name)
        keys = [index.key(new) if index.plain else None for index in table.indexes]
        for index, k in zip(table.indexes, keys, strict=True):
            if k is not None and k in index.keys:
                raise ValueError(index.spec.name)
        for fk in table.spec.foreign_keys:
            parent = self.tables[fk.ref_table].index_on(fk.ref_columns)
            values = tuple(new[c] for c in fk.columns)
            if parent is not None and None not in values and values not in parent.keys:
                raise ValueError(fk.name)
        table.next_rowid += 1
        table.rows[rowid] = new
        for index, k in zip(table.indexes, keys, strict=True):
            if k is not None:
                index.keys[k] = rowid
        return [dict(new)]


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
                "(floor: a hand-fused enforcing insert)": load(Floor(pkg), data),
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
    floor = medians["(floor: a hand-fused enforcing insert)"]
    for side, values in medians.items():
        if not side.startswith(("in-memory", "(floor")):
            ratios = "".join(f"{v / f:10.1f}x" for v, f in zip(values, fake, strict=True))
            print(f"  {'speed-up over ' + side:<50}{ratios}")
    best = medians["psycopg INSERT, one transaction"]
    ratios = "".join(f"{v / f:10.1f}x" for v, f in zip(best, floor, strict=True))
    print(f"  {'the floor over psycopg, one transaction':<50}{ratios}")
    print("  (goal: the fake at least 10x faster than the same insert into PostgreSQL)")


if __name__ == "__main__":
    main()
