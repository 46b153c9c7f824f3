"""Every stated figure of a report as a typed, traceable ``Metric`` row.

Offsets: ``start``/``end`` delimit the figure itself — the number with its unit ("0.5%", "134.9万亿元",
"6%-6.5%", "百分之六点五", "翻一番"; one part of a ratio such as "34.3") — in the text as given, so
``text[start:end]`` is the figure as written. Qualifiers and verbs around it are not part of the span;
``sentence`` is the whole sentence (split at 。；！？ and their ASCII forms, and at line ends).

Conventions, for values that can be read two ways:

* Growth is measured in % or pp. 增长1.5倍 is growth of 150 % (value 1.5, unit 倍, value_std 150, unit_std
  %); 翻一番 is growth of 100 % (value 1, unit 番); 两成 is 20 % (value 2, unit 成). A multiple that is not
  growth ("是…的2倍") is a level in "times". Growth in another unit ("比上年增加1.6万亿元") is an absolute
  change in that unit.
* 下降/减少/降低/降幅 … make the value negative; an unnamed second figure after a verb shares it
  ("下降2.6%、3.1%").
* Shares ("占…比重", "为预算的98.4%", "占比") are levels with their own name, never growth of the subject.
* Counts (个, 户, 家, 项, 名 …) are kept as levels in their classifier; the name is the noun counted
  ("24家企业获批" → 企业). Years, months, dates, ordinals (第3位), ages (岁), durations (年), codes and bare
  numbers are never rows.
* A figure that matches no indicator keeps its name as written and indicator None.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache

from ingest.metrics import context
from ingest.metrics.context import Cue, DocumentTime, HeadingTime, Period, SentenceCues, WordCues
from ingest.metrics.numbers import RELATIVE_UNITS, ReadingText, reading_form, reading_text, standardize
from ingest.metrics.patterns import RawFigure, find_figures
from ingest.metrics.reading import (
    Left,
    after_separator,
    names_growth,
    opens_predicate,
    read_left,
    read_right,
    strip_leading,
)
from ingest.metrics.vocabulary import ELLIPTIC_HEADS, SHARE_TAIL, SUB_AREA_OPENING, Vocabulary, normalize_name
from ingest.model import Basis, Measure, Metric, MetricKind, Section
from ingest.sections import is_part_heading

_SENTENCE_END = re.compile(r"[。；！？;!?\n]")
# A colon ends a clause unless it stands between digits (a time, 20:57, or a ratio). One character class first, the
# colon's test after it: a pattern that starts with a class lets the regex engine skip to the next candidate
# character, where an alternation is tried at every position of the text (twice as slow on a report).
_CLAUSE_END = re.compile(r"[。；！？;!?\n，,:](?<!\d:(?=\d))")
# Clauses that say how a figure was computed, not what it is: "按可比价计算，同比增长5.3%".
_METHOD = re.compile(r"(?:按|据|经|扣除|剔除|初步|同比|环比|其中|预计|分.{1,8}看$)")
_NAME_SEPARATORS = ("、", "、及与", "和、及与", "和与")
_STRUCTURE_PARTS = ("第一产业", "第二产业", "第三产业")
# 城乡 names two subjects at once, urban then rural: "城乡居民人均可支配收入分别增长8.9%和9.5%".
# Bare 出口 is exports only as the part of foreign trade named before it; alone, "…进出口" would end with it too.
_EXPORTS, _EXPORTS_NAMED, _TRADE = "出口", "出口额", "进出口"
# Words that refer back to the subject of the figure before: "地区生产总值增长6%，总量达到3210亿元".
_FLOW = "新增"
_BACK_REFERENCES = frozenset({"总量", "总额", "总值", "规模", "总规模"})
_RESTATED_TARGET = re.compile(r"\s*[（(]\s*(?:年度|年初|全年|预期|计划)?目标(?:值)?(?:为|是)?\s*")
_CONTRACTED_PAIR = re.compile(r"^城乡(?=居民|常住居民)")
_CONTRACTED_PAIR_PARTS = ("城镇", "农村")
_CONTRACTED_PAIR_WRITTEN_OUT = "和".join(_CONTRACTED_PAIR_PARTS)
_NATIONAL = re.compile(r"国务院|中华人民共和国")
_REGION_CONGRESS = re.compile(
    r"([^\s\d，,。、和在与及]{2,10}?(?:自治州|自治区|自治县|州|市|县|区|盟|旗|省))第[一二三四五六七八九十]+届\s*人民代表大会"
)
_REGION_IN_TITLE = re.compile(
    r"^(?:\d{4}年)?([^\d\s]{2,10}?(?:自治州|自治区|自治县|州|市|县|区|盟|旗|省))(?=人民政府|政府|\d{4}年|关于|国民经济)"
)


def _region(text: str, title: str | None) -> str | None:
    """The region a report is about, from its title ("宜春市2022年…统计公报", "…国务院政府工作报告") or from the
    congress it was delivered to ("在延边朝鲜族自治州第十五届人民代表大会…")."""
    if title:
        if _NATIONAL.search(title):
            return "全国"
        found = _REGION_IN_TITLE.match(title.strip())
        if found:
            return found.group(1)
    congress = _REGION_CONGRESS.search(text, 0, 600)
    return congress.group(1) if congress else None


@cache
def _default_vocabulary() -> Vocabulary:
    return Vocabulary.load()


def extract_metrics(
    text: str,
    sections: Sequence[Section] = (),
    *,
    region: str | None = None,
    title: str | None = None,
    published: date | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[Metric]:
    """Every stated figure of a clean text, in document order.

    ``sections`` (from ``ingest.sections.split_sections``) give each figure its section and the heading
    context for its year and kind. The region is the one the document names for itself (its title, or the
    congress it was delivered to), else ``region`` — the source's, since a prefecture's site also republishes
    national and county reports. ``title`` and ``published`` date the report when its text does not (see
    ``ingest.metrics.context``).
    """
    vocabulary = vocabulary or _default_vocabulary()
    # The title and the headings date the figures as much as the text does, and sites write all three in
    # full-width digits ("２０２３年") or spaced ("2023 年"): each is read in the same form as the text.
    reading = reading_text(text)
    half = reading.text
    title = reading_form(title) if title else title
    if reading.origin is not None:
        sections = [replace(s, start=reading.reading(s.start), end=reading.reading(s.end)) for s in sections]
    layout = _Layout(half)
    time = context.document_time(half, title, published, sections)
    headings = _Headings(sections, time)
    region = _region(half, title) or region
    reader = _Reader(half, layout, time, headings, vocabulary)
    readings = reader.read(find_figures(half))
    spans = dict.fromkeys(r.sentence for r in readings)
    # one copy per sentence, not per figure
    sentences = {span: text[reading.original(span[0]) : reading.original_end(span[1])].strip() for span in spans}
    return [_metric(r, sentences[r.sentence], headings, region, reading) for r in readings]


class _Layout:
    """Paragraph, sentence and clause boundaries of a text."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self.sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
        self.clause_starts = [0] + [m.end() for m in _CLAUSE_END.finditer(text)]
        self.paragraph_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    @staticmethod
    def _unit(starts: list[int], end_default: int, position: int) -> tuple[int, int]:
        index = bisect.bisect_right(starts, position) - 1
        end = starts[index + 1] if index + 1 < len(starts) else end_default
        return starts[index], end

    def sentence(self, position: int) -> tuple[int, int]:
        return self._unit(self.sentence_starts, self.length, position)

    def clause(self, position: int) -> tuple[int, int]:
        return self._unit(self.clause_starts, self.length, position)

    def paragraph(self, position: int) -> tuple[int, int]:
        return self._unit(self.paragraph_starts, self.length, position)


