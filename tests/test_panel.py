"""The panel and coverage views on warehouses built through the real loader, read from the published snapshot as
analysts read them: a target in one year's report, its outcome in the next year's, a county's bulletin on its
prefecture's site, time travel, and the demo's figures with their region codes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.chinese import SHANGHAI
from ingest.demo_site import DemoArticle, DemoColumn, DemoSite, Paragraph
from ingest.load.store import Warehouse
from ingest.query import open_reader, run_query
from tests.conftest import demo_source_for, load_once

REPORTS = DemoColumn("政府工作报告", "/zwgk/zfgzbg/", "trs")
BULLETINS = DemoColumn("统计公报", "/zwgk/tjgb/", "trs")
READINGS = DemoColumn("政策解读", "/zwgk/zcjd/", "trs")


def article(column: DemoColumn, path: str, title: str, day: datetime, text: str) -> DemoArticle:
    return DemoArticle(column, path, title, day, paragraphs=(Paragraph(text),))


REPORT_2021 = article(
    REPORTS,
    "/zwgk/zfgzbg/202101/t20210120_1.html",
    "2021年政府工作报告",
    datetime(2021, 1, 20, 9, tzinfo=SHANGHAI),
    "2021年经济社会发展的主要预期目标是：地区生产总值增长7%左右，社会消费品零售总额增长9%以上。",
)
REPORT_2022 = article(
    REPORTS,
    "/zwgk/zfgzbg/202201/t20220120_2.html",
    "2022年政府工作报告",
    datetime(2022, 1, 20, 9, tzinfo=SHANGHAI),
    "2021年，全州地区生产总值增长6.5%，社会消费品零售总额增长10.2%，经济运行稳中向好。",
)
# 延吉市 (222401) lies in 延边朝鲜族自治州 (222400): its bulletin on the prefecture's site is its own.
YANJI_BULLETIN = article(
    BULLETINS,
    "/zwgk/tjgb/202204/t20220420_3.html",
    "延吉市2021年国民经济和社会发展统计公报",
    datetime(2022, 4, 20, 9, tzinfo=SHANGHAI),
    "初步核算，2021年全市地区生产总值增长6.1%，社会消费品零售总额增长8.8%，经济运行稳中向好。",
)
# No figure: its region is its source's, its kind an interpretation by its title.
GRAPHIC = article(
    READINGS,
    "/zwgk/zcjd/202201/t20220121_4.html",
    "图解：2022年州政府工作报告",
    datetime(2022, 1, 21, 9, tzinfo=SHANGHAI),
    "一图读懂州政府工作报告：回顾过去一年的工作，部署今年的重点任务，敬请关注各项惠民举措的落实情况。",
)


def query(db: Path, sql: str, as_of: str | None = None) -> list[tuple[object, ...]]:
    with open_reader(db, as_of=as_of) as con:
        return run_query(con, sql).rows


def load_site(warehouse: Warehouse, *articles: DemoArticle) -> str:
    """Load the articles as source "demo" of 延边 (222400) from a demo site of their own; return the load id."""
    with DemoSite(articles=list(articles)) as site:
        outcome = load_once(warehouse, demo_source_for(site, region_code="222400"))
    assert outcome.summary.failures == []
    return outcome.report.load_id


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, str]]:
    """One load with the 2021 report, a later one with the 2022 report and 延吉's bulletin for 2021."""
    warehouse = Warehouse.at(tmp_path_factory.mktemp("panel") / "reports.duckdb")
    first = load_site(warehouse, REPORT_2021)
    load_site(warehouse, REPORT_2022, YANJI_BULLETIN, GRAPHIC)
    titles = {str(title): str(doc_id) for doc_id, title in query(warehouse.paths.db, PANEL_DOCS)}
    return warehouse.paths.db, first, titles


PANEL_DOCS = "SELECT doc_id, title FROM documents_current"
PANEL = """
SELECT region_code, region, level, year, indicator, target_value, target_qualifier, outcome_value, revised_value,
       gap, target_doc_id, outcome_doc_id
FROM panel WHERE measure = 'growth' ORDER BY region_code, indicator
"""


