"""The section tree of a clean text: numbered headings, news title lines and appendices.

``split_sections`` reads the clean main text line by line (a line is a paragraph) and returns every section in
document order. Two kinds of heading are recognised:

* Numbered headings of Chinese official documents, the label at the start of a line: 第一部分 / 第一章 / 第一节,
  一、, （一） or (一), 1. / 1． / 1、, （1） / (1), 1）, ①, and 第一， on a line of its own (older reports; in a long
  paragraph "第一，必须坚持…。…" opens a list item). Levels follow the order in which the schemes open inside each
  other (a 1. met inside a （一） sits below it), except that a scheme never nests below one that is normally deeper
  in 部分 > 章 > 节 > 一、 > 第一， > （一） > 1. > （1） > 1） > ①; a numbered list before the first heading of the
  document's top scheme is preamble. A numeral must continue its sequence (一 then 二; a gap is accepted only when
  the scheme's next heading confirms it), and a paragraph that goes on to the next label ("一、…；二、…") is a
  list, so "1.5倍", "2021年", "一是…", "一、二、三产业" and stray list items are not headings.
* Title lines of news pages, used when the numbered headings give fewer than two top-level sections: short lines
  without sentence punctuation that are not captions, dates or bylines, following a finished paragraph (or,
  for a kicker-and-title pair, any paragraph) and followed by body text, a photo caption or the end of the
  page. Consecutive title lines (kicker, title, "——" subtitle) form one level-1 heading joined by a space:
  "回顾2024年" + "真抓实干结硕果" gives "回顾2024年 真抓实干结硕果"; a kicker may end with a colon
  ("英国《泰晤士报》：").
  A line the page set as a heading (bold, h1–h6: ``marked``) may be longer and join two phrases with a comma
  ("扛稳粮食安全重任，加快建设农业强省"), and may head a short paragraph. A title run at the very start that shows
  the document's own title is its title block, not a section.
* Part headings of a report written without numbers, each on a line of its own: a year or period, then what the
  part does ("2024年工作回顾", "2025年主要预期目标", "今年工作安排", "“十四五”时期主要成就"). When a report has two
  or more, they are its top level, the numbered headings under each nest below it, and each part's numbering
  starts afresh (its "（一）" follows the part heading, not the "（五）" of the part before).
* A top-level numbered line whose heading sentence runs past 40 characters is a clause of a notice (通告), not a
  heading; deeper down, long measures ("（一）在普遍增产粮食的基础上抓好两头，…") stay headings.

Conventions of the returned ``Section`` values:

* ``number`` is the label as written, brackets kept and trailing punctuation dropped: "一", "（一）", "(一)", "1",
  "（1）", "1）", "①", "第一部分", "第一"; None for news title lines and appendices.
* ``heading`` runs from after the label to the end of the heading sentence: "（一）应对疫情有力有效。及时启动…"
  has heading "应对疫情有力有效"; the rest of that paragraph is body.
* ``start`` is the offset of the label (the heading line without its indentation); ``end`` is where the next
  section at the same or a higher level starts, or the end of the main body, with trailing whitespace left out.
  Parent spans contain their children's spans; text before the first heading belongs to no section.
* The main body ends at the report's closing words (a line "…秘书处" or a date line such as "2021年1月" or
  "2022-10-06" after the last top-level heading) or at the first appendix heading after that heading (附件,
  附表, 附录, 名词解释, 注释, 注, 资料来源). Each appendix heading with text after it is a level-1 section of kind
  "appendix" outside the main tree; numbered lines inside appendices are not sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.chinese import han_count
from ingest.model import Section

__all__ = ["is_part_heading", "split_sections"]

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "一二三四五六七八九十"
_CN_CHARS = frozenset(_CN)

# Alternatives are tried in order at the start of a line; each names the group holding its numeral.
_LABEL = re.compile(
    rf"第(?P<part>[{_CN}]{{1,3}})(?P<unit>部分|章|节)"
    rf"|第(?P<ordinal>[{_CN}]{{1,3}})[，,]"
    rf"|(?P<cn>[{_CN}]{{1,3}})[、.．]"
    rf"|[（(](?P<cn_paren>[{_CN}]{{1,3}})[）)]"
    r"|(?P<arabic>\d{1,2})[.．、]"
    r"|[（(](?P<arabic_paren>\d{1,2})[）)]"
    r"|(?P<arabic_right>\d{1,2})[）)]"
    r"|(?P<circled>[①-⑳])"
)
_SCHEME_GROUPS = ("part", "ordinal", "cn", "cn_paren", "arabic", "arabic_paren", "arabic_right", "circled")
# Natural order of the schemes, shallowest first: a scheme never nests below one that ranks after it.
_RANK = {
    "部分": 0,
    "章": 1,
    "节": 2,
    "cn": 3,
    "ordinal": 4,
    "cn_paren": 5,
    "arabic": 6,
    "arabic_paren": 7,
    "arabic_right": 8,
    "circled": 9,
}
# "一、二、三产业", "一、二季度", "二、三月份": a numeral list in running text, not a label.
_CN_LIST = re.compile(rf"[{_CN}]+(?:[、，,]|月|季度|产业)")
_ITEM_MARKS = frozenset("；;。：:，, \u3000")
_CIRCLED_MAX = 20
_CN_MAX = 99  # the largest numeral a three-character label can write (九十九)
_SEPARATORS = " \t\u3000、：:.．"
_HEADING_END = re.compile(r"[。！？；;!?：:]")
_SENTENCE_END = re.compile(r"[。！？；;!?]")
_ITEM_END = ("；", ";")
# A 第一部分 / 第一， heading is a line of its own; in a long paragraph it opens a list item ("第一，必须坚持…。…").
_STANDALONE_MAX = 40

# Words that head what is annexed to a document, never a part of its body (a note, 注：, may stand inside one).
_ANNEX_WORDS = ("附件", "附表", "附录")
_APPENDIX = re.compile(
    rf"(?:{'|'.join(_ANNEX_WORDS)})\s*(?P<num>[\d{_CN}]*)\s*(?P<sep>[：:]?)\s*(?P<title>[^。！？；，,;：:]{{0,30}})"
    r"|(?:名词解释|注释|资料来源|注)\s*[：:]?"
)
_CLOSING = re.compile(
    r"\d{4}年\d{1,2}月(?:\d{1,2}日)?"
    rf"|[〇零{_CN}]{{4}}年[{_CN}]{{1,2}}月(?:[{_CN}]{{1,3}}日)?"
    r"|\d{4}-\d{1,2}-\d{1,2}"
    r"|.{2,30}秘书处"
)

_PART_HEADING = re.compile(
    r"(?:(?:19|20)\d{2}年|过去一年|过去五年|今年|明年|今后五年|“?十[一二三四五六]五”?(?:时期)?)"
    r"[^。！？；，,：:]{0,12}?"
    r"(?:工作回顾|回顾|主要成就|主要成绩|工作安排|工作任务|重点工作|主要预期目标|预期目标|主要目标|总体要求)"
    r"(?:建议)?"  # "2025年工作安排建议": the government proposes its plan to the congress
)
_PARTS_MIN = 2
_PART_HEADING_MAX = 24
_TITLE_MAX = 24
_MARKED_TITLE_MAX = 40
_TITLE_RUN_MAX = 3
_BODY_MIN = 30
_CAPTION_MAX = 80
_BODY_PUNCTUATION = re.compile(r"[。，,！？；]")
_TITLE_FORBIDDEN = frozenset("。！？；：，,;:!?")
_MARKED_TITLE_FORBIDDEN = frozenset("。！？；;!?")
# A kicker naming whom the title quotes ("英国《泰晤士报》：") ends with a colon and opens a run of title lines.
_KICKER_END = ("：", ":")
# A top-level heading is a phrase; a top-level numbered line whose first sentence runs longer and goes on past a
# comma is a clause of a notice (通告: "一、…工程位于大安市、镇赉县和前郭县，建设征占地范围为…"), not a part of the
# document. A long heading without one is still a phrase: "二、关于《…五年规划和二〇三五年远景目标纲要（草案）》的说明".
_NUMBERED_HEADING_MAX = 40
_CLAUSE_COMMA = re.compile(r"[，,]")
_BYLINE = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}|\d{1,2}月\d{1,2}日|\d{1,2}:\d{2}"
    r"|记者|通讯员|编辑|责编|来源|作者|校对|审核|供图|摄影|发布"
)
# What a finished paragraph ends with; a title line never follows a paragraph cut mid-sentence.
_PARAGRAPH_END = frozenset("。！？!?”’」』）)…摄")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # offset of the first non-blank character
    end: int  # offset just after the last non-blank character
    text: str


@dataclass(frozen=True, slots=True)
class _Candidate:
    line: int  # index into the non-blank lines
    scheme: str
    value: int
    number: str
    heading: str


@dataclass(frozen=True, slots=True)
class _Draft:
    line: int
    level: int
    number: str | None
    heading: str
    parent: int | None  # index of the parent draft
    rank: int


def split_sections(text: str, title: str | None = None, marked: frozenset[int] = frozenset()) -> list[Section]:
    """Return the sections of ``text`` in document order (see the module docstring for the conventions).

    ``title`` is the document's own: its title block at the start of the text is not a section. ``marked`` are
    the lines (counted without blank ones) its page set as headings, in bold or h1–h6: an intertitle so marked
    may be a longer phrase with commas ("扛稳粮食安全重任，加快建设农业强省") and head a short paragraph."""
    lines = _lines(text)
    parts = _parts(lines)
    drafts = _part_drafts(lines, parts) if len(parts) >= _PARTS_MIN else _numbered_drafts(lines)
    if sum(draft.level == 1 for draft in drafts) < 2:
        titles = _title_drafts(lines, marked)
        if titles and titles[0].line == 0 and title and _key(title) in _key(titles[0].heading):
            titles = titles[1:]
        if titles:
            drafts = titles
    body_end = _body_end(lines, drafts, closing=any(draft.number is not None for draft in drafts))
    drafts = [draft for draft in drafts if draft.line < body_end]
    sections = _body_sections(lines, drafts, body_end)
    sections.extend(_appendix_sections(lines, body_end, len(sections)))
    return sections


def is_part_heading(text: str) -> bool:
    """Whether a line is an unnumbered part heading of a report ("2024年工作回顾", "2025年主要预期目标")."""
    return len(text) <= _PART_HEADING_MAX and _PART_HEADING.fullmatch(text) is not None


def _parts(lines: list[_Line]) -> list[int]:
    """The lines that head the parts of an unnumbered top level.

    Those a report words as parts ("2024年工作回顾"), and after the first of them every bare phrase after which the
    list of the part before starts again at its first label ("加强政府自身建设", then "（一）树牢正确政绩观。…"
    after "（九）…"): the numbering restarts because a new part began. A list of another scheme (the 民生实事 of
    "1.…" after a plan of "（一）…") restarts nothing and stays inside its part."""
    named = {i for i, line in enumerate(lines) if is_part_heading(line.text)}
    if not named:
        return []
    parts = [min(named)]
    scheme, last_item = None, parts[0]  # the label scheme of the current part's list, and its last item
    for index in range(parts[0] + 1, len(lines)):
        if index in named:
            parts.append(index)
            scheme, last_item = None, index
            continue
        candidate = _candidate(index, lines[index].text)
        if candidate is None:
            continue
        if scheme is None:
            scheme = candidate.scheme
        elif candidate.scheme == scheme and candidate.value == 1:
            heading = next((k for k in range(index - 1, last_item, -1) if _is_bare_phrase(lines[k].text)), None)
            if heading is not None:
                parts.append(heading)
        last_item = index
    return parts


def _is_bare_phrase(text: str) -> bool:
    return len(text) <= _PART_HEADING_MAX and not _TITLE_FORBIDDEN.intersection(text) and _LABEL.match(text) is None


def _part_drafts(lines: list[_Line], parts: list[int]) -> list[_Draft]:
    """The part headings as the top level, each with the numbered headings up to the next part nested below it."""
    drafts: list[_Draft] = []
    for start, end in zip(parts, [*parts[1:], len(lines)], strict=True):
        part = len(drafts)
        drafts.append(_Draft(start, 1, None, lines[start].text, None, -1))
        for draft in _numbered_drafts(lines[start + 1 : end]):
            parent = part if draft.parent is None else draft.parent + part + 1
            drafts.append(
                _Draft(draft.line + start + 1, draft.level + 1, draft.number, draft.heading, parent, draft.rank)
            )
    return drafts


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    offset = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = offset + len(raw) - len(raw.lstrip())
            lines.append(_Line(start, start + len(stripped), stripped))
        offset += len(raw) + 1
    return lines


def _cn_value(numeral: str) -> int | None:
    """一 … 九十九 as an int; None for strings that are not a well-formed numeral ("一一", "十十")."""
    tens, ten, units = numeral.partition("十")
    if not ten:
        return _CN_DIGITS.get(numeral)
    high = 1 if not tens else _CN_DIGITS.get(tens)
    low = 0 if not units else _CN_DIGITS.get(units)
    return None if high is None or low is None else high * 10 + low


def _cn_numeral(value: int) -> str:
    tens, units = divmod(value, 10)
    digit = "_一二三四五六七八九"
    high = "" if tens == 0 else ("十" if tens == 1 else digit[tens] + "十")
    return high + (digit[units] if units else "")


def _candidate(index: int, line: str) -> _Candidate | None:
    """The numbered heading on ``line``, or None when the line does not open with a plausible label."""
    match = _LABEL.match(line)
    if match is None:
        return None
    group = next(name for name in _SCHEME_GROUPS if match.group(name) is not None)
    scheme = match.group("unit") if group == "part" else group
    rest = line[match.end() :]
    value = _numeral_value(scheme, match.group(group))
    if not value:
        return None
    if scheme == "arabic" and rest[:1].isdigit():  # 1.5倍, 1、2月
        return None
    if scheme == "cn" and _CN_LIST.match(rest):
        return None
    if scheme in ("部分", "章", "节", "ordinal") and (
        len(rest) > _STANDALONE_MAX or _SENTENCE_END.search(rest.rstrip("。！？；;!?"))
    ):
        return None
    if _lists_next_item(rest, scheme, value):
        return None  # "一、…；二、…" is a list written in one paragraph
    if rest.endswith(_ITEM_END) and not _SENTENCE_END.search(rest[:-1]):
        return None  # "1.经济增长5.5%左右；": one item of a list that runs on over lines, not a heading
    rest = rest.lstrip(_SEPARATORS)
    heading_end = _HEADING_END.search(rest)
    heading = (rest[: heading_end.start()] if heading_end else rest).strip()
    if not heading:
        return None
    number = match.group(0).rstrip("、.．，,")
    return _Candidate(index, scheme, value, number, heading)


def _numeral_value(scheme: str, numeral: str) -> int | None:
    if scheme == "circled":
        return ord(numeral) - ord("①") + 1
    if numeral.isdigit():
        return int(numeral)
    return _cn_value(numeral)


def _lists_next_item(rest: str, scheme: str, value: int) -> bool:
    """Whether the paragraph goes on to the scheme's next item after a clause: "一、…；二、…" is a list."""
    following = value + 1
    if following > _CN_MAX:
        return False
    numeral = _cn_numeral(following)
    labels = {
        "cn": [numeral + "、"],
        "cn_paren": [f"（{numeral}）", f"({numeral})"],
        "arabic": [f"{following}.", f"{following}．", f"{following}、"],
        "arabic_paren": [f"（{following}）", f"({following})"],
        "arabic_right": [f"{following}）", f"{following})"],
        "circled": [chr(ord("①") + value)] if following <= _CIRCLED_MAX else [],
    }.get(scheme, [])
    for label in labels:
        at = rest.find(label, 1)
        while at != -1:
            after = rest[at + len(label) : at + len(label) + 1]
            if rest[at - 1] in _ITEM_MARKS and not after.isdigit() and after not in _CN_CHARS:
                return True
            at = rest.find(label, at + 1)
    return False


