"""Each way a fetch fails becomes one failure kind, with the specifics in its detail (httpx MockTransport: what is
tested is the fetcher's classification, which a server on loopback would add nothing to)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from ingest.failures import HINTS, FailureKind
from ingest.fetch import Fetcher, FetchResult
from ingest.sources import Source

SITE = "http://www.example.gov.cn"
PAGE = f"{SITE}/zwgk/t20260122_1.html"


def fetch_with(
    answer: Callable[[httpx.Request], httpx.Response], *, max_retries: int = 0, url: str = PAGE
) -> FetchResult:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            given = httpx.Response(200, text="User-agent: *\nDisallow: /private/\n")
        else:
            given = answer(request)
        # As a server's answer arrives: a body still to be read, which the fetcher reads raw and decodes itself
        # (httpx reads a Response built from content at once).
        return httpx.Response(given.status_code, headers=given.headers, stream=httpx.ByteStream(given.content))

    source = Source(
        name="mock", region="-", start_urls=[PAGE], allow_private=True, rate_limit=100.0, max_retries=max_retries
    )
    with Fetcher(source, transport=httpx.MockTransport(handler), backoff_base=0.001) as fetcher:
        return fetcher.fetch(url)


def failure_of(result: FetchResult) -> tuple[FailureKind, str]:
    assert result.failure is not None, result
    return result.failure.kind, result.failure.detail


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (404, FailureKind.not_found),
        (410, FailureKind.not_found),
        (403, FailureKind.blocked_status),
        (412, FailureKind.blocked_status),
        (405, FailureKind.blocked_status),
        (493, FailureKind.blocked_status),
        (418, FailureKind.http_error),
    ],
)
def test_a_status_is_classified(status: int, kind: FailureKind) -> None:
    assert failure_of(fetch_with(lambda _: httpx.Response(status))) == (kind, f"HTTP {status}")


def test_retry_counts_stay_in_the_detail_so_server_errors_are_one_kind() -> None:
    details = {
        retries: failure_of(fetch_with(lambda _: httpx.Response(500), max_retries=retries)) for retries in (1, 2)
    }
    assert details == {
        1: (FailureKind.server_error, "HTTP 500 (gave up after 2 attempts)"),
        2: (FailureKind.server_error, "HTTP 500 (gave up after 3 attempts)"),
    }


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("[Errno -2] Name or service not known", FailureKind.dns),
        ("[Errno -3] Temporary failure in name resolution", FailureKind.dns),
        ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed", FailureKind.tls),
        ("[Errno 111] Connection refused", FailureKind.refused),
    ],
)
def test_a_connection_failure_is_classified_by_what_failed(message: str, kind: FailureKind) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(message, request=request)

    found, detail = failure_of(fetch_with(refuse))
    assert found is kind and detail == f"connection failed: ConnectError: {message}"


def test_a_timeout_a_large_body_and_a_redirect_off_the_site() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    assert failure_of(fetch_with(slow))[0] is FailureKind.timeout
    huge = fetch_with(lambda _: httpx.Response(200, headers={"content-length": str(10**9)}))
    assert failure_of(huge) == (FailureKind.too_large, "response larger than 20 MB")
    away = fetch_with(lambda _: httpx.Response(302, headers={"location": "http://elsewhere.example/a.html"}))
    assert failure_of(away)[0] is FailureKind.redirect_refused


def test_a_robots_disallow_is_its_own_kind() -> None:
    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError("a disallowed page must not be requested")

    assert failure_of(fetch_with(never, url=f"{SITE}/private/a.html"))[0] is FailureKind.robots


def test_every_kind_has_a_hint() -> None:
    assert set(HINTS) == set(FailureKind) and all(HINTS.values())


def test_credentials_are_their_own_kind_on_a_link_and_on_a_redirect_hop() -> None:
    secret = f"http://reader:secret@{SITE.removeprefix('http://')}/zwgk/t20260122_2.html"
    link = fetch_with(lambda _: httpx.Response(200, text="never asked"), url=secret)
    hop = fetch_with(lambda _: httpx.Response(302, headers={"location": secret}))
    for result in (link, hop):
        kind, detail = failure_of(result)
        assert kind is FailureKind.userinfo
        assert "secret" not in detail and "secret" not in result.final_url
