"""The warehouse as a load sees it: every query the pipeline runs, each on a connection held only as long as it.

A load opens the warehouse to plan (record the load, read the crawl memory) and to commit (apply its package);
collecting, which takes the network's time, never holds it, so analysts can query while a run is under way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Self

from ingest.crawl import KnownArticle
from ingest.diff import DocumentDiff, load_diffs
from ingest.fetch import WarcRef
from ingest.load.apply import LoadReport, apply_package
from ingest.load.package import pending_packages
from ingest.load.warehouse import DEFAULT_LOCK_TIMEOUT, connect, run_sql, transaction


@dataclass(frozen=True, slots=True)
class WarehousePaths:
    """Where a warehouse keeps its database, its raw WARC archive and its load packages."""

    db: Path
    archive: Path
    packages: Path

    @classmethod
    def beside(cls, db: Path) -> Self:
        """``warehouse/reports.duckdb`` → ``warehouse/reports.archive/``, ``warehouse/reports.packages/``."""
        return cls(db=db, archive=db.with_suffix(".archive"), packages=db.with_suffix(".packages"))


@dataclass(frozen=True, slots=True)
class CrawlMemory:
    """What earlier loads of a source leave to the next: articles loaded, and URLs whose latest fetch failed."""

    known: Mapping[str, KnownArticle]
    retry_lists: tuple[str, ...] = ()
    retry_articles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CurrentVersion:
    """The current version of a document, and where its raw response is archived."""

    url: str
    source: str
    warc: WarcRef


@dataclass(frozen=True, slots=True)
class IndicatorDiff:
    indicator: str
    added: int
    removed: int
    changed: int


class Warehouse:
    """One warehouse's database and the files beside it; each method opens the database for its own query."""

    def __init__(self, paths: WarehousePaths, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.paths = paths
        self.lock_timeout = lock_timeout

    @classmethod
    def at(cls, db: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Self:
        return cls(WarehousePaths.beside(db), lock_timeout=lock_timeout)

    def begin_load(
        self,
        load_id: str,
        *,
        kind: str,
        source: str | None,
        parameters: Mapping[str, object],
        extractor_version: str,
        memory_of: str | None = None,
    ) -> CrawlMemory:
        """Record a load as running (loads left running by a killed process become aborted); return the crawl
        memory of the source ``memory_of`` (empty without one), read on the same connection."""
        with connect(self.paths.db, lock_timeout=self.lock_timeout) as con:
            with transaction(con):
                run_sql(
                    con,
                    "load/begin.sql",
                    load_id=load_id,
                    kind=kind,
                    source=source,
                    parameters=json.dumps(dict(parameters), default=str, ensure_ascii=False),
                    extractor_version=extractor_version,
                )
            if memory_of is None:
                return CrawlMemory(known={})
            known = _known(run_sql(con, "load/known_urls.sql", source=memory_of).fetchall())
            retries = run_sql(con, "load/retry_urls.sql", source=memory_of).fetchall()
        return CrawlMemory(
            known=known,
            retry_lists=tuple(url for url, role in retries if role == "list"),
            retry_articles=tuple(url for url, role in retries if role == "article"),
        )

    def known_articles(self, source: str) -> dict[str, KnownArticle]:
        """The articles of ``source`` loaded so far; none when the warehouse does not exist yet."""
        if not self.paths.db.exists():
            return {}
        with connect(self.paths.db, read_only=True, lock_timeout=self.lock_timeout) as con:
            return _known(run_sql(con, "load/known_urls.sql", source=source).fetchall())

    def commit(self, load_id: str) -> LoadReport:
        """Apply the load's package in one transaction."""
        with connect(self.paths.db, lock_timeout=self.lock_timeout) as con:
            return apply_package(con, self.paths.packages / load_id)

    def recover(self) -> list[LoadReport]:
        """Apply complete packages that a killed run wrote but never committed."""
        pending = pending_packages(self.paths.packages)
        if not pending:
            return []
        with connect(self.paths.db, lock_timeout=self.lock_timeout) as con:
            return [apply_package(con, package) for package in pending]

    def current_versions(self, *, source: str | None, since: date | None) -> list[CurrentVersion]:
        """The current version of every document (of ``source``, published since ``since``) with an archived
        response."""
        with connect(self.paths.db, read_only=True, lock_timeout=self.lock_timeout) as con:
            rows = run_sql(con, "load/current_versions.sql", source=source, since=since).fetchall()
        return [
            CurrentVersion(url=url, source=name, warc=WarcRef(path=path, offset=offset, length=length, record_id=rid))
            for url, name, path, offset, length, rid in rows
        ]

    def extractor_diff(self, load_id: str) -> list[IndicatorDiff]:
        """Per indicator, the metric rows a reprocess load added, removed and changed against the previous
        extractor."""
        with connect(self.paths.db, read_only=True, lock_timeout=self.lock_timeout) as con:
            rows = run_sql(con, "load/extractor_diff.sql", load_id=load_id).fetchall()
        return [IndicatorDiff(*row) for row in rows]

    def load_diffs(self, load_id: str) -> list[DocumentDiff]:
        """For each document a committed load changed, its figures and paragraphs against the version before."""
        with connect(self.paths.db, read_only=True, lock_timeout=self.lock_timeout) as con:
            return load_diffs(con, load_id)

    def load_changes(self, load_id: str) -> list[dict[str, Any]]:
        """The documents a committed load added (is_new) or changed, newest first."""
        with connect(self.paths.db, read_only=True, lock_timeout=self.lock_timeout) as con:
            cursor = run_sql(con, "load/changes.sql", load_id=load_id)
            names = [column[0] for column in cursor.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _known(rows: list[tuple[Any, ...]]) -> dict[str, KnownArticle]:
    return {url: KnownArticle(url=url, etag=etag, last_modified=modified) for url, etag, modified in rows}
