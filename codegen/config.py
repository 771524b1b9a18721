"""The one typed configuration object every stage receives.

Loaded from `[tool.schemagen]` in the nearest pyproject.toml (searched upwards from the
working directory), then overridden by command-line options:

    [tool.schemagen]
    inputs = ["db/migrations"]        # files, migration folders, globs
    dialect = "postgres"              # postgres | sqlite | mysql
    postgres_version = 18             # the server's major version (13-18), where it matters
    out = "tests/dbfakes"             # the generated package
    seed = 1234                       # same seed -> same rows
    locale = "en_US"                  # Faker locale
    null_ratio = 0.1                  # share of NULLs in nullable columns (0..1)
    external = ["db/auth_stub.sql"]   # tables referenced but not defined by the inputs
    templates = "schemagen_templates" # override templates/*.j2 by file name
    strict_rpc = true                 # RPC: no fakes unless asked for (false: fake by default)

    [tool.schemagen.overrides.customers]
    email = { provider = "company_email" }                  # a Faker provider
    phone = { provider = "numerify", args = ["+1-###-####"] }
    tier = { value = "gold" }                               # a literal (also: tier = "gold")
    code = "python:myapp.testing.make_code"                 # a callable, called with no args

Relative paths are relative to the directory holding the pyproject.toml.
"""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .dialect import NAMES as DIALECTS
from .dialect import NEWEST_POSTGRES, OLDEST_POSTGRES, Dialect, of
from .digest import sha256
from .errors import SchemagenError

_KEYS = {
    "inputs",
    "dialect",
    "postgres_version",
    "out",
    "seed",
    "locale",
    "null_ratio",
    "external",
    "templates",
    "overrides",
    "strict_rpc",
}
_CALLABLE = re.compile(r"^python:([A-Za-z_][\w.]*)(?::|\.)([A-Za-z_]\w*)$")


@dataclass(frozen=True)
class Override:
    """How to fill one column: a Faker provider call, a literal value, or a user callable."""

    kind: str  # "provider" | "value" | "callable"
    provider: str | None = None
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()
    value: Any = None
    path: str | None = None  # "module.attr" for callables

    def to_json(self) -> dict[str, Any]:
        if self.kind == "provider":
            return {"provider": self.provider, "args": list(self.args), "kwargs": dict(self.kwargs)}
        if self.kind == "callable":
            return {"callable": self.path}
        return {"value": self.value}


@dataclass(frozen=True)
class Config:
    inputs: tuple[str, ...] = ()
    dialect: str = "postgres"
    postgres_version: int = NEWEST_POSTGRES  # partitions' identity follows it (17+: shared)
    out: str | None = None
    seed: int = 0
    locale: str = "en_US"
    null_ratio: float = 0.1
    external: tuple[str, ...] = ()
    templates: str | None = None
    # table -> column -> override, as sorted tuples so the object stays hashable and frozen
    overrides: tuple[tuple[str, tuple[tuple[str, Override], ...]], ...] = ()
    strict_rpc: bool = True  # honest by default: an unimplemented function raises
    root: str = field(default=".", compare=False)  # where relative paths are resolved
    origin: str = field(default="", compare=False)  # the pyproject.toml it came from, if any

    @property
    def sql_dialect(self) -> Dialect:
        """The dialect object for `dialect` (what every stage asks instead of the name)."""
        return of(self.dialect).at_version(self.postgres_version)

    def override(self, table: str, column: str) -> Override | None:
        for t, cols in self.overrides:
            if t == table:
                for c, o in cols:
                    if c == column:
                        return o
        return None

    def to_json(self) -> dict[str, Any]:
        """What generation depends on (paths excluded: moving the package changes nothing).
        `postgres_version` only when set, so packages generated before it stay fresh."""
        version = self.postgres_version
        return {
            "dialect": self.dialect,
            "seed": self.seed,
            "locale": self.locale,
            "null_ratio": self.null_ratio,
            "strict_rpc": self.strict_rpc,
            **({"postgres_version": version} if version != NEWEST_POSTGRES else {}),
            "overrides": {t: {c: o.to_json() for c, o in cols} for t, cols in self.overrides},
        }

    def fingerprint(self) -> str:
        return sha256(json.dumps(self.to_json(), sort_keys=True, ensure_ascii=True, default=repr))

    def with_options(self, **options: Any) -> Config:
        """CLI options override the file; None means "not given"."""
        given = {k: v for k, v in options.items() if v is not None and v != ()}
        unknown = set(given) - {f for f in self.__dataclass_fields__}
        if unknown:
            raise SchemagenError(f"unknown option(s): {', '.join(sorted(unknown))}")
        for key in ("inputs", "external"):
            if key in given:
                given[key] = tuple(given[key])
        return validate(replace(self, **given))


