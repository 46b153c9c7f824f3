"""Column lists that a page builds in script from its CMS's data endpoint, recognised from the page itself.

A column page of many portals holds navigation and no article links: its list comes from a data endpoint that
the page's script calls. :func:`find_endpoint` recognises the endpoint from the page (vocabularies in
:mod:`ingest.cms`), whatever the site, and :func:`read_data_page` reads one answer of it: its articles and the
endpoint's next request. Dialects:

* ``dataproxy``: Hanweb/jpaas ``module/web/jpage/dataproxy.jsp``, its ``columnid``/``unitid`` (and the other
  jpage parameters) taken from the page's script; an XML ``<datastore>`` of CDATA rows, paged by
  ``startrecord``/``endrecord``/``perpage``. The parameters go in the query string: the JSP reads request
  parameters, so a GET carries what jpage's POST does.
* ``json``: a JSON list (gkmlpt's ``/gkmlpt/api/all/<column>?sid=…``), paged by ``page``.
* ``html``: a server-rendered list page, read by :func:`ingest.discover.parse_list_page` (which also reads inline
  ``<datastore>`` blocks).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from ingest.chinese import DATE_IN_TEXT, SHANGHAI
from ingest.cms import (
    BUILDS_BY_SCRIPT,
    DATAPROXY_PARAM,
    DATAPROXY_PER_PAGE,
    DATAPROXY_URL,
    DATASTORE_RECORD,
    GKMLPT_API,
    JSON_DATE_KEYS,
    JSON_LIST_KEYS,
    JSON_TITLE_KEYS,
    JSON_TOTAL_KEYS,
    JSON_URL_KEYS,
    PAGE_PARAMS,
    TOTAL_RECORD,
)
from ingest.discover import ArticleLink, canonicalize_url, parse_list_page

__all__ = ["DataPage", "Dialect", "ListRequest", "builds_by_script", "find_endpoint", "read_data_page"]

Dialect = Literal["html", "dataproxy", "json"]

_JPAGE_GROUP = 3  # jpage asks for three pages of records at a time; so does this reader
_DEFAULT_PER_PAGE = 15  # jpage's default perPage


@dataclass(frozen=True, slots=True)
class ListRequest:
    """A list page to read, how its answer reads, and the form to POST for it (a search endpoint), if any."""

    url: str
    dialect: Dialect = "html"
    form: tuple[tuple[str, str], ...] | None = None

    @property
    def key(self) -> str:
        """What tells this request from others: its URL, and its form when it has one."""
        return self.url if self.form is None else f"{self.url} {urlencode(self.form)}"

    @property
    def body(self) -> bytes | None:
        return None if self.form is None else urlencode(self.form).encode("ascii")


@dataclass(frozen=True, slots=True)
class DataPage:
    """One answer of a data endpoint: its articles, whether it held more than were read, and the next request."""

    articles: list[ArticleLink]
    more_articles: bool
    next: ListRequest | None


def find_endpoint(html: str, base_url: str) -> ListRequest | None:
    """The data endpoint a column page's script reads its list from, or None when the page names none."""
    dataproxy = DATAPROXY_URL.search(html)
    if dataproxy is not None:
        return _dataproxy_request(html, urljoin(base_url, dataproxy.group(1).replace("&amp;", "&")))
    gkmlpt = GKMLPT_API.search(html)
    if gkmlpt is not None:
        return ListRequest(_with_params(urljoin(base_url, gkmlpt.group(1)), {"page": "1"}), "json")
    return None


def builds_by_script(html: str) -> bool:
    """True when the page has script that writes markup into it: a list that only a browser would show."""
    return BUILDS_BY_SCRIPT.search(html) is not None


def read_data_page(
    body: bytes, request: ListRequest, *, hosts: Collection[str] | None = None, max_articles: int | None = None
) -> DataPage:
    """The articles of one answer of a data endpoint and the endpoint's next page, if there is one."""
    text = body.decode("utf-8", errors="replace")
    if request.dialect == "dataproxy":
        return _read_dataproxy(text, request, hosts, max_articles)
    return _read_json(text, request, hosts, max_articles)


# --- dataproxy ----------------------------------------------------------------------------------------------------


def _dataproxy_request(html: str, endpoint: str) -> ListRequest:
    params = {key.lower(): value for key, value in parse_qsl(urlsplit(endpoint).query) if key.lower() != "page"}
    for match in DATAPROXY_PARAM.finditer(html):
        key, value = match.group(1).lower(), next(v for v in match.groups()[1:] if v is not None)
        params.setdefault(key, value)
    per_page = DATAPROXY_PER_PAGE.search(html)
    size = int(per_page.group(1)) if per_page else _DEFAULT_PER_PAGE
    paging = {"startrecord": "1", "endrecord": str(size * _JPAGE_GROUP), "perpage": str(size)}
    bare = urlsplit(endpoint)._replace(query="").geturl()
    return ListRequest(_with_params(bare, {**paging, **_param_names(params)}), "dataproxy")


