"""Several writer processes on one warehouse (issue 18): runs of different sources load at once, each holding only
its sources' run locks, on real DuckDB files, demo sites over loopback and a real Prefect server."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.mirror import write_sources

from ingest import pipeline
from ingest.demo_site import DemoSite
from ingest.errors import WarehouseBusyError
from ingest.load.package import MANIFEST, PackageWriter
from ingest.load.store import Warehouse
from ingest.load.warehouse import connect, lock_folder, run_lock
from ingest.query import open_reader, run_query
from ingest.sources import Source
from tests.reference import table_contents
from tests.test_storage import writer_rows, written_package

pytestmark = pytest.mark.storage  # writers side by side on one warehouse, some in processes of their own

ROOT = Path(__file__).resolve().parents[1]
# What a load decides about documents; load_log and fetch_log also hold the loads and requests of a rerun.
DOCUMENT_TABLES = ("documents", "document_versions", "extractions", "sections", "metrics")


@pytest.fixture
def sites() -> Iterator[tuple[DemoSite, DemoSite]]:
    with DemoSite() as first, DemoSite(template="second") as second:
        yield first, second


def slow_sources(sites: tuple[DemoSite, DemoSite], rate_limit: float) -> list[Source]:
    """The two demo sites as two sources; at a low ``rate_limit`` a crawl outlasts the start of another process."""
    first, second = sites
    return [
        Source(name=name, region=region, start_urls=site.list_urls, allow_private=True, rate_limit=rate_limit)
        for name, region, site in (("yanbian", "延边朝鲜族自治州", first), ("yichun", "宜春市", second))
    ]


def one_after_the_other(db: Path, sources: list[Source]) -> Warehouse:
    """The sources loaded in this process one after the other, as scheduled runs load them, at full speed."""
    warehouse = Warehouse.at(db)
    for source in sources:
        fast = source.model_copy(update={"rate_limit": 100.0})
        pipeline.run_load(warehouse, pipeline.LoadRequest(fast, kind="scheduled", mode="scheduled"))
    return warehouse


def hosts(sites: tuple[DemoSite, DemoSite]) -> dict[str, str]:
    return {site.base_url: f"http://{site.template}" for site in sites}


def assert_crawled_at_once(sites: tuple[DemoSite, DemoSite]) -> None:
    """Each site was still being crawled when the other's crawl began, by the sites' request logs."""
    spans = [(records[0].time, records[-1].time) for records in (site.requests() for site in sites)]
    assert max(start for start, _ in spans) < min(end for _, end in spans), f"the crawls did not overlap: {spans}"


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    """The processes a test starts, killed at its end if a failure left them running."""
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.communicate()


class Lines:
    """A process's stdout read line by line in a thread, so that a test can wait for a line with a deadline."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.strip())
        self._lines.put(None)

    def expect(self, expected: str, within: float = 240.0) -> None:
        """Wait for the line ``expected``; fail if the process ends, or has not printed it ``within`` seconds."""
        deadline = time.monotonic() + within
        while (line := self._lines.get(timeout=max(deadline - time.monotonic(), 0.01))) != expected:
            if line is None:
                raise AssertionError(f"the process ended before printing {expected!r}")

    def rest(self) -> list[str]:
        """Every line still to come, once the process has ended."""
        self.process.wait(timeout=240)
        lines = []
        while (line := self._lines.get(timeout=10)) is not None:
            lines.append(line)
        return lines


