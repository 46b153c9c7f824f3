"""What a page says about its article: title, publication time, source, editor, column, canonical URL.

Title: ``<meta name="ArticleTitle">`` (TRS and Ucap templates write it server-side, while their visible h1
is often written by script), then ``og:title``, then the first ``<ucaptitle>``, h1, h2 or element with
"title" in its class whose text agrees with the page's ``<title>``, then ``<title>`` itself without the site
name (``标题_延边朝鲜族自治州人民政府``, ``标题 | 中国宜春``, ``标题-汪清县人民政府``), then the first h1 not
inside a link.

Publication time: meta PubDate, publishdate, firstpublishedtime, publishtime, pubtime,
article:published_time, then an info line on the page (发布时间：, 发布日期：, 时间：, 日期：, in any of the forms
``ingest.chinese`` reads). Source: meta ContentSource, then 来源： (信息来源：, 文章来源：; never 资料来源：).
Editor: 责任编辑： / 责编：. Column: meta ColumnName, then the breadcrumb's last entry. Canonical URL:
``<link rel="canonical">`` resolved against the page URL, else the page URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from urllib.parse import urljoin

from ingest.chinese import HAN_RANGES, parse_datetime
from ingest.clean.text import count_visible, normalize_inline
from ingest.clean.tree import Element, element_text

__all__ = ["InfoFields", "PageMetadata", "read_info_fields", "read_metadata"]


@dataclass(frozen=True, slots=True)
class InfoFields:
    """The fields of an article info line (发布时间：… 来源：… 责任编辑：…)."""

    published_at: datetime | None = None
    source: str | None = None
    editor: str | None = None

    def merged(self, other: InfoFields) -> InfoFields:
        """These fields, gaps filled from ``other``."""
        return InfoFields(
            self.published_at or other.published_at, self.source or other.source, self.editor or other.editor
        )

    def complete(self) -> bool:
        return None not in (self.published_at, self.source, self.editor)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """Everything ``read_metadata`` finds; None where the page does not say."""

    title: str | None
    published_at: datetime | None
    source: str | None
    editor: str | None
    column: str | None
    canonical_url: str | None


_NOT_CHINESE_BEFORE: Final = rf"(?<![{HAN_RANGES}])"
_DATE_LABEL: Final = re.compile(
    _NOT_CHINESE_BEFORE + r"(?:(?:信息|文章)?(?:发布|发表|更新|上传|录入))?(?:时间|日期)\s*[:：]\s*"
)
_SOURCE: Final = re.compile(
    _NOT_CHINESE_BEFORE + r"(?:信息|文章|稿件|新闻)?来源\s*[:：]\s*(?P<value>[^\s|｜【】\[\]]+)"
)
_EDITOR: Final = re.compile(r"(?:责任编辑|责编)\s*[:：]\s*(?P<value>[^\s|｜【】\[\]()（）]+)")
# Where a value runs into the next label when the page puts no space between them.
_NEXT_LABEL: Final = re.compile(r"(?:发布|时间|日期|作者|编辑|责任|浏览|点击|字号|字体|审核|校对|来源|阅读|访问)")
_DATE_WINDOW: Final = 40

_PUBLISHED_META: Final = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "publishtime",
    "pubtime",
    "article:published_time",
    "dc.date.issued",
)
_INFO_KEYWORDS: Final = ("时间", "日期", "来源", "编辑", "责编")
_INFO_CONTEXT_MAX: Final = 300
_INFO_CLIMB: Final = 2

_TITLE_SEPARATOR: Final = re.compile(r"\s*[_|｜]\s*|\s+[-—–]{1,2}\s+")
_SITE_NAME: Final = re.compile(
    rf"^(?:中国[{HAN_RANGES}]{{2,4}}|[{HAN_RANGES}]{{1,16}}(?:人民政府|政府网|政府|网|首页)(?:门户网站|网站)?)$"
)
_TITLE_TAGS: Final = frozenset({"ucaptitle", "h1", "h2"})
_LAST_DASH: Final = re.compile(r"(?P<left>.*\S)\s*[-—－]+\s*(?P<right>\S.*)")
_FIRST_DASH: Final = re.compile(r"(?P<left>.*?\S)\s*[-—－]+\s*(?P<right>\S.*)")
_MIN_TITLE: Final = 4

_TITLE_NAME: Final = re.compile("title", re.IGNORECASE)
_BREADCRUMB_NAME: Final = re.compile("crumb|position|location|dqwz|weizhi|bread", re.IGNORECASE)
_BREADCRUMB_LABEL: Final = re.compile(r"(?:您|当前|现在|所在)\S{0,4}位置")
_CRUMB_SEPARATOR: Final = re.compile(r"\s*[>»＞›→]+\s*")
_CRUMB_LABEL: Final = re.compile(r"^.{0,8}位置\s*[:：]?\s*")
_BREADCRUMB_MAX: Final = 200
_NOT_A_COLUMN: Final = frozenset({"首页", "正文", "详情", "内容", "文章详情", "正文内容"})


def read_metadata(root: Element, url: str | None) -> PageMetadata:
    """The article metadata of a parsed page (scripts already removed)."""
    meta = _meta_tags(root)
    landmarks = _scan(root)
    title = _title(root, meta, landmarks.title_candidates)
    info = _info_fields(landmarks.info_texts)
    published_at = next(
        (parsed for key in _PUBLISHED_META if (parsed := parse_datetime(meta.get(key, ""))) is not None),
        info.published_at,
    )
    return PageMetadata(
        title=title,
        published_at=published_at,
        source=meta.get("contentsource") or info.source,
        editor=info.editor,
        column=meta.get("columnname") or _breadcrumb_leaf(landmarks.breadcrumbs, title),
        canonical_url=_canonical(root, url),
    )


def read_info_fields(text: str) -> InfoFields:
    """Publication time, source and editor from one line of text such as 发布时间：2026-01-30 来源：…"""
    published_at = None
    for label in _DATE_LABEL.finditer(text):
        published_at = parse_datetime(text[label.end() : label.end() + _DATE_WINDOW])
        if published_at is not None:
            break
    source = _value(_SOURCE.search(text))
    editor = _value(_EDITOR.search(text))
    return InfoFields(published_at, source, editor)


def _value(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    value = _NEXT_LABEL.split(match["value"], maxsplit=1)[0].strip("：:，,;；")
    return value or None


def _meta_tags(root: Element) -> dict[str, str]:
    tags: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (element.get("name") or element.get("property") or element.get("itemprop") or "").strip().lower()
        content = normalize_inline(element.get("content") or "")
        if key and content and key not in tags:
            tags[key] = content
    return tags


def _title(root: Element, meta: dict[str, str], candidates: list[Element]) -> str | None:
    for key in ("articletitle", "og:title"):
        if meta.get(key):
            return meta[key]
    page_title = _page_title(root, meta.get("sitename"))
    for element in candidates:
        text = normalize_inline(element_text(element))
        if len(text) < _MIN_TITLE or _inside_link(element):
            continue
        if page_title is None or text == page_title or text in page_title or page_title in text:
            return text
    if page_title is not None:
        return page_title
    for element in candidates:
        text = normalize_inline(element_text(element))
        if element.tag == "h1" and text and not _inside_link(element):
            return text
    return None


def _page_title(root: Element, site_name: str | None) -> str | None:
    element = root.find(".//title")
    if element is None:
        return None
    text = normalize_inline(element_text(element))
    segments = [segment for segment in _TITLE_SEPARATOR.split(text) if segment]
    if not segments:
        return None
    articles = [segment for segment in segments if not _is_site_name(segment, site_name)]
    return _without_dashed_site_name(articles[0], site_name) if articles else segments[0]


def _without_dashed_site_name(title: str, site_name: str | None) -> str:
    """Drop a site name joined by a bare dash ("标题-汪清县人民政府"); a dash inside a title stays."""
    while (match := _LAST_DASH.match(title)) and _is_site_name(match["right"], site_name):
        title = match["left"]
    while (match := _FIRST_DASH.match(title)) and _is_site_name(match["left"], site_name):
        title = match["right"]
    return title


def _is_site_name(text: str, site_name: str | None) -> bool:
    return text == site_name or bool(_SITE_NAME.match(text))


def _inside_link(element: Element) -> bool:
    return any(ancestor.tag == "a" for ancestor in element.iterancestors())


@dataclass(frozen=True, slots=True)
class _Landmarks:
    """Elements of a page that may carry metadata, in document order."""

    title_candidates: list[Element]  # <ucaptitle>, h1, h2, elements with "title" in class or id
    info_texts: list[tuple[str, Element]]  # text nodes that look like an info label, and their element
    breadcrumbs: list[Element]  # elements named like a breadcrumb or holding 当前位置


def _scan(root: Element) -> _Landmarks:
    """One pass over the page's body, collecting the elements metadata may come from."""
    landmarks = _Landmarks([], [], [])
    body = root.find("body")
    for element in (body if body is not None else root).iter():
        tag = element.tag
        if isinstance(tag, str):
            names = element.get("class", "") + " " + element.get("id", "")
            if tag in _TITLE_TAGS or (names != " " and _TITLE_NAME.search(names)):
                landmarks.title_candidates.append(element)
            if names != " " and _BREADCRUMB_NAME.search(names):
                landmarks.breadcrumbs.append(element)
            if element.text:
                _note_text(element.text, element, landmarks)
        if element.tail and (parent := element.getparent()) is not None:
            _note_text(element.tail, parent, landmarks)
    return landmarks