def _param_names(params: Mapping[str, str]) -> dict[str, str]:
    """jpage's parameter names in its own spelling (the JSP's getParameter is case-sensitive)."""
    spelling = {"sourcecontenttype": "sourceContentType"}
    return {spelling.get(key, key): value for key, value in params.items()}


def _read_dataproxy(
    text: str, request: ListRequest, hosts: Collection[str] | None, max_articles: int | None
) -> DataPage:
    rows = "".join(DATASTORE_RECORD.findall(text))
    url = request.url
    page = parse_list_page(f"<html><body><ul>{rows}</ul></body></html>", url, hosts=hosts, max_articles=max_articles)
    total = TOTAL_RECORD.search(text)
    query = dict(parse_qsl(urlsplit(url).query))
    start, end = _int(query.get("startrecord")), _int(query.get("endrecord"))
    following = None
    if total is not None and start is not None and end is not None and end < int(total.group(1)) and page.articles:
        paging = {"startrecord": str(end + 1), "endrecord": str(2 * end - start + 1)}
        following = ListRequest(_with_params(url, paging), "dataproxy", request.form)
    return DataPage(page.articles, page.more_articles, following)


# --- JSON lists ---------------------------------------------------------------------------------------------------


def _read_json(text: str, request: ListRequest, hosts: Collection[str] | None, max_articles: int | None) -> DataPage:
    try:
        data = json.loads(text)
    except ValueError:
        return DataPage([], False, None)
    url = request.url
    allowed = {host.lower() for host in hosts} if hosts else {urlsplit(url).netloc.lower()}
    rows = _json_rows(data)
    articles: dict[str, ArticleLink] = {}
    for row in rows:
        link = _json_article(row, url, allowed)
        if link is not None:
            articles.setdefault(link.url, link)
    found = list(articles.values())
    more = max_articles is not None and len(found) > max_articles
    fields = request.form if request.form is not None else tuple(parse_qsl(urlsplit(url).query))
    name, page = next(((k, int(v)) for k, v in fields if k.lower() in PAGE_PARAMS and v.isdigit()), ("page", 1))
    total = _json_total(data)
    following = None
    if rows and (total is None or page * len(rows) < total):
        if request.form is None:
            following = ListRequest(_with_params(url, {name: str(page + 1)}), "json")
        else:
            form = (*((k, v) for k, v in request.form if k != name), (name, str(page + 1)))
            following = ListRequest(url, "json", form)
    return DataPage(found[:max_articles] if more else found, more, following)


def _json_rows(data: object) -> list[Mapping[str, object]]:
    """The objects of the first list with links under one of the list keys, searched breadth-first
    (``{"data": {"list": […]}}``)."""
    queue = [data]
    while queue:
        node = queue.pop(0)
        rows: list[Mapping[str, object]] = [i for i in node if isinstance(i, dict)] if isinstance(node, list) else []
        if rows and any(_first(item, JSON_URL_KEYS) for item in rows):
            return rows
        if isinstance(node, dict):
            lowered = {str(key).lower(): value for key, value in node.items()}
            queue.extend(lowered[key] for key in JSON_LIST_KEYS if key in lowered)
    return []


def _json_article(row: Mapping[str, object], base_url: str, hosts: set[str]) -> ArticleLink | None:
    href = _first(row, JSON_URL_KEYS)
    if not isinstance(href, str) or not href.strip():
        return None
    url = urljoin(base_url, href.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not (parts.netloc.lower() in hosts or parts.hostname in hosts):
        return None
    title = _first(row, JSON_TITLE_KEYS)
    return ArticleLink(
        url=canonicalize_url(url),
        title=" ".join(title.split()) or None if isinstance(title, str) else None,
        published=_json_date(_first(row, JSON_DATE_KEYS)),
    )


def _json_date(value: object) -> date | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value > 0:
        seconds = value / 1000 if value > 10**11 else value  # milliseconds or seconds since the epoch
        return datetime.fromtimestamp(seconds, SHANGHAI).date()
    if isinstance(value, str):
        found = DATE_IN_TEXT.search(value)
        if found is not None:
            try:
                return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
            except ValueError:
                return None
    return None


def _json_total(data: object) -> int | None:
    for node in _dicts(data):
        lowered = {str(key).lower(): value for key, value in node.items()}
        for key in JSON_TOTAL_KEYS:
            value = lowered.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
    return None


def _dicts(data: object, depth: int = 2) -> Iterator[Mapping[str, object]]:
    """The answer's objects down to ``depth`` levels, where totals sit (not inside the rows)."""
    if isinstance(data, dict):
        yield data
        if depth > 0:
            for value in data.values():
                if isinstance(value, dict):
                    yield from _dicts(value, depth - 1)


def _first(row: Mapping[str, object], keys: tuple[str, ...]) -> object:
    lowered = {str(key).lower(): value for key, value in row.items()}
    return next((lowered[key] for key in keys if lowered.get(key) not in (None, "")), None)


# --- URLs ---------------------------------------------------------------------------------------------------------


def _with_params(url: str, params: Mapping[str, str]) -> str:
    """``url`` with ``params`` set in its query (replacing values of the same names, keeping the others)."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key not in params]
    return parts._replace(query=urlencode([*query, *params.items()])).geturl()


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None
