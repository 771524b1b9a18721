"""The catalog: applies statements in order, as the database would, into a `Schema`.

Like sqlc's catalog, this is the only place that knows what CREATE, ALTER, RENAME and DROP
do; the readers only translate syntax and the generators only read the result. Applying a
statement to something that does not exist is bad input (an error with the statement's
location), unless the statement said IF [NOT] EXISTS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from . import ddl, derived
from .dialect import Dialect, of
from .errors import Diagnostic, SchemagenError
from .model import (
    Check,
    Column,
    CompositeType,
    Domain,
    EnumType,
    Exclude,
    ForeignKey,
    Function,
    Index,
    Location,
    PrimaryKey,
    Schema,
    Skipped,
    SqlType,
    Table,
    Unique,
    View,
    table_key,
)
from .naming import pg_index_name, quote_ident

_UNKNOWN = SqlType("unknown", "unknown", name="unknown", original="unknown")  # not typed

# Tables that real projects reference without defining: Supabase's auth schema.
KNOWN_EXTERNAL_SQL: dict[str, str] = {
    "auth.users": (
        "CREATE TABLE auth.users (id uuid PRIMARY KEY, email varchar(255), phone text,"
        " created_at timestamptz, updated_at timestamptz);"
    ),
}


@dataclass(frozen=True)
class Event:
    """A rename or drop the inputs applied, kept so that a reference to what no longer exists
    (in a function body) can name the migration that removed it."""

    kind: str  # "rename table" | "drop table" | "rename column" | "drop column"
    table: str  # the table's key when the statement ran
    column: str | None  # the column renamed or dropped
    new: str | None  # the new name (renames)
    location: Location


@dataclass
class Built:
    schema: Schema
    warnings: list[Diagnostic] = field(default_factory=list)
    sources_digest: str = ""  # fingerprint of the input files' bytes (set by the pipeline)
    history: tuple[Event, ...] = ()  # renames and drops, in the order applied
    function_drift: list[Diagnostic] = field(default_factory=list)  # set by the pipeline
    functions_unchecked: list[Diagnostic] = field(default_factory=list)  # EXECUTE, ...


class Catalog:
    def __init__(self, dialect: str | Dialect) -> None:
        self.dialect = of(dialect)
        self.tables: dict[str, Table] = {}
        self.enums: dict[str, EnumType] = {}
        self.domains: dict[str, Domain] = {}
        self.composites: dict[str, CompositeType] = {}
        self.functions: dict[tuple[str, tuple[str, ...]], Function] = {}
        self.views: dict[str, View] = {}
        self.skipped: list[Skipped] = []
        self.warnings: list[Diagnostic] = []
        # index key (see _index_key) -> (table key, index name)
        self.index_owner: dict[str, tuple[str, str]] = {}
        self.extensions: list[str] = []
        self.origins: list[ddl.Origin] = []  # every statement applied, for error excerpts
        self.temporary: set[str] = set()  # CREATE TEMP TABLE names (not modelled)
        self.history: list[Event] = []

    # ------------------------------------------------------------------ application

    def apply(self, statement: ddl.Statement) -> None:
        handler = _STATEMENT_HANDLERS[type(statement)]
        self.origins.append(statement.origin)
        if self.dialect.folds_case:
            statement = _declared_case(self, statement)
        if self.temporary and _temporary_target(self, statement):
            self.skip(ddl.Skip(statement.origin, "statement on a temporary table"))
            return
        handler(self, statement)
        self.history.extend(_events(statement))

    def _origin_at(self, location: Location, within: ddl.Origin | None = None) -> ddl.Origin:
        """Where a part of a statement is, with the line of SQL there as the excerpt."""
        candidates = [within] if within else [
            o for o in self.origins
            if o.location.file == location.file
            and (o.location.line, o.location.column) <= (location.line, location.column)
        ]  # fmt: skip
        if not candidates or location.line <= 0:
            return within or ddl.Origin(location, "")
        origin = max(candidates, key=lambda o: (o.location.line, o.location.column))
        lines = origin.sql.split("\n")
        index = location.line - origin.location.line
        return ddl.Origin(location, lines[index] if 0 <= index < len(lines) else origin.sql)

    def _error(self, origin: ddl.Origin, message: str) -> SchemagenError:
        return SchemagenError(message, origin.location, origin.sql)

    def _table(self, origin: ddl.Origin, key: str) -> Table:
        table = self.tables.get(key)
        if table is None:
            known = ", ".join(sorted(self.tables)[:8]) or "none yet"
            raise self._error(
                origin,
                f'table "{key}" does not exist '
                f"(expected one of the tables defined before this statement: {known})",
            )
        return table

    def create_table(self, st: ddl.CreateTable) -> None:
        table = st.table
        if table.key in self.tables or table.key in self.views:
            if st.if_not_exists:
                return
            raise self._error(st.origin, f'table "{table.key}" already exists')
        for like in reversed(st.likes):  # positions count the table's own columns
            source = self._table(st.origin, like.source)
            table = derived.like(table, source, like.position, like.options)
        if table.partition_of is not None:
            parent = self._table(st.origin, table.partition_of)
            share = self.dialect.partitions_share_identity
            table = derived.partition_of(table, parent, share)
        if table.inherits:
            parents = [self._table(st.origin, key) for key in table.inherits]
            table = derived.inherit(table, parents)
        _check_unique_names(st.origin, table)
        for constraint in (table.primary_key, *table.uniques, *table.foreign_keys,
                           *table.excludes):  # fmt: skip
            if constraint is not None:
                origin = self._origin_at(constraint.location, st.origin)
                _check_columns(origin, table, constraint.columns, type(constraint).__name__)
        # SQLite, unlike the others, lets primary-key columns hold NULL unless declared NOT NULL
        table = table if self.dialect.pk_columns_nullable else _nullable_pk(table)
        self.tables[table.key] = self.dialect.name_constraints(table)
        if st.likes:
            self._name_copied_indexes(table.key)
        if table.partition_of is not None:
            self._clone_indexes(table.key, _created_indexes(self.tables[table.partition_of]))

    def _name_copied_indexes(self, key: str) -> None:
        """Indexes LIKE ... INCLUDING INDEXES copied get the names PostgreSQL chooses."""
        table = self.tables[key]
        for index in derived.unnamed_indexes(table):
            parts = [*(quote_ident(c) for c in index.columns), *index.expressions]
            statement = f"CREATE INDEX ON t ({', '.join(parts)})"
            named = self._pg_index_name(statement, table)
            if named is None:
                continue
            self.index_owner[self._index_key(table, named)] = (key, named)
            table = replace(
                table,
                uniques=tuple(replace(u, name=named) if u is index else u for u in table.uniques),
                indexes=tuple(replace(i, name=named) if i is index else i for i in table.indexes),
            )
        self.tables[key] = table

    def alter_table(self, st: ddl.AlterTable) -> None:
        if st.table in self.views and st.table not in self.tables:
            self._alter_view(st)
            return
        if st.table not in self.tables and st.if_exists:
            return
        table = self._table(st.origin, st.table)
        for action in st.actions:
            table = _ACTION_HANDLERS[type(action)](self, st.origin, table, action)
        self.tables[st.table] = self.dialect.name_constraints(table)
        if st.recurse:
            # the database applies ALTER TABLE (without ONLY) to partitions and children
            # too, once each, however many paths lead to them
            for child, partition in self._descendants(st.table):
                share = self.dialect.partitions_share_identity
                adapted = [_for_partition(a, share) if partition else _for_child(a)
                           for a in st.actions]  # fmt: skip
                actions = tuple(a for a in adapted if a is not None)
                if actions:
                    self.alter_table(replace(st, table=child, actions=actions, recurse=False))

    def _alter_view(self, st: ddl.AlterTable) -> None:
        """ALTER VIEW / MATERIALIZED VIEW / TABLE ... RENAME COLUMN on a view: its columns."""
        view = self.views[st.table]
        columns = list(view.columns)
        for action in st.actions:
            if not isinstance(action, ddl.RenameColumn):
                self.skip(ddl.Skip(st.origin, f"ALTER on view: {type(action).__name__}"))
            elif action.old in columns:
                columns[columns.index(action.old)] = action.new
            elif columns:  # known columns: the one named must be there
                raise self._error(st.origin, f'column "{action.old}" does not exist')
        self.views[st.table] = replace(view, columns=tuple(columns))

    def rename_index(self, st: ddl.RenameIndex) -> None:
        """ALTER INDEX ... RENAME TO: the index, or the PRIMARY KEY / UNIQUE constraint it
        backs (PostgreSQL renames the constraint with its index)."""
        entry = self.index_owner.pop(st.index, None)
        if entry is not None:
            owner, old = entry
            table = self.tables[owner]
            self.index_owner[self._index_key(table, st.new_name)] = (owner, st.new_name)
            self.tables[owner] = replace(
                table,
                uniques=tuple(replace(u, name=st.new_name) if u.name == old else u
                              for u in table.uniques),
                indexes=tuple(replace(i, name=st.new_name) if i.name == old else i
                              for i in table.indexes),
            )  # fmt: skip
            return
        schema, _, old = st.index.rpartition(".")
        for key, table in self.tables.items():
            backed = [c.name for c in (table.primary_key, *table.uniques) if c is not None]
            if (table.schema == (schema or self.dialect.default_schema)) and old in backed:
                rename = ddl.RenameConstraint(old, st.new_name)
                self.tables[key] = _rename_constraint(self, st.origin, table, rename)
                return
        if not st.if_exists:
            raise self._error(st.origin, f'relation "{st.index}" does not exist')

    def rename_schema(self, st: ddl.RenameSchema) -> None:
        """ALTER SCHEMA ... RENAME TO: its tables, views and types move with it."""

        def moved(key: str) -> str | None:
            schema, _, name = key.rpartition(".")
            if (schema or self.dialect.default_schema) != st.old:
                return None
            return table_key(st.new, name, self.dialect.name)

        for table in [t for t in self.tables.values() if t.schema == st.old]:
            self._move_table(table, replace(table, schema=st.new))
        for key in list(self.views):
            if (new := moved(key)) is not None:
                self.views[new] = replace(self.views.pop(key), name=new)
        for store in (self.enums, self.domains, self.composites):
            for key in list(store):
                if (new := moved(key)) is not None:
                    self._retype(key, new)

    def _descendants(self, key: str) -> list[tuple[str, bool]]:
        """Partitions and INHERITS children, recursively: (key, reached only through
        partitioning) in breadth-first order."""
        found: dict[str, bool] = {}
        queue = [(key, True)]
        while queue:
            parent, partition = queue.pop(0)
            for t in self.tables.values():
                if t.key in found or t.key == key:
                    continue
                if t.partition_of == parent or parent in t.inherits:
                    found[t.key] = partition and t.partition_of == parent
                    queue.append((t.key, found[t.key]))
        return list(found.items())

    def rename_table(self, st: ddl.RenameTable) -> None:
        if st.table in self.views:  # ALTER [MATERIALIZED] VIEW / TABLE ... RENAME TO
            view = self.views.pop(st.table)
            schema = st.table.rsplit(".", 1)[0] if "." in st.table else None
            schema = schema or self.dialect.default_schema
            new_key = table_key(schema, st.new_name, self.dialect.name)
            self.views[new_key] = replace(view, name=new_key)
            return
        if st.table not in self.tables and st.if_exists:
            return
        table = self._table(st.origin, st.table)
        self._move_table(table, replace(table, name=st.new_name))

    def _move_table(self, table: Table, moved: Table) -> None:
        """A table renamed or moved to another schema: keys, indexes, references follow."""
        del self.tables[table.key]
        for key, (owner, index) in list(self.index_owner.items()):
            if owner == table.key:
                del self.index_owner[key]
                self.index_owner[self._index_key(moved, index)] = (moved.key, index)
        self.tables = {k: _retarget(t, table.key, moved.key) for k, t in self.tables.items()}
        self.tables[moved.key] = _retarget(moved, table.key, moved.key)

    def set_schema(self, st: ddl.SetSchema) -> None:
        name = st.name
        if st.kind == "table" and name in self.views:
            name, kind = name, "view"
        else:
            kind = st.kind
        simple = name.rsplit(".", 1)[-1]
        new_key = table_key(st.schema, simple, self.dialect.name)
        if kind == "view" and name in self.views:
            self.views[new_key] = replace(self.views.pop(name), name=new_key)
        elif kind == "table" and name in self.tables:
            table = self.tables[name]
            self._move_table(table, replace(table, schema=st.schema))
        elif kind == "type" and self._retype(name, new_key):
            pass
        elif not st.if_exists:
            raise self._error(st.origin, f'{kind} "{name}" does not exist')

    def rename_type(self, st: ddl.RenameType) -> None:
        schema = st.name.rsplit(".", 1)[0] if "." in st.name else self.dialect.default_schema
        new_key = table_key(schema, st.new_name, self.dialect.name)
        if new_key in self.enums or new_key in self.domains or new_key in self.composites:
            raise self._error(st.origin, f'type "{new_key}" already exists')
        if not self._retype(st.name, new_key):
            raise self._error(st.origin, f'type "{st.name}" does not exist')

    def _retype(self, old: str, new: str) -> bool:
        """An enum, domain or composite type renamed or moved: columns keep using it."""
        found = False
        stores: tuple[dict[str, Any], ...] = (self.enums, self.domains, self.composites)
        for store in stores:
            if old in store:
                store[new] = replace(store.pop(old), name=new)
                found = True
        if found:
            self.tables = {
                k: replace(t, columns=tuple(_with_type(c, _renamed_type(c.type, old, new))
                                            for c in t.columns))
                for k, t in self.tables.items()
            }  # fmt: skip
        return found

    def create_index(self, st: ddl.CreateIndex) -> None:
        if st.table in self.views:
            self.skip(ddl.Skip(st.origin, "index on a materialized view"))
            return
        table = self._table(st.origin, st.table)
        index = st.index
        if index.name is None and self.dialect.names_indexes:
            index = replace(index, name=self._pg_index_name(st.origin.sql, table))
        key = self._index_key(table, index.name) if index.name else None
        if key and key in self.index_owner:
            if st.if_not_exists:
                return
            raise self._error(st.origin, f'index "{index.name}" already exists')
        _check_columns(st.origin, table, index.columns, "index")
        if key and index.name:
            self.index_owner[key] = (table.key, index.name)
        if isinstance(index, Unique):
            self.tables[table.key] = replace(table, uniques=(*table.uniques, index))
        else:
            self.tables[table.key] = replace(table, indexes=(*table.indexes, index))
        if st.recurse and table.partition_by is not None:
            for child in self._partitions(table.key):
                self._clone_indexes(child, [index])

    def _partitions(self, key: str) -> list[str]:
        return [t.key for t in self.tables.values() if t.partition_of == key]

    def _clone_indexes(self, key: str, indexes: Sequence[Unique | Index]) -> None:
        """A partitioned table's indexes reach a partition (and its partitions): PostgreSQL
        creates each one the partition has no equal of, named as it names a new index."""
        table = self.tables[key]
        existing: list[Unique | Index] = [*table.uniques, *table.indexes]
        have = {_index_shape(i) for i in existing}
        new = [replace(i, name=None) for i in indexes if _index_shape(i) not in have]
        if new:
            self.tables[key] = replace(
                table,
                uniques=(*table.uniques, *(i for i in new if isinstance(i, Unique))),
                indexes=(*table.indexes, *(i for i in new if isinstance(i, Index))),
            )
            self._name_copied_indexes(key)
        for child in self._partitions(key):
            self._clone_indexes(child, indexes)

    def _pg_index_name(self, statement: str, table: Table) -> str | None:
        """The name PostgreSQL gives an unnamed index (migrations drop it by that name)."""
        from .parse import postgres

        columns = postgres.index_column_names(statement)
        if columns is None:
            return None
        # relation names of the table's schema: tables, views, indexes (and the indexes of
        # PRIMARY KEY and UNIQUE constraints)
        same_schema = [t for t in self.tables.values() if t.schema == table.schema]
        taken = {t.name for t in same_schema} | {v.split(".")[-1] for v in self.views}
        taken |= {i for o, i in self.index_owner.values() if o in {t.key for t in same_schema}}
        for t in same_schema:
            taken |= {c.name for c in (t.primary_key, *t.uniques) if c is not None and c.name}
        return pg_index_name(table.name, columns, taken)

    def _index_key(self, table: Table, name: str) -> str:
        """Index names are unique per schema (per table in MySQL)."""
        if self.dialect.index_names_per_table:
            return f"{table.key}/{name}"
        return table_key(table.schema, name, self.dialect.name)

    def create_enum(self, st: ddl.CreateEnum) -> None:
        self._new_type(st.origin, st.enum.name)
        self.enums[st.enum.name] = st.enum

    def add_enum_value(self, st: ddl.AddEnumValue) -> None:
        enum = self.enums.get(st.enum)
        if enum is None:
            raise self._error(st.origin, f'enum type "{st.enum}" does not exist')
        labels = list(enum.labels)
        if st.label in labels:
            if st.if_not_exists:
                return
            raise self._error(st.origin, f'enum label "{st.label}" already exists')
        if st.neighbor is None:
            labels.append(st.label)
        elif st.neighbor not in labels:
            raise self._error(st.origin, f'"{st.neighbor}" is not an existing enum label')
        else:
            at = labels.index(st.neighbor) + (1 if st.after else 0)
            labels.insert(at, st.label)
        self.enums[st.enum] = replace(enum, labels=tuple(labels), location=st.origin.location)

    def rename_enum_value(self, st: ddl.RenameEnumValue) -> None:
        enum = self.enums.get(st.enum)
        if enum is None or st.old not in enum.labels:
            raise self._error(st.origin, f'"{st.old}" is not an existing enum label of "{st.enum}"')
        labels = tuple(st.new if label == st.old else label for label in enum.labels)
        self.enums[st.enum] = replace(enum, labels=labels)

    def create_domain(self, st: ddl.CreateDomain) -> None:
        self._new_type(st.origin, st.domain.name)
        self.domains[st.domain.name] = st.domain

    def create_composite(self, st: ddl.CreateComposite) -> None:
        self._new_type(st.origin, st.composite.name)
        self.composites[st.composite.name] = st.composite

    def alter_composite(self, st: ddl.AlterComposite) -> None:
        """ALTER TYPE ... ADD / DROP / RENAME / ALTER ATTRIBUTE: the attributes as a table's
        columns, through the same actions (and errors) as ALTER TABLE's."""
        composite = self.composites.get(st.name)
        if composite is None:
            raise self._error(st.origin, f'type "{st.name}" does not exist')
        shell = Table(composite.name, "", tuple(Column(n, t) for n, t in composite.attributes))
        for action in st.actions:
            shell = _ACTION_HANDLERS[type(action)](self, st.origin, shell, action)
        attributes = tuple((c.name, c.type) for c in shell.columns)
        self.composites[st.name] = replace(composite, attributes=attributes)

    def create_table_as(self, st: ddl.CreateTableAs) -> None:
        """CREATE TABLE ... AS SELECT: nullable columns, no constraints, each typed as the
        SELECT entry says or as the model has the column it reads; what neither tells is
        said, located, and modelled as of unknown type (rows leave it NULL)."""
        key = st.table.key
        if key in self.tables or key in self.views:
            if st.if_not_exists:
                return
            raise self._error(st.origin, f'relation "{key}" already exists')
        columns, unknown = self._select_list(st)
        if len(st.names) > len(columns) and not unknown:
            raise self._error(st.origin, "CREATE TABLE AS specifies too many column names")
        named = [replace(c, name=n) for c, n in zip(columns, st.names, strict=False)]
        columns = [*named, *columns[len(named) :]]
        seen: set[str] = set()
        for c in columns:
            if c.name in seen:
                raise self._error(st.origin, f'column "{c.name}" specified more than once')
            seen.add(c.name)
        if unknown:
            self.warnings.append(Diagnostic(
                st.origin.location,
                f"{key}: CREATE TABLE ... AS: the type of {'; '.join(unknown)} is not known"
                " from the model (a cast in the SELECT says it); such columns are modelled as"
                " of unknown type, and rows leave them NULL",
                st.origin.sql,
            ))  # fmt: skip
        self.tables[key] = replace(st.table, columns=tuple(columns))

    def _select_list(self, st: ddl.CreateTableAs) -> tuple[list[Column], list[str]]:
        """The columns of a CREATE TABLE AS, and the entries whose type is not known."""
        if not st.columns:
            return [], ["its columns (a query other than one SELECT)"]
        at = st.table.location
        columns: list[Column] = []
        unknown: list[str] = []
        for entry in st.columns:
            if entry.ref[-1:] == ("*",):
                found = self._star(st.sources, entry.ref[:-1])
                if found is None:
                    unknown.append(f"the columns of {entry.sql}")
                columns += [Column(c.name, c.type, location=at) for c in found or ()]
                continue
            t = entry.type or self._read_type(st.sources, entry.ref)
            if t is None:
                unknown.append(f"{entry.name} ({entry.sql})")
            columns.append(Column(entry.name, t or _UNKNOWN, location=at))
        return columns, unknown

    def _star(
        self, sources: Sequence[tuple[str, str]], qualifier: tuple[str, ...]
    ) -> list[Column] | None:
        """The columns `*` (or `alias.*`) stands for; None when a source's are not known."""
        found: list[Column] = []
        for alias, relation in sources:
            if qualifier and alias != qualifier[0]:
                continue
            table = self.tables.get(relation)
            if table is None:
                return None
            found += table.columns
        return found if found or not qualifier else None

    def _read_type(
        self, sources: Sequence[tuple[str, str]], ref: tuple[str, ...]
    ) -> SqlType | None:
        """The model's type of the column a SELECT entry reads (`c`, `alias.c`)."""
        for alias, relation in sources:
            table = self.tables.get(relation)
            if table is None or (len(ref) == 2 and alias != ref[0]):
                continue
            column = table.column(ref[-1]) if ref else None
            if column is not None:
                return column.type
        return None

    def _new_type(self, origin: ddl.Origin, name: str) -> None:
        if name in self.enums or name in self.domains or name in self.composites:
            raise self._error(origin, f'type "{name}" already exists')

    def create_function(self, st: ddl.CreateFunction) -> None:
        fn = st.function
        key = (fn.name, tuple(p.type.sql for p in fn.params if p.mode != "OUT"))
        if key in self.functions and not st.or_replace:
            raise self._error(st.origin, f"function {fn.signature} already exists")
        previous = self.functions.get(key)
        if previous is not None and previous.comment and not fn.comment:
            fn = replace(fn, comment=previous.comment)
        self.functions[key] = fn

    def create_view(self, st: ddl.CreateView) -> None:
        if st.view.name in self.views and not st.or_replace:
            raise self._error(st.origin, f'view "{st.view.name}" already exists')
        self.views[st.view.name] = st.view

    def comment(self, st: ddl.Comment) -> None:
        if st.kind == "function":
            for key, fn in self.functions.items():
                if fn.name == st.target:
                    self.functions[key] = replace(fn, comment=st.text)
            return
        if st.target in self.views:
            return  # comments on views are not modelled
        table = self._table(st.origin, st.target)
        if st.column is None:
            self.tables[table.key] = replace(table, comment=st.text)
        else:
            column = _column(st.origin, table, st.column)
            self.tables[table.key] = _put_column(table, st.column, replace(column, comment=st.text))

    def drop(self, st: ddl.Drop) -> None:
        for name in st.names:
            found = _DROPPERS.get(st.kind, Catalog._drop_other)(self, st, name)
            if not found and not st.if_exists:
                raise self._error(st.origin, f'{st.kind} "{name}" does not exist')

    def _drop_other(self, st: ddl.Drop, name: str) -> bool:
        if st.kind == "type":
            return self._drop_type(st, name)
        if st.kind == "function":
            keys = [k for k in self.functions if k[0] == name]
            for k in keys:
                del self.functions[k]
            return bool(keys)
        if st.kind == "index":
            return self._drop_index(name)
        return self.domains.pop(name, None) is not None if st.kind == "domain" else False

    def _drop_relation(self, st: ddl.Drop, name: str) -> bool:
        """DROP TABLE / VIEW: what depends on it blocks the drop, or goes too (CASCADE):
        views reading it, foreign keys referencing it, INHERITS children."""
        store: dict[str, Any] = self.tables if st.kind == "table" else self.views
        if name not in store:
            return False
        dependents = self._dependents(name)
        if dependents and not st.cascade:
            raise self._error(
                st.origin,
                f'cannot drop {st.kind} "{name}" because other objects depend on it '
                f"({', '.join(dependents)}); use DROP ... CASCADE to drop them too",
            )
        self._drop_cascading(name)
        return True

    def _dependents(self, name: str) -> list[str]:
        out = [f'view "{v.name}"' for v in self.views.values() if name in self._reads(v)]
        for t in self.tables.values():
            if t.key != name and name in t.inherits:
                out.append(f'table "{t.key}" (INHERITS)')
            elif t.key != name and t.partition_of != name:
                out += [f'constraint "{fk.name}" on table "{t.key}"'
                        for fk in t.foreign_keys if fk.ref_table == name]  # fmt: skip
        return out

    def _reads(self, view: View) -> set[str]:
        return self.dialect.query_relations(view.sql) or set()

    def _drop_cascading(self, name: str) -> None:
        """Drop a relation and, recursively, everything that depends on it."""
        if self.views.pop(name, None) is None:
            self.tables.pop(name, None)
            self.index_owner = {k: v for k, v in self.index_owner.items() if v[0] != name}
        for view in list(self.views.values()):
            if view.name in self.views and name in self._reads(view):
                self._drop_cascading(view.name)
        for key, t in list(self.tables.items()):
            if t.partition_of == name or name in t.inherits:
                self._drop_cascading(key)
            elif any(fk.ref_table == name for fk in t.foreign_keys):
                kept = tuple(fk for fk in t.foreign_keys if fk.ref_table != name)
                self.tables[key] = replace(t, foreign_keys=kept)

    def _drop_type(self, st: ddl.Drop, name: str) -> bool:
        """DROP TYPE: the columns of that type block it, or go too (CASCADE)."""
        if not any(name in s for s in (self.enums, self.domains, self.composites)):
            return False
        users = [(t, c) for t in self.tables.values() for c in t.columns
                 if _uses_type(c.type, name)]  # fmt: skip
        if users and not st.cascade:
            table, column = users[0]
            raise self._error(
                st.origin,
                f'cannot drop type "{name}" because column "{column.name}" of table '
                f'"{table.key}" uses it; use DROP ... CASCADE to drop the column too',
            )
        for table, column in users:
            current = self.tables[table.key]
            self.tables[table.key] = _drop_column(
                self, st.origin, current, ddl.DropColumn(column.name, True)
            )
        for types in (self.enums, self.domains, self.composites):
            types.pop(name, None)
        return True

    def _drop_schema(self, st: ddl.Drop, name: str) -> bool:
        """DROP SCHEMA: with CASCADE everything in it goes, and what depends on that."""
        prefix = f"{name}."
        relations = [k for k in (*self.tables, *self.views) if k.startswith(prefix)]
        types = [k for s in (self.enums, self.domains, self.composites) for k in s
                 if k.startswith(prefix)]  # fmt: skip
        functions = [k for k in self.functions if k[0].startswith(prefix)]
        if (relations or types or functions) and not st.cascade:
            raise self._error(
                st.origin,
                f'cannot drop schema "{name}" because other objects depend on it '
                f"({', '.join([*relations, *types][:5])}); use DROP SCHEMA ... CASCADE",
            )
        for key in relations:
            if key in self.tables or key in self.views:
                self._drop_cascading(key)
        for key in types:
            self._drop_type(replace(st, kind="type"), key)
        for fn in functions:
            del self.functions[fn]
        return True

    def _drop_index(self, name: str) -> bool:
        key = name  # "schema.index", or "index" in the default schema
        if self.dialect.index_names_per_table:  # `DROP INDEX ix ON t`: found by its name
            key = next((k for k, (_, i) in self.index_owner.items() if i == name), name)
        entry = self.index_owner.pop(key, None)
        if entry is None:
            return False
        owner, index = entry
        if owner in self.tables:
            table = self.tables[owner]
            dropped = [i for i in _created_indexes(table) if i.name == index]
            self.tables[owner] = replace(
                table,
                uniques=tuple(u for u in table.uniques if u.name != index),
                indexes=tuple(i for i in table.indexes if i.name != index),
            )
            for child in self._partitions(owner) if dropped else ():
                # the partitions' indexes attached to it go with it
                equal = [i for i in _created_indexes(self.tables[child])
                         if _index_shape(i) == _index_shape(dropped[0])]  # fmt: skip
                if equal and equal[0].name:
                    self._drop_index(self._index_key(self.tables[child], equal[0].name))
        return True

    def create_extension(self, st: ddl.CreateExtension) -> None:
        if st.name not in self.extensions:
            self.extensions.append(st.name)

    def create_temporary(self, st: ddl.CreateTemporary) -> None:
        self.temporary.add(st.table)
        self.skip(ddl.Skip(st.origin, "temporary table"))

    def skip(self, st: ddl.Skip) -> None:
        self.skipped.append(Skipped(st.origin.location, _first_line(st.origin.sql), st.reason))

    def note(self, st: ddl.Note) -> None:
        self.warnings.append(Diagnostic(st.origin.location, st.message, st.origin.sql))

    def unsupported(self, st: ddl.Unsupported) -> None:
        self.skipped.append(Skipped(st.origin.location, _first_line(st.origin.sql), st.reason))
        self.warnings.append(
            Diagnostic(st.origin.location, f"{st.reason}; schemagen ignores it", st.origin.sql)
        )

    # -------------------------------------------------------------------- finishing

    def build(self, externals: dict[str, Table] | None = None) -> Built:
        """Resolve user types and foreign keys, and freeze the result."""
        externals = dict(externals or {})
        resolve = self._type_resolver()
        tables = {k: _resolve_table_types(t, resolve) for k, t in self.tables.items()}
        if self.dialect.folds_case:
            tables = {k: _references_in_declared_case(t, tables) for k, t in tables.items()}
        missing: dict[str, Location] = {}
        for table in tables.values():
            for fk in table.foreign_keys:
                if fk.ref_table not in tables:
                    missing.setdefault(fk.ref_table, fk.location)
        external_keys: list[str] = []
        for key, location in missing.items():
            external_keys.append(key)
            if key in externals:
                tables[key] = externals[key]
            else:
                self.warnings.append(
                    Diagnostic(
                        location,
                        f'table "{key}" is referenced but not defined by any input; kept as an '
                        "external table (declare it with --external FILE or "
                        "[tool.schemagen] external)",
                    )
                )
        for key, table in list(tables.items()):
            tables[key] = replace(
                table,
                foreign_keys=tuple(
                    self._resolve_fk(fk, table, tables) for fk in table.foreign_keys
                ),
            )
        schema = Schema(
            dialect=self.dialect.name,
            tables=tuple(tables.values()),
            enums=tuple(self.enums.values()),
            domains=tuple(replace(d, base=resolve(d.base)) for d in self.domains.values()),
            composites=tuple(self.composites.values()),
            functions=tuple(_resolve_function_types(f, resolve) for f in self.functions.values()),
            views=tuple(self.views.values()),
            skipped=tuple(self.skipped),
            external_tables=tuple(sorted(external_keys)),
            extensions=tuple(self.extensions),
        )
        return Built(schema, self.warnings, history=tuple(self.history))

    def _resolve_fk(self, fk: ForeignKey, table: Table, tables: dict[str, Table]) -> ForeignKey:
        target = tables.get(fk.ref_table)
        if target is None:
            return replace(fk, external=True)
        external = fk.ref_table not in self.tables
        ref_columns = fk.ref_columns
        if all(target.column(c) for c in ref_columns) and len(ref_columns) == len(fk.columns):
            return replace(fk, external=external)  # the common case: nothing to report
        origin = self._origin_at(fk.location)  # a scan of the statements: only for errors
        if not ref_columns:
            if target.primary_key is None:
                raise self._error(
                    origin,
                    f'foreign key on "{table.key}" references "{target.key}" without a column '
                    "list, but that table has no primary key",
                )
            ref_columns = target.primary_key.columns
        _check_columns(origin, target, ref_columns, "referenced")
        if len(ref_columns) != len(fk.columns):
            raise self._error(
                origin,
                f'foreign key on "{table.key}" has {len(fk.columns)} column(s) but references '
                f'{len(ref_columns)} column(s) of "{target.key}" (expected the same number)',
            )
        return replace(fk, ref_columns=ref_columns, external=external)

    def _type_resolver(self) -> Callable[[SqlType], SqlType]:
        def resolve(t: SqlType) -> SqlType:
            if t.category == "array" and t.element is not None:
                return replace(t, element=resolve(t.element))
            if t.category != "unknown" or t.name is None:
                return t
            for category, store in (
                ("enum", self.enums),
                ("domain", self.domains),
                ("composite", self.composites),
                ("composite", self.tables),  # a table's row type: `RETURNS SETOF products`
                ("composite", self.views),
            ):
                if t.name in store:
                    return replace(t, category=category)
            return t

        return resolve


