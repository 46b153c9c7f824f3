"""The stages composed for one source: plan a load, fetch, parse, write its package, commit the package.

These are the coarse units the Prefect flows run as tasks (a task run costs milliseconds, so never one per
page): :func:`fetch` crawls a source into the WARC archive, :func:`parse` turns a batch of archived responses
into staged rows (the CPU-bound stage, which a flow may spread over a Dask cluster), :func:`write_package` writes
them to the load's package and :func:`commit_load` applies it. Each is a plain function over plain data; tests
call them without Prefect, and :func:`collect` runs the middle three in one process. Only :func:`start_load` and
:func:`commit_load` open the warehouse, briefly: collecting, which takes the network's time, writes to the load
package alone, so analysts can query the warehouse while a run is under way.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, Self

from ingest.crawl import CrawledPage, KnownArticle, crawl, missing_in_window
from ingest.discover import ArticleLink
from ingest.extract import EXTRACTOR_VERSION
from ingest.fetch import Fetcher, WarcArchive, WarcRef
from ingest.load.apply import LoadReport, apply_package, begin_load
from ingest.load.package import PackageWriter, pending_packages
from ingest.load.warehouse import DEFAULT_LOCK_TIMEOUT, connect, run_sql
from ingest.metrics import Vocabulary
from ingest.parse import ParsedBatch, ParseJob, parse, parse_batches
from ingest.sources import Source

CrawlMode = Literal["scheduled", "backfill"]
Refetch = Literal["none", "failed", "all"]
"""What a backfill does with documents of its window it has seen before:
none — fetch only what is missing; known documents are not requested, earlier failures not retried;
failed — also retry what failed in earlier runs and re-check known documents with conditional requests (default);
all — fetch every document of the window again, unconditionally: edits become versions, a newer extractor adds rows."""

logger = logging.getLogger(__name__)  # per-page progress records; silent unless a handler asks for INFO


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
class LoadPlan:
    """A load that has begun: its id and what the warehouse already knows about the source."""

    load_id: str
    source: str
    kind: str
    known: Mapping[str, KnownArticle]
    retry_lists: tuple[str, ...] = ()  # list pages and articles whose latest fetch failed
    retry_articles: tuple[str, ...] = ()


@dataclass(slots=True)
class CollectSummary:
    """What collecting a load fetched, before the warehouse decides what is new."""

    load_id: str
    list_pages: int = 0
    fetched: int = 0
    not_modified: int = 0
    outside_window: int = 0
    sections: int = 0
    metrics: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)


@dataclass(slots=True)
class FetchedLoad:
    """What crawling a source produced: the responses to parse and the rows that need no parsing."""

    window: tuple[date | None, date | None]  # publication days a backfill keeps (since, until); None: no bound
    jobs: list[ParseJob] = field(default_factory=list)
    rows: dict[str, list[dict[str, object]]] = field(
        default_factory=lambda: {"stage_fetch_log": [], "stage_url_state": []}
    )
    list_pages: int = 0
    not_modified: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)


def new_load_id(source: str, *, now: datetime | None = None) -> str:
    """``20260122T060000Z-yanbian-1a2b3c``: sortable by time, readable, unique."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{source}-{secrets.token_hex(3)}"


