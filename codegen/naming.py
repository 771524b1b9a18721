"""Names: the ones databases give to constraints declared without one, the Python names
schemagen gives to SQL names (`identifier`, `camel`), and SQL identifiers spelled so that
PostgreSQL reads back exactly the name (`quoted`, `quote_ident`).

Migrations drop constraints by these names (`ALTER TABLE orders DROP CONSTRAINT
orders_customer_id_fkey`), so the catalog must name them exactly as the database does.
PostgreSQL's rule is `ChooseConstraintName`/`makeObjectName` in its source; MySQL numbers
foreign keys and checks per table (`orders_ibfk_1`, `orders_chk_1`).
"""

from __future__ import annotations

import functools
import keyword
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace

from .model import Check, ForeignKey, Table

NAMEDATALEN = 63  # PostgreSQL identifiers are truncated to 63 bytes


def pg_object_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's makeObjectName: shorten the longer part until `a_b_label` fits."""
    overhead = len(label) + 1 + (1 if name2 else 0)
    len1, len2 = len(name1.encode()), len((name2 or "").encode())
    while len1 + len2 > NAMEDATALEN - overhead:
        if len1 > len2:
            len1 -= 1
        else:
            len2 -= 1
    parts = [name1.encode()[:len1].decode(errors="ignore")]
    if name2:
        parts.append(name2.encode()[:len2].decode(errors="ignore"))
    return "_".join([*parts, label])


def _pg_choose(table: str, columns: str | None, label: str, taken: set[str]) -> str:
    attempt = 0
    while True:
        name = pg_object_name(table, columns, label if attempt == 0 else f"{label}{attempt}")
        if name not in taken:
            return name
        attempt += 1


def pg_index_name(table: str, columns: list[str], taken: set[str]) -> str:
    """PostgreSQL's name for `CREATE INDEX ON table (...)` without one (ChooseIndexName):
    `table_col1_col2_idx`, numbered `idx1`, `idx2` while another relation has the name."""
    addition = ""
    for column in columns:  # ChooseIndexNameAddition: stop once the name is long enough
        addition += ("_" if addition else "") + column
        if len(addition.encode()) >= NAMEDATALEN + 1:
            break
    return _pg_choose(table, addition, "idx", taken)


@functools.lru_cache(maxsize=4096)
def _check_column(sql: str) -> str | None:
    """The column a CHECK names, when it names exactly one."""
    import sqlglot  # here, not above: `check` in sync imports naming, never sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql, read="postgres")
    except sqlglot.errors.ParseError:
        return None
    names = {c.name for c in tree.find_all(exp.Column)}
    return names.pop() if len(names) == 1 else None


def name_postgres(table: Table) -> Table:
    taken = {
        c.name
        for c in (
            table.primary_key,
            *table.uniques,
            *table.excludes,
            *table.foreign_keys,
            *table.checks,
        )
        if c is not None and c.name
    }

    def choose(columns: str | None, label: str) -> str:
        name = _pg_choose(table.name, columns, label, taken)
        taken.add(name)
        return name

    pk = table.primary_key
    if pk is not None and pk.name is None:
        pk = replace(pk, name=choose(None, "pkey"))
    uniques = tuple(
        u if u.name or u.from_index else replace(u, name=choose("_".join(u.columns), "key"))
        for u in table.uniques
    )
    excludes = tuple(
        x if x.name else replace(x, name=choose("_".join(x.columns), "excl"))
        for x in table.excludes
    )
    fks = tuple(
        fk if fk.name else replace(fk, name=choose("_".join(fk.columns), "fkey"))
        for fk in table.foreign_keys
    )
    checks = tuple(
        c if c.name else replace(c, name=choose(_check_column(c.sql), "check"))
        for c in table.checks
    )
    return replace(
        table, primary_key=pk, uniques=uniques, excludes=excludes, foreign_keys=fks, checks=checks
    )


