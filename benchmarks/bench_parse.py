"""Parse + build the schema model of a synthetic 1000-table schema, against sqlglot alone.

    python benchmarks/bench_parse.py [--tables N] [--repeat K]

Synthesises a PostgreSQL schema (enums, varied column types, foreign keys, CHECKs, indexes
and one generated column per table), then times, best of K runs in this same process:

- `pipeline.load`: read the file, parse it (pglast), apply every statement in the catalog
  and resolve types and foreign keys: everything `schemagen inspect` does before printing;
- a bare `sqlglot.parse(text, read="postgres")` of the same text: no model at all.

It prints both and their ratio, then the same for a SQLite flavour of the schema, which
schemagen reads with sqlglot (so that is where sqlglot's compiled build, sqlglotc, would
show), and whether sqlglotc is installed.

    python benchmarks/bench_parse.py --cold 1000 5000 [--code DIR] [--repeat K] [--wide]

`--cold`: whole `generate` processes on bench_scale.py's schema (fresh output folder, empty
cache folder), each over a bare `sqlglot.parse` process of the same SQL just before it (CPU
from `wait4`); with `--code DIR` (e.g. an unpacked `git archive main`) the two checkouts run
in turn, K times each, and the medians are printed side by side with peak RSS.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlglot  # noqa: E402
from sqlglot import tokens  # noqa: E402

from codegen import pipeline  # noqa: E402

logging.getLogger("sqlglot").setLevel(logging.ERROR)


def postgres_schema(n: int, seed: int = 1) -> str:
    rnd = random.Random(seed)
    out = [
        "CREATE TYPE status AS ENUM ('new', 'active', 'suspended', 'closed');",
        "CREATE TYPE tier AS ENUM ('bronze', 'silver', 'gold');",
    ]
    for i in range(n):
        t = f"t{i:04d}"
        cols = [
            "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
            "code varchar(32) NOT NULL UNIQUE",
            f"name text NOT NULL CHECK (length(name) <= {rnd.randint(50, 500)})",
            f"price numeric({rnd.randint(8, 14)},2) NOT NULL DEFAULT 0 CHECK (price >= 0)",
            f"quantity integer NOT NULL DEFAULT {rnd.randint(0, 9)} CHECK (quantity >= 0)",
            "status status NOT NULL DEFAULT 'new'",
            "created_at timestamptz NOT NULL DEFAULT now()",
        ]
        for j in range(rnd.randint(0, 6)):
            cols.append(rnd.choice([
                f"note_{j} text",
                f"flag_{j} boolean NOT NULL DEFAULT false",
                f"data_{j} jsonb NOT NULL DEFAULT '{{}}'",
                f"ref_{j} uuid DEFAULT gen_random_uuid()",
                f"tags_{j} text[]",
                f"level_{j} tier",
                f"ratio_{j} double precision CHECK (ratio_{j} BETWEEN 0 AND 1)",
            ]))  # fmt: skip
        if i:
            parent = f"t{rnd.randrange(i):04d}"
            cols.append(f"parent_id bigint REFERENCES {parent} (id) ON DELETE CASCADE")
        cols.append("total numeric GENERATED ALWAYS AS (price * quantity) STORED")
        out.append(f"CREATE TABLE {t} (\n    " + ",\n    ".join(cols) + "\n);")
        out.append(f"CREATE INDEX {t}_created_idx ON {t} (created_at DESC);")
        if rnd.random() < 0.3:
            out.append(f"CREATE UNIQUE INDEX {t}_open_idx ON {t} (code) WHERE status = 'new';")
        if rnd.random() < 0.2:
            out.append(f"COMMENT ON TABLE {t} IS 'table number {i}';")
    return "\n\n".join(out) + "\n"


def sqlite_schema(n: int, seed: int = 1) -> str:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        t = f"t{i:04d}"
        cols = [
            "id INTEGER PRIMARY KEY",
            "code VARCHAR(32) NOT NULL UNIQUE",
            "name TEXT NOT NULL CHECK (length(name) <= 200)",
            "price NUMERIC(10,2) NOT NULL DEFAULT 0 CHECK (price >= 0)",
            "quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity >= 0)",
            "status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'active', 'closed'))",
            "created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP",
        ]
        for j in range(rnd.randint(0, 6)):
            cols.append(rnd.choice([f"note_{j} TEXT", f"flag_{j} BOOLEAN NOT NULL DEFAULT 0",
                                    f"ratio_{j} REAL"]))  # fmt: skip
        if i:
            cols.append(f"parent_id INTEGER REFERENCES t{rnd.randrange(i):04d} (id)")
        cols.append("total NUMERIC GENERATED ALWAYS AS (price * quantity) STORED")
        out.append(f"CREATE TABLE {t} (\n    " + ",\n    ".join(cols) + "\n);")
        out.append(f"CREATE INDEX {t}_created_idx ON {t} (created_at);")
    return "\n\n".join(out) + "\n"


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(text: str, dialect: str, repeat: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "schema.sql").write_text(text)
        load = best_of(repeat, lambda: pipeline.load(["schema.sql"], dialect, cwd=folder))
        tables = len(pipeline.load(["schema.sql"], dialect, cwd=folder).schema.tables)
    bare = best_of(repeat, lambda: sqlglot.parse(text, read=dialect))
    return load, bare, tables


def cold(sizes: list[int], code: Path | None, repeat: int, wide: bool) -> None:
    """Cold `generate` over a bare parse, paired with another checkout's when `code` is set."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_generate import synthetic_sql
    from bench_scale import CLI, PARSE, WARM_UP, measure, wide_sql

    checkouts = {"this": ROOT} | ({"--code": code} if code else {})
    envs = {}
    for name, where in checkouts.items():
        env = dict(os.environ, PYTHONPATH=str(where))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([sys.executable, "-c", WARM_UP], env=env, check=True)
        envs[name] = env
    make = wide_sql if wide else synthetic_sql
    for n in sizes:
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in checkouts}
        for rep in range(repeat):
            for name in list(checkouts)[:: 1 if rep % 2 == 0 else -1]:  # alternate who goes first
                folder = Path(tempfile.mkdtemp(prefix="sgcold"))
                env = dict(envs[name], SCHEMAGEN_CACHE_DIR=str(folder / "cache"))
                try:
                    (folder / "schema.sql").write_text(make(n))
                    parse = measure(["-c", PARSE, str(folder / "schema.sql")], env, folder)
                    gen = ["-c", CLI, "generate", "schema.sql", "--out", "fakes", "--seed", "1"]
                    run = measure(gen, env, folder)
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
                runs[name].append((run["cpu"] / parse["cpu"], run["cpu"], run["rss"]))
        for name, got in runs.items():
            ratios = [r for r, _, _ in got]
            unit = "columns" if wide else "tables"
            cpu = statistics.median(c for _, c, _ in got)
            rss = statistics.median(m for _, _, m in got)
            print(
                f"{n} {unit}, {name}: cold {statistics.median(ratios):.2f}x a bare parse"
                f" (median of {[round(r, 2) for r in ratios]}), {cpu:.2f} s CPU,"
                f" {rss:.0f} MiB peak; load {os.getloadavg()[0]:.1f}"
            )


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--tables", type=int, default=1000)
    args.add_argument("--repeat", type=int, default=3)
    args.add_argument("--cold", type=int, nargs="+", default=None, help="whole processes at N")
    args.add_argument("--code", type=Path, default=None, help="a checkout to pair --cold with")
    args.add_argument("--wide", action="store_true", help="--cold: one table of N columns")
    options = args.parse_args()
    if options.cold:
        cold(options.cold, options.code, options.repeat, options.wide)
        return
    compiled = "yes" if tokens.SQLGLOTC_INSTALLED else "no"
    print(f"sqlglot {sqlglot.__version__} (compiled sqlglotc: {compiled}), "
          f"Python {sys.version.split()[0]}, best of {options.repeat}")  # fmt: skip
    for dialect, make in (("postgres", postgres_schema), ("sqlite", sqlite_schema)):
        text = make(options.tables)
        load, bare, tables = measure(text, dialect, options.repeat)
        print(f"{dialect:8}  {tables} tables, {len(text) / 1e6:.2f} MB: "
              f"pipeline.load {load:.3f} s, bare sqlglot.parse {bare:.3f} s, "
              f"ratio {load / bare:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
