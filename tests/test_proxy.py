"""Fetching through a proxy: an HTTP forward proxy and a SOCKS5 proxy the tests start on loopback, with the
address and host rules still applied to every URL and redirect hop before anything reaches the proxy."""

from __future__ import annotations

import base64
import http.client
import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import pytest

from ingest.demo_site import DemoSite, Fault
from ingest.demo_site.portal import PortalSite
from ingest.errors import ConfigError
from ingest.failures import FailureKind
from ingest.fetch import Fetcher
from ingest.load.store import Warehouse
from ingest.sources import load_sources
from tests.conftest import demo_source_for, load_once
from tests.test_portal import loaded_urls, source_for

CREDENTIALS = ("proxyuser", "s3cret")
_S = TypeVar("_S", bound=socketserver.TCPServer)


class _ForwardProxy(BaseHTTPRequestHandler):
    """An HTTP forward proxy: absolute-form GETs, relayed to the origin; it logs what it was asked."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads ``seen``."""

    def do_GET(self) -> None:
        server = self.server
        assert isinstance(server, _ProxyServer)
        server.seen.append((self.path, self.headers.get("Proxy-Authorization")))
        target = urlsplit(self.path)
        connection = http.client.HTTPConnection(target.hostname or "", target.port or 80, timeout=5)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-authorization", "connection")}
        connection.request("GET", target.path + (f"?{target.query}" if target.query else ""), headers=headers)
        answer = connection.getresponse()
        body = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        connection.close()


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    seen: list[tuple[str, str | None]]


class _Socks5(socketserver.BaseRequestHandler):
    """A SOCKS5 proxy (RFC 1928) with user/password authentication (RFC 1929), CONNECT only."""

    def handle(self) -> None:
        client: socket.socket = self.request
        server = self.server
        assert isinstance(server, _SocksServer)
        _, count = client.recv(2)
        client.recv(count)
        client.sendall(b"\x05\x02")  # user/password
        _, ulen = client.recv(2)
        user = client.recv(ulen).decode()
        (plen,) = client.recv(1)
        password = client.recv(plen).decode()
        client.sendall(b"\x01\x00" if (user, password) == CREDENTIALS else b"\x01\x01")
        if (user, password) != CREDENTIALS:
            return
        _, _, _, kind = client.recv(4)
        if kind == 3:
            (length,) = client.recv(1)
            host = client.recv(length).decode()
        else:
            host = socket.inet_ntoa(client.recv(4))
        (port,) = struct.unpack("!H", client.recv(2))
        server.seen.append(f"{host}:{port}")
        upstream = socket.create_connection((host, port), timeout=5)
        client.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("0.0.0.0") + b"\x00\x00")
        threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
        _pipe(client, upstream)


class _SocksServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    seen: list[str]


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        target.close()


@contextmanager
def serving(server: _S) -> Iterator[_S]:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def http_proxy() -> Iterator[_ProxyServer]:
    with serving(_ProxyServer(("127.0.0.1", 0), _ForwardProxy)) as server:
        server.seen = []
        yield server


@pytest.fixture
def socks_proxy() -> Iterator[_SocksServer]:
    with serving(_SocksServer(("127.0.0.1", 0), _Socks5)) as server:
        server.seen = []
        yield server


def proxy_url(server: socketserver.TCPServer, scheme: str) -> str:
    host, port = server.server_address[:2]
    return f"{scheme}://{host!s}:{port}"


