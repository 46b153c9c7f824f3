"""The WARC archive: records written by many threads read back by offset, exactly as written."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from ingest.fetch import ArchivedResponse, WarcArchive, WarcRef, read_record

FETCHED_AT = datetime(2024, 3, 5, 8, 30, 15, 123456, tzinfo=UTC)
PAGE = "<html><body>延边州2024年政府工作报告</body></html>".encode("gb18030")


def test_a_response_reads_back_as_written(tmp_path: Path) -> None:
    with WarcArchive(tmp_path / "archive", name="demo-20240305T083015-ab12") as archive:
        ref = archive.write(
            url="http://www.yanbian.gov.cn/zwgk/a.html",
            final_url="http://www.yanbian.gov.cn/zwgk/202403/t20240305_1.html",
            status=200,
            headers={"content-type": "text/html; charset=gb2312", "etag": '"abc"', "content-length": "999"},
            body=PAGE,
            fetched_at=FETCHED_AT,
            request_headers={"User-Agent": "ingest-test"},
        )
    assert ref.path == "demo-20240305T083015-ab12.warc.gz"
    assert (tmp_path / "archive" / ref.path).is_file()
    assert read_record(tmp_path / "archive", ref) == ArchivedResponse(
        url="http://www.yanbian.gov.cn/zwgk/a.html",
        final_url="http://www.yanbian.gov.cn/zwgk/202403/t20240305_1.html",
        status=200,
        # Content-Length is rewritten to the stored body's length
        headers={"content-type": "text/html; charset=gb2312", "etag": '"abc"', "content-length": str(len(PAGE))},
        body=PAGE,
        fetched_at=FETCHED_AT,
    )


def test_decoded_bodies_keep_their_original_encoding_headers_under_another_name(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, name="gzip") as archive:
        ref = archive.write(
            url="http://a.gov.cn/",
            final_url="http://a.gov.cn/",
            status=200,
            headers={"Content-Encoding": "gzip"},
            body=b"plain text",
            fetched_at=FETCHED_AT.astimezone(timezone(timedelta(hours=8))),
        )
    record = read_record(tmp_path, ref)
    assert record.body == b"plain text"
    assert record.headers["x-archive-orig-content-encoding"] == "gzip"
    assert "content-encoding" not in record.headers
    assert record.fetched_at == FETCHED_AT


def test_every_status_is_archived_with_its_request_and_truncation(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, name="statuses") as archive:
        for status in (304, 404, 500):
            archive.write(
                url=f"http://a.gov.cn/{status}",
                final_url=f"http://a.gov.cn/{status}",
                status=status,
                headers={},
                body=b"",
                fetched_at=FETCHED_AT,
                request_headers={"If-None-Match": '"x"'},
            )
        archive.write(
            url="http://a.gov.cn/cut",
            final_url="http://a.gov.cn/cut",
            status=200,
            headers={},
            body=b"half",
            fetched_at=FETCHED_AT,
            truncated="disconnect",
        )
    with (tmp_path / "statuses.warc.gz").open("rb") as file:
        records = [
            (
                r.rec_type,
                r.http_headers.get_statuscode() if r.rec_type == "response" else None,
                r.rec_headers.get_header("WARC-Truncated"),
            )
            for r in ArchiveIterator(file)
        ]
    assert records == [
        ("response", "304", None),
        ("request", None, None),
        ("response", "404", None),
        ("request", None, None),
        ("response", "500", None),
        ("request", None, None),
        ("response", "200", "disconnect"),
    ]


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    def write(n: int) -> WarcRef:
        return archive.write(
            url=f"http://a.gov.cn/{n}.html",
            final_url=f"http://a.gov.cn/{n}.html",
            status=200,
            headers={"content-type": "text/html"},
            body=f"第{n}页".encode() * 500,
            fetched_at=FETCHED_AT,
            request_headers={},
        )

    with WarcArchive(tmp_path, name="threads") as archive, ThreadPoolExecutor(8) as pool:
        refs = list(pool.map(write, range(40)))
    for n, ref in enumerate(refs):
        assert read_record(tmp_path, ref).body == f"第{n}页".encode() * 500


def test_appending_to_an_existing_archive_keeps_earlier_offsets(tmp_path: Path) -> None:
    def one(name: str) -> WarcRef:
        with WarcArchive(tmp_path, name="same") as archive:
            return archive.write(
                url=name, final_url=name, status=200, headers={}, body=name.encode(), fetched_at=FETCHED_AT
            )

    first, second = one("http://a.gov.cn/1"), one("http://a.gov.cn/2")
    assert second.offset == first.offset + first.length
    assert read_record(tmp_path, first).body == b"http://a.gov.cn/1"
    assert read_record(tmp_path, second).body == b"http://a.gov.cn/2"


def test_bad_names_and_refs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="archive name"):
        WarcArchive(tmp_path, name="../escape")
    with pytest.raises(ValueError, match="relative"):
        read_record(tmp_path, WarcRef(path="../x.warc.gz", offset=0, length=10, record_id="<urn:uuid:x>"))
    with WarcArchive(tmp_path, name="one") as archive:
        ref = archive.write(url="u", final_url="u", status=200, headers={}, body=b"", fetched_at=FETCHED_AT)
    with pytest.raises(ValueError, match="no response record"):
        read_record(tmp_path, WarcRef(ref.path, ref.offset, ref.length, "<urn:uuid:another>"))