def find_pyproject(start: str | os.PathLike[str] | None = None) -> Path | None:
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load(start: str | os.PathLike[str] | None = None, pyproject: Path | None = None) -> Config:
    """The `[tool.schemagen]` table of the nearest pyproject.toml, or defaults."""
    path = pyproject or find_pyproject(start)
    if path is None:
        return Config(root=str(Path(start or os.getcwd()).resolve()))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SchemagenError(f"{path}: cannot read ({error})") from None
    section = data.get("tool", {}).get("schemagen")
    if section is None:
        return Config(root=str(path.parent))
    return from_mapping(section, root=str(path.parent), origin=str(path))


def from_mapping(section: Mapping[str, Any], root: str = ".", origin: str = "config") -> Config:
    where = f"{origin}: [tool.schemagen]"
    if not isinstance(section, Mapping):
        raise SchemagenError(f"{where} must be a table")
    unknown = set(section) - _KEYS
    if unknown:
        raise SchemagenError(
            f"{where}: unknown key {sorted(unknown)[0]!r} (known keys: {', '.join(sorted(_KEYS))})"
        )
    kwargs: dict[str, Any] = {"root": root, "origin": origin if origin != "config" else ""}
    for key in ("inputs", "external"):
        if key in section:
            value = section[key]
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SchemagenError(f"{where}.{key} must be a list of paths")
            kwargs[key] = tuple(value)
    for key in ("dialect", "out", "locale", "templates"):
        if key in section:
            if not isinstance(section[key], str):
                raise SchemagenError(f"{where}.{key} must be a string")
            kwargs[key] = section[key]
    if "postgres_version" in section:
        version = section["postgres_version"]
        if not isinstance(version, int) or isinstance(version, bool):
            raise SchemagenError(f"{where}.postgres_version must be an integer, like 18")
        kwargs["postgres_version"] = version
    if "seed" in section:
        if not isinstance(section["seed"], int) or isinstance(section["seed"], bool):
            raise SchemagenError(f"{where}.seed must be an integer")
        kwargs["seed"] = section["seed"]
    if "null_ratio" in section:
        ratio = section["null_ratio"]
        if isinstance(ratio, bool) or not isinstance(ratio, (int, float)):
            raise SchemagenError(f"{where}.null_ratio must be a number between 0 and 1")
        kwargs["null_ratio"] = float(ratio)
    if "strict_rpc" in section:
        if not isinstance(section["strict_rpc"], bool):
            raise SchemagenError(f"{where}.strict_rpc must be true or false")
        kwargs["strict_rpc"] = section["strict_rpc"]
    if "overrides" in section:
        kwargs["overrides"] = _overrides(section["overrides"], f"{where}.overrides")
    return validate(Config(**kwargs), where)


def validate(config: Config, where: str = "option") -> Config:
    if config.dialect not in DIALECTS:
        raise SchemagenError(
            f"{where}: dialect {config.dialect!r} is not one of {', '.join(DIALECTS)}"
        )
    if not OLDEST_POSTGRES <= config.postgres_version <= NEWEST_POSTGRES:
        raise SchemagenError(
            f"{where}: postgres_version {config.postgres_version} is not a PostgreSQL major"
            f" version from {OLDEST_POSTGRES} to {NEWEST_POSTGRES}"
        )
    if not (0.0 <= config.null_ratio <= 1.0) or math.isnan(config.null_ratio):
        raise SchemagenError(
            f"{where}: null_ratio must be between 0 and 1, not {config.null_ratio}"
        )
    if not isinstance(config.seed, int) or isinstance(config.seed, bool):
        raise SchemagenError(f"{where}: seed must be an integer")
    if not config.locale or not re.fullmatch(r"[A-Za-z]{2,3}(_[A-Za-z0-9]{2,4})?", config.locale):
        raise SchemagenError(f"{where}: locale {config.locale!r} is not a Faker locale like en_US")
    return config


def _overrides(data: Any, where: str) -> tuple[tuple[str, tuple[tuple[str, Override], ...]], ...]:
    if not isinstance(data, Mapping):
        raise SchemagenError(f"{where} must be a table of tables: [{where.split(': ')[-1]}.TABLE]")
    out = []
    for table in sorted(data):
        columns = data[table]
        if not isinstance(columns, Mapping):
            raise SchemagenError(f"{where}.{table} must be a table of column = override")
        out.append(
            (
                table,
                tuple(
                    (col, parse_override(columns[col], f"{where}.{table}.{col}"))
                    for col in sorted(columns)
                ),
            )
        )
    return tuple(out)


