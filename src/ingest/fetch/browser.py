"""Render pages in headless Chromium for sources whose lists (or pages) are built by script (``render``).

The system's Chromium (Debian's ``chromium``; nothing is downloaded) is driven over the Chrome DevTools Protocol.
Every request the page makes is intercepted (``Fetch.requestPaused``) and answered through the source's
:class:`Fetcher`: so the browser obeys the same rules as every other request — allowed hosts and addresses on
every hop, robots.txt, the rate limit, the proxy, the cookie jar — and every raw response is archived as usual.
Images, fonts, style sheets, media and the favicon are not requested at all: a list does not need them. Once the
page has loaded and its requests have settled, the rendered document is archived too (a response record with header
``x-rendered-by: chromium``) and returned as the page's :class:`FetchResult`.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

from ingest.errors import ConfigError
from ingest.failures import FailureKind
from ingest.fetch.archive import WarcArchive
from ingest.fetch.client import Fetcher, FetchResult

__all__ = ["BROWSER_NAMES", "Renderer", "find_browser"]

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_SKIPPED_RESOURCES = frozenset({"Image", "Media", "Font", "Stylesheet", "TextTrack", "Manifest", "Ping"})
_SETTLE = 0.5  # seconds without a request after the load event: the page's scripts are done
_START_TIMEOUT = 30.0  # seconds for Chromium to start and open its DevTools port
# Headers that describe the wire form of the body, which the browser receives already decoded.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection"})


def find_browser() -> str:
    """The path of the system's Chromium; a ConfigError says how to install it when there is none."""
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path is not None:
            return path
    raise ConfigError(
        "render needs Chromium and none is installed; install it with `apt-get install chromium fonts-noto-cjk` "
        "(make setup does)"
    )


