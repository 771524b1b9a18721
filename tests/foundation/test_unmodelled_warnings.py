"""Parts of the SQL that schemagen reads but does not model are said, never dropped silently."""

from __future__ import annotations

from pathlib import Path

from codegen import pipeline


def test_exclude_constraint_is_a_located_warning(tmp_path: Path) -> None:
    """= / && over plain columns is planned (tests/corpus/test_pg_exclude.py); a partial
    EXCLUDE is not."""
    sql = tmp_path / "booking.sql"
    sql.write_text(
        "CREATE TABLE booking (\n"
        "    room int,\n"
        "    during tstzrange,\n"
        "    EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (room > 0)\n"
        ");\n"
    )
    built = pipeline.load([str(sql)])
    assert [str(w).splitlines()[0] for w in built.warnings] == [
        f"{sql.as_posix()}:1:1: EXCLUDE constraint is not modelled (a WHERE predicate):"
        " generated rows may "
        "violate it; schemagen ignores it"
    ]
    assert [c.name for c in built.schema.table("booking").columns] == ["room", "during"]
    assert built.schema.skipped[0].reason.startswith("EXCLUDE constraint")


def test_create_table_as_says_which_columns_it_cannot_type(tmp_path: Path) -> None:
    """CREATE TABLE AS types what the SELECT or the model tells; the rest is said, with the
    statement's location and SQL, and modelled as of unknown type (left NULL in rows)."""
    sql = tmp_path / "ctas.sql"
    sql.write_text(
        "CREATE TABLE src (id int PRIMARY KEY, name text NOT NULL);\n"
        "CREATE VIEW v AS SELECT id FROM src;\n"
        "CREATE TABLE a AS SELECT id, upper(name) AS shout FROM src;\n"
        "CREATE TABLE b AS SELECT * FROM src JOIN src AS s2 USING (id);\n"
        "CREATE TABLE c AS SELECT 1 AS n UNION SELECT 2;\n"
        "CREATE TABLE d AS SELECT v.id FROM v;\n"
        "ALTER TABLE a ADD PRIMARY KEY (id);\n"
    )
    built = pipeline.load([str(sql)])
    said = {w.message.split(":")[0]: w for w in built.warnings}
    assert set(said) == {"a", "b", "c", "d"}
    assert "the type of shout (upper(name)) is not known" in said["a"].message
    assert said["a"].location.line == 3 and said["a"].sql.startswith("CREATE TABLE a AS")
    assert "the columns of *" in said["b"].message
    assert "its columns (a query other than one SELECT)" in said["c"].message
    assert "the type of id (v.id)" in said["d"].message
    a = built.schema.table("a")
    assert a is not None and [(c.name, c.type.sql) for c in a.columns] == [
        ("id", "integer"),
        ("shout", "unknown"),
    ]
    assert a.primary_key is not None and a.primary_key.columns == ("id",)
    assert not [w for w in built.warnings if "not supported" in w.message]
