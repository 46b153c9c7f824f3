"""The parse stage: archived responses in, staged rows out, in batches that can run anywhere.

A :class:`ParseJob` names one response in the WARC archive; :func:`parse` reads a batch of them back, cleans,
sections and extracts each (ingest.extract) and returns the rows to stage in the load's package. It reads
nothing but the archive and writes nothing, and this module does not import DuckDB, so a batch runs as well in a
thread of the run as on a Dask worker that sees the archive.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingest.extract import content_sha256, extract_response
from ingest.fetch import ArchivedResponse, WarcRef, read_record
from ingest.metrics import Vocabulary
from ingest.model import ExtractedDocument, metric_record, section_record

PARSE_BATCH_PAGES = 100  # pages per parse task: about a second of work, against milliseconds of task overhead


@dataclass(frozen=True, slots=True)
class ParseJob:
    """An archived response to parse, and the rows that are staged only if it parses."""

    url: str  # canonical URL, the document's key
    source: str
    region: str | None  # the source's region: the default for figures whose document names none
    warc: WarcRef
    fetched: bool  # fetched by this load; False when a reprocess reads it back
    fetch_log: Mapping[str, object] | None = None  # its request, staged with the parse's error, if any
    url_state: Mapping[str, object] | None = None  # the crawl memory, kept only once the page is loaded


@dataclass(slots=True)
class ParsedBatch:
    """The staged rows of one parse task, by package table, and what it counted."""

    rows: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    pages: int = 0
    outside_window: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def add(self, table: str, rows: Iterable[dict[str, object]]) -> None:
        self.rows.setdefault(table, []).extend(rows)

    @property
    def extracted(self) -> int:
        """Documents staged: parsed and in the window."""
        return len(self.rows.get("stage_pages", ()))

    @property
    def sections(self) -> int:
        return len(self.rows.get("stage_sections", ()))

    @property
    def metrics(self) -> int:
        return len(self.rows.get("stage_metrics", ()))


def parse_batches(jobs: Sequence[ParseJob], size: int = PARSE_BATCH_PAGES) -> list[list[ParseJob]]:
    """``jobs`` in batches of ``size``: the unit of work of a parse task."""
    return [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]


def parse(
    archive: Path,
    jobs: Sequence[ParseJob],
    *,
    window: tuple[date | None, date | None] = (None, None),
    vocabulary: Vocabulary | None = None,
) -> ParsedBatch:
    """Clean, section and extract the archived responses of ``jobs`` into staged rows.

    Reads nothing but the WARC archive under ``archive`` and writes nothing, so it runs anywhere that sees the
    archive: in this process, a thread, or a Dask worker. Documents published outside ``window`` (since, until;
    either may be None) are counted and left out.
    """
    batch = ParsedBatch()
    vocabulary = vocabulary or Vocabulary.load()
    for job in jobs:
        error = _parse_job(batch, archive, job, window, vocabulary)
        if job.fetch_log is not None:
            batch.add("stage_fetch_log", [dict(job.fetch_log, error=error)])
        if error:
            batch.failures.append((job.url, error))
    return batch


def _parse_job(
    batch: ParsedBatch, archive: Path, job: ParseJob, window: tuple[date | None, date | None], vocabulary: Vocabulary
) -> str | None:
    """Stage what one archived response contributes; return why it failed, if it did."""
    batch.pages += 1
    try:
        response = read_record(archive, job.warc)
    except (OSError, ValueError) as exc:
        return f"the archived response could not be read: {exc}"
    try:
        extracted = extract_response(
            response.body,
            content_type=response.headers.get("content-type"),
            url=response.final_url,
            region=job.region,
            vocabulary=vocabulary,
        )
    except Exception as exc:  # one malformed page must not stop the run; it is logged as failed
        return f"extraction failed: {type(exc).__name__}: {exc}"
    if not _in_window(extracted, *window):
        batch.outside_window += 1
        return None
    _stage_page(batch, job, response, extracted)
    if job.url_state is not None:
        batch.add("stage_url_state", [dict(job.url_state)])
    return None


def _in_window(extracted: ExtractedDocument, since: date | None, until: date | None) -> bool:
    published = extracted.document.published_at
    if published is None:
        return True
    day = published.date()
    return (since is None or day >= since) and (until is None or day <= until)


def _stage_page(batch: ParsedBatch, job: ParseJob, response: ArchivedResponse, extracted: ExtractedDocument) -> None:
    document = extracted.document
    key = {"url": job.url, "extractor_version": extracted.extractor_version}
    batch.add(
        "stage_pages",
        [
            key
            | {
                "source": job.source,
                "fetched": job.fetched,
                "raw_sha256": hashlib.sha256(response.body).hexdigest(),
                "final_url": response.final_url,
                "etag": response.headers.get("etag"),
                "last_modified": response.headers.get("last-modified"),
                "fetched_at": response.fetched_at,
                **_warc_columns(job.warc),
                "content_sha256": content_sha256(document),
                "title": document.title,
                "published_at": document.published_at,
                "origin": document.source,
                "editor": document.editor,
                "column_name": document.column,
                "text": document.text,
            }
        ],
    )
    batch.add("stage_sections", [key | section_record(s) for s in extracted.sections])
    batch.add("stage_metrics", [key | {"ordinal": i} | metric_record(m) for i, m in enumerate(extracted.metrics)])


def _warc_columns(ref: WarcRef) -> dict[str, object]:
    return {
        "warc_path": ref.path,
        "warc_offset": ref.offset,
        "warc_length": ref.length,
        "warc_record_id": ref.record_id,
    }
