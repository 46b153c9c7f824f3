"""Applying a load package to the warehouse in one transaction."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.errors import IngestError
from ingest.load.package import Manifest, insert_rows, read_manifest
from ingest.load.staging import StagedRows
from ingest.load.warehouse import run_sql, transaction


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What one load added to the warehouse, and how it ended."""

    load_id: str
    documents_added: int
    versions_added: int
    extractions_added: int
    sections_added: int
    metrics_added: int
    fetch_failures: int
    status: str
    message: str | None
    failure_kinds: tuple[tuple[str, int], ...] = ()  # (kind, requests) of the failed ones, most frequent first


def apply_package(con: duckdb.DuckDBPyConnection, directory: Path) -> LoadReport:
    """Apply a complete package and finish its load in one transaction, then delete the package. Readers see it
    once the snapshot is published (ingest.load.snapshot; the caller decides when)."""
    manifest = read_manifest(directory)
    if manifest is None:
        raise IngestError(f"load package {directory} is incomplete (no manifest); delete it and run again")
    con.execute("ATTACH ? AS pkg (READ_ONLY)", [str(directory / "package.duckdb")])
    try:
        _apply(con, manifest)
    finally:
        con.execute("DETACH pkg")
    shutil.rmtree(directory, ignore_errors=True)
    return load_report(con, manifest.load_id)


def apply_rows(con: duckdb.DuckDBPyConnection, manifest: Manifest, rows: StagedRows) -> LoadReport:
    """Apply a package held in memory, as :func:`apply_package` applies one on disk: its rows are staged in an
    in-memory database attached as the package, which costs a tenth of writing, closing and attaching a file."""
    row = con.execute("SELECT current_database()").fetchone()
    assert row is not None  # a scalar SELECT: always one row
    warehouse = str(row[0]).replace('"', '""')
    con.execute("ATTACH ':memory:' AS pkg")
    try:
        con.execute("USE pkg")
        try:
            run_sql(con, "package.sql")
            for table, table_rows in rows.by_table():
                if table_rows:
                    insert_rows(con, table, table_rows)
        finally:
            con.execute(f'USE "{warehouse}"')
        _apply(con, manifest)
    finally:
        con.execute("DETACH pkg")
    return load_report(con, manifest.load_id)


def _apply(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> None:
    """The package attached as ``pkg`` into the warehouse, and its load finished, in one transaction."""
    with transaction(con):
        run_sql(
            con,
            "load/apply.sql",
            load_id=manifest.load_id,
            kind=manifest.kind,
            source=manifest.source,
            extractor_version=manifest.extractor_version,
            region=manifest.region,
            region_code=manifest.region_code,
        )


def load_report(con: duckdb.DuckDBPyConnection, load_id: str) -> LoadReport:
    """What the load ``load_id`` added, read back from the warehouse."""
    cursor = run_sql(con, "load/report.sql", load_id=load_id)
    row = cursor.fetchone()
    assert row is not None  # the statement is a SELECT of scalar subqueries: always one row
    names = [column[0] for column in cursor.description or ()]
    kinds = run_sql(con, "load/failure_kinds.sql", load_id=load_id).fetchall()
    return LoadReport(
        load_id=load_id, failure_kinds=tuple((kind, n) for kind, n in kinds), **dict(zip(names, row, strict=True))
    )
