"""Switchable misbehaviour of a running demo site, for tests of the fetching layer.

A :class:`Faults` object belongs to one running site and is safe to change from any thread while the site
serves. Per-request faults (:class:`Fault`) target a path or a glob pattern, optionally for the first N matching
requests only; site-wide switches edit an article, publish the upcoming articles, or change robots.txt.
The same settings arrive as JSON through the site's control endpoint (see :meth:`Faults.apply_json`).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase
from typing import Literal, get_args

from ingest.demo_site.model import DemoArticle, DemoSiteError, default_edit, edited

FaultKind = Literal[
    "delay",
    "status",
    "drop",
    "truncate",
    "redirect",
    "oversize",
    "links",
    "gzip_bomb",
    "slow_headers",
    "big_headers",
    "dense_figures",
    "deep_nesting",
    "extreme_figures",
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)
OVERSIZE_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Fault:
    """How the site misbehaves for requests whose path matches ``path``.

    kinds: ``delay`` (wait ``seconds`` before answering normally), ``status`` (answer ``status``, default 500,
    with ``Retry-After: retry_after`` when given), ``drop`` (close the connection without a response),
    ``truncate`` (announce the full Content-Length, send half the body, close), ``redirect`` (``status``,
    default 302, to ``location``), ``oversize`` (stream ``size`` bytes, the page first when there is one, then
    filler, without Content-Length), ``links`` (a list page of ``links`` article links that share one parent element).
    Hostile ones: ``gzip_bomb`` (``size`` zero bytes gzipped ``layers`` times, ``Content-Encoding: gzip, gzip``),
    ``slow_headers`` (the response head one byte every ``seconds``), ``big_headers`` (a head of ``size`` bytes),
    ``dense_figures`` (an article whose one sentence states ``figures`` figures), ``deep_nesting`` (an article whose
    text sits ``depth`` elements deep), ``extreme_figures`` (an article stating a figure of 28 digits and one of 23
    decimals: together they are wider than a decimal Arrow or DuckDB reads).
    """

    kind: FaultKind
    path: str = "*"  # exact path, or a glob such as "/zwgk/*" (the query string is ignored)
    times: int | None = None  # only the first N matching requests; None: every one
    seconds: float = 0.0
    status: int | None = None
    retry_after: int | None = None
    location: str | None = None
    size: int = OVERSIZE_BYTES
    links: int = 8000
    layers: int = 2
    figures: int = 3000
    depth: int = 50_000

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise DemoSiteError(f"unknown fault kind {self.kind!r}; use one of {', '.join(FAULT_KINDS)}")
        if not self.path.startswith(("/", "*")):
            raise DemoSiteError(f"fault path {self.path!r} must start with '/' or be a glob such as '*'")
        if self.times is not None and self.times < 1:
            raise DemoSiteError(f"fault times must be at least 1 (or omitted for always), got {self.times}")
        if self.kind in ("delay", "slow_headers") and not self.seconds > 0:
            raise DemoSiteError(f"a {self.kind} fault needs seconds > 0")
        if self.kind == "redirect" and not self.location:
            raise DemoSiteError("a redirect fault needs a location, e.g. 'http://example.invalid/'")
        if self.status is not None and not 100 <= self.status <= 599:
            raise DemoSiteError(f"fault status {self.status} is not an HTTP status code")
        if self.retry_after is not None and self.retry_after < 0:
            raise DemoSiteError(f"retry_after must be >= 0 seconds, got {self.retry_after}")
        if self.size < 1:
            raise DemoSiteError(f"oversize fault size must be >= 1 byte, got {self.size}")
        if self.links < 1:
            raise DemoSiteError(f"links fault needs links >= 1, got {self.links}")
        if self.layers < 1:
            raise DemoSiteError(f"gzip_bomb fault needs layers >= 1, got {self.layers}")
        if self.figures < 1:
            raise DemoSiteError(f"dense_figures fault needs figures >= 1, got {self.figures}")
        if self.depth < 1:
            raise DemoSiteError(f"deep_nesting fault needs depth >= 1, got {self.depth}")

    def matches(self, path: str) -> bool:
        if any(char in self.path for char in "*?["):
            return fnmatchcase(path, self.path)
        return path == self.path

    @classmethod
    def from_json(cls, data: object) -> Fault:
        """A fault from a JSON object with the same keys as the dataclass, e.g. {"kind": "status", "path": "/"}."""
        if not isinstance(data, dict):
            raise DemoSiteError(f"a fault must be a JSON object, got {data!r}")
        fields = {field.name: field.type for field in dataclasses.fields(cls)}
        unknown = set(data) - set(fields)
        if unknown:
            raise DemoSiteError(f"unknown fault key(s) {sorted(unknown)}; use {sorted(fields)}")
        for name, value in data.items():
            if not _json_type_ok(str(fields[name]), value):
                raise DemoSiteError(f"fault key {name!r} has the wrong type: {value!r}")
        return cls(**data)

    def to_json(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def _json_type_ok(annotation: str, value: object) -> bool:
    if value is None:
        return "None" in annotation
    if isinstance(value, bool):
        return False
    if annotation.startswith("float"):
        return isinstance(value, int | float)
    if annotation.startswith("int"):
        return isinstance(value, int)
    return isinstance(value, str)


@dataclass(frozen=True, slots=True)
class Edit:
    """A re-publication of an article with one text changed."""

    old: str
    new: str
    at: datetime  # becomes the article's Last-Modified


@dataclass(frozen=True, slots=True)
class SiteState:
    """What the site renders from, as of one moment; ``version`` changes whenever pages change."""

    version: int
    edits: Mapping[str, Edit]
    published_at: datetime | None  # when the upcoming articles were published; None: not yet
    robots_disallow: tuple[str, ...]
    crawl_delay: float | None


class Faults:
    """The mutable fault settings of one running demo site (thread-safe)."""

    # Settings change only through the methods: assigning an unknown attribute (a typo) fails loudly.
    __slots__ = (
        "_articles",
        "_crawl_delay",
        "_edits",
        "_last_change",
        "_lock",
        "_published_at",
        "_robots_disallow",
        "_rules",
        "_version",
    )

    def __init__(self, articles: Sequence[DemoArticle]) -> None:
        self._articles = {article.path: article for article in articles}
        self._lock = threading.Lock()
        self._rules: list[tuple[Fault, int | None]] = []  # fault and its remaining count
        self._edits: dict[str, Edit] = {}
        self._published_at: datetime | None = None
        self._robots_disallow: tuple[str, ...] = ()
        self._crawl_delay: float | None = None
        self._version = 0
        self._last_change = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)

    def add(self, fault: Fault) -> None:
        """Misbehave as ``fault`` says, after the faults added before it have taken their turn."""
        with self._lock:
            self._rules.append((fault, fault.times))

    def set_robots(self, *, disallow: Sequence[str] = (), crawl_delay: float | None = None) -> None:
        """Serve robots.txt with these Disallow rules and Crawl-delay (the default allows everything)."""
        if isinstance(disallow, str) or not all(isinstance(p, str) and p.startswith("/") for p in disallow):
            raise DemoSiteError(f"robots disallow must be a list of paths starting with '/', got {disallow!r}")
        if crawl_delay is not None and crawl_delay < 0:
            raise DemoSiteError(f"crawl_delay must be >= 0 seconds, got {crawl_delay}")
        with self._lock:
            self._robots_disallow = tuple(disallow)
            self._crawl_delay = crawl_delay

    def edit(self, path: str, old: str | None = None, new: str | None = None) -> tuple[str, str]:
        """Re-publish the article at ``path`` with ``old`` replaced by ``new``; returns (old, new).

        Without ``old``/``new`` the first percentage in the body changes its last digit ("0.5%" → "0.6%").
        The page's ETag and Last-Modified change with it.
        """
        article = self._articles.get(path)
        if article is None:
            raise DemoSiteError(f"no article at {path!r}; edit one of {sorted(self._articles)}")
        if (old is None) != (new is None):
            raise DemoSiteError("pass both old= and new=, or neither for the default edit")
        if old is None or new is None:
            old, new = default_edit(article)
        edited(article, old, new)  # fails here, not while serving, when old is not in the body
        with self._lock:
            self._edits[path] = Edit(old, new, self._change_time())
            self._version += 1
        return old, new

    def publish_upcoming(self) -> list[str]:
        """Publish the site's upcoming articles: they appear first in their column's list; returns their paths."""
        paths = [path for path, article in self._articles.items() if article.upcoming]
        if not paths:
            raise DemoSiteError("this site has no upcoming article; give DemoSite an article with upcoming=True")
        with self._lock:
            if self._published_at is None:
                self._published_at = self._change_time()
                self._version += 1
        return paths

    def clear(self) -> None:
        """Back to a well-behaved site: no faults, no edits, upcoming articles unpublished, robots allow all."""
        with self._lock:
            self._rules.clear()
            self._edits.clear()
            self._published_at = None
            self._robots_disallow = ()
            self._crawl_delay = None
            self._version += 1

    def state(self) -> SiteState:
        with self._lock:
            return SiteState(
                self._version, dict(self._edits), self._published_at, self._robots_disallow, self._crawl_delay
            )

    def take(self, path: str) -> tuple[float, Fault | None]:
        """Consume the faults matching one request: total delay in seconds, and the fault that answers it."""
        delay = 0.0
        answer: Fault | None = None
        with self._lock:
            for index, (fault, remaining) in enumerate(self._rules):
                if remaining == 0 or not fault.matches(path) or (answer is not None and fault.kind != "delay"):
                    continue
                if fault.kind == "delay":
                    delay += fault.seconds
                else:
                    answer = fault
                self._rules[index] = (fault, None if remaining is None else remaining - 1)
        return delay, answer

    def apply_json(self, data: object) -> dict[str, object]:
        """Apply control-endpoint settings; returns what changed.

        Keys (all optional): ``rules`` (list of faults, see :meth:`Fault.from_json`), ``robots``
        ({"disallow": [...], "crawl_delay": 1.5}), ``edits`` (list of {"path", "old", "new"}),
        ``publish`` (true: publish the upcoming articles), ``clear`` (true: first reset everything).
        """
        if not isinstance(data, dict):
            raise DemoSiteError("fault settings must be a JSON object")
        unknown = set(data) - {"rules", "robots", "edits", "publish", "clear"}
        if unknown:
            raise DemoSiteError(f"unknown setting(s) {sorted(unknown)}; use rules, robots, edits, publish, clear")
        rules = [Fault.from_json(rule) for rule in _json_list(data.get("rules", []), "rules")]
        result: dict[str, object] = {}
        if data.get("clear") is True:
            self.clear()
        for rule in rules:
            self.add(rule)
        if "robots" in data:
            robots = data["robots"]
            if not isinstance(robots, dict) or set(robots) - {"disallow", "crawl_delay"}:
                raise DemoSiteError('robots must be {"disallow": [paths], "crawl_delay": seconds or null}')
            delay = robots.get("crawl_delay")
            if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int | float)):
                raise DemoSiteError(f"crawl_delay must be a number of seconds, got {delay!r}")
            disallow = _json_list(robots.get("disallow", []), "disallow")
            if not all(isinstance(path, str) for path in disallow):
                raise DemoSiteError(f"robots disallow must list paths as strings, got {disallow!r}")
            self.set_robots(disallow=[str(path) for path in disallow], crawl_delay=delay)
        edits = []
        for item in _json_list(data.get("edits", []), "edits"):
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                raise DemoSiteError('each edit must be {"path": "/…", "old": "…", "new": "…"}')
            old, new = self.edit(item["path"], _json_str(item.get("old")), _json_str(item.get("new")))
            edits.append({"path": item["path"], "old": old, "new": new})
        if edits:
            result["edits"] = edits
        if data.get("publish") is True:
            result["published"] = self.publish_upcoming()
        return result

    def to_json(self) -> dict[str, object]:
        with self._lock:
            return {
                "rules": [{**fault.to_json(), "remaining": remaining} for fault, remaining in self._rules],
                "robots": {"disallow": list(self._robots_disallow), "crawl_delay": self._crawl_delay},
                "edits": [{"path": path, "old": e.old, "new": e.new} for path, e in self._edits.items()],
                "published": self._published_at is not None,
            }

    def _change_time(self) -> datetime:
        # HTTP dates have whole seconds: each change must move Last-Modified forward by at least one.
        now = datetime.now(UTC).replace(microsecond=0)
        self._last_change = max(now, self._last_change + timedelta(seconds=1))
        return self._last_change


def _json_list(value: object, name: str) -> list[object]:
    if not isinstance(value, list):
        raise DemoSiteError(f"{name} must be a JSON list, got {value!r}")
    return value


def _json_str(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise DemoSiteError(f"edit texts must be strings, got {value!r}")
    return value