def build(
    statements: Iterable[ddl.Statement],
    dialect: str | Dialect,
    externals: Sequence[ddl.Statement] = (),
) -> Built:
    """Apply `statements` in order; `externals` declare tables that inputs only reference."""
    catalog = Catalog(dialect)
    for statement in statements:
        catalog.apply(statement)
    return catalog.build(external_tables(externals, dialect))


def external_tables(
    statements: Sequence[ddl.Statement], dialect: str | Dialect
) -> dict[str, Table]:
    """Tables declared by stub files, plus the well-known ones (Supabase's auth.users)."""
    declared = Catalog(dialect)
    if declared.dialect.builtin_tables:
        from .sources import SourceFile

        read = declared.dialect.reader()
        for key, sql in KNOWN_EXTERNAL_SQL.items():
            for st in read(SourceFile(f"<builtin {key}>", sql, ""), None):
                declared.apply(st)
    for st in statements:
        declared.apply(st)
    return declared.tables


# ------------------------------------------------------------- case-insensitive names

# SQLite and MySQL ignore the case of column names (and SQLite of table names): `users.ID`
# is the column `Id` of `Users`. References are rewritten to the declared spelling before a
# statement applies, so the rest of the catalog compares names exactly (`Dialect.folds_case`).


def _events(st: ddl.Statement) -> list[Event]:
    where = st.origin.location
    if isinstance(st, ddl.RenameTable):
        return [Event("rename table", st.table, None, st.new_name, where)]
    if isinstance(st, ddl.Drop) and st.kind == "table":
        return [Event("drop table", name, None, None, where) for name in st.names]
    if isinstance(st, ddl.AlterTable):
        return [
            Event("rename column", st.table, a.old, a.new, where)
            if isinstance(a, ddl.RenameColumn)
            else Event("drop column", st.table, a.name, None, where)
            for a in st.actions
            if isinstance(a, (ddl.RenameColumn, ddl.DropColumn))
        ]
    return []


