"""A backfill retries, and so reports, only the failures of its own window (issue 17)."""

from __future__ import annotations

from datetime import date

from ingest.demo_site import DemoSite, Fault
from ingest.load.store import Warehouse
from ingest.sources import Source
from tests.conftest import load_once

REPORT_2022 = "/zwgk/zfgzbg/202207/t20220711_437062.html"


def test_a_backfill_leaves_the_failures_of_other_years_alone(
    warehouse: Warehouse, demo_site: DemoSite, demo_source: Source
) -> None:
    demo_site.faults.add(Fault(kind="status", path=REPORT_2022))  # HTTP 500, every time
    scheduled = load_once(warehouse, demo_source)
    assert [failure.url for failure in scheduled.summary.failures] == [demo_site.url(REPORT_2022)]

    before = len(demo_site.requests())
    old_years = load_once(warehouse, demo_source, mode="backfill", since=date(2008, 1, 1), until=date(2008, 12, 31))
    asked = [record.path for record in demo_site.requests()[before:]]
    assert REPORT_2022 not in asked and old_years.summary.failures == []

    before = len(demo_site.requests())
    its_year = load_once(warehouse, demo_source, mode="backfill", since=date(2022, 1, 1), until=date(2022, 12, 31))
    asked = [record.path for record in demo_site.requests()[before:]]
    assert REPORT_2022 in asked
    assert [failure.url for failure in its_year.summary.failures] == [demo_site.url(REPORT_2022)]
