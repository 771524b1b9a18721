"""What integrity costs on a synthetic 1000-table schema (issue 15).

    python benchmarks/bench_integrity.py [TABLES]

Measures (best of 3 unless said): the cache seals (verifying every entry on read, sealing
on write) against reading and writing the same files unsealed; `check` fast path against
`check --full` (no cache, every byte); a one-table `generate` switch as a folder swap and as
an in-place switch (a user file in --out); and a warm one-table `generate` for scale.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import best_of
from bench_generate import run_generate, synthetic_sql

from codegen import cachestore, drift, writer
from codegen.config import Config, Run
from codegen.generate import Package


def cpu_of(run: Callable[[], object]) -> float:
    """CPU seconds of `run`, its worker processes included (steadier than wall time on a
    shared machine)."""

    def used() -> float:
        me, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                           resource.RUSAGE_CHILDREN))  # fmt: skip
        return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime

    start = used()
    run()
    return used() - start


def bench_seals(out: Path) -> None:
    folder = cachestore.cache_dir(out)
    key = cachestore._key(create=False)
    assert key is not None
    total = plain = 0.0
    entries = 0
    for name in ("black", "statements"):
        sealed, unsealed, count = _seal_times(key, name, folder / f"{name}.cache")
        total, plain, entries = total + sealed, plain + unsealed, entries + count
    print(f"cache entries                 {entries:7d}")
    print(f"check + seal, all entries     {total:7.3f} s   (bytes read+written {plain:.3f} s)")


def _seal_times(key: bytes, name: str, path: Path) -> tuple[float, float, int]:
    """Seconds to read one cache file checking every entry's seal and to write it sealing
    every entry anew; to read and write the same bytes unsealed; its entry count."""
    version = cachestore._version(name)

    def opened() -> cachestore.Store:
        store = cachestore.Store(name, version, key)
        store.open(path)
        return store

    def check() -> None:
        store = opened()
        assert store.rejected() == 0
        store.close()

    store = opened()
    texts = {entry: store[entry] for entry in store}
    store.close()
    copy = path.with_name("sealed.tmp")

    def seal() -> None:
        cachestore.Store(name, version, key).save(copy, key, texts, texts)

    sealed = best_of(3, check) + best_of(3, seal)
    print(f"  {name}: check + seal cpu {cpu_of(check) + cpu_of(seal):.3f} s")
    data = path.read_bytes()
    plain = best_of(3, lambda: copy.write_bytes(path.read_bytes()))
    copy.unlink()
    assert data
    return sealed, plain, len(texts)


def bench_switch(out: Path, sql_path: Path, tables: int) -> None:
    from codegen import pipeline
    from codegen.generate import generate

    config = Config(inputs=(str(sql_path),), seed=1)
    built = pipeline.load([str(sql_path)])
    package: Package = generate(built.schema, config, built.sources_digest)
    # one changed file, as after a one-table migration
    files = dict(package.files)
    victim = next(rel for rel in sorted(files) if rel.startswith("factories/"))
    writer.write(package, out)  # the baseline: this package, then one file changes
    for mode in ("swap", "in place"):
        if mode == "in place":
            (out / "conftest_helpers.py").write_text("HELPER = 1\n")
        times = []
        for i in range(3):
            files[victim] = package.files[victim] + f"# {mode} {i}\n"
            start = time.perf_counter()
            result = writer.write(Package(files), out)
            times.append(time.perf_counter() - start)
            assert result.written == [victim], result.written
        print(f"write, one file changed, {mode:8s} {min(times):7.3f} s  ({len(files)} files)")
    (out / "conftest_helpers.py").unlink()
    writer.write(package, out)


def main() -> None:
    tables = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        os.environ[cachestore.ENV] = str(Path(tmp) / "user-cache")
        sql_path, out = Path(tmp) / "schema.sql", Path(tmp) / "fakes"
        sql_path.write_text(synthetic_sql(tables))
        print(f"{tables} tables", flush=True)
        run_generate(sql_path, out)
        sql_path.write_text(synthetic_sql(tables, changed=tables // 2))
        warm = best_of(1, lambda: run_generate(sql_path, out))
        sql_path.write_text(synthetic_sql(tables, changed=tables // 3))
        warm_cpu = cpu_of(lambda: run_generate(sql_path, out))
        print(f"generate, warm, one table     {warm:7.3f} s   cpu {warm_cpu:7.3f} s")
        bench_seals(out)
        run = Run(Config(inputs=(str(sql_path),), seed=1), (str(sql_path),), None, str(out), ())
        fast = best_of(3, lambda: drift.check(run))
        assert drift.check(run).fast
        full = best_of(1, lambda: drift.check(run, full=True))
        full_cpu = cpu_of(lambda: drift.check(run, full=True))
        fast_cpu = cpu_of(lambda: drift.check(run))
        print(f"check (fast path)             {fast:7.3f} s   cpu {fast_cpu:7.3f} s")
        print(f"check --full                  {full:7.3f} s   cpu {full_cpu:7.3f} s")
        bench_switch(out, sql_path, tables)


if __name__ == "__main__":
    main()
