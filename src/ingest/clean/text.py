"""From blocks of text to the final lines: whitespace, furniture lines, and paragraphs broken in two.

Whitespace: a run of whitespace becomes one space, except that a source line break between two Chinese
characters or punctuation marks of Chinese text (full-width forms, “ ” ‘ ’ — … ·) disappears, as CSS
prescribes for Chinese: HTML editors wrap long Chinese lines anywhere. Zero-width spaces and stray
byte-order marks are removed. No other character is touched: full-width digits and punctuation stay.

Furniture: a block that is mostly link text (at least 60% of its characters, a trailing date not counted)
is navigation, a breadcrumb or a related-article entry and is dropped, as is any line
``ingest.clean.chrome.is_chrome_line`` recognises.

Rejoining broken paragraphs is deliberately conservative. Two consecutive paragraphs become one only when

- both are plain paragraphs (not headings, list items or table rows), neither starts with a number label
  (一、 （一） 1. （1） ① 第一部分) nor looks like a title line (at most 30 characters, no ，。；！？ or colon);
  but a first paragraph whose label heads a run-in sentence ("（一）突出抓好项目建设。把项目建设作为…") is prose
  and may go on in the next line, as when a PDF's lines were copied one by one;
- the first ends in the middle of a sentence: on a Chinese character, a letter, a digit, ， or 、;
- the second starts like the rest of a sentence: a Chinese character, a letter, a digit, “ or 《 (never ——).

So "…选树“延边好人·最美民族团结之星”等先进" + "典型，3个集体…" is rejoined, while "回顾2024年" stays a
line of its own and never swallows the paragraph after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from ingest.chinese import HAN_RANGES
from ingest.clean.chrome import is_chrome_line

__all__ = ["Block", "BlockKind", "count_visible", "finish_lines", "normalize_inline", "paragraphs_of_run_on"]

BlockKind = Literal["paragraph", "heading", "item", "row"]


@dataclass(frozen=True, slots=True)
class Block:
    """One line of output in the making, with how much of it is link text."""

    text: str
    kind: BlockKind = "paragraph"
    linked_chars: int = 0  # non-space characters inside links


# Ideographic punctuation and Han characters, and the dashes, quotes and ellipsis Chinese prose sets between them.
_HAN_AND_MARKS: Final = rf"\u3001-\u303f{HAN_RANGES}\uf900-\ufaff\u2014\u2018\u2019\u201c\u201d\u2026"
# Chinese characters, full-width forms, and the quotes, dashes and dots Chinese text sets full width.
_CJK: Final = rf"{_HAN_AND_MARKS}\uff01-\uffef\u00b7"
_BREAK_BETWEEN_CJK: Final = re.compile(rf"(?<=[{_CJK}])[^\S\n]*\n\s*(?=[{_CJK}])")
_INVISIBLE: Final = re.compile("[\u200b\ufeff]")
# A text copied from a page that set its paragraphs apart by indents alone comes as one line of many thousand
# characters: "…提出意见。 \u2003\u2003一、2020年工作回顾 \u2003\u2003过去一年…". Chinese prose puts no
# space between its words, so in a line that long a whitespace run between two characters of Chinese text is
# where a paragraph (or a heading) ended. A paragraph of its own is rarely a tenth as long. The split comes after
# broken lines are rejoined, so a run-on text copied with line breaks of its own is split the same way.
_RUN_ON_LINE: Final = 2000
# Chinese characters and punctuation, not full-width digits or letters: "２０１８ 年", "４．７２ 万亿元" are numbers
# spaced off their unit.
_PROSE: Final = rf"{_HAN_AND_MARKS}\uff01-\uff0f\uff1a-\uff20"
_PARAGRAPH_GAP: Final = re.compile(rf"(?<=[{_PROSE}])\s+(?=[{_PROSE}])")

# A block whose characters are mostly link text is navigation, a related list or a breadcrumb.
_LINK_DENSE_SHARE: Final = 0.6
_TRAILING_DATE: Final = re.compile(r"[\[(（【]?\s*(?:19|20)?\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*[\])）】]?$")

_NUMBER_LABEL: Final = re.compile(
    r"^(?:[一二三四五六七八九十百零〇]+[、．.]|[（(][一二三四五六七八九十百零〇\d]+[）)]|\d+[、．.](?!\d)"
    r"|[\u2460-\u2473\u2776-\u277f]|第[一二三四五六七八九十百零〇\d]+[部分章节条篇])"
)
_TITLE_LINE_MAX: Final = 30
# A labelled heading ended by a full stop with the paragraph running on after it on the same line.
_RUN_IN_HEADING: Final = re.compile(r"^.{2,40}?[。；！？](?=.)")
_SENTENCE_PUNCTUATION: Final = re.compile(r"[，。；！？,;!?:：]")
_ENDS_MID_SENTENCE: Final = re.compile(rf"[{HAN_RANGES}A-Za-z0-9０-９，、,]$")
_STARTS_AS_CONTINUATION: Final = re.compile(rf"^[{HAN_RANGES}A-Za-z0-9０-９“《]")


def normalize_inline(text: str) -> str:
    """Fold whitespace as a browser shows it; a line break between Chinese characters vanishes."""
    if "\u200b" in text or "\ufeff" in text:
        text = _INVISIBLE.sub("", text)
    if "\n" in text:
        text = _BREAK_BETWEEN_CJK.sub("", text)
    return " ".join(text.split())  # str.split() and re's \s agree on what whitespace is


def paragraphs_of_run_on(line: str) -> list[str]:
    """A line of plain text as the paragraphs it runs together, split at the indents between them."""
    if len(line) < _RUN_ON_LINE:
        return [line]
    return _PARAGRAPH_GAP.split(line)


def count_visible(text: str) -> int:
    """Characters of ``text`` that are not whitespace."""
    return len("".join(text.split()))


def finish_lines(blocks: Iterable[Block], title: str | None = None) -> list[Block]:
    """Drop furniture lines, rejoin broken paragraphs, drop a repeated title line: the lines of the text, each
    with the kind of block it came from (a heading the page set as one: h1–h6, an all-bold paragraph)."""
    kept = [block for block in blocks if block.text and not _is_furniture(block)]
    lines: list[Block] = []
    for block in kept:
        if lines and _continues(lines[-1], block):
            lines[-1] = Block(lines[-1].text + block.text, "paragraph")
            continue
        if lines and block.text == lines[-1].text == title:
            continue
        lines.append(block)
    return lines


def _is_furniture(block: Block) -> bool:
    if block.linked_chars:
        # A linked title with its date ("州政府召开常务会议 2025-01-10") is a list entry: the date does not count.
        visible = count_visible(_TRAILING_DATE.sub("", block.text))
        if block.linked_chars >= _LINK_DENSE_SHARE * visible:
            return True
    return is_chrome_line(block.text)


def _continues(first: Block, second: Block) -> bool:
    if first.kind != "paragraph" or second.kind != "paragraph":
        return False
    if (_is_title_like(first.text) and not _RUN_IN_HEADING.match(first.text)) or _is_title_like(second.text):
        return False
    return bool(_ENDS_MID_SENTENCE.search(first.text) and _STARTS_AS_CONTINUATION.match(second.text))


def _is_title_like(line: str) -> bool:
    if _NUMBER_LABEL.match(line):
        return True
    return len(line) <= _TITLE_LINE_MAX and not _SENTENCE_PUNCTUATION.search(line)
