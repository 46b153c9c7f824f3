"""Find article links and the next list pages on a column page of a Chinese government CMS.

Works without per-site configuration on the usual platforms (TRS WCM, Hanweb JCMS, the ``content/post_…`` and
dated ``.shtml`` portals, gov.cn-style ``content_….htm``):

* a link is an article when its URL has an article shape (``t20220711_123456.html``,
  ``/art/2026/3/26/art_1_2.html``, ``post_123.html``, ``/202305/<hash>.shtml``,
  ``/2023-05/26/content_1.htm``, …) or when it stands alone in a list row (``li``/``tr``/``dd``…) beside a
  date (``2023-05-26``, ``2023/05/26``, ``2023年5月26日``, ``[05-26]``);
* links in headers, navigation bars, breadcrumbs, sidebars and footers, and links to other hosts, are ignored;
* Hanweb pages whose list is rendered by script from an embedded ``<datastore>`` are read from that datastore;
* the next list page comes from 下一页/下页/``>`` links, ``rel="next"``, TRS
  ``createPageHTML(total, current, …)`` calls (page *n* is ``index_n.html``, ``index.html`` is page 0),
  numbered ``index_N.html`` links, and ``?page=N``/``pageNum=N`` query links; only pages on the list page's
  own host are returned.

Per-site overrides (``article_selector``, ``next_page_selector``) are XPath expressions. CSS selectors are not
supported because ``cssselect`` is not a dependency.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html

from ingest.chinese import DATE_IN_TEXT as _FULL_DATE
from ingest.chinese import DATE_WIDTH_FOLDING as _FULLWIDTH
from ingest.chinese import MONTH_DAY_IN_TEXT as _MONTH_DAY
from ingest.cms import ARTICLE_PATH as _ARTICLE_PATH
from ingest.cms import BOILERPLATE_WORD as _BOILERPLATE_WORD
from ingest.cms import CONTAINER_TAGS as _CONTAINER_TAGS
from ingest.cms import CREATE_PAGE_CALL as _CREATE_PAGE_CALL
from ingest.cms import DATASTORE_RECORD as _DATASTORE_RECORD
from ingest.cms import FURNITURE_TAGS as _BOILERPLATE_TAGS
from ingest.cms import LIST_FILE as _LIST_FILE
from ingest.cms import NAV_TEXT as _NAV_TEXT
from ingest.cms import NEXT_TEXT as _NEXT_TEXT
from ingest.cms import PAGE_PARAMS as _PAGE_PARAMS
from ingest.cms import PAGED_FILE as _PAGED_FILE
from ingest.cms import ROW_TAGS as _ROW_TAGS
from ingest.cms import URL_DAY as _URL_DAY
from ingest.cms import URL_YEAR as _URL_YEAR
from ingest.errors import ConfigError

__all__ = ["ArticleLink", "ListPage", "canonicalize_url", "parse_list_page"]


@dataclass(frozen=True, slots=True)
class ArticleLink:
    """An article found on a list page; ``url`` is canonical (see :func:`canonicalize_url`)."""

    url: str
    title: str | None
    published: date | None


@dataclass(frozen=True, slots=True)
class ListPage:
    """What one list page offers: its articles in page order and the list page(s) to read next.

    ``more_articles`` says that the page lists more articles than the ``max_articles`` it was read with.
    """

    articles: list[ArticleLink]
    next_pages: list[str]
    more_articles: bool = False


# --- canonical URLs -------------------------------------------------------------------------------

_TRACKING_PARAM = re.compile(r"utm_\w*|spm|fbclid|gclid|msclkid|yclid|mc_cid|mc_eid|_ga|_gl", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonicalize_url(url: str) -> str:
    """The form under which a URL is remembered: lowercase scheme and host, no default port, no fragment, no
    tracking parameters (``utm_*``, ``spm``, …), ``.``/``..`` resolved, other query parameters kept in order.

    Idempotent: ``canonicalize_url(canonicalize_url(u)) == canonicalize_url(u)``.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    host = parts.hostname
    if host is not None:
        try:
            port = parts.port
        except ValueError:  # a malformed port: keep the netloc as written rather than guess
            port = None
        else:
            userinfo = netloc.rpartition("@")[0]
            netloc = (userinfo + "@" if userinfo else "") + (f"[{host}]" if ":" in host else host)
            if port is not None and port != _DEFAULT_PORTS.get(scheme):
                netloc += f":{port}"
    path = _remove_dot_segments(parts.path)
    if netloc and not path:
        path = "/"
    query = "&".join(
        piece for piece in parts.query.split("&") if piece and not _TRACKING_PARAM.fullmatch(piece.partition("=")[0])
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4."""
    segments = path.split("/")
    kept: list[str] = []
    for segment in segments:
        if segment == "..":
            if len(kept) > 1:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    if segments[-1] in (".", ".."):
        kept.append("")
    return "/".join(kept)


def parse_list_page(
    html: str,
    base_url: str,
    *,
    article_selector: str | None = None,
    next_page_selector: str | None = None,
    hosts: Collection[str] | None = None,
    max_articles: int | None = None,
) -> ListPage:
    """The article links and next list pages of one list page.

    ``base_url`` is the page's final URL (relative links resolve against it, or against ``<base href>``).
    ``hosts`` lists the hosts (``host`` or ``host:port``) article links may point to; by default only the list
    page's own host. ``article_selector``/``next_page_selector`` are XPath expressions that replace the
    generic rules; they may select ``<a>`` elements, elements containing them, or ``href`` attributes.
    At most ``max_articles`` articles are read (the first ones); the links after them are not looked at.
    Raises ConfigError for a selector that is not valid XPath.
    """
    root = parse_html(html)
    if root is None:
        return ListPage(articles=[], next_pages=[])
    base_url = _document_base(root, base_url)
    page_host = urlsplit(base_url).netloc.lower()
    article_hosts = {host.lower() for host in hosts} if hosts else {page_host}

    if article_selector is not None:
        selected = _selected_anchors(root, article_selector, "article_selector")
        articles = _articles(selected, base_url, article_hosts, _Rows(), generic=False)
    else:
        chrome = _boilerplate_elements(root)
        outside_chrome = (a for a in root.iter("a") if not _inside(a, chrome))
        rows = _Rows()
        articles = itertools.chain(
            _articles(outside_chrome, base_url, article_hosts, rows, generic=True),
            _articles(_datastore_anchors(root), base_url, article_hosts, rows, generic=True),
        )

    if next_page_selector is not None:
        next_urls = [
            _resolve(base_url, href) for href in _selected_hrefs(root, next_page_selector, "next_page_selector")
        ]
    else:
        next_urls = _next_page_urls(root, base_url)
    current = canonicalize_url(base_url)
    next_pages = _unique(
        url
        for url in (canonicalize_url(u) for u in next_urls if u is not None)
        if url != current and _host_of(url) == page_host
    )
    merged = _merge_duplicates(articles, None if max_articles is None else max_articles + 1)
    more = max_articles is not None and len(merged) > max_articles
    return ListPage(articles=merged[:max_articles] if more else merged, next_pages=next_pages, more_articles=more)


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    if not html.strip():
        return None
    # lxml refuses str input that carries an XML encoding declaration
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    try:
        return lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None


def _document_base(root: lxml.html.HtmlElement, base_url: str) -> str:
    for base in root.iter("base"):
        href = base.get("href")
        if href and href.strip():
            return urljoin(base_url, str(href).strip())
    return base_url


def _resolve(base_url: str, href: str | None) -> str | None:
    """The absolute http(s) URL an href points to, or None for scripts, mail links and in-page anchors."""
    if href is None:
        return None
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    url = urljoin(base_url, href)
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return url


def _host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _host_allowed(url: str, hosts: set[str]) -> bool:
    parts = urlsplit(url)
    return parts.netloc.lower() in hosts or (parts.hostname or "") in hosts


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def element_words(element: lxml.html.HtmlElement) -> str:
    """The element's text as a reader sees it: words joined by single spaces."""
    return " ".join(element.text_content().split())


# --- articles -------------------------------------------------------------------------------------


def _articles(
    anchors: Iterable[lxml.html.HtmlElement], base_url: str, hosts: set[str], rows: _Rows, *, generic: bool
) -> Iterator[ArticleLink]:
    for anchor in anchors:
        url = _resolve(base_url, anchor.get("href"))
        if url is None or not _host_allowed(url, hosts):
            continue
        url = canonicalize_url(url)
        text = element_words(anchor)
        path = urlsplit(url).path
        if generic and (text.lower() in _NAV_TEXT or _LIST_FILE.search(path)):
            continue
        row = rows.row_of(anchor)
        listed = _listed_date(row, anchor, url)
        looks_like_article = _ARTICLE_PATH.search(path) is not None
        if generic and not (looks_like_article or (listed is not None and len(text) >= 4)):
            continue
        yield ArticleLink(url=url, title=_title(anchor, text), published=listed or url_day(url))


def _title(anchor: lxml.html.HtmlElement, text: str) -> str | None:
    """The link text, or the title attribute when the text is cut short ("…") or missing."""
    attribute = " ".join((anchor.get("title") or "").split())
    if attribute and (not text or text.endswith(("...", "…", "..")) or len(attribute) > len(text)):
        return attribute
    return text or None


def _merge_duplicates(articles: Iterable[ArticleLink], limit: int | None) -> list[ArticleLink]:
    """One entry per URL, in first-seen order, keeping a title or date that only a later mention had; reading
    stops at the ``limit``-th URL."""
    merged: dict[str, ArticleLink] = {}
    for article in articles:
        earlier = merged.get(article.url)
        if earlier is None:
            merged[article.url] = article
            if len(merged) == limit:
                break
        else:
            merged[article.url] = replace(
                earlier,
                title=earlier.title or article.title,
                published=earlier.published or article.published,
            )
    return list(merged.values())


class _Rows:
    """Finds the list row around each link of one page. Whether an element holds links to more than one URL is
    worked out once per element, so a list of n links sharing one parent costs n steps, not n²."""

    def __init__(self) -> None:
        self._several: dict[lxml.html.HtmlElement, bool] = {}

    def row_of(self, anchor: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
        """The nearest li/tr/dd/p… around a link, or the largest wrapper holding no other link."""
        node = anchor
        for _ in range(4):
            parent = node.getparent()
            if parent is None or not isinstance(parent.tag, str) or parent.tag in _CONTAINER_TAGS:
                break
            if self._links_to_several(parent):
                break
            node = parent
            if node.tag in _ROW_TAGS:
                break
        return node

    def _links_to_several(self, element: lxml.html.HtmlElement) -> bool:
        several = self._several.get(element)
        if several is None:
            hrefs: set[str] = set()
            for anchor in element.iter("a"):
                href = anchor.get("href")
                if href:
                    hrefs.add(href)
                    if len(hrefs) > 1:
                        break
            several = self._several[element] = len(hrefs) > 1
        return several


def _listed_date(row: lxml.html.HtmlElement, anchor: lxml.html.HtmlElement, url: str) -> date | None:
    """The date printed beside the link in its row (or inside the link, in an element of its own)."""
    if row is not anchor:
        outside = row.text_content().replace(anchor.text_content(), " ", 1)
        found = _date_in(outside, url)
        if found is not None:
            return found
    for element in anchor.iterdescendants():
        if isinstance(element.tag, str) and element.text and element.text.strip():
            found = _date_in(element.text, url, whole=True)
            if found is not None:
                return found
    return None


def _date_in(text: str, url: str, *, whole: bool = False) -> date | None:
    text = text.translate(_FULLWIDTH)
    if whole:
        text = text.strip(" \t\r\n[]()")
        full = _FULL_DATE.fullmatch(text.strip("日 "))
    else:
        full = _FULL_DATE.search(text)
    if full is not None:
        return _make_date(full.group(1), full.group(2), full.group(3))
    short = _MONTH_DAY.fullmatch(text) if whole else _MONTH_DAY.search(text)
    if short is None:
        return None
    # [05-26] carries no year: take the one in the article's URL, or leave the date unknown
    year = _URL_YEAR.search(urlsplit(url).path)
    return _make_date(year.group(1), short.group(1), short.group(2)) if year else None


def url_day(url: str) -> date | None:
    """The publication day an article's URL carries (t20220711_…, /art/2022/7/11/, …), or None."""
    path = urlsplit(url).path
    for pattern in _URL_DAY:
        found = pattern.search(path)
        if found is not None:
            return _make_date(*found.groups())
    return None


def _make_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _boilerplate_elements(root: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    chrome: set[lxml.html.HtmlElement] = set()
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in ("html", "body", "main"):
            continue
        if element.tag in _BOILERPLATE_TAGS or element.get("role") == "navigation":
            chrome.add(element)
            continue
        words = f"{element.get('class') or ''} {element.get('id') or ''}".split()
        if any(_BOILERPLATE_WORD.search(word) for word in words):
            chrome.add(element)
    return chrome


def _inside(element: lxml.html.HtmlElement, containers: set[lxml.html.HtmlElement]) -> bool:
    if not containers:
        return False
    return any(ancestor in containers for ancestor in element.iterancestors())


def _datastore_anchors(root: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Links in a Hanweb JCMS ``<script type="text/xml"><datastore>…<record><![CDATA[<li>…]]>`` list."""
    for script in root.iter("script"):
        text = script.text or ""
        if "<datastore" not in text.lower():
            continue
        for record in _DATASTORE_RECORD.findall(text):
            try:
                fragment = lxml.html.fragment_fromstring(record, create_parent="div")
            except (lxml.etree.ParserError, ValueError):
                continue
            yield from fragment.iter("a")


# --- overrides ------------------------------------------------------------------------------------


def _select(root: lxml.html.HtmlElement, selector: str, option: str) -> list[object]:
    if not selector.lstrip().startswith(("/", "./", "(")):
        raise ConfigError(
            f"{option} {selector!r} is not XPath; write it as an XPath expression starting with / or ./ "
            "(CSS selectors are not supported)"
        )
    try:
        result = root.xpath(selector)
    except lxml.etree.XPathError as exc:
        raise ConfigError(f"{option} {selector!r} is not valid XPath: {exc}") from None
    return list(result) if isinstance(result, list) else [result]


def _selected_anchors(root: lxml.html.HtmlElement, selector: str, option: str) -> list[lxml.html.HtmlElement]:
    anchors: list[lxml.html.HtmlElement] = []
    for item in _select(root, selector, option):
        if isinstance(item, lxml.html.HtmlElement):
            anchors.extend([item] if item.tag == "a" else item.iter("a"))
        elif isinstance(item, str) and item.strip():
            # an attribute result: stand it up as a bare link so it goes through the same path
            anchors.append(lxml.html.Element("a", href=str(item)))
    return anchors


def _selected_hrefs(root: lxml.html.HtmlElement, selector: str, option: str) -> list[str | None]:
    return [anchor.get("href") for anchor in _selected_anchors(root, selector, option)]


# --- pagination -----------------------------------------------------------------------------------


def _next_page_urls(root: lxml.html.HtmlElement, base_url: str) -> list[str | None]:
    links = [(a, url) for a in root.iter("a", "link") if (url := _resolve(base_url, a.get("href"))) is not None]
    urls: list[str | None] = [url for a, url in links if _is_next_link(a)]
    urls.append(_create_page_html_next(root, base_url))
    hrefs = [url for _, url in links]
    urls.append(_numbered_next(hrefs, base_url))
    urls.append(_query_next(hrefs, base_url))
    return urls


def _is_next_link(anchor: lxml.html.HtmlElement) -> bool:
    if "next" in (anchor.get("rel") or "").lower().split():
        return True
    if anchor.tag != "a":
        return False
    words = f"{anchor.get('class') or ''} {anchor.get('id') or ''}".lower().split()
    if any(word in ("next", "nextpage", "next-page", "page-next", "pagenext") for word in words):
        return True
    text = "".join(anchor.text_content().split())
    return text.lower() in _NEXT_TEXT or text.strip("<>《》[]【】()（）").lower() in _NEXT_TEXT


def _create_page_html_next(root: lxml.html.HtmlElement, base_url: str) -> str | None:
    """TRS WCM's pager: ``createPageHTML(pageCount, currentIndex, "index", "html")`` (index 0 is index.html).

    Newer templates put a container id first and a record count last; arguments may be variables set earlier
    in the page (``var countPage = 16; var currentPage = 0;``).
    """
    scripts = "\n".join(script.text or "" for script in root.iter("script"))
    for call in _CREATE_PAGE_CALL.finditer(scripts):
        numbers: list[int] = []
        words: list[str] = []
        for raw in call.group(1).split(","):
            value = _script_value(raw.strip(), scripts)
            if isinstance(value, int):
                numbers.append(value)
            elif value is not None and len(numbers) >= 2:
                words.append(value)
        if len(numbers) < 2:
            continue
        page_count, current = numbers[0], numbers[1]
        if current + 1 >= page_count:
            return None
        prefix = words[0] if words else "index"
        extension = words[1] if len(words) > 1 else "html"
        return urljoin(base_url, f"{prefix}_{current + 1}.{extension}")
    return None


def _script_value(token: str, scripts: str) -> int | str | None:
    if token[:1] in ("'", '"') and token[-1:] == token[:1] and len(token) >= 2:
        return token[1:-1]
    if token.isdigit():
        return int(token)
    if re.fullmatch(r"[A-Za-z_$][\w$]*", token):
        assigned = re.search(rf"\b{re.escape(token)}\s*=\s*(\d+|\"[^\"]*\"|'[^']*')", scripts)
        if assigned is not None:
            return _script_value(assigned.group(1), scripts)
    return None


def _numbered_next(hrefs: list[str], base_url: str) -> str | None:
    """The lowest-numbered ``<stem>_N.<ext>`` page above the current one in the same folder."""
    base = urlsplit(base_url)
    folder, name = posixpath.split(base.path)
    current = _PAGED_FILE.match(name) if name else None
    stem = current.group("stem") if current else "index"
    number = int(current.group("n")) if current and current.group("n") else 0
    best: tuple[int, str] | None = None
    for href in hrefs:
        parts = urlsplit(href)
        link_folder, link_name = posixpath.split(parts.path)
        linked = _PAGED_FILE.match(link_name)
        if (
            linked is None
            or linked.group("n") is None
            or link_folder != folder
            or parts.netloc.lower() != base.netloc.lower()
            or linked.group("stem") != stem
        ):
            continue
        n = int(linked.group("n"))
        if n > number and (best is None or n < best[0]):
            best = (n, href)
    return best[1] if best else None


def _query_next(hrefs: list[str], base_url: str) -> str | None:
    """The lowest ``?page=N`` (``pageNum``, ``pageNo``…) link above the current page to the same path."""
    base = urlsplit(base_url)
    base_query = parse_qsl(base.query, keep_blank_values=True)
    current = _page_param(base_query)
    best: tuple[int, str] | None = None
    for href in hrefs:
        parts = urlsplit(href)
        if parts.path != base.path or parts.netloc.lower() != base.netloc.lower():
            continue
        query = parse_qsl(parts.query, keep_blank_values=True)
        linked = _page_param(query)
        if linked is None:
            continue
        others = [(k, v) for k, v in query if k.lower() != linked[0]]
        if others != [(k, v) for k, v in base_query if k.lower() != linked[0]]:
            continue
        n = linked[1]
        if (current is None or n > current[1]) and (best is None or n < best[0]):
            best = (n, href)
    return best[1] if best else None


def _page_param(query: list[tuple[str, str]]) -> tuple[str, int] | None:
    for key, value in query:
        if key.lower() in _PAGE_PARAMS and value.isdigit():
            return key.lower(), int(value)
    return None
