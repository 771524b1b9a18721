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
"""

from __future__ import annotations

import argparse
import logging
import random
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


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--tables", type=int, default=1000)
    args.add_argument("--repeat", type=int, default=3)
    options = args.parse_args()
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
