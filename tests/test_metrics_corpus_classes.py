"""Classes of error the real corpus (eval/corpus) showed, each on the corpus's own sentence.

The sentences are those of the statistical bulletins of 宜春市 and 万载县 (2022), the 德清县 page on investment
and the 深圳 digest; the expected rows are read from the sentences under eval/GOLD.md.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ingest.metrics import Vocabulary, extract_metrics
from ingest.model import Metric

BULLETIN = "宜春市2022年国民经济和社会发展统计公报"
COUNTY_BULLETIN = "万载县2022年国民经济和社会发展统计公报"


def rows(metrics: list[Metric]) -> list[tuple[str | None, str | None, str, str, Decimal, str | None]]:
    return [(m.indicator, m.period, m.kind, m.measure, m.value, m.unit) for m in metrics]


def test_preliminary_accounting_states_an_outcome_not_an_estimate() -> None:
    text = "初步核算，全年实现地区生产总值（GDP）3473.12亿元，按可比价计算，同比增长5.3%。"
    assert rows(extract_metrics(text, title=BULLETIN)) == [
        ("GDP", "2022", "actual", "level", Decimal("3473.12"), "亿元"),
        ("GDP", "2022", "actual", "growth", Decimal("5.3"), "%"),
    ]


def test_a_forecast_is_still_an_estimate() -> None:
    text = "预计全年地区生产总值增长6%。"
    assert rows(extract_metrics(text, title="2022年政府工作报告")) == [
        ("GDP", "2021", "estimate", "growth", Decimal(6), "%")
    ]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "分级次看:市级一般公共预算收入42.05亿元，增长27.9%，县（市、区）一般公共预算收入235.43亿元，增长6.4%。",
            BULLETIN,
        ),
        ("中心城区（市级、袁州区）一般公共预算收入68.48亿元，增长17.9%，占全市一般公共预算收入比重为24.7%。", BULLETIN),
        (
            "全县有5个乡镇（街道）一般公共预算收入超过5000万元，分别是康乐街道、黄茅镇、株潭镇、潭埠镇、鹅峰乡。",
            COUNTY_BULLETIN,
        ),
    ],
)
def test_figures_of_a_part_of_the_region_are_not_its_headline_indicator(text: str, title: str) -> None:
    assert [m.indicator for m in extract_metrics(text, title=title) if m.indicator == "BUDGET_REVENUE"] == []


def test_the_regions_own_figure_keeps_its_indicator() -> None:
    text = "全市一般公共预算收入277.48亿元，增长8.8%。"
    assert [m.indicator for m in extract_metrics(text, title=BULLETIN)] == ["BUDGET_REVENUE"] * 2


def test_a_value_list_without_fenbie_goes_to_the_subjects_named_before_it() -> None:
    text = (
        "全年城镇居民人均可支配收入42038元，农村居民人均可支配收入20366元，同比增长5.3%和6.4%，城乡居民收入比2.06:1。"
    )
    incomes = [
        (m.indicator, m.measure, m.value)
        for m in extract_metrics(text, title=BULLETIN)
        if m.indicator and m.indicator.startswith("INCOME")
    ]
    assert incomes == [
        ("INCOME_URBAN", "level", Decimal(42038)),
        ("INCOME_RURAL", "level", Decimal(20366)),
        ("INCOME_URBAN", "growth", Decimal("5.3")),
        ("INCOME_RURAL", "growth", Decimal("6.4")),
    ]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("全年服务业实现增加值", "VA_TERTIARY"),
        ("500万元以上固定资产完成投资", "FIXED_ASSET_INVESTMENT"),
        ("城镇新增就业人口", "NEW_URBAN_JOBS"),
        ("城镇新增就业人员", "NEW_URBAN_JOBS"),
        ("固定资产投资总额", "FIXED_ASSET_INVESTMENT"),
        ("进出口总值", "FOREIGN_TRADE"),
        ("深圳地区生产总值预期增长目标", "GDP"),
        ("其他服务业增加值", None),
        ("营利性服务业实现增加值", None),
    ],
)
def test_name_variants(name: str, code: str | None) -> None:
    assert Vocabulary.load().match(name) == code


def test_a_part_year_figure_is_dated_to_its_months_and_is_not_the_annual_indicator() -> None:
    text = "1-10月，全县固定资产投资完成246.79亿元，完成年度计划82.3%，同比增长15.3%，位列三县两区第一。"
    (investment, *_) = extract_metrics(text, title="1-10月德清县固定资产投资结构趋稳趋优", published=date(2016, 11, 22))
    assert (investment.name, investment.indicator, investment.period, investment.kind) == (
        "固定资产投资",
        None,
        "2016-01/2016-10",
        "actual",
    )


def test_a_level_reached_with_mai_shang_keeps_the_subject_of_the_sentence() -> None:
    text = "人均国内生产总值69876元，增长5.7%，迈上1万美元新台阶。"
    assert rows(extract_metrics(text, title=BULLETIN))[-1] == (
        "GDP_PER_CAPITA",
        "2022",
        "actual",
        "level",
        Decimal(1),
        "万美元",
    )


def test_an_amount_in_chinese_numerals_with_a_bare_magnitude() -> None:
    text = "深圳2021年全年地区生产总值3.07万亿元。深圳GDP首次超过三万亿，离不开核心的制造业的支撑。"
    metrics = extract_metrics(text, title="深圳市2022年政府工作报告")
    assert rows(metrics)[-1] == ("GDP", "2021", "actual", "level", Decimal(3), "万亿")
    assert metrics[-1].qualifier == "超过"


def test_a_value_list_after_rates_is_not_spread_over_their_subjects() -> None:
    # 万载县: 分别 over four industries, the list cut by 和; only amounts then rates pair up without 分别
    text = (
        "全年新能源新材料、烟花鞭炮、电子信息、有机（富硒）食品四大重点产业工业增加值分别增长159.2%、0.7%和下降46.8%、"
        "60.8%，装备制造业增加值增长155.7%。"
    )
    metrics = extract_metrics(text, title=COUNTY_BULLETIN)
    falls = [m.name for m in metrics if m.value in (Decimal("-46.8"), Decimal("-60.8"))]
    assert len(falls) == 2
    assert falls[0] == falls[1]
