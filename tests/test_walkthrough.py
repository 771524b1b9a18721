"""The examples of docs/walkthrough.md, run against freshly generated code."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from codegen import cli

ROOT = Path(__file__).resolve().parents[1]


def test_walkthrough_examples(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "walkthrough_fakes"
    schema = str(ROOT / "sample_schemas" / "ecommerce" / "schema.sql")
    result = CliRunner().invoke(cli.main, ["generate", schema, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "RPC: 3 compiled (calculate_total, discounted_price, format_price); 5 need an" in (
        result.output
    )
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
        fakes.validate_row("orders", order)
        total = fakes.RPC.rpc("calculate_total", {"price": "10.00", "quantity": 3}).execute().data
        assert total == Decimal("30.00")
        summary = [
            {"total_orders": 2, "total_revenue": Decimal("5"), "average_order": Decimal("2.5")}
        ]
        with fakes.RPC.override("get_order_summary", lambda **kw: summary):
            got = fakes.RPC.rpc("get_order_summary", {"p_customer_id": order["customer_id"]})
            assert got.execute().data == summary
        request = fakes.RPC.rpc("get_order_summary", {"p_customer_id": order["customer_id"]})
        with pytest.raises(NotImplementedError) as info:  # the block is over: no implementation
            request.execute()
        assert "RPC.register('get_order_summary', lambda p_customer_id: ...)" in str(info.value)
        assert "Not compiled: returns rows" in str(info.value)
        with fakes.RPC.fakes("get_order_summary"):  # made-up rows, asked for by name
            assert len(request.execute().data) == fakes.RPC.fake_rows
    finally:
        for name in [m for m in sys.modules if m.split(".")[0] == "walkthrough_fakes"]:
            del sys.modules[name]