class Renderer:
    """One headless Chromium for one source's run; use as a context manager. Not thread-safe: one page at a time."""

    def __init__(self, fetcher: Fetcher, archive: WarcArchive | None) -> None:
        self._fetcher = fetcher
        self._archive = archive
        self._profile = tempfile.TemporaryDirectory(prefix="ingest-chromium-")
        self._ids = itertools.count(1)
        self._loaded = False  # the load event of the page being rendered has fired
        arguments = [
            find_browser(),
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--remote-debugging-port=0",
            f"--user-data-dir={self._profile.name}",
            "about:blank",
        ]
        if os.geteuid() == 0:  # Chromium refuses to run as root inside its sandbox (containers, CI)
            arguments.insert(1, "--no-sandbox")
        # its own process group: the helpers it starts (renderers, the crash handler) are stopped with it
        self._process = subprocess.Popen(
            arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            self._socket = connect(self._devtools_url(), max_size=64 * 1024 * 1024, open_timeout=_START_TIMEOUT)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        socket = getattr(self, "_socket", None)
        if socket is not None:
            socket.close()
        self._signal_group(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=10)
        # a helper that outlived the browser still writes to the profile, and removing it failed ("Directory not
        # empty: 'Default'")
        self._signal_group(signal.SIGKILL)
        self._process.wait()
        self._profile.cleanup()

    def _signal_group(self, signal_number: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal_number)

    def render(self, url: str) -> FetchResult:
        """``url`` as the browser shows it once its scripts have run; the document's own failure if it has one."""
        started = datetime.now(UTC)
        deadline = time.monotonic() + self._fetcher.source.timeout * 4
        document: list[FetchResult] = []
        self._loaded = False
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            self._call("Fetch.enable", {"patterns": [{"urlPattern": "*", "requestStage": "Request"}]}, session)
            self._call("Page.enable", {}, session)
            self._call("Page.navigate", {"url": url}, session, document=document, deadline=deadline)
            if document and not document[0].ok:  # the fetcher's own failure: refused, blocked, a challenge …
                return document[0]
            self._settle(session, document, deadline)
            if not document:
                return _failed(url, started, "the browser requested no document")
            html = self._call(
                "Runtime.evaluate",
                {"expression": "document.documentElement.outerHTML", "returnByValue": True},
                session,
                document=document,
                deadline=deadline,
            )["result"]["value"]
        except TimeoutError as exc:
            return _failed(url, started, f"rendering timed out: {exc}", FailureKind.timeout)
        except (WebSocketException, KeyError) as exc:
            return _failed(url, started, f"rendering failed: {type(exc).__name__}: {exc}")
        finally:
            self._call("Target.closeTarget", {"targetId": target})
        return self._rendered(document[0], str(html))

    # --- the protocol -------------------------------------------------------------------------------------------

    def _devtools_url(self) -> str:
        """The browser's DevTools WebSocket, from the DevToolsActivePort file Chromium writes once it listens."""
        port_file = Path(self._profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ConfigError(f"Chromium exited at start with status {self._process.returncode}")
            lines = port_file.read_text().split() if port_file.exists() else []
            if len(lines) >= 2:
                return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
            time.sleep(0.05)
        raise ConfigError(f"Chromium did not open its DevTools port within {_START_TIMEOUT:g} s")

    def _call(
        self,
        method: str,
        params: dict[str, Any],
        session: str | None = None,
        *,
        document: list[FetchResult] | None = None,
        deadline: float | None = None,
    ) -> dict[str, Any]:
        """Send one command and wait for its answer, answering the page's requests that arrive meanwhile."""
        number = next(self._ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        self._socket.send(json.dumps(message))
        while True:
            incoming = self._receive(deadline)
            if incoming.get("id") == number:
                if "error" in incoming:
                    raise KeyError(f"{method}: {incoming['error'].get('message')}")
                result: dict[str, Any] = incoming.get("result", {})
                return result
            if document is not None and session is not None:
                self._event(incoming, session, document)

    def _receive(self, deadline: float | None) -> dict[str, Any]:
        # without a page's deadline, a command gets as long as Chromium's start: it never waits for ever
        left = (deadline or time.monotonic() + _START_TIMEOUT) - time.monotonic()
        if left <= 0:
            raise TimeoutError("the page did not finish loading in time")
        incoming: dict[str, Any] = json.loads(self._socket.recv(timeout=left))
        return incoming

    def _settle(self, session: str, document: list[FetchResult], deadline: float) -> None:
        """Answer the page's requests until it has loaded and made none for a moment."""
        quiet_since = time.monotonic()
        while not (self._loaded and time.monotonic() - quiet_since >= _SETTLE):
            try:
                incoming = self._receive(min(deadline, time.monotonic() + _SETTLE))
            except TimeoutError:
                if time.monotonic() >= deadline:
                    raise
                continue
            if self._event(incoming, session, document):
                quiet_since = time.monotonic()

    def _event(self, incoming: dict[str, Any], session: str, document: list[FetchResult]) -> bool:
        """Note the page's load event; answer a paused request through the fetcher (True when it was one)."""
        if incoming.get("sessionId") != session:
            return False
        if incoming.get("method") == "Page.loadEventFired":
            self._loaded = True
        if incoming.get("method") != "Fetch.requestPaused":
            return False
        paused = incoming["params"]
        request_id, request = paused["requestId"], paused["request"]
        skipped = paused.get("resourceType") in _SKIPPED_RESOURCES or request["url"].endswith("/favicon.ico")
        if skipped or request.get("method") != "GET":
            self._answer("Fetch.failRequest", {"requestId": request_id, "errorReason": "BlockedByClient"}, session)
            return True
        result = self._fetcher.fetch(request["url"])
        if not document and paused.get("resourceType") == "Document":
            document.append(result)
        if result.status is None or result.body is None:
            self._answer("Fetch.failRequest", {"requestId": request_id, "errorReason": "Failed"}, session)
            return True
        headers = [{"name": k, "value": v} for k, v in result.headers.items() if k not in _WIRE_HEADERS]
        answer = {
            "requestId": request_id,
            "responseCode": result.status,
            "responseHeaders": headers,
            "body": base64.b64encode(result.body).decode("ascii"),
        }
        self._answer("Fetch.fulfillRequest", answer, session)
        return True

    def _answer(self, method: str, params: dict[str, Any], session: str) -> None:
        """Answer a paused request without waiting for the acknowledgement: waiting here, inside another call's
        wait, would take that call's answer off the wire (the loops skip answers they do not wait for)."""
        self._socket.send(json.dumps({"id": next(self._ids), "method": method, "params": params, "sessionId": session}))

    def _rendered(self, document: FetchResult, html: str) -> FetchResult:
        body = html.encode("utf-8")
        headers = {"content-type": "text/html; charset=utf-8", "x-rendered-by": "chromium"}
        fetched_at = datetime.now(UTC)
        warc = None
        if self._archive is not None:
            warc = self._archive.write(
                url=document.url,
                final_url=document.final_url,
                status=200,
                headers=headers,
                body=body,
                fetched_at=fetched_at,
                request_headers={"User-Agent": self._fetcher.source.user_agent},
                truncated=None,
            )
        return FetchResult(
            document.url, document.final_url, 200, headers, body, fetched_at, document.attempts, None, warc
        )


def _failed(url: str, started: datetime, error: str, kind: FailureKind = FailureKind.http_error) -> FetchResult:
    return FetchResult(url, url, None, {}, None, started, 0, error, None, kind)
