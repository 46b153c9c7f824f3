"""Fetch pages of one source politely, safely and without ever raising for a network problem.

A :class:`Fetcher` (one per source per run) sends GET requests with httpx and returns a :class:`FetchResult` for
every URL, successful or not:

* politeness: requests to a host are spaced by the source's ``rate_limit`` or the robots.txt Crawl-delay,
  whichever is slower, across all threads; robots.txt is read once per host (its first 500 KiB, RFC 9309) and
  its Disallow rules obeyed; a robots.txt answered by a 5xx, or a 429 that persists, keeps the site out of the run;
* faults: timeouts, connection errors, truncated bodies, 429 and 5xx are retried up to ``max_retries`` times
  with exponential backoff and full jitter (429/503 wait for Retry-After, capped); other 4xx are not retried;
  a body larger than ``max_bytes`` (decoded: each Content-Encoding layer is bounded, two at most) is abandoned;
  each attempt has one deadline of ``timeout`` seconds over connect, headers and body, and a head of 64 KB at most;
* safety: only http(s) URLs on the source's allowed hosts; redirects are followed by hand (at most five), each
  hop checked like the first, so a redirect off the allowed hosts or to a private address is refused; a source's
  ``proxy`` gets only requests that passed these checks;
* WAFs: the client's cookie jar lasts the run, and a redirect to the same URL (a WAF setting its cookie) is
  followed once; a 412 or a page that is only a cookie-setting script is a ``waf_challenge`` (:mod:`.waf`);
* conditional requests: validators from an earlier fetch become If-None-Match/If-Modified-Since; a 304 comes
  back as a result with status 304 and no body;
* archive: every response that has a status is written to the :class:`WarcArchive`, with its request;
* a run's cap: given ``connections`` (a semaphore shared by every fetcher of a run), each request holds one of its
  slots from connect to the end of its body, and no connection outlives its request, so the run never has more
  connections open than the semaphore has slots, however many sources it crawls at once.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Self
from urllib.parse import urljoin, urlsplit

import httpx

from ingest.failures import Failure, FailureKind, status_kind
from ingest.fetch.archive import Truncation, WarcArchive, WarcRef
from ingest.fetch.deadline import HeadTooLargeError, deadline_transport, request_budget
from ingest.fetch.decoding import DecodingError, TooLargeError, TooManyLayersError, content_codings, decode
from ingest.fetch.politeness import RateLimiter, RobotsPolicy, parse_retry_after
from ingest.fetch.safety import refusal, without_userinfo
from ingest.fetch.waf import challenge
from ingest.sources import Source

__all__ = ["MAX_REDIRECTS", "RETRY_AFTER_CAP", "FetchResult", "Fetcher", "Validators"]

MAX_REDIRECTS = 5
RETRY_AFTER_CAP = 60.0  # seconds: a longer Retry-After is waited for this long, then the request is retried
MAX_BACKOFF = 30.0  # seconds: ceiling of one exponential backoff delay
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: the first 500 KiB of a larger robots.txt are read

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Validators:
    """What an earlier response said about its version, for a conditional request."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of fetching one URL; ``headers`` have lowercase names.

    ``error`` is None for a 2xx (``ok``) and for a 304 (``not_modified``); otherwise it says in one line what went
    wrong (``"HTTP 404"``, ``"timed out after 30 s (gave up after 5 attempts)"``, ``"disallowed by robots.txt"``…),
    ``kind`` classifies it and ``body`` is None. ``warc`` points to the archived final response, when there was one.
    """

    url: str
    final_url: str
    status: int | None
    headers: dict[str, str]
    body: bytes | None
    fetched_at: datetime
    attempts: int
    error: str | None
    warc: WarcRef | None = None
    kind: FailureKind | None = None  # set whenever error is

    @property
    def failure(self) -> Failure | None:
        if self.error is None:
            return None
        return Failure(self.url, self.kind or FailureKind.http_error, self.error)

    @property
    def ok(self) -> bool:
        """A 2xx response and its body."""
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        """The server confirmed the version named by the validators sent (304)."""
        return self.error is None and self.status == 304


@dataclass(slots=True)
class _Attempt:
    """One request/response exchange, before retry and redirect decisions."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    error: str | None = None
    kind: FailureKind | None = None  # set whenever error is
    retryable: bool = False
    retry_after: float | None = None
    warc: WarcRef | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))


