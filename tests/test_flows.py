"""Real Prefect flow runs (one temporary server per session) against the demo site over loopback."""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import pytest

from ingest.demo_site import DemoSite
from ingest.pipeline import WarehousePaths
from ingest.query import open_reader, run_query
from tests.test_parse import NEWS, REPORT, job_for
from tests.test_pipeline import ingest_once

pytestmark = pytest.mark.usefixtures("prefect_harness")


def sources_file(tmp_path: Path, site: DemoSite) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        "[[sources]]\n"
        'name = "demo"\n'
        'region = "延边朝鲜族自治州"\n'
        f"start_urls = {json.dumps(site.list_urls)}\n"
        "allow_private = true\n"
        "rate_limit = 50.0\n",
        encoding="utf-8",
    )
    return path


def test_ingest_flow_loads_the_site_then_finds_nothing_new(
    tmp_path: Path, demo_site: DemoSite, paths: WarehousePaths
) -> None:
    from flows.ingest import ingest

    first = ingest(sources_file=str(sources_file(tmp_path, demo_site)), db=str(paths.db), return_state=True)
    assert first.is_completed(), first.message
    [report] = first.result()
    assert report.documents_added >= 2 and report.metrics_added > 0
    second = ingest(sources_file=str(sources_file(tmp_path, demo_site)), db=str(paths.db), return_state=True)
    assert second.is_completed() and second.message == "nothing new"
    [again] = second.result()
    assert (again.versions_added, again.metrics_added) == (0, 0)


def test_backfill_flow_loads_exactly_its_window(tmp_path: Path, demo_site: DemoSite, paths: WarehousePaths) -> None:
    from flows.ingest import backfill

    state = backfill(
        source="demo",
        since=date(2022, 1, 1),
        until=date(2022, 12, 31),
        sources_file=str(sources_file(tmp_path, demo_site)),
        db=str(paths.db),
        return_state=True,
    )
    assert state.is_completed(), state.message
    with open_reader(paths.db) as con:
        published = run_query(con, "SELECT published_at FROM documents_current").rows
    assert published and all(row[0].year == 2022 for row in published)


def test_a_busy_warehouse_fails_the_run_with_a_one_line_reason(
    tmp_path: Path, demo_site: DemoSite, paths: WarehousePaths
) -> None:
    from flows.ingest import ingest

    from ingest.load.warehouse import run_lock

    with run_lock(paths.db):
        state = ingest(
            sources_file=str(sources_file(tmp_path, demo_site)), db=str(paths.db), lock_timeout=0.2, return_state=True
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


def test_parse_tasks_run_in_batches_and_come_back_in_order(tmp_path: Path, paths: WarehousePaths) -> None:
    from flows.parse import parse_in_batches
    from prefect import flow

    from ingest.parse import ParsedBatch, parse

    jobs = [job_for(tmp_path, page) for page in (REPORT, NEWS, REPORT, NEWS, NEWS)]

    batches: list[ParsedBatch] = []

    @flow
    def parse_flow() -> list[list[str]]:
        urls = []
        for batch in parse_in_batches(tmp_path, jobs, batch_pages=2):
            batches.append(batch)
            urls.append([str(row["url"]) for row in batch.rows["stage_pages"]])
        return urls

    in_order = [[str(row["url"]) for row in parse(tmp_path, jobs[i : i + 2]).rows["stage_pages"]] for i in (0, 2, 4)]
    assert parse_flow() == in_order
    assert [len(urls) for urls in in_order] == [2, 2, 1]
    # Prefect holds every task result for the run: once consumed, a batch's rows are released
    assert [batch.rows for batch in batches] == [{}, {}, {}] and [b.pages for b in batches] == [2, 2, 1]


def test_backfill_parses_on_a_local_dask_cluster_with_the_same_result(
    tmp_path: Path, demo_site: DemoSite, paths: WarehousePaths
) -> None:
    """Parsing on Dask worker processes loads exactly what parsing in the run's own process loads."""
    from flows.ingest import backfill

    from ingest.sources import load_sources

    dask_logger, dask_messages = logging.getLogger("prefect.task_runner.dask"), ListHandler()
    dask_logger.addHandler(dask_messages)
    try:
        state = backfill(
            source="demo",
            since=date(1900, 1, 1),  # the whole site
            until=date(2100, 12, 31),
            sources_file=str(sources_file(tmp_path, demo_site)),
            db=str(paths.db),
            dask="local",
            return_state=True,
        )
    finally:
        dask_logger.removeHandler(dask_messages)
    assert state.is_completed(), state.message
    assert any("Creating a new Dask cluster" in message for message in dask_messages.messages)

    in_process = WarehousePaths.beside(tmp_path / "in_process" / "reports.duckdb")
    [source] = load_sources(sources_file(tmp_path, demo_site))
    ingest_once(in_process, source, mode="backfill")
    assert metric_rows(paths.db) == metric_rows(in_process.db) != []


def test_a_bad_dask_address_fails_the_run_before_it_starts(
    tmp_path: Path, demo_site: DemoSite, paths: WarehousePaths
) -> None:
    from flows.ingest import ingest

    state = ingest(
        sources_file=str(sources_file(tmp_path, demo_site)), db=str(paths.db), dask="dask-scheduler", return_state=True
    )
    assert state.is_failed()
    assert state.message == "dask must be 'local' or a scheduler address such as tcp://host:8786, got 'dask-scheduler'"
    assert not paths.db.exists()  # no load was begun
