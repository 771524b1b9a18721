"""[tool.schemagen] in pyproject.toml: typed, validated, overridden by options."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen import config
from codegen.errors import SchemagenError


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.schemagen]\n" + body, encoding="utf-8")
    (tmp_path / "sub").mkdir(exist_ok=True)
    return tmp_path / "sub"


def test_loads_the_nearest_pyproject(tmp_path: Path) -> None:
    start = _write(
        tmp_path,
        'inputs = ["db"]\ndialect = "sqlite"\nout = "fakes"\nseed = 3\nnull_ratio = 0\n'
        "[tool.schemagen.overrides.users]\n"
        'email = { provider = "company_email" }\nage = 30\ncode = "python:pkg.mod.fn"\n',
    )
    cfg = config.load(start)
    assert (cfg.inputs, cfg.dialect, cfg.out, cfg.seed, cfg.null_ratio) == (
        ("db",),
        "sqlite",
        "fakes",
        3,
        0.0,
    )
    assert cfg.root == str(tmp_path)
    assert cfg.override("users", "email") == config.Override("provider", provider="company_email")
    assert cfg.override("users", "age") == config.Override("value", value=30)
    assert cfg.override("users", "code") == config.Override("callable", path="pkg.mod.fn")
    assert cfg.with_options(seed=9, dialect=None).seed == 9


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("colour = 1\n", "unknown key 'colour'"),
        ('dialect = "oracle"\n', "dialect 'oracle'"),
        ('seed = "x"\n', "seed must be an integer"),
        ("null_ratio = 2\n", "null_ratio must be between 0 and 1"),
        ('[tool.schemagen.overrides.t]\nc = "python:not a path"\n', r"overrides\.t\.c"),
        ("[tool.schemagen.overrides.t]\nc = { provider = 1 }\n", r"overrides\.t\.c\.provider"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(SchemagenError, match=message):
        config.load(_write(tmp_path, body))


def test_fingerprint_follows_what_generation_depends_on() -> None:
    a = config.Config(seed=1, out="x")
    assert a.fingerprint() == config.Config(seed=1, out="elsewhere").fingerprint()
    assert a.fingerprint() != config.Config(seed=2).fingerprint()
