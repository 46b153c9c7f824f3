"""Load packages: what one run of one source produces, written while it runs and applied atomically.

A package is a directory ``<packages>/<load_id>/`` holding ``package.duckdb`` (the tables of
warehouse/package.sql)
and, once every row is in, ``manifest.json``. Only a package with a manifest is applied; applying is one
transaction (warehouse/load/apply.sql) and idempotent, so a run killed at any point leaves the warehouse as it
was and the next run applies or redoes what is missing.

The package of a load with nothing to parse (no page changed) is a few rows: it stays in memory until its commit,
which is moments after the crawl, and is written here only if that commit fails (ingest.load.store).
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NotRequired, Self, TypedDict, Unpack

import duckdb

from ingest.load.files import write_atomically
from ingest.load.staging import STAGE_TABLES, StagedRows, StageRow, StageTable, columns, text_chars
from ingest.load.warehouse import run_sql

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
# Rows buffered per table before a batch is written: pages carry their whole text, figures are small.
_FLUSH_ROWS: dict[StageTable, int] = {"stage_pages": 50}
_FLUSH_ROWS_DEFAULT = 2000
# ... or before their texts pass this many characters (up to 12 MB of UTF-8), so that one insert, a page of up to
# ingest.parse.MAX_PAGE_CHARS included, stays well inside the package session's memory limit.
_FLUSH_CHARS = 4_000_000


class PackageFields(TypedDict):
    """What a package's manifest says of its load, besides its id and counts."""

    source: str
    kind: str
    extractor_version: str
    region: NotRequired[str | None]
    region_code: NotRequired[str | None]


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a complete package holds and how it was made."""

    load_id: str
    source: str
    kind: str
    extractor_version: str
    created_at: str
    counts: dict[str, int]
    region: str | None = None  # the source's region and its code; absent from packages written before region codes
    region_code: str | None = None

    @classmethod
    def new(cls, load_id: str, counts: dict[str, int], **fields: Unpack[PackageFields]) -> Self:
        """The manifest of a package made now."""
        return cls(load_id=load_id, created_at=datetime.now(UTC).isoformat(), counts=counts, **fields)


class PackageWriter:
    """Buffers staged rows and writes them to the package's DuckDB file in Arrow batches."""

    def __init__(self, root: Path, load_id: str) -> None:
        self.load_id = load_id
        self.directory = root / load_id
        if self.directory.exists():
            shutil.rmtree(self.directory)  # an unfinished package of a killed run: redo it from scratch
        self.directory.mkdir(parents=True)
        self._con = duckdb.connect(str(self.directory / "package.duckdb"))
        run_sql(self._con, "package_session.sql")
        run_sql(self._con, "package.sql")
        self._buffers: dict[StageTable, list[StageRow]] = {table: [] for table in STAGE_TABLES}
        self._counts: dict[str, int] = dict.fromkeys(STAGE_TABLES, 0)
        self._chars: dict[StageTable, int] = dict.fromkeys(STAGE_TABLES, 0)

    def add(self, rows: StagedRows) -> None:
        for table, table_rows in rows.by_table():
            self._add(table, table_rows)

    def _add(self, table: StageTable, rows: Sequence[StageRow]) -> None:
        buffer = self._buffers[table]
        buffer.extend(rows)
        self._counts[table] += len(rows)
        self._chars[table] += sum(text_chars(row) for row in rows)
        if len(buffer) >= _FLUSH_ROWS.get(table, _FLUSH_ROWS_DEFAULT) or self._chars[table] >= _FLUSH_CHARS:
            self._flush(table)

    def _flush(self, table: StageTable) -> None:
        rows = self._buffers[table]
        if not rows:
            return
        insert_rows(self._con, table, rows)
        rows.clear()
        self._chars[table] = 0

    def finish(self, **fields: Unpack[PackageFields]) -> Manifest:
        """Write the remaining rows and the manifest that marks the package complete."""
        for table in STAGE_TABLES:
            self._flush(table)
        self._con.close()
        manifest = Manifest.new(self.load_id, dict(self._counts), **fields)
        write_atomically(self.directory / MANIFEST, json.dumps(asdict(manifest), indent=2))
        return manifest

    def abandon(self) -> None:
        self._con.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            self.abandon()


def insert_rows(con: duckdb.DuckDBPyConnection, table: StageTable, rows: Sequence[StageRow]) -> None:
    """Insert staged rows of one table into the table of that name the connection uses.

    Each column goes in as one list parameter, unnested side by side. DuckDB converts the lists itself, as fast as
    an Arrow batch (bench: 20,000 rows in 0.09 s against 0.13 s); Arrow's conversion from Python lists imported
    pandas whenever it was installed, 1.3 s of CPU in every `ingest run` (docs/cli_speed.md).
    """
    batch = columns(rows)
    unnested = ", ".join(f'UNNEST(${n}) AS "{name}"' for n, name in enumerate(batch, start=1))
    con.execute(f"INSERT INTO {table} BY NAME SELECT {unnested}", list(batch.values()))


def write_package(root: Path, manifest: Manifest, rows: StagedRows) -> None:
    """Write rows held in memory as the complete package of ``manifest``'s load."""
    with PackageWriter(root, manifest.load_id) as package:
        package.add(rows)
        package.finish(
            source=manifest.source,
            kind=manifest.kind,
            extractor_version=manifest.extractor_version,
            region=manifest.region,
            region_code=manifest.region_code,
        )


def read_manifest(directory: Path) -> Manifest | None:
    """The manifest of a complete package, or None for an unfinished one or one whose manifest is unreadable
    (written before manifests were crash-safe, or damaged since): its load is redone rather than blocking runs."""
    path = directory / MANIFEST
    if not path.is_file():
        return None
    try:
        return Manifest(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        log.warning("load package %s has a corrupt manifest (%s); its load will be redone", directory, exc)
        return None


def pending_packages(root: Path, others: Collection[str] = ()) -> list[Path]:
    """Complete packages not yet applied (a run was killed between writing and applying), oldest first.

    Incomplete ones (a run was killed while writing) are deleted: their load is redone from the network. The
    packages of the loads ``others`` are left alone, complete or not: a run alive in another process may be writing
    them. Call only while holding the run locks of the loads not in ``others``.
    """
    if not root.is_dir():
        return []
    packages = sorted(p for p in root.iterdir() if p.is_dir() and p.name not in others)
    for package in packages:
        if read_manifest(package) is None:
            shutil.rmtree(package, ignore_errors=True)
    return [p for p in packages if p.exists()]
