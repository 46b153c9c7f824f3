"""The stages composed for one source: plan a load, collect it into a package, commit the package.

These are the coarse units the Prefect flows run as tasks (a task run costs milliseconds, so never one per
page). Each is a plain function over plain data; tests call them without Prefect. Only :func:`start_load` and
:func:`commit_load` open the warehouse, briefly: collecting, which takes the network's time, writes to the
load package alone, so analysts can query the warehouse while a run is under way.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, Self

from ingest.crawl import CrawledPage, KnownArticle, crawl, missing_in_window
from ingest.discover import ArticleLink
from ingest.extract import EXTRACTOR_VERSION, content_sha256, extract_response
from ingest.fetch import Fetcher, WarcArchive, WarcRef, read_record
from ingest.load.apply import LoadReport, apply_package, begin_load
from ingest.load.package import PackageWriter, pending_packages
from ingest.load.warehouse import DEFAULT_LOCK_TIMEOUT, connect, run_sql
from ingest.metrics import Vocabulary
from ingest.model import ExtractedDocument, metric_record, section_record
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
    """Crawl the source, extract every fetched article and write it all to the load's package."""
    summary = CollectSummary(load_id=plan.load_id)
    vocabulary = vocabulary or Vocabulary.load()
    with (
        WarcArchive(paths.archive, name=plan.load_id) as archive,
        Fetcher(source, archive) as fetcher,
        PackageWriter(paths.packages, plan.load_id) as package,
    ):
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
            error = _collect_page(package, source, page, summary, mode, since, until, vocabulary)
            package.add("stage_fetch_log", [_fetch_log_row(page, error)])
            if error:
                summary.failures.append((page.result.url, error))
            _log_progress(summary, page.result.url, done)
        package.finish(source=source.name, kind=plan.kind, extractor_version=EXTRACTOR_VERSION)
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


def reprocess(
    paths: WarehousePaths,
    sources: Mapping[str, Source],
    plan: LoadPlan,
    *,
    source: str | None = None,
    since: date | None = None,
    vocabulary: Vocabulary | None = None,
) -> CollectSummary:
    """Re-extract the current version of every document (of ``source``, published since ``since``) from the WARC
    archive with the current extractor, into the load's package. Sends no request."""
    summary = CollectSummary(load_id=plan.load_id)
    vocabulary = vocabulary or Vocabulary.load()
    with connect(paths.db, read_only=True) as con:
        versions = run_sql(con, "load/current_versions.sql", source=source, since=since).fetchall()
    with PackageWriter(paths.packages, plan.load_id) as package:
        for done, (url, source_name, final_url, warc_path, offset, length, record_id) in enumerate(versions, start=1):
            ref = WarcRef(path=warc_path, offset=offset, length=length, record_id=record_id)
            archived = read_record(paths.archive, ref)
            raw = RawPage(
                url=url,
                final_url=final_url,
                body=archived.body,
                headers={k.lower(): v for k, v in archived.headers.items()},
                fetched_at=archived.fetched_at,
                warc=ref,
            )
            region = sources[source_name].region if source_name in sources else None
            extracted = _extract(raw, region, vocabulary)
            if extracted is None:
                summary.failures.append((url, "extraction failed"))
            else:
                summary.fetched += 1
                summary.sections += len(extracted.sections)
                summary.metrics += len(extracted.metrics)
                _stage_page(package, source_name, raw, extracted, fetched=False)
            _log_progress(summary, url, done, total=len(versions))
        package.finish(source=source or "*", kind=plan.kind, extractor_version=EXTRACTOR_VERSION)
    return summary


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


def _collect_page(
    package: PackageWriter,
    source: Source,
    page: CrawledPage,
    summary: CollectSummary,
    mode: CrawlMode,
    since: date | None,
    until: date | None,
    vocabulary: Vocabulary,
) -> str | None:
    """Stage what one crawled page contributes; return why it failed, if it did."""
    result = page.result
    if page.role == "list":
        summary.list_pages += 1
        return result.error
    if result.error:
        return result.error
    if result.not_modified:
        summary.not_modified += 1
        package.add("stage_url_state", [_url_state_row(source, page)])
        return None
    if result.body is None:
        return "the response had no body"
    raw = RawPage(
        url=page.link.url if page.link else result.url,
        final_url=result.final_url,
        body=result.body,
        headers=result.headers,
        fetched_at=result.fetched_at,
        warc=result.warc,
    )
    extracted = _extract(raw, source.region, vocabulary)
    if extracted is None:
        return "extraction failed: the page could not be read as HTML"
    if mode == "backfill" and not _in_window(extracted, since, until):
        summary.outside_window += 1
        return None
    summary.fetched += 1
    summary.sections += len(extracted.sections)
    summary.metrics += len(extracted.metrics)
    _stage_page(package, source.name, raw, extracted, fetched=True)
    package.add("stage_url_state", [_url_state_row(source, page)])
    return None


