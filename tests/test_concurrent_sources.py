"""Every source of a run in flight at once, under one cap on connections; long crawls committed in packages.

Real Prefect flow runs against demo sites on loopback; what overlapped, and how much at once, is read from the
sites' own request logs, never from a clock.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb
import pytest
from bench.mirror import build_mirror, write_sources

from ingest import pipeline
from ingest.demo_site import DemoSite, Fault
from ingest.errors import WarehouseBusyError
from ingest.load.apply import LoadReport
from ingest.load.store import Warehouse
from ingest.load.warehouse import run_lock
from ingest.query import open_reader, run_query
from ingest.sources import Source
from tests.conftest import demo_source_for, load_once
from tests.reference import table_contents
from tests.test_recovery import finish, snapshot, start_load_process, wait_for_line

pytestmark = pytest.mark.storage  # many sources loaded at once, long crawls committed in chains of packages

MIRROR_PAGES = 8


@contextmanager
def four_sites() -> Iterator[list[DemoSite]]:
    """Both demo templates and a two-site bench mirror: four hosts, each with its own articles."""
    with ExitStack() as stack:
        demos = [DemoSite(), DemoSite(template="second")]
        demos += [DemoSite(template=site.template, articles=site.articles) for site in build_mirror(MIRROR_PAGES)]
        yield [stack.enter_context(site) for site in demos]


def sources_of(sites: list[DemoSite], **options: object) -> list[Source]:
    return [demo_source_for(site, name=f"site{n}", **options) for n, site in enumerate(sites)]


def run_ingest(tmp_path: Path, db: Path, sources: list[Source], **parameters: object) -> object:
    from flows.ingest_flows import ingest

    sources_file = tmp_path / f"{db.stem}.toml"
    write_sources(sources_file, sources)
    return ingest(sources_file=str(sources_file), db=str(db), return_state=True, **parameters)


def served_spans(sites: list[DemoSite]) -> list[tuple[float, float]]:
    """When each site received its first and its last request (one clock: the sites run in this process)."""
    spans = []
    for site in sites:
        times = [record.time for record in site.requests()]
        spans.append((min(times), max(times)))
    return spans


@pytest.mark.usefixtures("prefect_harness")
def test_sources_at_once_load_the_rows_of_sources_one_after_another(tmp_path: Path) -> None:
    with four_sites() as sites:
        hosts = {site.base_url: f"http://site{n}" for n, site in enumerate(sites)}
        # 4 requests/s per host: each crawl lasts seconds, long enough for the others to start while it runs
        sources = sources_of(sites, rate_limit=4.0)

        state = run_ingest(tmp_path, tmp_path / "together.duckdb", sources)
        assert state.is_completed(), state.message
        together = served_spans(sites)
        for site in sites:
            site.reset()
        state = run_ingest(tmp_path, tmp_path / "alone.duckdb", sources, sequential=True)
        assert state.is_completed(), state.message
        alone = served_spans(sites)

        # every site received a request before every other site's last: all four crawls were in flight at once
        assert max(first for first, _ in together) < min(last for _, last in together)
        # one after another, each site's requests end before the next site's begin
        assert all(previous[1] < following[0] for previous, following in itertools.pairwise(alone))
        assert table_contents(tmp_path / "together.duckdb", hosts) == table_contents(tmp_path / "alone.duckdb", hosts)


@pytest.mark.usefixtures("prefect_harness")
def test_a_failing_source_neither_holds_back_nor_breaks_the_others(tmp_path: Path) -> None:
    with four_sites() as sites:
        broken, good = sites[0], sites[1:]
        # robots.txt included: 503 and Retry-After 10, so its two retries keep the source busy for 20 s at least,
        # then the site is skipped
        broken.faults.add(Fault("status", "*", status=503, retry_after=10))
        db = tmp_path / "w.duckdb"

        state = run_ingest(tmp_path, db, sources_of(sites))

        assert state.is_completed(), state.message
        with open_reader(db) as con:
            loads = run_query(con, "SELECT source, status FROM loads ORDER BY finished_at").rows
            loaded = run_query(con, "SELECT DISTINCT source FROM documents_current ORDER BY source").rows
    assert [status for source, status in loads if source == "site0"] == ["failed"]
    # listed first, it waited longest and committed last: the others did not wait for it
    assert loads[-1] == ("site0", "failed")
    assert loaded == [(f"site{n}",) for n in range(1, len(good) + 1)]
    assert "nothing could be fetched for load" in (state.message or "")


@pytest.mark.usefixtures("prefect_harness")
def test_the_run_never_holds_more_connections_than_its_cap(tmp_path: Path) -> None:
    with DemoSite() as site:
        # four sources on one host, each allowed 4 connections: only the run's cap keeps them to 2 in all
        sources = [demo_source_for(site, name=f"copy{n}", max_concurrency=4) for n in range(4)]
        site.faults.add(Fault("delay", "*", seconds=0.2))  # requests pile up wherever nothing holds them back

        capped = run_ingest(tmp_path, tmp_path / "capped.duckdb", sources, max_connections=2)
        assert capped.is_completed(), capped.message
        most_capped = site.most_requests_at_once()
        site.reset()
        site.faults.add(Fault("delay", "*", seconds=0.2))
        free = run_ingest(tmp_path, tmp_path / "free.duckdb", sources, max_connections=64)
        assert free.is_completed(), free.message

        assert most_capped <= 2
        assert site.most_requests_at_once() > 2  # the same run with room for more does use it
    with open_reader(tmp_path / "capped.duckdb") as con:
        loads = run_query(con, "SELECT source, status FROM loads ORDER BY source").rows
        documents = run_query(con, "SELECT count(*) FROM documents_current").rows
    assert loads == [(f"copy{n}", "completed") for n in range(4)]
    assert documents == [(4,)]  # the same four articles, whichever source loaded them first


@pytest.mark.parametrize("sequential", [False, True])
def test_a_source_whose_load_raises_costs_the_others_nothing(tmp_path: Path, sequential: bool) -> None:
    warehouse = Warehouse.at(tmp_path / "w.duckdb")

    def commit_unless_site1(warehouse: Warehouse, load_id: str) -> LoadReport:
        if "-site1-" in load_id:
            raise RuntimeError("the commit of site1 broke")
        return pipeline.commit_load(warehouse, load_id)

    with four_sites() as sites:
        requests = [pipeline.LoadRequest(source, kind="manual", mode="scheduled") for source in sources_of(sites)]
        settled = pipeline.run_sources(
            warehouse, requests, steps=pipeline.LoadSteps(commit=commit_unless_site1), sequential=sequential
        )
        errors = {request.source.name: str(error) if error else None for request, error in settled}

    assert errors == {"site0": None, "site1": "the commit of site1 broke", "site2": None, "site3": None}
    with open_reader(warehouse.paths.db) as con:
        loaded = run_query(con, "SELECT DISTINCT source FROM documents_current ORDER BY source").rows
    assert loaded == [("site0",), ("site2",), ("site3",)]


def test_a_run_of_many_loads_publishes_at_most_every_interval_and_at_its_end(tmp_path: Path) -> None:
    # an hour between publications: the first commit publishes, the later ones wait for the run's end
    warehouse = Warehouse.at(tmp_path / "w.duckdb", publish_every=3600)
    seen_at_commit: list[list[tuple[object, ...]]] = []

    def read_snapshot(outcome: pipeline.LoadOutcome) -> None:
        with open_reader(warehouse.paths.db) as con:
            seen_at_commit.append(run_query(con, "SELECT source FROM loads ORDER BY source").rows)

    with four_sites() as sites:
        requests = [pipeline.LoadRequest(s, kind="manual", mode="scheduled") for s in sources_of(sites[:3])]
        settled = list(pipeline.run_sources(warehouse, requests, sequential=True, on_commit=read_snapshot))

    assert [error for _, error in settled] == [None, None, None]
    assert seen_at_commit == [[("site0",)], [("site0",)], [("site0",)]]
    with open_reader(warehouse.paths.db) as con:
        assert run_query(con, "SELECT source FROM loads ORDER BY source").rows == [("site0",), ("site1",), ("site2",)]


def test_a_crawl_over_the_bound_commits_a_chain_of_packages_with_the_rows_of_one(
    tmp_path: Path, demo_site: DemoSite, demo_source: Source
) -> None:
    whole = Warehouse.at(tmp_path / "whole" / "w.duckdb")
    load_once(whole, demo_source)
    parts = Warehouse.at(tmp_path / "parts" / "w.duckdb")
    bounded = demo_source.model_copy(update={"max_documents_per_package": 3})

    load_once(parts, bounded)

    with open_reader(parts.paths.db) as con:
        chain = run_query(
            con,
            "SELECT load_id, status, json_extract_string(parameters, '$.continues'), "
            "CAST(json_extract(parameters, '$.part') AS INTEGER) FROM loads ORDER BY started_at",
        ).rows
        documents = run_query(con, "SELECT load_id, count(*) FROM document_versions GROUP BY load_id").rows
    assert len(snapshot(whole.paths.db)["documents"]) == 4  # the site's published articles
    assert [part for *_, part in chain] == [None, 2]  # 3 documents to a package
    assert [continues for _, _, continues, _ in chain] == [None, chain[0][0]]
    assert {status for _, status, _, _ in chain} == {"completed"}
    assert sorted(n for _, n in documents) == [1, 3]
    assert snapshot(parts.paths.db) == snapshot(whole.paths.db)

    again = load_once(parts, bounded)  # nothing new: every article answers 304, nothing to parse, one package
    assert again.report.versions_added == 0
    assert snapshot(parts.paths.db) == snapshot(whole.paths.db)


@pytest.mark.slow
def test_a_kill_between_packages_then_reruns_lose_and_duplicate_nothing(tmp_path: Path, demo_source: Source) -> None:
    # 2 documents to a package (the site has 4), at 8 requests/s: the crawl is still going when a package commits
    bounded = demo_source.model_copy(update={"max_documents_per_package": 2, "rate_limit": 8.0})
    reference = tmp_path / "reference" / "w.duckdb"
    code, _, err = finish(start_load_process(reference, bounded))
    assert code == 0, err
    expected = snapshot(reference)

    db = tmp_path / "killed" / "w.duckdb"
    process = start_load_process(db, bounded)
    wait_for_line(process, "committing")  # the first package is complete; the crawl goes on
    os.kill(process.pid, signal.SIGKILL)
    finish(process)
    with run_lock(db):
        Warehouse.at(db).recover()  # as the next run starts: the complete package is applied, the next one lost
    assert len(snapshot(db)["documents"]) == 2

    # The first list page holds only known articles now, which ends a plain scheduled crawl before the pages the
    # killed one never read: the cut crawl is resumed past them.
    code, out, err = finish(start_load_process(db, bounded))
    assert code == 0, err
    assert snapshot(db) == expected
    code, out, err = finish(start_load_process(db, bounded))  # and then nothing is new
    assert code == 0, err
    assert out.strip().endswith("done completed 0")
    assert snapshot(db) == expected
    with open_reader(db) as con:
        statuses = {row[0] for row in run_query(con, "SELECT status FROM loads").rows}
    assert statuses <= {"completed", "aborted"}


def test_a_no_change_load_whose_commit_finds_the_warehouse_seized_leaves_its_rows_to_the_next_run(
    tmp_path: Path, demo_site: DemoSite, demo_source: Source
) -> None:
    """A load with nothing to parse keeps its package in memory until its commit: when the commit fails, the package
    is written to disk as any other, and the next run's recovery commits it."""
    warehouse = Warehouse.at(tmp_path / "w.duckdb", lock_timeout=0.5)
    load_once(warehouse, demo_source)

    def commit_while_seized(warehouse: Warehouse, load_id: str) -> LoadReport:
        holder = subprocess.Popen(  # another process holds the file until told to let go
            [sys.executable, "-c", SEIZE, str(warehouse.paths.db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert holder.stdin is not None and holder.stdout is not None
        try:
            assert holder.stdout.readline() == b"held\n"
            return pipeline.commit_load(warehouse, load_id)
        finally:
            holder.stdin.close()
            holder.wait(timeout=30)

    request = pipeline.LoadRequest(demo_source, kind="scheduled", mode="scheduled")
    with pytest.raises(WarehouseBusyError):
        pipeline.run_load(warehouse, request, steps=pipeline.LoadSteps(commit_held=commit_while_seized))
    [recovered] = warehouse.recover()

    assert recovered.status == "completed" and recovered.versions_added == 0
    with duckdb.connect(str(warehouse.paths.db), read_only=True) as con:
        checks = con.execute(
            "SELECT count(*) FILTER (WHERE status = 304), count(*) FROM fetch_log WHERE load_id = ?",
            [recovered.load_id],
        ).fetchone()
    assert checks is not None and checks[0] > 0 and checks[1] > checks[0]  # its conditional requests and list pages


SEIZE = "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()"
