"""Issue 17: in the Prefect UI, a run whose requests partly failed looks different from a clean one. A real
`prefect server start` with its UI, two backfills against the demo site (one with an HTTP 500 page), the states
read back through the API, and the run page and the artifacts page opened in Debian's headless Chromium.

The screenshots are written beside the test's other files; docs/prefect-runs.png, docs/prefect-run.png and
docs/prefect-artifacts.png are copies of them.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from ingest.demo_site import DemoSite
from ingest.local_server import server_environment
from tests.conftest import prefect_api
from tests.test_prefect_conventions import flow_run_of, partly_failed_and_clean
from tests.test_report import chromium  # noqa: F401  # the module's browser, as the report's tests open it
from tests.test_serve import BIN, _free_port, _healthy, _stop, _wait_for

pytestmark = [pytest.mark.prefect, pytest.mark.browser]


@pytest.fixture(scope="module")
def server_with_ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Prefect server with its UI on loopback; its address (the API is under /api)."""
    home = tmp_path_factory.mktemp("prefect-ui")
    port = _free_port()
    log = home / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [BIN / "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=server_environment(home, port),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _healthy(f"{url}/api", process, log), timeout=180, what="the Prefect server to answer")
        yield url
    finally:
        _stop(process)


def test_a_partly_failed_run_stands_out_in_the_ui(
    server_with_ui: str,
    tmp_path: Path,
    chromium: object,  # noqa: F811
) -> None:
    with DemoSite() as site, prefect_api(f"{server_with_ui}/api"):
        partly, clean, _ = partly_failed_and_clean(tmp_path, site)
        partly_run, clean_run = flow_run_of(partly), flow_run_of(clean)
    assert (partly_run.name, partly_run.state_name) == (
        "backfill demo 2008-01-01..2022-12-31",
        "Completed with failures",
    )
    assert (clean_run.name, clean_run.state_name) == ("backfill demo 2022", "Completed")

    page: Page = chromium.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page.goto(f"{server_with_ui}/runs/flow-run/{partly_run.id}")
    page.get_by_text("backfill demo 2008-01-01..2022-12-31").first.wait_for(timeout=60_000)
    page.get_by_text("Completed with failures").first.wait_for(timeout=60_000)  # the state badge says it
    page.screenshot(path=str(tmp_path / "prefect-run.png"))

    page.goto(f"{server_with_ui}/runs")
    page.get_by_text("backfill demo 2022").first.wait_for(timeout=60_000)
    assert page.get_by_text("Completed with failures").count() >= 1  # apart from the clean run in the runs list
    page.screenshot(path=str(tmp_path / "prefect-runs.png"))

    page.goto(f"{server_with_ui}/artifacts")
    for key in ("demo-summary", "demo-failures", "demo-documents"):
        page.get_by_text(key).first.wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "prefect-artifacts.png"))
    page.close()
