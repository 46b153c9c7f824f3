"""Sources: the sites to ingest, read from a TOML file.

A source is one entry of configuration, never code::

    [[sources]]
    name = "yanbian"
    region = "延边朝鲜族自治州"
    start_urls = ["http://127.0.0.1:8765/zwgk/zfgzbg/index.html"]
    allowed_hosts = ["127.0.0.1:8765"]
    allow_private = true   # loopback and private addresses allowed (only for local sites such as the demo)
    rate_limit = 2.0       # requests per second per host

Everything but ``name``, ``region`` and ``start_urls`` has a default; ``allowed_hosts`` defaults to the hosts of
``start_urls``, and ``region_code`` to the code ``region`` resolves to (``region_code = "222400"`` settles a name
that is ambiguous or not in the national list).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ingest.errors import ConfigError
from ingest.regions import RegionError, region, resolve

DEFAULT_USER_AGENT = "ingest-reports/0.1 (+https://github.com/; government report ingestion for research)"


_PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


class ListApi(BaseModel):
    """A column's list endpoint named by hand: where it is, how to ask it, and how its answer reads.

    ``dialect``: ``dataproxy`` (Hanweb/jpaas XML recordsets, paged by startrecord/endrecord in the URL) or
    ``json`` (a JSON list such as gkmlpt's, paged by a ``page``-like parameter, 1 when absent). ``form`` makes it a
    POST search endpoint: the fields are sent as the request body (a JSON list's page parameter among them);
    without it the endpoint is read with GET.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    dialect: Literal["dataproxy", "json"]
    form: dict[str, str] | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise ValueError(f"list_api URL {url!r} is not an http(s) URL")
        return url


class Source(BaseModel):
    """One site: where its report lists are, which hosts may be fetched, and how politely."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
    region: Annotated[str, Field(min_length=1)]
    # GB/T 2260 code of the region (ingest.regions); resolved from ``region`` when the sources file is loaded
    region_code: Annotated[str | None, Field(pattern=r"^\d{6}$")] = None
    start_urls: Annotated[list[str], Field(min_length=1)]
    allowed_hosts: list[str] = Field(default_factory=list)
    allow_private: bool = False
    rate_limit: Annotated[float, Field(gt=0, le=100)] = 2.0
    max_concurrency: Annotated[int, Field(ge=1, le=32)] = 4
    user_agent: str = DEFAULT_USER_AGENT
    timeout: Annotated[float, Field(gt=0, le=600)] = 30.0
    max_bytes: Annotated[int, Field(gt=0)] = 20 * 1024 * 1024
    max_retries: Annotated[int, Field(ge=0, le=10)] = 4
    max_list_pages: Annotated[int, Field(ge=1)] = 500
    max_links_per_list_page: Annotated[int, Field(ge=1)] = 1000  # articles read from one list page, the first ones
    max_articles_per_run: Annotated[int, Field(ge=1)] = 5000  # articles one run fetches; the rest wait for the next
    # documents parsed into one load package: a longer crawl commits one package per this many and goes on
    max_documents_per_package: Annotated[int, Field(ge=1)] = 300
    article_selector: str | None = None  # optional XPath/CSS override for article links on list pages
    next_page_selector: str | None = None  # optional XPath/CSS override for the next list page
    list_api: ListApi | None = None  # the column's data endpoint, named when it cannot be recognised from the page
    proxy: str | None = None  # http://, https:// or socks5:// proxy every request of the source goes through
    proxy_credentials_env: str | None = None  # environment variable holding the proxy's "user:password"
    proxy_credentials_file: Path | None = None  # file holding the proxy's "user:password" (first line)
    render: Literal["none", "list", "all"] = "none"  # pages rendered in headless Chromium: none, list pages, all

    @field_validator("proxy")
    @classmethod
    def _proxy_url(cls, proxy: str | None) -> str | None:
        if proxy is None:
            return None
        parts = urlsplit(proxy)
        if parts.scheme not in _PROXY_SCHEMES or not parts.hostname:
            raise ValueError(f"proxy {proxy!r} is not a {', '.join(_PROXY_SCHEMES)} URL")
        if "@" in parts.netloc:
            raise ValueError(
                "the proxy URL carries credentials; give them through proxy_credentials_env or proxy_credentials_file"
            )
        return proxy

    @model_validator(mode="after")
    def _one_credentials_source(self) -> Self:
        if self.proxy_credentials_env and self.proxy_credentials_file:
            raise ValueError("give proxy_credentials_env or proxy_credentials_file, not both")
        if (self.proxy_credentials_env or self.proxy_credentials_file) and not self.proxy:
            raise ValueError("proxy credentials are given but no proxy")
        return self

    @field_validator("start_urls")
    @classmethod
    def _http_urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
                raise ValueError(f"start URL {url!r} is not an http(s) URL")
        return urls

    @field_validator("allowed_hosts")
    @classmethod
    def _lowercase_hosts(cls, hosts: list[str]) -> list[str]:
        return [host.lower() for host in hosts]

    @model_validator(mode="after")
    def _start_urls_are_allowed(self) -> Self:
        if not self.allowed_hosts:
            object.__setattr__(self, "allowed_hosts", sorted({urlsplit(u).netloc.lower() for u in self.start_urls}))
        for url in self.start_urls:
            if not self.allows_host(url):
                raise ValueError(f"start URL {url!r} is not on allowed_hosts {self.allowed_hosts}")
        return self

    def allows_host(self, url: str) -> bool:
        """True when ``url``'s host (with port, if the entry names one) is one of ``allowed_hosts``."""
        parts = urlsplit(url)
        netloc = parts.netloc.lower().rsplit("@", 1)[-1]
        host = parts.hostname or ""
        return netloc in self.allowed_hosts or host in self.allowed_hosts

    def proxy_credentials(self) -> tuple[str, str] | None:
        """The proxy's user name and password, read from the environment or the file the source names.

        Raises ConfigError when the variable or file is missing or holds no ``user:password``.
        """
        if self.proxy_credentials_env:
            value = os.environ.get(self.proxy_credentials_env)
            where = f"environment variable {self.proxy_credentials_env}"
        elif self.proxy_credentials_file:
            where = f"proxy credentials file {self.proxy_credentials_file}"
            try:
                value = (self.proxy_credentials_file.read_text(encoding="utf-8").splitlines() or [""])[0]
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"source {self.name}: {where} cannot be read: {exc}") from None
        else:
            return None
        user, colon, password = (value or "").strip().partition(":")
        if not value or not colon or not user:
            raise ConfigError(f"source {self.name}: {where} does not hold the proxy's user:password")
        return user, password


def load_sources(path: Path) -> list[Source]:
    """Read and validate a sources file; raise ConfigError with a one-line reason when it is unusable."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"sources file {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"sources file {path} is not valid TOML: {exc}") from None
    entries = raw.get("sources")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"sources file {path} has no [[sources]] entries")
    sources: list[Source] = []
    for index, entry in enumerate(entries):
        try:
            source = Source.model_validate(entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "entry"
            label = entry.get("name", f"#{index + 1}") if isinstance(entry, dict) else f"#{index + 1}"
            raise ConfigError(f"sources file {path}: source {label}: {where}: {first['msg']}") from None
        sources.append(_with_region_code(path, source))
    names = [source.name for source in sources]
    if len(set(names)) != len(names):
        raise ConfigError(f"sources file {path} names a source twice: {sorted(names)}")
    return sources


def _with_region_code(path: Path, source: Source) -> Source:
    """The source with its region's code: the one it gives, checked, or the one its region's name resolves to."""
    try:
        found = region(source.region_code) if source.region_code else resolve(source.region)
    except RegionError as exc:
        raise ConfigError(f"sources file {path}: source {source.name}: {exc}") from None
    return source.model_copy(update={"region_code": found.code})


def select_source(sources: Sequence[Source], name: str) -> Source:
    """The source called ``name``, or a ConfigError listing the names there are."""
    for source in sources:
        if source.name == name:
            return source
    raise ConfigError(f"no source named {name!r}; the file defines {', '.join(s.name for s in sources)}")
