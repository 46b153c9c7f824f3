"""A load composed from its stages: plan → fetch → parse (in batches) → write the package → commit.

:func:`run_load` and :func:`run_reprocess` are the one composition of a load that the flows, the tests and the
benchmark all run. What differs between them is passed in: ``parse_map`` runs the parse batches (in this process
by default; the flows map them over Prefect's task runner, threads or a Dask cluster), ``steps`` lets a flow run
the coarse stages as tasks (a task run costs milliseconds, so never one per page), and ``progress`` hears of
every fetched page and parsed batch. Only planning and committing open the warehouse (ingest.load.store).
"""

from __future__ import annotations

import contextvars
import logging
import secrets
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal, NamedTuple

from ingest.crawl import CrawledPage, crawl, missing_in_window
from ingest.discover import ArticleLink
from ingest.errors import WarehouseBusyError
from ingest.extract import EXTRACTOR_VERSION
from ingest.failures import Failure, FailureKind
from ingest.fetch import Fetcher, WarcArchive
from ingest.fetch.browser import Renderer
from ingest.load.apply import LoadReport
from ingest.load.package import Manifest, PackageFields, PackageWriter
from ingest.load.staging import StagedRows, fetch_log_row, url_state_row
from ingest.load.store import CrawlMemory, NewLoad, Warehouse
from ingest.metrics import Vocabulary
from ingest.parse import ParsedBatch, ParseJob, Window, parse, parse_batches
from ingest.progress import NO_PROGRESS, LoadProgress
from ingest.sources import Source

CrawlMode = Literal["scheduled", "backfill"]
# Connections a run of many sources keeps open at once (ingest run --max-connections): each source keeps to its own
# max_concurrency and rate limit below it; 64 lets 32 sources at the default 2 requests/s overlap fully while
# staying far inside a process's file descriptors.
DEFAULT_MAX_CONNECTIONS = 64
# A run of many loads publishes the snapshot at most this often (and once more at its end): a publication costs
# seconds at national size, and 300 sources each publishing in turn would make the one writer the run's bottleneck.
RUN_PUBLISH_EVERY = 30.0
logger = logging.getLogger(__name__)
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
    part: int = 1  # which package of its crawl (ingest.pipeline, bounded packages)
    region: str | None = None  # the source's region and its code, recorded in source_regions by the commit
    region_code: str | None = None


@dataclass(slots=True)
class CollectSummary:
    """What collecting a load fetched, before the warehouse decides what is new."""

    load_id: str
    source: str  # the source's name, or "*" for a reprocess of every source
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
    more: bool = False  # the package is full and the crawl goes on into the next


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


def source_of_load(load_id: str) -> str:
    """The source a load id of :func:`new_load_id` names (a source's name may itself hold dashes)."""
    return load_id.split("-", 1)[-1].rsplit("-", 1)[0]


def start_loads(warehouse: Warehouse, requests: Sequence[LoadRequest]) -> list[LoadPlan]:
    """Record a new load for each request's source, and read the crawl memory each starts from, in one go: a run of
    300 sources that began its loads one by one queued them for seconds on the warehouse's one connection."""
    load_ids = [new_load_id(request.source.name) for request in requests]
    memories = warehouse.begin_loads(
        [
            NewLoad(load_id, kind=request.kind, source=request.source.name, parameters=request.parameters)
            for load_id, request in zip(load_ids, requests, strict=True)
        ],
        extractor_version=EXTRACTOR_VERSION,
        remember=True,
    )
    plans = []
    for load_id, request, memory in zip(load_ids, requests, memories, strict=True):
        name = request.source.name
        if memory.resume and request.mode == "scheduled":
            logger.warning(
                "source %s: its last crawl stopped between two packages; this run pages on past known articles", name
            )
        plans.append(
            LoadPlan(
                load_id=load_id,
                source=name,
                kind=request.kind,
                memory=memory,
                region=request.source.region,
                region_code=request.source.region_code,
            )
        )
    return plans


def start_part(warehouse: Warehouse, request: LoadRequest, previous: LoadPlan) -> LoadPlan:
    """Record the load of the next package of a crawl, naming the load it continues.

    It is begun before the previous package is written, so a run killed after committing that package leaves a
    continuing load that never committed: the mark warehouse/load/cut_crawl.sql finds, by which the next run
    pages on to what this crawl would have reached.
    """
    load_id = new_load_id(previous.source)
    part = previous.part + 1
    parameters = {**request.parameters, "part": part, "continues": previous.load_id}
    warehouse.begin_loads(
        [NewLoad(load_id, kind=request.kind, source=previous.source, parameters=parameters)],
        extractor_version=EXTRACTOR_VERSION,
    )
    return replace(previous, load_id=load_id, part=part)


class Crawl:
    """A source's crawl, open across the packages of its load: its WARC archive (named after the first package's
    load), fetcher, renderer, and the pages still to come."""

    def __init__(self, pages: Generator[CrawledPage], source: Source, window: Window) -> None:
        self.pages = pages
        self.source = source
        self.window = window
        self.fetched = 0  # pages taken so far, over every package


