"""What a load leaves on the Prefect server: artifacts, warnings, and the final state of its flow run.

Artifact keys are stable per source and kind (``yanbian-summary``), so that Prefect keeps each one's history across
loads; a table with no rows is not published. A run whose requests partly failed ends Completed under a name of
its own, so that it stands out from the clean ones in the runs list.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from prefect import State
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.states import Completed, Failed

from ingest.diff import render
from ingest.failures import HINTS, Failure, FailureKind, count_by_kind, summarise_failures
from ingest.load.apply import LoadReport
from ingest.load.store import Warehouse
from ingest.pipeline import CollectSummary, LoadOutcome, source_of_load

COMPLETED_WITH_FAILURES = "Completed with failures"


def artifact_key(source: str, kind: str) -> str:
    """``yanbian-summary``: artifact keys allow lowercase letters, digits and dashes only."""
    return re.sub(r"[^a-z0-9]+", "-", f"{source}-{kind}".lower()).strip("-")


def publish_load(warehouse: Warehouse, outcome: LoadOutcome) -> None:
    """A load's artifacts: its new and changed documents, what changed in the changed ones, its summary and, when
    requests failed, the failures."""
    report = outcome.report
    source = source_of_load(report.load_id)
    if report.versions_added:  # else both tables would be empty: most loads of a daily run skip two queries
        publish_changes(warehouse, source, report.load_id)
    create_markdown_artifact(
        key=artifact_key(source, "summary"),
        markdown=summary_markdown(outcome.summary, report),
        description=f"Summary of load {report.load_id}",
    )
    publish_failures(artifact_key(source, "failures"), report.load_id, outcome.summary.failures)


def publish_changes(warehouse: Warehouse, source: str, load_id: str) -> None:
    """The documents a load added or changed, and what changed in the changed ones."""
    documents = [
        {
            "change": "new" if row["is_new"] else "changed",
            "title": row["title"] or "",
            "published": row["published_at"].date().isoformat() if row["published_at"] else "",
            "url": row["url"],
        }
        for row in warehouse.load_changes(load_id)
    ]
    if documents:
        create_table_artifact(
            key=artifact_key(source, "documents"),
            table=documents,
            description=f"New and changed documents of load {load_id}",
        )
    diffs = warehouse.load_diffs(load_id)
    if diffs:
        create_markdown_artifact(
            key=artifact_key(source, "changes"),
            markdown="\n".join(render(diff) for diff in diffs),
            description=f"What changed in the documents load {load_id} changed (as `ingest diff` shows it)",
        )


def summary_markdown(summary: CollectSummary, report: LoadReport) -> str:
    """What a load fetched (from the crawl) and added (from the warehouse), and its failures counted by kind."""
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
    if not report.versions_added:  # the documents table is left out rather than published empty
        lines += ["", "No new or changed documents."]
    kinds = count_by_kind(summary.failures)
    if kinds:
        lines += ["", "### Failures by kind", "", "| kind | pages | what to do |", "|---|---|---|"]
        lines += [f"| {kind} | {n} | {_cell(HINTS[kind])} |" for kind, n in kinds]
    return "\n".join(lines) + "\n"


def publish_failures(key: str, load_id: str, failures: list[Failure]) -> None:
    """A table artifact of the requests (or re-extractions) that failed, when any did."""
    if failures:
        create_table_artifact(
            key=key,
            table=[{"url": f.url, "kind": f.kind.value, "detail": f.detail} for f in failures],
            description=f"What failed in load {load_id}, by kind ({', '.join(FailureKind)})",
        )


def log_failures(
    logger: logging.Logger | logging.LoggerAdapter[logging.Logger], source: str, failures: list[Failure]
) -> None:
    """One WARNING per kind of failure of a source's load: how many, what to do, and the first failed URL."""
    for kind, n in count_by_kind(failures):
        first = next(failure for failure in failures if failure.kind is kind)
        logger.warning(
            "source=%s %d failed with %s (%s); first: %s (%s)", source, n, kind, HINTS[kind], first.url, first.detail
        )


def final_state(outcomes: list[LoadOutcome], failed_sources: Mapping[str, str] | None = None) -> State:
    """Failed when nothing at all could be fetched or every source failed; completed, naming the failures and under
    the name "Completed with failures", when only some requests or sources failed. ``failed_sources`` maps a source
    whose load failed to why, in one line."""
    failed_sources = failed_sources or {}
    if failed_sources and not outcomes:  # every source failed, most often for one reason (a bad --db): say it once
        return Failed(message="; ".join(dict.fromkeys(failed_sources.values())))
    reports = [outcome.report for outcome in outcomes]
    added = sum(r.versions_added for r in reports)
    news = f"{added} new version{'s' if added != 1 else ''}" if added else "nothing new"
    if failed_sources:
        news += "; " + "; ".join(f"source {name} failed: {why}" for name, why in failed_sources.items())
    failures = [failure for outcome in outcomes for failure in outcome.summary.failures]
    dead = [r.load_id for r in reports if r.status == "failed"]
    if dead and len(dead) == len(reports):  # no data: Prefect turns a failed state's data into its exception
        return Failed(message=f"nothing could be fetched (load {', '.join(dead)}); " + summarise_failures(failures))
    if dead:
        news += f"; nothing could be fetched for load {', '.join(dead)}"
    if failures:
        news += "; " + summarise_failures(failures)
    if failures or failed_sources or dead:
        return completed_with_failures(news, reports)
    return Completed(message=news, data=reports)


def completed_with_failures(message: str, data: object) -> State:
    """A Completed state named so that the runs list tells it from a clean run."""
    return Completed(message=message, data=data, name=COMPLETED_WITH_FAILURES)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
