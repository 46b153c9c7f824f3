"""Which year a figure belongs to, and whether it is a target, an estimate or an outcome.

A government work report given in year Y reviews Y-1 (outcomes; 预计 marks estimates) and sets targets for
Y; an article about a report inherits its year. The report year comes from the text ("2021年1月12日在…会议上"),
else the title ("2025年…政府工作报告"; a 统计公报 of year Y reviews Y itself), else the plan year the text names
("今年是“十四五”规划收官之年" → 2025; 开局/起步之年 → a plan's first year), else the publication date,
else the headings and the text ("回顾2024年" → 2025, "2025年是…收官之年" → 2025).

Time is read from the narrowest scope that states it: the words just before the figure, the clause, the
earlier clauses of the sentence, the opening of the paragraph, then the section headings from the innermost
out, then the document. Cues are explicit years (2020年; not base years such as 比2002年 or 在2020年基础上),
spans (2016—2020年, 十三五, 五年来/过去五年 = the five years up to the review year, “十四五”以来 = the plan's years
up to the review year), and relative words
(今年 = report year, 去年/过去一年/一年来 = review year).

A span applies to average annual figures (年均), to growth over the span and to flows (jobs created, money
spent: basis cumulative); a stock level stated in a span review — a rate, or a level reached (达到, 发展到) —
is dated to the span's last year. Growth over a base year ("比2002年增长65.5%" in 2007) covers the years after
the base (2003-2007, cumulative). After "…主要预期目标是：" the rest of the paragraph is targets of the report
year. A figure is a target when its period ends in or after the report year; without a report year, when its
sentence says so (目标, 力争, 确保, 计划, 拟, 预期, 争取, 今年). A news title line ("回顾2024年") dates its
part less firmly than a numbered heading: a sentence that plans (计划, 力争 …) under it is a target.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from ingest.model import Section

_YEAR = r"(?:19|20)\d{2}"
_CN_COUNT = {"两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "十": 10}
_TIME_CUE = re.compile(
    rf"""
    # every cue starts with one of these (years in digits: see _with_digit_years); testing that first fails fast
    # at the other positions instead of trying each alternative there (0.48 -> 0.12 ms a page on the bench)
    (?=[12比较与同在十今本新明去上过一近两二三四五])
    (?:(?P<span_from>{_YEAR})\s*(?:年)?\s*[-—–~至到]\s*(?P<span_to>{_YEAR})\s*年
    | (?:比|较|与|同)\s*(?P<base_year>{_YEAR})\s*年(?:同期)?
    | 在\s*(?P<base_year2>{_YEAR})\s*年的?基础上
    | (?P<base_relative>(?:比|较|同|与)(?:上年|去年|上一年|前五年|年初))
    | (?P<year>{_YEAR})\s*年(?!代)
    | 十(?P<plan>[一二三四五])五(?:”)?(?:规划)?(?P<since>以来)?
    | (?P<relative>今年|本年度|本年|新的一年|今后一年|明年|去年|上年|上一年|过去一年|一年来)
    | (?:过去|近)?(?P<years>[两二三四五十])年(?:来|间|中|以来|累计)
    | (?<![第续用每这前后近“"])(?P<bare_years>[三五])年(?=[^规计行时左内的提攻]|$))
    """,
    re.VERBOSE,
)
_CN_YEAR = re.compile(r"[一二][〇零一二三四五六七八九]{3}(?=年)")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_ESTIMATE = re.compile(r"预计")
_TARGET = re.compile(r"目标|力争|确保|计划|拟|预期|争取|今年|新的一年|今后一年")
_PLAN = re.compile(r"目标|力争|确保|计划|拟|预期|争取")
# Part of a year: "1-10月", "一季度", "前三季度", "上半年".
_PART_YEAR = re.compile(
    r"(?<![\d.])(?P<first>1[0-2]|[1-9])\s*[-—–~至到]\s*(?P<last>1[0-2]|[1-9])\s*月"
    r"|(?<!前)(?P<quarter>[一二三四])季度|前(?P<quarters>[二三])季度|(?P<half>上半年)"
)
_WHOLE_YEAR = "全年"
# An open bracket a few characters before a target word: "（年度目标7%）", "（预期目标5.5%）".
_IN_TARGET_BRACKET = re.compile(r"[（(][^）)]*$")
_BRACKET_LEAD = 4
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4}
_PART_YEAR_CHARS = ("月", "季", "半")
_TARGET_LIST = re.compile(r"目标(?:是|为|如下|建议为|建议是|确定为)?\s*[:：]")
_REVIEW_HEADING = re.compile(r"回顾|成就|成绩|过去|总结")
_TARGET_HEADING = re.compile(r"任务|安排|目标|部署|计划|展望|开拓|打算")
# "2021年1月12日在…大会上", or in numerals as formal documents date themselves ("二〇二一年一月十二日在")
_CN_DAY = "[一二三四五六七八九十]{1,3}"
_REPORT_DATE = re.compile(rf"({_YEAR})年(?:\d{{1,2}}|{_CN_DAY})月(?:\d{{1,2}}|{_CN_DAY})日\s*在")
_TITLE_YEAR = re.compile(rf"({_YEAR})年")
_YEAR_IS = re.compile(rf"(?<![\d—\-~至到])({_YEAR})年是")
_PLAN_YEAR_IS = re.compile(
    r"今年是[^。，]{0,8}?“?十(?P<plan>[一二三四五])五”?(?:规划)?的?(?P<which>收官|开局|起步)之年"
)


class Period(NamedTuple):
    """A year or a span of years, or the first months of a year ("1-10月" of 2015: months (1, 10)). (A named tuple:
    one or two are built for every figure, cheaper than a frozen dataclass.)"""

    first: int
    last: int
    months: tuple[int, int] | None = None

    def label(self) -> str:
        if self.months is not None:
            return f"{self.last}-{self.months[0]:02d}/{self.last}-{self.months[1]:02d}"
        return str(self.last) if self.first == self.last else f"{self.first}-{self.last}"


@dataclass(frozen=True, slots=True)
class Cue:
    """What a stretch of text says about time."""

    period: Period | None = None  # a year or a span
    base_year: int | None = None  # 比2002年 …
    is_span: bool = False

    def __bool__(self) -> bool:
        return self.period is not None


NO_CUE = Cue()


@dataclass(frozen=True, slots=True)
class DocumentTime:
    """The report year (targets) of a document; its review year is the one before."""

    report_year: int | None

    @property
    def review_year(self) -> int | None:
        return None if self.report_year is None else self.report_year - 1

    def review_span(self, years: int) -> Period | None:
        review = self.review_year
        return None if review is None else Period(review - years + 1, review)


def document_time(text: str, title: str | None, published: date | None, sections: Sequence[Section]) -> DocumentTime:
    """The report year: from the text's delivery date, the title, the publication date or the headings."""
    delivered = _REPORT_DATE.search(_with_digit_years(text[:2000]))
    if delivered:
        return DocumentTime(int(delivered.group(1)))
    if title:
        year = _TITLE_YEAR.search(_with_digit_years(title))
        if year:
            offset = 1 if "公报" in title else 0  # a statistical bulletin of year Y reviews Y
            return DocumentTime(int(year.group(1)) + offset)
    # "今年是“十四五”规划收官之年" (national report 2025) states the report's own year; a page is often published later
    plan_year = _plan_year(text)
    if plan_year is not None:
        return DocumentTime(plan_year)
    if published is not None:
        return DocumentTime(published.year)
    # "回顾2024年" reviews the year before the report's; "2025年是“十四五”规划的收官之年" introduces its plans
    candidates = [
        int(year) + (1 if _REVIEW_HEADING.search(section.heading) else 0)
        for section in sections
        for year in re.findall(rf"({_YEAR})年", section.heading)
    ]
    candidates += [int(year) for year in _YEAR_IS.findall(text)]
    return DocumentTime(max(candidates) if candidates else None)


def cues_in(text: str, document: DocumentTime) -> list[Cue]:
    """The time cues of a stretch of text, in order."""
    return [cue for _, _, cue in _cues_with_ends(text, document)]


def _with_digit_years(text: str) -> str:
    """Years in Chinese numerals written in digits; the same length, so offsets still index the text as given."""
    return _CN_YEAR.sub(_digits, text) if "年" in text else text


def _cues_with_ends(text: str, document: DocumentTime) -> Iterator[tuple[int, int, Cue]]:
    text = _with_digit_years(text)
    for match in _TIME_CUE.finditer(text):
        cue = _cue(match, document)
        if cue is not None:
            yield match.start(), match.end(), cue


class StretchCues(NamedTuple):
    """What the time cues of a stretch of text say: the last one with a period, the last base year (比2002年 …)
    and the first span. (A named tuple: two are built for every figure, cheaper than a frozen dataclass.)"""

    last: Cue = NO_CUE
    base_year: int | None = None
    first_span: Period | None = None


class SentenceCues:
    """The time cues of one sentence, read in one scan; the cues of any stretch of it (the clauses before a
    figure, the words of its clause before it) are then found by lookups, not by rescanning the sentence.

    Cues match no clause separator, so a clause's cues are those of the sentence that lie within the clause.
    """

    def __init__(self, sentence: str, document: DocumentTime) -> None:
        found = list(_cues_with_ends(sentence, document))
        self._starts = [start for start, _, _ in found]
        self._ends = [end for _, end, _ in found]  # increasing too: the matches do not overlap
        self._cues = [cue for _, _, cue in found]
        # among the first k cues: the index of the last with a period, and of the last with a base year (-1: none)
        self._last_period, self._last_base = [-1], [-1]
        for index, cue in enumerate(self._cues):
            self._last_period.append(index if cue.period is not None else self._last_period[-1])
            self._last_base.append(index if cue.base_year is not None else self._last_base[-1])
        # from the k-th cue on: the index of the first span (len: none)
        self._next_span = [len(found)] * (len(found) + 1)
        for index in reversed(range(len(found))):
            self._next_span[index] = index if self._cues[index].is_span else self._next_span[index + 1]

    def within(self, start: int, end: int) -> StretchCues:
        """The cues that lie within ``sentence[start:end]``."""
        first = bisect.bisect_left(self._starts, start)
        stop = bisect.bisect_right(self._ends, end)
        if stop <= first:
            return StretchCues()
        last, base, span = self._last_period[stop], self._last_base[stop], self._next_span[first]
        return StretchCues(
            last=self._cues[last] if last >= first else NO_CUE,
            base_year=self._cues[base].base_year if base >= first else None,
            first_span=self._cues[span].period if span < stop else None,
        )


def _digits(match: re.Match[str]) -> str:
    """一九八五 → 1985 (older reports write years in Chinese numerals)."""
    return match.group().translate(_CN_DIGITS)


def _cue(match: re.Match[str], document: DocumentTime) -> Cue | None:
    if match["span_from"]:
        first, last = int(match["span_from"]), int(match["span_to"])
        return Cue(Period(first, last), is_span=True) if first < last else None
    if match["base_year"] or match["base_year2"]:
        return Cue(base_year=int(match["base_year"] or match["base_year2"]))
    if match["base_relative"]:
        return None
    if match["year"]:
        year = int(match["year"])
        return Cue(Period(year, year))
    if match["plan"]:
        plan = _plan_span(match["plan"])
        review = document.review_year
        if match["since"] and review is not None and plan.first <= review < plan.last:
            plan = Period(plan.first, review)  # "“十四五”以来" in 2025: the plan's years up to the one reviewed
        return Cue(plan, is_span=True)
    if match["relative"]:
        return _relative(match["relative"], document)
    count = match["years"] or match["bare_years"]
    span = document.review_span(_CN_COUNT[count]) if count else None
    return Cue(span, is_span=True) if span else None


def _plan_span(numeral: str) -> Period:
    """十一五 = 2006-2010 … from the numeral after 十 (the plans have run every five years since 1966)."""
    number = 10 + "一二三四五".index(numeral) + 1
    first = 1966 + 5 * (number - 3)
    return Period(first, first + 4)


def _plan_year(text: str) -> int | None:
    """The year "今年是“十四五”规划收官之年" names: a plan's last year (收官) or its first (开局, 起步)."""
    match = _PLAN_YEAR_IS.search(text)
    if match is None:
        return None
    span = _plan_span(match["plan"])
    return span.last if match["which"] == "收官" else span.first


def _relative(word: str, document: DocumentTime) -> Cue | None:
    if document.report_year is None:
        return None
    if word in ("今年", "本年度", "本年", "新的一年", "今后一年"):
        year = document.report_year
    elif word == "明年":
        year = document.report_year + 1
    else:
        year = document.report_year - 1
    return Cue(Period(year, year))


def opening_cue(opening: str, document: DocumentTime) -> Cue:
    """The year or span a paragraph's first clause starts with ("——五年来", "2021年是…"), else no cue."""
    match = _TIME_CUE.search(opening)
    if match is None or match.start() > len(opening) - len(opening.lstrip("—- \u3000")) + 2:
        return NO_CUE
    cue = _cue(match, document)
    return cue if cue is not None and cue.period is not None else NO_CUE


# A sentence about a span as a whole: "这是城市综合实力显著提升的五年。"
_SPAN_HEAD = 12  # a span cue that opens a sentence lies within its first characters ("——过去五年，")
_SPAN_AT_END = re.compile(r"的(?P<years>[两二三四五十])年[。！!]?$")


def span_sentence_cue(sentence: str, document: DocumentTime) -> Cue:
    """The span a sentence reviews, when it opens with one ("过去五年，我国发展成就举世瞩目。") or calls itself
    one ("这是…显著提升的五年。"), else no cue: the sentences after it in its paragraph review that span. Only a
    span that ends with the year reviewed: a plan that runs on ("“十一五”规划…") is no review."""
    if "年" not in sentence[:_SPAN_HEAD] and "五" not in sentence[:_SPAN_HEAD] and "年" not in sentence[-3:]:
        return NO_CUE  # most sentences: no span cue can open or end them, and no regex need run
    cue = opening_cue(sentence.split("，", 1)[0], document)
    if cue.is_span and cue.period is not None and cue.period.last == document.review_year:
        return cue
    found = _SPAN_AT_END.search(sentence.rstrip())
    span = document.review_span(_CN_COUNT[found["years"]]) if found else None
    return Cue(span, is_span=True) if span else NO_CUE


@dataclass(frozen=True, slots=True)
class HeadingTime:
    """What a section heading says: a year, a span, and whether the section reviews or plans."""

    year: int | None
    span: Period | None
    target: bool | None  # True: plans; False: reviews; None: says nothing
    numbered: bool  # a numbered heading of the report itself, not a news title line


def heading_time(heading: str, document: DocumentTime, numbered: bool = True) -> HeadingTime:
    cues = cues_in(heading, document)
    years = [c.period.last for c in cues if c.period is not None and not c.is_span]
    spans = [c.period for c in cues if c.period is not None and c.is_span]
    year = None
    if years:
        preferred = [y for y in years if y in (document.report_year, document.review_year)]
        year = preferred[0] if preferred else years[0]
    target: bool | None = None
    if _REVIEW_HEADING.search(heading):
        target = False
    elif _TARGET_HEADING.search(heading):
        target = True
    return HeadingTime(year, spans[0] if spans else None, target, numbered)


def has_plan_cue(text: str) -> bool:
    """Words that only plans use: 计划, 力争, 确保, 预期, 拟, 争取, 目标."""
    return _PLAN.search(text) is not None


class WordCues(NamedTuple):
    """Where the first word of each kind ends in a sentence (None: it has none); the figures after that end have
    the cue. No word of a kind lies inside another, so the first to start is the first to end. (A named tuple, one
    per sentence with figures, like the cues of each figure.)"""

    target: int | None  # 目标, 力争, 确保, 计划, 拟, 预期, 争取, 今年 …
    estimate: int | None  # 预计 (初步核算 and 初步统计 state outcomes: the year has closed, the count is provisional)
    plan: int | None  # the target words but 今年 and its kin
    part_year: int | None  # "1-10月", "一季度", "上半年": the figures after it are of those months
    months: tuple[int, int] | None  # which months: (1, 10), (1, 3), (1, 6) …
    whole_year: int | None  # where 全年 starts after the part of a year: the figures after it are the year's again


def _in_target_bracket(text: str, start: int, position: int) -> bool:
    return _IN_TARGET_BRACKET.search(text, max(start, position - _BRACKET_LEAD), position) is not None


def _first_outside_brackets(pattern: re.Pattern[str], text: str, start: int, end: int) -> int | None:
    """Where the first match of a target word ends that is not the restated target of the figure before it:
    "增长5.2%（预期目标5.5%），一般公共预算收入增长3%" reports outcomes on after the bracket."""
    match = pattern.search(text, start, end)
    while match is not None and _in_target_bracket(text, start, match.start()):
        match = pattern.search(text, match.end(), end)
    return match.end() if match is not None else None


def word_cues(text: str, start: int, end: int) -> WordCues:
    """The word cues of ``text[start:end]``, in one search of it per kind."""
    target, plan = _first_outside_brackets(_TARGET, text, start, end), _first_outside_brackets(_PLAN, text, start, end)
    found_estimate = _ESTIMATE.search(text, start, end)
    estimate = found_estimate.end() if found_estimate else None
    # every part-year cue holds 月, 季 or 半: the scan is skipped for the sentences (most) that hold none
    maybe_part = any(text.find(char, start, end) >= 0 for char in _PART_YEAR_CHARS)
    part = _PART_YEAR.search(text, start, end) if maybe_part else None
    if part is None:
        return WordCues(target, estimate, plan, None, None, None)
    # "面对一季度…下降6.7%的困难局面，…全年实现生产总值增长1.7%": the whole year is back after 全年
    whole = text.find(_WHOLE_YEAR, part.end(), end)
    return WordCues(target, estimate, plan, part.end(), _months(part), None if whole < 0 else whole)


def _months(match: re.Match[str]) -> tuple[int, int]:
    if match["first"]:
        return int(match["first"]), int(match["last"])
    if match["quarter"]:
        last = 3 * _QUARTERS[match["quarter"]]
        return last - 2, last
    if match["quarters"]:
        return 1, 3 * _QUARTERS[match["quarters"]]
    return 1, 6


# A list item set as a paragraph of its own: "——地区生产总值增长6%左右；", "1.经济增长5.5%左右；", "（一）…".
_LIST_ITEM = re.compile(
    r"(?:——|[-•·]|\d{1,2}[.．、](?!\d)|[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、是])"
)


def is_list_item(paragraph: str) -> bool:
    return _LIST_ITEM.match(paragraph) is not None


def target_list_end(paragraph: str) -> int | None:
    """Where "…主要预期目标是：" ends in a paragraph: what follows it in the paragraph are targets."""
    match = _TARGET_LIST.search(paragraph)
    return match.end() if match else None
