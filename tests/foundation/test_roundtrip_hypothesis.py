"""Random schemas survive the round trips the model promises.

- model -> `sqlout.to_sql` -> `pipeline.load` gives the same model back (modulo locations,
  and `original`, which records how the type was spelled in the file it was read from);
- model -> JSON -> `Schema.from_json` gives an equal model.

The schemas are model objects drawn by hypothesis: tables (some outside `public`) with
identifiers that need quoting (keywords, capitals, spaces, quotes), columns of many types
(numeric(p,s), varchar(n), arrays, enums, ...), NOT NULL, defaults, identity and serial
columns, generated columns, CHECKs, UNIQUE constraints and unique indexes (partial too),
composite primary keys and foreign keys between the generated tables.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pglast.keywords
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pglast import parser
from pglast.stream import RawStream

from codegen import pipeline, sqlout
from codegen.model import (
    Check,
    Column,
    EnumType,
    ForeignKey,
    Generated,
    Location,
    PrimaryKey,
    Schema,
    SqlType,
    Table,
    Unique,
    table_key,
)
from codegen.naming import name_postgres
from tests.foundation.foundation_helpers import differences, strip_locations

ROOT = Path(__file__).resolve().parents[2]
# a longer hunt: SCHEMAGEN_HYPOTHESIS_EXAMPLES=2000 pytest tests/foundation/test_roundtrip*.py
EXAMPLES = int(os.environ.get("SCHEMAGEN_HYPOTHESIS_EXAMPLES", "60"))

KEYWORDS = sorted(
    {*pglast.keywords.RESERVED_KEYWORDS, *pglast.keywords.TYPE_FUNC_NAME_KEYWORDS,
     *pglast.keywords.COL_NAME_KEYWORDS, *pglast.keywords.UNRESERVED_KEYWORDS}
)  # fmt: skip
# (no "." in names: the model's table keys are "schema.name", see the report)
ODD_NAMES = ["Order", "Mixed Case", "with space", 'say "hi"', "über", "1st", "a-b", "$d"]

labels = st.text("abc' é-", min_size=1, max_size=6)
identifiers = st.one_of(
    st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True),
    st.sampled_from(KEYWORDS),
    st.sampled_from(ODD_NAMES),
)


def canonical(expr: str) -> str:
    """An expression as the model keeps it: PostgreSQL's own deparse of it."""
    return str(RawStream()(parser.parse_sql(f"SELECT {expr}")[0].stmt.targetList[0].val))


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# ------------------------------------------------------------------------------ types

SIMPLE = [
    ("smallint", "smallint"), ("integer", "integer"), ("bigint", "bigint"),
    ("real", "real"), ("double", "double precision"), ("numeric", "numeric"),
    ("text", "text"), ("varchar", "varchar"), ("boolean", "boolean"), ("date", "date"),
    ("time", "time"), ("timestamp", "timestamp"), ("timestamptz", "timestamptz"),
    ("interval", "interval"), ("uuid", "uuid"), ("json", "json"), ("jsonb", "jsonb"),
    ("bytes", "bytea"), ("inet", "inet"),
]  # fmt: skip
NUMBERS = {"smallint", "integer", "bigint", "numeric", "real", "double"}
INTEGERS = {"smallint", "integer", "bigint"}
TEXTS = {"text", "varchar", "char"}

simple_types = st.sampled_from(SIMPLE).map(lambda t: SqlType(t[0], t[1]))
numeric_types = st.integers(1, 38).flatmap(
    lambda p: st.integers(0, p).map(
        lambda s: SqlType("numeric", f"numeric({p},{s})", precision=p, scale=s)
    )
)
varchar_types = st.integers(1, 500).map(lambda n: SqlType("varchar", f"varchar({n})", length=n))
char_types = st.integers(1, 20).map(lambda n: SqlType("char", f"char({n})", length=n))
timestamp_types = st.integers(0, 6).map(
    lambda p: SqlType("timestamptz", f"timestamptz({p})", precision=p)
)
scalar_types = st.one_of(simple_types, numeric_types, varchar_types, char_types, timestamp_types)


def check_names(column: str) -> st.SearchStrategy[str | None]:
    return st.sampled_from([None, f"{column}_min"])


def column_sets(columns: list[Column]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from([c.name for c in columns]), min_size=1, max_size=2, unique=True)


def array_of(element: SqlType) -> SqlType:
    return SqlType("array", element.sql + "[]", element=element)


def enum_type(enum: EnumType) -> SqlType:
    return SqlType("enum", enum.name, name=enum.name)


