"""Onboarding a portal: from its home page to a ready ``[[sources]]`` entry (`ingest sources discover URL`).

A prefecture portal links its columns from the home page, often only through 更多>> links beside a block that
names them, and sometimes one level further down (政务公开 → 政府工作报告). Discovery reads the home page, the
same-host pages it links to that are not articles, and, from those, the further links whose text names a wanted
kind; a page is a column when it lists articles (``ingest.discover``) or names a list endpoint
(``ingest.dialects``), and its kind comes from the column's own name (meta ColumnName, else its title), else from
the link's text. Everything here but :func:`discover_portal` is a pure function of pages already fetched.
"""

from __future__ import annotations

import ipaddress
import json
import re
import tomllib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from pydantic import ValidationError

from ingest.cms import ARTICLE_PATH, LIST_FILE, NAV_TEXT
from ingest.dialects import find_endpoint

# discover's page parsing and link text, shared rather than copied: discovery reads pages as the crawler does
from ingest.discover import canonicalize_url, element_words, parse_html, parse_list_page
from ingest.encoding import decode_html
from ingest.errors import IngestError
from ingest.fetch import Fetcher
from ingest.regions import RegionError, resolve
from ingest.sources import Source

__all__ = ["KINDS", "Column", "Discovery", "OnboardError", "discover_portal", "source_entry"]

# The kinds of column an analyst wants from a portal, each with the words its name carries.
KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("政府工作报告", ("政府工作报告",)),
    ("统计公报", ("统计公报", "国民经济和社会发展统计")),
    ("解读", ("解读",)),
)
MAX_PAGES = 40  # pages read besides the home page: enough for a portal's navigation, bounded for a slow host
# A portal names itself "<region>人民政府" in its title, its logo's alt text or its header.
_SITE_NAME = re.compile(r"^(?:欢迎访问)?(?P<region>[^\s\d|_，,-]{2,12}?)人民政府(?:门户)?(?:网站?)?$")
_TITLE_SEPARATOR = re.compile(r"\s*[_|｜—-]\s*")


class OnboardError(IngestError):
    """The portal could not be read, or it shows no column discovery can use."""


@dataclass(frozen=True, slots=True)
class Column:
    """A column that carries one of :data:`KINDS`: its first list page, its name, and what it lists."""

    url: str
    name: str
    kind: str
    listed: int  # articles its first page lists (0 when the list comes from a data endpoint)
    listing: frozenset[str]  # those articles' URLs, or its endpoint's: what tells one column from another


@dataclass(frozen=True, slots=True)
class Discovery:
    """What discovery found on a portal: the region it serves and its columns, in the order of :data:`KINDS`."""

    url: str
    site_name: str
    region: str
    columns: tuple[Column, ...]
    pages_read: int


@dataclass(frozen=True, slots=True)
class PageLink:
    """A page a portal links to, and what the link calls it."""

    url: str
    label: str  # the link's text, or for a 更多>> link the heading beside it


def site_region(html: str) -> tuple[str, str] | None:
    """The portal's name and its region ("延边朝鲜族自治州人民政府" → 延边朝鲜族自治州), or None when the page names
    no ``…人民政府``: from its title, then its SiteName meta, its headings and its images' alt texts."""
    root = parse_html(html)
    if root is None:
        return None
    candidates = [root.findtext(".//title") or "", *root.xpath("//meta[@name='SiteName']/@content")]
    candidates += [element_words(heading) for heading in root.iter("h1", "h2", "a")]
    candidates += [str(alt) for alt in root.xpath("//img/@alt")]
    for candidate in candidates:
        for part in _TITLE_SEPARATOR.split(" ".join(str(candidate).split())):
            found = _SITE_NAME.match(part)
            if found:
                return part, found.group("region")
    return None


def kind_of(*names: str) -> str | None:
    """The first kind of :data:`KINDS` whose words occur in one of ``names`` (tried in order)."""
    for name in names:
        for kind, words in KINDS:
            if any(word in name for word in words):
                return kind
    return None