def _extract(page: RawPage, region: str | None, vocabulary: Vocabulary) -> ExtractedDocument | None:
    try:
        return extract_response(
            page.body,
            content_type=page.headers.get("content-type"),
            url=page.final_url,
            region=region,
            vocabulary=vocabulary,
        )
    except Exception:  # one malformed page must not stop the run; it is logged as failed
        return None


def _in_window(extracted: ExtractedDocument, since: date | None, until: date | None) -> bool:
    published = extracted.document.published_at
    if published is None:
        return True
    day = published.date()
    return (since is None or day >= since) and (until is None or day <= until)


@dataclass(frozen=True, slots=True)
class RawPage:
    """A raw response to extract and stage: fresh from the network or read back from the WARC archive."""

    url: str  # canonical URL, the document's key
    final_url: str
    body: bytes
    headers: Mapping[str, str]
    fetched_at: datetime
    warc: WarcRef | None


def _stage_page(
    package: PackageWriter, source: str, page: RawPage, extracted: ExtractedDocument, *, fetched: bool
) -> None:
    document = extracted.document
    key = {"url": page.url, "extractor_version": extracted.extractor_version}
    package.add(
        "stage_pages",
        [
            key
            | {
                "source": source,
                "fetched": fetched,
                "raw_sha256": hashlib.sha256(page.body).hexdigest(),
                "final_url": page.final_url,
                "etag": page.headers.get("etag"),
                "last_modified": page.headers.get("last-modified"),
                "fetched_at": page.fetched_at,
                **_warc_columns(page.warc),
                "content_sha256": content_sha256(document),
                "title": document.title,
                "published_at": document.published_at,
                "origin": document.source,
                "editor": document.editor,
                "column_name": document.column,
                "text": document.text,
            }
        ],
    )
    package.add("stage_sections", [key | section_record(s) for s in extracted.sections])
    package.add("stage_metrics", [key | {"ordinal": i} | metric_record(m) for i, m in enumerate(extracted.metrics)])


def _warc_columns(ref: WarcRef | None) -> dict[str, object]:
    if ref is None:
        return {"warc_path": None, "warc_offset": None, "warc_length": None, "warc_record_id": None}
    return {
        "warc_path": ref.path,
        "warc_offset": ref.offset,
        "warc_length": ref.length,
        "warc_record_id": ref.record_id,
    }


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


def _fetch_log_row(page: CrawledPage, error: str | None) -> dict[str, object]:
    result = page.result
    return {
        "url": result.url,
        "role": page.role,
        "status": result.status,
        "error": error,
        "attempts": result.attempts,
        "fetched_at": result.fetched_at,
    }


def _log_progress(summary: CollectSummary, url: str, done: int, *, total: int | None = None) -> None:
    """One record per page, with the counts so far in ``extra`` (the CLI draws its progress bar from them)."""
    counts = {"fetched": summary.fetched, "not_modified": summary.not_modified, "failed": len(summary.failures)}
    logger.info(
        "load_id=%s page=%d%s fetched=%d not_modified=%d failed=%d url=%s",
        summary.load_id,
        done,
        f"/{total}" if total is not None else "",
        *counts.values(),
        url,
        extra={"load_id": summary.load_id, "pages_done": done, "pages_total": total, **counts},
    )


def summarise_failures(failures: Iterable[tuple[str, str]]) -> str:
    """``3 failed: http://…/a.html (HTTP 500 (gave up after 3 attempts)); …`` for state messages."""
    items = list(failures)
    shown = "; ".join(f"{url} ({reason})" for url, reason in items[:5])
    more = f"; and {len(items) - 5} more" if len(items) > 5 else ""
    return f"{len(items)} failed: {shown}{more}"