def _declared_key(key: str, keys: Iterable[str]) -> str:
    keys = list(keys)
    if key in keys:
        return key
    return next((k for k in keys if k.lower() == key.lower()), key)


def _declared_columns(table: Table | None, names: Sequence[str]) -> tuple[str, ...]:
    if table is None:
        return tuple(names)
    declared = {c.name.lower(): c.name for c in table.columns}
    return tuple(n if table.column(n) else declared.get(n.lower(), n) for n in names)


def _constraint_case(table: Table | None, c: Any) -> Any:
    return c if isinstance(c, Check) else replace(c, columns=_declared_columns(table, c.columns))


def _declared_case(cat: Catalog, st: ddl.Statement) -> ddl.Statement:
    relations = [*cat.tables, *cat.views]
    if isinstance(st, ddl.CreateTable):
        t = st.table
        return replace(
            st,
            table=replace(
                t,
                primary_key=_constraint_case(t, t.primary_key) if t.primary_key else None,
                uniques=tuple(_constraint_case(t, u) for u in t.uniques),
                foreign_keys=tuple(_constraint_case(t, fk) for fk in t.foreign_keys),
            ),
        )
    if isinstance(st, ddl.CreateIndex):
        key = _declared_key(st.table, relations)
        columns = _declared_columns(cat.tables.get(key), st.index.columns)
        return replace(st, table=key, index=replace(st.index, columns=columns))
    if isinstance(st, ddl.AlterTable):
        key = _declared_key(st.table, cat.tables)
        table = cat.tables.get(key)
        return replace(st, table=key, actions=tuple(_action_case(table, a) for a in st.actions))
    if isinstance(st, ddl.RenameTable):
        return replace(st, table=_declared_key(st.table, cat.tables))
    if isinstance(st, ddl.Drop) and st.kind in ("table", "view"):
        return replace(st, names=tuple(_declared_key(n, relations) for n in st.names))
    if isinstance(st, ddl.Comment) and st.kind in ("table", "column"):
        key = _declared_key(st.target, relations)
        column = st.column
        if column is not None:
            (column,) = _declared_columns(cat.tables.get(key), (column,))
        return replace(st, target=key, column=column)
    return st


