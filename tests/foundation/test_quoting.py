"""Identifier quoting (`codegen.naming`), against PostgreSQL's own `quote_ident`: the DDL
`inspect --format sql` writes and the statements the catalog re-parses to name copied
indexes must read back as the same names."""

from __future__ import annotations

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pglast import keywords

from codegen.naming import quote_ident, quoted

EVERY_KEYWORD = sorted(
    {*keywords.RESERVED_KEYWORDS, *keywords.TYPE_FUNC_NAME_KEYWORDS, *keywords.COL_NAME_KEYWORDS,
     *keywords.UNRESERVED_KEYWORDS}
)  # fmt: skip
ODD = ["a$b", "Mixed", "_x", "x1", "1x", "", 'we"ird', "é", "two words", "a-b", "ORDER", "ß"]


def _postgres_quotes(conn: psycopg.Connection, names: list[str]) -> dict[str, str]:
    rows = conn.execute("SELECT n, quote_ident(n) FROM unnest(%s::text[]) AS n", [names])
    return dict(rows.fetchall())


def test_every_keyword_is_quoted_as_postgresql_quotes_it(pg: psycopg.Connection) -> None:
    names = [*EVERY_KEYWORD, *ODD]
    expected = _postgres_quotes(pg, names)
    assert {n: quote_ident(n) for n in names} == expected


# a name: any text PostgreSQL stores (no NUL, no lone surrogate)
NAME = st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=8)


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.lists(NAME, min_size=1))
def test_any_name_is_quoted_as_postgresql_quotes_it(
    pg: psycopg.Connection, names: list[str]
) -> None:
    """The connection only reads: sharing it between examples is safe."""
    assert {n: quote_ident(n) for n in names} == _postgres_quotes(pg, names)


def test_a_quoted_name_reads_back_as_itself(pg: psycopg.Connection) -> None:
    for name in ['we"ird', "select", "Mixed", 'a""b', " "]:
        got = pg.execute(f"SELECT 1 AS {quoted(name)}").description
        assert got is not None and got[0].name == name