def _numbered_drafts(lines: list[_Line]) -> list[_Draft]:
    candidates = [c for i, line in enumerate(lines) if (c := _candidate(i, line.text)) is not None]
    drafts = _nest(candidates)
    # A top level of long sentences is the clauses of a notice, not its parts (measures deeper down may be long).
    clauses = {
        d.line
        for d in drafts
        if d.level == 1 and len(d.heading) > _NUMBERED_HEADING_MAX and _CLAUSE_COMMA.search(d.heading)
    }
    if clauses:
        candidates = [c for c in candidates if c.line not in clauses]
        drafts = _nest(candidates)
    # A numbered list in the preamble ("1." items before the first "一、") is not the document's top level.
    top_rank = min((d.rank for d in drafts if d.level == 1), default=None)
    first_top = next((i for i, d in enumerate(drafts) if d.level == 1 and d.rank == top_rank), 0)
    if first_top:
        first_line = drafts[first_top].line
        drafts = _nest([c for c in candidates if c.line >= first_line])
    return drafts


def _nest(candidates: list[_Candidate]) -> list[_Draft]:
    """Accept the candidates that continue a sequence and give each its level and parent."""
    follower: list[int | None] = [None] * len(candidates)
    last_seen: dict[str, int] = {}
    for i in range(len(candidates) - 1, -1, -1):
        follower[i] = last_seen.get(candidates[i].scheme)
        last_seen[candidates[i].scheme] = candidates[i].value

    drafts: list[_Draft] = []
    stack: list[tuple[_Candidate, int]] = []  # open headings, shallowest first, with their draft index
    for i, candidate in enumerate(candidates):
        confirmed = follower[i] == candidate.value + 1
        depth = next((d for d in range(len(stack) - 1, -1, -1) if stack[d][0].scheme == candidate.scheme), None)
        rank = _RANK[candidate.scheme]
        if depth is not None:
            expected = stack[depth][0].value + 1
            if candidate.value != expected and not (candidate.value > expected and confirmed):
                continue
            del stack[depth:]
        else:
            if candidate.value != 1 and not confirmed:
                continue
            while stack and _RANK[stack[-1][0].scheme] >= rank:
                stack.pop()
        parent = stack[-1][1] if stack else None
        drafts.append(_Draft(candidate.line, len(stack) + 1, candidate.number, candidate.heading, parent, rank))
        stack.append((candidate, len(drafts) - 1))
    return drafts


