"""`ingest sql` is a query tool: one reading statement at a time on a connection that cannot write, read files
(unless --allow-files), reach the network or change its settings. Issue 19, case 1."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.cli import app
from ingest.load.store import Warehouse

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def files_under(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    db = tmp_path / "warehouse" / "reports.duckdb"
    Warehouse.at(db).publish()
    db.with_suffix(".packages").mkdir()
    return db


def hostile_statements(db: Path) -> list[str]:
    folder = db.parent
    package = db.with_suffix(".packages") / "forged" / "package.duckdb"
    return [
        f"COPY (SELECT 'x' AS a) TO '{db}' (FORMAT csv)",
        f"COPY (SELECT 1 AS a) TO '{folder}/out.csv'",
        f"EXPLAIN ANALYZE COPY (SELECT 'x' AS a) TO '{db}' (FORMAT csv)",
        f"/* a comment first */ EXPLAIN (ANALYZE) COPY (SELECT 1 AS a) TO '{folder}/out.csv'",
        f"ATTACH '{package}' AS pkg",
        f"ATTACH '{db}' AS again (READ_WRITE)",
        "DETACH reports",
        f"EXPORT DATABASE '{folder}/export'",
        f"IMPORT DATABASE '{folder}/export'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "FORCE INSTALL json",
        "SET memory_limit = '1GB'",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "SET VARIABLE as_of = TIMESTAMPTZ '2000-01-01 00:00:00+00'",
        "RESET TimeZone",
        "PRAGMA enable_profiling",
        "PRAGMA memory_limit = '1GB'",
        f"PRAGMA import_database('{folder}/export')",
        "CHECKPOINT",
        "USE memory",
        "CREATE TABLE forged AS SELECT 1 AS a",
        "DELETE FROM load_log",
        "UPDATE load_log SET status = 'forged'",
        "DROP VIEW documents_current",
        "VACUUM",
        f"SELECT 1; COPY (SELECT 'x' AS a) TO '{db}' (FORMAT csv)",
        "",
    ]


READING_STATEMENTS = [
    "SELECT count(*) FROM documents_current",
    "WITH d AS (SELECT * FROM documents_current) SELECT count(*) FROM d",
    "FROM loads",
    "DESCRIBE metrics_current",
    "SHOW TABLES",
    "SUMMARIZE loads",
    "EXPLAIN SELECT * FROM documents_current",
    "EXPLAIN ANALYZE SELECT count(*) FROM loads",
    "PRAGMA table_info('loads')",
    "PRAGMA version",
    "SELECT 1 AS a;",
]


@pytest.mark.timeout(120)
def test_every_write_attach_copy_export_install_load_and_set_is_refused(warehouse: Path) -> None:
    folder = warehouse.parent
    before = files_under(folder)
    for statement in hostile_statements(warehouse):
        for flags in ([], ["--allow-files"]):
            code, out, err = invoke("sql", "--db", str(warehouse), *flags, statement)
            assert code == 1, (statement, flags, out)
            assert err.startswith("error: ") and len(err.strip().splitlines()) == 1, (statement, err)
            assert "Traceback" not in out + err
    assert files_under(folder) == before  # the warehouse's bytes, and nothing written beside it
    # the locked connection still answers every reading statement, and time travel still works on it
    for statement in READING_STATEMENTS:
        code, out, err = invoke("sql", "--db", str(warehouse), "--format", "csv", statement)
        assert code == 0 and out, (statement, err)
    as_of = ["--as-of", "2026-01-31T08:00:00+08:00"]
    code, out, err = invoke(
        "sql", "--db", str(warehouse), "--format", "csv", *as_of, "SELECT getvariable('as_of') AS t"
    )
    assert code == 0 and out.splitlines() == ["t", "2026-01-31 08:00:00+08:00"], err  # shown in Asia/Shanghai
    assert files_under(folder) == before


@pytest.mark.timeout(60)
def test_files_are_read_only_with_allow_files(warehouse: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.csv"
    extra.write_text("region,population\n延边,194\n", encoding="utf-8")
    sql = f"SELECT region, population FROM read_csv('{extra}')"
    code, _, err = invoke("sql", "--db", str(warehouse), sql)
    assert code == 1 and "file system operations are disabled" in err and len(err.strip().splitlines()) == 1
    code, out, err = invoke("sql", "--db", str(warehouse), "--allow-files", "--format", "csv", sql)
    assert code == 0, err
    assert out.splitlines() == ["region,population", "延边,194"]
