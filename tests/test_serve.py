"""Served deployments against a real Prefect server on loopback: scheduled ingest runs, backfills started
through the Prefect client, their artifacts and final states, and a clean shutdown.

One server and one `ingest serve` process for the module; the tests run in file order and the last one stops
the serving process. Expected documents come from the demo site's articles: Yanbian's TRS site publishes
four (the 2025 national report is upcoming), with the 2022 government work report the only one of 2022.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import duckdb
import httpx
import pytest
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    DeploymentFilter,
    DeploymentFilterName,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.client.schemas.sorting import FlowRunSort
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

from ingest.demo_site import DemoSite, Fault, default_articles
from ingest.load.store import Warehouse
from ingest.query import open_reader, run_query
from tests.conftest import prefect_api, sources_file_for

pytestmark = pytest.mark.prefect  # a Prefect server of its own, and `ingest serve` against it

BIN = Path(sys.executable).parent  # the venv's console scripts: prefect, ingest
REPORT_2022 = "/zwgk/zfgzbg/202207/t20220711_437062.html"
REPORT_2008 = "/zwgk/zfgzbg/200803/t20080305_10532.html"
PUBLISHED = [article.path for article in default_articles("trs") if not article.upcoming]
T = TypeVar("T")


@dataclass
class Served:
    """The module's Prefect server and `ingest serve` process, and the demo sites they load."""

    api_url: str
    server_log: Path
    process: subprocess.Popen[bytes]
    log: Path
    scheduled_site: DemoSite  # loaded by the ingest schedule
    backfill_site: DemoSite  # loaded by the backfills the tests start
    work: Path
    reader: duckdb.DuckDBPyConnection  # an analyst's connection to the scheduled warehouse, open throughout


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("prefect-server")
    port = _free_port()
    # The batching the project sets for temporary servers would make this long-running one record task runs
    # only when it stops.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_SERVER_SERVICES_", "PREFECT_API_"))}
    env |= {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_UI_ENABLED": "false",
    }
    log = home / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [BIN / "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        _wait_for(lambda: _healthy(api_url, process, log), timeout=90, what="the Prefect server to answer")
        yield api_url, log
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def served(prefect_server: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    api_url, server_log = prefect_server
    work = tmp_path_factory.mktemp("served")
    with DemoSite() as scheduled_site, DemoSite() as backfill_site:
        env = os.environ | {
            "PREFECT_API_URL": api_url,
            "PREFECT_HOME": str(work / "prefect-home"),
            "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        }
        db = work / "scheduled.duckdb"
        warehouse = Warehouse.at(db)
        warehouse.publish()  # an empty warehouse, so that the reader can open it before the first run
        reader = duckdb.connect(str(warehouse.paths.snapshot), read_only=True)
        assert reader.execute("SELECT count(*) FROM documents_current").fetchall() == [(0,)]
        log = work / "serve.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [
                    BIN / "ingest",
                    "serve",
                    "--sources",
                    str(sources_file_for(work / "scheduled.toml", scheduled_site, max_retries=1)),
                    "--db",
                    str(db),
                    "--interval",
                    "5",
                ],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the flow runs it starts join it
            )
        sources_file_for(work / "backfill.toml", backfill_site, max_retries=1)
        try:
            yield Served(api_url, server_log, process, log, scheduled_site, backfill_site, work, reader)
        finally:
            reader.close()
            _stop(process)


def test_scheduled_runs_load_the_site_then_find_nothing_new(served: Served) -> None:
    first, second = _wait_for(
        lambda: _completed_ingest_runs(served),
        timeout=90,
        what="two scheduled ingest runs",
        log=served.server_log,  # the server's scheduler creates them
    )
    with _client(served) as client:
        deployment = client.read_deployment_by_name("ingest/ingest")
        client.pause_deployment(deployment.id)  # the backfills below need not queue behind more ingest runs
        first_artifacts, second_artifacts = _artifacts(client, first), _artifacts(client, second)

    assert first.auto_scheduled and second.auto_scheduled
    assert first.state is not None and first.state.message == "4 new versions"
    assert second.state is not None and second.state.message == "nothing new"
    assert (first.state.name, second.state.name) == ("Completed", "Completed")
    # named for the slot it was due, in Beijing time (the schedule's own time zone)
    due = first.expected_start_time.astimezone(ZoneInfo("Asia/Shanghai"))
    assert first.name == f"ingest {due:%Y-%m-%d %H:%M}"

    assert {row["url"] for row in first_artifacts["documents"]} == {served.scheduled_site.url(p) for p in PUBLISHED}
    assert {row["change"] for row in first_artifacts["documents"]} == {"new"}
    first_counts = _summary_counts(first_artifacts["summary"])
    assert (first_counts["fetched"], first_counts["new documents"], first_counts["failed"]) == (4, 4, 0)
    assert "failures" not in first_artifacts

    assert "documents" not in second_artifacts  # no empty table: the summary says so instead
    assert "No new or changed documents." in second_artifacts["summary"]
    second_counts = _summary_counts(second_artifacts["summary"])
    assert (second_counts["fetched"], second_counts["new documents"], second_counts["changed documents"]) == (0, 0, 0)
    assert second_counts["failed"] == 0 and "failures" not in second_artifacts


def test_a_reader_kept_open_across_the_runs_held_up_neither_and_sees_their_data(served: Served) -> None:
    # The connection was opened before the first scheduled run; both runs completed (the test above) around it.
    assert served.reader.execute("SELECT count(*) FROM documents_current").fetchall() == [(len(PUBLISHED),)]
    loads = served.reader.execute("SELECT kind, status FROM loads ORDER BY started_at LIMIT 2").fetchall()
    assert loads == [("scheduled", "completed"), ("scheduled", "completed")]


def test_a_backfill_deployment_run_loads_the_requested_window(served: Served) -> None:
    db = served.work / "window.duckdb"
    run = _backfill(served, db, since="2022-01-01", until="2022-12-31")

    assert run.state is not None and run.state.is_completed(), run.state
    assert run.state.message == "1 new version"
    assert (run.name, run.state.name) == ("backfill demo 2022", "Completed")
    with open_reader(db) as con:
        rows = run_query(con, "SELECT url, published_at FROM documents_current").rows
    assert [(url, published.year) for url, published in rows] == [(served.backfill_site.url(REPORT_2022), 2022)]
    with _client(served) as client:
        artifacts = _artifacts(client, run)
    assert [(row["change"], row["url"]) for row in artifacts["documents"]] == [
        ("new", served.backfill_site.url(REPORT_2022))
    ]
    counts = _summary_counts(artifacts["summary"])
    assert (counts["fetched"], counts["new documents"], counts["failed"]) == (1, 1, 0)


def test_a_partly_failed_run_completes_and_names_its_failures(served: Served) -> None:
    served.backfill_site.faults.add(Fault(kind="status", path=REPORT_2008))  # HTTP 500, every time
    try:
        run = _backfill(served, served.work / "partial.duckdb", since="2008-01-01", until="2022-12-31")
    finally:
        served.backfill_site.faults.clear()

    failed_url = served.backfill_site.url(REPORT_2008)
    assert run.state is not None and run.state.is_completed(), run.state
    assert run.state.name == "Completed with failures"  # apart from the clean runs in the runs list
    assert run.name == "backfill demo 2008-01-01..2022-12-31"
    message = run.state.message or ""
    assert message.startswith(f"1 new version; 1 failed (server_error 1): {failed_url} (HTTP 500"), message
    with _client(served) as client:
        artifacts = _artifacts(client, run)
    [failure] = artifacts["failures"]
    assert (
        failure["url"] == failed_url and failure["kind"] == "server_error" and failure["detail"].startswith("HTTP 500")
    )
    assert "| server_error | 1 | the server failed (5xx)" in artifacts["summary"]
    counts = _summary_counts(artifacts["summary"])
    assert (counts["new documents"], counts["failed"]) == (1, 1)


def test_the_runs_so_far_logged_no_error(served: Served) -> None:
    output = served.log.read_text(encoding="utf-8", errors="replace")
    assert output.count("Finished in state Completed(") >= 3  # two scheduled runs, the clean backfill
    assert "WARNING" in output and "1 failed with server_error" in output
    assert "Traceback" not in output
    assert not [line for line in output.splitlines() if "ERROR" in line]


def test_a_run_that_fetches_nothing_fails(served: Served) -> None:
    served.backfill_site.faults.add(Fault(kind="status", path="*", status=503))  # robots.txt included
    try:
        run = _backfill(served, served.work / "dead.duckdb", since="2008-01-01", until="2022-12-31")
    finally:
        served.backfill_site.faults.clear()

    assert run.state is not None and run.state.is_failed(), run.state
    assert run.state.message is not None and run.state.message.startswith("nothing could be fetched")
    with _client(served) as client:
        artifacts = _artifacts(client, run)
    assert {failure["url"] for failure in artifacts["failures"]} == set(served.backfill_site.list_urls)
    assert {failure["kind"] for failure in artifacts["failures"]} == {"robots"}  # robots.txt answered 503
    assert _summary_counts(artifacts["summary"])["new documents"] == 0


def test_serving_stops_cleanly(served: Served) -> None:
    _wait_for(lambda: _group(served.process.pid) == [served.process.pid], timeout=30, what="the last run to exit")
    logged_before = served.log.stat().st_size
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=60) == 0
    assert _group(served.process.pid) == []  # no flow-run process outlives it

    with served.log.open("rb") as log:
        log.seek(logged_before)
        shutdown = log.read().decode("utf-8", errors="replace")
    assert "Traceback" not in shutdown and "ERROR" not in shutdown
    with _client(served) as client:
        assert client.read_deployment_by_name("backfill/backfill").paused  # paused on shutdown


