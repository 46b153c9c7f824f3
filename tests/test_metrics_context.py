"""Period, kind and basis of figures from their clause, sentence, paragraph, section headings and document.

The texts are excerpts of the dev documents (seed 001, the 2008 national report) or sentences in their style;
sections are built by hand from the heading lines.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from ingest.metrics import extract_metrics
from ingest.model import Metric, Section

REPORT_2021 = (
    "政府工作报告\n"
    "——2021年1月12日在延边朝鲜族自治州第十五届人民代表大会第六次会议上\n"
    "一、2020年和“十三五”工作回顾\n"
    "过去一年,我们统筹推进疫情防控和经济社会发展。预计,地区生产总值增长0.5%。一般公共预算收入增长1%。\n"
    "(一)应对疫情有力有效。筹集资金8.1亿元投入疫情防控。累计隔离管控8.8万人、核酸检测63万份。\n"
    "——五年来,我们稳增长、调结构、促转型。预计地区生产总值年均增长3%。万元GDP能耗下降15.6%,"
    "服务业企业发展到30460户、增长61.8%。城镇新增就业18.7万人,城镇登记失业率控制在4.5%以内。"
    "贫困发生率由2015年的12.2%降至零。\n"
    "二、“十四五”总体部署、2035年远景目标及2021年工作安排\n"
    "展望2035年,经济总量或人均收入在2020年基础上翻一番。\n"
    "2021年是“十四五”规划开局之年。主要预期目标是:地区生产总值增长7%左右,规模以上工业增加值增长7%。\n"
    "(一)突出抓好项目建设。力争新增企业贷款50亿元。确保粮食产量稳定在165万吨左右。城镇新增就业1.5万人。\n"
)


def sections_of(text: str, headings: list[tuple[int, str, str]]) -> list[Section]:
    """Sections from (level, number, heading) of heading lines, each ending where the next of its level does."""
    starts = [text.index(f"{number}{heading}") for _, number, heading in headings]
    sections = []
    for ordinal, ((level, number, heading), start) in enumerate(zip(headings, starts, strict=True)):
        later = [
            s for (lvl, _, _), s in zip(headings[ordinal + 1 :], starts[ordinal + 1 :], strict=True) if lvl <= level
        ]
        parent = next((i for i in range(ordinal - 1, -1, -1) if headings[i][0] < level), None)
        sections.append(
            Section(ordinal, level, number, heading, start, later[0] if later else len(text), parent=parent)
        )
    return sections


SECTIONS_2021 = sections_of(
    REPORT_2021,
    [
        (1, "一、", "2020年和“十三五”工作回顾"),
        (2, "(一)", "应对疫情有力有效"),
        (1, "二、", "“十四五”总体部署、2035年远景目标及2021年工作安排"),
        (2, "(一)", "突出抓好项目建设"),
    ],
)


def when(metrics: list[Metric]) -> list[tuple[str | None, str, str | None, str, Decimal]]:
    return [(m.indicator, m.name, m.period, m.kind, m.value) for m in metrics]


def by_value(metrics: list[Metric], value: str) -> Metric:
    """The one metric of that value (each value used below occurs once in its text)."""
    (metric,) = [m for m in metrics if m.value == Decimal(value)]
    return metric


def test_report_reviews_the_year_before_it_was_delivered_and_plans_its_own() -> None:
    metrics = extract_metrics(REPORT_2021, SECTIONS_2021, published=date(2022, 7, 11))
    assert (by_value(metrics, "0.5").period, by_value(metrics, "0.5").kind) == ("2020", "estimate")
    revenue = [m for m in metrics if m.indicator == "BUDGET_REVENUE"]
    assert [(m.period, m.kind) for m in revenue] == [("2020", "actual")]  # its sentence has no 预计
    assert (by_value(metrics, "8.1").period, by_value(metrics, "8.1").kind) == ("2020", "actual")
    assert [(m.period, m.kind) for m in metrics if m.value in (Decimal("7"), Decimal("50"), Decimal("165"))] == [
        ("2021", "target"),
        ("2021", "target"),
        ("2021", "target"),
        ("2021", "target"),
    ]
    assert (by_value(metrics, "1.5").period, by_value(metrics, "1.5").kind) == ("2021", "target")


def test_section_is_the_innermost_one() -> None:
    metrics = extract_metrics(REPORT_2021, SECTIONS_2021)
    assert by_value(metrics, "0.5").section == 0
    assert by_value(metrics, "8.1").section == 1
    assert by_value(metrics, "50").section == 3
    assert by_value(metrics, "1.5").section == 3


def test_cumulative_within_the_year() -> None:
    metrics = extract_metrics(REPORT_2021, SECTIONS_2021)
    assert [(m.name, m.period, m.basis) for m in metrics if m.unit in ("万人", "万份") and m.period == "2020"] == [
        ("隔离管控", "2020", "cumulative"),
        ("核酸检测", "2020", "cumulative"),
    ]


def test_five_years_review_spans_the_plan() -> None:
    metrics = extract_metrics(REPORT_2021, SECTIONS_2021)
    average = by_value(metrics, "3")
    assert (average.indicator, average.period, average.kind, average.basis) == (
        "GDP",
        "2016-2020",
        "estimate",
        "average_annual",
    )
    energy = by_value(metrics, "-15.6")
    assert (energy.indicator, energy.period, energy.basis) == ("ENERGY_INTENSITY", "2016-2020", "cumulative")
    reached = by_value(metrics, "30460")  # a level reached is dated to the span's last year
    assert (reached.period, reached.basis) == ("2020", "annual")
    growth = by_value(metrics, "61.8")
    assert (growth.period, growth.basis) == ("2016-2020", "cumulative")
    jobs = by_value(metrics, "18.7")
    assert (jobs.indicator, jobs.period, jobs.basis) == ("NEW_URBAN_JOBS", "2016-2020", "cumulative")
    rate = by_value(metrics, "4.5")
    assert (rate.indicator, rate.period, rate.kind, rate.qualifier) == (
        "UNEMPLOYMENT_REGISTERED",
        "2020",
        "actual",
        "以内",
    )
    poverty = by_value(metrics, "12.2")
    assert (poverty.indicator, poverty.period) == ("POVERTY_RATE", "2015")


def test_a_base_year_is_not_the_period() -> None:
    metrics = extract_metrics(REPORT_2021, SECTIONS_2021)
    (doubling,) = [m for m in metrics if m.unit == "番"]  # 翻一番 on 2020, by 2035
    assert (doubling.measure, doubling.period, doubling.kind, doubling.basis) == (
        "growth",
        "2021-2035",
        "target",
        "cumulative",
    )


def test_without_sections_the_document_year_still_dates_targets_and_outcomes() -> None:
    metrics = extract_metrics(REPORT_2021)
    assert (by_value(metrics, "0.5").period, by_value(metrics, "0.5").kind) == ("2020", "estimate")
    gdp_target = [m for m in metrics if m.indicator == "GDP" and m.value == Decimal("7")]
    assert [(m.period, m.kind, m.qualifier) for m in gdp_target] == [("2021", "target", "左右")]


ARTICLE = (
    "凝心聚力共奋进 务实笃行谱新篇\n"
    "过去一年,延边州各项事业取得新成效。预计,全年地区生产总值增长6%。\n"
    "全州接待游客4511万人次,增长70%。\n"
    "主要预期目标是:地区生产总值增长6%左右,规模以上工业增加值增长6.8%。\n"
)


def test_an_article_about_a_report_inherits_its_year_from_the_publication_date() -> None:
    metrics = extract_metrics(ARTICLE, published=date(2025, 1, 10), region="延边州")
    assert when(metrics) == [
        ("GDP", "地区生产总值", "2024", "estimate", Decimal("6")),
        ("TOURIST_ARRIVALS", "接待游客", "2024", "actual", Decimal("4511")),
        ("TOURIST_ARRIVALS", "接待游客", "2024", "actual", Decimal("70")),
        ("GDP", "地区生产总值", "2025", "target", Decimal("6")),
        ("INDUSTRIAL_VA", "规模以上工业增加值", "2025", "target", Decimal("6.8")),
    ]
    assert {m.region for m in metrics} == {"延边州"}


def test_an_article_inherits_its_year_from_the_title_of_the_report() -> None:
    metrics = extract_metrics(ARTICLE, title="2025年延边州政府工作报告解读")
    assert [(m.period, m.kind) for m in metrics if m.indicator == "INDUSTRIAL_VA"] == [("2025", "target")]
    assert metrics[0].region == "延边州"


def test_news_title_lines_give_the_year_of_their_part() -> None:
    text = (
        "凝心聚力共奋进\n回顾2024年 真抓实干结硕果\n粮食产量38亿斤。\n"
        "开拓2025年 初心如磐启新程\n计划实施5000万元以上项目450个。\n"
        "坚持安全发展，社会大局和谐稳定。完成造林17.4万亩。\n"  # a review paragraph the page layout moved
    )
    sections = sections_of(text, [(1, "", "回顾2024年 真抓实干结硕果"), (1, "", "开拓2025年 初心如磐启新程")])
    sections = [Section(s.ordinal, s.level, None, s.heading, s.start, s.end) for s in sections]
    metrics = extract_metrics(text, sections)
    assert [(m.name, m.period, m.kind) for m in metrics] == [
        ("粮食产量", "2024", "actual"),
        ("5000万元以上项目", "2025", "target"),
        ("造林", "2024", "actual"),
    ]


NATIONAL_2008 = (
    "各位代表：\n一、 过去五年工作回顾\n"
    "——经济跨上新台阶。2007年，国内生产总值达到24.66万亿元，比2002年增长65.5%，年均增长10.6%；"
    "全国财政收入达到5.13万亿元，增长1.71倍；外汇储备超过1.52万亿美元。\n"
    "——人民生活显著改善。五年全国新增城镇就业5100万人。城镇居民人均可支配收入由2002年7703元增加到2007年13786元，"
    "农村居民人均纯收入由2476元增加到4140元。\n"
    "二、2008年主要任务\n"
    "今年国民经济和社会发展的预期目标是：国内生产总值增长8%左右；居民消费价格总水平涨幅控制在4.8%左右；"
    "城镇新增就业1000万人，城镇登记失业率控制在4.5%左右。\n"
)


def test_past_five_years_of_the_2008_report() -> None:
    sections = sections_of(NATIONAL_2008, [(1, "一、", " 过去五年工作回顾"), (1, "二、", "2008年主要任务")])
    metrics = extract_metrics(NATIONAL_2008, sections, title="2008年中华人民共和国国务院政府工作报告")
    assert [(m.indicator, m.period, m.kind, m.measure, m.basis, m.value) for m in metrics] == [
        ("GDP", "2007", "actual", "level", "annual", Decimal("24.66")),
        ("GDP", "2003-2007", "actual", "growth", "cumulative", Decimal("65.5")),
        ("GDP", "2003-2007", "actual", "growth", "average_annual", Decimal("10.6")),
        ("FISCAL_REVENUE", "2007", "actual", "level", "annual", Decimal("5.13")),
        ("FISCAL_REVENUE", "2003-2007", "actual", "growth", "cumulative", Decimal("1.71")),
        ("FX_RESERVES", "2007", "actual", "level", "annual", Decimal("1.52")),
        ("NEW_URBAN_JOBS", "2003-2007", "actual", "level", "cumulative", Decimal("5100")),
        ("INCOME_URBAN", "2002", "actual", "level", "annual", Decimal("7703")),
        ("INCOME_URBAN", "2007", "actual", "level", "annual", Decimal("13786")),
        ("RURAL_NET_INCOME", "2002", "actual", "level", "annual", Decimal("2476")),
        ("RURAL_NET_INCOME", "2007", "actual", "level", "annual", Decimal("4140")),
        ("GDP", "2008", "target", "growth", "annual", Decimal("8")),
        ("CPI", "2008", "target", "growth", "annual", Decimal("4.8")),
        ("NEW_URBAN_JOBS", "2008", "target", "level", "annual", Decimal("1000")),
        ("UNEMPLOYMENT_REGISTERED", "2008", "target", "level", "annual", Decimal("4.5")),
    ]


def test_region_is_returned_as_given() -> None:
    metrics = extract_metrics(REPORT_2021, region="延边朝鲜族自治州")
    assert {m.region for m in metrics} == {"延边朝鲜族自治州"}


def test_empty_text_has_no_metrics() -> None:
    assert extract_metrics("") == []


def test_a_document_naming_its_own_region_overrides_the_sources_region() -> None:
    text = "各位代表：\n一、过去五年工作回顾\n2007年国内生产总值增长11.4%。"
    national = extract_metrics(text, title="2008年中华人民共和国国务院政府工作报告", region="延边朝鲜族自治州")
    county = extract_metrics(text, title="万载县2022年国民经济和社会发展统计公报", region="宜春市")
    unnamed = extract_metrics(text, title="政府工作报告", region="延边朝鲜族自治州")
    assert {m.region for m in national} == {"全国"}
    assert {m.region for m in county} == {"万载县"}
    assert {m.region for m in unnamed} == {"延边朝鲜族自治州"}


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "figures",
    [
        lambda n: "全市地区生产总值增长" + "、".join(f"{i % 90 + 1}.{i % 10}%" for i in range(n)),  # one clause
        lambda n: "全市" + "，".join(f"工业增加值增长{i % 90 + 1}.{i % 10}%" for i in range(n)),  # n clauses
    ],
    ids=["one-clause", "many-clauses"],
)
def test_a_sentence_of_5000_figures_costs_time_and_memory_linear_in_them(figures: Callable[[int], str]) -> None:
    """Issue 19, case 2: each figure used to copy and rescan its whole sentence (14 s and 300 MB, 42 s and 640 MB)."""
    sentence = "2021年" + figures(5000) + "。"
    text = "前言。\n" + sentence + "\n后记。"
    tracemalloc.start()
    started = time.process_time()  # the CPU the extraction costs: wall time would measure the machine's load
    try:
        metrics = extract_metrics(text)
        seconds = time.process_time() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(metrics) == 5000
    assert {m.sentence for m in metrics} == {sentence}
    assert seconds < 5.0
    assert peak < 64 * 1024 * 1024
