"""Real Prefect flow runs (one temporary server per session) against the demo site over loopback."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from ingest.demo_site import DemoSite
from ingest.pipeline import WarehousePaths
from ingest.query import open_reader, run_query

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