def _backfill(served: Served, db: Path, *, since: str, until: str) -> FlowRun:
    parameters = {
        "source": "demo",
        "since": since,
        "until": until,
        "sources_file": str(served.work / "backfill.toml"),
        "db": str(db),
    }
    with prefect_api(served.api_url):
        run = run_deployment("backfill/backfill", parameters=parameters, timeout=120, poll_interval=1)
    assert isinstance(run, FlowRun)
    return run


def _completed_ingest_runs(served: Served) -> list[FlowRun] | None:
    if served.process.poll() is not None:
        pytest.fail(f"ingest serve exited with status {served.process.returncode}:\n{served.log.read_text()}")
    with _client(served) as client:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["ingest"])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.COMPLETED]))
            ),
            sort=FlowRunSort.START_TIME_ASC,
        )
    return runs[:2] if len(runs) >= 2 else None


def _artifacts(client: SyncPrefectClient, run: FlowRun) -> dict[str, Any]:
    """A run's artifacts by kind (documents, summary, failures), each under its stable key for the source demo:
    tables decoded, markdown as text."""
    found = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id])))
    by_kind: dict[str, Any] = {}
    for artifact in found:
        kind = {"demo-documents": "documents", "demo-summary": "summary", "demo-failures": "failures"}[
            str(artifact.key)
        ]
        by_kind[kind] = json.loads(str(artifact.data)) if artifact.type == "table" else artifact.data
    return by_kind