def _key(text: str) -> str:
    """Text without spaces and punctuation, to compare a title with the lines that show it."""
    return _NOT_WORD.sub("", text)


def _is_title_line(text: str, *, marked: bool = False, kicker: bool = False) -> bool:
    if kicker and text.endswith(_KICKER_END):
        text = text[:-1]
    longest, forbidden = (_MARKED_TITLE_MAX, _MARKED_TITLE_FORBIDDEN) if marked else (_TITLE_MAX, _TITLE_FORBIDDEN)
    if not 2 <= len(text) <= longest or forbidden.intersection(text) or text.endswith(("，", ",", "：", ":")):
        return False
    if text.endswith("摄") or text.startswith("图为") or _BYLINE.search(text):
        return False
    han = han_count(text)
    return han >= 2 and 3 * han >= len(text)  # "回顾2024年" is a title, "Public domain" is not


def _is_body_after_title(text: str, *, marked: bool = False) -> bool:
    if text.endswith("摄"):
        return len(text) <= _CAPTION_MAX  # photo caption between a title and its article
    return (marked or len(text) >= _BODY_MIN) and _BODY_PUNCTUATION.search(text) is not None


def _title_drafts(lines: list[_Line], marked: frozenset[int]) -> list[_Draft]:
    """News title lines: each run of 1-3 title lines between a finished paragraph and the body it heads."""
    drafts: list[_Draft] = []
    i = 0
    while i < len(lines):
        if not _is_title_line(lines[i].text, marked=i in marked, kicker=True):
            i += 1
            continue
        run_end = i + 1
        while run_end < len(lines) and _is_title_line(lines[run_end].text, marked=run_end in marked):
            run_end += 1
        if run_end - i == 1 and lines[i].text.endswith(_KICKER_END):
            i += 1  # a line introducing what follows, with no title under it
            continue
        run = run_end - i
        # A kicker-and-title pair is headline enough to follow a fragment that a multi-column page layout cut
        # off; a single line needs a finished paragraph before it. A headline ending the page heads an article
        # whose text the layout placed earlier.
        after_finished = i == 0 or run >= 2 or lines[i - 1].text[-1] in _PARAGRAPH_END
        at_end = run_end == len(lines) and i > 0 and lines[i - 1].text[-1] in _PARAGRAPH_END
        heads_body = at_end or (
            run_end < len(lines) and _is_body_after_title(lines[run_end].text, marked=run_end - 1 in marked)
        )
        if run <= _TITLE_RUN_MAX and after_finished and heads_body:
            heading = " ".join(line.text for line in lines[i:run_end])
            drafts.append(_Draft(i, 1, None, heading, None, 0))
        i = run_end
    return drafts


