"""Small guarantees of the frozen model's API (codegen/model.py) that other stages rely on."""

from __future__ import annotations

from codegen.model import Schema, Table, replace


def test_table_lookup_by_key() -> None:
    schema = Schema("postgres", tables=(Table("t", "public"), Table("t", "billing")))
    assert [schema.table(k).key for k in ("t", "billing.t")] == ["t", "billing.t"]  # type: ignore[union-attr]
    assert schema.table("public.t") is None


def test_replace_leaves_the_original_schema_alone() -> None:
    old = Schema("postgres", tables=(Table("t", "public", comment="old"),))
    new = replace(old, tables=(Table("t", "public", comment="new"),))
    assert (old.table("t").comment, new.table("t").comment) == ("old", "new")  # type: ignore[union-attr]