def _action_case(table: Table | None, a: Any) -> Any:
    if isinstance(a, (ddl.RenameColumn, ddl.ReplaceColumn)):
        (old,) = _declared_columns(table, (a.old,))
        return replace(a, old=old)
    if isinstance(a, ddl.AddConstraint):
        return replace(a, constraint=_constraint_case(table, a.constraint))
    if hasattr(a, "name") and not isinstance(a, (ddl.DropConstraint, ddl.RenameConstraint)):
        (name,) = _declared_columns(table, (a.name,))
        return replace(a, name=name)
    return a


def _references_in_declared_case(table: Table, tables: dict[str, Table]) -> Table:
    def fk_case(fk: ForeignKey) -> ForeignKey:
        key = _declared_key(fk.ref_table, tables)
        return replace(
            fk, ref_table=key, ref_columns=_declared_columns(tables.get(key), fk.ref_columns)
        )

    return replace(table, foreign_keys=tuple(fk_case(fk) for fk in table.foreign_keys))


# --------------------------------------------------------------------- table helpers


def _first_line(sql: str) -> str:
    return " ".join(sql.split())[:200]


def _column(origin: ddl.Origin, table: Table, name: str) -> Column:
    column = table.column(name)
    if column is None:
        raise SchemagenError(
            f'column "{name}" of table "{table.key}" does not exist '
            f"(expected one of: {', '.join(c.name for c in table.columns)})",
            origin.location,
            origin.sql,
        )
    return column


