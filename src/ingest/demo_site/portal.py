"""The demo's third template: a portal whose columns are as hard to read as real prefecture portals.

A Hanweb/jpaas-style site (``/col/colNNN/index.html`` columns, ``/art/Y/M/D/art_C_N.html`` articles) whose
column lists come in every way the crawler must handle, each column one case:

* ``/col/col101/`` 政府工作报告: the list comes from ``module/web/jpage/dataproxy.jsp`` (XML recordset of CDATA
  rows, paged by startrecord/endrecord/perpage); the endpoint and its columnid/unitid are in the page's script;
* ``/gkmlpt/index`` 统计公报: a gkmlpt-style JSON list API (``/gkmlpt/api/all/5?page=N&sid=…``) named in script;
* ``/col/col103/`` 要闻动态: behind a cookie-setting WAF: a first request without the cookie gets a 302 to the same
  URL setting it, then the list and articles are served as usual;
* ``/col/col104/`` 通知公告: behind a script challenge: always 412 and a script that sets a cookie;
* ``/col/col105/`` 部门动态: the list is built by an inline script from an array; only a browser shows it;
* ``/col/col106/`` 政策解读: lists one article that is a stub (a notice, no text);
* ``POST /irs/front/search``: a search endpoint (form ``searchWord``, ``pageNo``) answering nested JSON with
  string dates, for a source that names it in ``list_api``;
* a second port that accepts connections and never answers (a blackholed host).

Pages are plain functions of the articles (the TRS article renderer lays out the article pages); the server is
a small stdlib one, since none of this needs the first two templates' switchable faults.
"""

from __future__ import annotations

import dataclasses
import html
import json
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self, cast
from urllib.parse import parse_qsl, urlsplit

from ingest.demo_site.content import default_articles
from ingest.demo_site.model import DemoArticle, DemoColumn, Paragraph
from ingest.demo_site.render import render_article, render_not_found, render_robots

SITE_NAME = "示例市人民政府"
WAF_COOKIE = "__waf_ok"
DATAPROXY_COLUMN, DATAPROXY_UNIT = "101", "301"
GKMLPT_SID = "441200"
_PER_PAGE = 1  # one row a data page, so that the demo's few articles span several pages


@dataclass(frozen=True, slots=True)
class PortalColumn:
    key: str  # "dataproxy", "gkmlpt", "waf", "challenge", "js_only", "stub"
    name: str
    path: str  # the column page's path


COLUMNS = (
    PortalColumn("dataproxy", "政府工作报告", "/col/col101/index.html"),
    PortalColumn("gkmlpt", "统计公报", "/gkmlpt/index"),
    PortalColumn("waf", "要闻动态", "/col/col103/index.html"),
    PortalColumn("challenge", "通知公告", "/col/col104/index.html"),
    PortalColumn("js_only", "部门动态", "/col/col105/index.html"),
    PortalColumn("stub", "政策解读", "/col/col106/index.html"),
)
BLACKHOLE_PATH = "/col/col107/index.html"
SEARCH_PATH = "/irs/front/search"


def portal_articles() -> dict[str, list[DemoArticle]]:
    """The articles of each column, made from the demo's report texts under this portal's paths."""
    texts = [article for article in default_articles("trs") if not article.upcoming]
    placement = {"dataproxy": texts, "gkmlpt": texts[:2], "waf": texts[:1], "js_only": texts[3:4]}
    columns: dict[str, list[DemoArticle]] = {}
    for key, chosen in placement.items():
        column = next(c for c in COLUMNS if c.key == key)
        home = DemoColumn(column.name, column.path.rsplit("/", 1)[0] + "/", "trs")
        columns[key] = [
            dataclasses.replace(
                article,
                column=home,
                path=_article_path(key, number, article),
                # each copy differs from the others, so that the warehouse keeps each as a document of its own
                paragraphs=(*article.paragraphs, Paragraph(f"（{SITE_NAME}{column.name}栏目转载）")),
            )
            for number, article in enumerate(chosen, start=1)
        ]
    stub_home = DemoColumn("政策解读", "/col/col106/", "trs")
    stub = texts[0]
    columns["stub"] = [dataclasses.replace(stub, column=stub_home, path=_article_path("stub", 1, stub))]
    return columns


def _article_path(key: str, number: int, article: DemoArticle) -> str:
    day = article.published
    if key == "gkmlpt":
        return f"/gkmlpt/content/5/{5000 + number}/post_{5000 + number}.html"
    column = 100 + next(i for i, c in enumerate(COLUMNS, start=1) if c.key == key)
    return f"/art/{day.year}/{day.month}/{day.day}/art_{column}_{number}.html"


# --- pages --------------------------------------------------------------------------------------------------------


