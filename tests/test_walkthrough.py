"""The examples of docs/walkthrough.md, run against freshly generated code."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from codegen import cli
from tests import precommit

ROOT = Path(__file__).resolve().parents[1]
WALKTHROUGH = (ROOT / "docs" / "walkthrough.md").read_text(encoding="utf-8")
STRICT_ROWS = {
    ("status", "paused"): "orders.status = 'paused': invalid input value for enum order_status:"
    ' "paused" (SQLSTATE 22P02)',
    ("quantity", 0): 'orders.quantity = 0: new row for relation "orders" violates check'
    ' constraint "orders_quantity_check" (SQLSTATE 23514)\n  detail: CHECK (quantity > 0)',
    ("total_price", 1): "orders.total_price = 1: cannot insert a non-DEFAULT value into column"
    ' "total_price" (SQLSTATE 428C9)\n  detail: Column "total_price" is a generated column.',
    ("quantiy", 2): 'orders.quantiy = 2: column "quantiy" of relation "orders" does not exist'
    " (SQLSTATE 42703)\n  hint: Perhaps you meant 'quantity'.",
}


def test_walkthrough_examples(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "walkthrough_fakes"
    schema = str(ROOT / "sample_schemas" / "ecommerce" / "schema.sql")
    result = CliRunner().invoke(cli.main, ["generate", schema, "--out", str(out)])
    assert result.exit_code == 0, result.output
    shown = WALKTHROUGH.split("which run on rows and which need an\nanswer:\n\n```text\n")[1]
    assert shown.split("\n```")[0] in result.output
    monkeypatch.syspath_prepend(str(tmp_path))
    fakes = importlib.import_module("walkthrough_fakes")
    try:
        fakes.reset(1234)
        fakes.set_clock(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
        order = fakes.OrdersFactory.build(
            price=Decimal("19.99"), quantity=3, discount=Decimal("10")
        )
        assert order["total_price"] == Decimal("59.97")
        assert fakes.TABLE_SCHEMAS["orders"]["price"] == "numeric(10,2)"
        fakes.check_row("orders", order)  # the row passes
        assert fakes.validate_row("orders", order) == []
        for override, words in STRICT_ROWS.items():
            with pytest.raises(fakes.RowError) as info:
                fakes.OrdersFactory.build(**dict([override]))
            assert str(info.value) == words
            assert words in WALKTHROUGH.replace("\n#   ", "\n  ")
        assert fakes.OrdersFactory.build(price=19.99)["price"] == Decimal("19.99")
        chain = fakes.OrdersFactory.build_chain(quantity=2)
        assert chain.row["customer_id"] == chain.of("customers")[0]["id"]
        assert [table for table, _ in chain.parents] == ["customers", "products"]
        total = fakes.RPC.rpc("calculate_total", {"price": "10.00", "quantity": 3}).execute().data
        assert total == Decimal("30.00")
        summary = [
            {"total_orders": 2, "total_revenue": Decimal("5"), "average_order": Decimal("2.5")}
        ]
        with fakes.RPC.override("get_order_summary", lambda **kw: summary):
            got = fakes.RPC.rpc("get_order_summary", {"p_customer_id": order["customer_id"]})
            assert got.execute().data == summary
        request = fakes.RPC.rpc("get_order_summary", {"p_customer_id": order["customer_id"]})
        with pytest.raises(NotImplementedError) as info:  # the block is over, no rows bound
            request.execute()
        assert str(info.value).startswith(
            WALKTHROUGH.split("```text\nNotImplementedError: ")[1].split("\n```")[0]
        )
        customer = uuid.UUID(int=7)
        orders = [
            fakes.OrdersFactory.build(customer_id=customer, status="shipped") for _ in range(2)
        ]
        fakes.RPC.bind_rows({"orders": orders})
        (summary_row,) = (
            fakes.RPC.rpc("get_order_summary", {"p_customer_id": customer}).execute().data
        )
        assert summary_row["total_orders"] == 2
        assert summary_row["total_revenue"] == sum(o["final_price"] for o in orders)
        fakes.RPC.bind_rows(None)
        with pytest.raises(fakes.RowError) as identity:
            fakes.OrdersFactory.build(order_number=5)
        assert identity.value.code == "428C9"
        with fakes.OrdersFactory.overriding_system_value():
            assert fakes.OrdersFactory.build(order_number=5)["order_number"] == 5
        with fakes.RPC.fakes("get_order_summary"):  # made-up rows, asked for by name
            assert len(request.execute().data) == fakes.RPC.fake_rows
    finally:
        for name in [m for m in sys.modules if m.split(".")[0] == "walkthrough_fakes"]:
            del sys.modules[name]


def test_walkthrough_function_drift(tmp_path: Path, monkeypatch) -> None:
    """The "When a migration breaks a function" example: check's output, as the doc shows it."""
    migrations = tmp_path / "db" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "0001_init.sql").write_text(
        "CREATE TABLE plans (id bigint PRIMARY KEY, price_cents integer NOT NULL);\n"
        "CREATE TABLE subscriptions (id bigint PRIMARY KEY, org_id bigint,"
        " plan_id bigint REFERENCES plans(id), seats integer NOT NULL);\n"
    )
    (migrations / "0002_functions.sql").write_text(
        "CREATE FUNCTION org_mrr_cents(p_org bigint) RETURNS bigint\n"
        "LANGUAGE plpgsql AS $$\n"
        "DECLARE\n"
        "  total bigint := 0;\n"
        "BEGIN\n"
        "  -- seats times the plan's price, for every subscription of the org\n"
        "  SELECT sum(s.seats * p.price_cents) INTO total\n"
        "  FROM subscriptions s JOIN plans p ON p.id = s.plan_id\n"
        "  WHERE s.org_id = p_org;\n"
        "  RETURN total;\n"
        "END $$;\n"
    )
    (migrations / "0003_rename.sql").write_text(
        "-- seats are counted per user now\n\n"
        "ALTER TABLE subscriptions RENAME COLUMN seats TO seat_count;\n"
    )
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli.main, ["generate", "db/migrations", "--out", "fakes"]).exit_code == 0
    result = runner.invoke(cli.main, ["check", "db/migrations", "--out", "fakes"])
    assert result.exit_code == 1
    shown = WALKTHROUGH.split("### When a migration breaks a function")[1].split("```text")[1]
    shown = shown.split("```")[0]
    assert result.output.strip() == shown.strip()


