"""The parse stage on its own: archived responses in, staged rows out, without a warehouse or the network."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ingest.failures import FailureKind
from ingest.fetch import WarcArchive, WarcRef
from ingest.load.staging import FetchLogRow, UrlStateRow
from ingest.parse import ParseJob, parse, parse_batches

PAGES = Path(__file__).parent / "fixtures" / "pages"
REPORT = "trs_seed001.html"  # Yanbian's 2021 report, published 2022-07-11
NEWS = "trs_seed000.html"  # the newspaper page on the 2025 report, published 2025-01-11
FETCHED_AT = datetime(2026, 1, 22, 6, 0, tzinfo=UTC)


def archive_page(root: Path, page: str, url: str) -> WarcRef:
    with WarcArchive(root, name="load-1") as archive:
        return archive.write(
            url=url,
            final_url=url,
            status=200,
            headers={"Content-Type": "text/html; charset=utf-8", "ETag": f'"{page}"'},
            body=(PAGES / page).read_bytes(),
            fetched_at=FETCHED_AT,
        )


def job_for(root: Path, page: str) -> ParseJob:
    url = f"http://127.0.0.1/{page}"
    return ParseJob(
        url=url,
        source="demo",
        region="延边朝鲜族自治州",
        warc=archive_page(root, page, url),
        fetched=True,
        fetch_log=FetchLogRow(url=url, role="article", status=200, attempts=1, fetched_at=FETCHED_AT),
        url_state=UrlStateRow(url, "demo", f'"{page}"', None, 200, FETCHED_AT, None),
    )


def test_a_batch_becomes_the_rows_of_its_pages_sections_and_metrics(tmp_path: Path) -> None:
    jobs = [job_for(tmp_path, REPORT), job_for(tmp_path, NEWS)]

    batch = parse(tmp_path, jobs)

    assert batch.failures == [] and (batch.pages, batch.extracted, batch.outside_window) == (2, 2, 0)
    pages = {row.url: row for row in batch.rows.pages}
    assert set(pages) == {job.url for job in jobs}
    report = pages[jobs[0].url]
    assert report.title == "延边朝鲜族自治州2021年政府工作报告"
    assert report.published_at == datetime(2022, 7, 11, 20, 57, tzinfo=report.published_at.tzinfo)
    assert report.etag == f'"{REPORT}"' and report.fetched_at == FETCHED_AT and report.fetched is True
    assert (report.warc_offset, report.warc_record_id) == (jobs[0].warc.offset, jobs[0].warc.record_id)
    assert "现在,我代表州人民政府向大会报告工作" in report.text
    # every section and figure belongs to one of the batch's pages, and the counts say how many there are
    assert batch.sections == len(batch.rows.sections) > 10
    assert batch.metrics == len(batch.rows.metrics) > 100
    assert {row.url for row in batch.rows.metrics} == set(pages)
    # the rows waiting on the parse: each request logged without error, the crawl memory of each page kept
    assert [row.error for row in batch.rows.fetch_log] == [None, None]
    assert batch.rows.url_state == [job.url_state for job in jobs]


def test_pages_outside_the_window_are_counted_and_left_out(tmp_path: Path) -> None:
    jobs = [job_for(tmp_path, REPORT), job_for(tmp_path, NEWS)]

    batch = parse(tmp_path, jobs, window=(date(2025, 1, 1), date(2025, 12, 31)))

    assert (batch.extracted, batch.outside_window, batch.failures) == (1, 1, [])
    assert [row.url for row in batch.rows.pages] == [jobs[1].url]
    assert [row.url for row in batch.rows.url_state] == [jobs[1].url]  # the other is fetched again
    assert len(batch.rows.fetch_log) == 2


def test_an_unreadable_record_fails_its_page_only(tmp_path: Path) -> None:
    good = job_for(tmp_path, NEWS)
    moved = replace(job_for(tmp_path, REPORT), warc=replace(good.warc, record_id="<urn:uuid:not-this-one>"))
    missing = replace(good, url="http://127.0.0.1/gone.html", warc=replace(good.warc, path="gone.warc.gz"))

    batch = parse(tmp_path, [moved, good, missing])

    assert [row.url for row in batch.rows.pages] == [good.url]
    assert [f.url for f in batch.failures] == [moved.url, missing.url]
    assert all(f.kind is FailureKind.parse_error for f in batch.failures)
    assert all(f.detail.startswith("the archived response could not be read") for f in batch.failures)
    logged = [(row.error, row.reason_class) for row in batch.rows.fetch_log]
    first, second = (f.detail for f in batch.failures)
    assert logged == [(first, "parse_error"), (None, None), (second, "parse_error")]
    assert [row.url for row in batch.rows.url_state] == [good.url]  # failures are retried next run


def test_a_reprocess_job_stages_no_request_and_no_crawl_memory(tmp_path: Path) -> None:
    job = replace(job_for(tmp_path, NEWS), fetched=False, fetch_log=None, url_state=None)

    batch = parse(tmp_path, [job])

    assert [row.fetched for row in batch.rows.pages] == [False]
    assert batch.rows.fetch_log == [] and batch.rows.url_state == []


@pytest.mark.parametrize(("count", "sizes"), [(0, []), (1, [1]), (100, [100]), (250, [100, 100, 50])])
def test_jobs_are_parsed_in_batches_of_a_hundred(tmp_path: Path, count: int, sizes: list[int]) -> None:
    job = ParseJob(url="u", source="s", region=None, warc=WarcRef("a.warc.gz", 0, 1, "r"), fetched=True)
    jobs = [replace(job, url=f"u{i}") for i in range(count)]

    batches = parse_batches(jobs)

    assert [len(b) for b in batches] == sizes
    assert [j.url for b in batches for j in b] == [j.url for j in jobs]


def test_a_batch_keeps_its_counts_once_its_rows_are_released(tmp_path: Path) -> None:
    batch = parse(tmp_path, [job_for(tmp_path, REPORT), job_for(tmp_path, NEWS)])
    counts = (len(batch.rows.pages), len(batch.rows.sections), len(batch.rows.metrics))

    batch.release_rows()

    assert batch.rows.pages == [] and batch.rows.metrics == []
    assert (batch.pages, batch.extracted, batch.sections, batch.metrics) == (2, *counts)