class _Headings:
    """The sections around a position, innermost first, and what their headings say about time."""

    def __init__(self, sections: Sequence[Section], time: DocumentTime) -> None:
        # a report's own headings date their part firmly, numbered or not; a news title line does not
        self.times = {
            s.ordinal: context.heading_time(
                reading_form(s.heading), time, s.number is not None or is_part_heading(s.heading)
            )
            for s in sections
        }
        # The sections around a position change only where one starts or ends: each stretch between two such
        # bounds gets its chain once, and a figure looks its stretch up rather than testing every section.
        ordered = sorted(sections, key=lambda s: (s.start, -s.end))
        self._bounds = sorted({bound for s in sections for bound in (s.start, s.end)})
        self._chains = [
            sorted((s for s in ordered if s.start <= bound < s.end), key=lambda s: (s.end - s.start, -s.level))
            for bound in self._bounds
        ]
        self._time_chains = [[self.times[s.ordinal] for s in chain] for chain in self._chains]

    def _stretch(self, position: int) -> int | None:
        index = bisect.bisect_right(self._bounds, position) - 1
        return index if index >= 0 else None  # None: before every section

    def innermost(self, position: int) -> int | None:
        stretch = self._stretch(position)
        chain = self._chains[stretch] if stretch is not None else []
        return chain[0].ordinal if chain else None

    def time_chain(self, position: int) -> list[HeadingTime]:
        stretch = self._stretch(position)
        return self._time_chains[stretch] if stretch is not None else []


