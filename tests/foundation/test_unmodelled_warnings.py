"""Parts of the SQL that schemagen reads but does not model are said, never dropped silently."""

from __future__ import annotations

from pathlib import Path

from codegen import pipeline


def test_exclude_constraint_is_a_located_warning(tmp_path: Path) -> None:
    sql = tmp_path / "booking.sql"
    sql.write_text(
        "CREATE TABLE booking (\n"
        "    room int,\n"
        "    during tstzrange,\n"
        "    EXCLUDE USING gist (room WITH =, during WITH &&)\n"
        ");\n"
    )
    built = pipeline.load([str(sql)])
    assert [str(w).splitlines()[0] for w in built.warnings] == [
        f"{sql.as_posix()}:1:1: EXCLUDE constraint is not modelled: generated rows may "
        "violate it; schemagen ignores it"
    ]
    assert [c.name for c in built.schema.table("booking").columns] == ["room", "during"]
    assert built.schema.skipped[0].reason.startswith("EXCLUDE constraint")
