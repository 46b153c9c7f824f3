"""What a page says about its article: title, publication time, source, editor, column, canonical URL.

Title: ``<meta name="ArticleTitle">`` (TRS and Ucap templates write it server-side, while their visible h1
is often written by script), then ``og:title``, then the first ``<ucaptitle>``, h1, h2 or element with
"title" in its class whose text agrees with the page's ``<title>``, then ``<title>`` itself without the site
name (``标题_延边朝鲜族自治州人民政府``, ``标题 | 中国宜春``, ``标题-汪清县人民政府``), then the first h1 not
inside a link.

Title, as the page shows it: markup a template escaped into it and a "——" subtitle are taken off; among the
candidates, the one showing the page title exactly wins over the fullest one inside it and the tightest one
around it; a ``<title>`` that is only a site name ("松花江网") is no title.

Publication time: the day the page shows the reader wins (eval/GOLD.md): an info line (发布时间：, 发布日期：,
发文日期：, 生成日期：, 时间：, 日期：, in any of the forms ``ingest.chinese`` reads), else a date in the elements
right after the title's, else an e-paper's issue-date bar, else the time a WeChat script writes (``ingest.cms``),
else the time of the article record a gkmlpt page is built from (``ingest.clean.record``);
then meta PubDate, publishdate, firstpublishedtime, publishtime, pubtime, article:published_time, which also
give the time of day when they agree with the shown day.

Source: meta ContentSource, then 来源： (信息来源：, 文章来源：; never 资料来源：), then the article record's.
Editor: 责任编辑： / 责编：.
Column: meta ColumnName, then the breadcrumb's last entry. Canonical URL: ``<link rel="canonical">`` resolved
against the page URL, else the page URL.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from urllib.parse import urljoin

from ingest.chinese import HAN_RANGES, SHANGHAI, find_datetime, parse_datetime
from ingest.clean.record import ArticleRecord
from ingest.clean.text import count_visible, normalize_inline
from ingest.clean.tree import Element, element_text
from ingest.cms import ISSUE_DATE_NAME, WECHAT_CREATE_TIME

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
    _NOT_CHINESE_BEFORE + r"(?:(?:信息|文章)?(?:发布|发表|更新|上传|录入)|发文|生成)?(?:时间|日期)\s*[:：]\s*"
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
_LAST_DASH: Final = re.compile(r"(?P<left>.*[^\s\-—－])\s*[-—－]+\s*(?P<right>\S.*)")
_FIRST_DASH: Final = re.compile(r"(?P<left>.*?\S)\s*[-—－]+\s*(?P<right>\S.*)")
_MIN_TITLE: Final = 4
# Markup a template escaped into a title, in full ("&lt;br/&gt;") or broken ("&ltbr/>"), and a subtitle after it.
_TITLE_MARKUP: Final = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&lt;?\s*/?\s*[a-zA-Z]+\s*/?\s*(?:&gt;?|>)")
_SUBTITLE: Final = re.compile(r"(?P<headline>.*?\S)\s*——.*$")
# A date shown under the title, without a label ("<span class="pub-time">2020-10-04 20:30</span>"), is looked for
# in the title's next siblings while this little text stands between them.
_DATE_UNDER_TITLE_WINDOW: Final = 80

_TITLE_NAME: Final = re.compile(r"title|(?:^|[\s_-])tit\d*(?:$|[\s_-])", re.IGNORECASE)  # "art-title", "tit2"
_BREADCRUMB_NAME: Final = re.compile("crumb|position|location|dqwz|weizhi|bread", re.IGNORECASE)
_BREADCRUMB_LABEL: Final = re.compile(r"(?:您|当前|现在|所在)\S{0,4}位置")
_CRUMB_SEPARATOR: Final = re.compile(r"\s*[>»＞›→]+\s*")
_CRUMB_LABEL: Final = re.compile(r"^.{0,8}位置\s*[:：]?\s*")
_BREADCRUMB_MAX: Final = 200
_NOT_A_COLUMN: Final = frozenset({"首页", "正文", "详情", "内容", "文章详情", "正文内容"})


def read_metadata(
    root: Element, url: str | None, html_source: str = "", record: ArticleRecord | None = None
) -> PageMetadata:
    """The article metadata of a parsed page (scripts already removed; ``html_source`` is the page as served,
    for the time a script writes into it; ``record`` the article record a script builds the page from)."""
    meta = _meta_tags(root)
    landmarks = _scan(root)
    title, shown = _title(root, meta, landmarks.title_candidates)
    info = _info_fields(landmarks.info_texts)
    # The day the reader sees (labelled, under the title, in an e-paper's issue bar, or written by a script) wins
    # over a meta tag, which templates often fill with the time the page was generated rather than published;
    # the meta tag adds the time when it agrees.
    visible = (
        info.published_at
        or (_date_under_title(shown) if shown is not None else None)
        or _issue_date(root)
        or _script_time(html_source)
        or (record.published_at if record is not None else None)
    )
    tagged = next((found for key in _PUBLISHED_META if (found := parse_datetime(meta.get(key, ""))) is not None), None)
    published_at = tagged if visible is None or (tagged is not None and tagged.date() == visible.date()) else visible
    return PageMetadata(
        title=title,
        published_at=published_at,
        source=meta.get("contentsource") or info.source or (record.source if record is not None else None),
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


def _title(root: Element, meta: dict[str, str], candidates: list[Element]) -> tuple[str | None, Element | None]:
    """The title, and the element that shows it on the page (where the date under the title is looked for)."""
    site_name = meta.get("sitename")
    shown = _shown_titles(candidates, site_name)  # read lazily: the element showing the title is usually early
    for key in ("articletitle", "og:title"):
        if meta.get(key):
            title = _headline(meta[key])
            return title, next((element for text, element in shown if _headline(text) == title), None)
    page_title = _page_title(root, site_name)
    if page_title is None:
        first = next(shown, None)
    else:
        # the element showing the page title itself, else the fullest one it contains (a site name joined by a
        # space: "标题 松花江网"), else the tightest one around it (a block with the title and its subtitle)
        inside: list[tuple[str, Element]] = []
        around: list[tuple[str, Element]] = []
        for item in shown:
            if item[0] == page_title:
                return _headline(item[0]), item[1]
            if item[0] in page_title:
                inside.append(item)
            elif page_title in item[0]:
                around.append(item)
        first = max(inside, key=lambda item: len(item[0]), default=None) or min(
            around, key=lambda item: len(item[0]), default=None
        )
    if first is not None:
        return _headline(first[0]), first[1]
    if page_title is not None:
        return _headline(page_title), None
    h1 = next((item for item in _shown_titles(candidates, site_name) if item[1].tag == "h1"), None)
    return (h1[0], h1[1]) if h1 else (None, None)


def _shown_titles(candidates: list[Element], site_name: str | None) -> Iterator[tuple[str, Element]]:
    """The text of each title candidate a reader sees as a title: long enough, not a link, not the site's name."""
    for element in candidates:
        if _inside_link(element):
            continue
        text = normalize_inline(element_text(element))
        if len(text) >= _MIN_TITLE and not _is_site_name(text, site_name):
            yield text, element


