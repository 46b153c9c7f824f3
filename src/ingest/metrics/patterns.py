"""Where figures are in a text, and the words around them that say what they are.

``find_figures`` scans a text (already translated to half-width, see ``numbers.HALFWIDTH``) for figures:
numbers with a unit ("0.5%", "1.4万亿斤", "2000多万人"), ranges with every dash form ("6%-6.5%", "4.5-5%",
"6~6.5%", "5.5%—6%"), ratios ("7.6:34.3:58.1"), and the Chinese numerals that are figures (百分之六点五,
两成, 翻一番, 增长一倍, 突破千亿元). A number without a unit is not a figure — years (2020年), months
(1—11月), dates, ordinals (第3位), document numbers, ages, phone numbers and names such as 5G or 12345热线 all
fall out that way — and neither is a threshold inside a name ("5000万元以上项目").

What the words around a figure say about it is read by ``ingest.metrics.reading``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal, NamedTuple

from ingest.chinese import HAN
from ingest.metrics.numbers import (
    BARE_MAGNITUDE_UNITS,
    BASE_UNITS,
    CLASSIFIERS,
    MAGNITUDES,
    parse_chinese_number,
)

FigureForm = Literal["number", "ratio", "chinese", "doubling"]

_PLAIN_NUMBER = r"\d+(?:\.\d+)?"
# Thousands separators ("4,511万人次", "12,378户"), as statistics pages and PDF tables write amounts.
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
_MAGNITUDE = "|".join(sorted(MAGNITUDES, key=len, reverse=True))
_UNIT = "|".join(re.escape(u) for u in sorted(BASE_UNITS, key=len, reverse=True))
_CN_DIGIT = "零〇一二两三四五六七八九"
_CN_NUMERAL = _CN_DIGIT + "十百千"
_DASH = r"[-~—–至]"
_SUFFIX = r"左右|以上|以内|以下|之内|上下"

_FIGURE = re.compile(
    rf"""
    (?=[\d百翻{_CN_NUMERAL}])  # every figure starts with a digit or a numeral: fail fast elsewhere
    (?:(?P<ratio>(?<![\d.:]){_PLAIN_NUMBER}(?::{_PLAIN_NUMBER}){{1,4}}(?![\d.:]))
    | 百分之(?P<pct>[{_CN_NUMERAL}点]+)(?:\s*{_DASH}\s*百分之(?P<pct2>[{_CN_NUMERAL}点]+))?
    | (?<![{_CN_NUMERAL}万亿])(?P<cheng>[一二两三四五六七八九])成(?=以上|以下|左右|多|的|[,，。、;；)]|$)
    | 翻(?P<fan>[一两二三四五])番
    | (?<![{_CN_NUMERAL}])(?P<bei>[一二两三四五六七八九十]+(?:点[{_CN_DIGIT}]+)?)倍
    | (?<![{_CN_NUMERAL}])(?P<cnum>[一二两三四五六七八九十百千]+)
      (?P<cunit>万亿元|千亿元|亿元|万元|亿美元|万亿美元|亿人次|万人次|万人|亿斤|万吨|万亩|万公顷|万亿)(?!级)
    | (?<![\dA-Za-z.])(?P<num>{_NUMBER})
      (?P<approx>多|余)?
      (?P<mag>{_MAGNITUDE})?
      (?P<approx2>多|余)?
      (?P<unit>{_UNIT})?
      (?:\s*(?P<dash>{_DASH})\s*(?P<num2>{_NUMBER})(?P<mag2>{_MAGNITUDE})?(?P<unit2>{_UNIT})?)?)
    """,
    re.VERBOSE,
)
_ONE_NUMBER = re.compile(
    rf"(?P<num>{_NUMBER})(?P<approx>多|余)?(?P<mag>{_MAGNITUDE})?(?P<approx2>多|余)?(?P<unit>{_UNIT})?"
)
_SUFFIX_AT = re.compile(_SUFFIX)
_NOT_AFTER_THRESHOLD = set("的和及与或、,，。;；:：)）”\n")
# Before a ratio, the words that make "a:b:c" a structure rather than a time of day.
_RATIO_CUE = re.compile(r"结构|比例|比重|之比|比为|配比")
# A count that sizes the group a rank is taken in: "在全国40个地(州、盟)中排名第一".
_RANK_GROUP_BEFORE = re.compile(r"在(?:全国|全省|全州|全市)?$")
_RANK_GROUP_AFTER = re.compile(r"^[^,，。;；]{0,12}?中?(?:排名|排|位列|居)")
_THRESHOLD_BEFORE = re.compile(r"(?:超|超过|逾|高于|低于)$")
# Nouns after a bare 万 or 亿 that make the number a mark passed, not a count of them.
_MILESTONES = ("关口", "大关", "台阶", "关")
# Characters right before a number that make it a label, not a value.
_LABEL_BEFORE = set("第〔[【#№")


class RawFigure(NamedTuple):
    """A figure as written, before its name and context are read. (A named tuple, not a frozen dataclass: one is
    built for every figure, and a frozen dataclass's __init__ sets each field through object.__setattr__.)"""

    start: int
    end: int  # end of number and unit; ``after`` begins here
    value: Decimal
    value_high: Decimal | None
    unit: str | None
    suffix: str | None  # 左右, 以上 … written right after the unit
    approx: str | None  # 多 / 余 between number and unit
    form: FigureForm
    after: int  # end of the figure including its suffix qualifier
    part: int = 0  # a ratio's part: its index, how many parts, and whether they add up to 100
    parts: int = 1
    percent_parts: bool = False


def find_figures(text: str) -> list[RawFigure]:
    """Every figure in a half-width text, in order; see the module docstring for what counts."""
    figures: list[RawFigure] = []
    for match in _FIGURE.finditer(text):
        if match["ratio"]:
            figures.extend(_ratio(text, match))
        elif match["num"]:
            figure = _number(text, match)
            if figure is not None:
                figures.append(figure)
        else:
            figure = _chinese(text, match)
            if figure is not None:
                figures.append(figure)
    return figures


def _number(text: str, match: re.Match[str]) -> RawFigure | None:
    start = match.start()
    if start and text[start - 1] in _LABEL_BEFORE:
        return None
    if match["dash"] and not _is_range(match):
        match = _ONE_NUMBER.match(text, start) or match
        high, unit = None, _unit(match["mag"], match["unit"])
    elif match["dash"]:
        high = _decimal(match["num2"])
        unit = _unit(match["mag2"], match["unit2"])
    else:
        high, unit = None, _unit(match["mag"], match["unit"])
    end = match.end()
    if unit is None:
        if match["mag"] in BARE_MAGNITUDE_UNITS and text.startswith(_MILESTONES, end):
            return None  # "突破5万关口": a round mark passed, in no unit; the value reached follows it
        if match["mag"] in BARE_MAGNITUDE_UNITS and end < len(text) and HAN.match(text, end):
            unit = match["mag"]  # "4.73万农村贫困人口": the noun after is what is counted
        else:
            return None  # a bare number: a year, a date, a code, a name such as 5G or 12345热线
    if unit in BARE_MAGNITUDE_UNITS and end < len(text) and text[end].isascii() and text[end].isalpha():
        return None  # "5G", "3万A": a name
    suffix_match = _SUFFIX_AT.match(text, end)
    suffix = suffix_match.group() if suffix_match else None
    after = suffix_match.end() if suffix_match else end
    if (
        suffix in ("以上", "以下")
        and after < len(text)
        and HAN.match(text, after)
        and text[after] not in _NOT_AFTER_THRESHOLD
    ):
        return None  # "5000万元以上项目": a threshold that is part of a name
    if _is_rank_group(text, start, after, unit):
        return None
    if text.startswith("的", after) and _THRESHOLD_BEFORE.search(text, max(0, start - 2), start):
        return None  # "超10亿元的企业99户": a class of things, not a value
    return RawFigure(
        start=start,
        end=end,
        value=_decimal(match["num"]),
        value_high=high,
        unit=unit,
        suffix=suffix,
        approx=match["approx"] or match["approx2"],
        form="number",
        after=after,
    )


def _is_range(match: re.Match[str]) -> bool:
    """Whether "a-b" is a range: b has a unit, a has none or the same, and a < b (never a negative b)."""
    if match["unit2"] is None and match["mag2"] is None:
        return False
    low_unit = _unit(match["mag"], match["unit"])
    if low_unit is not None and low_unit != _unit(match["mag2"], match["unit2"]):
        return False
    if match["dash"] == "至" and low_unit is None:
        return False
    return _decimal(match["num"]) < _decimal(match["num2"])


def _decimal(number: str) -> Decimal:
    return Decimal(number.replace(",", ""))


def _unit(magnitude: str | None, base: str | None) -> str | None:
    if base is None:
        return None
    return (magnitude or "") + base


def _is_rank_group(text: str, start: int, after: int, unit: str | None) -> bool:
    return (
        unit in CLASSIFIERS
        and _RANK_GROUP_BEFORE.search(text, max(0, start - 4), start) is not None
        and _RANK_GROUP_AFTER.match(text[after : after + 20]) is not None
    )


def _ratio(text: str, match: re.Match[str]) -> list[RawFigure]:
    left = text[max(0, match.start() - 12) : match.start()]
    if not _RATIO_CUE.search(left):
        return []  # a time (20:57) or a score, not a structure
    figures = []
    position = match.start()
    parts = match["ratio"].split(":")
    percent_parts = abs(sum((Decimal(p) for p in parts), Decimal(0)) - 100) <= 1
    for index, part in enumerate(parts):
        figures.append(
            RawFigure(
                start=position,
                end=position + len(part),
                value=Decimal(part),
                value_high=None,
                unit=None,
                suffix=None,
                approx=None,
                form="ratio",
                after=position + len(part),
                part=index,
                parts=len(parts),
                percent_parts=percent_parts,
            )
        )
        position += len(part) + 1
    return figures


def _chinese(text: str, match: re.Match[str]) -> RawFigure | None:
    value: Decimal
    unit: str
    form: FigureForm = "chinese"
    high = None
    if match["pct"]:
        value, unit = parse_chinese_number(match["pct"]), "%"
        if match["pct2"]:  # "百分之六点五－百分之七": a range written in words, as in digits
            high = parse_chinese_number(match["pct2"])
    elif match["cheng"]:
        value, unit = parse_chinese_number(match["cheng"]), "成"
    elif match["fan"]:
        value, unit, form = parse_chinese_number(match["fan"]), "番", "doubling"
    elif match["bei"]:
        if not _GROWTH_OR_LEVEL_BEFORE_CN.search(text, max(0, match.start() - 3), match.start()):
            return None  # 三倍 in a name or an idiom
        value, unit = parse_chinese_number(match["bei"]), "倍"
    else:
        if not _QUALIFIER_BEFORE_CN.search(text, max(0, match.start() - 3), match.start()):
            return None  # "千亿级产业", "五年累计": only "突破千亿元", "超过百亿元" … are figures
        value, unit = parse_chinese_number(match["cnum"]), match["cunit"]
    suffix_match = _SUFFIX_AT.match(text, match.end())
    return RawFigure(
        start=match.start(),
        end=match.end(),
        value=value,
        value_high=high if high is not None and high > value else None,
        unit=unit,
        suffix=suffix_match.group() if suffix_match else None,
        approx=None,
        form=form,
        after=suffix_match.end() if suffix_match else match.end(),
    )


_GROWTH_OR_LEVEL_BEFORE_CN = re.compile(r"(?:增长|增加|提高|扩大|上升|是|的|达|近|约|超过)$")
_QUALIFIER_BEFORE_CN = re.compile(r"(?:突破|超过|达到|达|近|约|超|逾|实现|为)$")
