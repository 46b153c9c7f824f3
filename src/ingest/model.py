"""Plain data passed between the pipeline's stages.

Every stage is a function over these types; none of them knows about Prefect or DuckDB.
Offsets (``start``/``end``) are Python string indices into ``CleanDocument.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

SectionKind = Literal["body", "appendix"]
MetricKind = Literal["actual", "estimate", "target"]
Measure = Literal["growth", "level"]
Basis = Literal["annual", "average_annual", "cumulative"]


@dataclass(frozen=True, slots=True)
class CleanDocument:
    """The main text of one page and what is known about it."""

    text: str
    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    published_at: datetime | None = None  # timezone-aware, Asia/Shanghai
    source: str | None = None  # 来源 / ContentSource
    editor: str | None = None  # 责任编辑
    column: str | None = None  # ColumnName / breadcrumb leaf
    heading_lines: frozenset[int] = frozenset()  # lines of text the page set as headings (h1–h6, all bold)


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the span of clean text it governs (heading line included)."""

    ordinal: int  # 0-based, in document order
    level: int  # 1 = top level
    number: str | None  # the label as written: "一", "（一）", "1.", "①", "第一部分"; None for title lines
    heading: str
    start: int
    end: int
    kind: SectionKind = "body"
    parent: int | None = None  # ordinal of the enclosing section


@dataclass(frozen=True, slots=True)
class Metric:
    """One stated figure, traceable to the sentence it came from."""

    indicator: str | None  # code from the indicator vocabulary, None when unmatched
    name: str  # the indicator's name as written
    region: str | None
    period: str | None  # "2020", "2016-2020", or the first months of a year "2016-01/2016-10"
    kind: MetricKind
    measure: Measure
    basis: Basis
    value: Decimal
    value_high: Decimal | None
    unit: str | None  # as written: "%", "亿元", "个百分点", "万人次"
    value_std: Decimal | None
    unit_std: str | None  # "%", "pp", "元", "人", "吨", "人次", "美元", "公顷", "亩" …
    qualifier: str | None  # 左右, 以上, 力争, "range" …
    sentence: str
    start: int
    end: int
    section: int | None = None  # ordinal of the innermost section holding the figure


@dataclass(frozen=True, slots=True)
class ExtractedDocument:
    """Everything the extractor derives from one page."""

    document: CleanDocument
    sections: list[Section] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    extractor_version: str = ""


METRIC_FIELDS = (
    "indicator",
    "name",
    "region",
    "period",
    "kind",
    "measure",
    "basis",
    "value",
    "value_high",
    "unit",
    "value_std",
    "unit_std",
    "qualifier",
    "sentence",
    "start",
    "end",
)
"""The fields of a metric row in the `ingest extract` JSON contract, in order."""

SECTION_FIELDS = ("level", "number", "heading", "start", "end", "kind")
"""The fields of a section in the `ingest extract` JSON contract, in order."""


def metric_record(metric: Metric) -> dict[str, object]:
    """A metric as a flat record: the contract's fields, then its section ordinal."""
    return {name: getattr(metric, name) for name in METRIC_FIELDS} | {"section": metric.section}


def section_record(section: Section) -> dict[str, object]:
    """A section as a flat record: its ordinal and parent, then the contract's fields."""
    return {"ordinal": section.ordinal, "parent": section.parent} | {
        name: getattr(section, name) for name in SECTION_FIELDS
    }
