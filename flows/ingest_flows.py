"""The ingest and backfill flows: for each source, one load (ingest.pipeline.run_load) with its stages as tasks.

Every source's load runs at once (ingest.pipeline.run_sources), under the run's cap on open connections; with
``sequential`` they run one after another. Parse is the stage that fans out: its batches, of every source, run on
the flow's task runner, threads by default or a Dask cluster (see flows.parse_tasks). Writing each package and
committing it stay with one writer, a source's package committed as soon as the source is done.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from prefect import State, flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed

from flows.artifacts import final_state, log_failures, publish_load
from flows.naming import (
    OneLineUserErrors,
    backfill_run_name,
    ingest_run_name,
    load_task_name,
    plan_task_name,
    reprocess_task_name,
)
from flows.parse_tasks import check_dask, parse_on, parse_task_runner, thread_task_runner
from ingest import pipeline
from ingest.errors import ConfigError, IngestError, WarehouseBusyError
from ingest.load.store import Warehouse
from ingest.load.warehouse import DEFAULT_DB, connect, run_lock
from ingest.progress import current_progress
from ingest.sources import Source, load_sources, select_source

DEFAULT_SOURCES = "sources/yanbian.toml"
RUN_LOCK_TIMEOUT = 600.0  # a scheduled run waits this long for the previous one before giving up

# A warehouse another process holds is said in one line by the flow's state; a task's traceback would bury it.
logging.getLogger("prefect.task_runs").addFilter(OneLineUserErrors())

# Their inputs (a warehouse, a progress display) are not worth hashing for a cache key, and a load is never cached.
STEPS = pipeline.LoadSteps(
    fetch=task(name="fetch", task_run_name=plan_task_name("fetch"), cache_policy=NO_CACHE)(pipeline.fetch),
    commit=task(name="commit load", task_run_name=load_task_name("commit load"), cache_policy=NO_CACHE)(
        pipeline.commit_load
    ),
    start_reprocess=task(
        name="plan reprocess", task_run_name=reprocess_task_name("plan reprocess"), cache_policy=NO_CACHE
    )(pipeline.start_reprocess),
    reprocess_jobs=task(
        name="find current versions", task_run_name=reprocess_task_name("find current versions"), cache_policy=NO_CACHE
    )(pipeline.reprocess_jobs),
)


# The flows' Args sections are the parameter descriptions a deployment's run form shows: plain words only.
@flow(name="ingest", flow_run_name=ingest_run_name, task_runner=thread_task_runner())
def ingest(
    sources_file: str = DEFAULT_SOURCES,
    db: str = str(DEFAULT_DB),
    sources: list[str] | None = None,
    lock_timeout: float = RUN_LOCK_TIMEOUT,
    dask: str | None = None,
    sequential: bool = False,
    max_connections: int = pipeline.DEFAULT_MAX_CONNECTIONS,
) -> State:
    """Load what each source published or changed since the last run, every source at once.

    Args:
        sources_file: The TOML file listing the sites to ingest.
        db: The warehouse's DuckDB file.
        sources: Only these sources, by name. Empty: every source of the file.
        lock_timeout: Seconds to wait while another run writes to the warehouse.
        dask: Parse on a Dask cluster: local for worker processes on this machine, or a scheduler address such as
            tcp://host:8786. Empty: threads of the run's own process.
        sequential: Load the sources one after another, each under its own politeness only, instead of all at
            once.
        max_connections: The most connections the run holds open at once, over all sources.
    """
    try:
        check_dask(dask)
        if max_connections < 1:
            raise ConfigError(f"max_connections must be at least 1, got {max_connections}")
        requests = [
            pipeline.LoadRequest(source, kind="scheduled", mode="scheduled")
            for source in _select(Path(sources_file), sources)
        ]
        return _run(
            requests,
            Path(db),
            lock_timeout=lock_timeout,
            dask=dask,
            sequential=sequential,
            max_connections=max_connections,
        )
    except IngestError as exc:  # a busy warehouse or a bad sources file: one line, no traceback
        return Failed(message=str(exc))


@flow(name="backfill", flow_run_name=backfill_run_name, task_runner=thread_task_runner())
def backfill(
    source: str,
    since: date,
    until: date,
    sources_file: str = DEFAULT_SOURCES,
    db: str = str(DEFAULT_DB),
    dry_run: bool = False,
    reprocess: pipeline.Refetch = "failed",
    lock_timeout: float = RUN_LOCK_TIMEOUT,
    dask: str | None = None,
) -> State:
    """Load what a source published in a window of days and the warehouse lacks.

    Args:
        source: The source to backfill, by its name in the sources file.
        since: First publication day of the window.
        until: Last publication day of the window (inclusive).
        sources_file: The TOML file listing the sites.
        db: The warehouse's DuckDB file.
        dry_run: Read list pages only and report what would be loaded.
        reprocess: Documents of the window seen before: none skips them; failed retries what failed before and
            re-checks the rest with conditional requests; all fetches everything again.
        lock_timeout: Seconds to wait while another run writes to the warehouse.
        dask: Parse on a Dask cluster: local for worker processes on this machine, or a scheduler address such as
            tcp://host:8786. Empty: threads of the run's own process.
    """
    parameters: dict[str, object] = {"since": since.isoformat(), "until": until.isoformat(), "reprocess": reprocess}
    try:
        check_dask(dask)
        [selected] = _select(Path(sources_file), [source])
        if dry_run:
            links = pipeline.preview_backfill(
                Warehouse.at(Path(db), lock_timeout=lock_timeout), selected, since=since, until=until
            )
            return Completed(message=f"dry run: {len(links)} documents would be loaded", data=links)
        request = pipeline.LoadRequest(
            selected,
            kind="backfill",
            mode="backfill",
            parameters=parameters,
            since=since,
            until=until,
            refetch=reprocess,
        )
        return _run([request], Path(db), lock_timeout=lock_timeout, dask=dask)
    except IngestError as exc:
        return Failed(message=str(exc))


def check_warehouse(warehouse: Warehouse) -> None:
    """Open the warehouse once in the flow, before any task: a bad --db then ends the run with its one line, where
    the IngestError raised in a task would have Prefect log the task's traceback first."""
    connect(warehouse.paths.db, lock_timeout=warehouse.lock_timeout).close()