@dataclass(slots=True)
class _Reading:
    """One figure and what its surroundings say about it."""

    figure: RawFigure
    left: Left
    name: str
    sentence: tuple[int, int]
    shares_verb: bool = False  # one of a list under one name and verb: "增长2%和6%"
    inherited: bool = False  # it names nothing: its name is the figure's before ("…20366元，同比增长5.3%")
    # the outcome whose target it restates, in brackets after it ("增长7.2%（年度目标7%）")
    outcome: _Reading | None = None
    undated_end: bool = False  # the end of a change whose start alone has a year ("从2021年的A元…提高到C元")
    indicator: str | None = None
    period: str | None = None
    kind: MetricKind = "actual"
    basis: Basis = "annual"

    @property
    def measure(self) -> Measure:
        if self.left.direction is not None or self.figure.form == "doubling":
            return "growth"
        return "level"


class _Reader:
    """Reads the figures of one text in order: name, indicator, verb, then period, kind and basis."""

    def __init__(
        self, text: str, layout: _Layout, time: DocumentTime, headings: _Headings, vocabulary: Vocabulary
    ) -> None:
        self.text = text
        self.layout = layout
        self.time = time
        self.headings = headings
        self.vocabulary = vocabulary
        self._sentences: dict[int, _Sentence] = {}
        self._cumulative: dict[int, int | None] = {}
        self._paragraphs: dict[int, _Paragraph] = {}

    def read(self, figures: list[RawFigure]) -> list[_Reading]:
        readings: list[_Reading] = []
        group: list[_Reading] = []  # figures sharing one name and verb
        sentence_from = 0  # where the readings of the current sentence start
        pair_years: dict[str, str] = {}  # "由2002年7703元增加到2007年…，…由2476元增加到4140元": years of each end
        previous: _Reading | None = None
        for figure in figures:
            sentence = self.layout.sentence(figure.start)
            if previous is not None and previous.sentence != sentence:
                self._close(group, readings[sentence_from : len(readings) - len(group)])
                group, pair_years, previous = [], {}, None
                sentence_from = len(readings)
            reading = self._read(figure, sentence, previous)
            if reading.shares_verb:
                group.append(reading)
            else:
                self._close(group, readings[sentence_from : len(readings) - len(group)])
                group = [reading]
            if reading.left.role and reading.left.time:
                pair_years[reading.left.role] = reading.left.time
            elif reading.left.role and reading.left.role in pair_years and not reading.left.time:
                reading.left.time = pair_years[reading.left.role]
            elif reading.left.role == "to" and "from" in pair_years:
                # "从2021年的A元和B元分别提高到C元和D元": the year written for the start does not date the end
                reading.undated_end = True
            readings.append(reading)
            previous = reading
        self._close(group, readings[sentence_from : len(readings) - len(group)])
        for reading in readings:
            self._date(reading)
            if reading.outcome is not None:  # the target of the year its outcome is stated for
                reading.period, reading.basis = reading.outcome.period, reading.outcome.basis
        return readings

    def _read(self, figure: RawFigure, sentence: tuple[int, int], previous: _Reading | None) -> _Reading:
        text = self.text
        clause_start, _ = self.layout.clause(figure.start)
        same_clause = previous is not None and previous.figure.after > clause_start
        if figure.part and previous is not None:  # the second and later parts of "7.6:34.3:58.1"
            reading = _Reading(figure, previous.left, previous.name, sentence)
            reading.indicator = previous.indicator
            return reading
        raw_left = text[previous.figure.after if same_clause and previous else clause_start : figure.start]
        if same_clause and previous is not None and _RESTATED_TARGET.fullmatch(raw_left):
            # "增长7.2%（年度目标7%）": the bracket restates the target the figure before was measured against
            restated = replace(previous.left, qualifier=None, target=True)
            reading = _Reading(figure, restated, previous.name, sentence, outcome=previous)
            reading.indicator = previous.indicator
            return reading
        left = read_left(after_separator(raw_left) if same_clause else raw_left)
        name = left.name
        right = read_right(text[figure.after : figure.after + 16])
        if right and figure.form != "ratio" and (not name or not _is_relative(figure.unit)):
            name = right  # "24家企业", "5000万元产业扶持资金": the figure counts or sizes the noun after it
        if name and self.vocabulary.match(name) is None:
            name = self._subject(name) or name  # "人均地区生产总值突破5万关口、达到5.28万元"
        topic = "" if name else self._topic(previous.figure.after if previous else sentence[0], clause_start)
        if topic and self.vocabulary.match(topic) is None:
            topic = self._sentence_subject(sentence[0], clause_start) or topic
        reading = _Reading(figure, left, name or topic, sentence)
        if not name and not topic and previous is not None:  # "、增长71%": the name of the figure before
            reading.name = previous.name
            reading.indicator = previous.indicator
            reading.inherited = True
            # "下降2.6%、3.1%", "增长7%以上、力争8%": the verb is shared too, among values of one kind; an amount after
            # a rate ("增长4.8%，达到3210亿元") is the subject's level
            if not left.has_verb and _is_relative(figure.unit) == _is_relative(previous.figure.unit):
                _share_verb(left, previous.left)
                reading.shares_verb = True
            return reading
        if reading.name in _BACK_REFERENCES and previous is not None:  # "增长6%，总量达到3210亿元"
            reading.name, reading.indicator = previous.name, previous.indicator
            return reading
        if not reading.name:
            reading.name = read_right(text[figure.after : figure.after + 16], stop_at_verbs=False)
        if same_clause and previous is not None and previous.left.verb_object and not left.has_verb:
            left.direction, left.verb_object = previous.left.direction, True  # "压缩一般性支出20%、公用经费5%"
        subject = ""
        if reading.name.startswith("占"):  # "…经费，从…增加到…，占国内生产总值比重从1.07%…": the subject went before
            subject = previous.name if previous is not None else topic
        reading.indicator = self._indicator(subject + reading.name, sentence[0], figure.start)
        return reading

    def _topic(self, start: int, clause_start: int) -> str:
        """The subject stated in a clause of its own before a figure with no name: "全社会研发经费，从…"."""
        gap = self.text[start:clause_start]
        clauses = [c for c in re.split(r"[,，:：;；。]", gap) if c.strip() and not _METHOD.match(c.strip())]
        return read_left(clauses[-1]).name if clauses else ""

    def _subject(self, clause: str) -> str:
        """The indicator a clause opens with, when its predicate follows: "全省地区生产总值连跨4个千亿台阶"."""
        found = self.vocabulary.opening_name(strip_leading(clause))
        return found[0] if found is not None and opens_predicate(found[1]) else ""

    def _sentence_subject(self, start: int, clause_start: int) -> str:
        """The subject of the nearest earlier clause of the sentence that opens with an indicator: a clause that
        names nothing ("…连跨4个千亿台阶，2024年达到1.3万亿元") goes on about it."""
        for clause in reversed(re.split(r"[,，;；]", self.text[start:clause_start])):
            if subject := self._subject(clause):
                return subject
        return ""

    def _indicator(self, name: str, sentence_start: int, position: int) -> str | None:
        code = self.vocabulary.match(name)
        if code is None and name == _EXPORTS and _TRADE in self.text[sentence_start:position]:
            code = self.vocabulary.match(_EXPORTS_NAMED)  # "进出口总值310亿元，其中，出口210亿元"
        if code is None and normalize_name(name) in ELLIPTIC_HEADS:
            found = self.vocabulary.match_elliptic(name, self.text[sentence_start:position])
            code = found[0] if found else None
        return code

    def _close(self, group: list[_Reading], before: list[_Reading]) -> None:
        """Give each figure of a value list its own name: "A和B增长2%和6%" when the shared name splits into as many,
        and "A 42038元，B 20366元，同比增长5.3%和6.4%" (no 分别) when a list of rates names nothing and the sentence
        stated as many subjects' amounts before it (``before``: the sentence's readings before the group)."""
        if len(group) < 2 or group[0].figure.form == "ratio":
            return
        names = _split_name(group[0].name, len(group))
        # The word ending the shared name: a share is every name's; a growth noun too ("生产总值、工业增加值增速分别为
        # 5%和6%"), but for a rate, a level of its own ("失业率、居民消费价格涨幅分别控制在5%和3%以内": 涨幅 is the
        # price's)
        share = SHARE_TAIL.search(group[0].name) if names is not None else None
        growth_tail = names is not None and names_growth(group[0].name)
        if names is None and group[0].inherited:
            # amounts of named subjects, then their rates: "城镇…42038元，农村…20366元，同比增长5.3%和6.4%"
            amounts = [r for r in before if not r.inherited]
            subjects = list(dict.fromkeys(r.name for r in amounts))
            rates_of_amounts = all(not _is_relative(r.figure.unit) for r in amounts) and all(
                _is_relative(r.figure.unit) for r in group
            )
            names = subjects if rates_of_amounts and len(subjects) == len(group) else None
        if names is None:
            return
        for reading, split in zip(group, names, strict=True):
            name = split if share is None or split.endswith(share.group()) else split + share.group()
            if growth_tail and not names_growth(name) and name.endswith("率"):
                reading.left.direction = None
            reading.name = name
            reading.indicator = self._indicator(name, reading.sentence[0], reading.figure.start)

    def _date(self, reading: _Reading) -> None:
        """Period, kind and basis: every cue is collected first (``_cues``), then weighed in one place
        (``_decide``), the narrowest scope that states them winning (see ``ingest.metrics.context``)."""
        period, basis, kind, annual_indicator = _decide(reading, self._cues(reading), self.time)
        reading.period = period.label() if period else None
        reading.basis = basis
        reading.kind = kind
        if not annual_indicator:
            reading.indicator = None

    def _cues(self, reading: _Reading) -> _TimeCues:
        """What the figure's words, clause, sentence, paragraph and headings say about its time."""
        figure, left = reading.figure, reading.left
        clause_start, clause_end = self.layout.clause(figure.start)
        sentence_start = reading.sentence[0]
        paragraph = self._paragraph(figure.start)
        sentence = self._sentence(reading.sentence)  # read once for all its figures, looked up by offsets
        words = sentence.words
        clause_cues = sentence.cues.within(clause_start - sentence_start, figure.start - sentence_start)
        sentence_cues = sentence.cues.within(0, clause_start - sentence_start)
        written = _period_of(left.time, self.time) if left.time else None
        lead = paragraph.lead(sentence_start) or (
            paragraph.opening if paragraph.opening_end <= figure.start else context.NO_CUE
        )
        if reading.undated_end:  # the clause's year is the start's
            clause_cues = sentence_cues = context.StretchCues()
        in_target_list = paragraph.targets_from is not None and paragraph.targets_from <= figure.start
        return _TimeCues(
            nearest=(Cue(written) if written else context.NO_CUE) or clause_cues.last or sentence_cues.last or lead,
            base_year=clause_cues.base_year or sentence_cues.base_year,
            spans=(clause_cues.first_span, sentence_cues.first_span),
            lead=lead,
            headings=self.headings.time_chain(sentence_start),  # sections start at line starts: one per sentence
            in_target_list=in_target_list,
            target=left.target or in_target_list or _ends_by(words.target, figure.start),
            estimate=left.estimate or _ends_by(words.estimate, figure.start),
            plans=_ends_by(words.plan, figure.start),
            paragraph_plans=paragraph.plans,
            cumulative=left.cumulative or _ends_by(self._cumulative_end(clause_start, clause_end), figure.start),
            months=words.months if _within_part_year(words, figure.start) else None,
        )

    def _sentence(self, span: tuple[int, int]) -> _Sentence:
        start, end = span
        if start not in self._sentences:
            self._sentences[start] = _Sentence(
                SentenceCues(self.text[start:end], self.time), context.word_cues(self.text, start, end)
            )
        return self._sentences[start]

    def _cumulative_end(self, clause_start: int, clause_end: int) -> int | None:
        """Where the first 累计 of a clause ends."""
        if clause_start not in self._cumulative:
            found = self.text.find("累计", clause_start, clause_end)
            self._cumulative[clause_start] = None if found < 0 else found + len("累计")
        return self._cumulative[clause_start]

    def _paragraph(self, position: int) -> _Paragraph:
        start, end = self.layout.paragraph(position)
        if start not in self._paragraphs:
            _, opening_end = self.layout.clause(start)
            list_end = context.target_list_end(self.text[start:end])
            targets_from = None if list_end is None else start + list_end
            # "…主要预期目标是：" ending its paragraph opens a list whose items are paragraphs of their own
            opens_list = targets_from is not None and not self.text[targets_from:end].strip()
            item = targets_from is None and start > 0 and context.is_list_item(self.text[start:end])
            if item and self._paragraph(start - 1).opens_list:
                targets_from, opens_list = start, True
            self._paragraphs[start] = _Paragraph(
                opening_end=opening_end,
                opening=context.opening_cue(self.text[start:opening_end], self.time),
                targets_from=targets_from,
                opens_list=opens_list,
                plans=context.has_plan_cue(self.text[start:end]),
                span_sentences=self._span_sentences(start, end),
            )
        return self._paragraphs[start]

    def _span_sentences(self, start: int, end: int) -> tuple[tuple[int, Cue], ...]:
        """Where each sentence of a paragraph that is about a span ends, and the span."""
        starts = self.layout.sentence_starts
        found = []
        for sentence_start in starts[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]:
            sentence_end = self.layout.sentence(sentence_start)[1]
            cue = context.span_sentence_cue(self.text[sentence_start:sentence_end], self.time)
            if cue:
                found.append((sentence_end, cue))
        return tuple(found)


