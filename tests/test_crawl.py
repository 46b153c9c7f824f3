"""Incremental crawling of the demo site: what each run fetches, verified from the server's request log."""

from __future__ import annotations

import logging
import os
import time
from datetime import date
from pathlib import Path

import pytest

from ingest.crawl import CrawledPage, KnownArticle, crawl, missing_in_window
from ingest.demo_site import DemoSite, Fault
from ingest.discover import parse_list_page
from ingest.errors import ConfigError
from ingest.fetch import Fetcher, WarcArchive, read_record
from ingest.sources import Source
from tests.conftest import demo_source_for, validators_of

# The demo's 政府工作报告 column, newest first, two per list page (page_size=2), and its 要闻动态 column.
REPORT_2021 = "/zwgk/zfgzbg/202207/t20220711_437062.html"  # listed 2022-07-11
NATIONAL_2008 = "/zwgk/zfgzbg/200803/t20080305_10532.html"  # listed 2008-03-05
NATIONAL_1978 = "/zwgk/zfgzbg/197802/t19780226_1045.html"  # listed 1978-02-26, on index_1.html
NEWS_2025 = "/xwzx/ywdt/202501/t20250113_512318.html"  # listed 2025-01-13
UPCOMING = "/xwzx/ywdt/202503/t20250305_518846.html"  # listed once published
FIRST_LISTS = {"/zwgk/zfgzbg/index.html", "/xwzx/ywdt/index.html"}


def source_for(site: DemoSite, **options: object) -> Source:
    return demo_source_for(site, **({"max_retries": 1} | options))


def run(
    demo_site: DemoSite,
    known: dict[str, KnownArticle],
    tmp_path: Path | None = None,
    **options: object,
) -> list[CrawledPage]:
    """One crawl; like the pipeline, articles that loaded become known with their validators."""
    source = source_for(demo_site)
    archive = WarcArchive(tmp_path, name="crawl") if tmp_path is not None else None
    with Fetcher(source, archive, backoff_base=0.01) as fetcher:
        pages = list(crawl(source, fetcher, known, **options))  # type: ignore[arg-type]
    if archive is not None:
        archive.close()
    for page in pages:
        if page.role == "article" and page.link is not None and (page.result.ok or page.result.not_modified):
            validators = validators_of(page.result)
            known[page.link.url] = KnownArticle(page.link.url, validators.etag, validators.last_modified)
    return pages


def articles(demo_site: DemoSite, pages: list[CrawledPage]) -> dict[str, int | None]:
    """Article path → status of its fetch."""
    prefix = demo_site.base_url
    return {p.result.url.removeprefix(prefix): p.result.status for p in pages if p.role == "article"}


def lists(demo_site: DemoSite, pages: list[CrawledPage]) -> list[str]:
    return [p.result.url.removeprefix(demo_site.base_url) for p in pages if p.role == "list"]


def test_the_first_scheduled_run_pages_through_and_fetches_everything(demo_site: DemoSite, tmp_path: Path) -> None:
    pages = run(demo_site, {}, tmp_path, mode="scheduled")
    assert articles(demo_site, pages) == {REPORT_2021: 200, NATIONAL_2008: 200, NATIONAL_1978: 200, NEWS_2025: 200}
    assert sorted(lists(demo_site, pages)) == sorted([*FIRST_LISTS, "/zwgk/zfgzbg/index_1.html"])
    report = next(p for p in pages if p.result.url == demo_site.url(REPORT_2021))
    assert report.link is not None and report.link.published == date(2022, 7, 11)
    assert report.result.warc is not None
    assert read_record(tmp_path, report.result.warc).body == report.result.body


