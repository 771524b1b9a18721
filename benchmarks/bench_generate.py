"""Benchmarks of `schemagen generate` and of the generated factories. Prints ratios.

    python benchmarks/bench_generate.py [--tables 1000] [--rows 10000]

1. cold: generate on a synthetic N-table schema (fresh black cache) vs black alone on the
   same output files;
2. warm: after a one-table change, the whole `schemagen generate` path (read + parse +
   catalog + plan + render + cached black + write) vs a bare `sqlglot.parse` of the SQL
   (target: <= 2x);
3. build() of 10,000 rows with the generated ProductsFactory vs an equivalent hand-written
   factory-boy factory (target: >= 0.9x the hand-written speed).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import black
import sqlglot

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from codegen import pipeline, sources  # noqa: E402
from codegen.config import Config  # noqa: E402
from codegen.generate import generate, sources_digest  # noqa: E402
from codegen.render import LINE_LENGTH, Formatter  # noqa: E402
from codegen.writer import write  # noqa: E402


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


def run_generate(sql_path: Path, out: Path, formatter: Formatter) -> None:
    built = pipeline.load([str(sql_path)], "postgres")
    cfg = Config(inputs=(str(sql_path),), seed=1)
    digest = sources_digest([f.digest for f in sources.collect([str(sql_path)])])
    package = generate(built.schema, cfg, digest, formatter)
    write(package, out)


def bench_generate(tables: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="sgbench"))
    sql_path = tmp / "schema.sql"
    sql_path.write_text(synthetic_sql(tables))
    out = tmp / "fakes"
    parse_s, _ = timed(lambda: sqlglot.parse(sql_path.read_text(), read="postgres"))
    formatter = Formatter()
    cold_s, _ = timed(lambda: run_generate(sql_path, out, formatter))
    files = [p for p in out.rglob("*.py") if p.name != "_sqlruntime.py"]
    size = sum(p.stat().st_size for p in files)
    mode = black.Mode(line_length=LINE_LENGTH)
    black_s, _ = timed(lambda: [black.format_str(p.read_text(), mode=mode) for p in files])
    print(f"synthetic schema: {tables} tables, {len(files)} generated files, {size / 1024:.0f} KiB")
    print(f"  bare sqlglot.parse:           {parse_s:7.2f} s")
    print(f"  generate, cold (black cache empty): {cold_s:7.2f} s")
    print(f"  black alone on the output:    {black_s:7.2f} s")
    print(f"  ratio cold generate / black alone: {cold_s / black_s:.2f}x")
    # warm: one table changes, everything else comes from the cache
    sql_path.write_text(synthetic_sql(tables, changed=tables // 2))
    warm = Formatter.from_json(formatter.to_json())
    warm_s, _ = timed(lambda: run_generate(sql_path, out, warm))
    parse2_s, _ = timed(lambda: sqlglot.parse(sql_path.read_text(), read="postgres"))
    print(
        f"  generate, warm after a one-table change: {warm_s:7.2f} s"
        f" ({warm.formatted_blocks} blocks formatted)"
    )
    print(f"  ratio warm generate / bare sqlglot.parse: {warm_s / parse2_s:.2f}x  (target <= 2x)")


def bench_build(rows: int) -> None:
    import factory

    tmp = Path(tempfile.mkdtemp(prefix="sgbuild"))
    sql = REPO / "sample_schemas" / "ecommerce" / "schema.sql"
    run_generate(sql, tmp / "shopfakes", Formatter())
    sys.path.insert(0, str(tmp))
    pkg = importlib.import_module("shopfakes")

    class HandProducts(factory.DictFactory):  # what a user writes by hand for `products`
        id = factory.Sequence(lambda n: n + 1)
        sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
        name = factory.Faker("name")
        category = "general"
        price = factory.Faker("pydecimal", left_digits=3, right_digits=2, positive=True)
        stock_quantity = 0
        created_at = factory.LazyFunction(lambda: pkg._runtime.now())
        rating = factory.Faker("pydecimal", left_digits=1, right_digits=2, min_value=0, max_value=5)
        reviews_count = 0
        popularity_score = factory.LazyAttribute(
            lambda o: (o.rating or Decimal(0)) * o.reviews_count
        )
        is_active = True
        updated_at = factory.Faker("date_time_this_year")
        description = factory.Faker("text")

    pkg.reset(1)
    hand_s, _ = timed(lambda: HandProducts.build_batch(rows))
    pkg.reset(1)
    ours_s, _ = timed(lambda: pkg.ProductsFactory.build_batch(rows))
    print(f"build() of {rows} products rows:")
    print(f"  hand-written factory-boy factory: {hand_s:6.2f} s")
    print(
        f"  generated ProductsFactory:        {ours_s:6.2f} s"
        " (computed columns + CHECK validation included)"
    )
    print(f"  speed ratio generated / hand-written: {hand_s / ours_s:.2f}x  (target >= 0.9x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    bench_generate(args.tables)
    bench_build(args.rows)


if __name__ == "__main__":
    main()