def recover(paths: WarehousePaths, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> list[LoadReport]:
    """Apply complete packages that a killed run wrote but never committed."""
    pending = pending_packages(paths.packages)
    if not pending:
        return []
    with connect(paths.db, lock_timeout=lock_timeout) as con:
        return [apply_package(con, package) for package in pending]


def start_load(
    paths: WarehousePaths,
    source: Source,
    *,
    kind: str,
    parameters: Mapping[str, object],
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> LoadPlan:
    """Record a new load for ``source`` and read the crawl memory it starts from."""
    load_id = new_load_id(source.name)
    with connect(paths.db, lock_timeout=lock_timeout) as con:
        begin_load(
            con,
            load_id=load_id,
            kind=kind,
            source=source.name,
            parameters=dict(parameters),
            extractor_version=EXTRACTOR_VERSION,
        )
        rows = run_sql(con, "load/known_urls.sql", source=source.name).fetchall()
        retries = run_sql(con, "load/retry_urls.sql", source=source.name).fetchall()
    known = {url: KnownArticle(url=url, etag=etag, last_modified=modified) for url, etag, modified in rows}
    return LoadPlan(
        load_id=load_id,
        source=source.name,
        kind=kind,
        known=known,
        retry_lists=tuple(url for url, role in retries if role == "list"),
        retry_articles=tuple(url for url, role in retries if role == "article"),
    )


def collect(
    paths: WarehousePaths,
    source: Source,
    plan: LoadPlan,
    *,
    mode: CrawlMode,
    since: date | None = None,
    until: date | None = None,
    refetch: Refetch = "failed",
    vocabulary: Vocabulary | None = None,
) -> CollectSummary:
    """Fetch, parse and write a load's package in this process: the three stages the flows run as tasks."""
    fetched = fetch(paths, source, plan, mode=mode, since=since, until=until, refetch=refetch)
    vocabulary = vocabulary or Vocabulary.load()
    parsed = (
        parse(paths.archive, jobs, window=fetched.window, vocabulary=vocabulary) for jobs in parse_batches(fetched.jobs)
    )
    return write_package(paths, plan, parsed, pages=len(fetched.jobs), fetched=fetched)


def fetch(
    paths: WarehousePaths,
    source: Source,
    plan: LoadPlan,
    *,
    mode: CrawlMode,
    since: date | None = None,
    until: date | None = None,
    refetch: Refetch = "failed",
) -> FetchedLoad:
    """Crawl the source into the WARC archive; return what to parse and the rows that need no parsing."""
    fetched = FetchedLoad(window=(since, until) if mode == "backfill" else (None, None))
    with WarcArchive(paths.archive, name=plan.load_id) as archive, Fetcher(source, archive) as fetcher:
        retry = refetch != "none"
        pages = crawl(
            source,
            fetcher,
            {} if refetch == "all" else plan.known,
            mode=mode,
            since=since,
            until=until,
            retry_lists=plan.retry_lists if retry else (),
            retry_articles=plan.retry_articles if retry else (),
            recheck_known=retry,
        )
        for done, page in enumerate(pages, start=1):
            _sort_page(fetched, source, page)
            _log_progress(
                "fetch",
                plan.load_id,
                page.result.url,
                done,
                fetched=len(fetched.jobs),
                not_modified=fetched.not_modified,
                failed=len(fetched.failures),
            )
    return fetched


def write_package(
    paths: WarehousePaths,
    plan: LoadPlan,
    parsed: Iterable[ParsedBatch],
    *,
    pages: int,
    fetched: FetchedLoad | None = None,
) -> CollectSummary:
    """Write the fetched rows of a load and its ``parsed`` batches (covering ``pages`` pages in all) to its package,
    batch by batch as they come, and finish it."""
    summary = CollectSummary(load_id=plan.load_id)
    with PackageWriter(paths.packages, plan.load_id) as package:
        if fetched is not None:
            summary.list_pages, summary.not_modified = fetched.list_pages, fetched.not_modified
            summary.failures.extend(fetched.failures)
            _stage_rows(package, fetched.rows)
        done = 0
        for batch in parsed:
            _stage_rows(package, batch.rows)
            summary.fetched += batch.extracted
            summary.outside_window += batch.outside_window
            summary.sections += batch.sections
            summary.metrics += batch.metrics
            summary.failures.extend(batch.failures)
            done += batch.pages
            _log_progress(
                "parse", plan.load_id, "", done, total=pages, extracted=summary.fetched, failed=len(summary.failures)
            )
        package.finish(source=plan.source, kind=plan.kind, extractor_version=EXTRACTOR_VERSION)
    return summary


def commit_load(paths: WarehousePaths, load_id: str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> LoadReport:
    """Apply the load's package to the warehouse in one transaction."""
    with connect(paths.db, lock_timeout=lock_timeout) as con:
        return apply_package(con, paths.packages / load_id)


def preview_backfill(
    paths: WarehousePaths, source: Source, *, since: date | None, until: date | None
) -> list[ArticleLink]:
    """The articles a backfill of the window would load for the first time; reads list pages only."""
    known: dict[str, KnownArticle] = {}
    if paths.db.exists():
        with connect(paths.db, read_only=True) as con:
            rows = run_sql(con, "load/known_urls.sql", source=source.name).fetchall()
        known = {url: KnownArticle(url=url, etag=etag, last_modified=modified) for url, etag, modified in rows}
    with Fetcher(source) as fetcher:
        return list(missing_in_window(source, fetcher, known, since=since, until=until))


def start_reprocess(
    paths: WarehousePaths,
    *,
    source: str | None,
    since: date | None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> LoadPlan:
    """Record a reprocess load (of one source, or of all when ``source`` is None)."""
    load_id = new_load_id(source or "all")
    with connect(paths.db, lock_timeout=lock_timeout) as con:
        begin_load(
            con,
            load_id=load_id,
            kind="reprocess",
            source=source,
            parameters={"since": since.isoformat() if since else None},
            extractor_version=EXTRACTOR_VERSION,
        )
    return LoadPlan(load_id=load_id, source=source or "*", kind="reprocess", known={})


def reprocess_jobs(
    paths: WarehousePaths, sources: Mapping[str, Source], *, source: str | None = None, since: date | None = None
) -> list[ParseJob]:
    """The current version of every document (of ``source``, published since ``since``), to parse again from the
    WARC archive with the current extractor. Sends no request."""
    with connect(paths.db, read_only=True) as con:
        versions = run_sql(con, "load/current_versions.sql", source=source, since=since).fetchall()
    return [
        ParseJob(
            url=url,
            source=source_name,
            region=sources[source_name].region if source_name in sources else None,
            warc=WarcRef(path=warc_path, offset=offset, length=length, record_id=record_id),
            fetched=False,
        )
        for url, source_name, warc_path, offset, length, record_id in versions
    ]


def reprocess(
    paths: WarehousePaths,
    sources: Mapping[str, Source],
    plan: LoadPlan,
    *,
    source: str | None = None,
    since: date | None = None,
    vocabulary: Vocabulary | None = None,
) -> CollectSummary:
    """Re-extract current document versions into the load's package, in this process (see :func:`reprocess_jobs`)."""
    jobs = reprocess_jobs(paths, sources, source=source, since=since)
    vocabulary = vocabulary or Vocabulary.load()
    parsed = (parse(paths.archive, batch, vocabulary=vocabulary) for batch in parse_batches(jobs))
    return write_package(paths, plan, parsed, pages=len(jobs))


@dataclass(frozen=True, slots=True)
class IndicatorDiff:
    indicator: str
    added: int
    removed: int
    changed: int


def extractor_diff(paths: WarehousePaths, load_id: str) -> list[IndicatorDiff]:
    """Per indicator, the metric rows a reprocess load added, removed and changed against the previous extractor."""
    with connect(paths.db, read_only=True) as con:
        rows = run_sql(con, "load/extractor_diff.sql", load_id=load_id).fetchall()
    return [IndicatorDiff(*row) for row in rows]


def load_changes(paths: WarehousePaths, load_id: str) -> list[dict[str, Any]]:
    """The documents a committed load added (is_new) or changed, newest first."""
    with connect(paths.db, read_only=True) as con:
        cursor = run_sql(con, "load/changes.sql", load_id=load_id)
        names = [column[0] for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _sort_page(fetched: FetchedLoad, source: Source, page: CrawledPage) -> None:
    """File one crawled page: a row to stage now, a failure, or a response to parse."""
    result = page.result
    log_row = _fetch_log_row(page)
    error = result.error
    if page.role == "list":
        fetched.list_pages += 1
    elif error is None and result.not_modified:
        fetched.not_modified += 1
        fetched.rows["stage_url_state"].append(_url_state_row(source, page))
    elif error is None:
        if result.body is None:
            error = "the response had no body"
        elif result.warc is None:
            error = "the response was not archived"
        else:
            job = ParseJob(
                url=page.link.url if page.link else result.url,
                source=source.name,
                region=source.region,
                warc=result.warc,
                fetched=True,
                fetch_log=log_row,
                url_state=_url_state_row(source, page),
            )
            fetched.jobs.append(job)
            return  # its fetch log row waits for the parse, which may fail
    if error:
        fetched.failures.append((result.url, error))
    fetched.rows["stage_fetch_log"].append(log_row | {"error": error})


def _stage_rows(package: PackageWriter, rows: Mapping[str, Sequence[Mapping[str, object]]]) -> None:
    for table, table_rows in rows.items():
        package.add(table, table_rows)


def _url_state_row(source: Source, page: CrawledPage) -> dict[str, object]:
    result = page.result
    return {
        "url": page.link.url if page.link else result.url,
        "source": source.name,
        "etag": result.headers.get("etag"),
        "last_modified": result.headers.get("last-modified"),
        "last_status": result.status,
        "last_fetched_at": result.fetched_at,
        "listed_date": page.link.published if page.link else None,
    }


def _fetch_log_row(page: CrawledPage) -> dict[str, object]:
    result = page.result
    return {
        "url": result.url,
        "role": page.role,
        "status": result.status,
        "attempts": result.attempts,
        "fetched_at": result.fetched_at,
    }


def _log_progress(
    stage: Literal["fetch", "parse"], load_id: str, url: str, done: int, *, total: int | None = None, **counts: int
) -> None:
    """One record per fetched page or parsed batch, with the counts so far in ``extra`` (the CLI draws its
    progress bars from them)."""
    fields = " ".join(f"{name}={n}" for name, n in counts.items())
    logger.info(
        "load_id=%s %s=%d%s %s%s",
        load_id,
        "page" if stage == "fetch" else "parsed",
        done,
        f"/{total}" if total is not None else "",
        fields,
        f" url={url}" if url else "",
        extra={"load_id": load_id, "stage": stage, "pages_done": done, "pages_total": total, **counts},
    )


def summarise_failures(failures: Iterable[tuple[str, str]]) -> str:
    """``3 failed: http://…/a.html (HTTP 500 (gave up after 3 attempts)); …`` for state messages."""
    items = list(failures)
    shown = "; ".join(f"{url} ({reason})" for url, reason in items[:5])
    more = f"; and {len(items) - 5} more" if len(items) > 5 else ""
    return f"{len(items)} failed: {shown}{more}"
