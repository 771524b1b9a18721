"""SQLite and MySQL reader: sqlglot -> `codegen.ddl` statements.

The text is split into statements on sqlglot's own tokens (never a regex on `;`), so each
statement keeps its file:line. Column constraints are turned into the same table-level
constraints the PostgreSQL reader produces; SQLite's declared type text is taken from the
source, because SQLite keeps it verbatim and its affinity rules read it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokenizer_core import Token, TokenType

from .. import collector, ddl, deep
from ..errors import LineIndex, SchemagenError
from ..model import (
    DEFAULT_SCHEMA,
    Check,
    Column,
    EnumType,
    ForeignKey,
    Generated,
    Identity,
    Index,
    Location,
    PrimaryKey,
    SqlType,
    Table,
    Unique,
    View,
    table_key,
)
from ..sources import SourceFile
from ..types import mysql_enum_labels, mysql_type, sqlite_type
from .cache import StatementCache
from .mysql_client import ClientText, client_text

if TYPE_CHECKING:
    from ..dialect import Dialect

_SCHEMALESS = {
    exp.Insert: "DML",
    exp.Update: "DML",
    exp.Delete: "DML",
    exp.Select: "query (DML)",
    exp.Union: "query (DML)",
    exp.Transaction: "transaction control",
    exp.Commit: "transaction control",
    exp.Rollback: "transaction control",
    exp.Pragma: "PRAGMA",
    exp.Set: "SET",
    exp.Use: "USE",
    exp.Grant: "GRANT",
}
_SCHEMALESS_COMMANDS = {
    "PRAGMA", "SET", "USE", "GRANT", "REVOKE", "BEGIN", "COMMIT", "ROLLBACK", "START",
    "LOCK", "UNLOCK", "DELIMITER", "ANALYZE", "VACUUM", "REINDEX", "ATTACH", "DETACH",
    "SAVEPOINT", "RELEASE", "FLUSH", "OPTIMIZE", "EXPLAIN",
}  # fmt: skip
_NAME = r"(?:`(?:[^`]|``)+`|\w+)(?:\.(?:`(?:[^`]|``)+`|\w+))?"
_RENAMES = re.compile(rf"({_NAME})\s+TO\s+({_NAME})", re.IGNORECASE)
_KEYS = re.compile(r"^\s*TABLE\s+\S+\s+(DISABLE|ENABLE)\s+KEYS\s*$", re.IGNORECASE)
_SESSION_COMMANDS = {"SET", "LOCK", "UNLOCK", "USE", "FLUSH"}
_CONSTRAINT_WORDS = {
    "CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE",
    "REFERENCES", "GENERATED", "AS", "AUTOINCREMENT", "ON", "KEY",
}  # fmt: skip
_TYPE_TEXT = re.compile(r"\s*((?:[A-Za-z_][\w]*\s*)+(?:\(\s*[+-]?\d+\s*(?:,\s*[+-]?\d+\s*)?\))?)")


def reader(rules: Dialect) -> Callable[[SourceFile, StatementCache | None], list[ddl.Statement]]:
    """The reader of a dialect read by sqlglot; `rules` says what its syntax has."""
    dialect = rules.name

    def read(source: SourceFile, cache: StatementCache | None = None) -> list[ddl.Statement]:
        """The file's statements; each through `cache`, so a warm run parses only those
        that changed (the file is still tokenized whole: that is how it is split)."""
        cache = cache or StatementCache(dialect)
        out: list[ddl.Statement] = []
        client = client_text(source.text) if rules.client_scripts else ClientText(source.text)
        source = replace(source, text=client.text)
        lines = LineIndex(source.text)  # many lookups per file: no rescan for each
        with collector.collecting():  # sqlglot's trees link nodes to parents: cycles
            for text_start, sql, tokens in _split(source, dialect, client):
                at = Location(source.path, *lines.line_col(text_start))
                read_one = functools.partial(
                    _read_statement, rules, source, lines, tokens, (at, text_start)
                )
                out.extend(cache.read(sql, read_one, at))
        return out

    return read


def _read_statement(
    rules: Dialect,
    source: SourceFile,
    lines: LineIndex,
    tokens: list[Token],
    start: tuple[Location, int],
    sql: str,
) -> list[ddl.Statement]:
    """One statement, from its tokens in the file; `start` is where it starts (location
    and offset)."""
    at, offset = start
    dialect = rules.name
    origin = ddl.Origin(at, sql)
    routine = _routine(tokens)
    if routine is not None:
        return [ddl.Skip(origin, routine)]
    if tokens[0].text.upper() in _SESSION_COMMANDS:  # not parsed: `SET @x = @@sql_mode`
        return [ddl.Skip(origin, tokens[0].text.upper())]
    virtual = _virtual_table(tokens)
    if virtual is not None:
        return [ddl.Unsupported(origin, f"{virtual} is not modelled: no factory for it")]
    options = _table_options(tokens) if rules.table_options else set()
    if rules.table_options:
        tokens = _without_table_options(tokens)
    unsigned_floats: set[str] = set()
    if not rules.type_affinity:
        tokens, unsigned_floats = _unsigned_floats(_without_partitioning(tokens))
    try:
        tree: Any = _parse(dialect, tokens, source.text)
    except ParseError as error:
        # SQLite takes any words as a type name (`UNSIGNED BIG INT`) and sqlglot
        # does not; the reader reads declared types from the text anyway
        simpler = _one_word_types(tokens) if rules.type_affinity else tokens
        try:
            tree = _parse(dialect, simpler, source.text) if simpler != tokens else None
        except ParseError:
            tree = None
        if tree is None:
            raise _parse_error(error, dialect, at, sql) from None
    if tree is None:
        return []
    if _longest_chain(tree) > deep.MAX_CHAIN:
        raise SchemagenError(deep.TOO_DEEP, at, sql)
    reader = _Reader(origin, rules, source, offset + len(sql), lines)
    reader.table_options = options
    reader.unsigned_floats = unsigned_floats
    return list(reader.read(tree))


def _without_partitioning(tokens: list[Token]) -> list[Token]:
    """A MySQL CREATE TABLE without its `PARTITION BY ...` clause, which sqlglot cannot
    read: partitions decide where rows are stored, not which columns or keys exist."""
    if not tokens or tokens[0].text.upper() != "CREATE":
        return tokens
    depth = 0
    for i, token in enumerate(tokens):
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0 and token.token_type == TokenType.PARTITION_BY:
            return tokens[:i]
    return tokens


def _unsigned_floats(tokens: list[Token]) -> tuple[list[Token], set[str]]:
    """MySQL's `FLOAT [(p[,s])] UNSIGNED`, which sqlglot refuses ("Cannot convert FLOAT to
    unsigned"): the UNSIGNED word is dropped for the parser and the column's name kept, so
    the reader puts it back into the type (negative values are refused by MySQL)."""
    out: list[Token] = []
    names: set[str] = set()
    for token in tokens:
        if token.text.upper() == "UNSIGNED":
            j = len(out) - 1
            if j >= 0 and out[j].token_type == TokenType.R_PAREN:
                while j >= 0 and out[j].token_type != TokenType.L_PAREN:
                    j -= 1
                j -= 1
            if j >= 1 and out[j].token_type == TokenType.FLOAT:
                names.add(out[j - 1].text.strip("`").lower())
                continue
        out.append(token)
    return out, names


def _longest_chain(tree: exp.Expression) -> int:
    """The most operators in one left-deep chain (`a + b + ...`) of the tree, counted
    without recursion: each chain from its outermost operator, so the work stays linear."""
    longest = 0
    for node in tree.walk():
        parent = node.parent
        if not isinstance(node, exp.Binary) or (
            isinstance(parent, exp.Binary) and parent.this is node
        ):
            continue
        length, current = 0, node
        while isinstance(current, exp.Binary):
            length, current = length + 1, current.this
        longest = max(longest, length)
    return longest


def _split(
    source: SourceFile, dialect: str, client: ClientText
) -> Iterator[tuple[int, str, list[Token]]]:
    """Statements as (start offset, text, tokens), split on the tokenizer's semicolons:
    not inside a routine's BEGIN ... END, and only at the custom one under DELIMITER."""
    text = source.text
    try:
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(text)
    except TokenError as error:
        raise SchemagenError(f"cannot read SQL: {error}", Location(source.path, 1, 1)) from None
    current: list[Token] = []
    depth = 0  # BEGIN/CASE ... END nesting: a routine body's semicolons do not end it
    for i, token in enumerate([*tokens, None]):
        if token is not None and token.token_type in (TokenType.BEGIN, TokenType.CASE):
            depth += 1 if token.token_type == TokenType.CASE or _routine(current) else 0
        elif token is not None and token.token_type == TokenType.END and depth:
            after = tokens[i + 1].text.upper() if i + 1 < len(tokens) else ""
            depth -= 0 if after in _BLOCK_ENDS else 1
        is_end = token is not None and token.token_type == TokenType.SEMICOLON
        custom = client.ends_statement(token.start) if token is not None and is_end else None
        if custom is not None:  # under DELIMITER: only the custom delimiter ends a statement
            is_end, depth = custom, 0 if custom else depth
        elif depth:
            is_end = False
        if token is None or is_end:
            if current:
                start, end = current[0].start, current[-1].end + 1
                start = _comment_free_start(text, start, current[0])
                yield start, text[start:end], current
            current = []
        else:
            current.append(token)


