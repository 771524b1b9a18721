"""What real MySQL dumps and SQLite schemas hold: routines, DELIMITER, virtual tables."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from codegen import pipeline
from codegen.cli import main

MYSQLDUMP = """\
CREATE TABLE a (id INT PRIMARY KEY, n VARCHAR(10));
/*!40000 ALTER TABLE `a` DISABLE KEYS */;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
DELIMITER ;;
CREATE DEFINER=`root`@`localhost` PROCEDURE `p1`(IN x INT)
BEGIN
  DECLARE y INT DEFAULT 0;
  IF x > 0 THEN
    SELECT 1;
  END IF;
  WHILE y < 3 DO SET y = y + 1; END WHILE;
  INSERT INTO a VALUES (x, CASE WHEN x > 1 THEN 'a' ELSE 'b' END);
END ;;
DELIMITER ;
/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER trg BEFORE INSERT ON a
FOR EACH ROW BEGIN SET NEW.n = 'x'; END */;;
DELIMITER ;
DELIMITER $$
CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC
BEGIN
  RETURN x + 1;
END$$
DELIMITER ;
CREATE TABLE b (id INT PRIMARY KEY, note VARCHAR(5) DEFAULT ';;');
"""


def _load(tmp_path: Path, sql: str, dialect: str, name: str = "s.sql") -> pipeline.Built:
    path = tmp_path / name
    path.write_text(sql, encoding="utf-8")
    return pipeline.load([str(path)], dialect)


def test_mysqldump_routines_and_delimiter(tmp_path: Path) -> None:
    built = _load(tmp_path, MYSQLDUMP, "mysql")
    assert sorted(t.key for t in built.schema.tables) == ["a", "b"]
    assert built.schema.table("b").column("note").default == "';;'"
    kinds = [(s.location.line, s.reason) for s in built.schema.skipped]
    assert (5, "procedure p1") in kinds
    assert (17, "trigger trg") in kinds
    assert (21, "function f") in kinds
    assert not built.warnings


def test_inspect_lists_routines(tmp_path: Path) -> None:
    path = tmp_path / "dump.sql"
    path.write_text(MYSQLDUMP, encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", "-v", "--dialect", "mysql", str(path)])
    assert result.exit_code == 0, result.output
    assert "procedure p1" in result.output and "function f" in result.output


def test_routine_without_delimiter_as_flyway_runs_it(tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE t (id INT PRIMARY KEY);\n"
        "CREATE PROCEDURE fill(IN n INT)\nBEGIN\n  DECLARE i INT DEFAULT 0;\n"
        "  label1: LOOP\n    SET i = i + 1;\n    IF i > n THEN LEAVE label1; END IF;\n"
        "    INSERT INTO t VALUES (i);\n  END LOOP label1;\nEND;\n"
        "CREATE TABLE u (id INT PRIMARY KEY);\n"
        "CALL fill(3);\n"
    )
    built = _load(tmp_path, sql, "mysql")
    assert sorted(t.key for t in built.schema.tables) == ["t", "u"]
    assert [s.reason for s in built.schema.skipped] == ["procedure fill", "CALL"]


def test_trigger_is_warned_with_its_real_kind(tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE t (id INT PRIMARY KEY, n INT);\n"
        "CREATE TRIGGER bump BEFORE UPDATE ON t FOR EACH ROW SET NEW.n = OLD.n + 1;\n"
    )
    built = _load(tmp_path, sql, "mysql")
    assert [s.reason for s in built.schema.skipped] == ["trigger bump"]


def test_sqlite_virtual_tables_are_skipped_by_name(tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT);\n"
        "CREATE VIRTUAL TABLE t_fts USING fts5 (body, content='t',"
        ' tokenize="unicode61 remove_diacritics 2");\n'
        "CREATE VIRTUAL TABLE docs USING fts4 (title, body);\n"
        "CREATE VIRTUAL TABLE IF NOT EXISTS geo USING rtree(id, minx, maxx);\n"
    )
    built = _load(tmp_path, sql, "sqlite")
    assert [t.key for t in built.schema.tables] == ["t"]
    reasons = [str(w).splitlines()[0] for w in built.warnings]
    assert reasons == [
        f"{(tmp_path / 's.sql').as_posix()}:2:1: virtual table t_fts (USING fts5) is not"
        " modelled: no factory for it; schemagen ignores it",
        f"{(tmp_path / 's.sql').as_posix()}:3:1: virtual table docs (USING fts4) is not"
        " modelled: no factory for it; schemagen ignores it",
        f"{(tmp_path / 's.sql').as_posix()}:4:1: virtual table geo (USING rtree) is not"
        " modelled: no factory for it; schemagen ignores it",
    ]


def test_on_update_current_timestamp_is_modelled(tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE t (id INT PRIMARY KEY,\n"
        "  changed TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
        " ON UPDATE CURRENT_TIMESTAMP(3));\n"
    )
    built = _load(tmp_path, sql, "mysql")
    column = built.schema.table("t").column("changed")
    assert column.on_update == "CURRENT_TIMESTAMP(3)"
    assert column.to_json()["on_update"] == "CURRENT_TIMESTAMP(3)"
    assert type(column).from_json(column.to_json()) == column
    path = tmp_path / "s.sql"
    result = CliRunner().invoke(main, ["inspect", "--dialect", "mysql", str(path)])
    assert "ON UPDATE CURRENT_TIMESTAMP(3)" in result.output


def test_rename_table_renames(tmp_path: Path) -> None:
    """RENAME TABLE is a schema change (sqlglot reads it as a command): applied, in order."""
    sql = (
        "CREATE TABLE a (id INT PRIMARY KEY);\nCREATE TABLE c (id INT PRIMARY KEY);\n"
        "RENAME TABLE a TO b, `c` TO `d e`;\nALTER TABLE b ADD COLUMN x INT;\n"
    )
    built = _load(tmp_path, sql, "mysql")
    assert sorted(t.name for t in built.schema.tables) == ["b", "d e"]
    assert [c.name for c in built.schema.table("b").columns] == ["id", "x"]


def test_partitioned_table_is_read(tmp_path: Path) -> None:
    """`PARTITION BY` (which sqlglot cannot read) changes where rows go, not the table."""
    sql = (
        "CREATE TABLE logs (id INT NOT NULL, at DATE NOT NULL, PRIMARY KEY (id, at))\n"
        "PARTITION BY RANGE (YEAR(at)) (PARTITION p0 VALUES LESS THAN (2020),"
        " PARTITION p1 VALUES LESS THAN MAXVALUE);\n"
        "CREATE TABLE h (a INT) ENGINE=InnoDB PARTITION BY HASH(a) PARTITIONS 4;\n"
    )
    built = _load(tmp_path, sql, "mysql")
    assert sorted(t.name for t in built.schema.tables) == ["h", "logs"]
    assert not built.warnings


def test_float_unsigned_charsets_and_collations_in_the_type(tmp_path: Path) -> None:
    sql = (
        "CREATE TABLE t (id INT PRIMARY KEY, f FLOAT UNSIGNED, g FLOAT(7,2) UNSIGNED NOT NULL,\n"
        " a VARCHAR(10) CHARACTER SET latin1 COLLATE latin1_bin, b TEXT, c CHAR(2) COLLATE"
        " utf8_bin) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n"
        "ALTER TABLE t ADD COLUMN h REAL UNSIGNED;\n"
    )
    table = _load(tmp_path, sql, "mysql").schema.table("t")
    assert [c.type.sql for c in table.columns] == [
        "int", "float unsigned", "float(7,2) unsigned",
        "varchar(10) character set latin1 collate latin1_bin", "text collate utf8mb4_unicode_ci",
        "char(2) character set utf8mb3 collate utf8_bin", "float unsigned",
    ]  # fmt: skip
