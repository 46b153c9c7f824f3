"""What a run shows in Prefect (issue 17): run names, state names, WARNING lines and artifact keys, read back from
a real Prefect server (the session's temporary one) after real flow runs against the demo site over loopback.
And issue 18: a warehouse another process seizes mid-run costs the run one line, not a task's traceback."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun

from ingest.demo_site import DemoSite, Fault, default_articles
from ingest.load.store import Warehouse
from ingest.query import open_reader, run_query
from tests.conftest import sources_file_for

pytestmark = pytest.mark.usefixtures("prefect_harness")

REPORT_2008 = "/zwgk/zfgzbg/200803/t20080305_10532.html"
PUBLISHED = [article.path for article in default_articles("trs") if not article.upcoming]


class Lines(logging.Handler):
    """Every record of Prefect's loggers as its console shows it, traceback included."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.records: list[logging.LogRecord] = []
        self.text = ""
        self.task_runs: set[str] = set()  # the names the run's task runs logged under

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.text += self.format(record) + "\n"
        if name := getattr(record, "task_run_name", None):
            self.task_runs.add(name)


@contextmanager
def prefect_lines() -> Iterator[Lines]:
    handler, logger = Lines(), logging.getLogger("prefect")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def flow_run_of(state: object) -> FlowRun:
    flow_run_id: UUID = state.state_details.flow_run_id  # type: ignore[attr-defined]
    with get_client(sync_client=True) as client:
        [run] = client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return run


def partly_failed_and_clean(tmp_path: Path, site: DemoSite) -> tuple[Any, Any, Lines]:
    """Two backfills of the demo site, each into a warehouse of its own: one over 2008-2022 with the 2008 report
    answering HTTP 500, then a clean one over 2022; their states, and what Prefect logged during the first."""
    from flows.ingest_flows import backfill

    sources = sources_file_for(tmp_path / "sources.toml", site, max_retries=1)

    def run_backfill(since: date, db: str) -> Any:
        return backfill(
            source="demo",
            since=since,
            until=date(2022, 12, 31),
            sources_file=str(sources),
            db=str(tmp_path / db),
            return_state=True,
        )

    site.faults.add(Fault(kind="status", path=REPORT_2008))  # HTTP 500, every time
    with prefect_lines() as lines:
        partly = run_backfill(date(2008, 1, 1), "w.duckdb")
    site.faults.clear()
    return partly, run_backfill(date(2022, 1, 1), "clean.duckdb"), lines


def test_a_run_with_a_failed_request_is_named_and_warned_apart_from_a_clean_one(
    tmp_path: Path, demo_site: DemoSite
) -> None:
    partly, clean, lines = partly_failed_and_clean(tmp_path, demo_site)
    partly_run, clean_run = flow_run_of(partly), flow_run_of(clean)
    assert partly_run.state is not None and clean_run.state is not None
    assert (partly_run.state.type, partly_run.state.name) == (clean_run.state.type, "Completed with failures")
    assert clean_run.state.name == "Completed"
    assert (partly_run.name, clean_run.name) == ("backfill demo 2008-01-01..2022-12-31", "backfill demo 2022")

    warnings = [r.getMessage() for r in lines.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings  # one line per kind of failure
    assert warnings[0].startswith("source=demo 1 failed with server_error (the server failed (5xx)")
    assert f"first: {demo_site.url(REPORT_2008)} (HTTP 500" in warnings[0]

    # (the temporary server records task runs only when it stops: their names are read from their log lines)
    assert sorted(lines.task_runs) == ["commit load demo", "fetch demo", "parse demo 1/1"]
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[partly_run.id, clean_run.id]))
        )
    keys = sorted(str(artifact.key) for artifact in artifacts)
    # the clean run's documents and summary share the keys of the first run's: one history per source and kind
    assert keys == ["demo-documents", "demo-documents", "demo-failures", "demo-summary", "demo-summary"]