def _check_columns(origin: ddl.Origin, table: Table, names: Sequence[str], what: str) -> None:
    for name in names:
        _column(origin, table, name)


def _check_unique_names(origin: ddl.Origin, table: Table) -> None:
    seen: set[str] = set()
    for column in table.columns:
        if column.name in seen:
            raise SchemagenError(
                f'column "{column.name}" specified more than once', origin.location, origin.sql
            )
        seen.add(column.name)


def _nullable_pk(table: Table) -> Table:
    """Primary-key columns are NOT NULL, as the database makes them."""
    if table.primary_key is None:
        return table
    pk = set(table.primary_key.columns)
    return replace(
        table,
        columns=tuple(
            replace(c, nullable=False) if c.name in pk and c.nullable else c for c in table.columns
        ),
    )


def _put_column(table: Table, name: str, column: Column) -> Table:
    return replace(table, columns=tuple(column if c.name == name else c for c in table.columns))


def _retarget(table: Table, old: str, new: str) -> Table:
    """References to a renamed table (foreign keys, PARTITION OF, INHERITS) follow it."""
    if not any(fk.ref_table == old for fk in table.foreign_keys) and not (
        table.partition_of == old or old in table.inherits
    ):
        return table
    return replace(
        table,
        foreign_keys=tuple(
            replace(fk, ref_table=new) if fk.ref_table == old else fk for fk in table.foreign_keys
        ),
        partition_of=new if table.partition_of == old else table.partition_of,
        inherits=tuple(new if k == old else k for k in table.inherits),
    )