def name_mysql(table: Table) -> Table:
    def numbered(items: tuple[ForeignKey, ...] | tuple[Check, ...], label: str) -> list[str]:
        used = {i.name for i in items if i.name}
        names, n = [], 0
        for _ in items:
            n += 1
            while f"{table.name}_{label}_{n}" in used:
                n += 1
            names.append(f"{table.name}_{label}_{n}")
        return names

    fk_names = iter(numbered(table.foreign_keys, "ibfk"))
    check_names = iter(numbered(table.checks, "chk"))
    pk = table.primary_key
    return replace(
        table,
        primary_key=replace(pk, name="PRIMARY") if pk is not None and pk.name is None else pk,
        uniques=tuple(
            u if u.name else replace(u, name=u.columns[0] if u.columns else None)
            for u in table.uniques
        ),
        foreign_keys=tuple(
            fk if fk.name else replace(fk, name=next(fk_names)) for fk in table.foreign_keys
        ),
        checks=tuple(c if c.name else replace(c, name=next(check_names)) for c in table.checks),
    )


# ----------------------------------------------------------- Python names for SQL names

_IDENT = re.compile(r"[^0-9A-Za-z_]")


def identifier(name: str, taken: set[str] | None = None, reserved: Iterable[str] = ()) -> str:
    """A safe ASCII Python identifier for an SQL name, unique within `taken` case-blindly
    (module names become file names): `taken` holds the lowercased names given out so far
    and gets this one added."""
    base = _IDENT.sub("_", name).strip("_") or "x"
    if base[0].isdigit():
        base = "c_" + base
    return _unique(base, taken, reserved)


def attribute(name: str, taken: set[str], reserved: Iterable[str] = ()) -> str:
    """A Python attribute for a column: unicode letters kept (NFKC-normalised, as Python
    reads identifiers), never a `__` (factory_boy reads `a__b` as a path into `a`), never
    a leading underscore; unique within `taken` case-blindly, like `identifier`."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch if ("x" + ch).isidentifier() else "_" for ch in text)
    base = re.sub(r"_{2,}", "_", text).strip("_") or "x"
    if not base[0].isidentifier():
        base = "c_" + base
    return _unique(base, taken, reserved)


def _unique(base: str, taken: set[str] | None, reserved: Iterable[str]) -> str:
    if keyword.iskeyword(base) or keyword.issoftkeyword(base) or base in set(reserved):
        base += "_"
    if taken is None:
        return base
    out = base
    i = 2
    while out.lower() in taken:
        out = f"{base}{'' if base.endswith('_') else '_'}{i}"  # never `__`: `class_2`
        i += 1
    taken.add(out.lower())
    return out


_PLAIN_SQL = re.compile(r"[a-z_][a-z0-9_]*")


def quoted(name: str) -> str:
    """`"name"`, a `"` inside doubled: an identifier any name survives, hostile ones too."""
    return '"' + name.replace('"', '""') + '"'


def quote_ident(name: str) -> str:
    """PostgreSQL's `quote_ident`: bare where it reads back as the same name (lower case,
    not a keyword beyond the unreserved ones), quoted otherwise."""
    return name if _PLAIN_SQL.fullmatch(name) and name not in _pg_keywords() else quoted(name)


@functools.cache
def _pg_keywords() -> frozenset[str]:
    """Every keyword that is not "unreserved" in PostgreSQL's grammar: such a name works as a
    column but not as a type or function name unquoted, so quote them all (it costs nothing).
    Loaded when first needed: pglast is not imported to read a SQLite schema."""
    from pglast import keywords

    k = keywords
    return frozenset({*k.RESERVED_KEYWORDS, *k.TYPE_FUNC_NAME_KEYWORDS, *k.COL_NAME_KEYWORDS})


def camel(name: str) -> str:
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", name) if p]
    text = "".join(p[:1].upper() + p[1:] for p in parts) or "Table"
    return "T" + text if text[0].isdigit() else text
