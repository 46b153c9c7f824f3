"""Decide what to fetch from a source's list pages, incrementally, and fetch it.

:func:`crawl` reads the source's column list pages (newest first, as government CMSs list them), follows their
pagination, and fetches the articles a run needs. It keeps no state of its own: what earlier runs loaded comes
in as ``known`` (canonical URL → validators), and everything fetched goes out as :class:`CrawledPage` items, list
pages included, so the caller can log failures. Bodies stream through; nothing is accumulated.

* ``scheduled``: new articles are fetched; known articles seen on the visited list pages are re-checked with a
  conditional request; paging a column stops at the first list page that holds only known articles, so an
  unchanged site costs its first list page(s) and one conditional request per article on them.
* ``backfill``: paging goes on while a page lists any article dated in [since, until] or any undated one, and
  stops at a page whose articles are all older than ``since``. Articles listed with a date outside the window
  are skipped; undated ones are fetched and the caller filters them by the page's own date.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Collection, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple
from urllib.parse import urlsplit

from ingest.dialects import ListRequest, builds_by_script, find_endpoint, read_data_page
from ingest.discover import ArticleLink, canonicalize_url, parse_list_page, url_day
from ingest.encoding import decode_html
from ingest.errors import ConfigError
from ingest.failures import Failure, FailureKind
from ingest.fetch import Fetcher, FetchResult, Validators
from ingest.fetch.browser import Renderer
from ingest.sources import Source

__all__ = ["CrawlMode", "CrawledPage", "KnownArticle", "crawl"]

CrawlMode = Literal["scheduled", "backfill"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class KnownArticle:
    """An article an earlier run loaded, with the validators its last response carried."""

    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class CrawledPage:
    """One fetched page: a list page (``link`` None) or an article with the list entry that led to it.

    ``problem`` is why a page that was fetched fine is of no use (a list built by script that nothing here can
    read); the result's own failure, if any, comes first.
    """

    role: Literal["list", "article"]
    link: ArticleLink | None
    result: FetchResult
    problem: Failure | None = None

    @property
    def failure(self) -> Failure | None:
        return self.result.failure or self.problem


def crawl(
    source: Source,
    fetcher: Fetcher,
    known: Mapping[str, KnownArticle],
    *,
    mode: CrawlMode,
    since: date | None = None,
    until: date | None = None,
    retry_lists: Collection[str] = (),
    retry_articles: Collection[str] = (),
    recheck_known: bool = True,
    page_past_known: bool = False,
    renderer: Renderer | None = None,
) -> Generator[CrawledPage]:
    """Fetch what this run of ``source`` needs, yielding each list page and article as it arrives.

    ``since``/``until`` (inclusive) bound a backfill; they are ignored in scheduled mode. ``retry_lists`` and
    ``retry_articles`` are URLs that failed in an earlier run: those list pages are read again (and paged on
    from under the same rules), those articles are fetched even when no list page shows them any more (by a
    backfill, only those its window holds, or undated).
    At most ``source.max_list_pages`` list pages are read, none twice, and at most
    ``source.max_links_per_list_page`` articles of each and ``source.max_articles_per_run`` in all are taken from
    them (a warning says when a cap is hit). With ``recheck_known`` False, known articles are not requested at all.
    With ``page_past_known``, a scheduled crawl pages on past list pages of known articles, as far as a backfill
    would: the run after a crawl that was cut short between its packages reaches the pages it never read.
    """
    known_by_url = {canonicalize_url(url): article for url, article in known.items()}
    seen: set[str] = set()
    articles = renderer if renderer is not None and source.render == "all" else fetcher
    lists = _walk_lists(
        source, fetcher, {} if page_past_known else known_by_url, mode, since, until, retry_lists, renderer
    )
    for list_page, links in lists:
        yield list_page
        seen.update(link.url for link in links)
        wanted = [link for link in links if recheck_known or link.url not in known_by_url]
        yield from _fetch_articles(articles, wanted, known_by_url)
    # A backfill retries only the failed articles of its window (dated by their URL, as list pages date links):
    # the others belong to the scheduled runs, or to a backfill of their own years.
    window = _window(mode, since, until)
    retries = (
        ArticleLink(url=url, title=None, published=url_day(url))
        for url in dict.fromkeys(canonicalize_url(url) for url in retry_articles)
    )
    leftovers = [link for link in retries if link.url not in seen and _wanted(link, window)]
    yield from _fetch_articles(articles, leftovers, known_by_url)


def missing_in_window(
    source: Source,
    fetcher: Fetcher,
    known: Mapping[str, KnownArticle],
    *,
    since: date | None,
    until: date | None,
) -> Iterator[ArticleLink]:
    """What a backfill of the window would fetch for the first time: reads list pages only (for --dry-run)."""
    known_by_url = {canonicalize_url(url): article for url, article in known.items()}
    for _, links in _walk_lists(source, fetcher, known_by_url, "backfill", since, until, ()):
        yield from (link for link in links if link.url not in known_by_url)


def _walk_lists(
    source: Source,
    fetcher: Fetcher,
    known_by_url: Mapping[str, KnownArticle],
    mode: CrawlMode,
    since: date | None,
    until: date | None,
    retry_lists: Collection[str],
    renderer: Renderer | None = None,
) -> Iterator[tuple[CrawledPage, list[ArticleLink]]]:
    """Each list page read, with the article links on it that this run wants and no earlier page offered, until
    the run has ``source.max_articles_per_run`` of them."""
    if mode not in ("scheduled", "backfill"):
        raise ConfigError(f"unknown crawl mode {mode!r}; use 'scheduled' or 'backfill'")
    if since is not None and until is not None and since > until:
        raise ConfigError(f"the backfill window is empty: since {since} is after until {until}")
    window = _window(mode, since, until)
    starts = [ListRequest(canonicalize_url(url)) for url in source.start_urls]
    named = _named_endpoint(source)
    if named is not None:
        starts.append(named)
    starts.extend(_retried(url, source, named) for url in map(canonicalize_url, retry_lists))
    queue = deque(dict.fromkeys(starts))
    visited: set[str] = set()
    seen: set[str] = set()
    pages_read = 0
    room = source.max_articles_per_run

    while queue and pages_read < source.max_list_pages and room > 0:
        request = queue.popleft()
        if request.key in visited:
            continue
        visited.add(request.key)
        pages_read += 1
        rendered = renderer is not None and request.dialect == "html"
        if rendered and renderer is not None:
            result = renderer.render(request.url)
        else:
            result = fetcher.fetch(request.url, form=request.body)
        if not result.ok or result.body is None:
            yield CrawledPage("list", None, result), []
            continue
        page, endpoint, problem = _read_list(source, request, result)
        if endpoint is not None and endpoint.key not in visited:
            queue.appendleft(endpoint)
        if page.more_articles:
            logger.warning(
                "list page %s lists more than %d articles (max_links_per_list_page); only the first %d are read",
                result.final_url,
                source.max_links_per_list_page,
                source.max_links_per_list_page,
            )
        visited.add(canonicalize_url(result.final_url))
        fresh = [link for link in page.articles if link.url not in seen and _wanted(link, window)]
        seen.update(link.url for link in page.articles)
        if len(fresh) >= room:
            logger.warning(
                "source %s: %d articles this run (max_articles_per_run); the rest wait for the next run",
                source.name,
                source.max_articles_per_run,
            )
            fresh = fresh[:room]
        room -= len(fresh)
        yield CrawledPage("list", None, result, problem), fresh
        if _keep_paging(mode, page.articles, known_by_url, since):
            queue.extend(following for following in page.following if following.key not in visited)


def _named_endpoint(source: Source) -> ListRequest | None:
    api = source.list_api
    if api is None:
        return None
    return ListRequest(canonicalize_url(api.url), api.dialect, None if api.form is None else tuple(api.form.items()))


def _retried(url: str, source: Source, named: ListRequest | None) -> ListRequest:
    """How a list URL that failed in an earlier run is read again: as the source's named endpoint, as the kind of
    endpoint its shape says it is (the page that named it is not at hand), or as HTML."""
    if named is not None and named.url == url:
        return named
    found = find_endpoint(f"'{url}'", url)
    same = found is not None and urlsplit(found.url).path == urlsplit(url).path
    return ListRequest(url, found.dialect if found is not None and same else "html")


class _ListRead(NamedTuple):
    """What one list page offers: its articles, whether it held more than were read, and the requests after it."""

    articles: list[ArticleLink]
    more_articles: bool
    following: list[ListRequest]


def _read_list(
    source: Source, request: ListRequest, result: FetchResult
) -> tuple[_ListRead, ListRequest | None, Failure | None]:
    """One list page's articles and next pages, the data endpoint its script names (if any), and why a page
    with neither articles nor an endpoint is of no use, when its list is built by script."""
    body = result.body or b""
    if request.dialect != "html":
        data = read_data_page(body, request, hosts=source.allowed_hosts, max_articles=source.max_links_per_list_page)
        return _ListRead(data.articles, data.more_articles, [data.next] if data.next else []), None, None
    html = decode_html(body, result.headers.get("content-type"))
    page = parse_list_page(
        html,
        result.final_url,
        article_selector=source.article_selector,
        next_page_selector=source.next_page_selector,
        hosts=source.allowed_hosts,
        max_articles=source.max_links_per_list_page,
    )
    endpoint = find_endpoint(html, result.final_url)
    if endpoint is not None and not source.allows_host(endpoint.url):
        endpoint = None
    problem = None
    if not page.articles and endpoint is None and builds_by_script(html):
        problem = Failure(
            result.url, FailureKind.js_only_list, "no article links: the list is built by script from no known endpoint"
        )
    following = [ListRequest(url) for url in page.next_pages]
    return _ListRead(page.articles, page.more_articles, following), endpoint, problem


def _window(mode: CrawlMode, since: date | None, until: date | None) -> tuple[date | None, date | None]:
    """The days whose articles a run wants: a backfill's window; any day for a scheduled run."""
    return (since, until) if mode == "backfill" else (None, None)


