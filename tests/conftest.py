"""Shared fixtures: one Prefect test server per session, a fresh demo site and warehouse per test.

Tests that use the Prefect server are marked ``prefect`` here (they take seconds each); ``make test-fast`` leaves
them and the ``slow``, ``browser`` and ``storage`` ones out.

`make test` runs the tests on every core with pytest-xdist (``--dist loadfile``): each worker is a process with its
own Prefect home and, when it runs a test that needs one, its own Prefect server; a module runs on one worker, in
file order. (``--dist loadgroup`` would let one worker run every test of the session's server, but pytest-xdist
3.8 marks a group by rewriting ``item._nodeid``, which pytest 9.2 no longer reads: its groups are split.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from ingest.project import PROJECT_ROOT, configure_prefect_environment

if worker := os.environ.get("PYTEST_XDIST_WORKER"):
    # Prefect writes its profiles and local results under its home: two workers must not write the same files.
    home = Path(os.environ.get("PREFECT_HOME", PROJECT_ROOT / ".prefect")) / worker
    home.mkdir(parents=True, exist_ok=True)  # Prefect makes only the last folder, and warns in a fresh clone
    os.environ["PREFECT_HOME"] = str(home)
configure_prefect_environment()  # before anything imports prefect
# An `ingest` command a test runs without PREFECT_API_URL starts a local Prefect server (ingest.local_server): it
# stops by itself 30 s after its last command rather than outlive the session by half an hour.
os.environ.setdefault("INGEST_SERVER_IDLE_SECONDS", "30")

from bench.mirror import write_sources  # noqa: E402

from ingest import pipeline  # noqa: E402
from ingest.demo_site import DemoSite  # noqa: E402
from ingest.fetch import FetchResult, Validators  # noqa: E402
from ingest.load.store import Warehouse  # noqa: E402
from ingest.sources import Source  # noqa: E402
from tests.demo_warehouse import shared_demo_warehouse  # noqa: E402

SEEDS = Path(__file__).resolve().parents[1] / "src" / "ingest" / "demo_site" / "content" / "seeds"
SEED_REPORT = SEEDS / "001_87a0047e5aaad651.txt"  # Yanbian's 2021 government work report
SEED_NEWS = SEEDS / "000_82c341a43f7495af.txt"  # a newspaper page interpreting the 2025 report


# Not "storage": it marks whole modules for `make test-fast` to leave out, and as long chains they would start before
# test_serve.py, the longest.
LONG = ("prefect", "slow", "browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "prefect_harness" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.prefect)
    # The long tests first and the many short ones last, so that the workers finish together rather than one
    # running a minute-long test alone at the end (the Makefile keeps this order: --no-loadscope-reorder). A
    # module marked long as a whole is one long chain on one worker, so it goes first of all. The sort is stable.
    items.sort(key=_start_order)


def _start_order(item: pytest.Item) -> int:
    module = item.getparent(pytest.Module)
    if module is not None and any(mark.name in LONG for mark in module.own_markers):
        return 0
    if any(item.get_closest_marker(name) for name in LONG):
        return 1
    return 2


@contextmanager
def prefect_api(url: str) -> Iterator[None]:
    """Point this process's Prefect at the server ``url`` for a while.

    Prefect's log and event workers keep sending to the server they started under, so they are drained and stopped
    before leaving, while that server still answers: left running, they would send the rest of the session's logs
    to a server that has stopped, and the session harness's drain at exit would wait on them for ever.
    """
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: url}):
        try:
            yield
        finally:
            APILogWorker.drain_all()
            EventsWorker.drain_all()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect server for the whole session: it takes seconds to start."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database of the warehouse `ingest demo` builds (tests/demo_warehouse.py), built once per run and shared
    by the workers: only for tests that read it."""
    root = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        root = root.parent  # the run's folder, which holds each worker's own
    return shared_demo_warehouse(root)


@pytest.fixture
def demo_site() -> Iterator[DemoSite]:
    with DemoSite() as site:
        yield site


def validators_of(result: FetchResult) -> Validators:
    """What a response said about its version, as the pipeline keeps it for the next conditional request."""
    return Validators(etag=result.headers.get("etag"), last_modified=result.headers.get("last-modified"))


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
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse.at(tmp_path / "warehouse" / "reports.duckdb")


def load_once(
    warehouse: Warehouse,
    source: Source,
    *,
    mode: pipeline.CrawlMode = "scheduled",
    refetch: pipeline.Refetch = "failed",
    since: date | None = None,
    until: date | None = None,
) -> pipeline.LoadOutcome:
    """One load of ``source`` in this process, as the flows compose it."""
    request = pipeline.LoadRequest(source, kind=mode, mode=mode, since=since, until=until, refetch=refetch)
    return pipeline.run_load(warehouse, request)


def sources_file_for(path: Path, site: DemoSite, **options: object) -> Path:
    """Writes a sources file at ``path`` for a demo site (the source of demo_source_for, with ``options``)."""
    write_sources(path, [demo_source_for(site, **options)])
    return path