def _body_end(lines: list[_Line], drafts: list[_Draft], *, closing: bool) -> int:
    """Index of the first line after the main body: closing words or an appendix after the last top heading.

    A list annexed to a report (附件 2025年10件民生实事, numbered 一、二、… again) would make its last item the last
    top heading, so the top headings after a 附件, 附表 or 附录 heading whose list starts again at the report's first
    label do not count."""
    top = [d for d in drafts if d.level == 1]
    annexed = next(
        (
            i
            for i, line in enumerate(lines)
            if line.text.startswith(_ANNEX_WORDS) and _is_appendix_heading(line.text) and _restarts_after(lines, top, i)
        ),
        len(lines),
    )
    last_top = max((d.line for d in top if d.line < annexed), default=-1)
    for i in range(last_top + 1, len(lines)):
        text = lines[i].text
        if closing and _CLOSING.fullmatch(text):
            return i
        if _is_appendix_heading(text) and i + 1 < len(lines):
            return i
    return len(lines)


_RESTART_WINDOW = 3  # lines after an annex heading where its list may start: a title line, then the first item


def _restarts_after(lines: list[_Line], top: list[_Draft], annex: int) -> bool:
    """Whether a list starting again at the first top heading's label ("一、") follows the annex heading at line
    ``annex``, after a top heading."""
    if not top or top[0].line > annex or top[0].number is None:
        return False
    first = lines[top[0].line].text
    label = first[: first.find(top[0].number) + len(top[0].number) + 1]
    return any(line.text.startswith(label) for line in lines[annex + 1 : annex + 1 + _RESTART_WINDOW])


