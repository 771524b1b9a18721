"""Loading on first use, so importing a generated package (every pytest run does) costs what
the test touches, not the whole schema. Standard library only: the package's `__init__.py`
imports it before anything else.

`LazyMap` holds FACTORIES, TABLE_SCHEMAS, TABLES, COMPUTED_COLUMNS and CHECKS: read-only,
keys fixed and in the schema's order, each value made on its first access and then kept.
`attributes` is a package's PEP 562 `__getattr__`: a name imports the module defining it;
`imported` reads a name from a module imported on first use (a LazyMap's values). Both
import with the cyclic garbage collector paused (`load_module`, which the runtime also
loads a factory's tables module with), as Mercurial's `util.nogc` builds large
containers: a module of factory classes allocates thousands of long-lived objects and no
garbage cycles, and a session loading every table spent a third of its import in
collections that traverse the growing heap again and again (full ones more often the
larger the schema). Reference counting frees as usual; the collector runs as soon as the
import ends.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

V = TypeVar("V")


class LazyMap(Mapping[str, V]):
    """A read-only mapping over fixed keys whose values `make(key)` builds on first access.
    Equal to the dict of its items; `in`, `len()` and iteration build nothing."""

    __slots__ = ("_keys", "_made", "_make")

    def __init__(self, keys: Iterable[str], make: Callable[[str], V]) -> None:
        self._keys = dict.fromkeys(keys)
        self._make = make
        self._made: dict[str, V] = {}

    def __getitem__(self, key: str) -> V:
        try:
            return self._made[key]
        except KeyError:
            if key not in self._keys:
                raise
        value = self._made[key] = self._make(key)
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


def load_module(module: str, package: str) -> Any:
    """`importlib.import_module(module, package)` with the cyclic collector paused."""
    with collector_paused():
        return importlib.import_module(module, package)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector paused (see above; create_batch() pauses it too: every row it
    makes stays alive until it returns, a sixth of its time at 10,000 rows); left as it
    was if the caller had paused it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def attributes(
    package: str, modules: Mapping[str, str], aliases: Mapping[str, str] | None = None
) -> Callable[[str], Any]:
    """The `__getattr__` of `package` (PEP 562): `modules` maps each name it exports to the
    module defining it, relative to the package, imported on the name's first use; a name
    of one of those modules gives the module, and so does a name `aliases` maps to one (a
    table's module name for its group's tables module). The value is kept in the package's
    namespace, so the next access is a plain attribute."""
    namespace = sys.modules[package].__dict__
    submodules = {m.partition(".")[0]: m.partition(".")[0] for m in modules.values()}
    submodules.update(aliases or {})

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is not None:
            value = getattr(load_module(f".{module}", package), name)
        elif name in submodules:
            value = load_module(f".{submodules[name]}", package)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    return __getattr__


def imported(package: str, where: Mapping[str, tuple[str, str]]) -> Callable[[str], Any]:
    """key -> the name `where[key]` = (module, name) of that module of `package`, imported
    then. Bound here, not in the package: a submodule named like a global of the package's
    `__init__` (a table named `importlib`) replaces that global once imported."""

    def load(key: str) -> Any:
        module, name = where[key]
        return getattr(load_module(f".{module}", package), name)

    return load
