"""The article record a page carries in script, for pages that build their article in the browser.

Guangdong's gkmlpt (every Guangdong province, prefecture and county portal) serves an article page whose markup
holds no body: the page's script renders it from ``window._CONFIG.DETAIL``, a JSON record (``ingest.cms``
names its keys). Read without a browser, such a page would give its title alone, so the cleaner takes the body,
the publication time and the source from the record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from ingest.chinese import SHANGHAI
from ingest.cms import EMBEDDED_RECORD, EMBEDDED_RECORD_WORD, RECORD_BODY_KEY, RECORD_SOURCE_KEYS, RECORD_TIME_KEYS

__all__ = ["ArticleRecord", "article_record"]

_DECODER: Final = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """What the record says; ``body_html`` is the article's markup as the script would insert it."""

    body_html: str
    published_at: datetime | None
    source: str | None


def article_record(html: str) -> ArticleRecord | None:
    """The page's embedded article record, or None when it has none with a body."""
    start = EMBEDDED_RECORD.search(html) if EMBEDDED_RECORD_WORD in html else None
    if start is None:
        return None
    try:
        record, _ = _DECODER.raw_decode(html, start.end())
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    body = record.get(RECORD_BODY_KEY)
    if not isinstance(body, str) or not body.strip():
        return None
    return ArticleRecord(body, _time(record), _text(record, RECORD_SOURCE_KEYS))


def _time(record: dict[str, Any]) -> datetime | None:
    for key in RECORD_TIME_KEYS:
        seconds = record.get(key)
        if isinstance(seconds, int) and not isinstance(seconds, bool) and seconds > 0:
            return datetime.fromtimestamp(seconds, SHANGHAI)
    return None


def _text(record: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