def _temporary_target(cat: Catalog, st: ddl.Statement) -> bool:
    """Whether a statement is about a temporary table (one no permanent table shadows)."""
    if isinstance(st, ddl.Drop) and st.kind == "table":
        names = [n for n in st.names if n in cat.temporary and n not in cat.tables]
        cat.temporary -= set(names)
        return bool(names) and len(names) == len(st.names)
    target = getattr(st, "table", None)
    if isinstance(st, (ddl.AlterTable, ddl.CreateIndex, ddl.RenameTable)):
        return target in cat.temporary and target not in cat.tables
    return False


def _uses_type(t: SqlType, name: str) -> bool:
    return t.name == name or (t.element is not None and _uses_type(t.element, name))


def _renamed_type(t: SqlType, old: str, new: str) -> SqlType:
    if t.element is not None:
        element = _renamed_type(t.element, old, new)
        if element is t.element:
            return t
        return replace(t, element=element, sql=t.sql.replace(t.element.sql, element.sql, 1))
    if t.name != old:
        return t
    spelled = new.removeprefix("public.")
    return replace(t, name=spelled, sql=spelled)


def _rename_in(names: tuple[str, ...], old: str, new: str) -> tuple[str, ...]:
    return tuple(new if n == old else n for n in names)


def _resolve_table_types(table: Table, resolve: Callable[[SqlType], SqlType]) -> Table:
    columns = tuple(_with_type(c, resolve(c.type)) for c in table.columns)
    return table if columns == table.columns else replace(table, columns=columns)


def _with_type(column: Column, t: SqlType) -> Column:
    return column if t is column.type else replace(column, type=t)


def _resolve_function_types(fn: Function, resolve: Callable[[SqlType], SqlType]) -> Function:
    returns = fn.returns
    return replace(
        fn,
        params=tuple(replace(p, type=resolve(p.type)) for p in fn.params),
        returns=replace(
            returns,
            type=resolve(returns.type) if returns.type else None,
            columns=tuple(replace(c, type=resolve(c.type)) for c in returns.columns),
        ),
    )


# ------------------------------------------------------------- ALTER TABLE actions

ActionHandler = Callable[["Catalog", ddl.Origin, Table, Any], Table]


def _add_column(cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.AddColumn) -> Table:
    if table.column(a.column.name) is not None:
        if a.if_not_exists:
            return table
        raise SchemagenError(
            f'column "{a.column.name}" of table "{table.key}" already exists',
            origin.location,
            origin.sql,
        )
    table = replace(table, columns=(*table.columns, a.column))
    for constraint in a.constraints:
        table = _add_constraint(cat, origin, table, ddl.AddConstraint(constraint))
    return table


