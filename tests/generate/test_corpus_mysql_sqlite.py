"""Acceptance on the MySQL and SQLite corpus (tests/corpus/{mysql,sqlite}): every table
accepts 200 rows through `create()` (or a warning says why it has no factory), and every
compiled computed column equals what the database stored. Columns left uncompiled must be
warned; their count is printed (run with -s) so progress shows."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from codegen import pipeline, sources
from codegen.render import Formatter
from tests.generate.genlib import REPO, build_package
from tests.myserver import load_script

CORPUS = REPO / "tests" / "corpus"
MYSQL = sorted(p.name for p in (CORPUS / "mysql").iterdir() if p.name != "README.md")
SQLITE = sorted(p.name for p in (CORPUS / "sqlite").iterdir() if p.name != "README.md")
ROWS = 200


def _load_mysql(conn: Any, path: Path) -> None:
    """Each file as its migration tool sends it: through the mysql client when it uses
    DELIMITER (mysqldump, Flyway), else as one multi-statement batch (golang-migrate)."""
    from pymysql.constants import CLIENT

    for file in sources.collect([str(path)]):
        if "DELIMITER" in file.text:
            load_script(conn, file.text)
            continue
        import pymysql

        batch = pymysql.connect(
            unix_socket=conn.unix_socket, user="root", database=conn.db.decode(),
            client_flag=CLIENT.MULTI_STATEMENTS,
        )  # fmt: skip
        try:
            with batch.cursor() as cur:
                cur.execute(file.text.replace("utf8mb4_0900_ai_ci", "utf8mb4_unicode_ci"))
                while cur.nextset():
                    pass
            batch.commit()
        finally:
            batch.close()


def _accept(pkg: ModuleType, warnings: list[str], case: str) -> tuple[int, int]:
    """create() 200 rows per table; compiled computed columns equal the stored ones.
    Returns (computed columns compiled, computed columns in all)."""
    compiled = total = 0
    for key, factory in pkg.FACTORIES.items():
        rows = factory.create_batch(ROWS)
        assert len(rows) == ROWS, (case, key)
        for column, fn in pkg.COMPUTED_COLUMNS.get(key, {}).items():
            total += 1
            try:
                fn(rows[0])
            except NotImplementedError:
                assert any(f"{key}.{column}: computed column not compiled" in w for w in warnings)
                continue
            compiled += 1
            for row in rows:
                assert fn(row) == row[column], (case, key, column, row)
    return compiled, total


def _package(make_package: Callable[..., ModuleType], path: Path, dialect: str) -> Any:
    built = pipeline.load([str(path)], dialect)
    package = build_package([path], dialect, Formatter(enabled=False))
    warnings = [str(w) for w in [*built.warnings, *package.warnings]]
    return make_package(paths=[path], dialect=dialect, seed=13), warnings


@pytest.mark.parametrize("case", SQLITE)
def test_sqlite_corpus(
    case: str, sqlite: sqlite3.Connection, make_package: Callable[..., ModuleType]
) -> None:
    path = CORPUS / "sqlite" / case
    for file in sources.collect([str(path)]):
        sqlite.executescript(file.text)
    sqlite.execute("PRAGMA foreign_keys=ON")
    pkg, warnings = _package(make_package, path, "sqlite")
    tables = {r[0] for r in sqlite.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    virtual = {t for t in tables if any(f"virtual table {t} (USING" in w for w in warnings)}
    for missing in tables - set(pkg.FACTORIES) - virtual - {"sqlite_sequence"}:
        assert any(missing.startswith(f"{v}_") for v in virtual), missing  # fts5 shadow tables
    pkg.bind(sqlite)
    try:
        compiled, total = _accept(pkg, warnings, case)
    finally:
        pkg.bind(None)
    print(f"\nsqlite {case}: {len(pkg.FACTORIES)} tables x {ROWS} rows accepted;"
          f" computed compiled {compiled}/{total}; {len(warnings)} warnings")  # fmt: skip


@pytest.mark.parametrize("case", MYSQL)
def test_mysql_corpus(case: str, mysql: Any, make_package: Callable[..., ModuleType]) -> None:
    path = CORPUS / "mysql" / case
    _load_mysql(mysql, path)
    pkg, warnings = _package(make_package, path, "mysql")
    with mysql.cursor() as cur:
        cur.execute("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")
        tables = {r[0] for r in cur.fetchall()}
    assert tables == set(pkg.FACTORIES)
    pkg.bind(mysql)
    try:
        compiled, total = _accept(pkg, warnings, case)
        mysql.commit()
    finally:
        pkg.bind(None)
    print(f"\nmysql {case}: {len(pkg.FACTORIES)} tables x {ROWS} rows accepted;"
          f" computed compiled {compiled}/{total}; {len(warnings)} warnings")  # fmt: skip
