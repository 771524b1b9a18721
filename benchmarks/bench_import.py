"""Import of a generated package vs a hand-written factory-boy module of the same tables.

    python benchmarks/bench_import.py 100 1000 5000 [--runs 5] [--code CHECKOUT]

Issue 16's target: the generated package costs at most 1.2x what a user would write by hand
for the same tables (every pytest run pays its import). For each N, on the synthetic schema
of bench_generate.py (a chain: t_i references t_i-1), `generate` writes the package, and
this writes `handwritten.py`: one `factory.DictFactory` per table with the same columns (a
sequence for the key, Faker for text and timestamps, fuzzy numbers within the CHECKs, the
enum's default, the generated column as a LazyAttribute, the parent as a SubFactory) and a
FACTORIES dict, in one module, as a careful user writes it. Three cases, each a new process
running the same code against either module:

- import:  `import fakes`
- use 10:  import T0Factory ... T9Factory from it and build one row with each (each builds
           its parents, all among the ten): what a test of a few tables pays
- all:     import it and read every factory of FACTORIES: the eager worst case (a test
           session touching every table)

CPU (user + sys) from `wait4` and peak RSS from GNU time (`/usr/bin/time -f %M`), median
of `--runs`, the processes run in turn; with bytecode cached (`__pycache__` written by a
first run of every case: building a row loads modules that reading FACTORIES does not) and
without (no `__pycache__`, none written). A bare `python -c pass` is
subtracted from both CPU times (and from both peaks), so the ratios compare what the two
modules cost, not the interpreter's start.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_generate import synthetic_sql

CLI = "import sys; from codegen.cli import main; main(sys.argv[1:])"
PATH = "import sys; sys.path.insert(0, sys.argv[1]); "
TEN = ", ".join(f"T{i}Factory" for i in range(10))
CASES = {
    "import": PATH + "import {module}",
    "use 10": PATH + f"from {{module}} import {TEN}\nfor f in ({TEN},): f.build()",
    "all": PATH + "import {module}\nfor f in {module}.FACTORIES.values(): pass",
}
MODULES = ("fakes", "handwritten")
TARGET = 1.2


def handwritten(tables: int) -> str:
    """What a user writes by hand for the synthetic schema's tables."""
    out = [
        '"""Factories for the synthetic schema, written by hand."""',
        "",
        "from decimal import Decimal",
        "",
        "import factory",
        "from factory import fuzzy",
        "",
        'STATES = ["new", "active", "closed"]',
    ]
    for i in range(tables):
        parent = (
            f"\n    parent = factory.SubFactory(T{i - 1}Factory)"
            "\n    parent_id = factory.LazyAttribute(lambda o: o.parent['id'])"
            if i
            else ""
        )
        exclude = '\n\n    class Meta:\n        exclude = ("parent",)' if i else ""
        out.append(f"""

class T{i}Factory(factory.DictFactory):
    id = factory.Sequence(lambda n: n + 1)
    email = factory.Sequence(lambda n: f"user{{n}}@example.com")
    name = factory.Faker("name")
    price = fuzzy.FuzzyDecimal(0, 99999999, 2)
    quantity = fuzzy.FuzzyInteger(1, 100)
    total = factory.LazyAttribute(lambda o: (o.price * o.quantity).quantize(Decimal("0.01")))
    status = "new"
    created_at = factory.Faker("date_time")
    updated_at = None
    payload = None{parent}{exclude}""")
    out.append("")
    out.append("FACTORIES = {" + ", ".join(f'"t{i}": T{i}Factory' for i in range(tables)) + "}")
    return "\n".join(out) + "\n"


def measure(code: str, folder: Path, env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, peak RSS in MiB) of `python -c code folder`. The peak comes from GNU
    time's child: a process forked from this one would count this one's RSS as its own
    (Linux keeps the pre-exec high-water mark), and this one has imported codegen."""
    argv = ["/usr/bin/time", "-f", "%M", sys.executable, "-c", code, str(folder)]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)  # GNU time's usage includes its child's
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{code}: failed\n{err[-2000:]}")
    return usage.ru_utime + usage.ru_stime, int(err.split()[-1]) / 1024


def bench(
    tables: int, runs: int, code: Path | None = None
) -> dict[tuple[str, str, str], tuple[float, float]]:
    """(case, module, bytecode) -> median (CPU s, peak MiB), bare python's subtracted. `code`:
    the checkout whose schemagen generates the package (default: the installed one)."""
    tmp = Path(tempfile.mkdtemp(prefix="sgimport"))
    try:
        (tmp / "schema.sql").write_text(synthetic_sql(tables))
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        generate_env = dict(env, PYTHONPATH=str(code)) if code is not None else env
        subprocess.run(
            [sys.executable, "-c", CLI, "generate", "schema.sql", "--out", "fakes", "--seed", "1"],
            cwd=tmp, env=generate_env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        (tmp / "handwritten.py").write_text(handwritten(tables))
        no_bytecode = dict(env, PYTHONDONTWRITEBYTECODE="1")
        samples: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
        bare: list[tuple[float, float]] = []
        for _ in range(runs):
            for module in MODULES:  # (re)write the bytecode of every module a case loads
                for case_code in CASES.values():  # (building rows loads more than "all")
                    measure(case_code.format(module=module), tmp, env)
            bare.append(measure("pass", tmp, env))
            for mode, run_env in (("cached", env), ("source", no_bytecode)):
                if mode == "source":
                    for cache in tmp.rglob("__pycache__"):
                        shutil.rmtree(cache)
                for case, code in CASES.items():
                    for module in MODULES:
                        got = measure(code.format(module=module), tmp, run_env)
                        samples.setdefault((case, module, mode), []).append(got)
        base_cpu = statistics.median(c for c, _ in bare)
        base_rss = statistics.median(r for _, r in bare)
        return {
            key: (
                statistics.median(c for c, _ in got) - base_cpu,
                statistics.median(r for _, r in got) - base_rss,
            )
            for key, got in samples.items()
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tables", type=int, nargs="*", default=[100, 1000, 5000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--code", type=Path, default=None, help="checkout whose codegen generates")
    args = parser.parse_args()
    print(
        "| tables | case | bytecode | generated CPU s | hand-written CPU s | CPU ratio"
        " | generated MiB | hand-written MiB | RSS ratio | <= 1.2x |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in args.tables:
        r = bench(n, args.runs, args.code)
        for case in CASES:
            for mode in ("cached", "source"):
                (cpu, rss), (hcpu, hrss) = (r[(case, m, mode)] for m in MODULES)
                ratio, rss_ratio = cpu / hcpu, rss / hrss
                meets = "yes" if ratio <= TARGET and rss_ratio <= TARGET else "no"
                print(
                    f"| {n} | {case} | {mode} | {cpu:.3f} | {hcpu:.3f} | {ratio:.2f}x"
                    f" | {rss:.1f} | {hrss:.1f} | {rss_ratio:.2f}x | {meets} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
