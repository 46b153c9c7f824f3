"""Applying a load package to the warehouse in one transaction."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    return load_report(con, manifest)


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
    return load_report(con, manifest)


def _has_pages(manifest: Manifest) -> bool:
    """Whether a package holds pages: the package of a source where nothing changed does not, and the statements
    that apply pages, run for nothing, cost it more than the rest of its commit."""
    return manifest.counts.get("stage_pages", 0) > 0


def _apply(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> None:
    """The package attached as ``pkg`` into the warehouse, and its load finished, in one transaction."""
    with transaction(con):
        if _has_pages(manifest):
            run_sql(
                con,
                "load/apply_pages.sql",
                load_id=manifest.load_id,
                extractor_version=manifest.extractor_version,
            )
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


_ROWS_ADDED = ("documents_added", "versions_added", "extractions_added", "sections_added", "metrics_added")


def load_report(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> LoadReport:
    """What the load of ``manifest`` added, read back from the warehouse."""
    load_id = manifest.load_id
    added: dict[str, Any] = dict.fromkeys(_ROWS_ADDED, 0)
    if _has_pages(manifest):
        added = _named_row(run_sql(con, "load/report_rows.sql", load_id=load_id))
    ended = _named_row(run_sql(con, "load/report.sql", load_id=load_id))
    kinds = run_sql(con, "load/failure_kinds.sql", load_id=load_id).fetchall()
    return LoadReport(load_id=load_id, failure_kinds=tuple((kind, n) for kind, n in kinds), **added, **ended)


def _named_row(cursor: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    row = cursor.fetchone()
    assert row is not None  # the statements are SELECTs of scalar subqueries: always one row
    names = [column[0] for column in cursor.description or ()]
    return dict(zip(names, row, strict=True))
