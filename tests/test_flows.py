"""Real Prefect flow runs (one temporary server per session) against the demo site over loopback."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

import pytest

from ingest.demo_site import DemoSite
from ingest.load.store import Warehouse
from ingest.query import open_reader, run_query
from tests.conftest import load_once, sources_file_for
from tests.test_parse import NEWS, REPORT, job_for

pytestmark = pytest.mark.usefixtures("prefect_harness")


def sources_file(tmp_path: Path, site: DemoSite) -> Path:
    return sources_file_for(tmp_path / "sources.toml", site)


def test_ingest_flow_loads_the_site_then_finds_nothing_new(
    tmp_path: Path, demo_site: DemoSite, warehouse: Warehouse
) -> None:
    from flows.ingest_flows import ingest

    first = ingest(sources_file=str(sources_file(tmp_path, demo_site)), db=str(warehouse.paths.db), return_state=True)
    assert first.is_completed(), first.message
    [report] = first.result()
    assert report.documents_added >= 2 and report.metrics_added > 0
    second = ingest(sources_file=str(sources_file(tmp_path, demo_site)), db=str(warehouse.paths.db), return_state=True)
    assert second.is_completed() and second.message == "nothing new"
    [again] = second.result()
    assert (again.versions_added, again.metrics_added) == (0, 0)


def test_backfill_flow_loads_exactly_its_window(tmp_path: Path, demo_site: DemoSite, warehouse: Warehouse) -> None:
    from flows.ingest_flows import backfill

    state = backfill(
        source="demo",
        since=date(2022, 1, 1),
        until=date(2022, 12, 31),
        sources_file=str(sources_file(tmp_path, demo_site)),
        db=str(warehouse.paths.db),
        return_state=True,
    )
    assert state.is_completed(), state.message
    with open_reader(warehouse.paths.db) as con:
        published = run_query(con, "SELECT published_at FROM documents_current").rows
    assert published and all(row[0].year == 2022 for row in published)


def test_a_busy_warehouse_fails_the_run_with_a_one_line_reason(
    tmp_path: Path, demo_site: DemoSite, warehouse: Warehouse
) -> None:
    from flows.ingest_flows import ingest

    from ingest.load.warehouse import run_lock

    with run_lock(warehouse.paths.db):
        state = ingest(
            sources_file=str(sources_file(tmp_path, demo_site)),
            db=str(warehouse.paths.db),
            lock_timeout=0.2,
            return_state=True,
        )
    assert state.is_failed()
    assert "another run is writing to" in (state.message or "")


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def metric_rows(db: Path) -> list[tuple[object, ...]]:
    """Every current figure with its document's URL: what two runs over the same pages must agree on."""
    with open_reader(db) as con:
        return run_query(
            con,
            "SELECT url, ordinal, section, indicator, name, region, period, kind, measure, value, unit, sentence "
            "FROM metrics_current ORDER BY url, ordinal",
        ).rows


def test_parse_tasks_come_back_in_order_and_keep_their_counts_once_written(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    from flows.parse_tasks import parse_on
    from prefect import flow

    from ingest import pipeline
    from ingest.load.store import CrawlMemory
    from ingest.parse import ParsedBatch, parse, parse_batches

    jobs = [job_for(warehouse.paths.archive, page) for page in (REPORT, NEWS, REPORT, NEWS, NEWS)]
    batches: list[ParsedBatch] = []
    urls: list[list[str]] = []

    @flow
    def parse_flow() -> pipeline.CollectSummary:
        def kept(parsed: Iterable[ParsedBatch]) -> Iterator[ParsedBatch]:
            for batch in parsed:
                batches.append(batch)  # kept past its writing, as Prefect keeps every task's result
                urls.append([row.url for row in batch.rows.pages])
                yield batch

        parsed = parse_on(None)(warehouse.paths.archive, parse_batches(jobs, 2), (None, None))
        return pipeline.write_package(
            warehouse,
            pipeline.LoadPlan("load-1", "demo", "manual", CrawlMemory(known={})),
            kept(parsed),
            pages=len(jobs),
        )

    summary = parse_flow()

    alone = [parse(warehouse.paths.archive, jobs[i : i + 2]) for i in (0, 2, 4)]
    assert urls == [[row.url for row in batch.rows.pages] for batch in alone]
    assert [len(u) for u in urls] == [2, 2, 1]
    # once written, a batch's rows are released, and it still reports what it held
    assert all(batch.rows.pages == [] and batch.rows.metrics == [] for batch in batches)
    counts = [(b.pages, b.extracted, b.sections, b.metrics) for b in batches]
    assert counts == [(b.pages, b.extracted, b.sections, b.metrics) for b in alone]
    assert summary.fetched == 5 and summary.metrics == sum(b.metrics for b in alone) > 0


def test_backfill_parses_on_a_local_dask_cluster_with_the_same_result(
    tmp_path: Path, demo_site: DemoSite, warehouse: Warehouse
) -> None:
    """Parsing on Dask worker processes loads exactly what parsing in the run's own process loads."""
    from flows.ingest_flows import backfill

    from ingest.sources import load_sources

    dask_logger, dask_messages = logging.getLogger("prefect.task_runner.dask"), ListHandler()
    dask_logger.addHandler(dask_messages)
    try:
        state = backfill(
            source="demo",
            since=date(1900, 1, 1),  # the whole site
            until=date(2100, 12, 31),
            sources_file=str(sources_file(tmp_path, demo_site)),
            db=str(warehouse.paths.db),
            dask="local",
            return_state=True,
        )
    finally:
        dask_logger.removeHandler(dask_messages)
    assert state.is_completed(), state.message
    assert any("Creating a new Dask cluster" in message for message in dask_messages.messages)

    in_process = Warehouse.at(tmp_path / "in_process" / "reports.duckdb")
    [source] = load_sources(sources_file(tmp_path, demo_site))
    load_once(in_process, source, mode="backfill")
    assert metric_rows(warehouse.paths.db) == metric_rows(in_process.paths.db) != []


def test_a_bad_dask_address_fails_the_run_before_it_starts(
    tmp_path: Path, demo_site: DemoSite, warehouse: Warehouse
) -> None:
    from flows.ingest_flows import ingest

    state = ingest(
        sources_file=str(sources_file(tmp_path, demo_site)),
        db=str(warehouse.paths.db),
        dask="dask-scheduler",
        return_state=True,
    )
    assert state.is_failed()
    assert state.message == "dask must be 'local' or a scheduler address such as tcp://host:8786, got 'dask-scheduler'"
    assert not warehouse.paths.db.exists()  # no load was begun
