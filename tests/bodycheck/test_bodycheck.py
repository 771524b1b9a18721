"""Function bodies checked against the schema (codegen/bodycheck.py).

Each case is a tiny migrations folder: a function written against the first schema, then a
migration that renames or drops what it reads. The differential test loads the same
migrations into PostgreSQL and calls every function: the ones reported fail there with
"does not exist", the others run.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg
from click.testing import CliRunner

from codegen import bodycheck, cli, pipeline

INIT = """\
CREATE TABLE plans (id bigint PRIMARY KEY, price_cents integer NOT NULL);
CREATE TABLE orgs (id bigint PRIMARY KEY, name text);
CREATE SCHEMA billing;
CREATE TABLE billing.subscriptions (
  id bigint PRIMARY KEY,
  org_id bigint REFERENCES orgs(id),
  plan_id bigint REFERENCES plans(id),
  seats integer NOT NULL,
  status text
);
CREATE TABLE subscriptions (
  id bigint PRIMARY KEY,
  org_id bigint REFERENCES orgs(id),
  plan_id bigint REFERENCES plans(id),
  seats integer NOT NULL,
  status text
);
CREATE TABLE legacy_invoices (id bigint PRIMARY KEY, total integer);
"""

# name -> (body SQL, the finding expected after RENAME.sql, or None)
FUNCTIONS = {
    "org_mrr_cents": (
        """
        CREATE FUNCTION org_mrr_cents(p_org bigint) RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE total bigint;
        BEGIN
          SELECT sum(s.seats * p.price_cents) INTO total
          FROM subscriptions s JOIN plans p ON p.id = s.plan_id
          WHERE s.org_id = p_org;
          RETURN coalesce(total, 0);
        END $$;""",
        "org_mrr_cents reads subscriptions.seats, renamed to seat_count at 0003_rename.sql:3",
    ),
    "qualified": (
        """
        CREATE FUNCTION qualified(p_org bigint) RETURNS bigint LANGUAGE sql AS $$
          SELECT sum(billing.subscriptions.seats) FROM billing.subscriptions
          WHERE billing.subscriptions.org_id = p_org $$;""",
        "qualified reads billing.subscriptions.seats, dropped at 0003_rename.sql:4",
    ),
    "unqualified": (
        """
        CREATE FUNCTION unqualified(p_org bigint) RETURNS bigint LANGUAGE sql AS $$
          SELECT sum(seats) FROM subscriptions WHERE org_id = p_org $$;""",
        "unqualified reads column seats, which none of subscriptions has"
        " (subscriptions.seats: renamed to seat_count at 0003_rename.sql:3)",
    ),
    "cte": (
        """
        CREATE FUNCTION cte(p_org bigint) RETURNS bigint LANGUAGE sql AS $$
          WITH active AS (SELECT s.org_id, s.seats AS n FROM subscriptions AS s)
          SELECT sum(a.n) FROM active a WHERE a.org_id = p_org $$;""",
        "cte reads subscriptions.seats, renamed to seat_count at 0003_rename.sql:3",
    ),
    "cte_column": (
        """
        CREATE FUNCTION cte_column(p_org bigint) RETURNS bigint LANGUAGE plpgsql AS $$
        BEGIN
          RETURN (WITH active AS (SELECT s.org_id FROM subscriptions AS s)
                  SELECT count(a.seats) FROM active a WHERE a.org_id = p_org);
        END $$;""",
        "cte_column reads active.seats, which active does not have",
    ),
    "record": (
        """
        CREATE FUNCTION record(p_org bigint) RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE r record; n bigint := 0;
        BEGIN
          FOR r IN SELECT * FROM subscriptions WHERE org_id = p_org LOOP
            n := n + r.seats;
          END LOOP;
          RETURN n;
        END $$;""",
        "record reads r.seats (a row of subscriptions), renamed to seat_count at 0003_rename.sql:3",
    ),
    "dropped_table": (
        """
        CREATE FUNCTION dropped_table(p_id bigint) RETURNS integer LANGUAGE sql AS $$
          SELECT total FROM legacy_invoices WHERE id = p_id $$;""",
        "dropped_table uses table legacy_invoices, dropped at 0003_rename.sql:5",
    ),
    "renamed_table": (
        """
        CREATE FUNCTION renamed_table(p_id bigint) RETURNS text LANGUAGE sql AS $$
          SELECT o.name FROM orgs o WHERE o.id = p_id $$;""",
        "renamed_table uses table orgs, renamed to organizations at 0003_rename.sql:6",
    ),
    "writes": (
        """
        CREATE FUNCTION writes(p_id bigint) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE subscriptions SET seats = 1 WHERE id = p_id;
        END $$;""",
        "writes writes subscriptions.seats, renamed to seat_count at 0003_rename.sql:3",
    ),
    # what still works: no report
    "fine": (
        """
        CREATE FUNCTION fine(p_org bigint) RETURNS TABLE(org bigint, n bigint)
        LANGUAGE plpgsql AS $$
        DECLARE r subscriptions%ROWTYPE; total bigint := 0;
        BEGIN
          FOR r IN SELECT * FROM subscriptions WHERE org_id = p_org LOOP
            total := total + r.seat_count;
          END LOOP;
          RETURN QUERY
            WITH x AS (SELECT s.org_id AS o, count(*) AS c FROM subscriptions s GROUP BY 1)
            SELECT x.o, x.c + total FROM x WHERE x.o = p_org ORDER BY c;
        END $$;""",
        None,
    ),
    "dynamic": (
        """
        CREATE FUNCTION dynamic(p_table text) RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE n bigint;
        BEGIN
          EXECUTE format('SELECT count(*) FROM %I', p_table) INTO n;
          RETURN n;
        END $$;""",
        None,
    ),
}
RENAME = """\
-- seats are counted per user now