def _headline(title: str) -> str:
    """A title without the markup a template escaped into it and without its subtitle: "标题<br/>——在…会议上",
    "标题&ltbr/>——…", "标题<div>——热烈祝贺…</div>" are "标题"."""
    lines = [line for line in _TITLE_MARKUP.split(html.unescape(title)) if line.strip()]
    headline = lines[0].strip() if lines else title
    if (match := _SUBTITLE.match(headline)) and len(match["headline"]) >= _MIN_TITLE:
        headline = match["headline"]
    return headline


def _issue_date(root: Element) -> datetime | None:
    """The day in an e-paper's issue-date bar (looked for only when the page shows no date nearer its article)."""
    for element in root.iter():
        names = f"{element.get('class', '')} {element.get('id', '')}" if isinstance(element.tag, str) else ""
        if any(ISSUE_DATE_NAME.match(name) for name in names.split()):
            return find_datetime(normalize_inline(element_text(element)))
    return None


def _script_time(html_source: str) -> datetime | None:
    match = WECHAT_CREATE_TIME.search(html_source)
    return datetime.fromtimestamp(int(match["seconds"]), SHANGHAI) if match else None


def _date_under_title(title: Element) -> datetime | None:
    """The first date in the elements right after the title's, before much text stands between them."""
    seen = 0
    for sibling in title.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        text = normalize_inline(element_text(sibling))
        found = find_datetime(text[:_DATE_UNDER_TITLE_WINDOW])
        if found is not None:
            return found
        seen += count_visible(text)
        if seen > _DATE_UNDER_TITLE_WINDOW:
            break
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
    return _without_dashed_site_name(articles[0], site_name) if articles else None


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