@contextmanager
def open_crawl(
    warehouse: Warehouse, request: LoadRequest, plan: LoadPlan, connections: threading.Semaphore | None = None
) -> Iterator[Crawl]:
    """Start crawling the request's source (nothing is fetched until pages are taken); ``connections`` is the run's
    cap on open connections."""
    source = request.source
    retry = request.refetch != "none"
    resume = plan.memory.resume and request.mode == "scheduled"
    with ExitStack() as stack:
        archive = stack.enter_context(WarcArchive(warehouse.paths.archive, name=plan.load_id))
        fetcher = stack.enter_context(Fetcher(source, archive, connections=connections))
        renderer = stack.enter_context(Renderer(fetcher, archive)) if source.render != "none" else None
        pages = crawl(
            source,
            fetcher,
            {} if request.refetch == "all" else plan.memory.known,
            mode=request.mode,
            since=request.since,
            until=request.until,
            retry_lists=plan.memory.retry_lists if retry else (),
            retry_articles=plan.memory.retry_articles if retry else (),
            # known articles were loaded by the cut crawl moments before: only the pages it never read matter
            recheck_known=retry and not resume,
            page_past_known=resume,
            renderer=renderer,
        )
        stack.callback(pages.close)  # first: its requests in flight are cancelled before the fetcher closes
        yield Crawl(pages, source, request.window)


def fetch(crawl: Crawl, plan: LoadPlan, progress: LoadProgress = NO_PROGRESS) -> FetchedLoad:
    """Crawl on into the WARC archive until the crawl ends or the package is full (``max_documents_per_package``
    documents to parse); return what to parse and the rows that need no parsing."""
    source = crawl.source
    fetched = FetchedLoad(window=crawl.window)
    for page in crawl.pages:
        crawl.fetched += 1
        _sort_page(fetched, source, page)
        counts = {"fetched": len(fetched.jobs), "not_modified": fetched.not_modified, "failed": len(fetched.failures)}
        progress.update(plan.load_id, "fetch", crawl.fetched, total=None, counts=counts, url=page.result.url)
        if len(fetched.jobs) >= source.max_documents_per_package:
            fetched.more = True
            break
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
    summary = CollectSummary(load_id=plan.load_id, source=plan.source)
    if fetched is not None:
        summary.list_pages, summary.not_modified = fetched.list_pages, fetched.not_modified
        summary.failures.extend(fetched.failures)
    if fetched is not None and not fetched.jobs:  # nothing to parse: the commit applies these few rows from memory
        staged: dict[str, int] = {table: len(rows) for table, rows in fetched.rows.by_table()}
        warehouse.hold_package(Manifest.new(plan.load_id, staged, **_manifest_fields(plan)), fetched.rows)
        return summary
    with PackageWriter(warehouse.paths.packages, plan.load_id) as package:
        if fetched is not None:
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
        package.finish(**_manifest_fields(plan))
    return summary


def _manifest_fields(plan: LoadPlan) -> PackageFields:
    return {
        "source": plan.source,
        "kind": plan.kind,
        "extractor_version": EXTRACTOR_VERSION,
        "region": plan.region,
        "region_code": plan.region_code,
    }


def commit_load(warehouse: Warehouse, load_id: str) -> LoadReport:
    """Apply the load's package to the warehouse in one transaction."""
    return warehouse.commit(load_id)


