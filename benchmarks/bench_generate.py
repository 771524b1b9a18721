"""Benchmarks of `schemagen generate` and of the generated factories. Prints ratios.

    python benchmarks/bench_generate.py [--tables 1000]

1. cold: generate on a synthetic N-table schema (fresh black cache) vs black alone on the
   same output files;
2. warm: after a one-table change, the whole `schemagen generate` command (read + parse
   through the statement cache + catalog + plan + render + cached black + write + caches)
   vs a bare `sqlglot.parse` of the SQL (target: <= 2x).

build() against a hand-written factory is measured by bench_build.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import black
import sqlglot

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from click.testing import CliRunner  # noqa: E402

from codegen import cli  # noqa: E402
from codegen.render import LINE_LENGTH  # noqa: E402


def synthetic_sql(tables: int, changed: int | None = None) -> str:
    out = ["CREATE TYPE state AS ENUM ('new', 'active', 'closed');"]
    for i in range(tables):
        parent = f",\n    parent_id integer NOT NULL REFERENCES t{i - 1} (id)" if i else ""
        extra = ",\n    extra text" if i == changed else ""
        out.append(f"""CREATE TABLE t{i} (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name varchar(80),
    price numeric(10,2) NOT NULL CHECK (price >= 0),
    quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 100),
    total numeric(12,2) GENERATED ALWAYS AS (price * quantity) STORED,
    status state NOT NULL DEFAULT 'new',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz,
    payload jsonb{parent}{extra}
);""")
    return "\n\n".join(out) + "\n"


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run_generate(sql_path: Path, out: Path) -> None:
    """`schemagen generate SQL --out OUT --seed 1`, in this process: the command users run,
    caches (in the user cache directory, or $SCHEMAGEN_CACHE_DIR) included."""
    result = CliRunner().invoke(
        cli.main, ["generate", str(sql_path), "--out", str(out), "--seed", "1"]
    )
    if result.exit_code != 0:
        raise SystemExit(f"generate failed: {result.output}")


def bench_generate(tables: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="sgbench"))
    sql_path = tmp / "schema.sql"
    sql_path.write_text(synthetic_sql(tables))
    out = tmp / "fakes"
    parse_s, _ = timed(lambda: sqlglot.parse(sql_path.read_text(), read="postgres"))
    cold_s, _ = timed(lambda: run_generate(sql_path, out))
    files = [p for p in out.rglob("*.py") if p.name != "_sqlruntime.py"]
    size = sum(p.stat().st_size for p in files)
    mode = black.Mode(line_length=LINE_LENGTH)
    black_s, _ = timed(lambda: [black.format_str(p.read_text(), mode=mode) for p in files])
    print(f"synthetic schema: {tables} tables, {len(files)} generated files, {size / 1024:.0f} KiB")
    print(f"  bare sqlglot.parse:           {parse_s:7.2f} s")
    print(f"  generate, cold (no caches):   {cold_s:7.2f} s")
    print(f"  black alone on the output:    {black_s:7.2f} s")
    print(f"  ratio cold generate / black alone: {cold_s / black_s:.2f}x")
    # warm: one table changes, everything else comes from the caches
    sql_path.write_text(synthetic_sql(tables, changed=tables // 2))
    warm_s, _ = timed(lambda: run_generate(sql_path, out))
    parse2_s, _ = timed(lambda: sqlglot.parse(sql_path.read_text(), read="postgres"))
    print(f"  generate, warm after a one-table change: {warm_s:7.2f} s")
    print(f"  ratio warm generate / bare sqlglot.parse: {warm_s / parse2_s:.2f}x  (target <= 2x)")
    # the same as users run it: a new process, imports included, and its peak memory
    sql_path.write_text(synthetic_sql(tables, changed=tables // 3))
    command_s, peak_mib = run_command(sql_path, out)
    print(f"  warm, as a command in a new process: {command_s:7.2f} s, peak memory {peak_mib} MiB")


CHILD = """\
import resource, sys
from codegen.cli import main
main(sys.argv[1:], standalone_mode=False)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr)
"""


def run_command(sql_path: Path, out: Path) -> tuple[float, int]:
    """`schemagen generate` in a new process: seconds, and its peak RSS in MiB (Linux)."""
    args = ["generate", str(sql_path), "--out", str(out), "--seed", "1"]
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, check=True
    )
    return time.perf_counter() - start, int(done.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=1000)
    args = parser.parse_args()
    bench_generate(args.tables)


if __name__ == "__main__":
    main()