@dataclass(frozen=True, slots=True)
class _Sentence:
    """What a sentence says for all its figures, read once: its time cues, and where its first cue words end."""

    cues: SentenceCues
    words: WordCues


@dataclass(slots=True)  # not frozen: built once per figure, and a frozen dataclass's __init__ costs more
class _TimeCues:
    """Every cue to a figure's period and kind, collected before any is weighed."""

    nearest: Cue  # the narrowest year or span: written before the figure, its clause, sentence, paragraph opening
    base_year: int | None  # 比2002年 …: growth over the years after it
    spans: tuple[Period | None, Period | None]  # the first span of the clause and of the sentence before the figure
    lead: Cue  # the paragraph's opening ("——五年来，…")
    headings: list[HeadingTime]  # the sections around the figure, innermost first
    in_target_list: bool  # after "…主要预期目标是：" in its paragraph
    target: bool  # a word of targets before it (目标, 力争, 今年 …) or the target list
    estimate: bool  # 预计 before it
    plans: bool  # a word of planning before it (the target words but 今年 and its kin)
    paragraph_plans: bool  # its paragraph has a word of planning
    cumulative: bool  # 累计 before it in its clause
    months: tuple[int, int] | None  # "1-10月" before it in its sentence: the first months of a year


def _decide(reading: _Reading, cues: _TimeCues, time: DocumentTime) -> tuple[Period | None, Basis, MetricKind, bool]:
    """Period, basis and kind of a figure from its cues, and whether it can be an annual indicator's figure."""
    if cues.months is not None:
        # "1-10月，…完成246.79亿元": an outcome of those months, of the year written or else the report's (months
        # are reported once they are over), and not the year's indicator
        nearest = cues.nearest.period
        year = nearest.last if nearest is not None and not cues.nearest.is_span else time.report_year
        period = None if year is None else Period(year, year, cues.months)
        return period, "annual", ("estimate" if cues.estimate else "actual"), False
    year, span = _year_or_span(cues, time)
    period, basis = _period_and_basis(reading, cues, year, span)
    kind: MetricKind
    if reading.outcome is not None:
        kind = "target"  # of the year its outcome is stated for, even a year the report reviews
    elif period is not None and time.report_year is not None:
        kind = "target" if period.last >= time.report_year else ("estimate" if cues.estimate else "actual")
    else:
        kind = "target" if cues.target else ("estimate" if cues.estimate else "actual")
    return period, basis, kind, True