class Fetcher:
    """Fetches URLs for one source; use as a context manager (it owns an HTTP connection pool).

    ``backoff_base`` is the first retry's maximum delay in seconds (doubling with each retry); ``transport`` is
    passed to httpx, for tests or for a custom network stack; ``connections`` is the run's cap on open connections.
    """

    def __init__(
        self,
        source: Source,
        archive: WarcArchive | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        backoff_base: float = 0.5,
        connections: threading.Semaphore | None = None,
    ) -> None:
        self.source = source
        self._archive = archive
        self._backoff_base = backoff_base
        self._connections: AbstractContextManager[object] = connections or nullcontext()
        self._limiter = RateLimiter(source.rate_limit)
        self._robots: dict[str, RobotsPolicy] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._robots_guard = threading.Lock()
        # Under a run's cap an idle connection kept alive would hold a socket no slot accounts for: hundreds of
        # sources would keep hundreds open. A new connection per request costs a handshake, small beside a host's
        # politeness interval.
        keepalive = 4 if connections is None else 0
        limits = httpx.Limits(max_connections=source.max_concurrency, max_keepalive_connections=keepalive)
        self._client = httpx.Client(
            transport=transport or deadline_transport(limits, _proxy(source)),
            follow_redirects=False,
            trust_env=False,  # an environment proxy would bypass the address checks
            headers={
                "User-Agent": source.user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
                "Accept-Language": "zh-CN,zh;q=0.9",
                "Accept-Encoding": "gzip, deflate",  # the codings decode() bounds
            },
            limits=limits,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # --- public API -------------------------------------------------------------------------------------------

    def fetch(self, url: str, validators: Validators | None = None, *, form: bytes | None = None) -> FetchResult:
        """Fetch ``url`` (following allowed redirects); never raises for network or server problems.

        With ``form`` (an urlencoded body), the first request is a POST of it (a search endpoint); a redirect from
        it is followed with a GET, as browsers do.
        """
        started = datetime.now(UTC)
        attempts = 0
        current = url
        last: _Attempt | None = None
        looped = False
        for hop in range(MAX_REDIRECTS + 1):
            unsafe = refusal(current, self.source)
            disallowed, robots_kind = self._robots_refusal(current) if unsafe is None else (None, None)
            if unsafe is not None or disallowed is not None:
                kind = robots_kind or FailureKind.refused
                if current != without_userinfo(current):
                    kind = FailureKind.userinfo
                current = without_userinfo(current)  # neither the failure nor final_url keeps a secret
                if hop > 0:
                    error = f"redirect to {current} refused: {unsafe or disallowed}"
                    kind = FailureKind.redirect_refused if unsafe is not None and kind is FailureKind.refused else kind
                else:
                    error = f"refused: {unsafe}" if unsafe is not None else str(disallowed)
                return self._result(url, current, last, attempts, error=error, kind=kind, started=started)
            last, used = self._exchange(url, current, validators, max_body=self.source.max_bytes, cut=False, form=form)
            form = None
            attempts += used
            location = last.headers.get("location")
            if last.error is not None or last.status not in _REDIRECT_STATUSES or not location:
                return self._result(url, current, last, attempts, error=last.error, kind=last.kind, started=started)
            target = urljoin(current, location.strip())
            if target == current:
                # An edge WAF's first answer: a redirect to the same URL that sets a cookie, followed once with it.
                if looped:
                    error, kind = _redirect_loop(last)
                    return self._result(url, current, last, attempts, error=error, kind=kind, started=started)
                looped = True
            current = target
        error = f"more than {MAX_REDIRECTS} redirects"
        return self._result(
            url, current, last, attempts, error=error, kind=FailureKind.redirect_refused, started=started
        )

    def fetch_many(self, requests: Iterable[tuple[str, Validators | None]]) -> Iterator[FetchResult]:
        """Fetch many URLs, ``source.max_concurrency`` at a time, yielding results as they complete.

        Requests are taken from ``requests`` only as workers free up, so neither the requests nor the bodies are
        all held at once. Closing the iterator early cancels the requests not yet started.
        """
        workers = self.source.max_concurrency
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"fetch-{self.source.name}") as pool:
            running: set[Future[FetchResult]] = set()
            try:
                for url, validators in requests:
                    running.add(pool.submit(self.fetch, url, validators))
                    if len(running) >= workers:
                        done, running = wait(running, return_when=FIRST_COMPLETED)
                        yield from (future.result() for future in done)
                while running:
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    yield from (future.result() for future in done)
            finally:
                for future in running:
                    future.cancel()

    # --- one URL ----------------------------------------------------------------------------------------------

    def _result(
        self,
        url: str,
        final_url: str,
        last: _Attempt | None,
        attempts: int,
        *,
        error: str | None,
        kind: FailureKind | None,
        started: datetime,
    ) -> FetchResult:
        if last is None:
            return FetchResult(url, final_url, None, {}, None, started, attempts, error, None, kind)
        waf = challenge(last.status, last.body) if error is None else None
        if waf is not None:
            error, kind = waf, FailureKind.waf_challenge
        elif error is None and last.status is not None and not (200 <= last.status < 300 or last.status == 304):
            error, kind = f"HTTP {last.status}", status_kind(last.status)
        if error is not None and attempts > 1 and last.retryable:
            error = f"{error} (gave up after {attempts} attempts)"
        body = last.body if error is None and last.status != 304 else None
        return FetchResult(
            url, final_url, last.status, last.headers, body, last.fetched_at, attempts, error, last.warc, kind
        )

    def _exchange(
        self,
        url: str,
        target: str,
        validators: Validators | None,
        *,
        max_body: int,
        cut: bool,
        form: bytes | None = None,
    ) -> tuple[_Attempt, int]:
        """Request ``target`` until it succeeds, fails for good, or the retries run out."""
        host = urlsplit(target).hostname or ""
        for attempt_number in range(1, self.source.max_retries + 2):
            self._limiter.wait(host)
            with self._connections:
                attempt = self._attempt(url, target, validators, max_body=max_body, cut=cut, form=form)
            if not attempt.retryable or attempt_number == self.source.max_retries + 1:
                return attempt, attempt_number
            time.sleep(self._retry_delay(attempt_number, attempt.retry_after))
        raise AssertionError("unreachable: the loop returns on its last attempt")

    def _retry_delay(self, attempt_number: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), RETRY_AFTER_CAP)
        ceiling = min(MAX_BACKOFF, self._backoff_base * 2 ** (attempt_number - 1))
        return random.uniform(0.0, ceiling)  # full jitter: spreads out clients that failed together

    def _attempt(
        self, url: str, target: str, validators: Validators | None, *, max_body: int, cut: bool, form: bytes | None
    ) -> _Attempt:
        """One request; a body over ``max_body`` is an error, or with ``cut`` is cut to its first ``max_body`` bytes."""
        request_headers = dict(self._client.headers)
        if validators is not None and validators.etag:
            request_headers["If-None-Match"] = validators.etag
        if validators is not None and validators.last_modified:
            request_headers["If-Modified-Since"] = validators.last_modified
        if form is not None:
            request_headers["Content-Type"] = "application/x-www-form-urlencoded"
        timeout = self.source.timeout
        deadline = time.monotonic() + timeout
        attempt = _Attempt()
        truncated: Truncation | None = None
        received = bytearray()
        try:
            with (
                request_budget(timeout) as budget,
                self._client.stream(
                    "GET" if form is None else "POST",
                    target,
                    headers=request_headers,
                    content=form,
                    timeout=httpx.Timeout(timeout),
                ) as response,
            ):
                budget.head_received()
                attempt.status = response.status_code
                attempt.headers = {name.lower(): value for name, value in response.headers.items()}
                truncated = _read_body(
                    response, attempt, received, max_body=max_body, cut=cut, timeout=timeout, deadline=deadline
                )
        except HeadTooLargeError as exc:  # a server that does so once does so again: not retried
            attempt.error, attempt.kind = str(exc), FailureKind.too_large
        except httpx.TimeoutException:
            attempt.error, attempt.retryable = f"timed out after {timeout:g} s", True
            attempt.kind, truncated = FailureKind.timeout, "time"
        except httpx.TransportError as exc:
            attempt.retryable, attempt.kind = True, FailureKind.refused
            if attempt.status is None:
                attempt.error, attempt.kind = f"connection failed: {_describe(exc)}", _connection_kind(exc)
            else:
                declared = _content_length(attempt.headers)
                got = len(received)
                attempt.error = (
                    f"truncated body (got {got} of {declared} bytes)"
                    if declared is not None
                    else f"connection dropped after {got} bytes of the body"
                )
                truncated = "disconnect"
        except httpx.HTTPError as exc:  # an invalid URL or similar: retrying cannot help
            attempt.error, attempt.kind = f"request failed: {_describe(exc)}", FailureKind.http_error
        if attempt.status is not None:
            if attempt.error is None:
                attempt.body = bytes(received)
                if attempt.status == 429 or attempt.status >= 500:
                    attempt.retryable = True
                    attempt.retry_after = parse_retry_after(attempt.headers.get("retry-after"))
            if self._archive is not None:
                attempt.warc = self._archive.write(
                    url=url,
                    final_url=target,
                    status=attempt.status,
                    headers=attempt.headers,
                    body=bytes(received),
                    fetched_at=attempt.fetched_at,
                    request_headers=request_headers,
                    request_body=form,
                    truncated=truncated,
                )
        return attempt

    # --- robots.txt -------------------------------------------------------------------------------------------

    def _robots_refusal(self, url: str) -> tuple[str | None, FailureKind | None]:
        """Why robots.txt keeps ``url`` out, and as what kind of failure (a host that never answered: its own)."""
        policy = self._robots_policy(url)
        if policy.allows(url, self.source.user_agent):
            return None, None
        return policy.reason or "disallowed by robots.txt", policy.kind

    def _robots_policy(self, url: str) -> RobotsPolicy:
        """The robots.txt rules of ``url``'s origin, fetched on first use; other threads wait for that fetch."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        with self._robots_guard:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:
            policy = self._robots.get(origin)
            if policy is None:
                policy = self._fetch_robots(origin)
                if policy.reason is not None:
                    logger.warning("%s: %s", origin, policy.reason)
                delay = policy.crawl_delay(self.source.user_agent)
                if delay is not None:
                    self._limiter.slow_down(parts.hostname or "", delay)
                self._robots[origin] = policy
        return policy

    def _fetch_robots(self, origin: str) -> RobotsPolicy:
        current = f"{origin}/robots.txt"
        for _ in range(MAX_REDIRECTS + 1):
            if refusal(current, self.source) is not None:
                # a robots.txt redirected off the site gives no rules for it (RFC 9309: treat as unavailable 4xx)
                return RobotsPolicy.from_response(404, "")
            attempt, _ = self._exchange(current, current, None, max_body=_ROBOTS_MAX_BYTES, cut=True)
            location = attempt.headers.get("location")
            if attempt.status in _REDIRECT_STATUSES and location:
                current = urljoin(current, location.strip())
                continue
            if attempt.status is None and attempt.error is not None:
                return RobotsPolicy.unreachable(attempt.error, attempt.kind or FailureKind.refused)
            if attempt.status is not None and attempt.error is not None and attempt.status < 400:
                return RobotsPolicy.from_response(404, "")  # cut short or undecodable: read as no rules
            text = (attempt.body or b"").decode("utf-8", errors="replace")
            return RobotsPolicy.from_response(attempt.status, text)
        return RobotsPolicy.from_response(404, "")


def _read_body(
    response: httpx.Response,
    attempt: _Attempt,
    received: bytearray,
    *,
    max_body: int,
    cut: bool,
    timeout: float,
    deadline: float,
) -> Truncation | None:
    """Read the decoded body into ``received`` within the size cap (or cut it there) and the deadline; on failure
    set ``attempt.error`` and say how the body is incomplete. (A body cut short of its Content-Length raises in
    httpx.)"""
    declared = _content_length(attempt.headers)
    if declared is not None and declared > max_body and not cut:
        attempt.error, attempt.kind = f"response larger than {_size(max_body)}", FailureKind.too_large
        return "length"
    if response.status_code in _REDIRECT_STATUSES or response.status_code == 304:
        return None
    codings = content_codings(attempt.headers.get("content-encoding"))
    try:
        for chunk in decode(response.iter_raw(), codings, limit=max_body):
            received += chunk
            if len(received) > max_body:
                raise TooLargeError
            if time.monotonic() > deadline:
                attempt.error, attempt.retryable = f"timed out after {timeout:g} s", True
                attempt.kind = FailureKind.timeout
                return "time"
    except TooLargeError:
        if cut:
            del received[max_body:]
        else:
            attempt.error, attempt.kind = f"response larger than {_size(max_body)}", FailureKind.too_large
        return "length"
    except DecodingError as exc:
        attempt.error, attempt.kind = str(exc), _decoding_kind(exc)
        return "unspecified"
    return None


def _proxy(source: Source) -> httpx.Proxy | None:
    """The source's proxy with its credentials, read now so that they live only in this process's memory."""
    if source.proxy is None:
        return None
    return httpx.Proxy(source.proxy, auth=source.proxy_credentials())


def _redirect_loop(last: _Attempt) -> tuple[str, FailureKind]:
    """A second redirect to the same URL: a WAF whose cookie did not satisfy it, or a plain loop."""
    if "set-cookie" in last.headers:
        return "redirects to itself again although its cookie was sent", FailureKind.waf_challenge
    return "redirects to itself", FailureKind.redirect_refused


def _content_length(headers: dict[str, str]) -> int | None:
    value = headers.get("content-length", "").split(",")[0].strip()
    return int(value) if value.isdigit() else None


def _size(n: int) -> str:
    mib = 1024 * 1024
    if n % mib == 0:
        return f"{n // mib} MB"
    if n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{n} bytes"


# What the resolver and the TLS layer say, in glibc's, macOS's and OpenSSL's words (httpx passes them on as text).
_DNS_WORDS = ("name or service not known", "nodename nor servname", "name resolution", "no address associated")
_TLS_WORDS = ("ssl", "certificate", "tls")


def _decoding_kind(exc: DecodingError) -> FailureKind:
    return FailureKind.too_large if isinstance(exc, TooManyLayersError) else FailureKind.http_error


def _connection_kind(exc: Exception) -> FailureKind:
    text = str(exc).lower()
    if any(word in text for word in _DNS_WORDS):
        return FailureKind.dns
    if any(word in text for word in _TLS_WORDS):
        return FailureKind.tls
    return FailureKind.refused


def _describe(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
