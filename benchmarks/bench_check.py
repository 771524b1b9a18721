"""`schemagen check` on a synthetic 1000-table schema, as a ratio to a bare sqlglot parse.

    python benchmarks/bench_check.py [TABLES]

Measures, in one run (best of 3): the in-sync check (the fast path: fingerprints and file
hashes, no SQL parsed; target <= 0.3x), the drifted check after a one-table change
(regenerates in memory and explains), and a bare `sqlglot.parse` of the same SQL.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlglot
from bench_generate import run_generate, synthetic_sql

from codegen import drift
from codegen.config import Config, Run


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    tables = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        sql_path, out = Path(tmp) / "schema.sql", Path(tmp) / "fakes"
        sql = synthetic_sql(tables)
        sql_path.write_text(sql)
        print(f"generating {tables} tables ({len(sql) / 1024:.0f} KiB of SQL) ...", flush=True)
        run_generate(sql_path, out)  # `schemagen generate`, caches included
        run = Run(Config(inputs=(str(sql_path),), seed=1), (str(sql_path),), None, str(out), ())
        parse = best_of(3, lambda: sqlglot.parse(sql, read="postgres"))
        in_sync = best_of(3, lambda: drift.check(run))
        assert drift.check(run).in_sync and drift.check(run).fast
        sql_path.write_text(synthetic_sql(tables, changed=tables // 2))
        drifted = best_of(1, lambda: drift.check(run))
        report = drift.check(run)
        assert not report.in_sync, "a changed table must be reported"
    print(f"bare sqlglot.parse        {parse:7.3f} s")
    ratio = in_sync / parse
    print(f"check, in sync (fast)     {in_sync:7.3f} s   {ratio:5.2f}x parse  (target <= 0.3x)")
    print(f"check, one table changed  {drifted:7.3f} s   {drifted / parse:5.2f}x parse")
    print(f"  explained as: {report.changes[0] if report.changes else report.problems[:1]}")


if __name__ == "__main__":
    main()
