"""What runs are called in the Prefect UI: a flow run says what ran and for when, a task run which source it serves.

Prefect's defaults (``ingest/smart-fox``, ``fetch-70f``) say neither. Times are shown in the product's display time
zone (ingest.display), as the schedule and the reports state them.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from prefect.runtime import flow_run

from ingest.display import DEFAULT_TIMEZONE
from ingest.errors import IngestError
from ingest.pipeline import source_of_load


def ingest_run_name() -> str:
    """``ingest 2026-12-07 06:00``: when the run was due (a scheduled run's slot), in local time; with the sources
    when only some were asked for."""
    parameters = flow_run.get_parameters()
    due = flow_run.get_scheduled_start_time().astimezone(ZoneInfo(DEFAULT_TIMEZONE))
    names = " ".join(parameters.get("sources") or [])
    return " ".join(part for part in ("ingest", names, f"{due:%Y-%m-%d %H:%M}") if part)


def backfill_run_name() -> str:
    """``backfill yanbian 2021`` for a calendar year, else ``backfill yanbian 2021-03-01..2021-06-30``."""
    parameters = flow_run.get_parameters()
    since, until = _day(parameters["since"]), _day(parameters["until"])
    whole_year = (since.month, since.day, until.month, until.day) == (1, 1, 12, 31) and since.year == until.year
    window = str(since.year) if whole_year else f"{since.isoformat()}..{until.isoformat()}"
    dry_run = " (dry run)" if parameters.get("dry_run") else ""
    return f"backfill {parameters['source']} {window}{dry_run}"


def reprocess_run_name() -> str:
    """``reprocess yanbian since 2021-01-01``, ``reprocess all``."""
    parameters = flow_run.get_parameters()
    since = parameters.get("since")
    return f"reprocess {parameters.get('source') or 'all'}" + (f" since {_day(since).isoformat()}" if since else "")


def plan_task_name(step: str) -> Any:
    """A task run name for a step that takes a LoadPlan: ``fetch yanbian``, and ``fetch yanbian 2`` for the
    second package of a crawl too large for one."""

    def name(parameters: dict[str, Any]) -> str:
        plan = parameters["plan"]
        return f"{step} {plan.source}" + (f" {plan.part}" if plan.part > 1 else "")

    return name


def load_task_name(step: str) -> Any:
    """A task run name for a step that takes a load id: ``commit load yanbian``."""

    def name(parameters: dict[str, Any]) -> str:
        return f"{step} {source_of_load(parameters['load_id'])}"

    return name


def reprocess_task_name(step: str) -> Any:
    """A task run name for a reprocess step that takes the source (None: every source): ``plan reprocess all``."""

    def name(parameters: dict[str, Any]) -> str:
        return f"{step} {parameters.get('source') or 'all'}"

    return name


def parse_task_name(source: str, batch: int, batches: int) -> str:
    """``parse yanbian 1/3``: which source, and how far through its batches."""
    return f"parse {source} {batch}/{batches}"


class OneLineUserErrors(logging.Filter):
    """Drops Prefect's "Task run failed with exception" record, traceback and all, when the exception is an
    IngestError: the task's "Finished in state Failed(...)" line that follows says the same in one line.

    An IngestError is a user's or the environment's matter (a warehouse another process holds, a bad --db), said
    in one line by design; a traceback of where a task raised it only buries that line. Bugs keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], IngestError))


def _day(value: object) -> date:
    """A date parameter as the run holds it: a date when called from Python, ISO text when run from a deployment."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value))
