"""Shared fixtures: one Prefect test server per session, a fresh demo site and warehouse per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.project import configure_prefect_environment

configure_prefect_environment()  # before anything imports prefect

from ingest.demo_site import DemoSite  # noqa: E402
from ingest.pipeline import WarehousePaths  # noqa: E402
from ingest.sources import Source  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "src" / "ingest" / "demo_site" / "content" / "seeds"
SEED_REPORT = SEEDS / "001_87a0047e5aaad651.txt"  # Yanbian's 2021 government work report
SEED_NEWS = SEEDS / "000_82c341a43f7495af.txt"  # a newspaper page interpreting the 2025 report


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect server for the whole session: it takes seconds to start."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def demo_site() -> Iterator[DemoSite]:
    with DemoSite() as site:
        yield site


def demo_source_for(site: DemoSite, **options: object) -> Source:
    """A demo site as a source, with politeness relaxed so tests run quickly; ``options`` override fields."""
    settings: dict[str, object] = {
        "name": "demo",
        "region": "延边朝鲜族自治州",
        "start_urls": site.list_urls,
        "allow_private": True,
        "rate_limit": 100.0,
        "max_retries": 2,
        "timeout": 5.0,
    }
    return Source.model_validate(settings | options)


@pytest.fixture
def demo_source(demo_site: DemoSite) -> Source:
    return demo_source_for(demo_site)


@pytest.fixture
def paths(tmp_path: Path) -> WarehousePaths:
    return WarehousePaths.beside(tmp_path / "warehouse" / "reports.duckdb")
