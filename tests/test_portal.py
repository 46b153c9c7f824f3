"""The third demo template over loopback: lists built from data endpoints, a cookie WAF, a script challenge, a
JS-only column, a stub and a blackholed host, each recognised from the pages and counted by failure kind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.demo_site.portal import PortalSite
from ingest.failures import FailureKind
from ingest.load.store import Warehouse
from ingest.query import open_query_session, run_query
from ingest.sources import Source
from tests.conftest import load_once


@pytest.fixture
def portal() -> Iterator[PortalSite]:
    with PortalSite() as site:
        yield site


def source_for(site: PortalSite, *start_urls: str, **options: object) -> Source:
    settings: dict[str, object] = {
        "name": "portal",
        "region": "示例市",
        "region_code": "222400",  # as sources/demo.toml gives it: 示例市 is in no national list
        "start_urls": list(start_urls),
        "allowed_hosts": [site.base_url.removeprefix("http://")],
        "allow_private": True,
        "rate_limit": 100.0,
        "max_retries": 0,
        "timeout": 2.0,
    }
    return Source.model_validate(settings | options)


def loaded_urls(warehouse: Warehouse) -> set[str]:
    with open_query_session(warehouse.paths.db) as con:
        return {str(row[0]) for row in run_query(con, "SELECT url FROM documents_current").rows}


@pytest.mark.parametrize("column", ["dataproxy", "gkmlpt", "waf"])
def test_a_column_is_ingested_from_its_list_url_alone(portal: PortalSite, warehouse: Warehouse, column: str) -> None:
    outcome = load_once(warehouse, source_for(portal, portal.url(column)))
    assert outcome.summary.failures == []
    expected = {portal.base_url + article.path for article in portal.articles[column]}
    assert loaded_urls(warehouse) == expected


def test_the_dataproxy_endpoint_is_paged_with_the_parameters_from_the_script(
    portal: PortalSite, warehouse: Warehouse
) -> None:
    load_once(warehouse, source_for(portal, portal.url("dataproxy")))
    asked = [path for path, _ in portal.requests() if "dataproxy.jsp" in path]
    # perPage 1 in the page's script: three records a request (jpage's group), then the fourth
    assert len(asked) == 2
    assert all("columnid=101" in path and "unitid=301" in path for path in asked)
    assert "startrecord=1&endrecord=3&perpage=1" in asked[0] and "startrecord=4&endrecord=6" in asked[1]


def test_the_waf_redirect_to_itself_is_followed_once_with_its_cookie(portal: PortalSite, warehouse: Warehouse) -> None:
    load_once(warehouse, source_for(portal, portal.url("waf")))
    column = [cookie for path, cookie in portal.requests() if path == "/col/col103/index.html"]
    assert column == [None, "__waf_ok=1"]
    article = portal.articles["waf"][0].path
    # the cookie jar lasts the run: the article is fetched with the cookie, at the first attempt
    assert [cookie for path, cookie in portal.requests() if path == article] == ["__waf_ok=1"]


def test_faulty_columns_end_completed_and_are_counted_by_kind(portal: PortalSite, warehouse: Warehouse) -> None:
    source = source_for(
        portal,
        portal.url("challenge"),
        portal.url("js_only"),
        portal.url("stub"),
        portal.blackhole_url,
        allowed_hosts=[portal.base_url.removeprefix("http://"), portal.blackhole_url.split("/")[2]],
    )
    outcome = load_once(warehouse, source)
    assert outcome.report.status == "completed_with_failures"
    kinds = {failure.url: failure.kind for failure in outcome.summary.failures}
    assert kinds == {
        portal.url("challenge"): FailureKind.waf_challenge,
        portal.url("js_only"): FailureKind.js_only_list,
        portal.base_url + portal.articles["stub"][0].path: FailureKind.stub,
        portal.blackhole_url: FailureKind.timeout,
    }
    with open_query_session(warehouse.paths.db) as con:
        counted = run_query(con, "SELECT reason_class, count(*) FROM fetch_log GROUP BY 1 ORDER BY 1 NULLS FIRST").rows
    assert counted == [(None, 1), ("js_only_list", 1), ("stub", 1), ("timeout", 1), ("waf_challenge", 1)]


def test_a_challenge_is_told_from_a_refusal_and_from_a_page_with_text() -> None:
    from ingest.demo_site.portal import CHALLENGE
    from ingest.fetch.waf import challenge

    assert challenge(412, CHALLENGE) == "HTTP 412 with a script challenge"
    assert challenge(200, CHALLENGE) == "HTTP 200: a page that only sets a cookie by script"
    assert challenge(412, b"<html><body><h1>412 Precondition Failed</h1></body></html>") is None
    with_text = CHALLENGE.replace(b"<body>", b"<body><p>" + "本站为政府网站,欢迎访问。".encode() * 4 + b"</p>")
    assert challenge(200, with_text) is None


def test_a_source_can_name_its_list_endpoint(portal: PortalSite, warehouse: Warehouse) -> None:
    endpoint = f"{portal.base_url}/module/web/jpage/dataproxy.jsp?columnid=101&unitid=301&startrecord=1&endrecord=2"
    source = source_for(portal, portal.url("stub"), list_api={"url": endpoint, "dialect": "dataproxy"})
    outcome = load_once(warehouse, source)
    assert [failure.kind for failure in outcome.summary.failures] == [FailureKind.stub]
    assert loaded_urls(warehouse) == {portal.base_url + a.path for a in portal.articles["dataproxy"]}
    asked = [path for path, _ in portal.requests() if "dataproxy.jsp" in path]
    # four records, two a request: the second request ends at the total
    assert len(asked) == 2 and "startrecord=3&endrecord=4" in asked[1]


def test_a_post_search_endpoint_named_by_the_source_is_paged_through_its_form(
    portal: PortalSite, warehouse: Warehouse
) -> None:
    from urllib.parse import unquote_plus

    from warcio.archiveiterator import ArchiveIterator

    from ingest.demo_site.portal import SEARCH_PATH

    api = {
        "url": portal.base_url + SEARCH_PATH,
        "dialect": "json",
        "form": {"searchWord": "政府工作报告", "pageNo": "1"},
    }
    outcome = load_once(warehouse, source_for(portal, portal.url("stub"), list_api=api))
    assert [failure.kind for failure in outcome.summary.failures] == [FailureKind.stub]
    assert loaded_urls(warehouse) == {portal.base_url + a.path for a in portal.articles["dataproxy"]}
    # four results, two a page: pageNo 1 and 2, both POSTed
    assert [path for path, _ in portal.requests() if path.startswith("POST")] == [f"POST {SEARCH_PATH}"] * 2
    # the archive keeps each POST with its form
    posted = []
    for archive in warehouse.paths.archive.glob("*.warc.gz"):
        with archive.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "request" and record.http_headers.protocol == "POST":
                    posted.append(unquote_plus(record.content_stream().read().decode("ascii")))
    assert posted == ["searchWord=政府工作报告&pageNo=1", "searchWord=政府工作报告&pageNo=2"]


def test_an_ingest_run_over_the_faulty_columns_ends_completed_naming_each_kind_with_its_hint(
    prefect_harness: None, portal: PortalSite, tmp_path: Path
) -> None:
    from bench.mirror import write_sources
    from flows.ingest_flows import ingest
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from ingest.failures import HINTS

    faulty = ["challenge", "js_only", "stub"]
    source = source_for(
        portal,
        *(portal.url(key) for key in faulty),
        portal.blackhole_url,
        allowed_hosts=[portal.base_url.removeprefix("http://"), portal.blackhole_url.split("/")[2]],
    )
    write_sources(tmp_path / "sources.toml", [source])
    state = ingest(sources_file=str(tmp_path / "sources.toml"), db=str(tmp_path / "w.duckdb"), return_state=True)
    assert state.is_completed(), state.message
    kinds = [FailureKind.waf_challenge, FailureKind.js_only_list, FailureKind.stub, FailureKind.timeout]
    assert all(f"{kind} 1" in str(state.message) for kind in kinds), state.message
    with get_client(sync_client=True) as client:
        run = ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=run))
    [summary] = [str(a.data) for a in artifacts if a.key is not None and a.key.endswith("-summary")]
    for kind in kinds:
        assert f"| {kind} | 1 | {HINTS[kind]} |" in summary