def _year_or_span(cues: _TimeCues, time: DocumentTime) -> tuple[int | None, Period | None]:
    """The year or the span that dates a figure: its nearest cue, the target list, its headings, the document."""
    if cues.nearest.period is not None:
        return (None, cues.nearest.period) if cues.nearest.is_span else (cues.nearest.period.last, None)
    if cues.in_target_list and time.report_year is not None:
        return time.report_year, None
    for depth, heading in enumerate(cues.headings):
        if heading.year is not None:
            if heading.numbered or time.report_year is None:
                return heading.year, None
            plans, paragraph_plans = cues.plans, cues.paragraph_plans
            return _weakly_dated(heading.year, time.report_year, plans=plans, paragraph_plans=paragraph_plans), None
        if heading.span is not None:
            return None, heading.span
        # a word of plans or reviews in a heading dates its part unless a heading around it does ("2024年工作回顾"
        # around "（一）锚定目标攻坚，经济发展实现逆势而上": the 目标 of a slogan is not the part's)
        dated_around = any(outer.year is not None or outer.span is not None for outer in cues.headings[depth + 1 :])
        if heading.target is not None and time.report_year is not None and not dated_around:
            return (time.report_year if heading.target else time.review_year), None
    return (time.report_year if cues.target else time.review_year), None


