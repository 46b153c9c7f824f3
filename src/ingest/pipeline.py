"""A load composed from its stages: plan → fetch → parse (in batches) → write the package → commit.

:func:`run_load` and :func:`run_reprocess` are the one composition of a load that the flows, the tests and the
benchmark all run. What differs between them is passed in: ``parse_map`` runs the parse batches (in this process
by default; the flows map them over Prefect's task runner, threads or a Dask cluster), ``steps`` lets a flow run
the coarse stages as tasks (a task run costs milliseconds, so never one per page), and ``progress`` hears of
every fetched page and parsed batch. Only planning and committing open the warehouse (ingest.load.store).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal, NamedTuple

from ingest.crawl import CrawledPage, crawl, missing_in_window
from ingest.discover import ArticleLink
from ingest.extract import EXTRACTOR_VERSION
from ingest.failures import Failure, FailureKind
from ingest.fetch import Fetcher, WarcArchive
from ingest.fetch.browser import Renderer
from ingest.load.apply import LoadReport
from ingest.load.package import PackageWriter
from ingest.load.staging import StagedRows, fetch_log_row, url_state_row
from ingest.load.store import CrawlMemory, Warehouse
from ingest.metrics import Vocabulary
from ingest.parse import ParsedBatch, ParseJob, Window, parse, parse_batches
from ingest.progress import NO_PROGRESS, LoadProgress
from ingest.sources import Source

CrawlMode = Literal["scheduled", "backfill"]
Refetch = Literal["none", "failed", "all"]
"""What a backfill does with documents of its window it has seen before:
none — fetch only what is missing; known documents are not requested, earlier failures not retried;
failed — also retry what failed in earlier runs and re-check known documents with conditional requests (default);
all — fetch every document of the window again, unconditionally: edits become versions, a newer extractor adds rows."""


@dataclass(frozen=True, slots=True)
class LoadRequest:
    """A load of one source as asked for: what kind, which crawl, over which window."""

    source: Source
    kind: str  # load_log.kind: scheduled, backfill, manual …
    mode: CrawlMode
    parameters: Mapping[str, object] = field(default_factory=dict)
    since: date | None = None  # backfill window, inclusive; ignored by a scheduled crawl
    until: date | None = None
    refetch: Refetch = "failed"

    @property
    def window(self) -> Window:
        """Publication days the load keeps."""
        return (self.since, self.until) if self.mode == "backfill" else (None, None)


@dataclass(frozen=True, slots=True)
class LoadPlan:
    """A load that has begun: its id and what the warehouse already knows about the source."""

    load_id: str
    source: str  # the source's name, or "*" for a reprocess of every source
    kind: str
    memory: CrawlMemory
    region: str | None = None  # the source's region and its code, recorded in source_regions by the commit
    region_code: str | None = None


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
    failures: list[Failure] = field(default_factory=list)


@dataclass(slots=True)
class FetchedLoad:
    """What crawling a source produced: the responses to parse and the rows that need no parsing."""

    window: Window
    jobs: list[ParseJob] = field(default_factory=list)
    rows: StagedRows = field(default_factory=StagedRows)
    list_pages: int = 0
    not_modified: int = 0
    failures: list[Failure] = field(default_factory=list)


class LoadOutcome(NamedTuple):
    summary: CollectSummary  # what the crawl and parse saw
    report: LoadReport  # what the warehouse added


ParseMap = Callable[[Path, list[list[ParseJob]], Window], Iterable[ParsedBatch]]
"""Runs :func:`ingest.parse.parse` over batches of jobs, reading the archive at the path, and yields the parsed
batches in the order of the jobs, each as soon as it and those before it are done."""


def parse_here(archive: Path, batches: list[list[ParseJob]], window: Window) -> Iterator[ParsedBatch]:
    """The batches parsed one after the other in this thread: the :data:`ParseMap` without a task runner."""
    vocabulary = Vocabulary.load()
    return (parse(archive, jobs, window=window, vocabulary=vocabulary) for jobs in batches)


def new_load_id(source: str, *, now: datetime | None = None) -> str:
    """``20260122T060000Z-yanbian-1a2b3c``: sortable by time, readable, unique."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{source}-{secrets.token_hex(3)}"


