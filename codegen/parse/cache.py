"""Statements already read, keyed by their SQL text: a warm `generate` re-reads only what changed.

A reader hands each statement's text to `StatementCache.read` with a function that reads
that text alone, locating what it finds in the file as usual. The cache keeps those
statements with locations relative to the statement's first character (file "", line 1,
column 1) and places them in the file on the way out, so a statement that only moved (a
migration added lines above it) is still a hit. Statements are encoded only when the cache
is saved: a run without a cache file to write (`inspect`) pays nothing for it.

An entry is the JSON text of the encoded statements (a cache file is never code to run),
decoded only when hit. `codegen.cachestore` keeps the entries outside the repository,
sealed per entry, valid for one `codegen.build_id()`: an upgrade never reads stale entries,
and an entry this user's runs did not write never reaches this class.
"""

from __future__ import annotations

import dataclasses
import json
import operator
from collections.abc import Callable, Mapping
from typing import Any

from .. import build_id, ddl, deep, model
from ..digest import sha256
from ..errors import SchemagenError
from ..model import Location

HERE = ""  # the file of an encoded location: the statement it is in
ReadStatement = Callable[[str], list[ddl.Statement]]

# every dataclass a reader's statements are built from: encoded by name, decoded by lookup
_CLASSES: dict[str, type[Any]] = {
    cls.__name__: cls
    for module in (ddl, model)
    for cls in vars(module).values()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__
}
_FIELDS: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls) if f.init) for cls in _CLASSES.values()
}


class StatementCache:
    """Statements by digest of (dialect, SQL text); `used` decides what is saved."""

    def __init__(self, dialect: str, entries: Mapping[str, str] | None = None) -> None:
        self.dialect = dialect
        # JSON of encoded statements, as saved (a cache store reads each when asked for)
        self.entries: Mapping[str, str] = {} if entries is None else entries
        self.fresh: dict[str, tuple[list[ddl.Statement], Location]] = {}  # read in this run
        self.used: set[str] = set()
        self.misses = 0  # statements read by the parser (for tests and benchmarks)

    def read(self, sql: str, read: ReadStatement, at: Location) -> list[ddl.Statement]:
        """The statements of `sql`, which starts at `at` in its file."""
        key = sha256(f"{self.dialect}\0{sql}")
        self.used.add(key)
        fresh = self.fresh.get(key)
        if fresh is not None:  # the same text again, in this run
            statements, where = fresh
            return list(statements) if where == at else _statements(_encode(fresh), at)
        encoded = self.entries.get(key)
        if encoded is not None:
            try:
                return _statements(json.loads(encoded), at)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                pass  # an entry damaged on disk: read the statement again
        try:
            statements = read(sql)
        except RecursionError:  # beyond the documented limit: located, not a traceback
            raise SchemagenError(deep.TOO_DEEP, at, sql) from None
        self.fresh[key] = (statements, at)
        self.misses += 1
        return statements

    def saved(self, fresh_only: bool = False) -> dict[str, str]:
        """The entries the next run gets: those this run used (so dropped SQL ages out);
        `fresh_only`: those read in this run (the cache store copies the others)."""
        return {
            key: _json(_encode(self.fresh[key])) if key in self.fresh else self.entries[key]
            for key in sorted(self.used)
            if not fresh_only or key in self.fresh
        }

    def to_json(self) -> str:
        return _json({"version": build_id(), "statements": self.saved()})

    @classmethod
    def from_json(cls, dialect: str, text: str | None) -> StatementCache:
        """The cache saved by an earlier run; empty when missing, unreadable or stale."""
        try:
            data = json.loads(text) if text else None
        except ValueError:
            data = None
        if not isinstance(data, dict) or data.get("version") != build_id():
            return cls(dialect)
        entries = data.get("statements")
        if not isinstance(entries, dict):
            return cls(dialect)
        return cls(dialect, {k: v for k, v in entries.items() if isinstance(v, str)})


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _placed(location: Location, at: Location) -> Location:
    """An encoded location in the file, the statement starting at `at` (`_relative`'s
    inverse)."""
    if location.file != HERE:
        return location  # NOWHERE and the like: not inside the statement
    column = location.column + at.column - 1 if location.line == 1 else location.column
    return Location(at.file, location.line + at.line - 1, column)


# ------------------------------------------------------------------------------ codec
# JSON values: a dataclass is {"@": name, "=": [init fields in order]}, a tuple {"(": [...]};
# str, int, bool, None stand for themselves. Anything else is a bug, not a guess.


def _encode(fresh: tuple[list[ddl.Statement], Location]) -> Any:
    """Statements read at `at`, encoded with their locations relative to it."""
    statements, at = fresh
    return _encoded(statements, at)


_PLAIN = (str, bool, int)  # with None: JSON values as they are


def _encoded(value: Any, at: Location) -> Any:
    # scalars are passed through without a call, as in `_decode` (a cold run saves them all)
    if value is None or isinstance(value, _PLAIN):
        return value
    if isinstance(value, tuple):
        return {"(": [v if v is None or isinstance(v, _PLAIN) else _encoded(v, at) for v in value]}
    if isinstance(value, list):
        return [v if v is None or isinstance(v, _PLAIN) else _encoded(v, at) for v in value]
    cls = type(value)
    fields = _GETTERS.get(cls)
    if fields is None:
        raise TypeError(f"statement cache: cannot encode {cls.__name__}")
    if cls is Location:
        value = _relative(value, at)
    return {
        "@": cls.__name__,
        "=": [v if v is None or isinstance(v, _PLAIN) else _encoded(v, at) for v in fields(value)],
    }


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function of an object to its `names` attributes, as a tuple (one C call for two
    or more: a cold run encodes every statement it read)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    return lambda value: tuple(getattr(value, name) for name in names)


_GETTERS = {cls: _getter(names) for cls, names in _FIELDS.items()}


def _relative(location: Location, at: Location) -> Location:
    """A location in the file as one relative to the statement starting at `at`."""
    if location.file != at.file:
        return location  # NOWHERE and the like: not inside the statement
    line = location.line - at.line + 1
    column = location.column - at.column + 1 if line == 1 else location.column
    return Location(HERE, line, column)


def _statements(encoded: Any, at: Location) -> list[ddl.Statement]:
    statements: list[ddl.Statement] = _decode(encoded, at)
    return statements


_NESTED = (list, dict)  # what json.loads gives that `_decode` must look into


def _decode(value: Any, at: Location) -> Any:
    # scalars are passed through without a call (a warm run decodes 300,000 values)
    if isinstance(value, list):
        return [_decode(v, at) if type(v) in _NESTED else v for v in value]
    if not isinstance(value, dict):
        return value
    items = value.get("(")
    if items is not None:
        return tuple(_decode(v, at) if type(v) in _NESTED else v for v in items)
    cls = _CLASSES[value["@"]]
    fields = [_decode(v, at) if type(v) in _NESTED else v for v in value["="]]
    if cls is Location:
        return _placed(Location(*fields), at)
    return cls(*fields)
