"""The staging schema: the tables of a load package (warehouse/package.sql), one row type each, and their builders.

This is the contract between the stages that produce rows (fetching, parsing) and the loader: the row types'
fields are the package tables' columns, by name. The module imports neither DuckDB nor the network, so a parse
batch that builds rows runs as well on a Dask worker as in the run's process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Context, Decimal
from typing import Literal

from ingest.crawl import CrawledPage
from ingest.extract import content_sha256
from ingest.failures import Failure
from ingest.fetch import ArchivedResponse, WarcRef
from ingest.model import ExtractedDocument
from ingest.regions import figure_region_code

StageTable = Literal["stage_pages", "stage_sections", "stage_metrics", "stage_fetch_log", "stage_url_state"]
STAGE_TABLES: tuple[StageTable, ...] = (
    "stage_pages",
    "stage_sections",
    "stage_metrics",
    "stage_fetch_log",
    "stage_url_state",
)


@dataclass(frozen=True, slots=True)
class PageRow:
    """A fetched response (``fetched``) or a stored version re-extracted by reprocess, with its extraction."""

    url: str  # canonical URL
    extractor_version: str
    source: str
    fetched: bool
    raw_sha256: str
    final_url: str
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    warc_path: str
    warc_offset: int
    warc_length: int
    warc_record_id: str
    content_sha256: str
    title: str | None
    published_at: datetime | None
    origin: str | None
    editor: str | None
    column_name: str | None
    text: str


@dataclass(frozen=True, slots=True)
class SectionRow:
    url: str
    extractor_version: str
    ordinal: int
    parent: int | None
    level: int
    number: str | None
    heading: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class MetricRow:
    url: str
    extractor_version: str
    ordinal: int
    indicator: str | None
    name: str
    region: str | None
    period: str | None
    kind: str
    measure: str
    basis: str
    value: Decimal
    value_high: Decimal | None
    unit: str | None
    value_std: Decimal | None
    unit_std: str | None
    qualifier: str | None
    sentence: str
    start: int
    end: int
    section: int | None
    region_code: str | None = None  # ingest.regions.figure_region_code


@dataclass(frozen=True, slots=True)
class FetchLogRow:
    """One request's outcome; ``error`` and ``reason_class`` are None when it succeeded."""

    url: str
    role: str
    status: int | None
    attempts: int
    fetched_at: datetime
    error: str | None = None
    reason_class: str | None = None


@dataclass(frozen=True, slots=True)
class UrlStateRow:
    """The crawl memory of one article: validators for the next run's conditional request."""

    url: str
    source: str
    etag: str | None
    last_modified: str | None
    last_status: int | None
    last_fetched_at: datetime
    listed_date: date | None


StageRow = PageRow | SectionRow | MetricRow | FetchLogRow | UrlStateRow


@dataclass(slots=True)
class StagedRows:
    """Rows bound for a package, by table."""

    pages: list[PageRow] = field(default_factory=list)
    sections: list[SectionRow] = field(default_factory=list)
    metrics: list[MetricRow] = field(default_factory=list)
    fetch_log: list[FetchLogRow] = field(default_factory=list)
    url_state: list[UrlStateRow] = field(default_factory=list)

    def by_table(self) -> Iterator[tuple[StageTable, Sequence[StageRow]]]:
        yield "stage_pages", self.pages
        yield "stage_sections", self.sections
        yield "stage_metrics", self.metrics
        yield "stage_fetch_log", self.fetch_log
        yield "stage_url_state", self.url_state

    def extend(self, other: StagedRows) -> None:
        self.pages.extend(other.pages)
        self.sections.extend(other.sections)
        self.metrics.extend(other.metrics)
        self.fetch_log.extend(other.fetch_log)
        self.url_state.extend(other.url_state)

    def text_chars(self) -> int:
        """The characters of the rows' unbounded texts (see :func:`text_chars`)."""
        return sum(text_chars(row) for _, rows in self.by_table() for row in rows)


def text_chars(row: StageRow) -> int:
    """The characters of a row's texts that grow with its page: a page's text and a figure's sentence; the other
    fields are a few dozen bytes. Every figure of a sentence carries the whole sentence, so a sentence of thousands
    of figures weighs thousands of times its length."""
    if isinstance(row, PageRow):
        return len(row.text)
    if isinstance(row, MetricRow):
        return len(row.sentence)
    return 0