def _wanted(link: ArticleLink, window: tuple[date | None, date | None]) -> bool:
    since, until = window
    if link.published is None:
        return True
    return (since is None or link.published >= since) and (until is None or link.published <= until)


def _keep_paging(
    mode: CrawlMode, articles: list[ArticleLink], known: Mapping[str, KnownArticle], since: date | None
) -> bool:
    if not articles:
        return False  # a page without articles is past the end of the list, or not a list at all
    if mode == "scheduled":
        return any(link.url not in known for link in articles)
    if since is None:
        return True
    return not all(link.published is not None and link.published < since for link in articles)


def _fetch_articles(
    fetcher: Fetcher | Renderer, links: Iterable[ArticleLink], known: Mapping[str, KnownArticle]
) -> Iterator[CrawledPage]:
    by_url = {link.url: link for link in links}
    if isinstance(fetcher, Renderer):  # one page at a time, unconditionally: a rendering has no validators
        for url, link in by_url.items():
            yield CrawledPage("article", link, fetcher.render(url))
        return
    requests = ((url, _validators(known.get(url))) for url in by_url)
    for result in fetcher.fetch_many(requests):
        yield CrawledPage("article", by_url[result.url], result)


def _validators(article: KnownArticle | None) -> Validators | None:
    if article is None or not (article.etag or article.last_modified):
        return None
    return Validators(etag=article.etag, last_modified=article.last_modified)