def _summary_counts(markdown: str) -> dict[str, int]:
    """The counts row of a summary artifact, by column name."""
    header, _rule, values = [line for line in markdown.splitlines() if line.startswith("|")][:3]
    names = [cell.strip() for cell in header.strip("|").split("|")]
    return dict(zip(names, (int(cell) for cell in values.strip("|").split("|")), strict=True))


def _client(served: Served) -> SyncPrefectClient:
    with temporary_settings({PREFECT_API_URL: served.api_url}):
        return get_client(sync_client=True)


def _healthy(api_url: str, process: subprocess.Popen[bytes], log: Path) -> bool:
    if process.poll() is not None:
        pytest.fail(f"prefect server start exited with status {process.returncode}:\n{log.read_text()}")
    try:
        return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_for(probe: Callable[[], T | None], *, timeout: float, what: str, log: Path | None = None) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := probe():
            return result
        time.sleep(0.5)
    errors = [line for line in log.read_text().splitlines() if "ERROR" in line or "Error:" in line] if log else []
    pytest.fail(f"timed out after {timeout:g} s waiting for {what}" + "".join(f"\n{e}" for e in errors[-5:]))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert _group(process.pid) == [], "processes it started outlived it"


def _group(pgid: int) -> list[int]:
    """The live processes of a process group (Linux /proc; zombies are not alive)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # exited while listed
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return sorted(members)