def start_reprocess(warehouse: Warehouse, source: str | None, since: date | None) -> LoadPlan:
    """Record a reprocess load (of one source, or of all when ``source`` is None)."""
    load_id = new_load_id(source or "all")
    parameters = {"since": since.isoformat() if since else None}
    [memory] = warehouse.begin_loads(
        [NewLoad(load_id, kind="reprocess", source=source, parameters=parameters)], extractor_version=EXTRACTOR_VERSION
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
    """The coarse stages of a load that a flow runs as tasks of its own; plain calls by default.

    The flows leave two of them plain: planning loads (``start``: every load of a run at once), and committing one
    that had nothing to parse (``commit_held``: its package is held in memory). On a run where nothing changed that
    is nearly every load, and a task run costs the Prefect server more CPU (some 30 ms) than either step, 300 times
    a run; the load's fetch task, log line and summary artifact still say what it did."""

    start: Callable[[Warehouse, Sequence[LoadRequest]], list[LoadPlan]] = start_loads
    fetch: Callable[[Crawl, LoadPlan, LoadProgress], FetchedLoad] = fetch
    commit: Callable[[Warehouse, str], LoadReport] = commit_load
    commit_held: Callable[[Warehouse, str], LoadReport] = commit_load
    start_reprocess: Callable[[Warehouse, str | None, date | None], LoadPlan] = start_reprocess
    reprocess_jobs: Callable[[Warehouse, Mapping[str, Source], str | None, date | None], list[ParseJob]] = (
        reprocess_jobs
    )


ALONE: AbstractContextManager[object] = nullcontext()  # the writer of a load that runs alone: no lock needed


def _ignore(outcome: LoadOutcome) -> None:
    """What to do with a committed package by default: nothing more."""


def run_load(
    warehouse: Warehouse,
    request: LoadRequest,
    *,
    parse_map: ParseMap = parse_here,
    progress: LoadProgress = NO_PROGRESS,
    steps: LoadSteps = LoadSteps(),
    writer: AbstractContextManager[object] = ALONE,
    connections: threading.Semaphore | None = None,
    on_commit: Callable[[LoadOutcome], None] = _ignore,
    plan: LoadPlan | None = None,
) -> LoadOutcome:
    """One load of one source, from planning to commit: one package, or one per ``max_documents_per_package``
    documents of a longer crawl, each committed (and handed to ``on_commit``) before the crawl goes on. Returns the
    last package's outcome. ``plan`` is the load when it was begun already (run_sources begins a run's loads
    together); None begins it here.

    ``writer`` is held while a package is written and committed, so that the loads of many sources at once have one
    writer; the network is never waited for while holding it. Planning a load and ``on_commit`` need not hold it:
    every warehouse call of the loads goes through the connection they share (Warehouse.in_use), one at a time, so a
    plan or a read never lands inside a commit, and their Prefect tasks and artifacts do not queue 300 sources
    behind one lock. ``connections`` is the run's cap on open connections.
    """
    if plan is None:
        with warehouse.in_use():
            [plan] = steps.start(warehouse, [request])
    with open_crawl(warehouse, request, plan, connections) as crawl:
        while True:
            fetched = steps.fetch(crawl, plan, progress)
            parsed = parse_map(warehouse.paths.archive, parse_batches(fetched.jobs), fetched.window)
            # in use while it waits for the writer too: the loads queued for it share one connection
            with warehouse.in_use():
                with writer:
                    following = start_part(warehouse, request, plan) if fetched.more else None
                    summary = write_package(
                        warehouse, plan, parsed, pages=len(fetched.jobs), fetched=fetched, progress=progress
                    )
                    commit = steps.commit if fetched.jobs else steps.commit_held
                    outcome = LoadOutcome(summary, commit(warehouse, plan.load_id))
                on_commit(outcome)
            if following is None:
                return outcome
            plan = following


def run_sources(
    warehouse: Warehouse,
    requests: Sequence[LoadRequest],
    *,
    parse_map: ParseMap = parse_here,
    progress: LoadProgress = NO_PROGRESS,
    steps: LoadSteps = LoadSteps(),
    sequential: bool = False,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
    on_commit: Callable[[LoadOutcome], None] = _ignore,
) -> Iterator[tuple[LoadRequest, Exception | None]]:
    """The loads of ``requests``, begun together and then every source's crawl in flight at once, each yielded as it
    settles with the exception that ended it (None: every package committed). A failing source costs the others
    nothing; a warehouse that cannot begin the loads fails them all.

    The run holds at most ``max_connections`` connections open; each source keeps to its own politeness below that.
    One writer at a time writes a package and commits it, as its source's fetched documents are parsed (parse_map
    shares the task runner between every source's batches). ``sequential`` runs the loads one after the other, with
    no cap but each source's own, as runs did before sources ran at once; a busy warehouse then ends the run.
    Readers see the commits as the warehouse publishes them (``Warehouse.publish_every``), and all of them once the
    last load is in.
    """
    writer = threading.Lock()

    def load(
        request: LoadRequest, connections: threading.Semaphore | None, plan: LoadPlan | None = None
    ) -> Exception | None:
        try:
            run_load(
                warehouse,
                request,
                parse_map=parse_map,
                progress=progress,
                steps=steps,
                writer=writer,
                connections=connections,
                on_commit=on_commit,
                plan=plan,
            )
        except Exception as exc:  # one source's failure must not cost the others their load
            return exc
        return None

    if sequential:
        for request in requests:
            error = load(request, None)
            yield request, error
            if isinstance(error, WarehouseBusyError):
                return  # the warehouse, not this source: every later load would wait for it too
    else:
        try:
            with warehouse.in_use():
                plans = steps.start(warehouse, requests)
        except Exception as exc:  # no load began: each of them failed for the same reason
            yield from ((request, exc) for request in requests)
            return
        connections = threading.BoundedSemaphore(max_connections)
        # The loads with the most known articles start first: a scheduled crawl re-checks each one it lists, one
        # request at a time at its host's rate, so they take longest, and one started late would end the run late.
        # Threads started later wait for the interpreter behind those already crawling.
        longest_first = sorted(zip(requests, plans, strict=True), key=lambda load: -len(load[1].memory.known))
        with ThreadPoolExecutor(max_workers=max(len(requests), 1), thread_name_prefix="load") as pool:
            # each thread runs in a copy of the caller's context: a flow's task runs and logger belong to its run
            futures = {
                pool.submit(contextvars.copy_context().run, load, request, connections, plan): request
                for request, plan in longest_first
            }
            for future in as_completed(futures):
                yield futures[future], future.result()
    warehouse.publish_pending()  # a busy warehouse raises here; the next run's recovery publishes


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