def start_load(warehouse: Warehouse, request: LoadRequest) -> LoadPlan:
    """Record a new load for the request's source and read the crawl memory it starts from."""
    name = request.source.name
    load_id = new_load_id(name)
    memory = warehouse.begin_load(
        load_id,
        kind=request.kind,
        source=name,
        parameters=request.parameters,
        extractor_version=EXTRACTOR_VERSION,
        memory_of=name,
    )
    return LoadPlan(
        load_id=load_id,
        source=name,
        kind=request.kind,
        memory=memory,
        region=request.source.region,
        region_code=request.source.region_code,
    )


def fetch(
    warehouse: Warehouse, request: LoadRequest, plan: LoadPlan, progress: LoadProgress = NO_PROGRESS
) -> FetchedLoad:
    """Crawl the source into the WARC archive; return what to parse and the rows that need no parsing."""
    source = request.source
    fetched = FetchedLoad(window=request.window)
    retry = request.refetch != "none"
    with (
        WarcArchive(warehouse.paths.archive, name=plan.load_id) as archive,
        Fetcher(source, archive) as fetcher,
        Renderer(fetcher, archive) if source.render != "none" else nullcontext() as renderer,
    ):
        pages = crawl(
            source,
            fetcher,
            {} if request.refetch == "all" else plan.memory.known,
            mode=request.mode,
            since=request.since,
            until=request.until,
            retry_lists=plan.memory.retry_lists if retry else (),
            retry_articles=plan.memory.retry_articles if retry else (),
            recheck_known=retry,
            renderer=renderer,
        )
        for done, page in enumerate(pages, start=1):
            _sort_page(fetched, source, page)
            counts = {
                "fetched": len(fetched.jobs),
                "not_modified": fetched.not_modified,
                "failed": len(fetched.failures),
            }
            progress.update(plan.load_id, "fetch", done, total=None, counts=counts, url=page.result.url)
    return fetched


def write_package(
    warehouse: Warehouse,
    plan: LoadPlan,
    parsed: Iterable[ParsedBatch],
    *,
    pages: int,
    fetched: FetchedLoad | None = None,
    progress: LoadProgress = NO_PROGRESS,
) -> CollectSummary:
    """Write the fetched rows of a load and its ``parsed`` batches (covering ``pages`` pages in all) to its package,
    batch by batch as they come, releasing each batch's rows once written, and finish the package."""
    summary = CollectSummary(load_id=plan.load_id)
    with PackageWriter(warehouse.paths.packages, plan.load_id) as package:
        if fetched is not None:
            summary.list_pages, summary.not_modified = fetched.list_pages, fetched.not_modified
            summary.failures.extend(fetched.failures)
            package.add(fetched.rows)
        done = 0
        for batch in parsed:
            package.add(batch.rows)
            batch.release_rows()
            summary.fetched += batch.extracted
            summary.outside_window += batch.outside_window
            summary.sections += batch.sections
            summary.metrics += batch.metrics
            summary.failures.extend(batch.failures)
            done += batch.pages
            counts = {"extracted": summary.fetched, "failed": len(summary.failures)}
            progress.update(plan.load_id, "parse", done, total=pages, counts=counts)
        package.finish(
            source=plan.source,
            kind=plan.kind,
            extractor_version=EXTRACTOR_VERSION,
            region=plan.region,
            region_code=plan.region_code,
        )
    return summary


def commit_load(warehouse: Warehouse, load_id: str) -> LoadReport:
    """Apply the load's package to the warehouse in one transaction."""
    return warehouse.commit(load_id)


def start_reprocess(warehouse: Warehouse, source: str | None, since: date | None) -> LoadPlan:
    """Record a reprocess load (of one source, or of all when ``source`` is None)."""
    load_id = new_load_id(source or "all")
    parameters = {"since": since.isoformat() if since else None}
    memory = warehouse.begin_load(
        load_id, kind="reprocess", source=source, parameters=parameters, extractor_version=EXTRACTOR_VERSION
    )
    return LoadPlan(load_id=load_id, source=source or "*", kind="reprocess", memory=memory)


