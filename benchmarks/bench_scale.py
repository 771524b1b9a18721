"""The scale table of issue 16: whole processes at N tables, as ratios to a bare parse.

    python benchmarks/bench_scale.py 100 1000 5000 [--code DIR] [--json FILE]
    python benchmarks/bench_scale.py 1000 10000 --wide    # one table of N columns

For each N, on the synthetic schema of bench_generate.py (FK, UNIQUE, CHECKs, enum,
generated column), in one run and in this order: a bare `sqlglot.parse` of the SQL in a new
process (the unit), `generate` cold (fresh output, no caches), `check` in sync, `check` after
a one-table change, `generate` warm after that change, `inspect --format json`, and an import
of the generated package. Each step is a new process (what users and pre-commit pay); its
CPU (user + sys), wall time and peak RSS come from `wait4`. Ratios are CPU over the bare
parse's CPU of the same run (2 shared cores make wall time noisy); CPU per table (ms) beside
them shows whether a step is linear. The caches live in a temp directory of the run's own
(`SCHEMAGEN_CACHE_DIR`), removed after it.

`--wide`: N is the column count of one table (the types of the synthetic schema in turn,
every third column NOT NULL with a CHECK), the change adds a column.

`--code DIR` runs another checkout's `codegen` (e.g. an unpacked `git archive` of main), so
before and after come from the same machine state.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_generate import synthetic_sql

PARSE = "import sqlglot, sys; sqlglot.parse(open(sys.argv[1]).read(), read='postgres')"
CLI = "import sys; from codegen.cli import main; main(sys.argv[1:])"
IMPORT = "import sys; sys.path.insert(0, sys.argv[1]); import fakes"
WARM_UP = (
    "import codegen, compileall, os;"
    " compileall.compile_dir(os.path.dirname(codegen.__file__), quiet=1)"
)


def wide_sql(columns: int, changed: int | None = None) -> str:
    """One table of `columns` columns (a 10,000-column table must stay linear too)."""
    kinds = ["text", "varchar(80)", "numeric(10,2)", "integer", "timestamptz", "jsonb", "boolean"]
    lines = ["    id serial PRIMARY KEY"]
    for i in range(columns + (1 if changed is not None else 0)):
        kind = kinds[i % len(kinds)]
        check = f" NOT NULL CHECK (c{i} >= 0)" if kind == "integer" and i % 3 == 0 else ""
        lines.append(f"    c{i} {kind}{check}")
    return "CREATE TABLE wide (\n" + ",\n".join(lines) + "\n);\n"


def measure(args: list[str], env: dict[str, str], cwd: Path, ok: int = 0) -> dict[str, float]:
    """CPU and wall seconds and peak RSS (MiB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args], env=env, cwd=cwd,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, ok):  # check exits 1 on drift
        raise SystemExit(f"{args}: exit {proc.returncode}\n{err.decode()[-2000:]}")
    return {
        "cpu": usage.ru_utime + usage.ru_stime,
        "wall": wall,
        "rss": usage.ru_maxrss / 1024,
    }


def scale(tables: int, code: Path | None, wide: bool = False) -> dict[str, dict[str, float]]:
    tmp = Path(tempfile.mkdtemp(prefix="sgscale"))
    # a cache directory of the run's own, removed with it: the user's is left alone
    env = dict(os.environ, SCHEMAGEN_CACHE_DIR=str(tmp / "cache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # any value, even "0", stops bytecode writes
    if code is not None:
        env["PYTHONPATH"] = str(code)
    try:
        # compile schemagen's own modules first: every step then loads bytecode, as installs do
        subprocess.run([sys.executable, "-c", WARM_UP], env=env, check=True)
        sql = tmp / "schema.sql"
        make = wide_sql if wide else synthetic_sql
        sql.write_text(make(tables))
        gen = ["-c", CLI, "generate", "schema.sql", "--out", "fakes", "--seed", "1"]
        chk = ["-c", CLI, "check", "schema.sql", "--out", "fakes", "--seed", "1"]
        rows: dict[str, dict[str, float]] = {}
        rows["parse"] = measure(["-c", PARSE, str(sql)], env, tmp)
        rows["cold"] = measure(gen, env, tmp)
        rows["check in sync"] = measure(chk, env, tmp)
        rows["import"] = measure(["-c", IMPORT, str(tmp)], env, tmp)
        sql.write_text(make(tables, changed=tables // 2))
        rows["check changed"] = measure(chk, env, tmp, ok=1)
        rows["warm"] = measure(gen, env, tmp)
        inspect = ["-c", CLI, "inspect", "schema.sql", "--format", "json"]
        rows["inspect"] = measure(inspect, env, tmp)
        files = [
            p for p in (tmp / "fakes").rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ]
        rows["package"] = {
            "files": len(files),
            "mib": sum(p.stat().st_size for p in files) / 2**20,
        }
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def table(results: dict[int, dict[str, dict[str, float]]], unit_name: str = "table") -> str:
    """One row per N: each step's CPU as a ratio to the parse's, its CPU per table (or per
    column) in ms, so that linearity shows as a constant, and its peak RSS."""
    steps = ["cold", "warm", "check in sync", "check changed", "inspect", "import"]
    head = f"| N | parse CPU s (ms/{unit_name}) | " + " | ".join(
        f"{s} (x parse, ms/{unit_name}, peak MiB)" for s in steps
    )
    lines = [head + " | package |", "|" + "---|" * (len(steps) + 3)]
    for n, rows in sorted(results.items()):
        unit = rows["parse"]["cpu"]
        cells = [
            f"{rows[s]['cpu'] / unit:.2f}x, {rows[s]['cpu'] / n * 1000:.2f}, {rows[s]['rss']:.0f}"
            for s in steps
        ]
        pkg = rows["package"]
        lines.append(
            f"| {n} | {unit:.2f} ({unit / n * 1000:.2f}) | " + " | ".join(cells)
            + f" | {pkg['files']:.0f} files, {pkg['mib']:.1f} MiB |"
        )  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tables", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--code", type=Path, default=None, help="checkout whose codegen runs")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw numbers")
    parser.add_argument("--wide", action="store_true", help="N columns in one table")
    args = parser.parse_args()
    results = {n: scale(n, args.code, args.wide) for n in args.tables}
    print(table(results, "column" if args.wide else "table"))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
