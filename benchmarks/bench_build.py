"""build() of the generated factories against hand-written factory-boy factories of the same
tables (the issue's goal: the generated ones at least 1x the hand-written speed).

    python benchmarks/bench_build.py [ROWS] [REPEATS]   # ROWS 2000, REPEATS 5

The table is the ecommerce sample's `orders` (a uuid key, two foreign keys, an enum, two
CHECKs, an identity and three generated numeric columns), parents included: each row builds
a `customers` row and a `products` row, as the generated OrdersFactory does.

The hand-written factories are what a careful user writes for the same rows:
- every constraint honoured: UNIQUE email and sku from sequences, varchar lengths cut,
  CHECK bounds in the fuzzy ranges, `shipped_at` / `updated_at` not before `created_at`,
  the generated columns computed with the database's rounding (numeric(12,2), half up);
- the same Faker providers for the same text columns (name, phone_number, country_code,
  email, text) and the same 10% of NULLs in nullable columns, so both sides produce the
  same kind of data and the ratio measures the machinery, not the choice of providers;
- factory-boy's own tools (DictFactory, Sequence, LazyFunction, LazyAttribute, fuzzy),
  the parent's key taken from a parent row built alongside.
The hand-written rows are not checked against the column types (no coercion, no CHECK
evaluation): that is the work the generated factories do on top.

Ratios are CPU time, per repetition, each side run in turn on the same seed (2 noisy cores).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import factory  # noqa: E402
import factory.fuzzy  # noqa: E402
from bench_database import package  # noqa: E402
from faker import Faker  # noqa: E402

NOW = dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)
CENT = Decimal("0.01")
fake = Faker("en_US")
rng = random.Random(1)


def maybe(make: Any) -> Any:
    """A nullable column: NULL in 10% of rows, as the generated factories do by default."""
    return None if rng.random() < 0.1 else make()


def later(moment: dt.datetime) -> dt.datetime:
    return moment + dt.timedelta(seconds=rng.randint(0, 30 * 86400))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class HandCustomers(factory.DictFactory):
    id = factory.LazyFunction(uuid.uuid4)
    email = factory.Sequence(lambda n: f"{n}.{fake.email()}")
    full_name = factory.LazyFunction(lambda: maybe(lambda: fake.name()[:120]))
    phone = factory.LazyFunction(lambda: maybe(lambda: fake.phone_number()[:32]))
    country_code = factory.LazyFunction(lambda: maybe(fake.country_code))
    created_at = factory.LazyFunction(lambda: NOW)
    updated_at = factory.LazyAttribute(lambda o: maybe(lambda: later(o.created_at)))
    referred_by = None
    membership = "bronze"
    email_domain = factory.LazyAttribute(lambda o: o.email.split("@")[1].lower())


class HandProducts(factory.DictFactory):
    id = factory.Sequence(lambda n: n + 1)
    sku = factory.Sequence(lambda n: f"SKU-{n:08d}")
    name = factory.LazyFunction(fake.name)
    category = "general"
    price = factory.fuzzy.FuzzyDecimal(1, 1000, 2)
    stock_quantity = 0
    created_at = factory.LazyFunction(lambda: NOW)
    rating = factory.LazyFunction(lambda: maybe(lambda: Decimal(rng.randint(100, 500)) / 100))
    reviews_count = 0
    popularity_score = factory.LazyAttribute(lambda o: (o.rating or Decimal(0)) * o.reviews_count)
    is_active = True
    updated_at = factory.LazyAttribute(lambda o: maybe(lambda: later(o.created_at)))
    description = factory.LazyFunction(lambda: maybe(fake.text))


class HandOrders(factory.DictFactory):
    id = factory.LazyFunction(uuid.uuid4)
    customer_id = factory.LazyFunction(lambda: HandCustomers()["id"])
    product_id = factory.LazyFunction(lambda: HandProducts()["id"])
    price = factory.fuzzy.FuzzyDecimal(1, 1000, 2)
    quantity = factory.fuzzy.FuzzyInteger(1, 20)
    status = "pending"
    created_at = factory.LazyFunction(lambda: NOW)
    discount = Decimal("0.00")
    order_number = factory.Sequence(lambda n: n + 1)
    total_price = factory.LazyAttribute(lambda o: cents(o.price * o.quantity))
    discount_amount = factory.LazyAttribute(
        lambda o: cents(o.price * o.quantity * o.discount / 100)
    )
    final_price = factory.LazyAttribute(lambda o: o.total_price - o.discount_amount)
    notes = factory.LazyFunction(lambda: maybe(fake.text))
    shipped_at = factory.LazyAttribute(lambda o: maybe(lambda: later(o.created_at)))


def cpu(make: Any, rows: int) -> float:
    start = time.process_time()
    for _ in range(rows):
        make()
    return time.process_time() - start


def same_shape(pkg: Any) -> None:
    """Both sides give rows with the same columns (else the comparison is not fair)."""
    pairs = ((HandOrders, "orders"), (HandCustomers, "customers"), (HandProducts, "products"))
    for hand, key in pairs:
        ours = pkg.FACTORIES[key].build()
        if set(hand()) != set(ours):
            raise SystemExit(f"{key}: columns differ: {sorted(set(hand()) ^ set(ours))}")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as tmp:
        pkg = package(Path(tmp), name="bench_build_pkg")
        same_shape(pkg)
        ours_factory = pkg.FACTORIES["orders"]
        ratios, hand_us, ours_us = [], [], []
        for _ in range(repeats):
            fake.seed_instance(1)
            rng.seed(1)
            hand = cpu(HandOrders, rows)
            pkg.reset(1)
            ours = cpu(ours_factory.build, rows)
            ratios.append(hand / ours)
            hand_us.append(hand / rows * 1e6)
            ours_us.append(ours / rows * 1e6)
    print(f"build() of ecommerce orders with their customers and products parents, {rows} rows,"
          f" {repeats} repetitions (CPU)")  # fmt: skip
    print(f"  hand-written factory-boy: median {statistics.median(hand_us):7.1f} us per row")
    print(f"  generated OrdersFactory:  median {statistics.median(ours_us):7.1f} us per row")
    shown = ", ".join(f"{r:.2f}" for r in ratios)
    print(f"  speed generated / hand-written: median {statistics.median(ratios):.2f}x"
          f" ({shown}; goal >= 1x)")  # fmt: skip


if __name__ == "__main__":
    main()