def _drop_column(cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.DropColumn) -> Table:
    if table.column(a.name) is None:
        if a.if_exists:
            return table
        _column(origin, table, a.name)

    def reads(sql: str | None, index_element: bool = False) -> bool:
        """Whether an expression reads the dropped column (when unparsable: assume so)."""
        if not sql:
            return False
        names = cat.dialect.expression_columns(sql, index_element)
        if names is None:
            return True
        return a.name in names or (cat.dialect.folds_case and a.name.lower() in names)

    def keeps(cols: tuple[str, ...], exprs: tuple[str, ...] = (), where: str | None = None) -> bool:
        return a.name not in cols and not any(reads(e, True) for e in exprs) and not reads(where)

    # the database drops the constraints and indexes that involve the column (and, with
    # CASCADE, the generated columns computed from it)
    pk = table.primary_key if table.primary_key and keeps(table.primary_key.columns) else None
    dropped = replace(
        table,
        columns=tuple(c for c in table.columns if c.name != a.name),
        primary_key=pk,
        uniques=tuple(u for u in table.uniques if keeps(u.columns, u.expressions, u.where)),
        foreign_keys=tuple(fk for fk in table.foreign_keys if keeps(fk.columns)),
        checks=tuple(c for c in table.checks if not reads(c.sql)),
        indexes=tuple(i for i in table.indexes if keeps(i.columns, i.expressions, i.where)),
        excludes=tuple(x for x in table.excludes if keeps(x.columns)),
    )
    kept_indexes = {u.name for u in dropped.uniques} | {i.name for i in dropped.indexes}
    for name in [i.name for i in table.uniques] + [i.name for i in table.indexes]:
        if name and name not in kept_indexes:
            cat.index_owner.pop(cat._index_key(table, name), None)
    for column in dropped.columns:
        if column.generated is not None and reads(column.generated.sql):
            dropped = _drop_column(cat, origin, dropped, ddl.DropColumn(column.name, True))
    return dropped


def _rename_column(cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.RenameColumn) -> Table:
    column = _column(origin, table, a.old)
    if table.column(a.new) is not None:
        raise SchemagenError(
            f'column "{a.new}" of table "{table.key}" already exists', origin.location, origin.sql
        )
    table = _put_column(table, a.old, replace(column, name=a.new, location=origin.location))
    pk = table.primary_key
    table = replace(
        table,
        primary_key=replace(pk, columns=_rename_in(pk.columns, a.old, a.new)) if pk else None,
        uniques=tuple(
            replace(u, columns=_rename_in(u.columns, a.old, a.new)) for u in table.uniques
        ),
        foreign_keys=tuple(
            replace(fk, columns=_rename_in(fk.columns, a.old, a.new)) for fk in table.foreign_keys
        ),
        indexes=tuple(
            replace(i, columns=_rename_in(i.columns, a.old, a.new)) for i in table.indexes
        ),
        excludes=tuple(
            replace(x, columns=_rename_in(x.columns, a.old, a.new)) for x in table.excludes
        ),
    )
    # foreign keys elsewhere that point at the renamed column follow it
    cat.tables = {
        k: replace(
            t,
            foreign_keys=tuple(
                replace(fk, ref_columns=_rename_in(fk.ref_columns, a.old, a.new))
                if fk.ref_table == table.key
                else fk
                for fk in t.foreign_keys
            ),
        )
        for k, t in cat.tables.items()
    }
    table = replace(
        table,
        foreign_keys=tuple(
            replace(fk, ref_columns=_rename_in(fk.ref_columns, a.old, a.new))
            if fk.ref_table == table.key
            else fk
            for fk in table.foreign_keys
        ),
    )
    return _rename_in_expressions(table, a.old, a.new, cat.dialect)