def _is_appendix_heading(text: str) -> bool:
    match = _APPENDIX.fullmatch(text)
    if match is None:
        return False
    # "附件材料…" is a sentence; a titled appendix heading is "附件1：名词解释" or "附件 名词解释".
    return not match.group("title") or bool(match.group("num") or match.group("sep")) or text[2:3].isspace()


def _body_sections(lines: list[_Line], drafts: list[_Draft], body_end: int) -> list[Section]:
    ends = [body_end] * len(drafts)
    open_drafts: list[int] = []
    for i, draft in enumerate(drafts):
        while open_drafts and drafts[open_drafts[-1]].level >= draft.level:
            ends[open_drafts.pop()] = draft.line
        open_drafts.append(i)
    return [
        Section(
            ordinal=i,
            level=draft.level,
            number=draft.number,
            heading=draft.heading,
            start=lines[draft.line].start,
            end=lines[ends[i] - 1].end,
            kind="body",
            parent=draft.parent,
        )
        for i, draft in enumerate(drafts)
    ]


def _appendix_sections(lines: list[_Line], body_end: int, first_ordinal: int) -> list[Section]:
    headings = [i for i in range(body_end, len(lines)) if _is_appendix_heading(lines[i].text)]
    sections: list[Section] = []
    for position, i in enumerate(headings):
        next_heading = headings[position + 1] if position + 1 < len(headings) else len(lines)
        if next_heading == i + 1:
            continue  # a bare "附件：" with nothing under it is page chrome
        sections.append(
            Section(
                ordinal=first_ordinal + len(sections),
                level=1,
                number=None,
                heading=lines[i].text.rstrip("：:").strip(),
                start=lines[i].start,
                end=lines[next_heading - 1].end,
                kind="appendix",
                parent=None,
            )
        )
    return sections
