"""Where a cold `generate` spends its CPU, stage by stage, and what the cyclic collector costs.

    python benchmarks/bench_stages.py 5000 10000 [--code DIR] [--json FILE]

For each N, one new process runs a cold `schemagen generate` of bench_generate.py's synthetic
schema (fresh output folder, empty cache directory) with the pipeline's stages wrapped in
timers (this script's own wrappers: nothing in `codegen` measures itself), and the
collector's runs counted per generation through `gc.callbacks`. Prints CPU seconds per stage
(the collector's share inside each), ms per table, collections and their time, peak RSS.
Stages nest (`plan` runs inside "generate (all outputs)"); the `other` row is what no stage covers
(imports, the CLI). Thread CPU time, so the pool that formats blocks in parallel shows as
its own row (`workers`, from RUSAGE_CHILDREN).

`--code DIR` runs another checkout's `codegen` (e.g. an unpacked `git archive` of main).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_generate import synthetic_sql

# Run in the child: wraps the stages by name, then runs the CLI. Names that a checkout
# lacks are skipped, so an older `--code` still runs.
CHILD = r"""
import gc, json, resource, sys, time
from collections import defaultdict

STAGES = [
    ("caches read", "codegen.cachestore", "read_caches"),
    ("parse", "codegen.parse", "read_all"),
    ("catalog", "codegen.catalog", "build"),
    ("bodycheck", "codegen.bodycheck", "check"),
    ("plan", "codegen.plan", "build"),
    ("generate (all outputs)", "codegen.generate", "generate"),
    ("prefetch (black pool)", "codegen.render", "Formatter.prefetch"),
    ("format_file", "codegen.render", "Formatter.format_file"),
    ("model json", "codegen.records", "text"),
    ("write package", "codegen.writer", "write"),
    ("caches write", "codegen.cachestore", "write_caches"),
]
cpu = defaultdict(float)
gc_in = defaultdict(float)
stack = []
gcs = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}
began = [0.0]

def on_gc(phase, info):
    if phase == "start":
        began[0] = time.thread_time()
        return
    took = time.thread_time() - began[0]
    gcs[info["generation"]][0] += 1
    gcs[info["generation"]][1] += took
    for name in set(stack):
        gc_in[name] += took

def timed(name, fn):
    def wrapper(*args, **kwargs):
        start = time.thread_time()
        stack.append(name)
        try:
            return fn(*args, **kwargs)
        finally:
            stack.pop()
            if name not in stack:  # recursion counted once
                cpu[name] += time.thread_time() - start
    return wrapper

import importlib
for name, module, attr in STAGES:
    mod = importlib.import_module(module)
    owner, _, leaf = attr.rpartition(".")
    target = getattr(mod, owner) if owner else mod
    if hasattr(target, leaf):
        setattr(target, leaf, timed(name, getattr(target, leaf)))
for kind, module in importlib.import_module("codegen.outputs").REGISTRY.items():
    module.render = timed("output " + kind, module.render)
# the pipeline and context call these through their modules, except what they imported by
# name: rebind those too
import codegen.pipeline as pipeline
pipeline.render_package = importlib.import_module("codegen.generate").generate

gc.callbacks.append(on_gc)
import codegen.deep as deep
run = deep.run
def deep_run(fn, *a, **k):
    return run(timed("command (thread)", fn), *a, **k)
deep.run = deep_run
from codegen.cli import main
try:
    main(sys.argv[2:])
except SystemExit as e:
    if e.code:
        raise
self = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({
    "cpu": dict(cpu), "gc_in": dict(gc_in),
    "gcs": {str(k): v for k, v in gcs.items()},
    "process": self.ru_utime + self.ru_stime,
    "workers": kids.ru_utime + kids.ru_stime,
    "rss": self.ru_maxrss / 1024,
    "threshold": gc.get_threshold(),
}, open(sys.argv[1], "w"))
"""


def stages(tables: int, code: Path | None) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="sgstages"))
    env = dict(os.environ, SCHEMAGEN_CACHE_DIR=str(tmp / "cache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    try:
        (tmp / "schema.sql").write_text(synthetic_sql(tables))
        out = tmp / "result.json"
        args = ["generate", "schema.sql", "--out", "fakes", "--seed", "1"]
        subprocess.run([sys.executable, "-c", CHILD, str(out), *args], env=env, cwd=tmp,
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        result: dict[str, object] = json.loads(out.read_text())
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def report(tables: int, r: dict[str, object]) -> str:
    cpu: dict[str, float] = r["cpu"]  # type: ignore[assignment]
    gc_in: dict[str, float] = r["gc_in"]  # type: ignore[assignment]
    gcs: dict[str, list[float]] = r["gcs"]  # type: ignore[assignment]
    process: float = r["process"]  # type: ignore[assignment]
    head = (
        f"## {tables} tables: process CPU {process:.2f} s ({process / tables * 1000:.2f}"
        f" ms/table), black pool {r['workers']:.2f} s, peak RSS {r['rss']:.0f} MiB"
    )
    lines = [head, "| stage | CPU s | ms/table | of which collector s |", "|---|---|---|---|"]
    for name, seconds in cpu.items():
        lines.append(
            f"| {name} | {seconds:.2f} | {seconds / tables * 1000:.3f} | {gc_in.get(name, 0):.2f} |"
        )
    lines.append(f"| other (imports, CLI) | {process - cpu.get('command (thread)', 0):.2f} | | |")
    total = sum(t for _, t in gcs.values())
    counts = ", ".join(f"gen{g} {int(n)} ({t:.2f} s)" for g, (n, t) in sorted(gcs.items()))
    lines.append(f"collections: {counts}; total {total:.2f} s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tables", type=int, nargs="*", default=[1000])
    parser.add_argument("--code", type=Path, default=None, help="checkout whose codegen runs")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw numbers")
    args = parser.parse_args()
    results = {n: stages(n, args.code) for n in args.tables}
    print("\n\n".join(report(n, r) for n, r in results.items()))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
