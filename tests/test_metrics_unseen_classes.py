"""Classes of error issue 13 reports from documents nobody tuned for, each on a real sentence where the material
we may use has one (its source named), else on a constructed one, marked as such.

The expected rows are read from the sentences under eval/GOLD.md, never taken from the extractor's output.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

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


def test_a_contracted_urban_and_rural_subject_gives_urban_and_rural_rows() -> None:
    # Real: 沽源县's figures for 2022 as its county profile states them, in a public repository's Flask app
    # (code index file 7227364380, "沽源县简介").
    text = (
        "2022年，全县生产总值完成71.3亿元，同比增长8%；"
        "城乡居民人均可支配收入分别完成34178元、14686元，同比增长7.8％和13.4%。"
    )
    assert [row for row in rows(extract_metrics(text)) if row[0] is not None and row[0].startswith("INCOME")] == [
        ("INCOME_URBAN", "2022", "actual", "level", Decimal(34178), "元"),
        ("INCOME_RURAL", "2022", "actual", "level", Decimal(14686), "元"),
        ("INCOME_URBAN", "2022", "actual", "growth", Decimal("7.8"), "%"),
        ("INCOME_RURAL", "2022", "actual", "growth", Decimal("13.4"), "%"),
    ]


def test_a_contracted_subject_with_growth_only() -> None:
    # Real: 台州市2018年政府工作报告 on 2017, quoted in a public repository's Vue page (code index file 38861522644).
    text = (
        "多项主要指标增速全省领先，生产总值增长8.1%，财政总收入增长 12.5%，"
        "一般公共预算收入增长 11.1%，城乡居民人均可支配收入分别增长 8.9%和 9.5%。"
    )
    found = rows(extract_metrics(text, title="台州市2018年政府工作报告"))
    assert found[-2:] == [
        ("INCOME_URBAN", "2017", "actual", "growth", Decimal("8.9"), "%"),
        ("INCOME_RURAL", "2017", "actual", "growth", Decimal("9.5"), "%"),
    ]


def test_growth_then_level_in_one_clause() -> None:
    # Constructed (issue 13's example; no instance in the material we may use): the amount after a rate is the
    # subject's level, not a second growth figure.
    text = "2024年全市地区生产总值增长4.8%，达到3210亿元。"
    assert rows(extract_metrics(text, title="2025年政府工作报告")) == [
        ("GDP", "2024", "actual", "growth", Decimal("4.8"), "%"),
        ("GDP", "2024", "actual", "level", Decimal(3210), "亿元"),
    ]


def test_a_footnote_marker_after_a_figure_is_not_a_name() -> None:
    # Constructed (issue 13's example): "[2]" refers to a note; the level after it is still the GDP level.
    text = "2024年全市地区生产总值增长5.3%[2]，达到3210亿元。"
    assert rows(extract_metrics(text, title="2025年政府工作报告")) == [
        ("GDP", "2024", "actual", "growth", Decimal("5.3"), "%"),
        ("GDP", "2024", "actual", "level", Decimal(3210), "亿元"),
    ]


def test_rates_after_a_rate_still_share_its_verb() -> None:
    # Real: national report 2025 (../shared/corpus/national_2025_gwr.json), values of one kind keep the shared verb.
    text = "高技术制造业、装备制造业增加值分别增长8.9%、7.7%，新能源汽车年产量突破1300万辆。"
    assert [(m.measure, m.value) for m in extract_metrics(text)][:2] == [
        ("growth", Decimal("8.9")),
        ("growth", Decimal("7.7")),
    ]


def test_a_target_restated_in_brackets_is_a_target_of_the_reviewed_year() -> None:
    # Constructed (issue 13's example; no instance in the material we may use).
    text = "2024年全市地区生产总值增长7.2%（年度目标7%），一般公共预算收入增长5%（预期目标6%左右）。"
    assert rows(extract_metrics(text, title="2025年政府工作报告")) == [
        ("GDP", "2024", "actual", "growth", Decimal("7.2"), "%"),
        ("GDP", "2024", "target", "growth", Decimal(7), "%"),
        ("BUDGET_REVENUE", "2024", "actual", "growth", Decimal(5), "%"),
        ("BUDGET_REVENUE", "2024", "target", "growth", Decimal(6), "%"),
    ]


REPORT_2025 = "2025年政府工作报告"


def test_a_revised_figure_is_a_level_of_its_year() -> None:
    # Constructed (issue 13: 修订为; bulletins restate the year before after a census).
    text = "根据第五次全国经济普查结果，2023年全市地区生产总值修订为3150.2亿元。"
    assert rows(extract_metrics(text, title=REPORT_2025)) == [
        ("GDP", "2023", "actual", "level", Decimal("3150.2"), "亿元")
    ]


def test_more_or_less_output_is_output_growth() -> None:
    # Constructed (issue 13: 增产/减产). The national report of 2008 writes "全国粮食连续四年增产" without a figure.
    text = "全年粮食总产量52.3万吨，增产3.5%；油料减产2%。"
    found = rows(extract_metrics(text, title=REPORT_2025))
    assert found[1] == ("GRAIN_OUTPUT", "2024", "actual", "growth", Decimal("3.5"), "%")
    assert found[2][2:] == ("actual", "growth", Decimal(-2), "%")


def test_cpi_index_rise_held_to_a_level_is_cpi_growth() -> None:
    # Constructed on the national report of 2008's "居民消费价格总水平涨幅控制在4.8%左右", with 指数 (issue 13).
    text = "今年经济社会发展的主要预期目标是：居民消费价格指数涨幅控制在2%左右。"
    assert rows(extract_metrics(text, title=REPORT_2025)) == [("CPI", "2025", "target", "growth", Decimal(2), "%")]


def test_bare_exports_under_qizhong_are_exports() -> None:
    # Constructed on 万载县 2022 ("外贸进出口总额…，其中出口总额…") with the bare 出口 and 进出口总值 of issue 13.
    text = "全年进出口总值310亿元，其中，出口210亿元。一般贸易进出口120亿元。"
    assert [row[0] for row in rows(extract_metrics(text, title=REPORT_2025))] == ["FOREIGN_TRADE", "EXPORTS", None]


def test_a_back_reference_takes_the_subject_before() -> None:
    # Constructed (issue 13: "总量达到…").
    text = "全市地区生产总值增长6%，总量达到3210亿元。"
    assert rows(extract_metrics(text, title=REPORT_2025))[1] == (
        "GDP",
        "2024",
        "actual",
        "level",
        Decimal(3210),
        "亿元",
    )


def test_the_end_of_a_change_is_not_dated_by_the_year_of_its_start() -> None:
    # Real: national report 2008 (../shared/corpus/national_2008_gwr.json). 1562亿元 is this year's plan; it was
    # dated 2007, the year written for the start (去年).
    text = "今年中央财政用于教育的投入，将由去年的1076亿元增加到1562亿元；地方财政也都要增加投入。"
    found = [(m.period, m.kind, m.value) for m in extract_metrics(text, title="2008年国务院政府工作报告")]
    assert found == [("2007", "actual", Decimal(1076)), ("2008", "target", Decimal(1562))]


def test_the_end_of_a_change_is_not_dated_by_its_start() -> None:
    # Constructed (issue 13's example; GOLD.md: before/after pairs give each value its own period).
    text = "城乡居民人均可支配收入从2020年的3.1万元和1.5万元分别提高到3.8万元和2.0万元。"
    assert rows(extract_metrics(text, title=REPORT_2025)) == [
        ("INCOME_URBAN", "2020", "actual", "level", Decimal("3.1"), "万元"),
        ("INCOME_RURAL", "2020", "actual", "level", Decimal("1.5"), "万元"),
        ("INCOME_URBAN", "2024", "actual", "level", Decimal("3.8"), "万元"),
        ("INCOME_RURAL", "2024", "actual", "level", Decimal("2.0"), "万元"),
    ]


def test_the_plan_year_a_report_names_dates_it() -> None:
    # Real sentence: national report 2025 (../shared/corpus/national_2025_gwr.json), "今年是“十四五”规划收官之年。";
    # the report around it is constructed with no year in its title, no publication date and no year heading.
    text = (
        "各位代表：\n过去一年，全市地区生产总值增长5.1%，实现了经济社会发展主要目标任务。\n"
        "今年是“十四五”规划收官之年。今年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右。"
    )
    assert rows(extract_metrics(text, title="政府工作报告")) == [
        ("GDP", "2024", "actual", "growth", Decimal("5.1"), "%"),
        ("GDP", "2025", "target", "growth", Decimal(6), "%"),
    ]


def test_plan_years_so_far_and_the_last_years_figure() -> None:
    # Real: a 2025 news article on grain output, saved in a public repository (code index file 59286126153).
    # "“十四五”以来" in 2025 covers 2021-2024: a level held over it is dated to 2024 (GOLD.md: a level reached in a
    # span review is dated to its last year); 增产 over 2020 is growth across 2021-2024.
    text = (
        "这只是我国科技强农、粮食增产增收的一个缩影。“十四五”以来，我国粮食总产量始终保持在1.3万亿斤以上。"
        "2024年粮食总产量更是首次突破1.4万亿斤，比2020年增产740亿斤。"
    )
    found = [
        (m.indicator, m.period, m.kind, m.measure, m.value, m.basis)
        for m in extract_metrics(text, published=date(2025, 3, 1))
    ]
    assert found == [
        ("GRAIN_OUTPUT", "2024", "actual", "level", Decimal("1.3"), "annual"),
        ("GRAIN_OUTPUT", "2024", "actual", "level", Decimal("1.4"), "annual"),
        ("GRAIN_OUTPUT", "2021-2024", "actual", "growth", Decimal(740), "cumulative"),
    ]


def test_plan_years_ahead_stay_a_target() -> None:
    # Constructed: the same plan named without 以来 in its last year is the plan's span, a target.
    text = "“十四五”期间，全市地区生产总值年均增长6%左右。"
    assert rows(extract_metrics(text, title=REPORT_2025)) == [("GDP", "2021-2025", "target", "growth", Decimal(6), "%")]


@pytest.mark.parametrize("opening", ["主要预期目标是：", "主要预期目标如下：", "主要预期目标建议为："])
def test_every_item_of_a_target_list_is_a_target(opening: str) -> None:
    # Constructed on the national report of 2025's "今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业…"
    # with the openings local reports use instead of 是.
    text = f"全市经济社会发展的{opening}地区生产总值增长6%左右；规模以上工业增加值增长7%；城镇新增就业1.5万人。"
    assert {(m.period, m.kind) for m in extract_metrics(text, title=REPORT_2025)} == {("2025", "target")}
