"""One deadline over a whole request — connect, TLS, request, response head and body — and a cap on the head.

httpx's timeouts bound each network operation, so a server that sends a byte just often enough keeps a request
alive for ever, and httpcore accepts 100 KB of response head. Under :func:`request_budget`, every socket
operation of the calling thread's request gets only the time left before the deadline, and the response head
may take at most ``MAX_HEAD_BYTES``. The transport of :func:`deadline_transport` enforces both.
"""

from __future__ import annotations

import functools
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

__all__ = ["MAX_HEAD_BYTES", "HeadTooLargeError", "RequestBudget", "deadline_transport", "request_budget"]

MAX_HEAD_BYTES = 64 * 1024


class HeadTooLargeError(Exception):
    """The response's status line and headers went past ``MAX_HEAD_BYTES``."""


class RequestBudget:
    """What one request may still spend: the time to its deadline, and head bytes until the head is in."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.head_bytes: int | None = 0  # None once the response head has been received

    def head_received(self) -> None:
        self.head_bytes = None

    def time_left(self, timeout: float | None, expired: type[Exception]) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise expired("the request's deadline has passed")
        return left if timeout is None else min(timeout, left)


_local = threading.local()


@contextmanager
def request_budget(seconds: float) -> Iterator[RequestBudget]:
    """Bound the requests the calling thread makes in the block by one deadline ``seconds`` from now."""
    budget = RequestBudget(seconds)
    _local.budget = budget
    try:
        yield budget
    finally:
        _local.budget = None


def _budget() -> RequestBudget | None:
    budget: RequestBudget | None = getattr(_local, "budget", None)
    return budget


def _time_left(timeout: float | None, expired: type[Exception]) -> float | None:
    budget = _budget()
    return timeout if budget is None else budget.time_left(timeout, expired)


class _BudgetStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        budget = _budget()
        if budget is None:
            return self._inner.read(max_bytes, timeout)
        if budget.head_bytes is not None and budget.head_bytes >= MAX_HEAD_BYTES:
            raise HeadTooLargeError(f"response headers larger than {MAX_HEAD_BYTES // 1024} KB")
        data = self._inner.read(max_bytes, budget.time_left(timeout, httpcore.ReadTimeout))
        if budget.head_bytes is not None:
            budget.head_bytes += len(data)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        timeout = _time_left(timeout, httpcore.ConnectTimeout)
        return _BudgetStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _BudgetBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _time_left(timeout, httpcore.ConnectTimeout)
        return _BudgetStream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The one TLS context of every transport: building one loads the CA bundle, about 20 ms of CPU, which a run of
    300 sources paid twice per source. A context serves many connections and threads at once."""
    return httpx.create_ssl_context(trust_env=False)


class _DeadlineTransport(httpx.HTTPTransport):
    def __init__(self, limits: httpx.Limits, proxy: httpx.Proxy | None) -> None:
        super().__init__(verify=_tls_context(), limits=limits, trust_env=False)
        # httpx offers no way to choose httpcore's network backend: its pool is replaced before any use, by the
        # same pool httpx would build for the proxy (or none), on the budgeted backend, so that the connection to
        # a proxy keeps to the request's deadline too.
        pool: dict[str, Any] = {
            "ssl_context": _tls_context(),
            "max_connections": limits.max_connections,
            "max_keepalive_connections": limits.max_keepalive_connections,
            "keepalive_expiry": limits.keepalive_expiry,
            "network_backend": _BudgetBackend(),
        }
        if proxy is None:
            self._pool = httpcore.ConnectionPool(**pool)
            return
        url = httpcore.URL(
            scheme=proxy.url.raw_scheme, host=proxy.url.raw_host, port=proxy.url.port, target=proxy.url.raw_path
        )
        if proxy.url.scheme in ("http", "https"):
            self._pool = httpcore.HTTPProxy(proxy_url=url, proxy_auth=proxy.raw_auth, **pool)
        else:  # socks5, socks5h (Source validates the scheme)
            self._pool = httpcore.SOCKSProxy(proxy_url=url, proxy_auth=proxy.raw_auth, **pool)


def deadline_transport(limits: httpx.Limits, proxy: httpx.Proxy | None = None) -> httpx.BaseTransport:
    """An HTTP transport whose requests keep to the deadline and head cap of the thread's :func:`request_budget`,
    sent through ``proxy`` when one is given."""
    return _DeadlineTransport(limits, proxy)