def _shell(title: str, main: str) -> bytes:
    nav = "".join(f'<li><a href="{c.path}">{c.name}</a></li>' for c in COLUMNS)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_{SITE_NAME}</title></head><body>'
        f'<div class="header"><img src="/images/logo.png" alt=""><a href="/">{SITE_NAME}</a>'
        f'<ul class="nav">{nav}</ul></div>'
        f'<div class="main"><h2>{title}</h2>{main}</div>'
        f'<div class="footer">{SITE_NAME} 主办</div></body></html>'
    ).encode()


def _row(article: DemoArticle) -> str:
    return (
        f'<li><a href="{article.path}" title="{html.escape(article.title)}">{html.escape(article.title)}</a>'
        f"<span>{article.published:%Y-%m-%d}</span></li>"
    )


def dataproxy_page() -> bytes:
    script = (
        "<script>$(document).ready(function(){$('#div101').jpage({"
        "dataStore: null, proxyUrl: '/module/web/jpage/dataproxy.jsp', perPage: %d, groupSize: 3,"
        f" ajaxParam: {{col: 1, webid: 1, path: '/', columnid: {DATAPROXY_COLUMN}, sourceContentType: 1,"
        f" unitid: '{DATAPROXY_UNIT}', webname: '{SITE_NAME}', permissiontype: 0}}}});}});</script>"
    ) % _PER_PAGE
    return _shell("政府工作报告", f'<div id="div101"></div>{script}')


def dataproxy_answer(articles: Sequence[DemoArticle], query: dict[str, str]) -> bytes | None:
    """The XML recordset jpage asks for, or None when the column's parameters are missing or wrong."""
    if query.get("columnid") != DATAPROXY_COLUMN or query.get("unitid") != DATAPROXY_UNIT:
        return None
    start, end = int(query.get("startrecord", "1")), int(query.get("endrecord", "1"))
    rows = "".join(f"<record><![CDATA[{_row(a)}]]></record>" for a in articles[start - 1 : end])
    return (
        '<?xml version="1.0" encoding="UTF-8"?><datastore>'
        f"<nextgroup><![CDATA[]]></nextgroup><recordset>{rows}</recordset>"
        f"<totalrecord>{len(articles)}</totalrecord><totalpage>{len(articles)}</totalpage></datastore>"
    ).encode()


def gkmlpt_page() -> bytes:
    script = (
        f"<script>var API = '/gkmlpt/api/all/5?sid={GKMLPT_SID}';"
        "$.getJSON(API + '&page=1', function (data) { $('#list').html(data.articles.map(function (a) {"
        " return '<li><a href=\"' + a.url + '\">' + a.title + '</a></li>'; }).join('')); });</script>"
    )
    return _shell("统计公报", f'<ul id="list"></ul>{script}')


def gkmlpt_answer(base_url: str, articles: Sequence[DemoArticle], query: dict[str, str]) -> bytes | None:
    if query.get("sid") != GKMLPT_SID:
        return None
    page = int(query.get("page", "1"))
    rows = [
        {"id": n, "title": a.title, "url": base_url + a.path, "first_publish_time": int(a.published.timestamp())}
        for n, a in enumerate(articles, start=1)
    ][(page - 1) * _PER_PAGE : page * _PER_PAGE]
    return json.dumps({"articles": rows, "total": len(articles), "page": page}, ensure_ascii=False).encode()


def search_answer(base_url: str, articles: Sequence[DemoArticle], form: dict[str, str]) -> bytes | None:
    """A TRS-style search endpoint's JSON: ``{"data": {"list": [...], "total": n}}``, two rows a page."""
    if form.get("searchWord") != "政府工作报告":
        return None
    page = int(form.get("pageNo", "1"))
    rows = [{"title": a.title, "url": base_url + a.path, "time": f"{a.published:%Y-%m-%d %H:%M:%S}"} for a in articles]
    return json.dumps(
        {"data": {"list": rows[(page - 1) * 2 : page * 2], "total": len(rows)}}, ensure_ascii=False
    ).encode()


def list_page(title: str, articles: Sequence[DemoArticle]) -> bytes:
    return _shell(title, f'<ul class="list">{"".join(_row(a) for a in articles)}</ul>')


def js_only_page(title: str, articles: Sequence[DemoArticle]) -> bytes:
    rows = json.dumps([[a.path, a.title, f"{a.published:%Y-%m-%d}"] for a in articles], ensure_ascii=False)
    script = (
        f"<script>var rows = {rows}; var list = document.getElementById('list');"
        " rows.forEach(function (r) { var li = document.createElement('li');"
        " li.innerHTML = '<a href=\"' + r[0] + '\">' + r[1] + '</a><span>' + r[2] + '</span>';"
        " list.appendChild(li); });</script>"
    )
    return _shell(title, f'<ul class="list" id="list"></ul>{script}')