def parse_override(value: Any, where: str) -> Override:
    if isinstance(value, str) and value.startswith("python:"):
        match = _CALLABLE.match(value)
        if not match:
            raise SchemagenError(
                f'{where}: {value!r} is not a callable path like "python:package.module.function"'
            )
        return Override("callable", path=f"{match.group(1)}.{match.group(2)}")
    if isinstance(value, Mapping):
        keys = set(value)
        if "provider" in keys:
            extra = keys - {"provider", "args", "kwargs"}
            if extra:
                raise SchemagenError(f"{where}: unknown key {sorted(extra)[0]!r} next to provider")
            provider = value["provider"]
            if (
                not isinstance(provider, str)
                or not provider.isidentifier()
                or provider.startswith("_")
            ):
                raise SchemagenError(
                    f'{where}.provider must be a Faker provider name, like "email"'
                )
            args = value.get("args", [])
            kwargs = value.get("kwargs", {})
            if not isinstance(args, list):
                raise SchemagenError(f"{where}.args must be a list")
            if not isinstance(kwargs, Mapping) or not all(
                isinstance(k, str) and k.isidentifier() for k in kwargs
            ):
                raise SchemagenError(f"{where}.kwargs must be a table of name = value")
            _check_literal(args, f"{where}.args")
            _check_literal(dict(kwargs), f"{where}.kwargs")
            return Override(
                "provider",
                provider=provider,
                args=tuple(args),
                kwargs=tuple(sorted(kwargs.items())),
            )
        if keys == {"value"}:
            _check_literal(value["value"], f"{where}.value")
            return Override("value", value=value["value"])
        if keys == {"callable"}:
            return parse_override("python:" + str(value["callable"]), where)
        raise SchemagenError(
            f"{where}: expected {{ provider = ... }}, {{ value = ... }}, {{ callable = ... }}"
            " or a literal"
        )
    _check_literal(value, where)
    return Override("value", value=value)


def _check_literal(value: Any, where: str) -> None:
    """Only values that can be written back as Python literals (TOML dates are not)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return
    if isinstance(value, list):
        for v in value:
            _check_literal(v, where)
        return
    if isinstance(value, dict):
        for k, v in value.items():
            _check_literal(k, where)
            _check_literal(v, where)
        return
    raise SchemagenError(f"{where}: {type(value).__name__} values are not supported here")


@dataclass(frozen=True)
class Run:
    """One resolved `generate` / `check`: the config plus where to read and write.

    Both commands resolve through here, so `check` compares against exactly what
    `generate` would write.
    """

    config: Config
    inputs: tuple[str, ...]
    cwd: str | None  # inputs from pyproject are relative to its folder
    out: str
    external: tuple[str, ...]


def resolve_run(
    paths: tuple[str, ...], out: str | None, external: tuple[str, ...], **options: Any
) -> Run:
    """Command-line PATHs and options over `[tool.schemagen]` (None/empty: not given)."""
    cfg = load()
    if paths:
        inputs, cwd = tuple(paths), None
    elif cfg.inputs:
        inputs, cwd = cfg.inputs, cfg.root
    else:
        raise SchemagenError(
            "no inputs: pass SQL files / migration folders, or set inputs in [tool.schemagen]"
        )
    cfg = cfg.with_options(inputs=recorded_inputs(inputs, cwd, cfg.root), **options)
    if options.get("templates") is None and cfg.templates:
        cfg = cfg.with_options(templates=resolve(cfg, cfg.templates))
    target = out or (resolve(cfg, cfg.out) if cfg.out else None)
    if not target:
        raise SchemagenError("no output directory: pass --out DIR or set out in [tool.schemagen]")
    stubs = external or tuple(resolve(cfg, e) for e in cfg.external)
    return Run(cfg, inputs, cwd, target, stubs)


def recorded_inputs(paths: tuple[str, ...], cwd: str | None, root: str) -> tuple[str, ...]:
    """The inputs as headers and the manifest record them: relative to the project root,
    normalised, with `/`, so `./db/x.sql`, `db//x.sql` and an absolute spelling of the same
    file give the same package (a different spelling used to rewrite every file)."""
    base = Path(cwd or os.getcwd()).resolve()
    top = Path(root).resolve()
    out: list[str] = []
    for path in paths:
        full = os.path.normpath(os.path.join(base, path))
        try:
            rel = os.path.relpath(full, top)
        except ValueError:  # another drive (Windows): only the absolute path names it
            rel = full
        out.append(Path(rel).as_posix())
    return tuple(out)


def resolve(config: Config, path: str) -> str:
    """A config path made absolute against the pyproject's directory."""
    p = Path(path)
    return str(p if p.is_absolute() else Path(config.root) / p)
