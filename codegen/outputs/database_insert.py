"""Each table's generated one-row insert for `database.py` (`SchemaSpec.inserts`).

The engine's general insert interprets the table's specs on every row. This writes, per
table, the same steps as straight-line code, in the database's order: the given values
(kept when already stored as they are, else converted), DEFAULTs and sequences in column
order, the generated columns, NOT NULL, the CHECKs by name, the UNIQUE keys, the foreign
keys, and the write. Only rows that pass run here: a value it cannot convert, a column it
must refuse or does not know hands the row to the general path before anything happened,
and a failure after that asks the engine's own method to raise (`FastKit`), so both paths
fail with the same words. Tables with rules it does not cover (EXCLUDE, dialects that
store by affinity or field by field) get none and take the general path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..dialect import Dialect
from ..model import Column, SqlType, Table
from ..plan import TablePlan
from ..render import LINE_LENGTH, pystr
from ..sqlexpr.runtime import INT_RANGES

# what the factory binds from the kit and the table, when the insert uses it
_KIT = ("log", "marks", "defer", "sequences", "convert", "store", "invalid", "conflict",
        "orphan", "retract", "sql_error")  # fmt: skip
_TABLE = ("rows", "row_keys")
# PostgreSQL's identity kinds (the others number rows as SQLite and MySQL do)
_SEQUENCES = ("always", "by default", "serial")


RowFn = tuple[str, tuple[str, ...]]  # a compiled function in database.py, its parameters


@dataclass(frozen=True)
class Rule:
    """A unique rule: its columns, or the compiled parts of an expression index; the
    compiled predicate of a partial one."""

    columns: tuple[str, ...]
    nulls_distinct: bool
    parts: tuple[RowFn, ...] = ()
    where: RowFn | None = None


@dataclass(frozen=True)
class Facts:
    """What `database.py` decided about the table, in the order of its specs."""

    defaults: dict[str, str]  # column -> its DEFAULT's function in database.py
    uniques: Sequence[Rule]  # the primary key first
    fks: Sequence[tuple[tuple[str, ...], str, bool]]  # columns, parent table key, deferred
    types: dict[str, SqlType]  # resolved (domains to their base)
    domains: frozenset[str]  # columns typed by a domain (always converted)
    domain_checked: frozenset[str]  # columns a domain CHECK reads (the general path's)
    not_null: frozenset[str]  # NOT NULL columns (a NOT NULL domain too)


def covered(d: Dialect, table: Table) -> bool:
    """Whether every rule of the table is one the generated insert runs."""
    if d.type_affinity or d.fields_in_order or d.strict_mode_values or d.char_strips_pad:
        return False
    if d.collations_fold_case or table.excludes:
        return False
    return all(c.identity is None or c.identity in _SEQUENCES for c in table.columns)


def insert_source(
    name: str, t: TablePlan, facts: Facts, copies: bool, functions: str
) -> tuple[str, bool]:
    """The factory `name(table, kit)` of `t`'s one-row insert (see the module's docstring),
    and whether it reads the table's compiled functions from the module imported as
    `functions` (its factory group's tables module, where the package compiles them)."""
    writer = _Writer(t, facts, copies, functions)
    return writer.source(name), writer.reads_functions


def _stored(t: SqlType, v: str, i: int) -> str | None:
    """A test that `v` is stored exactly as given (the engine's `stored_as_is`, and a
    numeric already at its scale and within its precision), or None. `labels{i}` and
    `quantum{i}` are the column's enum labels and numeric quantum, bound by the factory."""
    category = t.category
    if category == "enum":
        return f"type({v}) is str and {v} in labels{i}"
    if category == "numeric":
        if t.precision is None:
            return f"type({v}) is Decimal"
        scale = t.scale or 0
        if scale < 0 or t.precision <= scale:
            return None  # a negative scale, or no digit before the point: converted
        return f"kept{i}({v})"
    if category in INT_RANGES:
        return f"type({v}) is int and {v} in {category}_range"
    if category == "text" or (category == "varchar" and t.length is None):
        return f"type({v}) is str"
    if category in ("varchar", "char"):
        op = "<=" if category == "varchar" else "=="
        return f"type({v}) is str and len({v}) {op} {t.length or 1}"
    simple = {"boolean": "bool", "uuid": "UUID", "date": "date"}
    if category in simple:
        return f"type({v}) is {simple[category]}"
    if category in ("timestamp", "timestamptz"):
        zone = "None" if category == "timestamp" else "UTC"
        return f"type({v}) is datetime and {v}.tzinfo is {zone}"
    return None


def _if(conditions: list[str], indent: int, then: str, op: str = "or") -> list[str]:
    """`if a or b:` then `then`, in black's layout (one operand a line when too long)."""
    pad = " " * indent
    flat = f"{pad}if {f' {op} '.join(conditions)}:"
    if len(flat) <= LINE_LENGTH:
        head = [flat]
    else:
        operands = [f"{pad}    {f'{op} ' if i else ''}{c}" for i, c in enumerate(conditions)]
        head = [f"{pad}if (", *operands, f"{pad}):"]
    return [*head, f"{pad}    {then}"]


def _known(left_out: list[str]) -> list[str]:
    """The columns a row may give, in black's layout (`names` are the table's columns)."""
    flat = f"known = frozenset(names) - {{{', '.join(left_out)}}}" if left_out else (
        "known = frozenset(names)")  # fmt: skip
    if len(flat) + 4 <= LINE_LENGTH:
        return [flat]
    return ["known = frozenset(names) - {", *[f"    {n}," for n in left_out], "}"]


def _targets(names: Sequence[str]) -> str:
    """Unpacking targets as black writes them (one name: `(a,)`)."""
    return f"({names[0]},)" if len(names) == 1 else ", ".join(names)


def _tuple(items: Sequence[str]) -> str:
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


class _Writer:
    """The factory's source, line by line. Locals are numbered by column (`v3`), so SQL
    names, hostile ones too, only ever appear inside string literals."""

    def __init__(self, t: TablePlan, facts: Facts, copies: bool, functions: str) -> None:
        self.t, self.facts, self.copies, self.functions = t, facts, copies, functions
        self.reads_functions = False
        self.columns: list[Column] = list(t.table.columns)
        self.at = {c.name: i for i, c in enumerate(self.columns)}
        self.setup: list[str] = []
        self.body: list[str] = []
        self.sure: list[bool] = []  # per UNIQUE rule: the row always has a key in it
        self.needs: set[str] = set()  # the `kit.` and `table.` names the body reads

    def need(self, *names: str) -> None:
        """Record what a line being written reads from the kit or the table."""
        self.needs.update(names)

    def var(self, name: str) -> str:
        return f"v{self.at[name]}" if name in self.at else "None"

    def columns_named(self, names: set[str]) -> list[str]:
        return [c.name for c in self.columns if c.name in names]

    def args(self, params: Sequence[str]) -> str:
        return ", ".join(self.var(p) for p in params)

    def takes(self, c: Column) -> bool:
        """A column the caller may give here (not refused, no domain CHECK to run)."""
        refused = c.generated is not None or c.identity == "always"
        return not refused and c.name not in self.facts.domain_checked

    def has_value(self, c: Column) -> bool:
        """A column the database fills when the row leaves it out."""
        return c.name in self.facts.defaults or (c.identity is not None and not c.generated)

    def stored(self, c: Column, v: str) -> str | None:
        if c.name in self.facts.domains:
            return None
        t = self.facts.types[c.name]
        i = self.at[c.name]
        if t.category == "enum":
            self.once(f"labels{i} = frozenset(table.columns[{self.lit(c)}].type.labels)")
        elif t.category == "numeric" and _stored(t, v, i) and t.precision is not None:
            self.once(f"kept{i} = numeric_kept({t.precision}, {t.scale or 0})")
        elif t.category in INT_RANGES:
            low, high = INT_RANGES[t.category]
            self.once(f"{t.category}_range = range({low}, {high + 1})")
        return _stored(t, v, i)

    def lit(self, c: Column) -> str:
        """The column's name in the source: its literal, or `names[i]` when that is long."""
        text = pystr(c.name)
        return text if len(text) <= 40 else f"names[{self.at[c.name]}]"

    def bound(self, fn: str, params: Sequence[str], local: str) -> str:
        """A call of a compiled function of database.py, bound to a short local first."""
        self.setup.append(f"{local} = {fn}")
        return f"{local}({self.args(params)})"

    def once(self, line: str) -> None:
        if line not in self.setup:
            self.setup.append(line)

    def given(self) -> None:
        """The caller's values: kept, or converted (any trouble: the general path)."""
        left_out = [f"names[{self.at[c.name]}]" for c in self.columns if not self.takes(c)]
        self.setup += _known(left_out)
        self.body += ["        if not given.keys() <= known:", "            return None"]
        if len(left_out) == len(self.columns):
            return
        self.body += ["        get = given.get", "        try:"]
        for c in self.columns:
            if not self.takes(c):
                continue
            v, name = self.var(c.name), self.lit(c)
            missing = self.has_value(c)
            self.body.append(f"            {v} = get({name}{', MISSING' if missing else ''})")
            test = self.stored(c, v)
            tests = [*([f"not ({test})"] if test else []), f"{v} is not None",
                     *([f"{v} is not MISSING"] if missing else [])]  # fmt: skip
            self.body += _if(tests, 12, f"{v} = convert({name}, {v})", "and")
            self.need("convert")
        self.body += ["        except HandOn:", "            return None"]

    def values(self) -> None:
        """DEFAULTs and sequences in column order, then the generated columns."""
        lines: list[str] = []
        for c in self.columns:
            v, name = self.var(c.name), self.lit(c)
            if c.generated is not None:
                continue
            if not self.has_value(c):
                if not self.takes(c):
                    lines.append(f"            {v} = None")
                continue
            pad = "            "
            if self.takes(c):
                lines.append(f"{pad}if {v} is MISSING:")
                pad += "    "
            if c.identity is not None:
                key = f"sequence{self.at[c.name]}"
                self.setup.append(f"{key} = table.spec.key, {name}")
                lines += [f"{pad}{v} = sequences.get({key}, 0) + 1", f"{pad}sequences[{key}] = {v}"]
                self.need("sequences")
                continue
            self.setup.append(f"default{self.at[c.name]} = {self.facts.defaults[c.name]}")
            lines.append(f"{pad}{v} = default{self.at[c.name]}()")
            test = self.stored(c, v)
            tests = [*([f"not ({test})"] if test else []), f"{v} is not None"]
            lines += _if(tests, len(pad), f"{v} = store({name}, {v})", "and")
            self.need("store")
        pending = {c.name for c in self.columns if c.generated is not None}
        for column, fn in self.t.computed:  # a generated column not computed yet reads NULL
            args = ", ".join("None" if p in pending else self.var(p) for p in fn.params)
            self.setup.append(f"computed{self.at[column]} = {self.functions}.{fn.name}")
            self.reads_functions = True
            lines.append(f"            {self.var(column)} = computed{self.at[column]}({args})")
            pending.discard(column)
        lines += [f"            {self.var(c)} = None" for c in self.columns_named(pending)]
        if lines:
            self.body += ["        try:", *lines, "        except rt.SqlError as error:",
                          "            raise sql_error(error) from None"]  # fmt: skip
            self.need("sql_error")

    def row(self) -> None:
        items = [f"{self.lit(c)}: {self.var(c.name)}" for c in self.columns]
        flat = f"        new = {{{', '.join(items)}}}"
        if len(flat) <= LINE_LENGTH:
            self.body.append(flat)
        else:
            self.body += ["        new = {", *[f"            {i}," for i in items], "        }"]

    def rules(self) -> None:
        """NOT NULL, then the CHECKs by name: a failure is the engine's to raise."""
        nulls = [f"{self.var(c.name)} is None" for c in self.columns
                 if c.name in self.facts.not_null]  # fmt: skip
        if nulls:
            self.body += _if(nulls, 8, "invalid(new)")
            self.need("invalid")
        checks = sorted((c for c in self.t.checks if c.domain is None), key=lambda c: c.name)
        if not checks:
            return
        self.setup += [f"check{j} = {self.functions}.{c.fn.name}" for j, c in enumerate(checks)]
        self.reads_functions = True
        # a compiled CHECK gives True, False or None (NULL passes): False fails it
        tests = [f"check{j}({self.args(c.fn.params)}) is False" for j, c in enumerate(checks)]
        self.body += ["        try:", *_if(tests, 12, "invalid(new)"),
                      "        except (NotImplementedError, rt.SqlError):",
                      "            invalid(new)"]  # fmt: skip
        self.need("invalid")

    def keys(self) -> list[str]:
        """Each UNIQUE rule's key of the row; a taken one is the engine's to raise."""
        keys: list[str] = []
        probes: list[str] = []
        for i, rule in enumerate(self.facts.uniques):
            key = f"key{i}"
            nullable = [self.var(c) for c in rule.columns if c not in self.facts.not_null]
            plain = not rule.parts and rule.where is None
            sure = plain and not (rule.nulls_distinct and nullable)
            if not plain:
                self.body += self.computed_key(key, rule)
            else:
                value = _tuple([self.var(c) for c in rule.columns])
                if not sure:
                    value = f"None if {' or '.join(f'{p} is None' for p in nullable)} else {value}"
                self.body.append(f"        {key}: {'tuple[Any, ...]' if sure else 'Key'} = {value}")
            keys.append(key)
            self.sure.append(sure)
            probes.append(f"{key} in keys{i}")  # None (no key) is in no index
        if keys:
            names = _targets([f"keys{i}" for i in range(len(keys))])
            self.setup.append(f"{names} = [index.keys for index in table.indexes]")
            self.body += _if(probes, 8, "conflict(new)")
            self.need("conflict")
        return keys

    def computed_key(self, key: str, rule: Rule) -> list[str]:
        """An expression or partial index's key (the engine's `_Index.key`): the predicate
        must hold, then the parts (or columns), None when one is NULL and NULLs differ."""
        parts = [self.bound(fn, params, f"{key}_part{k}") for k, (fn, params) in
                 enumerate(rule.parts)] or [self.var(c) for c in rule.columns]  # fmt: skip
        value = _tuple(parts)
        if rule.where is not None:
            value = f"{value} if {self.bound(*rule.where, f'{key}_where')} is True else None"
        lines = ["        try:", f"            {key}: Key = {value}",
                 "        except rt.SqlError as error:",
                 "            raise sql_error(error) from None"]  # fmt: skip
        self.need("sql_error")
        if rule.nulls_distinct:
            lines += [f"        if {key} is not None and None in {key}:",
                      f"            {key} = None"]  # fmt: skip
        return lines

    def parents(self, after: bool) -> None:
        """Each foreign key's parent key; a missing one is the engine's to raise (after
        taking the row back out when the checks follow the write)."""
        if not self.facts.fks:
            return
        self.setup.append(f"{_targets([f'parent{j}' for j in range(len(self.facts.fks))])}"
                          " = kit.parents")  # fmt: skip
        pad = "        "
        for j, (columns, _, deferred) in enumerate(self.facts.fks):
            parts = [self.var(c) for c in columns]
            nulls = [f"{p} is not None" for p, c in zip(parts, columns, strict=True)
                     if c not in self.facts.not_null]  # fmt: skip
            probe = f"parent{j}({_tuple(parts)}) is False"
            test = _if([*nulls, probe], 8, f"orphan({j}, new)", "and")
            self.need("orphan")
            if after:
                test[-1:-1] = [f"{pad}    retract(rowid)"]
                self.need("retract")
            if deferred:
                test[0] = test[0].replace("if", "elif", 1)
                test[:0] = [f"{pad}if marks:", f"{pad}    defer()"]
                self.need("marks", "defer")
            self.body += test

    def write(self, keys: list[str]) -> None:
        self.body += [
            "        if marks:",
            "            log.append((table, rowid, None))",
            "        rows[rowid] = new",
            f"        row_keys[rowid] = [{', '.join(keys)}]",
        ]
        self.need("marks", "log", "rows", "row_keys")
        for i, sure in enumerate(self.sure):
            if sure:
                self.body.append(f"        keys{i}[key{i}] = rowid")
            else:
                self.body += [f"        if key{i} is not None:",
                              f"            keys{i}[key{i}] = rowid"]  # fmt: skip

    def source(self, name: str) -> str:
        self.given()
        self.values()
        self.row()
        self.rules()
        keys = self.keys()
        after = any(parent == self.t.key for _, parent, _ in self.facts.fks)
        # the row's id is taken once its keys are free (as the engine's `add` takes it)
        self.body += ["        rowid = table.next_rowid", "        table.next_rowid = rowid + 1"]
        if not after:
            self.parents(after=False)
        self.write(keys)
        if after:  # a row may be its own parent: checked once it is in
            self.parents(after=True)
        self.body.append(f"        return {'[table.out(new)]' if self.copies else '[new.copy()]'}")
        body = "\n".join(self.body)
        used = [f"    {n} = table.{n}" for n in _TABLE if n in self.needs]
        used += [f"    {n} = kit.{n}" for n in _KIT if n in self.needs]
        used.append("    names = tuple(table.columns)")
        return "\n".join([
            f"def {name}(table: TableState, kit: FastKit) -> FastInsert:",
            f'    """{_doc(self.t.key)}"""', *used, *[f"    {line}" for line in self.setup],
            "", "    def insert(given: Mapping[str, Any]) -> list[Row] | None:", body, "",
            "    return insert", "",
        ])  # fmt: skip


def _doc(key: str) -> str:
    text = f"{key}: one row's INSERT ... RETURNING *, the table's rules inline."
    if key.isidentifier() and len(text) < LINE_LENGTH - 12:
        return text
    return "One row's INSERT ... RETURNING *, the table's rules inline."