def _period_and_basis(
    reading: _Reading, cues: _TimeCues, year: int | None, span: Period | None
) -> tuple[Period | None, Basis]:
    """A year or span read with the figure's verb: 年均 over a span, growth or a flow over it (cumulative), a
    level reached at its end, growth over a base year (比2002年) across the years after it."""
    figure, left = reading.figure, reading.left
    base = cues.base_year
    if left.average or (left.every_year and (reading.measure == "growth" or span is not None)):
        average_span = (
            cues.spans[0]
            or cues.spans[1]
            or (Period(base + 1, year) if base is not None and year is not None and year - base > 1 else None)
            or (cues.lead.period if cues.lead.is_span else None)
            or next((h.span for h in cues.headings if h.span is not None), None)
        )
        return span or average_span or _year_period(year), "average_annual"
    if span is not None:
        if left.role == "from":  # "从2.69万亿元增加到3.87万亿元" over five years: the level before they began
            return Period(span.first - 1, span.first - 1), "annual"
        # a rate or a level reached; what is new (新增) is a flow however it is reached ("新增就业超过6400万人")
        stock = (left.reach and _FLOW not in reading.name) or figure.form == "ratio" or _is_relative(figure.unit)
        if reading.measure == "growth" or not stock:
            return span, "cumulative"
        return Period(span.last, span.last), "annual"
    if base is not None and year is not None and reading.measure == "growth" and year - base > 1:
        return Period(base + 1, year), "cumulative"
    return _year_period(year), ("cumulative" if cues.cumulative else "annual")


