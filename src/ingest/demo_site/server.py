"""The demo site over real HTTP on loopback: a threaded stdlib server in a background thread.

Besides the site's pages it answers a control endpoint, so a separate process can drive it too:
``GET /__demo__/requests`` (the request log), ``GET|POST /__demo__/faults`` (see ``Faults.apply_json``) and
``POST /__demo__/reset`` (no faults, empty log). Control requests are not logged.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import errno
import functools
import gzip
import hashlib
import json
import socket
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self, cast
from urllib.parse import urlsplit

from ingest.demo_site.content import default_articles
from ingest.demo_site.faults import FAULT_KINDS, Fault, Faults, SiteState
from ingest.demo_site.model import TEMPLATES, DemoArticle, DemoColumn, DemoSiteError, Template, default_edit, edited
from ingest.demo_site.render import (
    list_page_path,
    page_count,
    render_article,
    render_home,
    render_list,
    render_not_found,
    render_robots,
)

CONTROL_PREFIX = "/__demo__/"
_HOME_PATHS: dict[Template, tuple[str, ...]] = {
    "trs": ("/", "/index.html"),
    "second": ("/", "/ycsrmzf/", "/ycsrmzf/index.shtml"),
}
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the site received (control requests excluded)."""

    time: float  # time.monotonic() of the server process when the request arrived
    method: str
    path: str  # as requested, query string included
    status: int | None  # None: the connection was dropped without a response
    user_agent: str | None
    if_none_match: str | None
    if_modified_since: str | None


@dataclass(frozen=True, slots=True)
class _Page:
    body: bytes
    content_type: str
    etag: str | None = None
    last_modified: datetime | None = None