def test_an_unchanged_site_costs_the_first_list_pages_and_conditional_requests(demo_site: DemoSite) -> None:
    known: dict[str, KnownArticle] = {}
    run(demo_site, known, mode="scheduled")
    demo_site.reset()

    pages = run(demo_site, known, mode="scheduled")
    assert articles(demo_site, pages) == {REPORT_2021: 304, NATIONAL_2008: 304, NEWS_2025: 304}
    requests = demo_site.requests()
    plain = {r.path for r in requests if r.if_none_match is None}
    conditional = {r.path: r.status for r in requests if r.if_none_match is not None}
    assert plain == {"/robots.txt", *FIRST_LISTS}
    assert conditional == {REPORT_2021: 304, NATIONAL_2008: 304, NEWS_2025: 304}
    assert len(requests) == 6  # robots.txt, two list pages, three conditional requests


def test_a_new_article_and_an_edited_one_are_fetched_the_rest_is_not(demo_site: DemoSite) -> None:
    known: dict[str, KnownArticle] = {}
    run(demo_site, known, mode="scheduled")
    demo_site.faults.publish_upcoming()
    demo_site.faults.edit(NEWS_2025)

    pages = run(demo_site, known, mode="scheduled")
    assert articles(demo_site, pages) == {UPCOMING: 200, NEWS_2025: 200, REPORT_2021: 304, NATIONAL_2008: 304}
    new = next(p for p in pages if p.result.url == demo_site.url(UPCOMING))
    assert [r.if_none_match for r in demo_site.requests() if r.path == UPCOMING] == [None]
    assert new.link is not None and new.link.title


def test_a_failed_article_is_fetched_again_by_the_next_run(demo_site: DemoSite) -> None:
    demo_site.faults.add(Fault("status", path=NATIONAL_2008))
    known: dict[str, KnownArticle] = {}
    first = run(demo_site, known, mode="scheduled")
    failed = next(p for p in first if p.result.url == demo_site.url(NATIONAL_2008))
    assert failed.result.error == "HTTP 500 (gave up after 2 attempts)"
    assert articles(demo_site, first)[REPORT_2021] == 200  # the rest of the run loads

    demo_site.reset()
    second = run(demo_site, known, mode="scheduled")
    # the first list page still holds an unknown article, so paging goes on to index_1 as well
    assert articles(demo_site, second) == {NATIONAL_2008: 200, REPORT_2021: 304, NEWS_2025: 304, NATIONAL_1978: 304}
    assert demo_site.url(NATIONAL_2008) in known


def test_a_failed_list_page_is_logged_and_retried_when_asked(demo_site: DemoSite) -> None:
    demo_site.faults.add(Fault("status", path="/zwgk/zfgzbg/index_1.html", status=502))
    known: dict[str, KnownArticle] = {}
    first = run(demo_site, known, mode="scheduled")
    failed = [p.result for p in first if p.role == "list" and p.result.error]
    assert [(r.url, r.error) for r in failed] == [
        (demo_site.url("/zwgk/zfgzbg/index_1.html"), "HTTP 502 (gave up after 2 attempts)")
    ]
    assert NATIONAL_1978 not in articles(demo_site, first)

    demo_site.reset()
    second = run(demo_site, known, mode="scheduled", retry_lists=[demo_site.url("/zwgk/zfgzbg/index_1.html")])
    assert articles(demo_site, second)[NATIONAL_1978] == 200


def test_backfill_fetches_exactly_the_window_and_stops_paging_below_it() -> None:
    with DemoSite(page_size=1) as one_per_page:
        pages = run(one_per_page, {}, mode="backfill", since=date(2020, 1, 1), until=date(2024, 12, 31))
        assert articles(one_per_page, pages) == {REPORT_2021: 200}
        # index_1 lists only the 2008 report, older than the window: paging stops there
        requested = {r.path for r in one_per_page.requests()}
        assert "/zwgk/zfgzbg/index_1.html" in requested and "/zwgk/zfgzbg/index_2.html" not in requested
        assert not requested & {NATIONAL_2008, NATIONAL_1978, NEWS_2025}


def test_backfill_rechecks_known_articles_in_the_window(demo_site: DemoSite) -> None:
    known: dict[str, KnownArticle] = {}
    first = run(demo_site, known, mode="backfill", since=date(2000, 1, 1))
    assert articles(demo_site, first) == {REPORT_2021: 200, NATIONAL_2008: 200, NEWS_2025: 200}
    pages = run(demo_site, known, mode="backfill", since=date(2000, 1, 1), until=date(2022, 12, 31))
    assert articles(demo_site, pages) == {REPORT_2021: 304, NATIONAL_2008: 304}