def reprocess_jobs(
    warehouse: Warehouse, sources: Mapping[str, Source], source: str | None, since: date | None
) -> list[ParseJob]:
    """The current version of every document (of ``source``, published since ``since``), to parse again from the
    WARC archive with the current extractor. Sends no request."""
    return [
        ParseJob(
            url=version.url,
            source=version.source,
            region=sources[version.source].region if version.source in sources else None,
            warc=version.warc,
            fetched=False,
            region_code=sources[version.source].region_code if version.source in sources else None,
        )
        for version in warehouse.current_versions(source=source, since=since)
    ]


@dataclass(frozen=True, slots=True)
class LoadSteps:
    """The coarse stages of a load that a flow runs as tasks of its own; plain calls by default."""

    start: Callable[[Warehouse, LoadRequest], LoadPlan] = start_load
    fetch: Callable[[Warehouse, LoadRequest, LoadPlan, LoadProgress], FetchedLoad] = fetch
    commit: Callable[[Warehouse, str], LoadReport] = commit_load
    start_reprocess: Callable[[Warehouse, str | None, date | None], LoadPlan] = start_reprocess
    reprocess_jobs: Callable[[Warehouse, Mapping[str, Source], str | None, date | None], list[ParseJob]] = (
        reprocess_jobs
    )


def run_load(
    warehouse: Warehouse,
    request: LoadRequest,
    *,
    parse_map: ParseMap = parse_here,
    progress: LoadProgress = NO_PROGRESS,
    steps: LoadSteps = LoadSteps(),
) -> LoadOutcome:
    """One load of one source, from planning to commit."""
    plan = steps.start(warehouse, request)
    fetched = steps.fetch(warehouse, request, plan, progress)
    parsed = parse_map(warehouse.paths.archive, parse_batches(fetched.jobs), fetched.window)
    summary = write_package(warehouse, plan, parsed, pages=len(fetched.jobs), fetched=fetched, progress=progress)
    return LoadOutcome(summary, steps.commit(warehouse, plan.load_id))


def run_reprocess(
    warehouse: Warehouse,
    sources: Mapping[str, Source],
    *,
    source: str | None = None,
    since: date | None = None,
    parse_map: ParseMap = parse_here,
    progress: LoadProgress = NO_PROGRESS,
    steps: LoadSteps = LoadSteps(),
) -> LoadOutcome:
    """Re-extract the current version of every document (of ``source``, published since ``since``) from the WARC
    archive with the current extractor, and commit what changed; sends no request."""
    plan = steps.start_reprocess(warehouse, source, since)
    jobs = steps.reprocess_jobs(warehouse, sources, source, since)
    parsed = parse_map(warehouse.paths.archive, parse_batches(jobs), (None, None))
    summary = write_package(warehouse, plan, parsed, pages=len(jobs), progress=progress)
    return LoadOutcome(summary, steps.commit(warehouse, plan.load_id))


def preview_backfill(
    warehouse: Warehouse, source: Source, *, since: date | None, until: date | None
) -> list[ArticleLink]:
    """The articles a backfill of the window would load for the first time; reads list pages only."""
    known = warehouse.known_articles(source.name)
    with Fetcher(source) as fetcher:
        return list(missing_in_window(source, fetcher, known, since=since, until=until))


def _sort_page(fetched: FetchedLoad, source: Source, page: CrawledPage) -> None:
    """File one crawled page: a row to stage now, a failure, or a response to parse."""
    result = page.result
    failure = page.failure
    if page.role == "list":
        fetched.list_pages += 1
    elif failure is None and result.not_modified:
        fetched.not_modified += 1
        fetched.rows.url_state.append(url_state_row(source.name, page))
    elif failure is None:
        if result.body is None:
            failure = Failure(result.url, FailureKind.parse_error, "the response had no body")
        elif result.warc is None:
            failure = Failure(result.url, FailureKind.parse_error, "the response was not archived")
        else:
            job = ParseJob(
                url=page.link.url if page.link else result.url,
                source=source.name,
                region=source.region,
                warc=result.warc,
                fetched=True,
                fetch_log=fetch_log_row(page),
                url_state=url_state_row(source.name, page),
                region_code=source.region_code,
            )
            fetched.jobs.append(job)
            return  # its fetch log row waits for the parse, which may fail
    if failure is not None:
        fetched.failures.append(failure)
    fetched.rows.fetch_log.append(fetch_log_row(page, failure))