ALTER TABLE subscriptions RENAME COLUMN seats TO seat_count;
ALTER TABLE billing.subscriptions DROP COLUMN seats;
DROP TABLE legacy_invoices;
ALTER TABLE orgs RENAME TO organizations;
"""


def migrations(root: Path) -> Path:
    folder = root / "migrations"
    folder.mkdir()
    (folder / "0001_init.sql").write_text(INIT)
    bodies = "\n".join(textwrap.dedent(sql) for sql, _ in FUNCTIONS.values())
    (folder / "0002_functions.sql").write_text(bodies.lstrip("\n") + "\n")
    (folder / "0003_rename.sql").write_text(RENAME)
    return folder


def findings(folder: Path) -> bodycheck.BodyReport:
    built = pipeline.load([str(folder)])
    return bodycheck.check(built.schema, built.history)


def test_each_reference_to_what_a_migration_removed_is_reported(tmp_path: Path) -> None:
    report = findings(migrations(tmp_path))
    messages = sorted(d.message for d in report.drift)
    expected = sorted(want for _, want in FUNCTIONS.values() if want is not None)
    assert messages == expected


def test_findings_are_located_at_the_line_of_the_function_body(tmp_path: Path) -> None:
    folder = migrations(tmp_path)
    report = findings(folder)
    lines = (folder / "0002_functions.sql").read_text().splitlines()
    for d in report.drift:
        assert d.location.file.endswith("0002_functions.sql")
        word = re.search(r" (?:reads|writes|uses) (?:column |table )?([\w.]+)[, ]", d.message)
        assert word is not None, d
        assert word.group(1).split(".")[-1] in lines[d.location.line - 1], d


def test_dynamic_sql_is_skipped_and_listed(tmp_path: Path) -> None:
    report = findings(migrations(tmp_path))
    assert [d.message for d in report.unchecked] == [
        "dynamic: EXECUTE (dynamic SQL) is not checked against the schema"
    ]
    assert "format('SELECT count(*) FROM %I', p_table)" in report.unchecked[0].sql


def test_the_samples_have_no_findings() -> None:
    root = Path(__file__).resolve().parents[2]
    for sample in ("ecommerce", "ecommerce_migrations", "rental"):
        report = findings(root / "sample_schemas" / sample)
        assert report.drift == () and report.unchecked == (), sample
    assert findings(root / "tests" / "rpc" / "schemas" / "edge.sql").drift == ()


def test_postgresql_agrees(tmp_path: Path, pg: psycopg.Connection) -> None:
    """The functions reported fail in PostgreSQL when they run; the others run."""
    folder = migrations(tmp_path)
    for path in sorted(folder.iterdir()):
        pg.execute(path.read_text())
    pg.execute(
        "INSERT INTO organizations VALUES (1, 'a'); INSERT INTO plans VALUES (1, 100);"
        "INSERT INTO subscriptions VALUES (1, 1, 1, 3, 'active')"
    )  # rows, so that loop bodies run
    report = findings(folder)
    reported = {d.message.split()[0] for d in report.drift}
    for name in FUNCTIONS:
        arg = "'orgs'" if name == "dynamic" else "1"
        try:
            pg.execute(f"SELECT * FROM {name}({arg})")
        except psycopg.errors.UndefinedColumn as error:
            assert name in reported, (name, error)
            continue
        except psycopg.errors.UndefinedTable as error:
            assert name in reported or name == "dynamic", (name, error)
            continue
        assert name not in reported, name
    assert reported == {name for name, (_, want) in FUNCTIONS.items() if want}


def test_generate_warns_and_check_fails_naming_both(tmp_path: Path, monkeypatch) -> None:
    folder = migrations(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    generated = runner.invoke(cli.main, ["generate", "migrations", "--out", "fakes"])
    assert generated.exit_code == 0, generated.output
    assert (
        "warning: migrations/0002_functions.sql:4:1: org_mrr_cents reads subscriptions.seats,"
        " renamed to seat_count at 0003_rename.sql:3"
    ) in generated.output
    assert "note: migrations/0002_functions.sql:" in generated.output  # EXECUTE, listed
    checked = runner.invoke(cli.main, ["check", "migrations", "--out", "fakes"])
    assert checked.exit_code == 1, checked.output
    assert "Function bodies that read what the schema does not have:" in checked.output
    assert "org_mrr_cents reads subscriptions.seats, renamed to seat_count" in checked.output
    assert "out of date" not in checked.output  # the package itself is current
    # the fix: a migration that replaces the functions; check is green again
    fixed = "\n".join(
        textwrap.dedent(sql)
        .replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
        .replace("seats", "seat_count")
        .replace("FROM orgs o", "FROM organizations o")
        for name, (sql, want) in FUNCTIONS.items()
        if want and name not in ("qualified", "dropped_table", "cte_column")
    )
    fixed += "\nDROP FUNCTION qualified(bigint);\nDROP FUNCTION dropped_table(bigint);"
    fixed += "\nDROP FUNCTION cte_column(bigint);\n"
    (folder / "0004_fix.sql").write_text(fixed)
    assert runner.invoke(cli.main, ["generate", "migrations", "--out", "fakes"]).exit_code == 0
    checked = runner.invoke(cli.main, ["check", "migrations", "--out", "fakes"])
    assert checked.exit_code == 0, checked.output
    # and a real process gives the same exit code
    (folder / "0005_again.sql").write_text("ALTER TABLE plans RENAME price_cents TO cents;\n")
    proc = subprocess.run(
        [sys.executable, "-c", "from codegen.cli import main; main()",
         "check", "migrations", "--out", "fakes"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "org_mrr_cents reads plans.price_cents, renamed to cents at 0005_again.sql:1" in (
        proc.stderr
    )
