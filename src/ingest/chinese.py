"""Helpers for Chinese text that every stage shares: what a Han character is, width folding, dates in text.

Han characters: the CJK Unified Ideographs of the BMP, Extension A, and Extensions B to H (planes 2 and 3).

Width folding maps full-width forms (U+FF01–U+FF5E) and the ideographic space to their ASCII twins one character
for one, so offsets into the original text stay valid; each caller names the characters it folds.

Dates as Chinese government pages write them are read without guessing. Accepted forms (full-width digits and
punctuation count as their ASCII twins):
``2026年01月30日``, ``2026年1月30日 09:35``, ``2026-01-30 09:35:12``, ``2026/01/30``, ``2026.01.30``,
``2026-01-30T09:35:00+08:00``. A date without a time is midnight; a time without a zone is Beijing time.
Every result is timezone-aware in Asia/Shanghai. htmldate is not used: it misreads 年月日 dates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

__all__ = [
    "FOOTNOTE_MARK",
    "HAN",
    "HAN_RANGES",
    "NOT_HAN",
    "SHANGHAI",
    "find_datetime",
    "han_count",
    "parse_datetime",
    "width_folding",
]

HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
"""The Han ranges, for use inside a regular expression's character class."""
HAN = re.compile(f"[{HAN_RANGES}]")
NOT_HAN = re.compile(f"[^{HAN_RANGES}]+")

SHANGHAI = ZoneInfo("Asia/Shanghai")

FOOTNOTE_MARK = r"(?:\[\d{1,2}\]|［\d{1,2}］|[①-⑩])"
"""A footnote marker as reports set it after a word, a figure or a title: "[1]", "［2］", "①"."""

_FULL_WIDTH_OFFSET = 0xFEE0  # U+FF01 "！" is U+0021 "!" shifted by this
_IDEOGRAPHIC_SPACE = "\u3000"


def han_count(text: str) -> int:
    """How many Han characters ``text`` holds."""
    return len(HAN.findall(text))


def width_folding(chars: str, also: Mapping[str, str] | None = None) -> dict[int, str]:
    """A ``str.translate`` table taking each of ``chars`` (full-width forms or the ideographic space) to its ASCII
    twin, and the characters of ``also`` to their given replacements; one character for one."""
    table = {}
    for char in chars:
        if char == _IDEOGRAPHIC_SPACE:
            table[ord(char)] = " "
        elif 0xFF01 <= ord(char) <= 0xFF5E:
            table[ord(char)] = chr(ord(char) - _FULL_WIDTH_OFFSET)
        else:
            raise ValueError(f"{char!r} is not a full-width form")
    return table | {ord(char): twin for char, twin in (also or {}).items()}


FULL_WIDTH_DIGITS = "０１２３４５６７８９"
_ASCII_TWINS = width_folding(FULL_WIDTH_DIGITS + "：－／．　")

_DATETIME = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<mo>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?:\s*日|(?!\d))"
    r"(?:\s*T?\s*(?P<h>\d{1,2})\s*[:时]\s*(?P<mi>\d{2})(?:\s*[:分]\s*(?P<s>\d{2}))?(?!\d))?"
    r"(?:\s*(?P<tz>Z|[+-]\d{2}:?\d{2})(?!\d))?"
)
# A day written in a list row or a line: 2023-05-26, 2023/05/26, 2023.5.26, 2023年5月26日 (groups: year, month, day).
DATE_IN_TEXT = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
# A month and day without a year: 05-26, 5月26日 (groups: month, day).
MONTH_DAY_IN_TEXT = re.compile(r"(?<![\d./-])(\d{1,2})\s*[-/月]\s*(\d{1,2})\s*日?(?![\d./:-])")
DATE_WIDTH_FOLDING = width_folding(FULL_WIDTH_DIGITS + "－／．［］（）")
_EARLIEST_YEAR = 1949
_LATEST_YEAR = 2100


def parse_datetime(text: str) -> datetime | None:
    """``text`` read as one date, as in a ``<meta content>``; None unless it starts with a date."""
    match = _DATETIME.match(text.strip().translate(_ASCII_TWINS))
    return _from_match(match) if match else None


def find_datetime(text: str) -> datetime | None:
    """The first date in ``text``, wherever it stands ("来源：太原晚报 2021-11-25 16:26:07")."""
    for match in _DATETIME.finditer(text.translate(_ASCII_TWINS)):
        if (found := _from_match(match)) is not None:
            return found
    return None


def _from_match(match: re.Match[str]) -> datetime | None:
    year, month, day = int(match["y"]), int(match["mo"]), int(match["d"])
    hour = int(match["h"]) if match["h"] else 0
    minute = int(match["mi"]) if match["mi"] else 0
    second = int(match["s"]) if match["s"] else 0
    if not _EARLIEST_YEAR <= year <= _LATEST_YEAR:
        return None
    try:
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    offset = match["tz"]
    if offset is None:
        return naive.replace(tzinfo=SHANGHAI)
    try:
        return naive.replace(tzinfo=_zone(offset)).astimezone(SHANGHAI)
    except (OverflowError, ValueError):  # an offset beyond ±24 h, or a date at the edge of the calendar
        return None


def _zone(offset: str) -> timezone:
    if offset == "Z":
        return UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
