"""The warehouse as a load sees it: every query the pipeline runs, each on a connection held only as long as it, or
on one connection the loads of a run share while they use it in turn (Warehouse.in_use).

A load opens the warehouse to plan (record the load, read the crawl memory) and to commit (apply its package,
then publish the snapshot readers open: ingest.load.snapshot); collecting, which takes the network's time, never
holds it. Readers never open the warehouse file itself, so they never hold up a load.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Self

import duckdb

from ingest.crawl import KnownArticle
from ingest.diff import DocumentDiff, load_diffs
from ingest.fetch import WarcRef
from ingest.load.apply import LoadReport, apply_package, apply_rows
from ingest.load.files import write_atomically
from ingest.load.package import Manifest, pending_packages, read_manifest, write_package
from ingest.load.snapshot import is_stale, publish, snapshot_paths
from ingest.load.staging import StagedRows
from ingest.load.warehouse import DEFAULT_LOCK_TIMEOUT, connect, run_sql, transaction

log = logging.getLogger(__name__)
_FAILED_NOTE = ".failed.json"
_NOTE_FIELDS = ("load_id", "kind", "source", "started_at", "message")


@dataclass(frozen=True, slots=True)
class WarehousePaths:
    """Where a warehouse keeps its database, its raw WARC archive and its load packages."""

    db: Path
    archive: Path
    packages: Path
    snapshot: Path  # the views database readers open
    snapshot_data: Path  # its Parquet files, one numbered folder per commit

    @classmethod
    def beside(cls, db: Path) -> Self:
        """``warehouse/reports.duckdb`` → ``warehouse/reports.archive/``, ``warehouse/reports.packages/``,
        ``warehouse/reports.snapshot.duckdb`` and ``warehouse/reports.snapshot/``."""
        snapshot, snapshot_data = snapshot_paths(db)
        return cls(
            db=db,
            archive=db.with_suffix(".archive"),
            packages=db.with_suffix(".packages"),
            snapshot=snapshot,
            snapshot_data=snapshot_data,
        )


@dataclass(frozen=True, slots=True)
class CrawlMemory:
    """What earlier loads of a source leave to the next: articles loaded, and URLs whose latest fetch failed."""

    known: Mapping[str, KnownArticle]
    retry_lists: tuple[str, ...] = ()
    retry_articles: tuple[str, ...] = ()
    resume: bool = False  # the latest crawl was cut short between two packages (warehouse/load/cut_crawl.sql)


@dataclass(frozen=True, slots=True)
class NewLoad:
    """A load to record as running (Warehouse.begin_loads)."""

    load_id: str
    kind: str
    source: str | None  # None: a reprocess of every source
    parameters: Mapping[str, object]


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

    def __init__(
        self, paths: WarehousePaths, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT, publish_every: float = 0.0
    ) -> None:
        """``publish_every``: the fewest seconds between two publications of the snapshot by this object's commits.
        0 publishes after every commit; a run of many loads sets more, as each publication costs seconds at national
        size, and calls ``publish_pending`` when its last load is in."""
        self.paths = paths
        self.lock_timeout = lock_timeout
        self.publish_every = publish_every
        self._published_at = -math.inf  # time.monotonic() of this object's latest publication
        self._unpublished = False  # a commit since then waits for a publication
        self._users = 0  # threads inside in_use()
        self._shared: duckdb.DuckDBPyConnection | None = None  # their connection, once one of them used it
        self._shared_lock = threading.Lock()
        self._held_packages: dict[str, tuple[Manifest, StagedRows]] = {}  # by load id: see hold_package

    @classmethod
    def at(cls, db: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT, publish_every: float = 0.0) -> Self:
        return cls(WarehousePaths.beside(db), lock_timeout=lock_timeout, publish_every=publish_every)

    @contextmanager
    def in_use(self) -> Iterator[None]:
        """Say that the block is about to use the warehouse, perhaps after waiting for another thread's use. From
        the first use inside such blocks to the end of the last one, every method shares one connection instead of
        opening the database for itself: an opening costs about 17 ms of CPU and a writer's closing a checkpoint,
        which a run of 300 sources starting and committing at once paid several times per source. Outside them the
        database is closed, so that other processes may open it while a run waits for the network."""
        with self._shared_lock:
            self._users += 1
        try:
            yield
        finally:
            with self._shared_lock:
                self._users -= 1
                if not self._users and self._shared is not None:
                    self._shared.close()
                    self._shared = None

    @contextmanager
    def _connection(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection shared inside in_use(), one method at a time (a DuckDB connection is not thread-safe), or
        else the database opened for this call only."""
        with self._shared_lock:
            if self._users:
                if self._shared is None:
                    self._shared = connect(self.paths.db, lock_timeout=self.lock_timeout)
                yield self._shared
                return
        with connect(self.paths.db, read_only=read_only, lock_timeout=self.lock_timeout) as con:
            yield con

    def begin_loads(
        self, loads: Sequence[NewLoad], *, extractor_version: str, remember: bool = False
    ) -> list[CrawlMemory]:
        """Record ``loads`` as running, in one transaction; with ``remember``, return the crawl memory of each one's
        source, read on the same connection by one query of each kind for them all (else an empty memory each)."""
        with self._connection() as con:
            with transaction(con):
                run_sql(
                    con,
                    "load/begin.sql",
                    load_ids=[load.load_id for load in loads],
                    kinds=[load.kind for load in loads],
                    sources=[load.source for load in loads],
                    parameters=[json.dumps(dict(load.parameters), default=str, ensure_ascii=False) for load in loads],
                    extractor_version=extractor_version,
                )
            if not remember:
                return [CrawlMemory(known={}) for _ in loads]
            sources = sorted({load.source for load in loads if load.source is not None})
            known = _known_by_source(run_sql(con, "load/known_urls.sql", sources=sources).fetchall())
            retries: dict[tuple[str, str], list[str]] = defaultdict(list)
            for source, url, role in run_sql(con, "load/retry_urls.sql", sources=sources).fetchall():
                retries[source, role].append(url)
            cut = {source for (source,) in run_sql(con, "load/cut_crawl.sql", sources=sources).fetchall()}
        return [
            CrawlMemory(
                known=known.get(load.source, {}),
                retry_lists=tuple(retries[load.source, "list"]),
                retry_articles=tuple(retries[load.source, "article"]),
                resume=load.source in cut,
            )
            if load.source is not None
            else CrawlMemory(known={})
            for load in loads
        ]

    def known_articles(self, source: str) -> dict[str, KnownArticle]:
        """The articles of ``source`` loaded so far; none when the warehouse does not exist yet."""
        if not self.paths.db.exists():
            return {}
        with self._connection(read_only=True) as con:
            rows = run_sql(con, "load/known_urls.sql", sources=[source]).fetchall()
        return _known_by_source(rows).get(source, {})

    def hold_package(self, manifest: Manifest, rows: StagedRows) -> None:
        """Keep a small package in memory for :meth:`commit`, instead of writing it to disk first: the package of a
        load with nothing to parse (a source where nothing changed) is a few rows, which the file cost ten times over.
        A commit that fails writes it to disk, for the next run's recovery, as if it had been written before."""
        with self._shared_lock:
            self._held_packages[manifest.load_id] = (manifest, rows)

    def commit(self, load_id: str) -> LoadReport:
        """Apply the load's package in one transaction, then publish the snapshot readers see, unless this object
        published less than ``publish_every`` seconds ago (then ``publish_pending`` or a later commit does)."""
        with self._shared_lock:
            held = self._held_packages.pop(load_id, None)
        try:
            with self._connection() as con:
                report = apply_package(con, self.paths.packages / load_id) if held is None else apply_rows(con, *held)
                if time.monotonic() - self._published_at >= self.publish_every:
                    self._publish(con)
                else:
                    self._unpublished = True
                return report
        except BaseException:
            if held is not None:
                write_package(self.paths.packages, *held)
            raise

    def publish_pending(self) -> None:
        """Publish the snapshot if a commit left it behind the warehouse (see ``publish_every``)."""
        if self._unpublished:
            self.publish()

    def recover(self, sources: Collection[str] | None = None) -> list[LoadReport]:
        """Apply complete packages that a killed run wrote but never committed, mark the loads it left running as
        aborted, record the loads that gave up waiting for the warehouse, and publish the snapshot if it lags (a run
        killed before publishing, or a warehouse from before snapshots). Call with what ``run_lock`` yielded (the
        sources whose locks the run holds, None for the whole warehouse), before the run begins any load: only
        those sources' loads are recovered, and reprocess loads, since a run of another source may be alive in
        another process and still writing its package."""
        held = None if sources is None else sorted(sources)
        with self._connection() as con:
            noted = self._record_failures(con)
            unfinished: dict[str, bool] = dict(run_sql(con, "load/unfinished.sql", sources=held).fetchall())
            others = [load_id for load_id, ours in unfinished.items() if not ours]
            reports = [
                apply_package(con, package)
                for package in pending_packages(self.paths.packages, others)
                if self._written_here(package, unfinished)
            ]
            with transaction(con):
                run_sql(con, "load/abort_running.sql", sources=held)
            if noted or is_stale(con):
                self._publish(con)
        return reports

    def publish(self) -> Path:
        """Publish the snapshot of the warehouse as it stands (creating an empty warehouse if there is none)."""
        with self._connection() as con:
            return self._publish(con)

    def _publish(self, con: duckdb.DuckDBPyConnection) -> Path:
        folder = publish(con)
        self._published_at = time.monotonic()
        self._unpublished = False
        return folder

    def record_failure(self, load_id: str, *, kind: str, source: str | None, reason: str) -> None:
        """Note a load that gave up before it could write to the warehouse (which was busy); the next run records
        it in ``loads`` as failed, with ``reason``."""
        self.paths.packages.mkdir(parents=True, exist_ok=True)
        note = {
            "load_id": load_id,
            "kind": kind,
            "source": source,
            "started_at": datetime.now(UTC).isoformat(),
            "message": reason,
        }
        write_atomically(self.paths.packages / f"{load_id}{_FAILED_NOTE}", json.dumps(note, ensure_ascii=False))

    def _record_failures(self, con: duckdb.DuckDBPyConnection) -> bool:
        """Record the loads noted by :meth:`record_failure`; whether there were any."""
        notes = sorted(self.paths.packages.glob(f"*{_FAILED_NOTE}"))
        for path in notes:
            try:
                note = json.loads(path.read_text(encoding="utf-8"))
                fields = {name: note[name] for name in _NOTE_FIELDS}
            except (ValueError, TypeError, KeyError) as exc:
                log.warning("ignored the unreadable note of a failed load %s (%s)", path, exc)
            else:
                with transaction(con):
                    run_sql(con, "load/record_failure.sql", **fields)
            path.unlink()
        return bool(notes)

    @staticmethod
    def _written_here(package: Path, unfinished: Mapping[str, bool]) -> bool:
        """Whether a package is one this warehouse's writer made: its load was recorded, and left unfinished,
        before the package was written. Anything else was planted in the folder and is refused."""
        manifest = read_manifest(package)
        if manifest is not None and manifest.load_id == package.name and package.name in unfinished:
            return True
        log.warning("refused load package %s: no unfinished load of this warehouse wrote it", package)
        shutil.rmtree(package, ignore_errors=True)
        return False

    def current_versions(self, *, source: str | None, since: date | None) -> list[CurrentVersion]:
        """The current version of every document (of ``source``, published since ``since``) with an archived
        response."""
        with self._connection(read_only=True) as con:
            rows = run_sql(con, "load/current_versions.sql", source=source, since=since).fetchall()
        return [
            CurrentVersion(url=url, source=name, warc=WarcRef(path=path, offset=offset, length=length, record_id=rid))
            for url, name, path, offset, length, rid in rows
        ]

    def extractor_diff(self, load_id: str) -> list[IndicatorDiff]:
        """Per indicator, the metric rows a reprocess load added, removed and changed against the previous
        extractor."""
        with self._connection(read_only=True) as con:
            rows = run_sql(con, "load/extractor_diff.sql", load_id=load_id).fetchall()
        return [IndicatorDiff(*row) for row in rows]

    def load_diffs(self, load_id: str) -> list[DocumentDiff]:
        """For each document a committed load changed, its figures and paragraphs against the version before."""
        with self._connection(read_only=True) as con:
            return load_diffs(con, load_id)

    def load_changes(self, load_id: str) -> list[dict[str, Any]]:
        """The documents a committed load added (is_new) or changed, newest first."""
        with self._connection(read_only=True) as con:
            cursor = run_sql(con, "load/changes.sql", load_id=load_id)
            names = [column[0] for column in cursor.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _known_by_source(rows: list[tuple[Any, ...]]) -> dict[str, dict[str, KnownArticle]]:
    """Rows of load/known_urls.sql → each source's articles by URL."""
    known: dict[str, dict[str, KnownArticle]] = defaultdict(dict)
    for source, url, etag, modified in rows:
        known[source][url] = KnownArticle(url=url, etag=etag, last_modified=modified)
    return known