def test_a_column_is_ingested_through_an_http_proxy_with_credentials_from_the_environment(
    http_proxy: _ProxyServer, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_PROXY", ":".join(CREDENTIALS))
    with PortalSite() as portal:
        source = source_for(
            portal, portal.url("gkmlpt"), proxy=proxy_url(http_proxy, "http"), proxy_credentials_env="PORTAL_PROXY"
        )
        outcome = load_once(warehouse, source)
        assert outcome.summary.failures == []
        assert loaded_urls(warehouse) == {portal.base_url + a.path for a in portal.articles["gkmlpt"]}
        # every request went through the proxy, with its credentials; the site saw only what the proxy relayed
        assert [path for path, _ in portal.requests()] == [
            urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
            for url, _ in http_proxy.seen
        ]
    basic = "Basic " + base64.b64encode(":".join(CREDENTIALS).encode()).decode()
    assert {auth for _, auth in http_proxy.seen} == {basic}
    assert len(http_proxy.seen) == 1 + 1 + 2 + 2  # robots.txt, the column page, two API pages, two articles


def test_a_column_is_ingested_through_a_socks5_proxy_with_credentials_from_a_file(
    socks_proxy: _SocksServer, warehouse: Warehouse, tmp_path: Path
) -> None:
    secret = tmp_path / "proxy-credentials"
    secret.write_text(":".join(CREDENTIALS) + "\n", encoding="utf-8")
    with PortalSite() as portal:
        source = source_for(
            portal, portal.url("waf"), proxy=proxy_url(socks_proxy, "socks5"), proxy_credentials_file=str(secret)
        )
        outcome = load_once(warehouse, source)
        assert outcome.summary.failures == []
        assert loaded_urls(warehouse) == {portal.base_url + a.path for a in portal.articles["waf"]}
        assert set(socks_proxy.seen) == {portal.base_url.removeprefix("http://")}


def test_a_redirect_to_a_disallowed_host_is_refused_before_it_reaches_the_proxy(
    http_proxy: _ProxyServer, demo_site: DemoSite, tmp_path: Path
) -> None:
    demo_site.faults.add(Fault("redirect", path="/away.html", location="http://127.0.0.2:9/report.html"))
    source = demo_source_for(demo_site, proxy=proxy_url(http_proxy, "http"))
    with Fetcher(source) as fetcher:
        result = fetcher.fetch(demo_site.url("/away.html"))
    assert result.kind is FailureKind.redirect_refused
    assert result.error is not None and "127.0.0.2:9 is not on allowed_hosts" in result.error
    assert [urlsplit(url).path for url, _ in http_proxy.seen] == ["/robots.txt", "/away.html"]


def test_a_private_target_stays_refused_through_a_proxy_unless_allowed(
    http_proxy: _ProxyServer, demo_site: DemoSite
) -> None:
    source = demo_source_for(demo_site, proxy=proxy_url(http_proxy, "http"), allow_private=False)
    with Fetcher(source) as fetcher:
        result = fetcher.fetch(demo_site.list_urls[0])
    assert result.kind is FailureKind.refused and "non-public address 127.0.0.1" in (result.error or "")
    assert http_proxy.seen == []


def test_proxy_credentials_are_never_read_from_the_sources_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[sources]]\nname = "a"\nregion = "甲"\nstart_urls = ["http://example.gov.cn/"]\n'
        'proxy = "http://user:pass@127.0.0.1:3128"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="carries credentials; give them through proxy_credentials_env"):
        load_sources(path)


def test_missing_proxy_credentials_are_a_one_line_error(demo_site: DemoSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_PROXY_VARIABLE", raising=False)
    source = demo_source_for(demo_site, proxy="socks5://127.0.0.1:1080", proxy_credentials_env="NO_SUCH_PROXY_VARIABLE")
    with pytest.raises(ConfigError, match="environment variable NO_SUCH_PROXY_VARIABLE does not hold"):
        Fetcher(source)


def test_ingest_run_says_in_one_line_that_proxy_credentials_are_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_cli import invoke

    monkeypatch.delenv("NO_SUCH_PROXY_VARIABLE", raising=False)
    path = tmp_path / "sources.toml"
    path.write_text(  # a region of the national list: an unknown one would be the file's first error
        '[[sources]]\nname = "a"\nregion = "宜春市"\nstart_urls = ["http://example.gov.cn/"]\n'
        'proxy = "socks5://127.0.0.1:1080"\nproxy_credentials_env = "NO_SUCH_PROXY_VARIABLE"\n',
        encoding="utf-8",
    )
    code, out, err = invoke("run", "--sources", str(path), "--db", str(tmp_path / "w.duckdb"))
    assert code == 1
    assert (
        err.strip()
        == "error: source a: environment variable NO_SUCH_PROXY_VARIABLE does not hold the proxy's user:password"
    )
    assert "Traceback" not in out + err
