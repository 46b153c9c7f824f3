"""The ingest and backfill flows: for each source, plan → fetch → parse (in batches) → write → commit.

Parse is the only stage that fans out: its batches run on the flow's task runner, threads by default or a Dask
cluster (see flows.parse). Writing the package and committing it stay in the flow, one writer per load.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Literal

from prefect import State, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.states import Completed, Failed

from flows.parse import check_dask, parse_in_batches, parse_task_runner, thread_task_runner
from ingest import pipeline
from ingest.errors import IngestError
from ingest.load.apply import LoadReport
from ingest.load.warehouse import DEFAULT_DB, run_lock
from ingest.sources import Source, load_sources, select_source

DEFAULT_SOURCES = "sources/yanbian.toml"
RUN_LOCK_TIMEOUT = 600.0  # a scheduled run waits this long for the previous one before giving up

start_load = task(name="plan load")(pipeline.start_load)
fetch = task(name="fetch")(pipeline.fetch)
commit_load = task(name="commit load")(pipeline.commit_load)


@flow(name="ingest", task_runner=thread_task_runner())
def ingest(
    sources_file: str = DEFAULT_SOURCES,
    db: str = str(DEFAULT_DB),
    sources: list[str] | None = None,
    lock_timeout: float = RUN_LOCK_TIMEOUT,
    dask: str | None = None,
) -> State:
    """Load what each source published or changed since the last run.

    ``dask`` parses on a Dask cluster: ``local`` or a scheduler address (see flows.parse); default: threads.
    """
    try:
        check_dask(dask)
        selected = _select(Path(sources_file), sources)
        return _run(
            selected, Path(db), kind="scheduled", mode="scheduled", lock_timeout=lock_timeout, parameters={}, dask=dask
        )
    except IngestError as exc:  # a busy warehouse or a bad sources file: one line, no traceback
        return Failed(message=str(exc))


@flow(name="backfill", task_runner=thread_task_runner())
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
    """Load what a source published between ``since`` and ``until`` (inclusive) and the warehouse lacks.

    ``dry_run`` reads list pages only and reports what would be loaded. ``reprocess`` says what happens to
    documents of the window seen before (see ingest.pipeline.Refetch). ``dask`` as for ingest.
    """
    parameters: dict[str, object] = {"since": since.isoformat(), "until": until.isoformat(), "reprocess": reprocess}
    try:
        check_dask(dask)
        [selected] = _select(Path(sources_file), [source])
        if dry_run:
            links = pipeline.preview_backfill(
                pipeline.WarehousePaths.beside(Path(db)), selected, since=since, until=until
            )
            return Completed(message=f"dry run: {len(links)} documents would be loaded", data=links)
        return _run(
            [selected],
            Path(db),
            kind="backfill",
            mode="backfill",
            lock_timeout=lock_timeout,
            parameters=parameters,
            since=since,
            until=until,
            refetch=reprocess,
            dask=dask,
        )
    except IngestError as exc:
        return Failed(message=str(exc))


def _select(sources_file: Path, names: list[str] | None) -> list[Source]:
    sources = load_sources(sources_file)
    return [select_source(sources, name) for name in names] if names else sources


def _run(
    sources: list[Source],
    db: Path,
    *,
    kind: str,
    mode: Literal["scheduled", "backfill"],
    lock_timeout: float,
    parameters: dict[str, object],
    since: date | None = None,
    until: date | None = None,
    refetch: pipeline.Refetch = "failed",
    dask: str | None = None,
) -> State:
    logger = get_run_logger()
    paths = pipeline.WarehousePaths.beside(db)
    reports: list[LoadReport] = []
    summaries: list[pipeline.CollectSummary] = []
    with run_lock(db, timeout=lock_timeout), parse_task_runner(dask) as runner:
        for recovered in pipeline.recover(paths):
            logger.info("load_id=%s recovered a package a killed run left uncommitted", recovered.load_id)
        for source in sources:
            plan = start_load(paths, source, kind=kind, parameters=parameters)
            logger.info("load_id=%s source=%s started (%d known articles)", plan.load_id, source.name, len(plan.known))
            fetched = fetch(paths, source, plan, mode=mode, since=since, until=until, refetch=refetch)
            parsed = parse_in_batches(paths.archive, fetched.jobs, window=fetched.window, runner=runner)
            summary = pipeline.write_package(paths, plan, parsed, pages=len(fetched.jobs), fetched=fetched)
            report = commit_load(paths, plan.load_id)
            logger.info(
                "load_id=%s source=%s status=%s fetched=%d not_modified=%d failed=%d new_versions=%d metrics=%d",
                report.load_id,
                source.name,
                report.status,
                summary.fetched,
                summary.not_modified,
                len(summary.failures),
                report.versions_added,
                report.metrics_added,
            )
            _publish_artifacts(paths, summary, report)
            summaries.append(summary)
            reports.append(report)
    return _final_state(summaries, reports)


def _publish_artifacts(paths: pipeline.WarehousePaths, summary: pipeline.CollectSummary, report: LoadReport) -> None:
    """A load's artifacts: its new and changed documents, its summary and, when requests failed, the failures."""
    create_table_artifact(
        key=artifact_key("documents", report.load_id),
        table=[
            {
                "change": "new" if row["is_new"] else "changed",
                "title": row["title"] or "",
                "published": row["published_at"].date().isoformat() if row["published_at"] else "",
                "url": row["url"],
            }
            for row in pipeline.load_changes(paths, report.load_id)
        ],
        description=f"New and changed documents of load {report.load_id}",
    )
    create_markdown_artifact(
        key=artifact_key("summary", report.load_id),
        markdown=summary_markdown(summary, report),
        description=f"Summary of load {report.load_id}",
    )
    publish_failures(report.load_id, summary.failures)


