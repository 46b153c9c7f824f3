"""The figure patterns of the metrics issue, each with the issue's own example strings.

Expected values are read off the example sentences by hand.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metrics import extract_metrics
from ingest.model import Metric

# A report delivered in January 2021: what it states without a year is about 2020, or a 2021 target.
REPORT = "政府工作报告\n——2021年1月12日在某州人民代表大会会议上\n"


def rows(sentence: str) -> list[Metric]:
    """The metrics of one sentence of a 2021 report."""
    return extract_metrics(REPORT + sentence)


def brief(metric: Metric) -> tuple[str | None, str, Decimal, Decimal | None, str | None]:
    return (metric.indicator, metric.measure, metric.value, metric.value_high, metric.unit)


def test_one_verb_per_figure_over_a_list() -> None:
    metrics = rows(
        "预计,地区生产总值增长0.5%,规模以上工业增加值增长3%,固定资产投资增长9%,"
        "社会消费品零售总额下降16%,外贸进出口总额下降25%。"
    )
    assert [brief(m) for m in metrics] == [
        ("GDP", "growth", Decimal("0.5"), None, "%"),
        ("INDUSTRIAL_VA", "growth", Decimal("3"), None, "%"),
        ("FIXED_ASSET_INVESTMENT", "growth", Decimal("9"), None, "%"),
        ("RETAIL_SALES", "growth", Decimal("-16"), None, "%"),
        ("FOREIGN_TRADE", "growth", Decimal("-25"), None, "%"),
    ]
    assert {m.kind for m in metrics} == {"estimate"}
    assert {m.period for m in metrics} == {"2020"}


def test_pair_with_he_shares_the_head_noun() -> None:
    metrics = rows("城镇和农村常住居民人均可支配收入增长2%和6%。")
    assert [(m.indicator, m.name, m.value) for m in metrics] == [
        ("INCOME_URBAN", "城镇常住居民人均可支配收入", Decimal("2")),
        ("INCOME_RURAL", "农村常住居民人均可支配收入", Decimal("6")),
    ]


def test_pair_with_fenbie() -> None:
    metrics = rows("城镇和农村常住人口人均可支配收入分别增长5%和7%。")
    assert [(m.indicator, m.measure, m.value) for m in metrics] == [
        ("INCOME_URBAN", "growth", Decimal("5")),
        ("INCOME_RURAL", "growth", Decimal("7")),
    ]


def test_pair_of_values_joined_by_dun_shares_the_falling_verb() -> None:
    metrics = rows("单位GDP能耗和二氧化碳排放量下降2.6%、3.1%。")
    assert [(m.indicator, m.value, m.unit) for m in metrics] == [
        ("ENERGY_INTENSITY", Decimal("-2.6"), "%"),
        ("CO2_INTENSITY", Decimal("-3.1"), "%"),
    ]


def test_level_and_growth_together() -> None:
    metrics = rows("实现旅游收入746亿元、增长71%。")
    assert [brief(m) for m in metrics] == [
        ("TOURISM_REVENUE", "level", Decimal("746"), None, "亿元"),
        ("TOURISM_REVENUE", "growth", Decimal("71"), None, "%"),
    ]
    assert metrics[0].value_std == Decimal("74600000000")
    assert metrics[0].unit_std == "元"


def test_estimated_level_and_growth_in_two_clauses() -> None:
    metrics = rows("旅游总收入预计实现915亿元,增长7%。")
    assert [brief(m) for m in metrics] == [
        ("TOURISM_REVENUE", "level", Decimal("915"), None, "亿元"),
        ("TOURISM_REVENUE", "growth", Decimal("7"), None, "%"),
    ]
    assert [m.kind for m in metrics] == ["estimate", "estimate"]


def test_two_targets_at_once() -> None:
    metrics = rows("2021年主要预期目标是:地区生产总值增长7%以上、力争8%。")
    assert [(m.indicator, m.kind, m.period, m.value, m.qualifier) for m in metrics] == [
        ("GDP", "target", "2021", Decimal("7"), "以上"),
        ("GDP", "target", "2021", Decimal("8"), "力争"),
    ]
    assert [m.measure for m in metrics] == ["growth", "growth"]


@pytest.mark.parametrize(
    ("written", "low", "high"),
    [
        ("6%-6.5%", "6", "6.5"),
        ("6%－6.5%", "6", "6.5"),
        ("6～6.5%", "6", "6.5"),
        ("5.5%—6%", "5.5", "6"),
        ("4.5-5%", "4.5", "5"),
    ],
)
def test_ranges_with_every_dash(written: str, low: str, high: str) -> None:
    sentence = f"2021年地区生产总值增长{written}。"
    (metric,) = rows(sentence)
    assert (metric.value, metric.value_high, metric.unit, metric.qualifier) == (
        Decimal(low),
        Decimal(high),
        "%",
        "range",
    )
    assert (REPORT + sentence)[metric.start : metric.end] == written
    assert metric.value > 0  # never a negative "-6.5"


@pytest.mark.parametrize("colon", [":", "："])
def test_industry_structure_ratio_gives_three_rows(colon: str) -> None:
    metrics = rows(f"三次产业结构7.6{colon}34.3{colon}58.1。")
    assert [(m.indicator, m.name, m.value, m.unit_std) for m in metrics] == [
        ("INDUSTRY_STRUCTURE", "三次产业结构(第一产业)", Decimal("7.6"), "%"),
        ("INDUSTRY_STRUCTURE", "三次产业结构(第二产业)", Decimal("34.3"), "%"),
        ("INDUSTRY_STRUCTURE", "三次产业结构(第三产业)", Decimal("58.1"), "%"),
    ]
    assert {m.measure for m in metrics} == {"level"}


def test_a_time_of_day_is_not_a_ratio() -> None:
    assert rows("发布时间:2022-07-11 20:57") == []


@pytest.mark.parametrize(
    ("sentence", "unit", "value_std", "unit_std"),
    [
        ("城镇新增就业1.8万人。", "万人", "18000", "人"),
        ("接待游客4511万人次。", "万人次", "45110000", "人次"),
        ("旅游收入746亿元。", "亿元", "74600000000", "元"),
        ("外贸进出口总额2.17万亿美元。", "万亿美元", "2170000000000", "美元"),
        ("粮食产量38亿斤。", "亿斤", "1900000", "吨"),  # 1 斤 = 0.5 kg: 38e8 斤 = 1.9e6 吨
        ("粮食总产量171万吨。", "万吨", "1710000", "吨"),
        ("更新造林3.8万公顷。", "万公顷", "38000", "公顷"),
        ("完成造林17.4万亩。", "万亩", "174000", "亩"),
        ("发放残疾人两项补贴6747万元。", "万元", "67470000", "元"),
        ("城镇登记失业率2.87%。", "%", "2.87", "%"),
    ],
)
def test_units_and_their_standard(sentence: str, unit: str, value_std: str, unit_std: str) -> None:
    (metric,) = rows(sentence)
    assert (metric.unit, metric.value_std, metric.unit_std) == (unit, Decimal(value_std), unit_std)


def test_percentage_points_are_their_own_unit() -> None:
    (metric,) = rows("畜牧业占比提高8个百分点。")
    assert (metric.measure, metric.unit, metric.unit_std, metric.value) == ("growth", "个百分点", "pp", Decimal("8"))


def test_chinese_numerals_that_are_figures() -> None:
    (pct,) = rows("2021年研发投入强度达到百分之六点五。")
    assert (pct.value, pct.unit, pct.value_std, pct.unit_std) == (Decimal("6.5"), "%", Decimal("6.5"), "%")
    (cheng,) = rows("企业成本降低两成。")
    assert (cheng.measure, cheng.value, cheng.unit, cheng.value_std, cheng.unit_std) == (
        "growth",
        Decimal("-2"),
        "成",
        Decimal("-20"),
        "%",
    )
    (doubling,) = rows("经济总量在2020年基础上翻一番。")
    assert (doubling.measure, doubling.value, doubling.unit, doubling.value_std, doubling.unit_std) == (
        "growth",
        Decimal("1"),
        "番",
        Decimal("100"),
        "%",
    )
    (times,) = rows("财政收入增长1.5倍。")
    assert (times.measure, times.value, times.unit, times.value_std, times.unit_std) == (
        "growth",
        Decimal("1.5"),
        "倍",
        Decimal("150"),
        "%",
    )


def test_a_multiple_that_is_not_growth_is_in_times() -> None:
    (metric,) = rows("技术合同成交额是2015年的2倍。")
    assert (metric.measure, metric.unit_std, metric.value_std) == ("level", "times", Decimal("2"))


@pytest.mark.parametrize(
    "sentence",
    [
        "三次产业协调发展。",
        "五年来,我们稳增长、调结构、促转型。",
        "二氧化碳排放得到控制。",
        "“十三五”规划重点任务基本完成。",
        "一般公共预算收入与GDP同步增长。",
        "零售市场持续活跃。",
    ],
)
def test_chinese_numerals_that_are_names_give_no_row(sentence: str) -> None:
    assert rows(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "2016—2020年是决胜全面建成小康社会的五年。",
        "1—11月经济运行平稳。",
        "1月7日至10日召开会议。",
        "2021年1月12日在延吉召开。",
        "经济总量居全省第3位。",
        "根据延州发〔2021〕5号文件执行。",
        "依照条例第5条处罚。",
        "为60岁老人发放补贴。",
        "咨询电话0433-2512345。",
        "12345热线全天受理。",
        "扩大5G规模化应用。",
        "连续40年无重大森林火灾。",
        "迎接建党100周年。",
        "实施5000万元以上项目。",
        "城市信用监测指数在全国40个地(州、盟)中排名第一。",
    ],
)
def test_things_that_are_not_figures(sentence: str) -> None:
    assert rows(sentence) == []


def test_a_rank_gives_no_growth_row() -> None:
    metrics = rows("固定资产投资预计增长7%,增速居全省第3位。")
    assert [(m.indicator, m.measure, m.value) for m in metrics] == [("FIXED_ASSET_INVESTMENT", "growth", Decimal("7"))]


def test_a_share_is_a_level_with_its_own_name() -> None:
    (metric,) = rows("数字经济核心产业增加值占国内生产总值比重达到10%左右。")
    assert (metric.indicator, metric.measure, metric.name) == (
        None,
        "level",
        "数字经济核心产业增加值占国内生产总值比重",
    )
    (share,) = rows("畜牧业占比35%。")
    assert (share.indicator, share.measure, share.name, share.value) == (None, "level", "畜牧业占比", Decimal("35"))


def test_a_share_of_the_budget_is_not_growth() -> None:
    (metric,) = rows("一般公共预算收入为预算的98.4%。")
    assert (metric.indicator, metric.measure, metric.value) == (None, "level", Decimal("98.4"))


def test_figures_split_by_markup_arrive_joined() -> None:
    from ingest.clean import clean_html

    text = clean_html("<html><body><div id='zoom'><p>粮食总产量<span>308525</span>吨。</p></div></body></html>").text
    (metric,) = extract_metrics(text)
    assert (metric.indicator, metric.value, metric.unit) == ("GRAIN_OUTPUT", Decimal("308525"), "吨")
    (joined,) = rows("粮食总产量308525吨。")
    assert (joined.indicator, joined.value, joined.unit) == ("GRAIN_OUTPUT", Decimal("308525"), "吨")


def test_full_width_digits_and_punctuation_keep_offsets() -> None:
    text = REPORT + "地区生产总值增长６．５％，三次产业结构７．６：３４．３：５８．１。"
    metrics = extract_metrics(text)
    assert [(text[m.start : m.end], m.value) for m in metrics] == [
        ("６．５％", Decimal("6.5")),
        ("７．６", Decimal("7.6")),
        ("３４．３", Decimal("34.3")),
        ("５８．１", Decimal("58.1")),
    ]
    assert metrics[0].unit == "%"
    assert metrics[0].sentence == "地区生产总值增长６．５％，三次产业结构７．６：３４．３：５８．１。"


@pytest.mark.parametrize(
    ("sentence", "qualifier"),
    [
        ("2021年地区生产总值增长6%左右。", "左右"),
        ("2021年固定资产投资增长8%以上。", "以上"),
        ("2021年城镇登记失业率控制在4.5%以内。", "以内"),
        ("2021年城乡居民收入增速不低于6%。", "不低于"),
        ("2021年居民消费价格涨幅不超过3%。", "不超过"),
        ("力争新增企业贷款50亿元。", "力争"),
        ("吉林烟草工业税利突破100亿元。", "突破"),
        ("主要农产品监测合格率超过98%。", "超过"),
        ("居民存量房贷利息年支出减少约1500亿元。", "约"),
        ("非化石能源发电量比重接近40%。", "近"),
        ("延吉市空气优良天数比例达98.9%。", "达"),
        ("拆除危旧房屋7000余处。", "余"),
    ],
)
def test_qualifiers(sentence: str, qualifier: str) -> None:
    (metric,) = rows(sentence)
    assert metric.qualifier == qualifier


def test_decreases_are_negative() -> None:
    metrics = rows("安全生产事故起数下降23.3%,支出减少650亿元,能耗降低3%。")
    assert [m.value for m in metrics] == [Decimal("-23.3"), Decimal("-650"), Decimal("-3")]
    assert {m.measure for m in metrics} == {"growth"}


def test_unmatched_figures_keep_their_name() -> None:
    metrics = rows("招商引资到位资金增长33%。清洁能源进口增长263.5%，跨境电商增长46%。")
    assert [(m.indicator, m.name, m.value) for m in metrics] == [
        (None, "招商引资到位资金", Decimal("33")),
        (None, "清洁能源进口", Decimal("263.5")),
        (None, "跨境电商", Decimal("46")),
    ]


def test_counts_are_levels_named_by_what_they_count() -> None:
    metrics = rows("组织企业转产扩能,24家企业获批防护产品生产资质。实施扶贫项目608个。")
    assert [(m.name, m.measure, m.value, m.unit) for m in metrics] == [
        ("企业", "level", Decimal("24"), "家"),
        ("扶贫项目", "level", Decimal("608"), "个"),
    ]


def test_figure_before_its_noun() -> None:
    (metric,) = rows("每年设立6500万元边境发展扶持资金。")
    assert (metric.name, metric.value, metric.unit, metric.basis) == (
        "边境发展扶持资金",
        Decimal("6500"),
        "万元",
        "annual",
    )


def test_every_offset_slices_the_figure_and_lies_in_its_sentence() -> None:
    text = REPORT + "全州接待游客4511万人次，增长70%，实现旅游收入746亿元、增长71%。粮食产量38亿斤。"
    metrics = extract_metrics(text)
    assert [text[m.start : m.end] for m in metrics] == ["4511万人次", "70%", "746亿元", "71%", "38亿斤"]
    for metric in metrics:
        assert text[metric.start : metric.end] in metric.sentence
        assert metric.sentence in text


_ALPHABET = (
    "0123456789０１２５．％：－～.%:-~—，。、；年月日第增长下降为达到约近以上左右万亿元人次吨斤亩"
    "个百分点倍成番翻一二两三十百千点之预计目标力争(（）)\n"
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_any_text_gives_rows_whose_offsets_slice_it(text: str) -> None:
    for metric in extract_metrics(text):
        assert 0 <= metric.start < metric.end <= len(text)
        assert metric.sentence in text
        assert text[metric.start : metric.end].strip()
