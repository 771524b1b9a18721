"""The dialect-neutral schema model: frozen dataclasses that round-trip through JSON.

Every later stage (expression compiler, plan, render, drift) reads only this model, never
parser output, so a new dialect only has to produce these objects. Expressions are kept as
SQL text in the source dialect; `codegen.sqlexpr` turns them into sqlglot trees on demand.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

DEFAULT_SCHEMA = {"postgres": "public", "sqlite": "main", "mysql": ""}
# How the database numbers a column: SQL identity ("always" | "by default"), a serial,
# MySQL's AUTO_INCREMENT, SQLite's rowid alias (max + 1: a deleted last id comes back) and
# SQLite's AUTOINCREMENT rowid alias (never reused: sqlite_sequence keeps the largest)
Identity = Literal["always", "by default", "serial", "auto_increment", "rowid", "autoincrement"]

# Normalised type categories. Parameters live beside the category on SqlType.
CATEGORIES = (
    "smallint", "integer", "bigint", "numeric", "real", "double",
    "text", "varchar", "char", "boolean",
    "date", "time", "timetz", "timestamp", "timestamptz", "interval",
    "uuid", "json", "jsonb", "bytes", "inet", "cidr", "macaddr",
    "bit", "varbit", "money", "xml", "tsvector", "year", "set",
    "array", "enum", "domain", "composite", "unknown",
    # PostgreSQL's own and its extensions' (pgvector, hstore, ltree, cube, PostGIS)
    "macaddr8", "tsquery", "range", "multirange", "vector", "halfvec", "sparsevec",
    "hstore", "ltree", "lquery", "cube", "geometry", "geography",
)  # fmt: skip


@dataclass(frozen=True)
class Location:
    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Location:
        return cls(data["file"], data["line"], data.get("column", 1))


NOWHERE = Location("<unknown>", 0)


@dataclass(frozen=True)
class SqlType:
    """A column/parameter type: normalised category + parameters + canonical spelling."""

    category: str
    sql: str  # canonical spelling in the dialect: "numeric(10,2)", "timestamptz", "text[]"
    length: int | None = None  # varchar(n), char(n), bit(n)
    precision: int | None = None  # numeric(p,s), time(p)
    scale: int | None = None
    element: SqlType | None = None  # for arrays
    name: str | None = None  # enum / domain / composite key, or the unknown type's name
    original: str = ""  # as written in the source

    @property
    def is_array(self) -> bool:
        return self.category == "array"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"category": self.category, "sql": self.sql}
        for key in ("length", "precision", "scale", "name"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.element is not None:
            out["element"] = self.element.to_json()
        out["original"] = self.original
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SqlType:
        element = data.get("element")
        return cls(
            category=data["category"],
            sql=data["sql"],
            length=data.get("length"),
            precision=data.get("precision"),
            scale=data.get("scale"),
            element=cls.from_json(element) if element else None,
            name=data.get("name"),
            original=data.get("original", ""),
        )


@dataclass(frozen=True)
class Generated:
    sql: str
    stored: bool = True


@dataclass(frozen=True)
class Column:
    name: str
    type: SqlType
    nullable: bool = True
    default: str | None = None  # SQL expression text
    generated: Generated | None = None
    identity: Identity | None = None
    collation: str | None = None
    comment: str | None = None
    location: Location = NOWHERE
    on_update: str | None = None  # MySQL's ON UPDATE CURRENT_TIMESTAMP: set by every UPDATE

    def to_json(self) -> dict[str, Any]:
        extra = {"on_update": self.on_update} if self.on_update is not None else {}
        return {
            "name": self.name,
            "type": self.type.sql,
            "nullable": self.nullable,
            "default": self.default,
            "generated": (
                {"sql": self.generated.sql, "stored": self.generated.stored}
                if self.generated
                else None
            ),
            "identity": self.identity,
            "collation": self.collation,
            "comment": self.comment,
            **extra,
            "type_info": self.type.to_json(),
            "location": self.location.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Column:
        gen = data.get("generated")
        return cls(
            name=data["name"],
            type=SqlType.from_json(data["type_info"]),
            nullable=data["nullable"],
            default=data.get("default"),
            generated=Generated(gen["sql"], gen["stored"]) if gen else None,
            identity=data.get("identity"),
            collation=data.get("collation"),
            comment=data.get("comment"),
            location=Location.from_json(data["location"]),
            on_update=data.get("on_update"),
        )


@dataclass(frozen=True)
class PrimaryKey:
    columns: tuple[str, ...]
    name: str | None = None
    location: Location = NOWHERE


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str  # table key ("name" or "schema.name")
    ref_columns: tuple[str, ...]  # empty until resolved to the referenced primary key
    name: str | None = None
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"
    deferrable: bool = False
    initially_deferred: bool = False
    external: bool = False  # the referenced table is not defined by any input
    location: Location = NOWHERE

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "columns": list(self.columns),
            "ref_table": self.ref_table,
            "ref_columns": list(self.ref_columns),
            "on_delete": self.on_delete,
            "on_update": self.on_update,
            "deferrable": self.deferrable,
            "initially_deferred": self.initially_deferred,
            "external": self.external,
            "location": self.location.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ForeignKey:
        return cls(
            columns=tuple(data["columns"]),
            ref_table=data["ref_table"],
            ref_columns=tuple(data["ref_columns"]),
            name=data.get("name"),
            on_delete=data.get("on_delete", "NO ACTION"),
            on_update=data.get("on_update", "NO ACTION"),
            deferrable=data.get("deferrable", False),
            initially_deferred=data.get("initially_deferred", False),
            external=data.get("external", False),
            location=Location.from_json(data["location"]),
        )


@dataclass(frozen=True)
class Unique:
    """A uniqueness rule: a UNIQUE constraint, or a unique index (maybe partial/expression)."""

    columns: tuple[str, ...]
    name: str | None = None
    expressions: tuple[str, ...] = ()  # unique index on expressions: SQL text of each
    where: str | None = None  # partial unique index predicate
    from_index: bool = False
    location: Location = NOWHERE
    nulls_distinct: bool = True  # False: NULLS NOT DISTINCT (PostgreSQL 15), NULL = NULL

    @property
    def is_plain(self) -> bool:
        """True when the rule constrains whole rows by plain columns (what generators use)."""
        return not self.expressions and self.where is None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "columns": list(self.columns),
            "expressions": list(self.expressions),
            "where": self.where,
            "from_index": self.from_index,
            **({} if self.nulls_distinct else {"nulls_distinct": False}),
            "location": self.location.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Unique:
        return cls(
            columns=tuple(data["columns"]),
            name=data.get("name"),
            expressions=tuple(data.get("expressions", ())),
            where=data.get("where"),
            from_index=data.get("from_index", False),
            location=Location.from_json(data["location"]),
            nulls_distinct=data.get("nulls_distinct", True),
        )


@dataclass(frozen=True)
class Exclude:
    """An EXCLUDE constraint over plain columns, each compared with its operator (`=`,
    `&&`, `<>`, ...); two rows conflict when every comparison holds. Expression elements
    and WHERE predicates are refused with a warning by the reader."""

    columns: tuple[str, ...]
    operators: tuple[str, ...]  # one per column: "=", "&&", "<>", "-|-", ...
    name: str | None = None
    location: Location = NOWHERE
    method: str = "btree"  # the index it builds: USING gist | btree | hash
    deferred: bool = False  # DEFERRABLE INITIALLY DEFERRED: checked at COMMIT
    # how many of the table's unique rules (the primary key first, then `uniques`) have
    # older indexes: PostgreSQL checks a row against indexes in the order they were built
    # (-1: not known, taken as after all of them)
    made_after: int = -1

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "columns": list(self.columns),
            "operators": list(self.operators),
            "method": self.method,
            "location": self.location.to_json(),
        }
        if self.deferred:  # only when set: models written before it read the same
            out["deferred"] = True
        if self.made_after >= 0:
            out["made_after"] = self.made_after
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Exclude:
        return cls(
            tuple(data["columns"]),
            tuple(data["operators"]),
            data.get("name"),
            Location.from_json(data["location"]),
            data.get("method", "btree"),
            bool(data.get("deferred", False)),
            int(data.get("made_after", -1)),
        )


@dataclass(frozen=True)
class Check:
    sql: str
    name: str | None = None
    location: Location = NOWHERE
    not_valid: bool = False  # NOT VALID: existing rows unchecked; new rows still must pass
    no_inherit: bool = False  # NO INHERIT: INHERITS children do not get it

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "sql": self.sql,
            "not_valid": self.not_valid,
            "location": self.location.to_json(),
        }
        if self.no_inherit:  # only when set: models without it keep their JSON
            out["no_inherit"] = True
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Check:
        return cls(
            data["sql"],
            data.get("name"),
            Location.from_json(data["location"]),
            data.get("not_valid", False),
            data.get("no_inherit", False),
        )


@dataclass(frozen=True)
class Index:
    """A non-unique index (unique ones become `Unique` rules on the table)."""

    name: str | None
    columns: tuple[str, ...]
    expressions: tuple[str, ...] = ()
    where: str | None = None
    location: Location = NOWHERE
    method: str = "btree"


@dataclass(frozen=True)
class Table:
    name: str
    schema: str
    columns: tuple[Column, ...] = ()
    primary_key: PrimaryKey | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    uniques: tuple[Unique, ...] = ()
    checks: tuple[Check, ...] = ()
    indexes: tuple[Index, ...] = ()
    excludes: tuple[Exclude, ...] = ()  # EXCLUDE constraints over plain columns
    partition_by: str | None = None  # "RANGE (created_at)" on a partitioned parent
    partition_of: str | None = None  # parent table key on a PARTITION OF child
    partition_bound: str | None = None  # "FOR VALUES FROM (...) TO (...)" / "DEFAULT"
    inherits: tuple[str, ...] = ()  # parent table keys of INHERITS (...), in order
    comment: str | None = None
    dialect: str = "postgres"
    location: Location = NOWHERE

    @property
    def key(self) -> str:
        return table_key(self.schema, self.name, self.dialect)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.key,
            "schema": self.schema,
            "table": self.name,
            "columns": [c.to_json() for c in self.columns],
            "primary_key": list(self.primary_key.columns) if self.primary_key else [],
            "primary_key_name": self.primary_key.name if self.primary_key else None,
            "primary_key_location": (
                self.primary_key.location.to_json() if self.primary_key else None
            ),
            "foreign_keys": [fk.to_json() for fk in self.foreign_keys],
            "unique": [list(u.columns) for u in self.uniques if u.is_plain],
            "unique_rules": [u.to_json() for u in self.uniques],
            "checks": [c.sql for c in self.checks],
            "check_rules": [c.to_json() for c in self.checks],
            "indexes": [
                {
                    "name": i.name,
                    "columns": list(i.columns),
                    "expressions": list(i.expressions),
                    "where": i.where,
                    "method": i.method,
                    "location": i.location.to_json(),
                }
                for i in self.indexes
            ],
            "partition_by": self.partition_by,
            "partition_of": self.partition_of,
            "partition_bound": self.partition_bound,
            **({"inherits": list(self.inherits)} if self.inherits else {}),
            **({"excludes": [x.to_json() for x in self.excludes]} if self.excludes else {}),
            "comment": self.comment,
            "location": self.location.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], dialect: str) -> Table:
        pk_loc = Location.from_json(data.get("primary_key_location") or data["location"])
        return cls(
            name=data["table"],
            schema=data["schema"],
            columns=tuple(Column.from_json(c) for c in data["columns"]),
            primary_key=(
                PrimaryKey(tuple(data["primary_key"]), data.get("primary_key_name"), pk_loc)
                if data["primary_key"]
                else None
            ),
            foreign_keys=tuple(ForeignKey.from_json(f) for f in data["foreign_keys"]),
            uniques=tuple(Unique.from_json(u) for u in data["unique_rules"]),
            checks=tuple(Check.from_json(c) for c in data["check_rules"]),
            indexes=tuple(
                Index(
                    i["name"],
                    tuple(i["columns"]),
                    tuple(i["expressions"]),
                    i["where"],
                    Location.from_json(i["location"]),
                    i.get("method", "btree"),
                )
                for i in data["indexes"]
            ),
            partition_by=data.get("partition_by"),
            partition_of=data.get("partition_of"),
            partition_bound=data.get("partition_bound"),
            inherits=tuple(data.get("inherits", ())),
            excludes=tuple(Exclude.from_json(x) for x in data.get("excludes", ())),
            comment=data.get("comment"),
            dialect=dialect,
            location=Location.from_json(data["location"]),
        )


@dataclass(frozen=True)
class EnumType:
    name: str  # key: "name" or "schema.name"
    labels: tuple[str, ...]
    location: Location = NOWHERE

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "labels": list(self.labels), "location": self.location.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EnumType:
        return cls(data["name"], tuple(data["labels"]), Location.from_json(data["location"]))


@dataclass(frozen=True)
class Domain:
    name: str
    base: SqlType
    nullable: bool = True
    default: str | None = None
    checks: tuple[Check, ...] = ()
    location: Location = NOWHERE

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "base": self.base.to_json(),
            "nullable": self.nullable,
            "default": self.default,
            "checks": [c.to_json() for c in self.checks],
            "location": self.location.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Domain:
        return cls(
            data["name"],
            SqlType.from_json(data["base"]),
            data["nullable"],
            data.get("default"),
            tuple(Check.from_json(c) for c in data["checks"]),
            Location.from_json(data["location"]),
        )


@dataclass(frozen=True)
class CompositeType:
    name: str
    attributes: tuple[tuple[str, SqlType], ...]
    location: Location = NOWHERE

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "attributes": [{"name": n, "type": t.sql, "type_info": t.to_json()}
                           for n, t in self.attributes],
            "location": self.location.to_json(),
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CompositeType:
        return cls(
            data["name"],
            tuple((a["name"], SqlType.from_json(a["type_info"])) for a in data["attributes"]),
            Location.from_json(data["location"]),
        )


@dataclass(frozen=True)
class Param:
    name: str | None  # unnamed parameters exist: `f(text, text)`
    type: SqlType
    mode: str = "IN"  # IN | OUT | INOUT | VARIADIC
    default: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type.sql,
            "mode": self.mode,
            "default": self.default,
            "type_info": self.type.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Param:
        return cls(
            data["name"], SqlType.from_json(data["type_info"]), data["mode"], data.get("default")
        )


@dataclass(frozen=True)
class Returns:
    """kind: scalar | setof | table | record | void | trigger."""

    kind: str
    type: SqlType | None = None  # scalar type, or the SETOF element type
    columns: tuple[Param, ...] = ()  # RETURNS TABLE(...) columns

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "type": self.type.sql if self.type else None,
            "type_info": self.type.to_json() if self.type else None,
            "columns": [c.to_json() for c in self.columns],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Returns:
        info = data.get("type_info")
        return cls(
            data["kind"],
            SqlType.from_json(info) if info else None,
            tuple(Param.from_json(c) for c in data["columns"]),
        )


@dataclass(frozen=True)
class Function:
    name: str  # key: "name" or "schema.name"
    params: tuple[Param, ...]
    returns: Returns
    language: str = "sql"
    volatility: str = "VOLATILE"
    strict: bool = False
    parallel: str = "UNSAFE"  # SAFE | RESTRICTED | UNSAFE
    body: str | None = None  # the function body text (inside the quotes / after RETURN)
    body_style: str = "string"  # "string" ($$...$$ / '...') or "standard" (RETURN / BEGIN ATOMIC)
    is_procedure: bool = False
    comment: str | None = None
    location: Location = NOWHERE

    @property
    def signature(self) -> str:
        args = ", ".join(
            " ".join(p for p in (p.mode if p.mode != "IN" else "", p.name or "", p.type.sql) if p)
            for p in self.params
        )
        return f"{self.name}({args})"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "params": [p.to_json() for p in self.params],
            "returns": self.returns.to_json(),
            "language": self.language,
            "volatility": self.volatility,
            "strict": self.strict,
            "parallel": self.parallel,
            "body": self.body,
            "body_style": self.body_style,
            "is_procedure": self.is_procedure,
            "comment": self.comment,
            "location": self.location.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Function:
        return cls(
            name=data["name"],
            params=tuple(Param.from_json(p) for p in data["params"]),
            returns=Returns.from_json(data["returns"]),
            language=data["language"],
            volatility=data["volatility"],
            strict=data["strict"],
            parallel=data.get("parallel", "UNSAFE"),
            body=data.get("body"),
            body_style=data.get("body_style", "string"),
            is_procedure=data.get("is_procedure", False),
            comment=data.get("comment"),
            location=Location.from_json(data["location"]),
        )


@dataclass(frozen=True)
class View:
    name: str
    columns: tuple[str, ...]  # empty when not derivable without a database
    sql: str
    materialized: bool = False
    location: Location = NOWHERE

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "columns": list(self.columns),
            "sql": self.sql,
            "materialized": self.materialized,
            "location": self.location.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> View:
        return cls(
            data["name"],
            tuple(data["columns"]),
            data["sql"],
            data.get("materialized", False),
            Location.from_json(data["location"]),
        )


@dataclass(frozen=True)
class Skipped:
    """A statement read but not applied: it carries no schema (GRANT, SET, DML, ...)."""

    location: Location
    sql: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.location.file,
            "line": self.location.line,
            "sql": self.sql,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Skipped:
        return cls(Location(data["file"], data["line"]), data["sql"], data["reason"])


@dataclass(frozen=True)
class Schema:
    dialect: str
    tables: tuple[Table, ...] = ()
    enums: tuple[EnumType, ...] = ()
    domains: tuple[Domain, ...] = ()
    composites: tuple[CompositeType, ...] = ()
    functions: tuple[Function, ...] = ()
    views: tuple[View, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    external_tables: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()  # CREATE EXTENSION names (types like citext come from them)
    _by_key: dict[str, Table] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # derived, so `replace(schema, tables=...)` builds its own and leaves the original alone
        object.__setattr__(self, "_by_key", {t.key: t for t in self.tables})

    def table(self, key: str) -> Table | None:
        return self._by_key.get(key)

    def enum(self, key: str) -> EnumType | None:
        return next((e for e in self.enums if e.name == key), None)

    def domain(self, key: str) -> Domain | None:
        return next((d for d in self.domains if d.name == key), None)

    def base_of(self, column: Column) -> tuple[SqlType, bool]:
        """The column's type with domains resolved to their base, and whether it may hold
        NULL (a domain's NOT NULL holds for the column too)."""
        t, nullable = column.type, column.nullable
        for _ in range(20):
            domain = self.domain(t.name) if t.category == "domain" and t.name else None
            if domain is None:
                break
            t, nullable = domain.base, nullable and domain.nullable
        return t, nullable

    def composite(self, key: str) -> CompositeType | None:
        return next((c for c in self.composites if c.name == key), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "dialect": self.dialect,
            "tables": [t.to_json() for t in self.tables],
            "enums": [e.to_json() for e in self.enums],
            "domains": [d.to_json() for d in self.domains],
            "functions": [f.to_json() for f in self.functions],
            "views": [v.to_json() for v in self.views],
            "composites": [c.to_json() for c in self.composites],
            "external_tables": list(self.external_tables),
            "extensions": list(self.extensions),
            "skipped": [s.to_json() for s in self.skipped],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Schema:
        dialect = data["dialect"]
        return cls(
            dialect=dialect,
            tables=tuple(Table.from_json(t, dialect) for t in data["tables"]),
            enums=tuple(EnumType.from_json(e) for e in data["enums"]),
            composites=tuple(CompositeType.from_json(c) for c in data.get("composites", ())),
            domains=tuple(Domain.from_json(d) for d in data["domains"]),
            functions=tuple(Function.from_json(f) for f in data["functions"]),
            views=tuple(View.from_json(v) for v in data["views"]),
            external_tables=tuple(data.get("external_tables", ())),
            extensions=tuple(data.get("extensions", ())),
            skipped=tuple(Skipped.from_json(s) for s in data.get("skipped", ())),
        )


def table_key(schema: str, name: str, dialect: str) -> str:
    """`name` in the dialect's default schema, `schema.name` elsewhere."""
    if not schema or schema == DEFAULT_SCHEMA.get(dialect):
        return name
    return f"{schema}.{name}"


__all__ = [
    "CATEGORIES",
    "DEFAULT_SCHEMA",
    "Check",
    "Column",
    "CompositeType",
    "Domain",
    "EnumType",
    "ForeignKey",
    "Function",
    "Generated",
    "Index",
    "Location",
    "Param",
    "PrimaryKey",
    "Returns",
    "Schema",
    "Skipped",
    "SqlType",
    "Table",
    "Unique",
    "View",
    "replace",
    "table_key",
]


def without_locations(value: Any) -> Any:
    """Model JSON without where things are (`location`, `primary_key_location`): lines
    added above a table change no fingerprint."""
    if isinstance(value, dict):
        return {
            k: without_locations(v) if isinstance(v, (dict, list)) else v  # no call per leaf
            for k, v in value.items()
            if k != "location" and not k.endswith("_location")
        }
    if isinstance(value, list):
        return [without_locations(v) if isinstance(v, (dict, list)) else v for v in value]
    return value