def load_process(db: Path, source: Source, started: list[subprocess.Popen[str]]) -> Lines:
    """tests.load_runner: one load of ``source``, printing ``collecting`` and ``committing`` as it goes."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.load_runner", str(db), source.model_dump_json(), "120"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    started.append(process)
    return Lines(process)


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.usefixtures("prefect_harness")
def test_two_ingest_runs_of_different_sources_load_at_once_with_the_rows_of_one_after_the_other(
    tmp_path: Path, sites: tuple[DemoSite, DemoSite], started: list[subprocess.Popen[str]]
) -> None:
    from prefect.settings import PREFECT_API_URL

    # 1 request/s: each crawl lasts several seconds, longer than one process may start after the other
    sources = slow_sources(sites, rate_limit=1.0)
    sources_file = tmp_path / "sources.toml"
    write_sources(sources_file, sources)
    db = tmp_path / "concurrent" / "reports.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API_")} | {
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
    }
    command = [str(Path(sys.executable).parent / "ingest"), "run", "--sources", str(sources_file), "--db", str(db)]
    started += [
        subprocess.Popen(
            [*command, "--source", source.name, "--lock-timeout", "300"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for source in sources
    ]
    outputs = [run.communicate(timeout=540)[0] for run in started]
    assert [run.returncode for run in started] == [0, 0], outputs
    assert_crawled_at_once(sites)

    reference = one_after_the_other(tmp_path / "reference" / "reports.duckdb", sources)
    assert table_contents(db, hosts(sites)) == table_contents(reference.paths.db, hosts(sites))
    with open_reader(db) as con:  # and readers see both loads in the published snapshot
        loads = run_query(con, "SELECT source, status FROM loads ORDER BY source").rows
        documents = run_query(con, "SELECT count(*) FROM documents_current").rows
    assert loads == [("yanbian", "completed"), ("yichun", "completed")]
    assert documents == writer_rows(db, "SELECT count(*) FROM documents")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_run_killed_beside_another_loses_nothing_and_the_next_run_of_its_source_recovers_it(
    tmp_path: Path, sites: tuple[DemoSite, DemoSite], started: list[subprocess.Popen[str]]
) -> None:
    killed_source, other_source = slow_sources(sites, rate_limit=2.0)
    db = tmp_path / "concurrent" / "reports.duckdb"
    killed, other = load_process(db, killed_source, started), load_process(db, other_source, started)
    killed.expect("collecting")
    other.expect("collecting")  # both loads begun: two runs at once

    # Holding the warehouse file keeps both from committing, so the kill lands between package and commit.
    holder = connect(db, read_only=True, lock_timeout=120)
    try:
        killed.expect("committing")
        os.kill(killed.process.pid, signal.SIGKILL)
        killed.rest()
        assert killed.process.returncode == -signal.SIGKILL, "the run ended before it could be killed"
        other.expect("committing")  # its package complete too, waiting for the file
        assert_crawled_at_once(sites)
        [package] = [p for p in Warehouse.at(db).paths.packages.iterdir() if killed_source.name in p.name]
        assert (package / MANIFEST).is_file()
        rerun = load_process(db, killed_source, started)  # its recovery waits for the file as well
    finally:
        holder.close()

    assert other.rest()[-1].startswith("done completed ")  # the other run went on and committed
    assert rerun.rest() == ["collecting", "committing", "done completed 0"]  # recovered, then nothing new
    assert not package.exists()
    reference = one_after_the_other(tmp_path / "reference" / "reports.duckdb", [killed_source, other_source])
    expected = table_contents(reference.paths.db, hosts(sites))
    contents = table_contents(db, hosts(sites))
    assert {t: contents[t] for t in DOCUMENT_TABLES} == {t: expected[t] for t in DOCUMENT_TABLES}
    statuses = writer_rows(db, "SELECT source, status FROM load_log ORDER BY started_at")
    assert sorted(statuses) == [("yanbian", "completed"), ("yanbian", "completed"), ("yichun", "completed")]


def test_recovery_leaves_alone_the_loads_of_sources_another_run_holds(
    demo_site: DemoSite, warehouse: Warehouse
) -> None:
    # A run of "demo" in another process has written its package and waits to commit it; a run of "other" is
    # still writing its package. Both hold their sources' locks.
    waiting = written_package(warehouse, demo_site)
    other_source = Source(name="other", region="宜春市", start_urls=demo_site.list_urls)
    other = pipeline.LoadRequest(other_source, kind="manual", mode="scheduled")
    writing = PackageWriter(warehouse.paths.packages, pipeline.start_loads(warehouse, [other])[0].load_id)

    with run_lock(warehouse.paths.db, sources=["third"]) as held:
        assert warehouse.recover(held) == []  # a run of a third source starts

    assert (waiting / MANIFEST).is_file() and writing.directory.is_dir()
    statuses = writer_rows(warehouse.paths.db, "SELECT source, status FROM load_log ORDER BY source")
    assert statuses == [("demo", "running"), ("other", "running")]
    assert warehouse.commit(waiting.name).status == "completed"  # the live run commits as it would have alone
    writing.abandon()


def test_runs_of_different_sources_lock_each_other_out_only_by_source_or_whole(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"

    def attempt(sources: list[str] | None) -> subprocess.CompletedProcess[str]:
        """A run that takes ``sources``' locks (None: the whole warehouse) in a process of its own, waiting 0.3 s."""
        script = (
            "import sys\nfrom pathlib import Path\nfrom ingest.load.warehouse import run_lock\n"
            f"with run_lock(Path({str(db)!r}), timeout=0.3, sources={sources!r}): print('in')"
        )
        return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)

    with run_lock(db, sources=["a", "b"]):
        assert attempt(["c"]).stdout == "in\n"
        for busy in (["b"], ["c", "a"], None):
            refused = attempt(busy)
            assert refused.returncode != 0 and not refused.stdout, busy
            assert f"another run is writing to {db}" in refused.stderr and "waited 0.3 s" in refused.stderr
        assert f"(pid {os.getpid()}, source a)" in attempt(["a"]).stderr
    with run_lock(db):  # the whole warehouse, as reprocess takes it
        assert attempt(["c"]).returncode != 0
    assert attempt(["a"]).stdout == "in\n" and attempt(None).stdout == "in\n"


@pytest.mark.timeout(120)
def test_a_run_that_waits_for_the_whole_warehouse_goes_ahead_of_source_runs_that_come_after_it(
    tmp_path: Path,
) -> None:
    db = tmp_path / "w.duckdb"
    script = (
        "import sys\nfrom pathlib import Path\nfrom ingest.load.warehouse import run_lock\n"
        f"with run_lock(Path({str(db)!r}), timeout=60): print('in', flush=True)"
    )
    gate = lock_folder(db) / "gate.lock"
    with run_lock(db, sources=["a"]):
        whole = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        while not (gate.exists() and gate.read_text() == f"pid {whole.pid}"):  # until it waits at the gate
            assert whole.poll() is None
            time.sleep(0.05)
        with (
            pytest.raises(WarehouseBusyError, match="another run is writing to"),
            run_lock(db, timeout=0.3, sources=["b"]),
        ):
            pass
    assert whole.communicate(timeout=60)[0] == "in\n"