def _select(sources_file: Path, names: list[str] | None) -> list[Source]:
    sources = load_sources(sources_file)
    return [select_source(sources, name) for name in names] if names else sources


def _run(
    requests: list[pipeline.LoadRequest],
    db: Path,
    *,
    lock_timeout: float,
    dask: str | None,
    sequential: bool = True,
    max_connections: int = pipeline.DEFAULT_MAX_CONNECTIONS,
) -> State:
    warehouse = Warehouse.at(db, lock_timeout=lock_timeout, publish_every=pipeline.RUN_PUBLISH_EVERY)
    pending = list(requests)
    try:
        return _load(warehouse, pending, dask=dask, sequential=sequential, max_connections=max_connections)
    except WarehouseBusyError as exc:
        # The loads settled before it gave up are recorded already; the warehouse is busy, so the others are noted
        # for the next run to record as failed.
        for request in pending:
            name = request.source.name
            warehouse.record_failure(pipeline.new_load_id(name), kind=request.kind, source=name, reason=str(exc))
        raise


def _load(
    warehouse: Warehouse,
    pending: list[pipeline.LoadRequest],
    *,
    dask: str | None,
    sequential: bool,
    max_connections: int,
) -> State:
    """The loads of ``pending``, all at once or one after the other, each taken off it once committed or failed."""
    logger = get_run_logger()
    outcomes: list[pipeline.LoadOutcome] = []
    failed: dict[str, str] = {}
    busy: WarehouseBusyError | None = None

    def committed(outcome: pipeline.LoadOutcome) -> None:
        summary, report = outcome.summary, outcome.report
        logger.info(
            "load_id=%s source=%s status=%s fetched=%d not_modified=%d failed=%d new_versions=%d metrics=%d",
            report.load_id,
            summary.source,
            report.status,
            summary.fetched,
            summary.not_modified,
            len(summary.failures),
            report.versions_added,
            report.metrics_added,
        )
        log_failures(logger, summary.source, summary.failures)
        publish_load(warehouse, outcome)
        outcomes.append(outcome)

    # The locks of its own sources only: a run of other sources, in another process, loads at the same time.
    sources = [request.source.name for request in pending]
    with (
        run_lock(warehouse.paths.db, timeout=warehouse.lock_timeout, sources=sources) as held,
        parse_task_runner(dask) as runner,
    ):
        check_warehouse(warehouse)
        for recovered in warehouse.recover(held):
            logger.info("load_id=%s recovered a package a killed run left uncommitted", recovered.load_id)
        settled = pipeline.run_sources(
            warehouse,
            list(pending),
            parse_map=parse_on(runner),
            progress=current_progress(),
            steps=STEPS,
            sequential=sequential,
            max_connections=max_connections,
            on_commit=committed,
        )
        for request, error in settled:
            name = request.source.name
            if isinstance(error, WarehouseBusyError):
                busy = error  # the warehouse, not this source: the load stays pending, for _run to note
                continue
            pending.remove(request)
            if error is not None:
                failed[name] = str(error) if isinstance(error, IngestError) else f"{type(error).__name__}: {error}"
                logger.error("source=%s failed: %s", name, failed[name], exc_info=_traceback(error))
    if busy is not None:
        raise busy
    return final_state(outcomes, failed)


def _traceback(error: Exception) -> Exception | None:
    """What a failed source's log line carries: a user error is its one line; anything else is a bug, worth its
    traceback."""
    return None if isinstance(error, IngestError) else error