def test_a_run_that_finds_nothing_new_publishes_no_empty_table(tmp_path: Path, demo_site: DemoSite) -> None:
    from flows.ingest_flows import ingest

    sources, db = sources_file_for(tmp_path / "sources.toml", demo_site), str(tmp_path / "w.duckdb")
    ingest(sources_file=str(sources), db=db)
    with prefect_lines() as lines:
        again = ingest(sources_file=str(sources), db=db, return_state=True)
    # a load with nothing to parse is planned and committed outside tasks: a task run costs the server more
    assert lines.task_runs == {"fetch demo"}

    run = flow_run_of(again)
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]))
        )
    [summary] = artifacts
    assert summary.key == "demo-summary" and "No new or changed documents." in str(summary.data)
    assert run.name is not None and run.name.startswith("ingest 20")  # ingest YYYY-MM-DD HH:MM, local time


def test_a_warehouse_seized_mid_run_is_one_line_and_a_recorded_failed_load(tmp_path: Path, demo_site: DemoSite) -> None:
    """Issue 18: another process opened the DuckDB file while the run fetched; the commit task gave up after the
    lock timeout and Prefect logged its traceback. Now: one line, and the next run records the load as failed with
    its reason, and commits the package the first one wrote."""
    from flows.ingest_flows import ingest

    warehouse = Warehouse.at(tmp_path / "w.duckdb")
    sources = sources_file_for(tmp_path / "sources.toml", demo_site)
    demo_site.faults.add(Fault(kind="delay", seconds=3, path=PUBLISHED[-1]))  # time to seize the file mid-fetch
    holder = subprocess.Popen(  # another process that takes the file when told to, and keeps it until stdin closes
        [
            sys.executable,
            "-c",
            "import duckdb, sys; sys.stdin.readline(); con = duckdb.connect(sys.argv[1]); print('held', flush=True); "
            "sys.stdin.read()",
            str(warehouse.paths.db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None

    states: list[object] = []
    with prefect_lines() as lines:
        run = threading.Thread(
            target=lambda: states.append(
                ingest(sources_file=str(sources), db=str(warehouse.paths.db), lock_timeout=1.0, return_state=True)
            )
        )
        run.start()
        deadline = time.monotonic() + 60
        while not any(warehouse.paths.archive.glob("*.warc.gz")):  # the load has begun and is fetching
            assert time.monotonic() < deadline and run.is_alive(), "the run never started fetching"
            time.sleep(0.05)
        holder.stdin.write("seize\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "held"
        run.join(timeout=120)
    holder.stdin.close()
    holder.wait(timeout=30)

    [state] = states
    assert state.is_failed()  # type: ignore[attr-defined]
    reason = f"warehouse {warehouse.paths.db} is in use by process {holder.pid}; waited 1 s"
    assert (state.message or "").startswith(reason)  # type: ignore[attr-defined]
    assert "Traceback" not in lines.text, lines.text
    errors = [line for line in lines.text.splitlines() if line.startswith("ERROR")]
    assert errors == [  # the commit task's one line; the flow's own state ends the run with the reason alone
        "ERROR prefect.task_runs Finished in state Failed('Task run encountered an exception WarehouseBusyError: "
        f"{state.message}')"  # type: ignore[attr-defined]
    ]
    assert "commit load demo" in lines.task_runs

    demo_site.faults.clear()
    after = ingest(sources_file=str(sources), db=str(warehouse.paths.db), return_state=True)
    assert after.is_completed(), after.message
    with open_reader(warehouse.paths.db) as con:
        loads = run_query(con, "SELECT status, message FROM loads ORDER BY started_at").rows
        documents = run_query(con, "SELECT count(*) FROM documents_current").rows
    assert [status for status, _ in loads] == ["completed", "failed", "completed"]
    assert str(loads[1][1]).startswith(reason)
    assert documents == [(len(PUBLISHED),)]  # the seized run's package was committed by the next run: nothing lost
