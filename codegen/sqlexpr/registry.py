"""What the compiler supports, per dialect: filled in by the dialect modules as they
register handlers, and rendered into docs/expressions.md by `docs_table()`."""

from __future__ import annotations

DIALECTS = ("postgres", "sqlite", "mysql")

# (group, construct) -> dialect -> note ("" when supported as the database does it)
SUPPORTED: dict[tuple[str, str], dict[str, str]] = {}

GROUPS = (
    "values",
    "logic",
    "comparison",
    "arithmetic",
    "math functions",
    "casts",
    "strings",
    "pattern matching",
    "conditional",
    "date and time",
    "generated values",
)


# What compiles to a raising function, and why (rendered under "Not supported").
NOT_SUPPORTED: tuple[tuple[str, str], ...] = (
    ("subqueries, EXISTS, aggregates, window functions", "not scalar expressions over one row"),
    ("nextval(), currval(), sequences", "the value generator owns identities and serials"),
    ("random(), ln, exp, log, trig functions", "no exact reproduction of the C library"),
    ("numeric power / ^ on numeric", "PostgreSQL's power_var scale rules are not modelled"),
    ("to_char, to_date, age, justify_*, AT TIME ZONE", "formatting and zones not modelled"),
    ("interval and domain columns, arrays, json, bytea", "types not modelled"),
    ("text input to date/timestamp other than ISO", "DateStyle parsing is not guessed"),
    ("regex features outside the subset", "back-references, lookahead, [:alpha:], \\s, ..."),
    ("enum ordering (<, >) and casts of text to an enum", "the label order is not in scope"),
    ("SQLite round(X, N) with N != 0, printf, date modifiers", "long-double printf not reproduced"),
    ("MySQL CAST, non-ASCII text ordering and case", "depend on the collation and sql_mode"),
    ("user-defined functions", "only simple SQL functions, compiled on their own"),
)


def supports(dialect: str, group: str, construct: str, note: str = "") -> None:
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}")
    SUPPORTED.setdefault((group, construct), {})[dialect] = note