def test_the_second_cms_template_is_crawled_with_no_site_specific_code() -> None:
    with DemoSite(template="second", page_size=1) as second:
        pages = run(second, {}, mode="scheduled")
        expected = {a.path for a in second.articles if not a.upcoming}
        assert set(articles(second, pages)) == expected
        assert all(p.result.ok for p in pages)
        assert len([p for p in pages if p.role == "list"]) > len(second.list_urls)  # it paged


def test_an_empty_backfill_window_is_a_config_error(demo_site: DemoSite) -> None:
    with pytest.raises(ConfigError, match="window is empty"):
        run(demo_site, {}, mode="backfill", since=date(2024, 1, 1), until=date(2023, 1, 1))


def test_list_pages_are_bounded_and_never_read_twice() -> None:
    with DemoSite(page_size=1) as one_per_page:
        source = source_for(one_per_page, max_list_pages=3)
        with Fetcher(source, backoff_base=0.01) as fetcher:
            pages = list(crawl(source, fetcher, {}, mode="scheduled", retry_lists=[one_per_page.list_urls[0]]))
        listed = [p.result.url for p in pages if p.role == "list"]
        assert len(listed) == 3 and len(set(listed)) == 3
        assert len([r for r in one_per_page.requests() if "index" in r.path]) == 3


HOSTILE_LIST = "/zwgk/hostile/index.html"


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.timeout(60)
def test_discovery_is_linear_in_links_that_share_a_parent(demo_site: DemoSite) -> None:
    """Issue 19, case 5: each link rescanned the links of its parent; 8,000 of them took 109 s."""
    demo_site.faults.add(Fault("links", path=HOSTILE_LIST, links=8000))
    with Fetcher(source_for(demo_site)) as fetcher:
        result = fetcher.fetch(demo_site.url(HOSTILE_LIST))
    assert result.ok and result.body is not None
    started = time.process_time()  # the CPU parsing costs: wall time would measure the machine's load
    page = parse_list_page(result.body.decode(), result.final_url)
    seconds = time.process_time() - started
    assert len(page.articles) == 8000 and not page.more_articles
    assert page.articles[-1].published == date(2023, 5, 26)
    assert seconds < 5.0


@pytest.mark.slow  # a page of 100,000 links served, read and parsed: seconds of CPU
@pytest.mark.timeout(60)
def test_a_list_page_of_100000_links_yields_at_most_the_cap(
    demo_site: DemoSite, caplog: pytest.LogCaptureFixture
) -> None:
    demo_site.faults.add(Fault("links", path=HOSTILE_LIST, links=100_000))
    source = source_for(demo_site, start_urls=[demo_site.url(HOSTILE_LIST)])
    before = rss_bytes()
    with caplog.at_level(logging.WARNING, logger="ingest.crawl"), Fetcher(source) as fetcher:
        links = list(missing_in_window(source, fetcher, {}, since=None, until=None))
    assert len(links) == source.max_links_per_list_page == 1000
    assert links[0].url == demo_site.url("/zwgk/zfgzbg/202305/t20230526_1.html")
    assert f"list page {demo_site.url(HOSTILE_LIST)} lists more than 1000 articles" in caplog.text
    assert rss_bytes() - before < 512 * 1024 * 1024


@pytest.mark.timeout(60)
def test_a_run_fetches_at_most_max_articles_per_run(demo_site: DemoSite, caplog: pytest.LogCaptureFixture) -> None:
    source = source_for(demo_site, max_articles_per_run=3)
    with caplog.at_level(logging.WARNING, logger="ingest.crawl"), Fetcher(source, backoff_base=0.01) as fetcher:
        pages = list(crawl(source, fetcher, {}, mode="scheduled"))
    assert len([page for page in pages if page.role == "article"]) == 3
    assert "source demo: 3 articles this run (max_articles_per_run); the rest wait for the next run" in caplog.text