def default_for(t: SqlType, enums: dict[str, EnumType]) -> st.SearchStrategy[str | None]:
    """Defaults that make sense for the type, in the model's (deparsed) spelling."""
    if t.category == "array":
        options = ["'{}'"]
    elif t.category == "enum":
        options = [literal(label) for label in enums[t.name or ""].labels]
    elif t.category in NUMBERS:
        options = ["0", "42", "-7", "1.5"] if t.category not in INTEGERS else ["0", "42", "-7"]
    elif t.category in TEXTS:
        options = ["''", "'it''s'", "'x'"]
    else:
        options = {
            "boolean": ["true", "false"], "date": ["CURRENT_DATE"], "uuid": ["gen_random_uuid()"],
            "timestamptz": ["now()", "CURRENT_TIMESTAMP"], "timestamp": ["LOCALTIMESTAMP"],
            "json": ["'{}'"], "jsonb": ["'{}'::jsonb"], "time": ["'12:00'"],
            "interval": ["'1 day'"], "bytes": ["'\\x00'"], "inet": ["'127.0.0.1'"],
        }[t.category]  # fmt: skip
    return st.one_of(st.none(), st.sampled_from(options).map(canonical))


# ----------------------------------------------------------------------------- schemas


@st.composite
def schemas(draw: st.DrawFn, located: bool = False) -> Schema:
    counter = iter(range(1, 10_000))

    def where() -> Location:
        return Location("schema.sql", next(counter)) if located else Location("<unknown>", 0)

    enum_names = draw(st.lists(identifiers, max_size=2, unique=True))
    enums = {
        name: EnumType(
            name,
            tuple(draw(st.lists(labels, min_size=1, max_size=4, unique=True))),
            where(),
        )
        for name in enum_names
    }
    keys: list[tuple[str, str]] = draw(
        st.lists(
            st.tuples(st.sampled_from(["public", "public", "app"]), identifiers),
            min_size=1,
            max_size=4,
            unique_by=lambda k: table_key(k[0], k[1], "postgres"),
        )
    )
    keys = [k for k in keys if table_key(*k, "postgres") not in enums]
    if not keys:
        keys = [("public", "fallback_table")]
    tables = [draw(tables_of(schema, name, enums, where)) for schema, name in keys]
    tables = draw(with_foreign_keys(tables, where))
    tables = [name_postgres(t) for t in tables]  # the names the catalog gives unnamed ones
    return Schema("postgres", tables=tuple(tables), enums=tuple(enums.values()))


@st.composite
def tables_of(
    draw: st.DrawFn, schema: str, name: str, enums: dict[str, EnumType], where: Any
) -> Table:
    type_choices = [scalar_types, scalar_types.map(array_of)]
    if enums:
        enum_types = st.sampled_from(sorted(enums)).map(lambda n: enum_type(enums[n]))
        type_choices += [enum_types, enum_types.map(array_of)]
    names = draw(st.lists(identifiers, min_size=1, max_size=7, unique=True))
    columns: list[Column] = []
    for column_name in names:
        sql_type = draw(st.one_of(*type_choices))
        identity = None
        if sql_type.category in INTEGERS:
            identity = draw(st.sampled_from([None, None, "always", "by default", "serial"]))
        default = None if identity else draw(default_for(sql_type, enums))
        nullable = identity is None and draw(st.booleans())
        collation = None
        if sql_type.category == "text" and draw(st.booleans()):
            collation = draw(st.sampled_from(["C", "POSIX"]))
        comment = draw(st.one_of(st.none(), st.text("ab 'é\"", max_size=8)))
        columns.append(Column(column_name, sql_type, nullable, default, None, identity,
                              collation, comment, where()))  # fmt: skip
    plain_numbers = [c for c in columns if c.type.category in NUMBERS]
    if plain_numbers and draw(st.booleans()):  # a computed column
        source = draw(st.sampled_from(plain_numbers))
        stored = draw(st.booleans())
        expression = canonical(f"{ident(source.name)} * 2")
        generated_name = draw(identifiers.filter(lambda n: n not in names))
        columns.append(Column(generated_name, source.type, True, None,
                              Generated(expression, stored), location=where()))  # fmt: skip
    plain = [c for c in columns if c.generated is None]
    pk_columns = draw(st.lists(st.sampled_from([c.name for c in plain]), max_size=3, unique=True))
    table_location = where()
    # the JSON keeps no location of its own for the primary key: it is the table's (see
    # test_parsed_samples_survive_the_json_round_trip for what that loses)
    primary_key = PrimaryKey(tuple(pk_columns), location=table_location) if pk_columns else None
    columns = [replace(c, nullable=False) if c.name in pk_columns else c for c in columns]
    checks = [
        Check(canonical(f"{ident(c.name)} >= 0"), draw(check_names(c.name)), where())
        for c in plain_numbers
        if draw(st.booleans())
    ]
    if len(plain_numbers) >= 2 and draw(st.booleans()):
        a, b = plain_numbers[:2]
        checks.append(Check(canonical(f"{ident(a.name)} <= {ident(b.name)}"), None, where()))
    uniques = [
        Unique(tuple(cols), location=where())
        for cols in draw(st.lists(column_sets(plain), max_size=2))
    ]
    texts = [c for c in plain if c.type.category in TEXTS]
    if texts and draw(st.booleans()):  # a unique index, maybe partial, maybe on an expression
        target = draw(st.sampled_from(texts))
        partial = canonical(f"{ident(target.name)} IS NOT NULL") if draw(st.booleans()) else None
        expression = draw(st.booleans())
        uniques.append(
            Unique(
                () if expression else (target.name,),
                f"{name}_{target.name}_uidx"[:40],
                (f"(lower({canonical(ident(target.name))}))",) if expression else (),
                partial,
                True,
                where(),
            )
        )
    return Table(name, schema, tuple(columns), primary_key, (), tuple(uniques), tuple(checks),
                 dialect="postgres", location=table_location)  # fmt: skip


