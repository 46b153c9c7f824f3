"""Publication dates as Chinese government pages write them, read without guessing.

Accepted forms (full-width digits and punctuation count as their ASCII twins):
``2026年01月30日``, ``2026年1月30日 09:35``, ``2026-01-30 09:35:12``, ``2026/01/30``, ``2026.01.30``,
``2026-01-30T09:35:00+08:00``. A date without a time is midnight; a time without a zone is Beijing time.
Every result is timezone-aware in Asia/Shanghai. htmldate is not used: it misreads 年月日 dates.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

__all__ = ["SHANGHAI", "parse_datetime"]

SHANGHAI = ZoneInfo("Asia/Shanghai")

# One-to-one, so offsets in the original string stay valid.
_ASCII_TWINS = str.maketrans("０１２３４５６７８９：－／．　", "0123456789:-/. ")

_DATETIME = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<mo>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?:\s*日|(?!\d))"
    r"(?:\s*T?\s*(?P<h>\d{1,2})\s*[:时]\s*(?P<mi>\d{2})(?:\s*[:分]\s*(?P<s>\d{2}))?(?!\d))?"
    r"(?:\s*(?P<tz>Z|[+-]\d{2}:?\d{2})(?!\d))?"
)
_EARLIEST_YEAR = 1949
_LATEST_YEAR = 2100


def parse_datetime(text: str) -> datetime | None:
    """``text`` read as one date, as in a ``<meta content>``; None unless it starts with a date."""
    match = _DATETIME.match(text.strip().translate(_ASCII_TWINS))
    return _from_match(match) if match else None


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
