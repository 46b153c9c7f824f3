"""The parse stage: archived responses in, staged rows out, in batches that can run anywhere.

A :class:`ParseJob` names one response in the WARC archive; :func:`parse` reads a batch of them back, cleans,
sections and extracts each (ingest.extract) and returns the rows to stage in the load's package (built by
ingest.load.staging). It reads nothing but the archive and writes nothing, and it does not import DuckDB, so a
batch runs as well in a thread of the run as on a Dask worker that sees the archive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ingest.extract import extract_response
from ingest.failures import Failure, FailureKind
from ingest.fetch import WarcRef, read_record
from ingest.load.staging import FetchLogRow, StagedRows, UrlStateRow, stage_extraction
from ingest.metrics import Vocabulary
from ingest.model import ExtractedDocument

PARSE_BATCH_PAGES = 100  # pages per parse task: about a second of work, against milliseconds of task overhead
STUB_CHARS = 40  # an article page with less text than this is a stub: a notice, a redirect page, a bare link
# A page's rows are staged whole, and each of its figures carries its sentence: a sentence of thousands of figures
# weighs thousands of times its length (issue 19 staged 2 GB from a 60 KB page). Pages whose rows would hold more
# characters than this are refused as too complex. A full report, 100,000 characters and a few thousand figures
# with their sentences, stages under a million; 20 MB (max_bytes) of Chinese text, 7 million, stays under it.
MAX_PAGE_CHARS = 8_000_000

Window = tuple[date | None, date | None]
"""Publication days a load keeps: (since, until), either None for no bound."""


@dataclass(frozen=True, slots=True)
class ParseJob:
    """An archived response to parse, and the rows that are staged only if it parses."""

    url: str  # canonical URL, the document's key
    source: str
    region: str | None  # the source's region: the default for figures whose document names none
    warc: WarcRef
    fetched: bool  # fetched by this load; False when a reprocess reads it back
    fetch_log: FetchLogRow | None = None  # its request, staged with the parse's failure, if any
    url_state: UrlStateRow | None = None  # the crawl memory, kept only once the page is loaded
    region_code: str | None = None  # the code of the source's region (Source.region_code)


@dataclass(slots=True)
class ParsedBatch:
    """The staged rows of one parse task and what it counted.

    The counts are kept apart from the rows so that they stay true once the rows are written and released
    (a batch outlives its rows: Prefect keeps every task's result until the flow run ends).
    """

    rows: StagedRows = field(default_factory=StagedRows)
    pages: int = 0  # jobs parsed, whatever came of them
    extracted: int = 0  # documents staged: parsed and in the window
    sections: int = 0
    metrics: int = 0
    outside_window: int = 0
    failures: list[Failure] = field(default_factory=list)

    def release_rows(self) -> None:
        """Drop the rows once they are written; the counts stay."""
        self.rows = StagedRows()


def parse_batches(jobs: Sequence[ParseJob], size: int = PARSE_BATCH_PAGES) -> list[list[ParseJob]]:
    """``jobs`` in batches of ``size``: the unit of work of a parse task."""
    return [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]


def parse(
    archive: Path,
    jobs: Sequence[ParseJob],
    *,
    window: Window = (None, None),
    vocabulary: Vocabulary | None = None,
) -> ParsedBatch:
    """Clean, section and extract the archived responses of ``jobs`` into staged rows.

    Reads nothing but the WARC archive under ``archive`` and writes nothing, so it runs anywhere that sees the
    archive: in this process, a thread, or a Dask worker. Documents published outside ``window`` are counted and
    left out.
    """
    batch = ParsedBatch()
    vocabulary = vocabulary or Vocabulary.load()
    for job in jobs:
        failure = _parse_job(batch, archive, job, window, vocabulary)
        if job.fetch_log is not None:
            logged = job.fetch_log
            if failure is not None:
                logged = replace(logged, error=failure.detail, reason_class=failure.kind.value)
            batch.rows.fetch_log.append(logged)
        if failure is not None:
            batch.failures.append(failure)
    return batch


def _parse_job(
    batch: ParsedBatch, archive: Path, job: ParseJob, window: Window, vocabulary: Vocabulary
) -> Failure | None:
    """Stage what one archived response contributes; return why it failed, if it did."""
    batch.pages += 1
    try:
        response = read_record(archive, job.warc)
    except (OSError, ValueError) as exc:
        return Failure(job.url, FailureKind.parse_error, f"the archived response could not be read: {exc}")
    try:
        extracted = extract_response(
            response.body,
            content_type=response.headers.get("content-type"),
            url=response.final_url,
            region=job.region,
            vocabulary=vocabulary,
        )
    except Exception as exc:  # one malformed page must not stop the run; it is logged as failed
        return Failure(job.url, FailureKind.parse_error, f"extraction failed: {type(exc).__name__}: {exc}")
    text = "".join(extracted.document.text.split())
    if not text:
        return Failure(job.url, FailureKind.empty_text, "no main text was left after cleaning")
    if len(text) < STUB_CHARS:
        return Failure(job.url, FailureKind.stub, f"an article page with {len(text)} characters of text")
    if not _in_window(extracted, *window):
        batch.outside_window += 1
        return None
    page = StagedRows()
    try:
        stage_extraction(
            page,
            url=job.url,
            source=job.source,
            fetched=job.fetched,
            warc=job.warc,
            response=response,
            extracted=extracted,
            region=job.region,
            region_code=job.region_code,
        )
    except Exception as exc:  # like extraction: one page's rows that cannot be staged must not stop the run
        return Failure(job.url, FailureKind.parse_error, f"staging failed: {type(exc).__name__}: {exc}")
    chars = page.text_chars()
    if chars > MAX_PAGE_CHARS:
        detail = (
            f"its text and the sentences of its {len(extracted.metrics):,} figures come to {chars:,} characters,"
            f" over the cap of {MAX_PAGE_CHARS:,} per page"
        )
        return Failure(job.url, FailureKind.too_complex, detail)
    batch.rows.extend(page)
    batch.extracted += 1
    batch.sections += len(extracted.sections)
    batch.metrics += len(extracted.metrics)
    if job.url_state is not None:
        batch.rows.url_state.append(job.url_state)
    return None


def _in_window(extracted: ExtractedDocument, since: date | None, until: date | None) -> bool:
    published = extracted.document.published_at
    if published is None:
        return True
    day = published.date()
    return (since is None or day >= since) and (until is None or day <= until)