def _rename_in_expressions(table: Table, old: str, new: str, dialect: Dialect) -> Table:
    """CHECKs, generated columns and index expressions read the renamed column by its new
    name, as the database rewrites them."""

    def ren(sql: str | None, index_element: bool = False) -> str | None:
        return dialect.rename_column(sql, old, new, index_element) if sql else sql

    def ren_all(exprs: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(ren(e, True) or e for e in exprs)

    return replace(
        table,
        columns=tuple(
            replace(c, generated=replace(c.generated, sql=ren(c.generated.sql) or ""))
            if c.generated
            else c
            for c in table.columns
        ),
        checks=tuple(replace(c, sql=ren(c.sql) or c.sql) for c in table.checks),
        uniques=tuple(
            replace(u, expressions=ren_all(u.expressions), where=ren(u.where))
            for u in table.uniques
        ),
        indexes=tuple(
            replace(i, expressions=ren_all(i.expressions), where=ren(i.where))
            for i in table.indexes
        ),
    )


def _alter_type(cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.AlterColumnType) -> Table:
    column = _column(origin, table, a.name)
    return _put_column(table, a.name, replace(column, type=a.type, location=origin.location))


def _set_not_null(cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.SetNotNull) -> Table:
    column = _column(origin, table, a.name)
    return _put_column(
        table, a.name, replace(column, nullable=not a.not_null, location=origin.location)
    )


def _set_default(cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.SetDefault) -> Table:
    column = _column(origin, table, a.name)
    # a serial is a default (nextval): once it is dropped or replaced, values must be given
    identity = None if column.identity == "serial" else column.identity
    changed = replace(column, default=a.default, identity=identity, location=origin.location)
    return _put_column(table, a.name, changed)


def _set_identity(cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.SetIdentity) -> Table:
    column = _column(origin, table, a.name)
    nullable = column.nullable if a.identity is None else False
    return _put_column(
        table,
        a.name,
        replace(column, identity=a.identity, nullable=nullable, location=origin.location),
    )


def _drop_expression(
    cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.DropExpression
) -> Table:
    column = _column(origin, table, a.name)
    return _put_column(table, a.name, replace(column, generated=None, location=origin.location))


def _replace_column(cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.ReplaceColumn) -> Table:
    _column(origin, table, a.old)
    if a.old != a.column.name:
        table = _rename_column(cat, origin, table, ddl.RenameColumn(a.old, a.column.name))
    table = _put_column(table, a.column.name, a.column)
    for constraint in a.constraints:
        table = _add_constraint(cat, origin, table, ddl.AddConstraint(constraint))
    return table


def _add_constraint(cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.AddConstraint) -> Table:
    c = a.constraint
    if isinstance(c, Check):
        return replace(table, checks=(*table.checks, c))
    _check_columns(origin, table, c.columns, type(c).__name__)
    if isinstance(c, PrimaryKey):
        if table.primary_key is not None:
            raise SchemagenError(
                f'multiple primary keys for table "{table.key}" are not allowed',
                origin.location,
                origin.sql,
            )
        table = replace(table, primary_key=c)
        return table if cat.dialect.pk_columns_nullable else _nullable_pk(table)
    if isinstance(c, Unique):
        return replace(table, uniques=(*table.uniques, c))
    if isinstance(c, Exclude):  # its index is built after every unique one there is
        older = int(table.primary_key is not None) + len(table.uniques)
        return replace(table, excludes=(*table.excludes, replace(c, made_after=older)))
    return replace(table, foreign_keys=(*table.foreign_keys, c))


def _drop_constraint(
    cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.DropConstraint
) -> Table:
    pk = table.primary_key
    dropped = replace(
        table,
        primary_key=None if pk and pk.name == a.name else pk,
        uniques=tuple(u for u in table.uniques if u.name != a.name),
        foreign_keys=tuple(fk for fk in table.foreign_keys if fk.name != a.name),
        checks=tuple(c for c in table.checks if c.name != a.name),
        excludes=tuple(x for x in table.excludes if x.name != a.name),
    )
    if dropped == table and not a.if_exists:
        raise SchemagenError(
            f'constraint "{a.name}" of relation "{table.key}" does not exist '
            "(only named constraints can be dropped by name)",
            origin.location,
            origin.sql,
        )
    return dropped


def _rename_constraint(
    cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.RenameConstraint
) -> Table:
    def rn(name: str | None) -> str | None:
        return a.new if name == a.old else name

    pk = table.primary_key
    return replace(
        table,
        primary_key=replace(pk, name=rn(pk.name)) if pk else None,
        uniques=tuple(replace(u, name=rn(u.name)) for u in table.uniques),
        foreign_keys=tuple(replace(fk, name=rn(fk.name)) for fk in table.foreign_keys),
        checks=tuple(replace(c, name=rn(c.name)) for c in table.checks),
    )


def _attach_partition(
    cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.AttachPartition
) -> Table:
    child = cat._table(origin, a.child)
    share = cat.dialect.partitions_share_identity
    own = [c.name for c in child.columns if c.identity in ("always", "by default")]
    if share and own:
        raise cat._error(
            origin,
            f'table "{a.child}" being attached contains an identity column "{own[0]}"'
            f" (PostgreSQL {cat.dialect.version} refuses it: since 17 a partition takes the"
            " parent's identity; set postgres_version in [tool.schemagen] for an older server)",
        )
    attached = derived.attach(child, table, share)
    attached = replace(attached, partition_of=table.key, partition_bound=a.bound)
    cat.tables[a.child] = cat.dialect.name_constraints(_nullable_pk(attached))
    cat._clone_indexes(a.child, _created_indexes(table))
    return table


def _created_indexes(table: Table) -> list[Unique | Index]:
    """The indexes CREATE INDEX made on a table (not those of its constraints)."""
    return [*(u for u in table.uniques if u.from_index), *table.indexes]


def _index_shape(index: Unique | Index) -> tuple[Any, ...]:
    """What makes two indexes equal for ATTACH: kind, columns, expressions, predicate."""
    return (isinstance(index, Unique), index.columns, index.expressions, index.where)


def _detach_partition(
    cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.DetachPartition
) -> Table:
    """The partition becomes a table of its own, keeping its columns and constraints; an
    identity it shared with the parent (PostgreSQL 17+) stays with the parent."""
    child = cat._table(origin, a.child)
    if child.partition_of != table.key:
        raise cat._error(
            origin, f'relation "{a.child}" is not a partition of relation "{table.key}"'
        )
    shared = cat.dialect.partitions_share_identity
    columns = tuple(
        replace(c, identity=None) if shared and c.identity in ("always", "by default") else c
        for c in child.columns
    )
    cat.tables[a.child] = replace(child, columns=columns, partition_of=None, partition_bound=None)
    return table


def _set_inherit(cat: Catalog, origin: ddl.Origin, table: Table, a: ddl.SetInherit) -> Table:
    """ALTER TABLE ... [NO] INHERIT parent: the table must already have the parent's columns
    (PostgreSQL's rule), so only the link changes."""
    parent = cat._table(origin, a.parent)
    if not a.inherit:
        if a.parent not in table.inherits:
            raise cat._error(
                origin, f'relation "{a.parent}" is not a parent of relation "{table.key}"'
            )
        return replace(table, inherits=tuple(p for p in table.inherits if p != a.parent))
    missing = [c.name for c in parent.columns if table.column(c.name) is None]
    if missing:
        raise cat._error(origin, f'child table is missing column "{missing[0]}"')
    return replace(table, inherits=(*table.inherits, a.parent))


def _for_partition(action: ddl.Action, share_identity: bool) -> ddl.Action | None:
    """An ALTER TABLE action as it reaches a partition: its own key and unique names; an
    identity change only where partitions share it (PostgreSQL 17 and later)."""
    if isinstance(action, (ddl.AttachPartition, ddl.DetachPartition, ddl.SetInherit)):
        return None  # attaches to the table named, not to its partitions
    if isinstance(action, ddl.SetIdentity) and not share_identity:
        return None
    if isinstance(action, ddl.AddConstraint) and isinstance(
        action.constraint, (PrimaryKey, Unique)
    ):
        return replace(action, constraint=replace(action.constraint, name=None))
    if isinstance(action, (ddl.DropConstraint, ddl.AddColumn, ddl.DropColumn)):
        return _lenient(action)
    return action


def _for_child(action: ddl.Action) -> ddl.Action | None:
    """An ALTER TABLE action as it reaches an INHERITS child: keys and foreign keys are
    not inherited, nor NO INHERIT checks; a column the child has already is merged."""
    if isinstance(action, (ddl.AttachPartition, ddl.DetachPartition, ddl.SetInherit)):
        return None  # about the table named
    if isinstance(action, ddl.SetIdentity):
        return None  # an identity is the parent's own
    if isinstance(action, ddl.AddConstraint):
        c = action.constraint
        return action if isinstance(c, Check) and not c.no_inherit else None
    if isinstance(action, ddl.AddColumn):
        checks = tuple(c for c in action.constraints if isinstance(c, Check))
        return replace(action, constraints=checks, if_not_exists=True)
    if isinstance(action, (ddl.DropConstraint, ddl.DropColumn)):
        return _lenient(action)
    return action


def _lenient(action: Any) -> ddl.Action:
    """The action where the target may already be there (or gone): no error."""
    field = "if_exists" if hasattr(action, "if_exists") else "if_not_exists"
    lenient: ddl.Action = replace(action, **{field: True})
    return lenient


_ACTION_HANDLERS: dict[type, ActionHandler] = {
    ddl.AddColumn: _add_column,
    ddl.DropColumn: _drop_column,
    ddl.RenameColumn: _rename_column,
    ddl.AlterColumnType: _alter_type,
    ddl.SetNotNull: _set_not_null,
    ddl.SetDefault: _set_default,
    ddl.SetIdentity: _set_identity,
    ddl.DropExpression: _drop_expression,
    ddl.ReplaceColumn: _replace_column,
    ddl.AddConstraint: _add_constraint,
    ddl.DropConstraint: _drop_constraint,
    ddl.RenameConstraint: _rename_constraint,
    ddl.AttachPartition: _attach_partition,
    ddl.DetachPartition: _detach_partition,
    ddl.SetInherit: _set_inherit,
}

_DROPPERS: dict[str, Callable[[Catalog, ddl.Drop, str], bool]] = {
    "table": Catalog._drop_relation,
    "view": Catalog._drop_relation,
    "schema": Catalog._drop_schema,
}

_STATEMENT_HANDLERS: dict[type, Callable[[Catalog, Any], None]] = {
    ddl.CreateTable: Catalog.create_table,
    ddl.AlterTable: Catalog.alter_table,
    ddl.RenameTable: Catalog.rename_table,
    ddl.RenameIndex: Catalog.rename_index,
    ddl.RenameSchema: Catalog.rename_schema,
    ddl.CreateIndex: Catalog.create_index,
    ddl.CreateEnum: Catalog.create_enum,
    ddl.AddEnumValue: Catalog.add_enum_value,
    ddl.RenameEnumValue: Catalog.rename_enum_value,
    ddl.CreateDomain: Catalog.create_domain,
    ddl.CreateComposite: Catalog.create_composite,
    ddl.AlterComposite: Catalog.alter_composite,
    ddl.CreateTableAs: Catalog.create_table_as,
    ddl.CreateFunction: Catalog.create_function,
    ddl.CreateView: Catalog.create_view,
    ddl.Comment: Catalog.comment,
    ddl.Drop: Catalog.drop,
    ddl.SetSchema: Catalog.set_schema,
    ddl.RenameType: Catalog.rename_type,
    ddl.CreateExtension: Catalog.create_extension,
    ddl.CreateTemporary: Catalog.create_temporary,
    ddl.Skip: Catalog.skip,
    ddl.Note: Catalog.note,
    ddl.Unsupported: Catalog.unsupported,
}

__all__ = ["KNOWN_EXTERNAL_SQL", "Built", "Catalog", "build", "external_tables"]
