"""The reprocess flow: rebuild sections and metrics from the WARC archive with the current extractor.

Like ingest without the fetch (ingest.pipeline.run_reprocess): find the current versions, parse them in batches on
the flow's task runner, write the package, commit it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import State, flow, get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.states import Completed, Failed

from flows.artifacts import artifact_key, completed_with_failures, log_failures, publish_failures
from flows.ingest_flows import DEFAULT_SOURCES, RUN_LOCK_TIMEOUT, STEPS, check_warehouse
from flows.naming import reprocess_run_name
from flows.parse_tasks import check_dask, parse_on, parse_task_runner, thread_task_runner
from ingest import pipeline
from ingest.errors import IngestError, WarehouseBusyError
from ingest.failures import summarise_failures
from ingest.load.store import Warehouse
from ingest.load.warehouse import DEFAULT_DB, WHOLE, run_lock
from ingest.progress import current_progress
from ingest.sources import load_sources


@flow(name="reprocess", flow_run_name=reprocess_run_name, task_runner=thread_task_runner())
def reprocess(
    source: str | None = None,
    since: date | None = None,
    sources_file: str = DEFAULT_SOURCES,
    db: str = str(DEFAULT_DB),
    lock_timeout: float = RUN_LOCK_TIMEOUT,
    dask: str | None = None,
) -> State:
    """Re-extract current document versions without the network; report the diff per indicator.

    Args:
        source: Only this source's documents. Empty: every source's.
        since: Only documents published on or after this day.
        sources_file: The TOML file listing the sites (for the region of each source's documents).
        db: The warehouse's DuckDB file.
        lock_timeout: Seconds to wait while another run writes to the warehouse.
        dask: Parse on a Dask cluster: local for worker processes on this machine, or a scheduler address such as
            tcp://host:8786. Empty: threads of the run's own process.
    """
    logger = get_run_logger()
    warehouse = Warehouse.at(Path(db), lock_timeout=lock_timeout)
    try:
        check_dask(dask)
        sources = {s.name: s for s in load_sources(Path(sources_file))} if Path(sources_file).exists() else {}
        # it may touch every source's documents: the whole warehouse, so no run of any source loads meanwhile
        with run_lock(warehouse.paths.db, timeout=lock_timeout, sources=WHOLE), parse_task_runner(dask) as runner:
            check_warehouse(warehouse)
            outcome = pipeline.run_reprocess(
                warehouse,
                sources,
                source=source,
                since=since,
                parse_map=parse_on(runner),
                progress=current_progress(),
                steps=STEPS,
            )
    except WarehouseBusyError as exc:
        warehouse.record_failure(
            pipeline.new_load_id(source or "all"), kind="reprocess", source=source, reason=str(exc)
        )
        return Failed(message=str(exc))
    except IngestError as exc:
        return Failed(message=str(exc))
    summary, report = outcome.summary, outcome.report
    diff = warehouse.extractor_diff(report.load_id)
    logger.info(
        "load_id=%s re-extracted=%d new_extractions=%d metrics=%d",
        report.load_id,
        summary.fetched,
        report.extractions_added,
        report.metrics_added,
    )
    scope = source or "all"
    log_failures(logger, scope, summary.failures)
    if diff:
        create_table_artifact(
            key=artifact_key(scope, "extractor-diff"),
            table=[
                {"indicator": d.indicator, "added": d.added, "removed": d.removed, "changed": d.changed} for d in diff
            ],
            description=f"Metric rows added, removed and changed per indicator by reprocess load {report.load_id}",
        )
    publish_failures(artifact_key(scope, "reprocess-failures"), report.load_id, summary.failures)
    message = f"{report.extractions_added} documents re-extracted"
    if summary.failures:
        return completed_with_failures(f"{message}; " + summarise_failures(summary.failures), (report, diff))
    return Completed(message=message, data=(report, diff))
