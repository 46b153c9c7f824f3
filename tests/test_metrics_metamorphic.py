"""What ``eval/metamorphic.py`` showed to be brittle, each on a sentence of a gold document rewritten by one of its
transformations (named in each test). The expected rows are the gold rows of the original sentence, transformed
as the transformation prescribes (eval/GOLD.md conventions), never the extractor's output.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ingest.clean import clean_text
from ingest.metrics import extract_metrics
from ingest.model import Metric
from ingest.sections import split_sections

Row = tuple[str | None, str | None, str, str, Decimal, str | None]


def rows(metrics: list[Metric]) -> list[Row]:
    return [(m.indicator, m.period, m.kind, m.measure, m.value, m.unit) for m in metrics]


def extracted(raw: str) -> list[Row]:
    """The rows of a plain-text document, cleaned and sectioned as the pipeline does."""
    document = clean_text(raw)
    sections = split_sections(document.text, document.title, document.heading_lines)
    return rows(extract_metrics(document.text, sections, title=document.title))


def test_full_width_years_in_the_title_and_headings_date_the_figures() -> None:
    # "full-width digits": national report 2008, title "2008年…政府工作报告", its first part "一、过去五年工作回顾"
    # and its targets "二、2008年工作的总体要求和主要任务", every digit written full width.
    title = "２００８年国务院政府工作报告"
    text = (
        "一、过去五年工作回顾\n"
        "去年居民消费价格总水平比上年上涨４．８％，主要是食品和居住类价格涨幅较大。\n"
        "二、２００８年工作的总体要求和主要任务\n"
        "今年国民经济和社会发展的预期目标是：国内生产总值增长８％左右；城镇新增就业１０００万人。\n"
    )
    found = rows(extract_metrics(text, split_sections(text, title), title=title))
    assert ("CPI", "2007", "actual", "growth", Decimal("4.8"), "%") in found
    assert ("GDP", "2008", "target", "growth", Decimal(8), "%") in found
    assert ("NEW_URBAN_JOBS", "2008", "target", "level", Decimal(1000), "万人") in found


def test_spaces_between_chinese_and_numbers_say_nothing() -> None:
    # "spaced numbers": 宜春市2022年统计公报, spaced as typesetting tools space Chinese and Latin digits.
    raw = (
        "宜春市 2022 年国民经济和社会发展统计公报\n"
        "全年实现地区生产总值 3473.12 亿元，按可比价格计算，比上年增长 5.3%。\n"
        "全年城镇新增就业 4.33 万人。\n"
    )
    found = extracted(raw)
    assert ("GDP", "2022", "actual", "level", Decimal("3473.12"), "亿元") in found
    assert ("GDP", "2022", "actual", "growth", Decimal("5.3"), "%") in found
    assert ("NEW_URBAN_JOBS", "2022", "actual", "level", Decimal("4.33"), "万人") in found


def test_a_figure_read_without_its_spaces_points_into_the_text_as_written() -> None:
    # "spaced numbers", as above: the row's offsets and sentence are those of the text the page shows.
    text = "全年实现地区生产总值 3473.12 亿元，按可比价格计算，比上年增长 5.3%。"
    gdp = [m for m in extract_metrics(text, title="宜春市2022年国民经济和社会发展统计公报") if m.indicator == "GDP"]
    assert [text[m.start : m.end] for m in gdp] == ["3473.12 亿元", "5.3%"]
    assert {m.sentence for m in gdp} == {text}


def test_thousands_separators_are_part_of_the_number() -> None:
    # "thousands separators": seed 000 ("全州接待游客4511万人次，增长70%") and seed 001 ("中央定点帮扶单位直接投入资金
    # 2523万元"), their amounts written with separators.
    text = "2024年，全州接待游客4,511万人次，增长70%。中央定点帮扶单位直接投入资金2,523万元。"
    found = [(m.name, m.value, m.unit) for m in extract_metrics(text, title="2025年延边州政府工作报告")]
    assert ("接待游客", Decimal(4511), "万人次") in found
    assert ("接待游客", Decimal(70), "%") in found
    assert ("中央定点帮扶单位直接投入资金", Decimal(2523), "万元") in found


def test_footnote_markers_after_figures_leave_the_figures_as_they_were() -> None:
    # "figure footnotes": seed 000's "城镇和农村常住人口人均可支配收入分别增长5%和7%" and "增长70%，实现旅游收入
    # 746亿元、增长71%", each figure followed by a note marker.
    text = (
        "过去一年，城镇和农村常住人口人均可支配收入分别增长5%[3]和7%[4]。"
        "全州接待游客4511万人次，增长70%①，实现旅游收入746亿元[7]、增长71%②。"
    )
    found = [(m.indicator, m.name, m.value, m.unit) for m in extract_metrics(text, title="2025年延边州政府工作报告")]
    assert ("INCOME_URBAN", "城镇常住人口人均可支配收入", Decimal(5), "%") in found
    assert ("INCOME_RURAL", "农村常住人口人均可支配收入", Decimal(7), "%") in found
    assert ("TOURISM_REVENUE", "旅游收入", Decimal(746), "亿元") in found
    assert ("TOURISM_REVENUE", "旅游收入", Decimal(71), "%") in found
    assert len(found) == 6


@pytest.mark.parametrize("level", ["旗", "盟", "州"])
def test_the_own_level_of_a_banner_league_or_prefecture_is_a_part_of_the_region(level: str) -> None:
    # "level→旗", "level→盟": 宜春市2022年统计公报 as a banner's, league's or prefecture's; 市级 becomes 旗级. The
    # whole region's revenue is a BUDGET_REVENUE row; its own level's (市级 → 旗级) is not (eval/GOLD.md).
    text = (
        f"全{level}一般公共预算收入277.48亿元，同比增长9.1%。"
        f"分级次看:{level}级一般公共预算收入42.05亿元，增长27.9%，{level}本级一般公共预算收入35.1亿元。"
    )
    found = extract_metrics(text, title=f"宜春{level}2022年国民经济和社会发展统计公报")
    revenue = [(m.value, m.unit) for m in found if m.indicator == "BUDGET_REVENUE"]
    assert revenue == [(Decimal("277.48"), "亿元"), (Decimal("9.1"), "%")]


def test_a_labelled_paragraph_copied_from_a_pdf_line_by_line_is_read_whole() -> None:
    # "PDF line breaks": seed 001's "(一)突出抓好项目建设。…实施5000万元以上重点项目207个" broken where its PDF
    # lines end. The gold's rows: "5000万元以上重点项目" 207个 and "10亿元以上项目" 25个; 5000万元 is no amount.
    raw = (
        "政府工作报告\n"
        "——2021年1月12日在延边朝鲜族自治州第十五届人民代表大会第六次会议上\n"
        "(一)突出抓好项目建设。把项目建设作为产业强州的主引擎,实施5000万元\n"
        "以上重点项目207个,其中10亿元以上项目25个。\n"
    )
    assert clean_text(raw).text.endswith("实施5000万元以上重点项目207个,其中10亿元以上项目25个。")
    found = [(m.name, m.value, m.unit) for m in extract_metrics(clean_text(raw).text, title="政府工作报告")]
    assert [value for _, value, _ in found] == [Decimal(207), Decimal(25)]
    assert found[0] == ("5000万元以上重点项目", Decimal(207), "个")


def test_a_delivery_date_in_chinese_numerals_dates_the_report() -> None:
    # "Chinese-numeral dates": seed 001 dated "——二〇二一年一月十二日在…大会上" (its gold: 2020 estimates and
    # 2021 targets), published a year later.
    raw = (
        "发布时间:2022-07-11 20:57\n"
        "政府工作报告\n"
        "——二〇二一年一月十二日在延边朝鲜族自治州第十五届人民代表大会第六次会议上\n"
        "过去一年,预计,地区生产总值增长0.5%。\n"
        "今年的主要预期目标是:地区生产总值增长7%左右。\n"
    )
    document = clean_text(raw)
    found = rows(extract_metrics(document.text, title=document.title, published=date(2022, 7, 11)))
    assert found == [
        ("GDP", "2020", "estimate", "growth", Decimal("0.5"), "%"),
        ("GDP", "2021", "target", "growth", Decimal(7), "%"),
    ]


def test_percentages_in_words_share_a_verb_as_digits_do() -> None:
    # "percent in words": 宜春市2022年统计公报's "同比增长5.3%和6.4%" written "百分之五点三和百分之六点四".
    text = (
        "全年城镇居民人均可支配收入42038元，农村居民人均可支配收入20366元，"
        "同比增长百分之五点三和百分之六点四，城乡居民收入比2.06:1。"
    )
    found = rows(extract_metrics(text, title="宜春市2022年国民经济和社会发展统计公报"))
    assert ("INCOME_URBAN", "2022", "actual", "growth", Decimal("5.3"), "%") in found
    assert ("INCOME_RURAL", "2022", "actual", "growth", Decimal("6.4"), "%") in found


def test_the_nations_figure_quoted_in_a_citys_document_is_not_the_citys() -> None:
    # "percent in words": the Shenzhen digest's "这个目标高于全国GDP5.5%的增长目标" with the figure in words; its
    # gold holds Shenzhen's own target (6%) and no figure of the nation.
    text = "深圳市今年地区生产总值预期增长6%左右。这个目标高于全国GDP百分之五点五的增长目标，也高于其他一线城市。"
    found = extract_metrics(text, region="深圳市", title="深圳市2022年政府工作报告")
    assert [(m.indicator, m.value) for m in found if m.indicator == "GDP"] == [("GDP", Decimal(6))]
    assert [(m.name, m.value) for m in found if m.indicator is None] == [("这个目标高于全国GDP", Decimal("5.5"))]


def test_the_provinces_figure_is_a_provinces_own_in_its_own_report() -> None:
    # The same rule read the other way: 全省 is the document's own region in a province's report.
    found = extract_metrics("全省地区生产总值增长5.1%。", title="江西省2024年政府工作报告")
    assert [m.indicator for m in found] == ["GDP"]


def test_the_nations_figure_is_not_a_document_of_unknown_regions() -> None:
    # The Shenzhen digest as extracted from its page: no region in its title or text, its figure in words.
    found = extract_metrics(
        "这个目标高于全国GDP百分之五点五的增长目标，也高于其他一线城市。", title="深圳如何实现GDP增长"
    )
    assert [(m.indicator, m.value) for m in found] == [(None, Decimal("5.5"))]