def _within_part_year(words: WordCues, position: int) -> bool:
    """A figure after "1-10月" is of those months, unless 全年 came back between them."""
    return _ends_by(words.part_year, position) and not _ends_by(words.whole_year, position)


def _ends_by(end: int | None, position: int) -> bool:
    """A cue word that ends at ``end`` (None: there is none) stands before ``position``."""
    return end is not None and end <= position


@dataclass(frozen=True, slots=True)
class _Paragraph:
    """What a paragraph says for all its figures."""

    opening_end: int  # end of its first clause
    opening: Cue  # a year or span it opens with: "——五年来，…", "2021年是…"
    targets_from: int | None  # after "…主要预期目标是：" everything is a target
    opens_list: bool  # it ends with "…主要预期目标是：" or is an item of the list that follows
    plans: bool  # it has a word of planning (计划, 力争, 目标 …)
    # where its sentences about a span end ("过去五年，…。", "这是…的五年。"), and the span: the sentences after
    # one review that span, whatever year the paragraph opened with ("2015年是“十二五”收官之年。过去五年，…")
    span_sentences: tuple[tuple[int, Cue], ...]

    def lead(self, sentence_start: int) -> Cue | None:
        """The span of the last sentence about one before ``sentence_start``, if any."""
        before = [cue for end, cue in self.span_sentences if end <= sentence_start]
        return before[-1] if before else None


def _weakly_dated(year: int, report_year: int, *, plans: bool, paragraph_plans: bool) -> int:
    """The year of a figure under a news title line ("回顾2024年", "开拓2025年"), which dates its part less firmly
    than a numbered heading: a sentence that plans (计划, 力争 …) is a target, and a paragraph that states figures
    without a word of planning reports outcomes — page layouts move paragraphs across such title lines."""
    if plans:
        return max(year, report_year)
    if year >= report_year and not paragraph_plans:
        return report_year - 1
    return year


def _share_verb(left: Left, previous: Left) -> None:
    if left.qualifier is None:  # "整改率达97%、99%、100%"
        left.qualifier = previous.qualifier
    left.direction = previous.direction
    left.level_verb = previous.level_verb
    left.reach = previous.reach
    left.average = left.average or previous.average
    left.cumulative = left.cumulative or previous.cumulative
    left.estimate = left.estimate or previous.estimate
    left.target = left.target or previous.target
    if left.role is None:
        left.role = previous.role


def _period_of(written: str, time: DocumentTime) -> Period | None:
    if written[:4].isdigit():
        year = int(written[:4])
        return Period(year, year)
    if time.report_year is None:
        return None
    year = time.report_year if written == "今年" else time.report_year - 1
    return Period(year, year)


def _year_period(year: int | None) -> Period | None:
    return None if year is None else Period(year, year)


def _is_relative(unit: str | None) -> bool:
    """A share, rate, change or multiple rather than an amount (no unit: a ratio's part)."""
    return unit is None or unit in RELATIVE_UNITS