@precommit.needs_pre_commit
def test_walkthrough_precommit_config_runs_as_written(tmp_path: Path) -> None:
    """Section 6's .pre-commit-config.yaml, copied as it is: passes, then fails after a
    migration is added without regenerating."""
    config = WALKTHROUGH.split("# .pre-commit-config.yaml\n")[1].split("```")[0]
    repo = tmp_path / "app"
    (repo / "db" / "migrations").mkdir(parents=True)
    (repo / "db" / "migrations" / "0001_init.sql").write_text(
        "CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL);\n"
    )
    (repo / "pyproject.toml").write_text(
        '[tool.schemagen]\ninputs = ["db/migrations"]\nout = "tests/dbfakes"\n'
    )
    (repo / ".pre-commit-config.yaml").write_text(config)
    env = precommit.environ(tmp_path / "cache")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True)

    run("git", "init", "-q")
    assert run("schemagen", "generate").returncode == 0
    run("git", "add", "-A")
    passing = run(*precommit.PRE_COMMIT, "run", "--all-files")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    (repo / "db" / "migrations" / "0002_phone.sql").write_text(
        "ALTER TABLE customers ADD COLUMN phone text;\n"
    )
    run("git", "add", "-A")
    failing = run(*precommit.PRE_COMMIT, "run", "--all-files")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "customers: column phone added (db/migrations/0002_phone.sql:1)" in failing.stdout


def test_walkthrough_test_file_runs_under_plain_pytest(tmp_path: Path) -> None:
    """Section 4's tests/test_orders.py, as written, in a project configured as section 2
    says (its [tool.pytest.ini_options]), run by a plain `pytest`: no tests/__init__.py."""
    project = tmp_path / "app"
    (project / "db" / "migrations").mkdir(parents=True)
    shutil.copy(
        ROOT / "sample_schemas" / "ecommerce" / "schema.sql",
        project / "db" / "migrations" / "0001_init.sql",
    )
    pytest_options = (
        "[tool.pytest.ini_options]"
        + WALKTHROUGH.split("[tool.pytest.ini_options]")[1].split("```")[0]
    )
    (project / "pyproject.toml").write_text(
        '[tool.schemagen]\ninputs = ["db/migrations"]\nout = "tests/dbfakes"\n\n' + pytest_options
    )
    snippet = "# tests/test_orders.py\n" + WALKTHROUGH.split("# tests/test_orders.py\n")[1]
    (project / "tests").mkdir()
    (project / "tests" / "test_orders.py").write_text(snippet.split("```")[0])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "SCHEMAGEN"))}
    done = subprocess.run(["schemagen", "generate"], cwd=project, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    result = subprocess.run(
        [sys.executable, "-P", "-c", "import sys, pytest; sys.exit(pytest.main())",
         "-q", "-p", "no:cacheprovider", "tests/test_orders.py"],  # -P: as `pytest` does,
        # the cwd is not put on sys.path (`python -m pytest` would)
        cwd=project, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