def linked_pages(html: str, url: str, *, only_kinds: bool = False) -> list[PageLink]:
    """The same-host pages ``html`` links to that are not articles: the links naming a kind first, then list-shaped
    ones, then the rest; with ``only_kinds`` just the first."""
    root = parse_html(html)
    if root is None:
        return []
    host = urlsplit(url).netloc.lower()
    articles = {article.url for article in parse_list_page(html, url).articles}
    here = canonicalize_url(url)
    found: dict[str, str] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        target = canonicalize_url(urljoin(url, href)) if href and not href.startswith(("#", "javascript:")) else ""
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or parts.netloc != host or target == here or target in articles:
            continue
        if ARTICLE_PATH.search(parts.path):
            continue
        label = element_words(anchor)
        if label.lower() in NAV_TEXT or not label:
            beside = anchor.getprevious()
            label = element_words(beside) if beside is not None else label
        if not found.get(target):
            found[target] = label
    links = [PageLink(target, label) for target, label in found.items()]

    def rank(link: PageLink) -> int:
        if kind_of(link.label) is not None:
            return 0
        return 1 if LIST_FILE.search(urlsplit(link.url).path) else 2

    ranked = sorted(links, key=rank)  # stable: page order within a rank
    return [link for link in ranked if rank(link) == 0] if only_kinds else ranked


def read_column(html: str, url: str, label: str) -> Column | None:
    """The column ``url`` shows, when it lists articles (or names its list endpoint) and is of a wanted kind."""
    root = parse_html(html)
    if root is None:
        return None
    meta = [str(name) for name in root.xpath("//meta[@name='ColumnName']/@content")]
    title = _TITLE_SEPARATOR.split((root.findtext(".//title") or "").strip())[0]
    name = next((n.strip() for n in [*meta, title, label] if n.strip() and n.strip() != "首页"), label)
    kind = kind_of(name, label)
    if kind is None:
        return None
    articles = frozenset(article.url for article in parse_list_page(html, url).articles)
    endpoint = find_endpoint(html, url)
    if not articles and endpoint is None:
        return None
    return Column(url, name, kind, len(articles), articles or frozenset({endpoint.url if endpoint else url}))


def source_name(url: str) -> str:
    """A source name from the portal's host: www.yanbian.gov.cn → yanbian; an address → site-127-0-0-2-8765."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = [label for label in host.split(".") if label not in ("www", "gov", "cn", "com", "org", "net")]
        name = "-".join(labels) or "site"
    else:
        name = "site-" + re.sub(r"[^0-9a-f]+", "-", host)
    if parts.port is not None:
        name += f"-{parts.port}"
    return re.sub(r"[^a-z0-9_-]+", "-", name).strip("-")[:64] or "site"


def source_entry(discovery: Discovery, *, name: str, rate_limit: float, allow_private: bool) -> str:
    """The ``[[sources]]`` entry of a discovered portal, as TOML, its start URLs commented with their columns."""
    netloc = urlsplit(discovery.url).netloc.lower()
    urls = [_toml(column.url) for column in discovery.columns]
    width = max(len(url) for url in urls)
    listed = [
        f"    {url + ',':<{width + 1}}  # {c.kind}: column 「{c.name}」" + (f", {c.listed} listed" if c.listed else "")
        for url, c in zip(urls, discovery.columns, strict=True)
    ]
    lines = [
        f"# {discovery.site_name} ({discovery.url}), {discovery.pages_read} pages read",
        "[[sources]]",
        f"name = {_toml(name)}",
        *_region_lines(discovery),
        "start_urls = [",
        *listed,
        "]",
        f"allowed_hosts = [{_toml(netloc)}]",
    ]
    if allow_private:
        lines.append("allow_private = true  # a site on a loopback or private address")
    lines.append(f"rate_limit = {float(rate_limit)}  # requests per second to the portal")
    entry = "\n".join(lines) + "\n"
    try:  # what is printed must load as it stands: a bad --name or rate fails here, not in the user's next run
        Source.model_validate(tomllib.loads(entry)["sources"][0])
    except ValidationError as exc:
        first = exc.errors()[0]
        raise OnboardError(f"the entry would not load: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    return entry


def _region_lines(discovery: Discovery) -> list[str]:
    """The entry's region and its GB/T 2260 code; a name that resolves to no one division fails here, where
    ``--region`` can still settle it, rather than in the user's next run."""
    try:
        found = resolve(discovery.region)
    except RegionError as exc:
        raise OnboardError(f"{exc}; give the region's full name with --region") from None
    return [
        f"region = {_toml(discovery.region)}  # from the site's name, {discovery.site_name}",
        f'region_code = "{found.code}"  # {found.name}, {found.level} (GB/T 2260)',
    ]