def artifact_key(kind: str, load_id: str) -> str:
    """``summary-20260122t060000z-yanbian-1a2b3c``: artifact keys allow lowercase letters, digits and dashes."""
    return f"{kind}-{load_id.lower().replace('_', '-')}"[:64].rstrip("-")


def summary_markdown(summary: pipeline.CollectSummary, report: LoadReport) -> str:
    """What a load fetched (from the crawl) and added (from the warehouse), and its failures counted by reason."""
    counts = {
        "list pages": summary.list_pages,
        "fetched": summary.fetched,
        "not modified": summary.not_modified,
        "outside window": summary.outside_window,
        "failed": len(summary.failures),
        "new documents": report.documents_added,
        "changed documents": report.versions_added - report.documents_added,
        "sections": report.sections_added,
        "metrics": report.metrics_added,
    }
    lines = [
        f"## Load `{report.load_id}`: {report.status}",
        "",
        "| " + " | ".join(counts) + " |",
        "|" + "---|" * len(counts),
        "| " + " | ".join(str(n) for n in counts.values()) + " |",
    ]
    reasons = Counter(reason for _url, reason in summary.failures)
    if reasons:
        lines += ["", "### Failed requests by reason", "", "| reason | requests |", "|---|---|"]
        lines += [f"| {_cell(reason)} | {n} |" for reason, n in reasons.most_common()]
    return "\n".join(lines) + "\n"


def publish_failures(load_id: str, failures: list[tuple[str, str]]) -> None:
    """A table artifact of the requests (or re-extractions) that failed, when any did."""
    if failures:
        create_table_artifact(
            key=artifact_key("failures", load_id),
            table=[{"url": url, "reason": reason} for url, reason in failures],
            description=f"What failed in load {load_id}",
        )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _final_state(summaries: list[pipeline.CollectSummary], reports: list[LoadReport]) -> State:
    """Failed when nothing at all could be fetched; completed, naming the failures, when only some requests failed."""
    added = sum(r.versions_added for r in reports)
    news = f"{added} new version{'s' if added != 1 else ''}" if added else "nothing new"
    failures = [failure for summary in summaries for failure in summary.failures]
    dead = [r.load_id for r in reports if r.status == "failed"]
    if dead and len(dead) == len(reports):  # no data: Prefect turns a failed state's data into its exception
        return Failed(
            message=f"nothing could be fetched (load {', '.join(dead)}); " + pipeline.summarise_failures(failures)
        )
    if dead:
        news += f"; nothing could be fetched for load {', '.join(dead)}"
    if failures:
        return Completed(message=f"{news}; " + pipeline.summarise_failures(failures), data=reports)
    return Completed(message=news, data=reports)
