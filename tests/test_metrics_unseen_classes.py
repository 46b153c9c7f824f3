"""Classes of error issue 13 reports from documents nobody tuned for, each on a real sentence where the material
we may use has one (its source named), else on a constructed one, marked as such.

The expected rows are read from the sentences under eval/GOLD.md, never taken from the extractor's output.
"""

from __future__ import annotations

from decimal import Decimal

from ingest.metrics import extract_metrics
from ingest.model import Metric
from ingest.sections import split_sections
from tests.test_sections import UNNUMBERED_PARTS

Row = tuple[str | None, str | None, str, str, Decimal, str | None]


def rows(metrics: list[Metric]) -> list[Row]:
    return [(m.indicator, m.period, m.kind, m.measure, m.value, m.unit) for m in metrics]


def test_unnumbered_part_headings_date_review_and_targets() -> None:
    # Constructed report (see tests/test_sections.py): no year in its title, its parts headed "2024年工作回顾" and
    # "2025年工作安排"; the report year is 2025, so the second part's figures are 2025 targets.
    found = rows(
        extract_metrics(UNNUMBERED_PARTS, split_sections(UNNUMBERED_PARTS, "政府工作报告"), title="政府工作报告")
    )
    assert ("GDP", "2024", "actual", "growth", Decimal("5.1"), "%") in found
    assert ("INDUSTRIAL_VA", "2024", "actual", "growth", Decimal(6), "%") in found
    assert ("GDP", "2025", "target", "growth", Decimal(6), "%") in found
    assert ("RETAIL_SALES", "2025", "target", "growth", Decimal(6), "%") in found
    assert ("INDUSTRIAL_VA", "2025", "target", "growth", Decimal(7), "%") in found