def discover_portal(
    url: str,
    *,
    allow_private: bool = False,
    rate_limit: float = 2.0,
    timeout: float = 15.0,
    max_pages: int = MAX_PAGES,
    region: str | None = None,
) -> Discovery:
    """Read the portal at ``url`` and find its columns of :data:`KINDS`; OnboardError when there are none.

    ``region`` replaces the one read from the site's name (needed when the site names itself otherwise)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OnboardError(
            f"{url!r} is not an http(s) URL; give a portal's home page, e.g. https://www.yanbian.gov.cn/"
        )
    fetched = Source(
        name="discover",
        region="discover",
        start_urls=[url],
        allow_private=allow_private,
        rate_limit=rate_limit,
        timeout=timeout,
        max_retries=1,
        max_bytes=5 * 1024 * 1024,
    )
    with Fetcher(fetched) as fetcher:
        home = fetcher.fetch(url)
        if not home.ok or home.body is None:
            hint = (
                "; pass --allow-private for a site on this machine" if "allow_private is off" in str(home.error) else ""
            )
            raise OnboardError(f"cannot read {url}: {home.error}{hint}")
        home_html = decode_html(home.body, home.headers.get("content-type"))
        named = site_region(home_html)
        if named is None and region is None:
            raise OnboardError(f"{url} names no …人民政府 in its title or header; pass --region")
        site_name, found_region = named or (region or "", region or "")
        columns, read = _columns(fetcher, home_html, home.final_url, max_pages)
    if not columns:
        kinds = ", ".join(kind for kind, _ in KINDS)
        raise OnboardError(f"found no column of {kinds} among the {read} pages {url} links to")
    return Discovery(url, site_name, region or found_region, tuple(columns), read + 1)


def _columns(fetcher: Fetcher, home_html: str, home_url: str, max_pages: int) -> tuple[list[Column], int]:
    """The columns of wanted kinds among the pages the home page links to, and those they link to by kind name."""
    queue = linked_pages(home_html, home_url)
    seen = {canonicalize_url(home_url), *(link.url for link in queue)}
    columns: list[Column] = []
    listings: set[frozenset[str]] = set()  # one column served under two URLs (its directory and index) counts once
    read = 0
    while queue and read < max_pages:
        batch, queue = queue[: max_pages - read], queue[max_pages - read :]
        labels = {link.url: link.label for link in batch}
        for result in fetcher.fetch_many((link.url, None) for link in batch):
            read += 1
            if not result.ok or result.body is None:
                continue
            html = decode_html(result.body, result.headers.get("content-type"))
            column = read_column(html, result.final_url, labels[result.url])
            if column is not None:
                listing = frozenset(a.url for a in parse_list_page(html, column.url).articles) or frozenset(
                    {column.url}
                )
                if listing not in listings:
                    listings.add(listing)
                    columns.append(column)
                continue
            further = [link for link in linked_pages(html, result.final_url, only_kinds=True) if link.url not in seen]
            seen.update(link.url for link in further)
            queue.extend(further)
    order = [kind for kind, _ in KINDS]
    return sorted(columns, key=lambda column: order.index(column.kind)), read


def _toml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