def _parse(dialect: str, tokens: list[Token], text: str) -> Any:
    (tree,) = (
        sqlglot.Dialect.get_or_raise(dialect)
        .parser(error_level=sqlglot.ErrorLevel.RAISE)
        # the tokens' offsets and lines count from the start of the file, so the parser
        # gets the file's text (its Command fallback slices it)
        .parse(tokens, text)
    )
    return tree


def _parse_error(error: ParseError, dialect: str, at: Location, sql: str) -> SchemagenError:
    """sqlglot's error, at its line and column in the file (the statement's start `at`
    when it gives none)."""
    detail = error.errors[0] if error.errors else {}
    line, col = int(detail.get("line", at.line)), int(detail.get("col", at.column))
    return SchemagenError(
        f"cannot parse SQL: {detail.get('description', error)} "
        f"(expected a valid {dialect} statement)",
        Location(at.file, line, col),
        sql,
    )


_WORD = re.compile(r"[A-Za-z_]\w*")
_TABLE_CONSTRAINTS = {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"}


def _one_word_types(tokens: list[Token]) -> list[Token]:
    """A CREATE TABLE's column types cut to their first word (`UNSIGNED BIG INT` ->
    `UNSIGNED`), for sqlglot: SQLite accepts any sequence of names as a type."""
    out: list[Token] = []
    depth, state = 0, ""
    for token in tokens:
        kind = token.token_type
        if depth == 1 and state == "more":
            if _WORD.fullmatch(token.text) and token.text.upper() not in _CONSTRAINT_WORDS:
                continue  # a further word of the type name
            state = ""
        if kind == TokenType.L_PAREN:
            depth += 1
            state = "name" if depth == 1 else state
        elif kind == TokenType.R_PAREN:
            depth -= 1
        elif depth == 1 and kind == TokenType.COMMA:
            state = "name"
        elif depth == 1 and state == "name":
            state = "" if token.text.upper() in _TABLE_CONSTRAINTS else "type"
        elif depth == 1 and state == "type":
            state = "more" if _WORD.fullmatch(token.text) else ""
            if state and token.token_type != TokenType.VAR:  # STRICT's `ANY`, a keyword
                token = Token(
                    TokenType.VAR, token.text, token.line, token.col, token.start, token.end
                )
        out.append(token)
    return out


def _without_table_options(tokens: list[Token]) -> list[Token]:
    """Drop SQLite's `WITHOUT ROWID` / `STRICT` table options, which sqlglot cannot read.

    They change how rows are stored, not which columns or constraints exist.
    """
    end = len(tokens)
    while end and tokens[end - 1].token_type != TokenType.R_PAREN:
        if tokens[end - 1].text.upper() not in ("WITHOUT", "ROWID", "STRICT", ","):
            return tokens
        end -= 1
    return tokens[:end]


def _table_options(tokens: list[Token]) -> set[str]:
    """SQLite's table options of a CREATE TABLE: {"WITHOUT ROWID", "STRICT"}, or fewer.

    They decide whether an INTEGER PRIMARY KEY is a rowid alias and whether primary-key
    columns may hold NULL, so the reader needs them even though sqlglot cannot read them.
    """
    if not tokens or tokens[0].text.upper() != "CREATE":
        return set()
    if not any(t.text.upper() == "TABLE" for t in tokens[1:4]):
        return set()
    close = max((i for i, t in enumerate(tokens) if t.token_type == TokenType.R_PAREN), default=-1)
    words = [t.text.upper() for t in tokens[close + 1 :]] if close >= 0 else []
    options = {"WITHOUT ROWID"} if "WITHOUT" in words else set()
    return options | ({"STRICT"} if "STRICT" in words else set())


_BLOCK_ENDS = {"IF", "LOOP", "WHILE", "REPEAT"}  # `END IF;` closes no BEGIN
_ROUTINES = {"TRIGGER", "PROCEDURE", "FUNCTION", "EVENT"}
_OBJECTS = _ROUTINES | {"TABLE", "VIEW", "INDEX", "DATABASE", "SCHEMA", "USER", "SEQUENCE"}
_SKIP_WORDS = {"IF", "NOT", "EXISTS"}


def _virtual_table(tokens: list[Token]) -> str | None:
    """SQLite's `CREATE VIRTUAL TABLE name USING module(...)`: `virtual table name (USING
    module)`. Its columns and storage belong to the module (fts5, rtree, ...)."""
    words = [t.text for t in tokens[:12]]
    if [w.upper() for w in words[:3]] != ["CREATE", "VIRTUAL", "TABLE"]:
        return None
    rest = [w for w in words[3:] if w.upper() not in _SKIP_WORDS]
    using = next((i for i, w in enumerate(rest) if w.upper() == "USING"), None)
    if using is None or using + 1 >= len(rest):
        return None
    return f"virtual table {''.join(rest[:using])} (USING {rest[using + 1]})"


def _routine(tokens: list[Token]) -> str | None:
    """`procedure p1` for a CREATE of a trigger, procedure, function or event (after
    OR REPLACE, DEFINER=..., ALGORITHM=... and the like), else None."""
    if not tokens or tokens[0].text.upper() != "CREATE":
        return None
    for i, token in enumerate(tokens[1:16], 1):
        word = token.text.upper()
        if word in _OBJECTS and token.token_type != TokenType.STRING:
            if word not in _ROUTINES:
                return None
            names = [t for t in tokens[i + 1 : i + 8] if t.text.upper() not in _SKIP_WORDS]
            name = names[0].text if names else ""
            if len(names) > 2 and names[1].token_type == TokenType.DOT:
                name = f"{name}.{names[2].text}"
            return f"{word.lower()} {name}".strip()
    return None


def _comment_free_start(text: str, start: int, token: Token) -> int:
    # a token's start can sit on a leading comment attached to it; find the token itself
    at = text.find(token.text, start) if token.text else start
    return at if at >= 0 else start


class _Reader:
    def __init__(
        self,
        origin: ddl.Origin,
        rules: Dialect,
        source: SourceFile,
        end: int,
        lines: LineIndex,
    ) -> None:
        self.origin = origin
        self.rules = rules
        self.dialect = rules.name
        self.source = source
        self.end = end  # the statement's end offset in the file
        self.table_options: set[str] = set()  # SQLite: "WITHOUT ROWID", "STRICT"
        self.unsigned_floats: set[str] = set()  # MySQL: columns declared FLOAT UNSIGNED
        self.charset: str | None = None  # MySQL: the table's DEFAULT CHARSET (or COLLATE's)
        self.collation: str | None = None  # MySQL: the table's COLLATE=
        self.lines = lines

    @property
    def location(self) -> Location:
        return self.origin.location

    def at(self, node: exp.Expression) -> Location:
        ident = node.this if isinstance(node.this, exp.Identifier) else node
        start = ident.meta.get("start") if isinstance(ident, exp.Expression) else None
        if isinstance(start, int):
            # sqlglot's offsets count from the start of the tokenized text: the whole file
            return Location(self.source.path, *self.lines.line_col(start))
        return self.location

    def key(self, table: exp.Table) -> str:
        schema = table.db or DEFAULT_SCHEMA[self.dialect]
        return table_key(schema, table.name, self.dialect)

    def sql(self, node: exp.Expression) -> str:
        while isinstance(node, exp.Paren):
            node = node.this
        return node.sql(dialect=self.dialect)

    def read(self, tree: exp.Expression) -> Iterator[ddl.Statement]:
        if isinstance(tree, exp.Create):
            yield from self.create(tree)
        elif isinstance(tree, exp.Alter):
            yield from self.alter(tree)
        elif isinstance(tree, exp.Drop):
            yield from self.drop(tree)
        elif isinstance(tree, exp.Command):
            word = tree.name.upper()
            if word in _SCHEMALESS_COMMANDS:
                yield ddl.Skip(self.origin, word)
            elif word == "RENAME" and self.rules.client_scripts:
                text = tree.expression.name if tree.expression is not None else ""
                yield from self.rename_tables(text)
            elif word == "ALTER" and _KEYS.search(str(tree.expression or "")):
                yield ddl.Skip(self.origin, "ALTER TABLE ... KEYS")  # mysqldump's index toggles
            elif word in ("CREATE", "ALTER", "DROP"):
                yield ddl.Unsupported(
                    self.origin, f"{word} statement that sqlglot cannot parse for {self.dialect}"
                )
            else:
                yield ddl.Skip(self.origin, word or "statement")
        else:
            reason = next((r for t, r in _SCHEMALESS.items() if isinstance(tree, t)), None)
            if reason is None:
                yield ddl.Unsupported(
                    self.origin, f"statement {type(tree).__name__} is not supported"
                )
            else:
                yield ddl.Skip(self.origin, reason)

    # -- CREATE ---------------------------------------------------------------------

    def create(self, tree: exp.Create) -> Iterator[ddl.Statement]:
        kind = (tree.args.get("kind") or "").upper()
        if kind == "TABLE":
            yield from self.create_table(tree)
        elif kind == "INDEX":
            yield self.create_index(tree)
        elif kind == "VIEW":
            target = tree.this
            query = tree.expression
            columns = (
                tuple(s.alias_or_name for s in query.selects)
                if isinstance(query, exp.Select)
                else ()
            )
            if any(c in ("*", "") for c in columns):
                columns = ()
            yield ddl.CreateView(
                self.origin,
                View(self.key(target), columns, self.sql(query), False, self.location),
                bool(tree.args.get("replace")),
            )
        elif kind in ("TRIGGER", "FUNCTION", "PROCEDURE", "EVENT"):
            yield ddl.Skip(self.origin, kind.lower())
        else:
            yield ddl.Unsupported(self.origin, f"CREATE {kind} is not supported")

    def create_table(self, tree: exp.Create) -> Iterator[ddl.Statement]:
        schema_node = tree.this
        if not isinstance(schema_node, exp.Schema):
            yield ddl.Unsupported(self.origin, "CREATE TABLE ... AS SELECT is not applied")
            return
        if any(isinstance(p, exp.TemporaryProperty) for p in _properties(tree)):
            yield ddl.Skip(self.origin, "temporary table")
            return
        table_node = schema_node.this
        self.charset = _table_charset(tree)
        self.collation = _table_collation(tree)
        columns: list[Column] = []
        constraints: list[ddl.Constraint] = []
        enums: list[EnumType] = []
        for element in schema_node.expressions:
            if isinstance(element, (exp.ColumnDef, exp.Identifier)):
                column_def = (
                    element if isinstance(element, exp.ColumnDef) else exp.ColumnDef(this=element)
                )
                column, extra, enum = self.column(column_def, table_node.name)
                columns.append(column)
                constraints.extend(extra)
                if enum is not None:
                    enums.append(enum)
            else:
                constraints.extend(self.table_constraint(element))
        for enum in enums:
            yield ddl.CreateEnum(self.origin, enum)
        pks = [c for c in constraints if isinstance(c, PrimaryKey)]
        table = Table(
            name=table_node.name,
            schema=table_node.db or DEFAULT_SCHEMA[self.dialect],
            columns=tuple(columns),
            primary_key=pks[-1] if pks else None,
            foreign_keys=tuple(c for c in constraints if isinstance(c, ForeignKey)),
            uniques=tuple(c for c in constraints if isinstance(c, Unique)),
            checks=tuple(c for c in constraints if isinstance(c, Check)),
            comment=_table_comment(tree),
            dialect=self.dialect,
            location=self.location,
        )
        if self.rules.table_options:
            table = _sqlite_table(table, self.table_options)
        if self.rules.inline_indexes:
            table = _mysql_indexes(table, schema_node)
        yield ddl.CreateTable(self.origin, table, bool(tree.args.get("exists")))

    def column_type(self, node: exp.ColumnDef, table: str) -> tuple[SqlType, EnumType | None]:
        kind = node.args.get("kind")
        if self.rules.type_affinity:  # the declared type is text the affinity rules read
            return sqlite_type(self._declared_type(node)), None
        if kind is None:
            return SqlType("unknown", "", original=""), None
        sql_type = mysql_type(kind)
        if node.name.lower() in self.unsigned_floats:
            sql_type = replace(
                sql_type, sql=f"{sql_type.sql} unsigned", original=f"{sql_type.original} UNSIGNED"
            )
        if sql_type.category in _TEXT_TYPES:
            sql_type = self._text_type(sql_type, node)
        if sql_type.category == "enum":
            name = f"{table}.{node.name}"
            enum = EnumType(name, mysql_enum_labels(kind), self.at(node))
            return SqlType("enum", sql_type.sql, name=name, original=sql_type.original), enum
        return sql_type, None

    def _text_type(self, sql_type: SqlType, node: exp.ColumnDef) -> SqlType:
        """A MySQL text type with its character set (when not utf8mb4) and its collation
        (when one is named, on the column or the table), which comparisons follow."""
        charset = _charset(node) or self.charset
        collation = _collation(node)
        table = self.collation
        if collation is None and table is not None and (not charset or table.startswith(charset)):
            collation = table
        sql, original = sql_type.sql, sql_type.original
        if charset and charset != "utf8mb4":
            sql, original = f"{sql} character set {charset}", f"{original} CHARACTER SET {charset}"
        if collation:
            sql, original = f"{sql} collate {collation}", f"{original} COLLATE {collation}"
        return replace(sql_type, sql=sql, original=original)

    def _declared_type(self, node: exp.ColumnDef) -> str:
        start = node.this.meta.get("end") if isinstance(node.this, exp.Identifier) else None
        if not isinstance(start, int):
            kind = node.args.get("kind")
            return kind.sql(dialect="sqlite") if kind is not None else ""
        text = self.source.text[start + 1 : self.end]  # not the rest of the file: per column
        if text[:1] in "\"`]'":
            text = text[1:]
        quoted = re.match(r'\s*(?:"([^"]*)"|`([^`]*)`|\[([^\]]*)\])', text)
        if quoted:  # a quoted type name: SQLite keeps it unquoted
            return next(g for g in quoted.groups() if g is not None)
        words = []
        match = _TYPE_TEXT.match(text)
        if match:
            for word in re.findall(r"[A-Za-z_]\w*|\([^)]*\)", match.group(1)):
                if word.upper() in _CONSTRAINT_WORDS:
                    break
                words.append(word)
        return re.sub(r"\s+\(", "(", " ".join(words))

    def column(
        self, node: exp.ColumnDef, table: str
    ) -> tuple[Column, list[ddl.Constraint], EnumType | None]:
        sql_type, enum = self.column_type(node, table)
        nullable, default, generated, collation = True, None, None, None
        identity: Identity | None = None
        comment, on_update = None, None
        extra: list[ddl.Constraint] = []
        where = self.at(node)
        for constraint in node.args.get("constraints") or ():
            kind = constraint.args.get("kind")
            name = constraint.name or None
            if isinstance(kind, exp.NotNullColumnConstraint):
                nullable = bool(kind.args.get("allow_null"))
            elif isinstance(kind, exp.DefaultColumnConstraint):
                default = self.sql(kind.this)
            elif isinstance(kind, exp.ComputedColumnConstraint):
                generated = Generated(self.sql(kind.this), bool(kind.args.get("persisted")))
            elif isinstance(kind, exp.GeneratedAsIdentityColumnConstraint):
                if kind.args.get("expression") is not None:
                    generated = Generated(self.sql(kind.args["expression"]), True)
                else:
                    identity = "always" if kind.args.get("this") else "by default"
            elif isinstance(kind, exp.AutoIncrementColumnConstraint):
                identity = self.rules.autoincrement
            elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
                extra.append(PrimaryKey((node.name,), name, where))
            elif isinstance(kind, exp.UniqueColumnConstraint):
                extra.append(Unique((node.name,), name, location=where))
            elif isinstance(kind, exp.CheckColumnConstraint):
                extra.append(Check(self.sql(kind.this), name, where))
            elif isinstance(kind, exp.Reference):
                extra.append(self.reference((node.name,), kind, name, where))
            elif isinstance(kind, exp.CollateColumnConstraint):
                collation = (
                    kind.this.name if isinstance(kind.this, exp.Expression) else str(kind.this)
                )
            elif isinstance(kind, exp.CommentColumnConstraint):
                comment = kind.this.name
            elif isinstance(kind, exp.OnUpdateColumnConstraint):
                on_update = self.sql(kind.this)
        column = Column(
            name=node.name,
            type=sql_type,
            nullable=nullable,
            default=default,
            generated=generated,
            identity=identity,
            collation=collation,
            comment=comment,
            location=where,
            on_update=on_update,
        )
        return column, extra, enum

    def reference(
        self, columns: Sequence[str], ref: exp.Reference, name: str | None, where: Location
    ) -> ForeignKey:
        target = ref.this
        table = target.this if isinstance(target, exp.Schema) else target
        ref_columns = (
            tuple(e.name for e in target.expressions) if isinstance(target, exp.Schema) else ()
        )
        actions = {"DELETE": "NO ACTION", "UPDATE": "NO ACTION"}
        for option in ref.args.get("options") or ():
            text = str(option).upper()
            match = re.match(r"ON (DELETE|UPDATE) (.+)", text)
            if match:
                actions[match.group(1)] = match.group(2).strip()
        return ForeignKey(
            columns=tuple(columns),
            ref_table=self.key(table),
            ref_columns=ref_columns,
            name=name,
            on_delete=actions["DELETE"],
            on_update=actions["UPDATE"],
            location=where,
        )

    def table_constraint(self, element: exp.Expression) -> list[ddl.Constraint]:
        name = None
        if isinstance(element, exp.Constraint):
            name = element.name or None
            return [c for e in element.expressions for c in self._table_constraint(e, name)]
        return self._table_constraint(element, name)

    def _table_constraint(self, element: exp.Expression, name: str | None) -> list[ddl.Constraint]:
        where = self.location
        if isinstance(element, exp.PrimaryKey):
            return [PrimaryKey(tuple(_col_names(element.expressions)), name, where)]
        if isinstance(element, exp.UniqueColumnConstraint):
            target = element.this
            cols = _col_names(target.expressions) if isinstance(target, exp.Schema) else []
            return [
                Unique(
                    tuple(cols),
                    name
                    or (target.name if isinstance(target, exp.Schema) and target.this else None),
                    location=where,
                )
            ]
        if isinstance(element, (exp.CheckColumnConstraint, exp.Check)):
            return [Check(self.sql(element.this), name, where)]
        if isinstance(element, exp.ForeignKey):
            columns = _col_names(element.expressions)
            return [self.reference(columns, element.args["reference"], name, where)]
        if isinstance(element, exp.IndexColumnConstraint):
            return []  # MySQL `KEY ix (col)` inside CREATE TABLE: handled by _mysql_indexes
        return []

    def create_index(self, tree: exp.Create) -> ddl.Statement:
        index = tree.this
        table = index.args.get("table")
        params = index.args.get("params")
        columns: list[str] = []
        expressions: list[str] = []
        for ordered in (params.args.get("columns") or []) if params else []:
            target = ordered.this if isinstance(ordered, exp.Ordered) else ordered
            if isinstance(target, exp.Column):
                columns.append(target.name)
            else:
                expressions.append(self.sql(target))
        where_node = params.args.get("where") if params else None
        where = self.sql(where_node.this) if where_node is not None else None
        name = index.name or None
        model: Unique | Index
        if tree.args.get("unique"):
            model = Unique(tuple(columns), name, tuple(expressions), where, True, self.location)
        else:
            model = Index(name, tuple(columns), tuple(expressions), where, self.location)
        return ddl.CreateIndex(self.origin, self.key(table), model, bool(tree.args.get("exists")))

    # -- ALTER / DROP -----------------------------------------------------------------

    def rename_tables(self, text: str) -> Iterator[ddl.Statement]:
        """MySQL's `RENAME TABLE a TO b [, c TO d]` (sqlglot reads it as a command)."""
        pairs = _RENAMES.findall(text)
        if not re.match(r"\s*TABLES?\b", text, re.IGNORECASE) or not pairs:
            yield ddl.Unsupported(self.origin, "RENAME statement schemagen cannot read")
            return
        for old, new in pairs:
            source = exp.to_table(old, dialect=self.dialect)
            target = exp.to_table(new, dialect=self.dialect)
            if (target.db or source.db) != (source.db or target.db):
                yield ddl.Unsupported(self.origin, "RENAME TABLE into another database")
                continue
            yield ddl.RenameTable(self.origin, self.key(source), target.name)

    def alter(self, tree: exp.Alter) -> Iterator[ddl.Statement]:
        key = self.key(tree.this)
        actions: list[ddl.Action] = []
        for action in tree.args.get("actions") or ():
            if isinstance(action, exp.AlterRename):
                if actions:
                    yield ddl.AlterTable(self.origin, key, tuple(actions))
                    actions = []
                yield ddl.RenameTable(self.origin, key, action.this.name)
                continue
            actions.extend(self.alter_action(action, tree.this.name))
        if actions:
            yield ddl.AlterTable(self.origin, key, tuple(actions), bool(tree.args.get("exists")))

    def alter_action(self, action: exp.Expression, table: str) -> list[ddl.Action]:
        if isinstance(action, exp.ColumnDef):
            column, extra, _enum = self.column(action, table)
            return [ddl.AddColumn(column, tuple(extra), bool(action.args.get("exists")))]
        if isinstance(action, exp.ModifyColumn):
            column, extra, _enum = self.column(action.this, table)
            old = action.args.get("rename_from")
            return [ddl.ReplaceColumn(old.name if old else column.name, column, tuple(extra))]
        if isinstance(action, exp.RenameColumn):
            return [ddl.RenameColumn(action.this.name, action.args["to"].name)]
        if isinstance(action, exp.Drop):
            kind = (action.args.get("kind") or "").upper()
            names = [t.name for t in action.args.get("tables") or [action.this]]
            if kind == "COLUMN" or kind == "":
                return [ddl.DropColumn(n, bool(action.args.get("exists"))) for n in names]
            return [ddl.DropConstraint(n, bool(action.args.get("exists"))) for n in names]
        if isinstance(action, exp.AddConstraint):
            return [
                ddl.AddConstraint(c) for e in action.expressions for c in self.table_constraint(e)
            ]
        if isinstance(action, exp.AlterColumn):
            name = action.name
            if action.args.get("dtype") is not None:
                sql_type, _ = self.column_type(
                    exp.ColumnDef(this=action.this, kind=action.args["dtype"]), table
                )
                return [ddl.AlterColumnType(name, sql_type)]
            if action.args.get("drop"):
                return [ddl.SetDefault(name, None)]
            if action.args.get("default") is not None:
                return [ddl.SetDefault(name, self.sql(action.args["default"]))]
            if action.args.get("allow_null") is not None:
                return [ddl.SetNotNull(name, not action.args["allow_null"])]
        raise SchemagenError(
            f"ALTER TABLE action {type(action).__name__} is not supported",
            self.location,
            self.origin.sql,
        )

    def drop(self, tree: exp.Drop) -> Iterator[ddl.Statement]:
        kind = (tree.args.get("kind") or "").lower()
        if kind not in ("table", "view", "index"):
            yield ddl.Skip(self.origin, f"DROP {kind.upper()}")
            return
        targets = tree.args.get("tables") or [tree.this]
        names = tuple(self.key(t) if isinstance(t, exp.Table) else t.name for t in targets)
        yield ddl.Drop(self.origin, kind, names, bool(tree.args.get("exists")))


def _table_comment(tree: exp.Create) -> str | None:
    """MySQL's `COMMENT='...'` table option."""
    comments = [p for p in _properties(tree) if isinstance(p, exp.SchemaCommentProperty)]
    return comments[-1].this.name if comments else None


_TEXT_TYPES = ("char", "varchar", "text")


def _charset(node: exp.ColumnDef) -> str | None:
    """A MySQL column's character set: CHARACTER SET, else its COLLATE's prefix."""
    found = None
    for constraint in node.args.get("constraints") or ():
        kind = constraint.args.get("kind")
        if isinstance(kind, exp.CharacterSetColumnConstraint):
            return kind.name.lower()
        if isinstance(kind, exp.CollateColumnConstraint):
            found = kind.this.name.lower().split("_")[0] if kind.this is not None else None
    return _CHARSET_ALIASES.get(found or "", found)


_CHARSET_ALIASES = {"utf8": "utf8mb3", "binary": None}


def _collation(node: exp.ColumnDef) -> str | None:
    for constraint in node.args.get("constraints") or ():
        kind = constraint.args.get("kind")
        if isinstance(kind, exp.CollateColumnConstraint) and kind.this is not None:
            return str(kind.this.name).lower()
    return None


def _table_collation(tree: exp.Create) -> str | None:
    for prop in _properties(tree):
        if isinstance(prop, exp.CollateProperty):
            return prop.name.lower()
    return None


def _table_charset(tree: exp.Create) -> str | None:
    """`DEFAULT CHARSET=x` (or the prefix of `COLLATE=x`): its columns' character set."""
    for prop in _properties(tree):
        if isinstance(prop, exp.CharacterSetProperty):
            name = prop.name.lower()
            return _CHARSET_ALIASES.get(name, name)
    for prop in _properties(tree):
        if isinstance(prop, exp.CollateProperty):
            name = prop.name.lower().split("_")[0]
            return _CHARSET_ALIASES.get(name, name)
    return None


def _properties(tree: exp.Create) -> list[exp.Expression]:
    props = tree.args.get("properties")
    return list(props.expressions) if props is not None else []


def _col_names(nodes: Sequence[Any]) -> list[str]:
    names = []
    for node in nodes:
        target = node.this if isinstance(node, exp.Ordered) else node
        names.append(target.name)
    return names


def _sqlite_rowid(table: Table) -> Table:
    """`INTEGER PRIMARY KEY` makes the column an alias of the rowid (exact type name only)."""
    pk = table.primary_key
    if pk is None or len(pk.columns) != 1:
        return table
    column = table.column(pk.columns[0])
    if column is None or column.type.sql != "integer":
        return table
    rowid = replace(column, identity=column.identity or "rowid")  # AUTOINCREMENT kept
    return replace(table, columns=tuple(rowid if c is column else c for c in table.columns))


def _sqlite_table(table: Table, options: set[str]) -> Table:
    """Rowid alias and primary-key nullability, which SQLite's table options decide."""
    if "WITHOUT ROWID" in options:
        return _not_null_pk(table)  # no rowid, so no alias; its primary key is NOT NULL
    table = _sqlite_rowid(table)
    if "STRICT" in options and not any(
        c.identity in ("rowid", "autoincrement") for c in table.columns
    ):
        return _not_null_pk(table)  # STRICT tables' primary keys are NOT NULL (not the alias)
    return table


def _not_null_pk(table: Table) -> Table:
    """Primary-key columns NOT NULL (SQLite's WITHOUT ROWID and STRICT tables)."""
    pk = set(table.primary_key.columns) if table.primary_key else set()
    return replace(
        table,
        columns=tuple(replace(c, nullable=False) if c.name in pk else c for c in table.columns),
    )


def _mysql_indexes(table: Table, schema_node: exp.Schema) -> Table:
    """MySQL `UNIQUE KEY name (cols)` / `KEY name (cols)` written inside CREATE TABLE."""
    uniques = list(table.uniques)
    indexes = list(table.indexes)
    for element in schema_node.expressions:
        if isinstance(element, exp.IndexColumnConstraint):
            cols = tuple(_col_names(element.expressions))
            kind = (element.args.get("kind") or "").upper()
            name = element.name or None
            if kind == "UNIQUE":
                uniques.append(Unique(cols, name, from_index=True, location=table.location))
            else:
                indexes.append(Index(name, cols, location=table.location))
    return replace(table, uniques=tuple(uniques), indexes=tuple(indexes))


# ------------------------------------------------------------- expressions kept as text


def _expression_tree(sql: str, dialect: str) -> Any:
    try:
        return sqlglot.parse_one(sql, read=dialect)
    except (ParseError, TokenError):
        return None


def expression_columns(sql: str, dialect: str) -> set[str] | None:
    """Column names an expression reads (lower-cased: these dialects ignore their case)."""
    tree = _expression_tree(sql, dialect)
    if tree is None:
        return None
    return {c.name.lower() for c in tree.find_all(exp.Column)}


def rename_column(sql: str, old: str, new: str, dialect: str) -> str:
    tree = _expression_tree(sql, dialect)
    if tree is None or old.lower() not in (expression_columns(sql, dialect) or ()):
        return sql
    for column in tree.find_all(exp.Column):
        if column.name.lower() == old.lower():
            column.set("this", exp.to_identifier(new, quoted=column.this.quoted))
    while isinstance(tree, exp.Paren):
        tree = tree.this
    return str(tree.sql(dialect=dialect))
