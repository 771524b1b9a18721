"""Import of a generated package vs a hand-written factory-boy module of the same tables.

    python benchmarks/bench_import.py 100 1000 [--runs 7]

Issue 16's target: importing the generated package costs at most 1.2x importing what a user
would write by hand for the same tables (every pytest run pays it). For each N, on the
synthetic schema of bench_generate.py, `generate` writes the package, and this writes
`handwritten.py`: one `factory.DictFactory` per table with the same columns (a sequence
for the key, Faker for text and timestamps, fuzzy numbers within the CHECKs, the enum's
values, the generated column as a LazyAttribute, the parent as a SubFactory). Each import
is a new process; CPU (user + sys) from `wait4`, median of `--runs`, in turn, with bytecode
cached (`__pycache__` written by a first import) and without (no `__pycache__`, none
written). A bare `python -c pass` is subtracted from both, so the ratio compares what the
two modules cost, not the interpreter's start.
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
IMPORT = "import sys; sys.path.insert(0, sys.argv[1]); import {module}"


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


def cpu(args: list[str], env: dict[str, str]) -> float:
    proc = subprocess.Popen([sys.executable, *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)  # fmt: skip
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{args}: failed\n{err.decode()[-2000:]}")
    return usage.ru_utime + usage.ru_stime


def bench(tables: int, runs: int) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="sgimport"))
    try:
        (tmp / "schema.sql").write_text(synthetic_sql(tables))
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [sys.executable, "-c", CLI, "generate", "schema.sql", "--out", "fakes", "--seed", "1"],
            cwd=tmp, env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        (tmp / "handwritten.py").write_text(handwritten(tables))
        no_bytecode = dict(env, PYTHONDONTWRITEBYTECODE="1")
        samples: dict[str, list[float]] = {}
        for module in ("fakes", "handwritten"):  # write the bytecode once
            cpu(["-c", IMPORT.format(module=module), str(tmp)], env)
        for _ in range(runs):
            samples.setdefault("bare", []).append(cpu(["-c", "pass"], env))
            for module in ("fakes", "handwritten"):
                args = ["-c", IMPORT.format(module=module), str(tmp)]
                samples.setdefault(f"{module} cached", []).append(cpu(args, env))
            for cache in tmp.rglob("__pycache__"):
                shutil.rmtree(cache)
            for module in ("fakes", "handwritten"):
                args = ["-c", IMPORT.format(module=module), str(tmp)]
                samples.setdefault(f"{module} source", []).append(cpu(args, no_bytecode))
            for module in ("fakes", "handwritten"):  # bytecode back for the next round
                cpu(["-c", IMPORT.format(module=module), str(tmp)], env)
        return {k: statistics.median(v) for k, v in samples.items()}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tables", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print("| tables | bytecode | generated s | hand-written s | ratio (target <= 1.2x) |")
    print("|---|---|---|---|---|")
    for n in args.tables:
        r = bench(n, args.runs)
        for mode in ("cached", "source"):
            ours, hand = r[f"fakes {mode}"] - r["bare"], r[f"handwritten {mode}"] - r["bare"]
            print(f"| {n} | {mode} | {ours:.3f} | {hand:.3f} | {ours / hand:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
