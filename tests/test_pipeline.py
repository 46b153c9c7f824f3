"""The whole path without Prefect: demo site over loopback → fetch → clean → sections → metrics → DuckDB."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ingest import pipeline
from ingest.demo_site import DemoSite, Fault
from ingest.failures import FailureKind
from ingest.load.apply import LoadReport
from ingest.load.store import Warehouse
from ingest.query import open_reader, run_query
from ingest.sources import Source
from tests.conftest import demo_source_for, load_once

REPORT_PATH = "/zwgk/zfgzbg/202207/t20220711_437062.html"  # seed 001 on the demo site


def ingest_once(
    warehouse: Warehouse, source: Source, *, mode: pipeline.CrawlMode = "scheduled", **window: date
) -> tuple[pipeline.CollectSummary, LoadReport]:
    outcome = load_once(warehouse, source, mode=mode, **window)
    return outcome.summary, outcome.report


def query(warehouse: Warehouse, sql: str, as_of: str | None = None) -> list[tuple[object, ...]]:
    with open_reader(warehouse.paths.db, as_of=as_of) as con:
        return run_query(con, sql).rows


def test_first_run_loads_both_seeds_with_sections_and_metrics(warehouse: Warehouse, demo_source: Source) -> None:
    summary, report = ingest_once(warehouse, demo_source)
    assert summary.failures == []
    assert report.status == "completed"
    local_time = "strftime(published_at AT TIME ZONE 'Asia/Shanghai', '%Y-%m-%d %H:%M')"
    documents = dict(query(warehouse, f"SELECT title, {local_time} FROM documents_current"))
    # titles and times as the demo site's pages state them (seed 001's info line: 发布时间:2022-07-11 20:57)
    assert documents["政府工作报告"] == "2022-07-11 20:57"
    assert documents["凝心聚力共奋进 务实笃行谱新篇"] == "2025-01-13 08:45"

    [(text,)] = query(warehouse, f"SELECT text FROM documents_current WHERE url LIKE '%{REPORT_PATH}'")
    assert "现在,我代表州人民政府向大会报告工作" in text
    assert "2022-10-06" not in text and "责任编辑" not in text

    headings = query(
        warehouse,
        "SELECT s.number, s.heading, s.text FROM sections_current s JOIN documents_current d USING (doc_id) "
        f"WHERE d.url LIKE '%{REPORT_PATH}' AND s.level = 1 ORDER BY s.ordinal",
    )
    assert ("2020年和“十三五”工作回顾" in str(headings[0][1])) and str(headings[0][2]).startswith("一、2020年")

    # "预计,地区生产总值增长0.5%" in the 2020 review: a 2020 estimate of GDP growth
    gdp = query(
        warehouse,
        "SELECT period, kind, measure, value, unit FROM metrics_current m JOIN documents_current d USING (doc_id) "
        f"WHERE d.url LIKE '%{REPORT_PATH}' AND m.indicator = 'GDP' AND m.value = 0.5",
    )
    assert gdp == [("2020", "estimate", "growth", Decimal("0.5"), "%")]


def test_second_run_over_an_unchanged_site_adds_nothing(warehouse: Warehouse, demo_source: Source) -> None:
    ingest_once(warehouse, demo_source)
    counts = (
        "SELECT (SELECT count(*) FROM document_versions), (SELECT count(*) FROM metrics), "
        "(SELECT count(*) FROM extractions), (SELECT count(*) FROM sections)"
    )
    before = query(warehouse, counts)
    summary, report = ingest_once(warehouse, demo_source)
    assert (report.documents_added, report.versions_added, report.metrics_added) == (0, 0, 0)
    assert summary.fetched == 0 and summary.not_modified > 0
    assert query(warehouse, counts) == before


def test_an_edited_page_adds_a_version_and_as_of_shows_the_old_text(
    warehouse: Warehouse, demo_site: DemoSite, demo_source: Source
) -> None:
    _, first = ingest_once(warehouse, demo_source)
    demo_site.faults.edit(REPORT_PATH)  # seed 001: its first "0.5%" becomes "0.6%"
    _, second = ingest_once(warehouse, demo_source)
    assert second.versions_added >= 1
    sql = "SELECT version, text FROM documents_current ORDER BY url"
    now, then = query(warehouse, sql), query(warehouse, sql, as_of=first.load_id)
    changed = [(old, new) for old, new in zip(then, now, strict=True) if old != new]
    assert changed and all(new[0] == old[0] + 1 for old, new in changed)


def test_reprocess_under_a_new_extractor_adds_rows_without_the_network(
    warehouse: Warehouse, demo_site: DemoSite, demo_source: Source, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_once(warehouse, demo_source)
    requests_before = len(demo_site.requests())
    monkeypatch.setattr("ingest.extract.EXTRACTOR_VERSION", "test-next")
    monkeypatch.setattr("ingest.pipeline.EXTRACTOR_VERSION", "test-next")
    summary, report = pipeline.run_reprocess(warehouse, {"demo": demo_source}, source="demo")
    assert len(demo_site.requests()) == requests_before  # the WARC archive, not the site
    documents = query(warehouse, "SELECT count(*) FROM documents_current")[0][0]
    assert summary.fetched == documents and report.extractions_added == documents
    assert report.versions_added == 0 and report.metrics_added > 0
    assert query(warehouse, "SELECT DISTINCT extractor_version FROM metrics_current") == [("test-next",)]
    # the same extraction again is a no-op, and the diff against the previous extractor is empty
    assert warehouse.extractor_diff(report.load_id) == []
    again = pipeline.run_reprocess(warehouse, {"demo": demo_source}, source="demo")
    assert again.report.extractions_added == 0


def test_backfill_dry_run_reads_list_pages_only(warehouse: Warehouse, demo_site: DemoSite, demo_source: Source) -> None:
    links = pipeline.preview_backfill(warehouse, demo_source, since=date(2022, 1, 1), until=date(2022, 12, 31))
    assert [link.url for link in links] == [demo_site.url(REPORT_PATH)]
    article_requests = [r for r in demo_site.requests() if "/t20" in r.path]
    assert article_requests == []
    assert not warehouse.paths.db.exists()


def test_backfill_refetch_modes(warehouse: Warehouse, demo_site: DemoSite, demo_source: Source) -> None:
    window = {"since": date(2000, 1, 1), "until": date(2030, 12, 31)}
    ingest_once(warehouse, demo_source, mode="backfill", **window)
    article_requests = len([r for r in demo_site.requests() if "/t20" in r.path or "/t19" in r.path])

    def articles_requested_by(refetch: pipeline.Refetch) -> list[object]:
        before = len(demo_site.requests())
        load_once(warehouse, demo_source, mode="backfill", refetch=refetch, **window)
        return [r.status for r in demo_site.requests()[before:] if "/t20" in r.path or "/t19" in r.path]

    assert articles_requested_by("none") == []
    assert articles_requested_by("failed") == [304] * article_requests
    assert articles_requested_by("all") == [200] * article_requests
    assert query(warehouse, "SELECT count(*) FROM document_versions") == [(article_requests,)]  # no new versions


def test_export_writes_every_public_view_as_parquet(warehouse: Warehouse, demo_source: Source, tmp_path: Path) -> None:
    from ingest.load.warehouse import PUBLIC_VIEWS
    from ingest.query import export_parquet

    ingest_once(warehouse, demo_source)
    with open_reader(warehouse.paths.db) as con:
        counts = export_parquet(con, tmp_path / "out")
        for view in PUBLIC_VIEWS:
            [(n,)] = run_query(con, f"SELECT count(*) FROM read_parquet('{tmp_path / 'out' / view}.parquet')").rows
            assert n == counts[view]
    assert counts["documents_current"] >= 2 and counts["metrics_current"] > 0


def test_a_page_that_keeps_failing_is_logged_the_rest_loads_and_the_next_run_catches_up(
    warehouse: Warehouse, demo_site: DemoSite, demo_source: Source
) -> None:
    from ingest.demo_site import Fault

    demo_site.faults.add(Fault("status", path=REPORT_PATH))  # HTTP 500 on every request
    summary, report = ingest_once(warehouse, demo_source)
    assert report.status == "completed_with_failures" and report.fetch_failures == 1
    [failure] = summary.failures
    assert failure.url.endswith(REPORT_PATH) and failure.kind is FailureKind.server_error
    assert failure.detail == f"HTTP 500 (gave up after {demo_source.max_retries + 1} attempts)"
    logged = query(
        warehouse, "SELECT url, status, error, reason_class, attempts FROM fetch_log WHERE error IS NOT NULL"
    )
    assert logged == [(failure.url, 500, failure.detail, "server_error", demo_source.max_retries + 1)]
    assert report.failure_kinds == (("server_error", 1),)
    assert report.documents_added >= 1  # the other articles loaded
    assert query(warehouse, f"SELECT count(*) FROM documents WHERE url LIKE '%{REPORT_PATH}'") == [(0,)]

    demo_site.faults.clear()
    _, caught_up = ingest_once(warehouse, demo_source)
    assert (caught_up.documents_added, caught_up.fetch_failures, caught_up.status) == (1, 0, "completed")
    _, again = ingest_once(warehouse, demo_source)
    assert again.versions_added == 0
    assert query(warehouse, "SELECT count(*), count(DISTINCT url) FROM documents") == [
        (report.documents_added + 1,) * 2
    ]


def test_a_site_on_another_cms_is_ingested_with_no_site_specific_code(warehouse: Warehouse) -> None:
    with DemoSite(template="second") as site:
        source = demo_source_for(site, name="yichun", region="宜春市")
        summary, report = ingest_once(warehouse, source)
    assert summary.failures == [] and report.status == "completed"
    titles = {row[0] for row in query(warehouse, "SELECT title FROM documents_current")}
    assert "宜春市2022年国民经济和社会发展统计公报" in titles
    assert any("万载县2022年国民经济和社会发展统计公报" in title for title in titles)
    assert query(warehouse, "SELECT count(*) > 0 FROM metrics_current WHERE indicator = 'GDP'") == [(True,)]


def served_articles(site: DemoSite) -> set[str]:
    """The URLs of the articles ``site`` answered with 200, from its own request log."""
    articles = {article.path for article in site.articles}
    return {site.url(r.path) for r in site.requests() if r.path in articles and r.status == 200}


def test_loads_begun_together_each_start_from_their_own_sources_memory(warehouse: Warehouse) -> None:
    with DemoSite() as whole, DemoSite(template="second") as faulty:
        gone = faulty.articles[0].path
        faulty.faults.add(Fault("status", gone, status=404))
        sources = [demo_source_for(whole, name="whole"), demo_source_for(faulty, name="faulty")]
        for source in sources:
            load_once(warehouse, source)
        requests = [pipeline.LoadRequest(source, kind="scheduled", mode="scheduled") for source in sources]
        # the faulty source's next crawl is cut between its packages: its second package begun, never committed
        [cut] = pipeline.start_loads(warehouse, requests[1:])
        pipeline.start_part(warehouse, requests[1], cut)

        memory = {plan.source: plan.memory for plan in pipeline.start_loads(warehouse, requests)}

        assert set(memory["whole"].known) == served_articles(whole)
        assert set(memory["faulty"].known) == served_articles(faulty)
        assert (memory["whole"].retry_articles, memory["faulty"].retry_articles) == ((), (faulty.url(gone),))
    assert (memory["whole"].resume, memory["faulty"].resume) == (False, True)