CHALLENGE = (
    b"<html><head><title></title></head><body><script>"
    b'document.cookie="__jsl_clearance=1712345678.9|0|abc; path=/"; location.href = location.pathname;'
    b"</script></body></html>"
)
STUB = "<html><head><title>政策解读</title></head><body><p>详见附件。</p></body></html>".encode()


# --- the server ---------------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: PortalSite) -> None:
        super().__init__(address, _Handler)
        self.site = site


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        """The site keeps its own request log (``PortalSite.requests``)."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self._answer(parts.path, dict(parse_qsl(parts.query)))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode("utf-8")))
        self._answer(urlsplit(self.path).path, form, post=True)

    def _answer(self, path: str, fields: dict[str, str], *, post: bool = False) -> None:
        site = cast(_Server, self.server).site
        site.log(("POST " if post else "") + self.path, self.headers.get("Cookie"))
        status, body, headers = site.answer(path, fields, self.headers.get("Cookie"), post=post)
        self.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class PortalSite:
    """The third template on 127.0.0.1, and a blackholed port beside it; use it as a context manager."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, blackhole_port: int = 0) -> None:
        self._address = (host, port)
        self._blackhole_address = (host, blackhole_port)
        self.articles = portal_articles()
        self._lock = threading.Lock()
        self._requests: list[tuple[str, str | None]] = []
        self._server: _Server | None = None
        self._blackhole: socket.socket | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "the portal is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def blackhole_url(self) -> str:
        """A column on a host that accepts connections and never answers."""
        assert self._blackhole is not None, "the portal is not running"
        host, port = self._blackhole.getsockname()[:2]
        return f"http://{host}:{port}{BLACKHOLE_PATH}"

    def url(self, key: str) -> str:
        """The column page of the column ``key`` (see :data:`COLUMNS`)."""
        return self.base_url + next(c.path for c in COLUMNS if c.key == key)

    def requests(self) -> list[tuple[str, str | None]]:
        """Every request so far: its path and query (after "POST " for a POST), and the Cookie header it carried."""
        with self._lock:
            return list(self._requests)

    def log(self, path: str, cookie: str | None) -> None:
        with self._lock:
            self._requests.append((path, cookie))

    def answer(
        self, path: str, query: dict[str, str], cookie: str | None, *, post: bool = False
    ) -> tuple[int, bytes, dict[str, str]]:
        """Status, body and headers for a GET of ``path`` (``query`` its parameters), or a POST (``query`` its form)."""
        if post:
            searched = search_answer(self.base_url, self.articles["dataproxy"], query) if path == SEARCH_PATH else None
            if searched is None:
                return 404, render_not_found(), {}
            return 200, searched, {"Content-Type": "application/json; charset=utf-8"}
        if path == "/robots.txt":
            return 200, render_robots(), {"Content-Type": "text/plain; charset=utf-8"}
        columns = {c.key: c for c in COLUMNS}
        behind_waf = path.startswith("/col/col103/") or (path.startswith("/art/") and "/art_103_" in path)
        if behind_waf and f"{WAF_COOKIE}=1" not in (cookie or ""):
            return 302, b"", {"Location": path, "Set-Cookie": f"{WAF_COOKIE}=1; Path=/"}
        found: bytes | None = None
        if path == columns["dataproxy"].path:
            found = dataproxy_page()
        elif path == "/module/web/jpage/dataproxy.jsp":
            found = dataproxy_answer(self.articles["dataproxy"], query)
            if found is not None:
                return 200, found, {"Content-Type": "text/xml; charset=utf-8"}
        elif path == columns["gkmlpt"].path:
            found = gkmlpt_page()
        elif path == "/gkmlpt/api/all/5":
            found = gkmlpt_answer(self.base_url, self.articles["gkmlpt"], query)
            if found is not None:
                return 200, found, {"Content-Type": "application/json; charset=utf-8"}
        elif path == columns["waf"].path:
            found = list_page(columns["waf"].name, self.articles["waf"])
        elif path == columns["challenge"].path:
            return 412, CHALLENGE, {}
        elif path == columns["js_only"].path:
            found = js_only_page(columns["js_only"].name, self.articles["js_only"])
        elif path == columns["stub"].path:
            found = list_page(columns["stub"].name, self.articles["stub"])
        elif path == self.articles["stub"][0].path:
            found = STUB
        else:
            article = next((a for arts in self.articles.values() for a in arts if a.path == path), None)
            found = render_article(article) if article is not None else None
        return (200, found, {}) if found is not None else (404, render_not_found(), {})

    def start(self) -> str:
        if self._server is None:
            self._server = _Server(self._address, self)
            threading.Thread(target=self._server.serve_forever, name="demo-portal", daemon=True).start()
            # listening with a backlog but never accepting: connections open, and nothing ever answers
            self._blackhole = socket.create_server(self._blackhole_address, backlog=64)
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._blackhole is not None:
            self._blackhole.close()
            self._blackhole = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