def test_a_target_and_the_next_years_outcome_share_a_panel_row(two_years: tuple[Path, str, dict[str, str]]) -> None:
    db, _, doc = two_years
    target, outcome, yanji = doc["2021年政府工作报告"], doc["2022年政府工作报告"], doc[YANJI_BULLETIN.title]
    assert query(db, PANEL) == [
        ("222400", "延边朝鲜族自治州", "prefecture", 2021, "GDP", Decimal("7"), "左右", Decimal("6.5"), Decimal("6.5"),
         Decimal("-0.5"), target, outcome),
        ("222400", "延边朝鲜族自治州", "prefecture", 2021, "RETAIL_SALES", Decimal("9"), "以上", Decimal("10.2"),
         Decimal("10.2"), Decimal("1.2"), target, outcome),
        ("222401", "延吉市", "county", 2021, "GDP", None, None, Decimal("6.1"), Decimal("6.1"), None, None, yanji),
        ("222401", "延吉市", "county", 2021, "RETAIL_SALES", None, None, Decimal("8.8"), Decimal("8.8"), None, None,
         yanji),
    ]  # fmt: skip


def test_the_cookbook_query_answers_in_one_query(two_years: tuple[Path, str, dict[str, str]]) -> None:
    db, _, _ = two_years
    cookbook = (Path(__file__).resolve().parents[1] / "bench" / "sql" / "views" / "panel.sql").read_text()
    assert query(db, cookbook) == [
        ("延边朝鲜族自治州", 2021, Decimal("7"), "左右", None, Decimal("6.5"), Decimal("6.5"), Decimal("-0.5"))
    ]


def test_coverage_counts_each_kind_per_region_and_year(two_years: tuple[Path, str, dict[str, str]]) -> None:
    db, _, doc = two_years
    rows = query(
        db,
        "SELECT region_code, region, year, documents, work_reports, bulletins, interpretations, others, doc_ids "
        "FROM coverage ORDER BY region_code, year",
    )
    assert rows == [
        ("222400", "延边朝鲜族自治州", 2021, 1, 1, 0, 0, 0, [doc["2021年政府工作报告"]]),
        ("222400", "延边朝鲜族自治州", 2022, 2, 1, 0, 1, 0, [doc["2022年政府工作报告"], doc[GRAPHIC.title]]),
        ("222401", "延吉市", 2022, 1, 0, 1, 0, 0, [doc[YANJI_BULLETIN.title]]),
    ]


def test_the_new_views_travel_in_time(two_years: tuple[Path, str, dict[str, str]]) -> None:
    db, first, doc = two_years
    assert query(db, PANEL, as_of=first) == [
        ("222400", "延边朝鲜族自治州", "prefecture", 2021, "GDP", Decimal("7"), "左右", None, None, None,
         doc["2021年政府工作报告"], None),
        ("222400", "延边朝鲜族自治州", "prefecture", 2021, "RETAIL_SALES", Decimal("9"), "以上", None, None, None,
         doc["2021年政府工作报告"], None),
    ]  # fmt: skip
    assert query(db, "SELECT region_code, year, documents FROM coverage", as_of=first) == [("222400", 2021, 1)]


def test_every_demo_figure_has_a_region_code_but_the_national_ones(demo_warehouse: Path) -> None:
    db = demo_warehouse
    coded = query(db, "SELECT region, region_code, count(*) > 0 FROM metrics_current GROUP BY ALL ORDER BY ALL")
    # 全国: national reports republished on the prefectures' sites, which GB/T 2260 gives no code
    assert coded == [
        ("万载县", "360922", True),
        ("全国", None, True),
        ("宜春市", "360900", True),
        ("延边朝鲜族自治州", "222400", True),
    ]
    documents = query(db, "SELECT source, region_code FROM documents_current GROUP BY ALL ORDER BY ALL")
    assert documents == [("portal", "222400"), ("yanbian", "222400"), ("yichun", "360900")]