def columns(rows: Sequence[StageRow]) -> dict[str, list[object]]:
    """Rows of one table as columns, the shape a package inserts them in (ingest.load.package)."""
    names = [f.name for f in fields(rows[0])]
    return {name: [getattr(row, name) for row in rows] for name in names}


def fetch_log_row(page: CrawledPage, failure: Failure | None = None) -> FetchLogRow:
    result = page.result
    return FetchLogRow(
        url=result.url,
        role=page.role,
        status=result.status,
        attempts=result.attempts,
        fetched_at=result.fetched_at,
        error=failure.detail if failure else None,
        reason_class=failure.kind.value if failure else None,
    )


def url_state_row(source: str, page: CrawledPage) -> UrlStateRow:
    result = page.result
    return UrlStateRow(
        url=page.link.url if page.link else result.url,
        source=source,
        etag=result.headers.get("etag"),
        last_modified=result.headers.get("last-modified"),
        last_status=result.status,
        last_fetched_at=result.fetched_at,
        listed_date=page.link.published if page.link else None,
    )


# Figures are DECIMAL(38, 10) in the warehouse, and Arrow infers a batch's decimal type from its values: a figure of
# 28 digits beside one of 23 decimals needs 51 digits, which DuckDB cannot read, and the whole batch failed. Figures
# are staged rounded to the 10 decimals the column keeps anyway; one of more than 28 digits before the point raises
# InvalidOperation here (38 digits in all), and its page is a failure, not the batch.
_COLUMN_SCALE = Decimal(1).scaleb(-10)
_COLUMN = Context(prec=38)


def _as_column(value: Decimal) -> Decimal:
    return value.quantize(_COLUMN_SCALE, context=_COLUMN)


def stage_extraction(
    rows: StagedRows,
    *,
    url: str,
    source: str,
    fetched: bool,
    warc: WarcRef,
    response: ArchivedResponse,
    extracted: ExtractedDocument,
    region: str | None = None,
    region_code: str | None = None,
) -> None:
    """Add a page's row and the rows of its sections and figures to ``rows``; each figure gets the code of its region
    as the source's ``region`` and ``region_code`` decide it (ingest.regions.figure_region_code)."""
    document = extracted.document
    version = extracted.extractor_version
    year = document.published_at.year if document.published_at else None
    rows.pages.append(
        PageRow(
            url=url,
            extractor_version=version,
            source=source,
            fetched=fetched,
            raw_sha256=hashlib.sha256(response.body).hexdigest(),
            final_url=response.final_url,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            fetched_at=response.fetched_at,
            warc_path=warc.path,
            warc_offset=warc.offset,
            warc_length=warc.length,
            warc_record_id=warc.record_id,
            content_sha256=content_sha256(document),
            title=document.title,
            published_at=document.published_at,
            origin=document.source,
            editor=document.editor,
            column_name=document.column,
            text=document.text,
        )
    )
    rows.sections.extend(
        SectionRow(
            url=url,
            extractor_version=version,
            ordinal=s.ordinal,
            parent=s.parent,
            level=s.level,
            number=s.number,
            heading=s.heading,
            start=s.start,
            end=s.end,
            kind=s.kind,
        )
        for s in extracted.sections
    )
    rows.metrics.extend(
        MetricRow(
            url=url,
            extractor_version=version,
            ordinal=ordinal,
            indicator=m.indicator,
            name=m.name,
            region=m.region,
            period=m.period,
            kind=m.kind,
            measure=m.measure,
            basis=m.basis,
            value=_as_column(m.value),
            value_high=None if m.value_high is None else _as_column(m.value_high),
            unit=m.unit,
            value_std=None if m.value_std is None else _as_column(m.value_std),
            unit_std=m.unit_std,
            qualifier=m.qualifier,
            sentence=m.sentence,
            start=m.start,
            end=m.end,
            section=m.section,
            region_code=figure_region_code(m.region, source_region=region, source_code=region_code, year=year),
        )
        for ordinal, m in enumerate(extracted.metrics)
    )