def _split_name(name: str, count: int) -> list[str] | None:
    """Split "城镇和农村常住居民人均可支配收入" into count names, sharing the head: 城镇常住居民… / 农村常住居民…;
    a contracted pair of subjects ("城乡居民…分别达3.2万元、1.5万元") is read as the pair written out."""
    if count == len(_CONTRACTED_PAIR_PARTS):
        name = _CONTRACTED_PAIR.sub(_CONTRACTED_PAIR_WRITTEN_OUT, name, count=1)
    for separators in _NAME_SEPARATORS:
        parts = [p for p in re.split("|".join(separators), name) if p]
        if len(parts) == count:
            head = parts[-1]
            return [part + head[len(part) :] if _shares_head(part, head) else part for part in parts[:-1]] + [head]
    return None


def _shares_head(part: str, head: str) -> bool:
    """Whether ``part`` names a subject whose measure is written once, after the last: a short one ("城镇和农村…收入")
    or one parallel to the last's ("城镇居民、农村居民人均可支配收入": both end in 居民), with a measure to share."""
    parallel = len(part) <= 3 or part[-2:] == head[len(part) - 2 : len(part)]
    return parallel and len(head) - len(part) > 3


# The nation's or the province's figure quoted in a region's document ("高于全国GDP百分之五点五的增长目标") is
# not the region's: it keeps its name and no indicator. A national report names itself (国务院, 全国人民代表大会),
# so a document of no known region is not the nation's; it may be a province's, whose own region is 全省.
_WIDER_REGION = re.compile(r"全国|全省")
_PROVINCE = re.compile(r"省$|自治区$")


def _of_a_wider_region(name: str, region: str | None) -> bool:
    found = _WIDER_REGION.search(name)
    if found is None or region == "全国":
        return False
    if found.group() == "全国":
        return True
    return region is not None and not _PROVINCE.search(region)


_ZONE_HEAD = 18  # a name of at most 10 characters and its zone word (自由贸易试验区: 7)


def _of_a_sub_area(sentence: str, region: str | None) -> bool:
    """Whether the sentence is about a named part of the region ("临港新片区…"), not the region itself."""
    # every zone's name ends in 区: most sentences are settled without the pattern
    found = SUB_AREA_OPENING.match(sentence) if "区" in sentence[:_ZONE_HEAD] else None
    return found is not None and not (region and (region in found.group() or found.group() in region))


def _metric(reading: _Reading, sentence: str, headings: _Headings, region: str | None, text: ReadingText) -> Metric:
    """The row of a figure, its offsets in the text as given (``text`` maps them back from the reading form)."""
    figure, left = reading.figure, reading.left
    sign = Decimal(-1) if left.direction == "down" else Decimal(1)
    value = figure.value * sign
    value_high = figure.value_high * sign if figure.value_high is not None else None
    value_std, unit_std = _standard(reading, value)
    name = reading.name
    if figure.form == "ratio":
        if reading.indicator == "INDUSTRY_STRUCTURE" and figure.parts == 3:
            name = f"{name}({_STRUCTURE_PARTS[figure.part]})"
        else:
            name = f"{name}({figure.part + 1}/{figure.parts})"
    of_another_region = _of_a_wider_region(name, region) or _of_a_sub_area(sentence, region)
    indicator = None if of_another_region else reading.indicator
    qualifier = figure.suffix or figure.approx or left.qualifier
    if qualifier is None and value_high is not None:
        qualifier = "range"
    return Metric(
        indicator=indicator,
        name=name,
        region=region,
        period=reading.period,
        kind=reading.kind,
        measure=reading.measure,
        basis=reading.basis,
        value=value,
        value_high=value_high,
        unit=figure.unit,
        value_std=value_std,
        unit_std=unit_std,
        qualifier=qualifier,
        sentence=sentence,
        start=text.original(figure.start),
        end=text.original_end(figure.end),
        section=headings.innermost(figure.start),
    )


def _standard(reading: _Reading, value: Decimal) -> tuple[Decimal | None, str | None]:
    figure = reading.figure
    if figure.form == "ratio":
        return (value, "%") if figure.percent_parts else (None, None)
    if figure.unit == "番":
        return (Decimal(2) ** int(figure.value) - 1) * 100 * (value / figure.value), "%"
    if figure.unit == "成":
        return value * 10, "%"
    if figure.unit == "倍" and reading.measure == "growth":
        return value * 100, "%"
    return standardize(value, figure.unit)