def _note_text(text: str, context: Element, landmarks: _Landmarks) -> None:
    if ("：" in text or ":" in text) and any(label in text for label in _INFO_KEYWORDS):
        landmarks.info_texts.append((text, context))
    if "位置" in text and _BREADCRUMB_LABEL.search(text):
        landmarks.breadcrumbs.append(context)


def _info_fields(texts: list[tuple[str, Element]]) -> InfoFields:
    """Fields from the text nodes that look like info labels: the node itself (a line of a long cell), else
    its element or an ancestor when the label and its value sit in separate elements."""
    found = InfoFields()
    for text, start in texts:
        fields = read_info_fields(normalize_inline(text)) if count_visible(text) <= _INFO_CONTEXT_MAX else InfoFields()
        context: Element | None = start
        for _ in range(_INFO_CLIMB + 1):
            if fields != InfoFields() or context is None:
                break
            raw = element_text(context)
            if count_visible(raw) > _INFO_CONTEXT_MAX:
                break
            fields = read_info_fields(normalize_inline(raw))
            context = context.getparent()
        found = found.merged(fields)
        if found.complete():
            break
    return found


def _breadcrumb_leaf(candidates: list[Element], title: str | None) -> str | None:
    for candidate in candidates:
        context: Element | None = candidate
        for _ in range(_INFO_CLIMB + 1):
            if context is None:
                break
            raw = element_text(context)
            if count_visible(raw) > _BREADCRUMB_MAX:
                break
            entries = _CRUMB_SEPARATOR.split(_CRUMB_LABEL.sub("", normalize_inline(raw)))
            if len(entries) < 2:
                entries = [normalize_inline(element_text(link)) for link in context.iter("a")]
            columns = [entry for entry in entries if entry and entry not in _NOT_A_COLUMN and entry != title]
            if len(entries) > 1 and columns:
                return columns[-1]
            context = context.getparent()
    return None


def _canonical(root: Element, url: str | None) -> str | None:
    for link in root.iter("link"):
        href = (link.get("href") or "").strip()
        if not href or (link.get("rel") or "").strip().lower() != "canonical":
            continue
        if url is None:
            return href
        try:
            return urljoin(url, href)
        except ValueError:  # a malformed page URL or href
            return href
    return url