class _RequestLog:
    """The site's request log, kept across restarts of the server (thread-safe), and the most requests it has held
    at once between their arrival and their logging (the start of the response, or the dropped connection)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []
        self._waiting = 0
        self._peak = 0

    def arrive(self) -> None:
        with self._lock:
            self._waiting += 1
            self._peak = max(self._peak, self._waiting)

    def append(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)
            self._waiting -= 1

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def peak(self) -> int:
        with self._lock:
            return self._peak

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._peak = self._waiting


class _Pages:
    """Routing and rendering for one site; pages are cached until the faults change what they show."""

    def __init__(self, template: Template, articles: Sequence[DemoArticle], page_size: int) -> None:
        self.template = template
        self.articles = tuple(articles)
        self.page_size = page_size
        self.columns = tuple(dict.fromkeys(article.column for article in articles))
        self.faults = Faults(articles)
        self._lock = threading.Lock()
        self._version = -1
        self._routes: dict[str, Callable[[], _Page]] = {}
        self._cache: dict[str, _Page] = {}

    def page(self, path: str) -> _Page | None:
        with self._lock:
            state = self.faults.state()  # read under our lock, so an older state never replaces a newer one
            if state.version != self._version:
                self._routes = self._route(state)
                self._cache = {}
                self._version = state.version
            cached = self._cache.get(path)
            route = self._routes.get(path)
        if cached is not None or route is None:
            return cached
        page = route()
        with self._lock:
            if self._version == state.version:
                self._cache[path] = page
        return page

    def robots(self) -> bytes:
        state = self.faults.state()
        return render_robots(state.robots_disallow, state.crawl_delay)

    def _route(self, state: SiteState) -> dict[str, Callable[[], _Page]]:
        listed = [a for a in self.articles if not a.upcoming or state.published_at is not None]
        routes: dict[str, Callable[[], _Page]] = {}

        def listed_since(article: DemoArticle) -> datetime:
            return state.published_at if article.upcoming and state.published_at else article.published

        for article in listed:
            edit = state.edits.get(article.path)
            shown = article if edit is None else edited(article, edit.old, edit.new)
            modified = article.published if edit is None else edit.at
            routes[article.path] = _article_route(shown, modified)
        by_column = [(c, [a for a in listed if a.column == c]) for c in self.columns]
        for column, articles in by_column:
            list_modified = max((listed_since(a) for a in articles), default=None)
            for page in range(page_count(len(articles), self.page_size)):
                route = _list_route(column, articles, page, self.page_size, self.columns, list_modified)
                routes[list_page_path(column, page)] = route
                if page == 0:  # the column's directory and its default document show the first page too
                    routes[column.path] = route
                    if self.template == "second":
                        routes[f"{column.path}index.shtml"] = route
        newest = max((listed_since(a) for a in listed), default=None)
        home = _home_route(self.template, by_column, newest)
        for path in _HOME_PATHS[self.template]:
            routes.setdefault(path, home)
        return routes


def _article_route(article: DemoArticle, modified: datetime) -> Callable[[], _Page]:
    charset = f"; charset={article.declared_charset}" if article.header_charset else ""
    return lambda: _page(render_article(article), f"text/html{charset}", modified)


def _list_route(
    column: DemoColumn,
    articles: Sequence[DemoArticle],
    page: int,
    page_size: int,
    columns: Sequence[DemoColumn],
    modified: datetime | None,
) -> Callable[[], _Page]:
    def render() -> _Page:
        body = render_list(column, articles, page=page, page_size=page_size, columns=columns)
        return _page(body, "text/html; charset=utf-8", modified)

    return render


def _home_route(
    template: Template, columns: Sequence[tuple[DemoColumn, Sequence[DemoArticle]]], modified: datetime | None
) -> Callable[[], _Page]:
    return lambda: _page(render_home(template, columns), "text/html; charset=utf-8", modified)


def _page(body: bytes, content_type: str, modified: datetime | None) -> _Page:
    etag = f'"{hashlib.sha1(body, usedforsecurity=False).hexdigest()[:16]}"'
    return _Page(body, content_type, etag, modified)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], pages: _Pages, log: _RequestLog) -> None:
        self.pages = pages
        self.log = log
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[socket.socket, tuple[str, int]]:
        connection, address = super().get_request()
        with self.connections_lock:
            self.connections.add(connection)
        return connection, address

    def shutdown_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
        if isinstance(request, socket.socket):
            with self.connections_lock:
                self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-response is normal for this site; nothing to report."""

    def close_connections(self) -> None:
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 30  # idle keep-alive connections are closed after this many seconds
    disable_nagle_algorithm = True  # headers and body leave in separate writes: no 40 ms delayed-ACK stall
    _arrived: float | None = None  # set while a logged request awaits its status

    def do_GET(self) -> None:
        self._handle(send_body=True)

    def do_HEAD(self) -> None:
        self._handle(send_body=False)

    def do_POST(self) -> None:
        if urlsplit(self.path).path.startswith(CONTROL_PREFIX):
            self._control()
        else:
            self._handle(send_body=True, allowed=False)

    def log_message(self, format: str, *args: object) -> None:
        """The site keeps its own request log (``DemoSite.requests``); nothing goes to stderr."""

    @property
    def _server(self) -> _Server:
        return cast(_Server, self.server)

    def _handle(self, *, send_body: bool, allowed: bool = True) -> None:
        arrived = time.monotonic()
        path = urlsplit(self.path).path
        if path.startswith(CONTROL_PREFIX):
            self._control()
            return
        self._arrived = arrived
        self._server.log.arrive()
        try:
            if allowed:
                self._respond(path, send_body)
            else:
                self._send(405, _error_body(405), send_body, {"Allow": "GET, HEAD"})
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            self._log(None)  # no response was started: the connection was dropped

    def send_response(self, code: int, message: str | None = None) -> None:
        # Logged before the response leaves, so a client that has its answer finds the request in the log.
        self._log(code)
        super().send_response(code, message)

    def _log(self, status: int | None) -> None:
        if self._arrived is None:
            return
        record = RequestRecord(
            time=self._arrived,
            method=self.command,
            path=self.path,
            status=status,
            user_agent=self.headers.get("User-Agent"),
            if_none_match=self.headers.get("If-None-Match"),
            if_modified_since=self.headers.get("If-Modified-Since"),
        )
        self._arrived = None
        self._server.log.append(record)

    def _respond(self, path: str, send_body: bool) -> None:
        pages = self._server.pages
        delay, fault = pages.faults.take(path)
        if delay:
            time.sleep(delay)
        if path == "/robots.txt":
            page: _Page | None = _Page(pages.robots(), "text/plain; charset=utf-8")
        else:
            page = pages.page(path)
        if fault is not None:
            self._misbehave(fault, page, send_body)
        elif page is None:
            self._send(404, render_not_found(), send_body)
        elif _not_modified(page, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")):
            self._send(304, b"", False, _validators(page))
        else:
            self._send(200, page.body, send_body, {"Content-Type": page.content_type, **_validators(page)})

    def _misbehave(self, fault: Fault, page: _Page | None, send_body: bool) -> None:
        if fault.kind == "drop":
            self.close_connection = True
        elif fault.kind == "status":
            status = fault.status or 500
            extra = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
            self._send(status, _error_body(status), send_body, extra)
        elif fault.kind == "redirect":
            status = fault.status or 302
            self._send(status, _error_body(status), send_body, {"Location": fault.location or "/"})
        elif fault.kind == "truncate":
            found = page or _Page(render_not_found(), "text/html; charset=utf-8")
            self.send_response(200 if page is not None else 404)
            self.send_header("Content-Type", found.content_type)
            self.send_header("Content-Length", str(len(found.body)))
            self.end_headers()
            if send_body:
                self.wfile.write(found.body[: len(found.body) // 2])
            self.close_connection = True
        elif fault.kind == "links":
            self._send(200, _many_links(fault.links), send_body)
        elif fault.kind == "gzip_bomb":
            encoding = ", ".join(["gzip"] * fault.layers)
            self._send(200, _gzip_bomb(fault.size, fault.layers), send_body, {"Content-Encoding": encoding})
        elif fault.kind == "slow_headers":
            self._log(200)
            self.close_connection = True
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\n":
                self.wfile.write(bytes([byte]))
                time.sleep(fault.seconds)
        elif fault.kind == "dense_figures":
            self._send(200, _dense_figures(fault.figures), send_body)
        elif fault.kind == "deep_nesting":
            self._send(200, _deep_nesting(fault.depth), send_body)
        elif fault.kind == "extreme_figures":
            self._send(200, EXTREME_FIGURES.encode(), send_body)
        elif fault.kind == "big_headers":
            self.send_response(200)
            for number in range(fault.size // 64):
                self.send_header(f"X-Filler-{number:08d}", "x" * 42)  # 64 bytes a line
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:  # oversize: an endless-looking page, streamed without Content-Length and ended by closing
            self.send_response(200)
            self.send_header("Content-Type", page.content_type if page else "text/html; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if send_body:
                self._stream_filler(fault.size, page.body if page else b"")

    def _stream_filler(self, size: int, start: bytes) -> None:
        """``size`` bytes: ``start``, then filler."""
        filler = ("<p>" + "数据" * 10 + "</p>\n").encode("utf-8")
        chunk = filler * (_CHUNK // len(filler))
        self.wfile.write(start[:size])
        sent = len(start[:size])
        while sent < size:
            piece = chunk[: size - sent]
            self.wfile.write(piece)
            sent += len(piece)

    def _send(self, status: int, body: bytes, send_body: bool, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **(headers or {})}.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and status != 304:
            self.wfile.write(body)

    def _control(self) -> None:
        path = urlsplit(self.path).path
        server = self._server
        try:
            if self.command == "GET" and path == CONTROL_PREFIX + "requests":
                answer: object = [dataclasses.asdict(record) for record in server.log.records()]
            elif self.command == "GET" and path == CONTROL_PREFIX + "faults":
                answer = server.pages.faults.to_json()
            elif self.command == "POST" and path == CONTROL_PREFIX + "faults":
                changed = server.pages.faults.apply_json(self._json_body())
                answer = {"ok": True, **changed, "faults": server.pages.faults.to_json()}
            elif self.command == "POST" and path == CONTROL_PREFIX + "reset":
                server.pages.faults.clear()
                server.log.clear()
                answer = {"ok": True}
            else:
                self._send_json(404, {"error": f"no control endpoint {self.command} {path}"})
                return
        except DemoSiteError as error:
            self._send_json(400, {"error": str(error)})
            return
        self._send_json(200, answer)

    def _json_body(self) -> object:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            return json.loads(self.rfile.read(length) or b"{}")
        except ValueError as error:
            raise DemoSiteError(f"control request body is not JSON: {error}") from None

    def _send_json(self, status: int, data: object) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, body, True, {"Content-Type": "application/json; charset=utf-8"})


def _validators(page: _Page) -> dict[str, str]:
    headers = {}
    if page.etag is not None:
        headers["ETag"] = page.etag
    if page.last_modified is not None:
        headers["Last-Modified"] = email.utils.format_datetime(page.last_modified.astimezone(UTC), usegmt=True)
    return headers


def _not_modified(page: _Page, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; otherwise If-Modified-Since."""
    if if_none_match is not None:
        if page.etag is None:
            return False
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or page.etag in tags
    if if_modified_since is None or page.last_modified is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        return False
    return page.last_modified.replace(microsecond=0) <= since


def linked_path(n: int) -> str:
    """The path of the ``n``-th link (from 1) of a ``links`` list page; no article lives there unless a fault
    answers for it."""
    return f"/zwgk/zfgzbg/202305/t20230526_{n}.html"


def _many_links(count: int) -> bytes:
    """A list page of ``count`` article links in one element, each with its date beside it."""
    rows = "".join(
        f'<a href="{linked_path(n)}">关于第{n}号文件的通知</a> <span>2023-05-26</span><br>\n'
        for n in range(1, count + 1)
    )
    return f'<html><body><div class="list">\n{rows}</div></body></html>'.encode()


def _dense_figures(figures: int) -> bytes:
    """A bulletin whose one sentence states ``figures`` growth figures: every figure's row carries the sentence."""
    sentence = "，".join(f"地区生产总值增长{n % 97}.{n % 10}%" for n in range(1, figures + 1))
    return (
        '<html><head><title>统计公报</title></head><body><div class="article">'
        f"<h1>统计公报</h1><p>{sentence}。</p></div></body></html>"
    ).encode()


EXTREME_FIGURES = (
    '<html><head><title>统计公报</title></head><body><div class="article"><h1>统计公报</h1>'
    "<p>全年地区生产总值达到1234567890123456789012345678元，比上年增长0.00000000000000000000001%。</p>"
    "</div></body></html>"
)


def _deep_nesting(depth: int) -> bytes:
    """An article whose text sits ``depth`` elements deep: libxml2 stops at depth 256 and keeps no text."""
    return (
        "<html><head><title>深层嵌套</title></head><body>"
        + "<div>" * depth
        + "<p>地区生产总值增长5.5%。</p>"
        + "</div>" * depth
        + "</body></html>"
    ).encode()


@functools.cache
def _gzip_bomb(size: int, layers: int) -> bytes:
    """``size`` zero bytes gzipped ``layers`` times; compressed in chunks, so the zeros are never all in memory."""
    inner = zlib.compressobj(wbits=zlib.MAX_WBITS | 16)
    zeros = bytes(_CHUNK)
    body = b"".join(inner.compress(zeros) for _ in range(size // _CHUNK)) + inner.flush()
    for _ in range(layers - 1):
        body = gzip.compress(body)
    return body


def _error_body(status: int) -> bytes:
    return f"<html><head><title>{status}</title></head><body><h1>{status}</h1></body></html>".encode("ascii")


class DemoSite:
    """A local copy of a prefecture government website on 127.0.0.1, with switchable faults.

    Use it as a context manager::

        with DemoSite(template="trs") as site:
            httpx.get(site.list_urls[0])
            site.faults.add(Fault("status", "/zwgk/*", status=500, times=2))
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        template: Template = "trs",
        articles: Sequence[DemoArticle] | None = None,
        page_size: int = 2,
        poll_interval: float = 0.05,
    ) -> None:
        """``poll_interval``: how often the idle server wakes to see whether it should stop (and how long ``stop``
        may wait); hundreds of sites in one process want it longer, so that idle polling costs them no CPU."""
        if template not in TEMPLATES:
            raise DemoSiteError(f"unknown template {template!r}; use one of {', '.join(TEMPLATES)}")
        chosen = list(default_articles(template) if articles is None else articles)
        if not chosen:
            raise DemoSiteError("a demo site needs at least one article")
        mismatched = [a.path for a in chosen if a.template != template]
        if mismatched:
            raise DemoSiteError(f"articles {mismatched} use another template than the site's {template!r}")
        paths = [a.path for a in chosen]
        if len(set(paths)) != len(paths):
            raise DemoSiteError("two articles share a path; give each article its own path")
        page_count(0, page_size)  # validates page_size
        self._pages = _Pages(template, chosen, page_size)
        self._log = _RequestLog()
        self._address = (host, port)
        self._poll_interval = poll_interval
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.faults: Faults = self._pages.faults

    @property
    def template(self) -> Template:
        return self._pages.template

    @property
    def articles(self) -> tuple[DemoArticle, ...]:
        """Every article, upcoming ones included."""
        return self._pages.articles

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, once started."""
        if self._server is None:
            raise DemoSiteError("the demo site is not running; call start() or use it in a with block")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def list_urls(self) -> list[str]:
        """First list page of each column: the start URLs of a sources entry for this site."""
        return [self.url(list_page_path(column, 0)) for column in self._pages.columns]

    def url(self, path: str) -> str:
        return self.base_url + path

    def requests(self) -> list[RequestRecord]:
        """Every request received so far (control requests excluded), in arrival order."""
        return self._log.records()

    def most_requests_at_once(self) -> int:
        """The most requests the site held at once, each from its arrival to the start of its response: a client
        that keeps a connection open for each request in flight had at least this many open (since the last
        reset)."""
        return self._log.peak()

    def reset(self) -> None:
        """No faults and an empty request log."""
        self.faults.clear()
        self._log.clear()

    def start(self) -> str:
        """Listen and serve in a background thread; returns the base URL."""
        if self._server is not None:
            return self.base_url
        try:
            self._server = _Server(self._address, self._pages, self._log)
        except OSError as error:
            host, port = self._address
            hint = "pass another port (0 picks a free one)" if error.errno == errno.EADDRINUSE else "check host"
            raise DemoSiteError(f"cannot listen on {host}:{port}: {error.strerror}; {hint}") from None
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": self._poll_interval},
            name="demo-site",
            daemon=True,
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving and close every open connection."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_connections()
        if thread is not None:
            thread.join()
        self._server = self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def describe(site: DemoSite) -> str:
    """What a running site serves and how to switch its faults, for the person who started it."""
    control = site.url("/__demo__/faults")
    editable = [article for article in site.articles if not article.upcoming and _has_default_edit(article)]
    lines = [f"Demo site ({site.template}) serving at {site.base_url}", "", "List pages (a sources file's start_urls):"]
    lines += [f"  {url}" for url in site.list_urls]
    lines += ["", "Articles:"]
    lines += [
        f"  {site.url(a.path)}{'  (upcoming: served once published)' if a.upcoming else ''}" for a in site.articles
    ]
    lines += [
        "",
        f"Fault switches: POST JSON to {control} (GET it for the current ones); POST {site.url('/__demo__/reset')}",
        f"clears them; GET {site.url('/__demo__/requests')} is the request log.",
    ]
    section = "/" + site.articles[0].path.split("/")[1] + "/"  # the site's first section, e.g. /zwgk/
    first_list = urlsplit(site.list_urls[0]).path
    examples = [
        ("HTTP 500 on every page of a section", {"rules": [{"kind": "status", "path": section + "*", "status": 500}]}),
        (
            "a list page answers 40 s late, twice (a timeout)",
            {"rules": [{"kind": "delay", "path": first_list, "seconds": 40, "times": 2}]},
        ),
        ("publish the upcoming articles", {"publish": True}),
        ("robots.txt", {"robots": {"disallow": [section], "crawl_delay": 1.5}}),
    ]
    if editable:
        old, new = default_edit(editable[0])
        examples.insert(0, (f"edit a page ({old} → {new})", {"edits": [{"path": editable[0].path}]}))
    for what, setting in examples:
        lines.append(f"  {what}: curl -X POST {control} -d '{json.dumps(setting, ensure_ascii=False)}'")
    lines += [
        f"  rule kinds: {', '.join(FAULT_KINDS)} (fields: path, times, seconds, status, retry_after, location, size)",
        "  an edit takes old and new texts too; without them it adds 1 to the last digit of the first percentage",
        "",
        "Ctrl-C stops it.",
    ]
    return "\n".join(lines)


def _has_default_edit(article: DemoArticle) -> bool:
    try:
        default_edit(article)
    except DemoSiteError:
        return False
    return True


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8765,
    template: Template = "trs",
    *,
    ready: Callable[[DemoSite], None] | None = None,
) -> None:
    """Serve a demo site until interrupted (Ctrl-C); ``ready`` is called once it listens."""
    with DemoSite(host=host, port=port, template=template) as site:
        if ready is not None:
            ready(site)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            return
