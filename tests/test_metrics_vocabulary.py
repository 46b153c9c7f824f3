"""The indicator vocabulary file and its matching, Chinese numerals and unit conversion."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.errors import ConfigError
from ingest.metrics import Indicator, Vocabulary, extract_metrics
from ingest.metrics.numbers import HALFWIDTH, parse_chinese_number, reading_text, standardize

SPEC = Path("/work/shared/spec/indicators.csv")
DATA = Path(__file__).resolve().parents[1] / "src" / "ingest" / "data" / "indicators.csv"


def test_default_vocabulary_is_the_package_data_file() -> None:
    vocabulary = Vocabulary.load()
    gdp = next(i for i in vocabulary.indicators if i.code == "GDP")
    assert gdp == Indicator(
        code="GDP",
        name_zh="地区生产总值",
        name_en="Gross regional product",
        units=("亿元", "%"),
        aliases=gdp.aliases,
    )
    assert {"生产总值", "国内生产总值", "全州GDP"} <= set(gdp.aliases)
    assert len(vocabulary.indicators) == len(Vocabulary.load(DATA).indicators)


def test_data_file_keeps_the_columns_and_codes_of_the_spec() -> None:
    with DATA.open(encoding="utf-8") as data:
        rows = list(csv.DictReader(data))
    assert list(rows[0]) == ["code", "name_zh", "name_en", "typical_units", "aliases"]
    if SPEC.exists():  # the shared spec the data file started from
        with SPEC.open(encoding="utf-8") as spec:
            spec_rows = {row["code"]: row for row in csv.DictReader(spec)}
        ours = {row["code"]: row for row in rows}
        for code, row in spec_rows.items():
            assert ours[code]["name_zh"] == row["name_zh"]
            assert set(row["aliases"].split(";")) - {""} <= set(ours[code]["aliases"].split(";"))


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("地区生产总值", "GDP"),
        ("全州GDP", "GDP"),
        ("人均地区生产总值", "GDP_PER_CAPITA"),
        ("人均国内生产总值", "GDP_PER_CAPITA"),
        ("规模以上工业增加值", "INDUSTRIAL_VA"),
        ("规上工业增加值", "INDUSTRIAL_VA"),
        ("城镇常住居民人均可支配收入", "INCOME_URBAN"),
        ("居民人均可支配收入", "INCOME_ALL"),
        ("外贸进出口总额", "FOREIGN_TRADE"),
        ("单位国内生产总值能耗", "ENERGY_INTENSITY"),
        ("全社会研发(R&D)经费投入占GDP比重", "RD_INTENSITY"),
        ("居民消费价格涨幅", "CPI"),
        ("一般公共预算支出规模", "BUDGET_EXPENDITURE"),
        ("数字经济核心产业增加值占国内生产总值比重", None),
        ("对全球经济增长的贡献率", None),
        ("城镇常住人口", None),
        ("招商引资到位资金", None),
    ],
)
def test_match_takes_the_longest_alias_at_the_end_of_the_name(name: str, code: str | None) -> None:
    assert Vocabulary.load().match(name) == code


def test_a_bare_head_takes_its_subject_from_the_sentence() -> None:
    assert Vocabulary.load().match_elliptic("产量", "全国粮食连续四年增产，2007年") == ("GRAIN_OUTPUT", "粮食产量")
    (metric,) = extract_metrics("全国粮食连续四年增产，2007年产量达到50150万吨。")
    assert (metric.indicator, metric.name, metric.period) == ("GRAIN_OUTPUT", "产量", "2007")


def test_a_custom_vocabulary(tmp_path: Path) -> None:
    path = tmp_path / "indicators.csv"
    path.write_text(
        "code,name_zh,name_en,typical_units,aliases\nTEA,茶叶产量,Tea output,吨,茶叶总产量;茶产量\n", encoding="utf-8"
    )
    vocabulary = Vocabulary.load(path)
    (metric,) = extract_metrics("茶叶总产量3.2万吨。", vocabulary=vocabulary)
    assert (metric.indicator, metric.value_std, metric.unit_std) == ("TEA", Decimal("32000"), "吨")
    assert extract_metrics("地区生产总值增长5%。", vocabulary=vocabulary)[0].indicator is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,name\nGDP,地区生产总值\n", "header must start with"),
        ("code,name_zh,name_en,typical_units,aliases\n,地区生产总值,GDP,,\n", "needs a code and a name_zh"),
        ("code,name_zh,name_en,typical_units,aliases\nGDP,甲,a,,\nGDP,乙,b,,\n", "defined twice"),
    ],
)
def test_a_bad_vocabulary_file_says_what_to_fix(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "indicators.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        Vocabulary.load(path)


def test_a_missing_vocabulary_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the indicator vocabulary"):
        Vocabulary.load(tmp_path / "missing.csv")


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("六点五", "6.5"),
        ("十三", "13"),
        ("两千", "2000"),
        ("千", "1000"),
        ("九十五", "95"),
        ("一万二千", "12000"),
        # found comparing with cn2an (docs/extraction.md): 万 after 亿 multiplies only what follows the 亿
        ("一亿零五百万", "105000000"),
        ("五亿三千万", "530000000"),
        ("一万亿", "1000000000000"),
    ],
)
def test_chinese_numerals(numeral: str, value: str) -> None:
    assert parse_chinese_number(numeral) == Decimal(value)


def test_a_word_is_not_a_numeral() -> None:
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        parse_chinese_number("产业")


@pytest.mark.parametrize(
    ("value", "unit", "standard"),
    [
        ("134.9", "万亿元", ("134900000000000", "元")),
        ("1.4", "万亿斤", ("700000000", "吨")),
        ("3.2", "万亿美元", ("3200000000000", "美元")),
        ("8", "个百分点", ("8", "pp")),
        ("1.5", "倍", ("1.5", "times")),
        ("4.73", "万", ("47300", None)),
        ("570", "元/月", ("570", "元/月")),
        ("3", "岁", (None, None)),
    ],
)
def test_standard_units(value: str, unit: str, standard: tuple[str | None, str | None]) -> None:
    value_std, unit_std = standardize(Decimal(value), unit)
    assert (None if value_std is None else str(value_std), unit_std) == standard


def test_halfwidth_translation_keeps_every_offset() -> None:
    text = "增长６．５％，结构７．６：３４．３，区间６％－６．５％，６～６．５％（预计）"
    translated = text.translate(HALFWIDTH)
    assert len(translated) == len(text)
    assert translated == "增长6.5%，结构7.6:34.3，区间6%-6.5%，6~6.5%(预计)"


def test_the_reading_text_skips_spaces_and_footnote_markers_of_every_kind() -> None:
    # every kind of silent span, including those that start with a rarer character (［, ①, the ideographic
    # space): the scan that looks for where spans start must know them all
    text = "增长 5.3%[2]，达到 3210 亿元①，占比［3］\n①国 家\u30002022 年"
    reading = reading_text(text)
    assert reading.text == "增长5.3%，达到3210亿元，占比\n①国 家2022年"
    assert all(text[reading.original(index)] == char for index, char in enumerate(reading.text))
    assert reading.original(reading.text.index("3210")) == text.index("3210")
    assert reading.original_end(reading.text.index("亿元") + 2) == text.index("亿元") + 2