@st.composite
def with_foreign_keys(draw: st.DrawFn, tables: list[Table], where: Any) -> list[Table]:
    """Foreign keys to other generated tables' primary keys, on columns added for them."""
    out = list(tables)
    for i in range(len(tables)):
        targets = [t for t in tables if t.primary_key is not None]
        for target in draw(st.lists(st.sampled_from(targets), max_size=2)) if targets else ():
            assert target.primary_key is not None
            taken = {c.name for c in out[i].columns}
            new = []
            for ref in target.primary_key.columns:
                column = target.column(ref)
                assert column is not None
                fk_name = draw(identifiers.filter(lambda n, t=taken: n not in t))
                taken.add(fk_name)
                new.append(Column(fk_name, column.type, draw(st.booleans()),
                                  location=where()))  # fmt: skip
            on_delete, on_update = draw(st.tuples(*[st.sampled_from(
                ["NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"])] * 2))  # fmt: skip
            deferrable = draw(st.booleans())
            fk = ForeignKey(
                tuple(c.name for c in new), target.key, target.primary_key.columns, None,
                on_delete, on_update, deferrable, deferrable and draw(st.booleans()),
                location=where(),
            )  # fmt: skip
            out[i] = replace(out[i], columns=(*out[i].columns, *new),
                             foreign_keys=(*out[i].foreign_keys, fk))  # fmt: skip
    return out


# ------------------------------------------------------------------------------- tests


def comparable(schema: Schema) -> dict[str, Any]:
    data = strip_locations(schema.to_json())
    del data["skipped"]  # CREATE SCHEMA statements of the rendering are skipped and listed
    return without_original(data)


def without_original(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: without_original(v) for k, v in data.items() if k != "original"}
    if isinstance(data, list):
        return [without_original(v) for v in data]
    return data


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(schema=schemas())
def test_random_schema_rendered_to_ddl_parses_back_to_the_same_model(
    schema: Schema, tmp_path: Path
) -> None:
    ddl = sqlout.to_sql(schema)
    (tmp_path / "schema.sql").write_text(ddl)
    built = pipeline.load(["schema.sql"], cwd=str(tmp_path))
    assert built.warnings == [], ddl
    problems = differences(comparable(built.schema), comparable(schema), ("parsed", "model"))
    assert not problems, "\n".join([*problems, "", ddl])


@settings(max_examples=EXAMPLES, deadline=None)
@given(schema=schemas(located=True))
def test_random_schema_survives_the_json_round_trip(schema: Schema) -> None:
    assert Schema.from_json(schema.to_json()) == schema


SAMPLES = [
    ("sample_schemas/ecommerce/schema.sql", "postgres"),
    ("sample_schemas/rental/schema.sql", "postgres"),
    ("sample_schemas/sqlite/schema.sql", "sqlite"),
    ("sample_schemas/mysql/schema.sql", "mysql"),
]


@pytest.mark.parametrize(("path", "dialect"), SAMPLES)
def test_parsed_samples_json_is_stable(path: str, dialect: str) -> None:
    """JSON -> model -> JSON is the identity on what real inputs produce."""
    data = pipeline.load([path], dialect, cwd=str(ROOT)).schema.to_json()
    assert Schema.from_json(data).to_json() == data


def test_parsed_samples_survive_the_json_round_trip() -> None:
    schema = pipeline.load(["sample_schemas/ecommerce/schema.sql"], cwd=str(ROOT)).schema
    assert Schema.from_json(schema.to_json()) == schema
