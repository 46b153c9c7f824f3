"""render = "list": a column built in JavaScript, read as the system's headless Chromium renders it, every request
the browser makes going through the source's fetcher (rules, rate limit, archive)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from ingest.demo_site.portal import PortalSite
from ingest.failures import FailureKind
from ingest.fetch import Fetcher, WarcArchive, read_record
from ingest.fetch.browser import Renderer
from ingest.load.store import Warehouse
from tests.test_portal import loaded_urls, source_for


@pytest.fixture
def portal() -> Iterator[PortalSite]:
    with PortalSite() as site:
        yield site


@pytest.mark.browser
def test_render_list_ingests_a_column_built_in_javascript(portal: PortalSite, warehouse: Warehouse) -> None:
    from tests.conftest import load_once

    outcome = load_once(warehouse, source_for(portal, portal.url("js_only"), render="list"))
    assert outcome.summary.failures == []
    assert loaded_urls(warehouse) == {portal.base_url + a.path for a in portal.articles["js_only"]}
    paths = [path for path, _ in portal.requests()]
    # the browser asked for the page through the fetcher (robots.txt first); the logo was never requested
    assert paths == ["/robots.txt", "/col/col105/index.html", portal.articles["js_only"][0].path]


def test_without_render_the_same_column_is_a_js_only_list(portal: PortalSite, warehouse: Warehouse) -> None:
    from tests.conftest import load_once

    outcome = load_once(warehouse, source_for(portal, portal.url("js_only")))
    assert [failure.kind for failure in outcome.summary.failures] == [FailureKind.js_only_list]


@pytest.mark.browser
def test_the_rendered_page_and_its_raw_response_are_archived(portal: PortalSite, tmp_path: object) -> None:
    from pathlib import Path

    root = Path(str(tmp_path)) / "archive"
    source = source_for(portal, portal.url("js_only"), render="list", rate_limit=4.0)
    with (
        WarcArchive(root, name="render") as archive,
        Fetcher(source, archive) as fetcher,
        Renderer(fetcher, archive) as renderer,
    ):
        first = renderer.render(portal.url("js_only"))
        second = renderer.render(portal.url("stub"))
    assert first.ok and first.warc is not None and first.headers["x-rendered-by"] == "chromium"
    rendered = read_record(root, first.warc)
    article = portal.articles["js_only"][0]
    assert f'<a href="{article.path}">{article.title}</a>' in rendered.body.decode("utf-8")
    assert second.ok
    # both pages came through the fetcher's rate limiter: 4 requests a second at most
    assert second.fetched_at.timestamp() - first.fetched_at.timestamp() >= 0.25


@pytest.mark.browser
def test_a_page_the_fetcher_refuses_is_not_rendered(portal: PortalSite) -> None:
    source = source_for(portal, portal.url("challenge"), render="list")
    with Fetcher(source) as fetcher, Renderer(fetcher, None) as renderer:
        result = renderer.render(portal.url("challenge"))
        elsewhere = renderer.render("http://127.0.0.2:9/col/col1/index.html")
    assert result.kind is FailureKind.waf_challenge
    assert elsewhere.kind is FailureKind.refused and "is not on allowed_hosts" in (elsewhere.error or "")


@pytest.mark.browser
def test_render_all_renders_the_articles_too(portal: PortalSite, warehouse: Warehouse) -> None:
    from warcio.archiveiterator import ArchiveIterator

    from tests.conftest import load_once

    outcome = load_once(warehouse, source_for(portal, portal.url("js_only"), render="all"))
    assert outcome.summary.failures == []
    assert loaded_urls(warehouse) == {portal.base_url + a.path for a in portal.articles["js_only"]}
    rendered = []
    for archive in warehouse.paths.archive.glob("*.warc.gz"):
        with archive.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response" and record.http_headers.get_header("x-rendered-by") == "chromium":
                    rendered.append(urlsplit(record.rec_headers.get_header("WARC-Target-URI")).path)
    assert rendered == ["/col/col105/index.html", portal.articles["js_only"][0].path]
